"""Interpreters with a GIL of their own (PEP 684), through the low-level
_xxsubinterpreters module: configs, what they forbid, errors crossing back,
several such interpreters running at once, hundreds created and destroyed
from several threads, and interpreters left alive at exit."""

import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import threading
import unittest
from test import support
from test.support import import_helper
from test.support.script_helper import assert_python_ok

interpreters = import_helper.import_module('_xxsubinterpreters')

CONFIG_FIELDS = ('use_main_obmalloc', 'allow_fork', 'allow_exec',
                 'allow_threads', 'allow_daemon_threads', 'own_gil',
                 'strict_extensions')


def config_dict(config):
    return {name: getattr(config, name) for name in CONFIG_FIELDS}


class InterpreterTest(unittest.TestCase):

    def create(self, config='isolated'):
        interp = interpreters.create(config)
        self.addCleanup(self.destroy, interp)
        return interp

    def destroy(self, interp):
        if interp in interpreters.list_all():
            interpreters.destroy(interp)

    def run_at_once(self, script, count=4, repeat=1, shared=lambda i: None):
        """Run script `repeat` times in each of `count` new own-GIL
        interpreters, all at the same time; shared(i) gives the names
        the i-th interpreter's script sees."""
        interps = [self.create() for _ in range(count)]
        errors = []

        def run(i):
            try:
                for _ in range(repeat):
                    interpreters.run_string(interps[i], script,
                                            shared=shared(i))
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,))
                   for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])


class ConfigTests(InterpreterTest):

    def test_isolated(self):
        self.assertEqual(config_dict(interpreters.new_config()), {
            'use_main_obmalloc': False, 'allow_fork': False,
            'allow_exec': False, 'allow_threads': True,
            'allow_daemon_threads': False, 'own_gil': True,
            'strict_extensions': True,
        })
        self.assertEqual(config_dict(interpreters.new_config('default')),
                         config_dict(interpreters.new_config('isolated')))

    def test_legacy(self):
        self.assertEqual(config_dict(interpreters.new_config('legacy')), {
            'use_main_obmalloc': True, 'allow_fork': True,
            'allow_exec': True, 'allow_threads': True,
            'allow_daemon_threads': True, 'own_gil': False,
            'strict_extensions': False,
        })

    def test_overrides(self):
        config = interpreters.new_config('isolated', allow_threads=False)
        self.assertFalse(config.allow_threads)
        self.assertTrue(config.own_gil)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, 'spam'):
            interpreters.new_config('spam')
        with self.assertRaisesRegex(TypeError, 'own_gill'):
            interpreters.new_config('isolated', own_gill=True)
        with self.assertRaisesRegex(TypeError, 'lacks the field'):
            interpreters.create(object())
        with self.assertRaises(TypeError):
            interpreters.create('isolated', isolated=True)

    def test_contradictions(self):
        cases = [
            (dict(use_main_obmalloc=True), 'own_gil=1.*use_main_obmalloc=1'),
            (dict(own_gil=False, strict_extensions=False),
             'use_main_obmalloc=0.*strict_extensions=0'),
            (dict(allow_threads=False, allow_daemon_threads=True),
             'allow_daemon_threads=1.*allow_threads=0'),
        ]
        before = interpreters.list_all()
        for overrides, message in cases:
            with self.subTest(**overrides):
                config = interpreters.new_config('isolated', **overrides)
                with self.assertRaisesRegex(ValueError, message):
                    interpreters.create(config)
        self.assertEqual(interpreters.list_all(), before)

    def test_get_config(self):
        for name in ('isolated', 'legacy'):
            with self.subTest(name):
                interp = self.create(name)
                self.assertEqual(
                    config_dict(interpreters.get_config(interp)),
                    config_dict(interpreters.new_config(name)))

    def test_create_default_is_311(self):
        # create() without a config keeps 3.11's behaviour: shared GIL,
        # no threads, fork or exec.
        interp = interpreters.create()
        self.addCleanup(interpreters.destroy, interp)
        config = interpreters.get_config(interp)
        self.assertFalse(config.own_gil)
        self.assertTrue(config.use_main_obmalloc)
        self.assertFalse(config.allow_threads)


class RestrictionTests(InterpreterTest):

    def assert_refused(self, config, script, message):
        interp = self.create(config)
        with self.assertRaisesRegex(interpreters.RunFailedError,
                                    'RuntimeError.*' + message):
            interpreters.run_string(interp, script)

    def test_threads(self):
        config = interpreters.new_config('isolated', allow_threads=False)
        self.assert_refused(
            config, 'import _thread; _thread.start_new_thread(print, ())',
            'allow_threads=0')

    def test_daemon_threads(self):
        self.assert_refused(
            'isolated',
            'import threading\n'
            'threading.Thread(target=print, daemon=True).start()',
            'allow_daemon_threads=0')

    def test_fork(self):
        self.assert_refused('isolated', 'import os; os.fork()',
                            'allow_fork=0')

    def test_exec(self):
        self.assert_refused('isolated',
                            'import os; os.execv("/bin/true", ["true"])',
                            'allow_exec=0')

    def test_threads_allowed(self):
        interp = self.create('isolated')
        interpreters.run_string(interp, (
            'import threading\n'
            'result = []\n'
            't = threading.Thread(target=result.append, args=(42,))\n'
            't.start(); t.join()\n'
            'assert result == [42], result\n'))


class RunTests(InterpreterTest):

    def test_exceptions_cross_back(self):
        interp = self.create()
        cases = [
            ('raise ValueError("boom")', 'ValueError.*boom'),
            ('raise SystemExit(3)', 'SystemExit.*3'),
            ('def f(): f()\nf()', 'RecursionError'),
            ('x = [0] * (2**62)', 'MemoryError|OverflowError'),
        ]
        for script, message in cases:
            with self.subTest(script):
                with self.assertRaisesRegex(interpreters.RunFailedError,
                                            message):
                    interpreters.run_string(interp, script)
        # The interpreter is still usable.
        interpreters.run_string(interp, 'assert 1 + 1 == 2')

    def test_state_is_per_interpreter(self):
        first, second = self.create(), self.create()
        interpreters.run_string(first, 'import sys; sys.spam = 1')
        interpreters.run_string(second,
                                'import sys; assert not hasattr(sys, "spam")')
        # Static types are shared; their subclasses are not.
        interpreters.run_string(first, 'class Mine(int): pass')
        interpreters.run_string(second, (
            'assert "Mine" not in [c.__name__ for c in int.__subclasses__()]'
        ))

    def test_several_at_once(self):
        self.run_at_once(
            'class Node:\n'
            '    def __init__(self, value): self.value = value\n'
            'total = 0\n'
            'for i in range(20000):\n'
            '    node = Node({"i": i, "s": str(i)})\n'
            '    total += len(node.value["s"])\n'
            'assert total == sum(len(str(i)) for i in range(20000))\n',
            repeat=3)

    def test_already_running(self):
        interp = self.create()
        started = threading.Event()
        interpreters.run_string(interp, 'import time')
        done = []

        def run():
            started.set()
            interpreters.run_string(interp, 'time.sleep(0.5)')
            done.append(True)

        thread = threading.Thread(target=run)
        thread.start()
        started.wait()
        # Either it already runs (refused) or it has not started yet.
        try:
            interpreters.run_string(interp, 'pass')
        except RuntimeError as exc:
            self.assertIn('already running', str(exc))
        thread.join()
        self.assertEqual(done, [True])


class ProcessStateTests(InterpreterTest):
    """What CPython keeps once per process, used by interpreters that run
    at the same time (state made per interpreter, atomic or locked)."""

    def test_name_suggestions_at_once(self):
        # The C code that suggests "Did you mean" names for the default
        # excepthook used one static buffer for every interpreter.
        script = textwrap.dedent("""
            import io, sys
            namespace = {name: 1, "unrelated_thing": 2}
            for _ in range(300):
                try:
                    eval(typo, namespace)
                except NameError as exc:
                    out = io.StringIO()
                    sys.stderr, saved = out, sys.stderr
                    try:
                        sys.excepthook(type(exc), exc, exc.__traceback__)
                    finally:
                        sys.stderr = saved
                    assert f"Did you mean: {name!r}?" in out.getvalue(), \\
                        out.getvalue()
            """)
        pairs = [('spam_counter', 'spam_countre'),
                 ('eggs_registry', 'eggs_registyr'),
                 ('ham_total_count', 'ham_totl_count'),
                 ('beans_on_toast', 'beans_on_tost')]
        self.run_at_once(script, shared=lambda i: dict(
            zip(('name', 'typo'), pairs[i])))

    def test_settrace_and_setprofile_at_once(self):
        # They refuse re-entry while a function is being replaced; the
        # guard was one flag for the process, so an interpreter could see
        # another's and fail with RuntimeError.
        self.run_at_once(textwrap.dedent("""
            import sys
            def func(*args):
                pass
            for _ in range(2000):
                sys.setprofile(func)
                sys.setprofile(None)
                sys.settrace(func)
                sys.settrace(None)
            """))

    def test_importtime_in_interpreters(self):
        # -X importtime's nesting level and time accounting are per
        # interpreter; each interpreter's report starts with the header.
        script = textwrap.dedent("""
            import _xxsubinterpreters as interpreters, threading
            interps = [interpreters.create() for _ in range(2)]
            threads = [threading.Thread(target=interpreters.run_string,
                                        args=(interp, "import json, csv"))
                       for interp in interps]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            """)
        _, _, err = assert_python_ok('-X', 'importtime', '-c', script)
        lines = err.decode().splitlines()
        header = 'import time: self [us] | cumulative | imported package'
        self.assertEqual(lines.count(header), 3)
        for line in lines:
            if line != header:
                self.assertRegex(line,
                                 r'^import time: +\d+ \| +\d+ \| ( {2})*\S')
        for name in ('json', 'csv'):
            self.assertEqual(lines.count(f'import time: {name}'), 0)
            self.assertEqual(
                len([l for l in lines if l.endswith(f'| {name}')]), 2)

    def test_import_lock_is_per_interpreter(self):
        # The import lock (_imp.acquire_lock()) guards one interpreter's
        # import machinery.  It was one lock for the process: while the
        # main interpreter held it, no other interpreter could even be
        # created, since creating one imports.  Run in a child process,
        # which hangs (and times out) if the lock is shared.
        script = textwrap.dedent("""
            import _imp, _xxsubinterpreters as interpreters
            _imp.acquire_lock()
            try:
                interp = interpreters.create('isolated')
                interpreters.run_string(interp, "import _imp, json\\n"
                                        "assert not _imp.lock_held()\\n"
                                        "_imp.acquire_lock()\\n"
                                        "assert _imp.lock_held()\\n"
                                        "_imp.release_lock()")
                interpreters.destroy(interp)
                assert _imp.lock_held()
            finally:
                _imp.release_lock()
            assert not _imp.lock_held()
            print("done")
            """)
        proc = subprocess.run([sys.executable, '-c', script],
                              capture_output=True,
                              timeout=support.SHORT_TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), b'done')

    def test_intern_at_once(self):
        # Interning looks every string up in the process-wide table of
        # immortal interned strings without a lock; strings equal to an
        # immortal one must still come back as that very object, in every
        # interpreter, while others intern at the same time.
        self.run_at_once(textwrap.dedent("""
            import sys
            static = '__name__'
            for i in range(2000):
                name = ''.join(['__', 'na', 'me__'])
                assert sys.intern(name) is static
                mine = sys.intern(f'own_string_{i}')
                assert sys.intern(f'own_string_{i}') is mine
            """))

    @unittest.skipUnless(hasattr(os, 'openpty'), 'needs a pseudo-terminal')
    def test_input_on_a_terminal_in_an_interpreter(self):
        # On a terminal, input() reads through PyOS_Readline().  The line
        # editor that the readline module installs there belongs to the
        # main interpreter (its history, its completer); another
        # interpreter reads with fgets(), and the main one's history does
        # not get the line.
        import_helper.import_module('readline')
        import select, subprocess, sys
        script = textwrap.dedent("""
            import _xxsubinterpreters as interpreters, readline
            interp = interpreters.create()
            interpreters.run_string(interp, "line = input('prompt> ')\\n"
                                            "print('got:' + line[::-1])")
            print('history:', readline.get_current_history_length())
            """)
        master, slave = os.openpty()
        proc = subprocess.Popen([sys.executable, '-c', script],
                                stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self.addCleanup(os.close, master)
        output = b''

        def read_until(marker):
            nonlocal output
            while marker not in output:
                ready, _, _ = select.select([master], [], [], 60)
                self.assertTrue(ready, f'timed out; output: {output!r}')
                try:
                    chunk = os.read(master, 1000)
                except OSError:   # EIO: the child is gone
                    chunk = b''
                self.assertTrue(chunk, f'no {marker!r} in {output!r}')
                output += chunk

        try:
            read_until(b'prompt> ')
            os.write(master, b'abc\n')
            read_until(b'got:cba')
            read_until(b'history: 0')
        finally:
            self.assertEqual(proc.wait(timeout=60), 0, output)


class PathConfigTests(unittest.TestCase):

    def test_path_config_is_the_main_interpreters(self):
        # Only the main interpreter computes the path configuration
        # (getpath); the others copy it with the rest of the config.  In
        # isolated mode (-I) the main interpreter adds no script directory
        # to sys.path, so both must see the same values.
        check = ('import sys\n'
                 'got = repr({name: getattr(sys, name) for name in names})\n'
                 'assert got == expected, (got, expected)\n')
        script = textwrap.dedent("""
            import sys, _xxsubinterpreters as interpreters
            names = ['path', 'prefix', 'exec_prefix', 'base_prefix',
                     'base_exec_prefix', 'executable', 'platlibdir',
                     '_stdlib_dir']
            expected = repr({name: getattr(sys, name) for name in names})
            for kind in ('isolated', 'legacy'):
                interp = interpreters.create(kind)
                interpreters.run_string(
                    interp, 'names = ' + repr(names) + '\\n' + CHECK,
                    shared=dict(expected=expected))
                interpreters.destroy(interp)
            """).replace('CHECK', repr(check))
        assert_python_ok('-I', '-c', script)


class FrozenCodeTests(InterpreterTest):
    """Own-GIL interpreters run deep-frozen modules (importlib's bootstrap
    is always one) from code objects of their own, which share every other
    constant with the main interpreter's: those are immortal and never
    change, while executing code writes to its bytecode."""

    def test_code_is_copied_constants_are_shared(self):
        import _frozen_importlib
        func = _frozen_importlib._find_and_load
        code = func.__code__
        nested = _frozen_importlib.ModuleSpec.__init__.__code__
        shared = dict(
            code_id=id(code), nested_id=id(nested),
            names_id=id(code.co_names), linetable_id=id(code.co_linetable),
            filename_id=id(code.co_filename),
            varnames_id=id(code.co_varnames[0]),
            consts_ids=repr([id(c) for c in code.co_consts]),
        )
        interp = self.create()
        interpreters.run_string(interp, textwrap.dedent("""
            import _frozen_importlib
            code = _frozen_importlib._find_and_load.__code__
            nested = _frozen_importlib.ModuleSpec.__init__.__code__
            assert id(code) != code_id
            assert id(nested) != nested_id
            assert id(code.co_names) == names_id
            assert id(code.co_linetable) == linetable_id
            assert id(code.co_filename) == filename_id
            assert id(code.co_varnames[0]) == varnames_id
            assert [id(c) for c in code.co_consts] == eval(consts_ids)
            """), shared=shared)

    def test_copies_run_and_trace(self):
        # The copies are ordinary code objects: they warm up and specialize
        # in their own interpreter, and line tracing works on them.
        interp = self.create()
        interpreters.run_string(interp, textwrap.dedent("""
            import sys
            lines = []
            def tracer(frame, event, arg):
                if frame.f_code.co_filename == '<frozen importlib._bootstrap>':
                    lines.append(frame.f_lineno)
                return tracer
            sys.settrace(tracer)
            try:
                import json
            finally:
                sys.settrace(None)
            assert lines, 'no line of importlib._bootstrap was traced'
            for _ in range(100):
                __import__('json')
            """))

    def test_frozen_code_at_once(self):
        # Several interpreters import through their copies of the frozen
        # importlib at the same time, reading the shared constants (ran
        # under ThreadSanitizer by make check-tsan).
        self.run_at_once(textwrap.dedent("""
            import sys
            for name in ('json', 'textwrap', 'string', 'json', 'base64'):
                __import__(name)
                del sys.modules[name]
            """))


class FrozenEncodingsTests(unittest.TestCase):
    """The encodings package is frozen, but a frozen package's __path__ is
    derived from sys._stdlib_dir: the main interpreter imports it from its
    file, and the others use the frozen one only where the main
    interpreter found it at that same place."""

    script = textwrap.dedent("""
        import encodings, encodings.aliases
        import _xxsubinterpreters as interpreters
        main = dict(path=encodings.__path__, file=encodings.__file__)
        assert encodings.__spec__.origin != 'frozen', encodings.__spec__
        interp = interpreters.create('isolated')
        interpreters.run_string(interp, CHECK,
                                shared=dict(main_repr=repr(main)))
        interpreters.destroy(interp)
        print(encodings.aliases.__spec__.origin)
        """)
    check = textwrap.dedent("""
        import encodings, encodings.latin_1
        main = eval(main_repr)
        assert encodings.__path__ == main['path'], encodings.__path__
        assert encodings.__file__ == main['file'], encodings.__file__
        # The other codecs come from where the package really is.
        assert '\\xe9'.encode('latin-1') == b'\\xe9'
        assert encodings.latin_1.__file__.startswith(main['path'][0])
        print(encodings.__spec__.origin)
        """)

    def origins(self, *args, **env):
        """encodings.__spec__.origin in an own-GIL interpreter, and
        encodings.aliases.__spec__.origin in the main interpreter."""
        script = self.script.replace('CHECK', repr(self.check))
        rc, out, err = assert_python_ok(*args, '-c', script, **env)
        return out.decode().split()

    def test_frozen_where_main_found_it(self):
        sub, main_aliases = self.origins('-S')
        import encodings
        stdlib_encodings = os.path.join(sys._stdlib_dir, 'encodings')
        if main_aliases != 'frozen' or encodings.__path__ != [stdlib_encodings]:
            self.skipTest('frozen modules off, or encodings elsewhere')
        self.assertEqual(sub, 'frozen')

    def test_not_frozen_where_main_found_it_elsewhere(self):
        # sys._stdlib_dir names a directory without the standard library,
        # which comes from PYTHONPATH instead.
        import encodings
        stdlib = os.path.dirname(encodings.__path__[0])
        dynload = os.path.dirname(interpreters.__file__)
        with tempfile.TemporaryDirectory() as home:
            sub, main_aliases = self.origins(
                '-S', PYTHONHOME=home,
                PYTHONPATH=os.pathsep.join([stdlib, dynload]))
        self.assertEqual(sub, os.path.join(stdlib, 'encodings',
                                           '__init__.py'))

    def test_not_frozen_with_frozen_modules_off(self):
        sub, main_aliases = self.origins('-S', '-X', 'frozen_modules=off')
        self.assertNotEqual(main_aliases, 'frozen')
        self.assertNotEqual(sub, 'frozen')


class MemoryTests(InterpreterTest):

    @unittest.skipUnless(os.path.exists('/proc/self/statm'),
                         'needs /proc/self/statm')
    @unittest.skipIf('-fsanitize=' in (sysconfig.get_config_var('CFLAGS')
                                       or ''),
                     'sanitizers hold on to freed memory')
    def test_destroyed_interpreters_give_back_their_arenas(self):
        # Each own-GIL interpreter has its own allocator; destroying it
        # gives its arenas back, including the last free one, which its
        # allocator keeps while it lives.  Before, every create and destroy
        # kept about 0.5 MB, 50 MB over this loop.
        def resident():
            with open('/proc/self/statm') as f:
                return int(f.read().split()[1]) * os.sysconf('SC_PAGESIZE')
        for _ in range(10):
            interpreters.destroy(interpreters.create('isolated'))
        before = resident()
        for _ in range(100):
            interpreters.destroy(interpreters.create('isolated'))
        self.assertLess(resident() - before, 10_000_000)


class StressTests(InterpreterTest):

    def test_create_run_destroy_from_threads(self):
        # Hundreds of own-GIL interpreters, created, run and destroyed from
        # several threads at once (run under ThreadSanitizer and
        # AddressSanitizer by make check-tsan / check-asan).
        nthreads, per_thread = 4, 50
        script = (
            'import json\n'
            'data = {"n": [i * 1.5 for i in range(50)], "s": "x" * 100}\n'
            'assert json.loads(json.dumps(data)) == data\n'
            'class C: pass\n'
            'objs = [C() for _ in range(100)]\n'
        )
        errors = []
        created = []

        def worker():
            try:
                for _ in range(per_thread):
                    interp = interpreters.create('isolated')
                    created.append(interp)
                    try:
                        interpreters.run_string(interp, script)
                    finally:
                        interpreters.destroy(interp)
            except Exception as exc:
                errors.append(exc)

        before = interpreters.list_all()
        threads = [threading.Thread(target=worker) for _ in range(nthreads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(created), nthreads * per_thread)
        self.assertEqual(interpreters.list_all(), before)


class FinalizationTests(unittest.TestCase):

    def test_finalize_with_live_interpreters(self):
        # Py_FinalizeEx() ends the interpreters still alive: it joins their
        # non-daemon threads and runs their atexit callbacks.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'log')
            code = textwrap.dedent(f"""
                import atexit, threading, time
                def log(text):
                    with open({path!r}, "a") as f:
                        f.write(text + "\\n")
                def work():
                    time.sleep(0.2)
                    log("thread " + name)
                threading.Thread(target=work).start()
                atexit.register(log, "atexit " + name)
                """)
            script = textwrap.dedent(f"""
                import _xxsubinterpreters as interpreters
                for i in range(3):
                    interp = interpreters.create('isolated')
                    interpreters.run_string(interp, {code!r},
                                            shared={{'name': str(i)}})
                legacy = interpreters.create('legacy')
                interpreters.run_string(legacy, 'x = 1')
                """)
            assert_python_ok('-c', script)
            with open(path) as f:
                logged = f.read().splitlines()
        self.assertCountEqual(
            logged, [f'{kind} {i}' for kind in ('thread', 'atexit')
                     for i in range(3)])


if __name__ == '__main__':
    unittest.main()
