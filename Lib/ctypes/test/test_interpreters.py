"""_ctypes in subinterpreters.

Legacy interpreters, which share the main interpreter's GIL, and
interpreters with a GIL of their own (percore, PEP 684) import and use it,
each with its own module state, classes and callbacks; several own-GIL
interpreters import it at the same moment and run at the same time (see
the comment on its module slots).
"""
import sys
import threading
import unittest
from test.support import import_helper, threading_helper

_xxsubinterpreters = import_helper.import_module('_xxsubinterpreters')

# Structures, unions, bit fields, byte-swapped structures, arrays,
# pointers, casts, libc calls and a CFUNCTYPE callback that qsort() calls,
# and pickling, from three threads of the interpreter; fails with
# AssertionError.
SCRIPT = """if True:
    import ctypes, pickle, threading
    import _xxsubinterpreters

    HERE = _xxsubinterpreters.get_current()
    libc = ctypes.CDLL(None)

    class POINT(ctypes.Structure):
        _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int)]

    class RECT(ctypes.Structure):
        _fields_ = [('a', POINT), ('b', POINT)]

    class BITS(ctypes.Structure):
        _fields_ = [('lo', ctypes.c_uint, 4), ('hi', ctypes.c_uint, 28)]

    class NUMBER(ctypes.Union):
        _fields_ = [('i', ctypes.c_uint32), ('b', ctypes.c_uint8 * 4)]

    class BE(ctypes.BigEndianStructure):
        _fields_ = [('v', ctypes.c_uint16)]

    class LE(ctypes.LittleEndianStructure):
        _fields_ = [('v', ctypes.c_uint16)]

    # Types are per interpreter, and so are their caches.
    assert (ctypes.c_int * 4) is (ctypes.c_int * 4)
    assert ctypes.POINTER(POINT) is ctypes.POINTER(POINT)

    def other_types(i):
        r = RECT(POINT(i, 2 * i), POINT(3 * i, 4 * i))
        assert (r.a.x, r.a.y, r.b.x, r.b.y) == (i, 2 * i, 3 * i, 4 * i)
        bits = BITS(i % 16, i * 1000)
        assert (bits.lo, bits.hi) == (i % 16, i * 1000)
        n = NUMBER(0x01020304)
        assert sorted(n.b) == [1, 2, 3, 4], list(n.b)
        assert bytes(BE(0x0102)) == b'\\x01\\x02'
        assert bytes(LE(0x0102)) == b'\\x02\\x01'
        assert ctypes.c_int.__ctype_be__(i).value == i
        buf = ctypes.create_string_buffer(b'percore %d' % i)
        assert ctypes.string_at(buf) == b'percore %d' % i
        p = ctypes.cast(buf, ctypes.c_char_p)
        assert p.value == b'percore %d' % i
        assert ctypes.sizeof(ctypes.c_double * i) == 8 * i
        d = ctypes.c_double(i / 4)
        assert ctypes.cast(ctypes.pointer(d),
                           ctypes.POINTER(ctypes.c_double)).contents.value == i / 4
        ctypes.memmove(ctypes.byref(d), ctypes.byref(ctypes.c_double(-1.5)),
                       ctypes.sizeof(d))
        assert d.value == -1.5
        words = (ctypes.c_char_p * 3)(b'b', b'c', b'a')
        assert sorted(words[:]) == [b'a', b'b', b'c']
        q = pickle.loads(pickle.dumps(r))
        assert (q.b.x, q.b.y) == (3 * i, 4 * i)

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
            other_types(i)
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


@unittest.skipIf(sys.platform == 'win32', 'uses the C library of POSIX')
@unittest.skipUnless(hasattr(_xxsubinterpreters, 'new_config'),
                     'needs interpreters with their own GIL')
class OwnGILInterpreterTests(unittest.TestCase):
    """Interpreters with their own GIL (and allocator, and the strict
    extension check) running at the same time"""

    def create(self):
        config = _xxsubinterpreters.new_config('isolated')
        self.assertTrue(config.own_gil)
        self.assertTrue(config.strict_extensions)
        return _xxsubinterpreters.create(config=config)

    def run_at_once(self, count, script):
        # Each thread runs script in an interpreter of its own; they all
        # start it at the same moment, so the first import of ctypes and
        # of _ctypes happens in all of them at once.
        interps = [self.create() for _ in range(count)]
        barrier = threading.Barrier(count)
        errors = []

        def run(interp):
            try:
                barrier.wait()
                _xxsubinterpreters.run_string(interp, script)
            except Exception as exc:
                errors.append(exc)

        try:
            threads = [threading.Thread(target=run, args=(interp,))
                       for interp in interps]
            with threading_helper.start_threads(threads):
                pass
        finally:
            for interp in interps:
                _xxsubinterpreters.destroy(interp)
        self.assertEqual(errors, [])

    def test_interpreter(self):
        interp = self.create()
        try:
            _xxsubinterpreters.run_string(interp, SCRIPT)
        finally:
            _xxsubinterpreters.destroy(interp)

    def test_import_at_once(self):
        self.run_at_once(4, """if True:
            import _ctypes, ctypes
            assert ctypes.Structure is _ctypes.Structure
            assert type(ctypes.Structure) is type(_ctypes.Structure)
            assert ctypes.c_int(7).value == 7
            """)

    def test_interpreters_at_once(self):
        self.run_at_once(4, SCRIPT)

    def test_interpreters_and_main_at_once(self):
        # The main interpreter uses the same static types meanwhile.
        import ctypes
        done = threading.Event()
        errors = []

        def main_work():
            try:
                while not done.is_set():
                    values = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
                    self.assertEqual(sorted(values), [1, 2, 3, 4, 5])
                    p = ctypes.pointer(ctypes.c_long(9))
                    self.assertEqual(p.contents.value, 9)
            except Exception as exc:
                errors.append(exc)

        thread = threading.Thread(target=main_work)
        thread.start()
        try:
            self.run_at_once(2, SCRIPT)
        finally:
            done.set()
            thread.join()
        self.assertEqual(errors, [])


if __name__ == '__main__':
    unittest.main()
