"""_ctypes in subinterpreters.

Legacy interpreters, which share the main interpreter's GIL, import and use
it, each with its own module state.  _ctypes does not support interpreters
with a GIL of their own (see the comment on its module slots): they refuse
to import it.
"""
import importlib.util
import sys
import threading
import unittest
from test.support import import_helper, threading_helper

_xxsubinterpreters = import_helper.import_module('_xxsubinterpreters')

# Structures, libc calls and a CFUNCTYPE callback that qsort() calls, from
# three threads of the interpreter; fails with AssertionError.
SCRIPT = """if True:
    import ctypes, pickle, threading
    import _xxsubinterpreters

    HERE = _xxsubinterpreters.get_current()
    libc = ctypes.CDLL(None)

    class POINT(ctypes.Structure):
        _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int)]

    CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                           ctypes.POINTER(ctypes.c_int))

    def work(n):
        calls = 0
        elsewhere = []
        def cmp(a, b):
            nonlocal calls
            calls += 1
            # The callback runs in the interpreter that made it.
            if _xxsubinterpreters.get_current() != HERE:
                elsewhere.append(_xxsubinterpreters.get_current())
            return a[0] - b[0]
        callback = CMP(cmp)
        for i in range(50):
            values = list(range(n + i, 0, -1))
            array = (ctypes.c_int * len(values))(*values)
            libc.qsort(array, len(array), ctypes.sizeof(ctypes.c_int),
                       callback)
            assert list(array) == sorted(values), list(array)
            p = POINT(i, -i)
            q = pickle.loads(pickle.dumps(p))
            assert (q.x, q.y) == (i, -i)
            assert ctypes.pointer(p).contents.y == -i
            assert libc.abs(-i) == i
            assert libc.strlen(b'x' * i) == i
        assert calls > 0
        assert not elsewhere, elsewhere
        libc.abs.argtypes = (ctypes.c_int,)
        try:
            libc.abs('x')
        except ctypes.ArgumentError:
            pass
        else:
            raise AssertionError('ArgumentError not raised')

    errors = []
    def run(n):
        try:
            work(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(10 + k,)) for k in range(3)]
    for t in threads:
        t.start()
    work(20)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    """


@unittest.skipIf(sys.platform == 'win32', 'uses the C library of POSIX')
class LegacyInterpreterTests(unittest.TestCase):

    def run_in_interpreter(self):
        interp = _xxsubinterpreters.create('legacy')
        try:
            _xxsubinterpreters.run_string(interp, SCRIPT)
        finally:
            _xxsubinterpreters.destroy(interp)

    def test_interpreter(self):
        self.run_in_interpreter()

    def test_interpreters_at_once(self):
        errors = []

        def run():
            try:
                self.run_in_interpreter()
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(3)]
        with threading_helper.start_threads(threads):
            pass
        self.assertEqual(errors, [])


# The check that comes with importlib.util's way of lifting it.
@unittest.skipUnless(
    hasattr(importlib.util, '_incompatible_extension_module_restrictions'),
    'needs interpreters that check extension modules')
class OwnGILInterpreterTests(unittest.TestCase):

    def test_import_refused(self):
        interpreters = import_helper.import_module('concurrent.interpreters')
        interp = interpreters.create()
        try:
            interp.exec("""if True:
                try:
                    import _ctypes
                except ImportError as exc:
                    assert '_ctypes' in str(exc), str(exc)
                else:
                    raise AssertionError('_ctypes imported')
                """)
        finally:
            interp.close()


if __name__ == '__main__':
    unittest.main()
