"""Every extension module of the build, imported and used in several
interpreters that each have their own GIL, at the same time (percore,
PEP 684).

An own-GIL interpreter checks extensions (strict_extensions): a module
either declares Py_MOD_PER_INTERPRETER_GIL_SUPPORTED and must then work
there, or is refused with ImportError, and then only if it is listed in
REFUSED with the reason it cannot be made safe.
"""

import json
import os
import re
import sys
import sysconfig
import textwrap
import threading
import unittest
from test.support import import_helper

interpreters = import_helper.import_module('_xxsubinterpreters')

# Modules an own-GIL interpreter refuses, and why (also in
# Doc/howto/isolating-extensions.rst's percore section).
PROCESS_WIDE = 'its C library keeps process-wide state without a lock: '
REFUSED = {
    # Wrappers of C libraries with one global state: they declare
    # Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED (interpreters sharing the
    # main GIL only).
    'readline': PROCESS_WIDE + 'GNU readline (one terminal, one history)',
    '_curses': PROCESS_WIDE + 'ncurses (one screen)',
    '_curses_panel': PROCESS_WIDE + 'ncurses panels (one screen)',
    '_tkinter': PROCESS_WIDE + "Tcl/Tk's event loop and input hook",
    # Examples limited to an older stable ABI, which has no
    # Py_mod_multiple_interpreters slot (3.12+ limited API).
    'xxlimited': 'limited API 3.11 example: the slot needs the 3.12 limited API',
    'xxlimited_35': 'limited API 3.5 example: the slot needs the 3.12 limited API',
    'xxsubtype': 'static types example: exec fills in the shared types\' '
                 'bases, which the public C API cannot do once for '
                 'interpreters running in parallel',
    # Test-only modules.
    '_testcapi': 'test-only: single-phase, exercises process-wide C API '
                 'state on purpose',
    '_testimportmultiple': 'test-only: single-phase on purpose (several '
                           'modules in one file)',
    '_testmultiinterp': 'test-only: the strict check\'s test modules, '
                        'counting init calls process-wide',
}

# A little work for each module, run after importing it as `m`.
EXERCISE = {
    '_asyncio': 'import asyncio; assert asyncio.run(asyncio.sleep(0, 7)) == 7',
    '_bisect': 'assert m.bisect_right([1, 2, 3], 2) == 2',
    '_blake2': 'm.blake2b(b"x").hexdigest()',
    '_bz2': 'import bz2; assert bz2.decompress(bz2.compress(b"ab" * 99)) == b"ab" * 99',
    '_codecs_jp': 'assert "\u3042".encode("shift_jis").decode("shift_jis") == "\u3042"',
    '_collections': 'd = m.deque([1, 2]); d.rotate(1); assert list(d) == [2, 1]',
    '_csv': 'import csv, io; assert list(csv.reader(io.StringIO("a,b"))) == [["a", "b"]]',
    '_ctypes': 'import ctypes; assert ctypes.c_int(5).value == 5; '
               'a = (ctypes.c_int * 3)(3, 1, 2); '
               'assert ctypes.cast(a, ctypes.POINTER(ctypes.c_int))[2] == 2; '
               'assert ctypes.c_int.__ctype_be__(258).value == 258',
    '_datetime': 'import datetime; assert datetime.date(2020, 1, 2).isoformat() == "2020-01-02"',
    '_decimal': 'import decimal; assert str(decimal.Decimal(1) / 8) == "0.125"',
    # Dumping works everywhere; changing the process-wide handlers is the
    # main interpreter's (FaulthandlerTests).
    'faulthandler': ('import os; r, w = os.pipe(); '
                     'm.dump_traceback(file=w, all_threads=False); os.close(w); '
                     'assert b"most recent call first" in os.read(r, 4096); '
                     'os.close(r); assert m.is_enabled() in (True, False)'),
    # Not traced here; tracing is the main interpreter's (TracemallocTests).
    '_tracemalloc': ('import tracemalloc; '
                     'assert tracemalloc.is_tracing() in (True, False); '
                     'assert tracemalloc.get_object_traceback([]) is None; '
                     'assert len(tracemalloc.get_traced_memory()) == 2'),
    '_elementtree': 'import xml.etree.ElementTree as ET; assert ET.fromstring("<a><b/></a>")[0].tag == "b"',
    '_functools': 'assert m.reduce(int.__add__, [1, 2, 3]) == 6',
    '_hashlib': 'import hashlib; assert hashlib.sha256(b"").hexdigest().startswith("e3b0")',
    '_heapq': 'h = [3, 1, 2]; m.heapify(h); assert h[0] == 1',
    '_io': 'import io; b = io.BytesIO(); b.write(b"x"); assert b.getvalue() == b"x"',
    '_json': 'import json; assert json.loads(json.dumps({"a": [1.5]})) == {"a": [1.5]}',
    '_lzma': 'import lzma; assert lzma.decompress(lzma.compress(b"z")) == b"z"',
    '_md5': 'm.md5(b"").hexdigest()',
    '_pickle': 'import pickle; assert pickle.loads(pickle.dumps([1, "a"])) == [1, "a"]',
    '_random': 'r = m.Random(5); r.random()',
    '_sha256': 'm.sha256(b"").hexdigest()',
    '_socket': 'a, b = m.socketpair(); a.send(b"hi"); assert b.recv(2) == b"hi"; a.close(); b.close()',
    # The callback must run in this interpreter (PyGILState_Ensure()).
    '_sqlite3': ('import sqlite3, sys; c = sqlite3.connect(":memory:"); '
                 'c.create_function("here", 0, lambda: id(sys.modules)); '
                 'assert c.execute("select here()").fetchone() == (id(sys.modules),)'),
    '_sre': 'import re; assert re.match(r"(a+)b", "aab").group(1) == "aa"',
    '_ssl': 'import ssl; ssl.create_default_context()',
    '_struct': 'assert m.unpack("<i", m.pack("<i", -2)) == (-2,)',
    # The buffers of memoryview_from_buffer() are the module state's.
    '_testbuffer': ('a = m.ndarray(list(range(6)), shape=[2, 3], format="i"); '
                    'assert a.tolist() == [[0, 1, 2], [3, 4, 5]]; '
                    'assert a[1].tolist() == [3, 4, 5]; '
                    'assert memoryview(a)[1, 2] == 5; '
                    'assert a.memoryview_from_buffer().tolist() == a.tolist(); '
                    'assert bytes(m.staticarray())[:3] == b"\\x00\\x01\\x02"'),
    '_testclinic': 'assert m.keywords_kwonly_opt(1, b=2) == (1, 2, None)',
    # The PEP 523 recorder's list is this interpreter's; changing the
    # process-wide configuration is the main interpreter's.
    '_testinternalcapi': ('calls = []\n'
                          'def here(): pass\n'
                          'm.set_eval_frame_record(calls)\n'
                          'try:\n'
                          '    here()\n'
                          'finally:\n'
                          '    m.set_eval_frame_default()\n'
                          'assert calls == ["here"], calls\n'
                          'assert m.normalize_path("a/./b") == "a/b"\n'
                          'assert m.SIZEOF_PYGC_HEAD > 0\n'
                          'for f in (m.reset_path_config,\n'
                          '          lambda: m.set_config(m.get_config())):\n'
                          '    try: f()\n'
                          '    except RuntimeError: pass\n'
                          '    else: raise AssertionError("allowed")'),
    '_xxtestfuzz': 'm.run(b"{\\x00[1]"); m.run(b"\\x01(?:a*)*b")',
    # A TZif (version 1) file with one UTC type: needs no time zone data.
    '_zoneinfo': ('import datetime, io, zoneinfo; '
                  'assert zoneinfo.ZoneInfo is m.ZoneInfo; '
                  'tzif = (b"TZif" + bytes(32) + (1).to_bytes(4, "big") + '
                  '(4).to_bytes(4, "big") + bytes(6) + b"UTC\\0"); '
                  'z = m.ZoneInfo.from_file(io.BytesIO(tzif), key="UTC"); '
                  'assert str(z) == "UTC"; '
                  'assert z.utcoffset(None) == datetime.timedelta(0)'),
    'array': 'assert m.array("i", [1, 2]).tolist() == [1, 2]',
    'binascii': 'assert m.hexlify(b"\\x01") == b"01"',
    'math': 'assert m.isqrt(17) == 4',
    # No NIS server is needed: an empty domain is refused by the client
    # library before it binds; the default domain may well not be set.
    'nis': ('for call in (m.get_default_domain, '
            'lambda: m.match("root", "passwd", "")):\n'
            '    try: call()\n'
            '    except m.error: pass'),
    'pyexpat': 'p = m.ParserCreate(); p.Parse("<a/>", True)',
    'select': 'm.select([], [], [], 0)',
    # The ident is the process's: a raw C string under the module's lock.
    'syslog': ('m.openlog("test_own_gil_extensions", 0, m.LOG_USER); '
               'm.setlogmask(m.setlogmask(0)); '
               'm.syslog(m.LOG_DEBUG, "own-GIL interpreter"); m.closelog(); '
               'm.syslog(m.LOG_DEBUG, "own-GIL interpreter, implicit open")'),
    'unicodedata': 'assert m.name("a") == "LATIN SMALL LETTER A"',
    'zlib': 'assert m.decompress(m.compress(b"q" * 50)) == b"q" * 50',
}


def extension_modules():
    """The names of the build's extension modules, built-in and shared."""
    names = set(sys.builtin_module_names)
    suffix = sysconfig.get_config_var('EXT_SUFFIX')
    dynload = os.path.dirname(import_helper.import_module('_json').__file__)
    for filename in os.listdir(dynload):
        if filename.endswith(suffix):
            names.add(filename[:-len(suffix)])
    return sorted(names)


def import_all_in_new_interpreter(names):
    """Create an own-GIL interpreter, import and exercise every module of
    names there; return {name: 'ok' or the error}."""
    interp = interpreters.create('isolated')
    try:
        r, w = os.pipe()
        script = textwrap.dedent("""
            import importlib, json, os
            results = {}
            for name, exercise in json.loads(%r):
                try:
                    m = importlib.import_module(name)
                    if exercise:
                        exec(exercise, {'m': m})
                except BaseException as exc:
                    results[name] = f'{type(exc).__name__}: {exc}'
                else:
                    results[name] = 'ok'
            os.write(%d, json.dumps(results).encode())
            """) % (json.dumps([(n, EXERCISE.get(n)) for n in names]), w)
        try:
            interpreters.run_string(interp, script)
        finally:
            os.close(w)
        with open(r, 'rb') as f:
            return json.loads(f.read())
    finally:
        interpreters.destroy(interp)


class StdlibExtensionsTests(unittest.TestCase):

    N_INTERPRETERS = 4

    def test_every_module_in_parallel_interpreters(self):
        names = extension_modules()
        results = [None] * self.N_INTERPRETERS
        errors = []

        def worker(i):
            # Each interpreter imports the modules in another order.
            order = names[i::] + names[:i]
            try:
                results[i] = import_all_in_new_interpreter(order)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,))
                   for i in range(self.N_INTERPRETERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

        for name in names:
            with self.subTest(module=name):
                outcomes = {re.sub(r' \(interpreter \d+\)', '', r[name])
                            for r in results}
                self.assertEqual(len(outcomes), 1, outcomes)
                outcome = outcomes.pop()
                if name in REFUSED:
                    self.assertRegex(
                        outcome,
                        f"^ImportError: module '{name}' cannot be loaded in "
                        "an interpreter with its own GIL")
                else:
                    self.assertEqual(outcome, 'ok')

        importable = sum(r == 'ok' for r in results[0].values())
        if support_verbose():
            print(f'\n{importable} of {len(names)} extension modules work '
                  'in own-GIL interpreters', file=sys.stderr)

    def test_each_module_at_the_same_moment(self):
        # Above, the interpreters mostly import different modules at any
        # one time.  Here they all import and use the same module at once,
        # module by module, so that what an extension's init and exec
        # functions share (static tables, one-time setup) is met by several
        # interpreters together, as the sanitizer builds need to see it.
        names = [name for name in extension_modules() if name not in REFUSED]
        barrier = threading.Barrier(self.N_INTERPRETERS)
        failures = []

        def worker():
            interp = interpreters.create('isolated')
            try:
                for name in names:
                    script = (f'import importlib\n'
                              f'm = importlib.import_module({name!r})\n'
                              f'exec({EXERCISE.get(name, "")!r}, {{"m": m}})')
                    barrier.wait()
                    try:
                        interpreters.run_string(interp, script)
                    except interpreters.RunFailedError as exc:
                        failures.append((name, str(exc)))
            except BaseException as exc:
                barrier.abort()
                failures.append(('', repr(exc)))
            finally:
                interpreters.destroy(interp)

        threads = [threading.Thread(target=worker)
                   for _ in range(self.N_INTERPRETERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])

    def test_zoneinfo_uses_c_version(self):
        # zoneinfo used to fall back to its pure-Python ZoneInfo here.
        interp = interpreters.create('isolated')
        self.addCleanup(interpreters.destroy, interp)
        interpreters.run_string(interp, textwrap.dedent('''
            import sys, zoneinfo
            assert zoneinfo.ZoneInfo is sys.modules['_zoneinfo'].ZoneInfo
            assert 'zoneinfo._zoneinfo' not in sys.modules  # pure Python
            '''))

    def test_refused_modules_still_load_in_main(self):
        # (readline is left out: importing it changes the terminal.)
        for name in sorted(set(REFUSED) - {'readline'}):
            with self.subTest(module=name):
                import_helper.import_module(name)


class FaulthandlerTests(unittest.TestCase):

    def test_handlers_are_the_main_interpreters(self):
        # The fault handlers, the watchdog and the signal registrations
        # are process-wide: an own-GIL interpreter sees them but may not
        # change them.  The main interpreter's stay as they were.
        import faulthandler
        was_enabled = faulthandler.is_enabled()
        self.addCleanup(lambda: (faulthandler.enable() if was_enabled
                                 else faulthandler.disable()))
        faulthandler.enable()
        interp = interpreters.create('isolated')
        self.addCleanup(interpreters.destroy, interp)
        interpreters.run_string(interp, textwrap.dedent("""
            import faulthandler, signal
            assert faulthandler.is_enabled()
            calls = [(faulthandler.enable, ()), (faulthandler.disable, ()),
                     (faulthandler.dump_traceback_later, (60,)),
                     (faulthandler.cancel_dump_traceback_later, ())]
            if hasattr(faulthandler, 'register'):
                calls += [(faulthandler.register, (signal.SIGUSR1,)),
                          (faulthandler.unregister, (signal.SIGUSR1,))]
            for func, args in calls:
                try:
                    func(*args)
                except RuntimeError as exc:
                    assert 'process-wide' in str(exc), exc
                    assert func.__name__ in str(exc), exc
                else:
                    raise AssertionError(f'{func.__name__}() was allowed')
            """))
        self.assertTrue(faulthandler.is_enabled())
        # An interpreter sharing the main GIL still may, as in 3.11.
        legacy = interpreters.create('legacy')
        self.addCleanup(interpreters.destroy, legacy)
        interpreters.run_string(legacy, 'import faulthandler\n'
                                        'faulthandler.disable()\n'
                                        'faulthandler.enable()')
        self.assertTrue(faulthandler.is_enabled())


class TracemallocTests(unittest.TestCase):

    def test_tracing_is_the_main_interpreters(self):
        # An own-GIL interpreter has its own allocator, which is not
        # traced: it may ask whether the process traces, but not start,
        # stop or read the traces, which are the main interpreter's.
        import tracemalloc
        if tracemalloc.is_tracing():
            self.skipTest('tracemalloc is already tracing')
        tracemalloc.start()
        self.addCleanup(tracemalloc.stop)
        traced = bytearray(1000)   # no free list: a new block, traced
        interp = interpreters.create('isolated')
        self.addCleanup(interpreters.destroy, interp)
        interpreters.run_string(interp, textwrap.dedent("""
            import tracemalloc
            assert tracemalloc.is_tracing()
            assert tracemalloc.get_object_traceback([4, 5]) is None
            current, peak = tracemalloc.get_traced_memory()
            assert 0 < current <= peak, (current, peak)
            for func in (tracemalloc.start, tracemalloc.stop,
                         tracemalloc.clear_traces, tracemalloc.reset_peak,
                         tracemalloc.get_traceback_limit,
                         tracemalloc.get_tracemalloc_memory,
                         tracemalloc.take_snapshot):
                try:
                    func()
                except RuntimeError as exc:
                    assert "main interpreter's allocator" in str(exc), exc
                else:
                    raise AssertionError(f'{func.__name__}() was allowed')
            """))
        self.assertTrue(tracemalloc.is_tracing())
        self.assertIsNotNone(tracemalloc.get_object_traceback(traced))
        tracemalloc.take_snapshot()


# Third-party modules that do not handle a failing PyModule_Create() in
# their init function: the strict check refuses them without calling it.
SINGLE_PHASE_ABORTS_C = r"""
#include <Python.h>
#include <stdlib.h>

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "%(name)s", NULL, -1};

PyMODINIT_FUNC
PyInit_%(name)s(void)
{
    PyObject *m = PyModule_Create(&def);
    if (m == NULL) {
        abort();    /* as C code that uses the NULL would crash */
    }
    PyModule_AddIntConstant(m, "answer", 42);
    return m;
}
"""

# The module is made through a function found at run time, as when an
# init function calls into another library: the symbols do not tell.
CREATE_ELSEWHERE_C = r"""
#include <Python.h>
#include <dlfcn.h>
#include <stdlib.h>

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "%(name)s", NULL, -1};

PyMODINIT_FUNC
PyInit_%(name)s(void)
{
    PyObject *(*create)(PyModuleDef *, int) =
        (PyObject *(*)(PyModuleDef *, int))dlsym(RTLD_DEFAULT,
                                                 "PyModule_Create2");
    PyObject *m = create(&def, PYTHON_API_VERSION);
    if (m == NULL) {
        abort();
    }
    PyModule_AddIntConstant(m, "answer", 42);
    return m;
}
"""

# pybind11 (2.10, Debian's python3-pybind11) calls PyModule_Create()
# outside its exception handler: a failure there throws past the init
# function and aborts the process.
PYBIND11_CPP = r"""
#include <pybind11/pybind11.h>

PYBIND11_MODULE(%(name)s, m) {
    m.def("answer", []() { return 42; });
}
"""


def _compile_extension(tmpdir, name, source, compiler, suffix, extra=()):
    import shutil
    import subprocess
    if shutil.which(compiler) is None:
        raise unittest.SkipTest(f'{compiler} not found')
    src = os.path.join(tmpdir, name + suffix)
    with open(src, 'w') as f:
        f.write(source % {'name': name})
    include = {sysconfig.get_paths()['include'],
               os.path.dirname(sysconfig.get_config_h_filename())}
    if sysconfig.is_python_build():
        include.add(os.path.join(sysconfig.get_config_var('srcdir'),
                                 'Include'))
    out = os.path.join(tmpdir, name + sysconfig.get_config_var('EXT_SUFFIX'))
    cmd = [compiler, '-shared', '-fPIC', '-O0', '-o', out, src, *extra]
    cmd[1:1] = [f'-I{d}' for d in sorted(include)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise unittest.SkipTest(f'cannot build {name}: {proc.stderr[-2000:]}')
    return out


class UnsafeInitFunctionTests(unittest.TestCase):
    # The strict check must refuse a module, in every interpreter that
    # checks, whatever its init function would do with a failing
    # PyModule_Create().  Each case runs in a child process, so that a
    # crash fails the test instead of ending the run.

    def check_refused(self, name, source, compiler, suffix, extra=(),
                      reason='single-phase initialization'):
        import tempfile
        from test.support import script_helper
        with tempfile.TemporaryDirectory() as tmpdir:
            _compile_extension(tmpdir, name, source, compiler, suffix, extra)
            script = textwrap.dedent(f"""
                import sys
                sys.path.insert(0, {tmpdir!r})
                import _xxsubinterpreters as interpreters
                for _ in range(2):
                    interp = interpreters.create('isolated')
                    try:
                        interpreters.run_string(
                            interp,
                            "import sys; sys.path.insert(0, {tmpdir!r}); "
                            "import {name}")
                    except interpreters.RunFailedError as exc:
                        print('refused:', exc)
                    else:
                        print('imported')
                    interpreters.destroy(interp)
                # Refused before its init function ran: the main
                # interpreter still gets a working module.
                import {name}
                print('main:', {name}.answer if isinstance({name}.answer, int)
                      else {name}.answer())
                """)
            proc = script_helper.spawn_python('-c', script)
            out, _ = proc.communicate()
            out = out.decode('utf-8', 'replace')
        self.assertEqual(proc.returncode, 0, out)
        lines = out.splitlines()
        self.assertEqual(len(lines), 3, out)
        for line in lines[:2]:
            self.assertTrue(line.startswith(
                f"refused: <class 'ImportError'>: module '{name}' cannot be "
                f"loaded in "
                f"an interpreter with its own GIL"), line)
            self.assertIn(reason, line)
        self.assertEqual(lines[2], 'main: 42')

    def test_single_phase_that_aborts_on_failure(self):
        self.check_refused('_percore_aborts', SINGLE_PHASE_ABORTS_C,
                           'gcc', '.c')

    def test_module_made_elsewhere(self):
        self.check_refused('_percore_elsewhere', CREATE_ELSEWHERE_C,
                           'gcc', '.c', ('-ldl',),
                           reason='does not show whether')

    def test_pybind11_module(self):
        if not os.path.exists('/usr/include/pybind11/pybind11.h'):
            self.skipTest('pybind11 headers not installed '
                          '(Debian: python3-pybind11)')
        self.check_refused('_percore_pybind11', PYBIND11_CPP, 'g++', '.cpp',
                           ('-std=c++11', '-fvisibility=hidden'))


# A single-phase module with a C global: each copy counts on its own.
SINGLE_PHASE_COUNTER_C = r"""
#include <Python.h>

static long counter = 0;

static PyObject *
bump(PyObject *self, PyObject *unused)
{
    return PyLong_FromLong(++counter);
}

static PyMethodDef methods[] = {
    {"bump", bump, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef def = {
    PyModuleDef_HEAD_INIT, "%(name)s", NULL, -1, methods,
};

PyMODINIT_FUNC
PyInit_%(name)s(void)
{
    return PyModule_Create(&def);
}
"""


# A C++ module with an inline function's static variable: g++ makes it an
# STB_GNU_UNIQUE symbol, which every copy would share.
GNU_UNIQUE_CPP = r"""
#include <Python.h>

inline long &counter() { static long value = 0; return value; }

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "%(name)s", NULL, -1};

extern "C" PyObject *
PyInit_%(name)s(void)
{
    PyObject *m = PyModule_Create(&def);
    if (m != NULL) {
        PyModule_AddIntConstant(m, "answer", ++counter());
    }
    return m;
}
"""


class PrivateCopiesTests(unittest.TestCase):
    # private_extension_copies: what the strict check refuses is loaded
    # from a private copy of its shared library.  Each case runs in a
    # child process, so that a crash fails the test.

    def run_child(self, script):
        from test.support import script_helper
        proc = script_helper.spawn_python('-c', textwrap.dedent(script))
        out, _ = proc.communicate()
        out = out.decode('utf-8', 'replace')
        self.assertEqual(proc.returncode, 0, out)
        return out.splitlines()

    def test_copies_have_their_own_globals(self):
        import tempfile
        name = '_percore_counter'
        with tempfile.TemporaryDirectory() as tmpdir:
            path = _compile_extension(tmpdir, name, SINGLE_PHASE_COUNTER_C,
                                      'gcc', '.c')
            code = textwrap.dedent(f"""
                import sys
                sys.path.insert(0, {tmpdir!r})
                import {name}
                assert {name}.__file__ == {path!r}, {name}.__file__
                assert {name}.__spec__.origin == {path!r}
                for _ in range(3):
                    n = {name}.bump()
                print('copy', n)
                del sys.modules[{name!r}]
                import {name}
                print('again', {name}.bump())
                """)
            lines = self.run_child(f"""
                import sys
                sys.path.insert(0, {tmpdir!r})
                from concurrent import interpreters
                import {name}
                for _ in range(5):
                    {name}.bump()
                def copies():
                    with open('/proc/self/maps') as maps:
                        return sum('percore-copy' in line for line in maps)
                interps = [interpreters.create(private_extension_copies=True)
                           for _ in range(2)]
                for interp in interps:
                    interp.exec({code!r})
                print('mapped', copies() > 0)
                for interp in interps:
                    interp.close()
                print('unloaded', copies() == 0)
                print('main', {name}.bump())
                strict = interpreters.create()
                try:
                    strict.exec({code!r})
                except interpreters.ExecutionFailed as exc:
                    print('refused', exc.excinfo.type.__name__,
                          'single-phase' in exc.excinfo.msg)
                strict.close()
                """)
        self.assertEqual(lines, ['copy 3', 'again 4', 'copy 3', 'again 4',
                                 'mapped True', 'unloaded True', 'main 6',
                                 'refused ImportError True'])

    def test_process_wide_libraries_refused(self):
        lines = self.run_child("""
            from concurrent import interpreters
            interp = interpreters.create(private_extension_copies=True)
            for name in ('readline', '_curses', '_tkinter'):
                try:
                    interp.exec('import ' + name)
                except interpreters.ExecutionFailed as exc:
                    if 'No module named' in exc.excinfo.msg:
                        continue   # not built
                    print(name, exc.excinfo.type.__name__,
                          'not even from a private copy' in exc.excinfo.msg,
                          'terminal, screen or event loop' in exc.excinfo.msg)
                else:
                    print(name, 'imported')
            interp.close()
            """)
        self.assertTrue(lines, 'none of readline, _curses, _tkinter built')
        for line in lines:
            self.assertTrue(line.endswith(' ImportError True True'), line)

    def test_writable_gnu_unique_symbols_refused(self):
        import tempfile
        name = '_percore_gnu_unique'
        with tempfile.TemporaryDirectory() as tmpdir:
            _compile_extension(tmpdir, name, GNU_UNIQUE_CPP, 'g++', '.cpp')
            lines = self.run_child(f"""
                import sys
                sys.path.insert(0, {tmpdir!r})
                from concurrent import interpreters
                interp = interpreters.create(private_extension_copies=True)
                try:
                    interp.exec("import sys; sys.path.insert(0, {tmpdir!r}); "
                                "import {name}")
                except interpreters.ExecutionFailed as exc:
                    print(exc.excinfo.type.__name__,
                          'STB_GNU_UNIQUE' in exc.excinfo.msg)
                interp.close()
                import {name}
                print('main', {name}.answer)
                """)
        self.assertEqual(lines, ['ImportError True', 'main 1'])

    def test_config(self):
        import _xxsubinterpreters as _interp
        self.assertFalse(_interp.new_config().private_extension_copies)
        self.assertFalse(
            _interp.new_config('legacy').private_extension_copies)
        config = _interp.new_config('isolated', private_extension_copies=True)
        self.assertTrue(config.private_extension_copies)
        interp = _interp.create(config=config)
        try:
            self.assertTrue(
                _interp.get_config(interp).private_extension_copies)
        finally:
            _interp.destroy(interp)
        # A shared allocator: refused, saying why.
        bad = _interp.new_config('legacy', private_extension_copies=True)
        with self.assertRaisesRegex(ValueError, 'private_extension_copies'):
            _interp.create(config=bad)


def support_verbose():
    from test import support
    return support.verbose


if __name__ == '__main__':
    unittest.main()
