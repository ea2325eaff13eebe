import threading
import time
import unittest

from concurrent import interpreters
from concurrent.interpreters import (
    Interpreter, InterpreterError, InterpreterNotFoundError, ExecutionFailed,
    NotShareableError)
import _xxsubinterpreters as _interp

from . import helpers


class InterpreterTestCase(unittest.TestCase):
    def create(self):
        interp = interpreters.create()
        self.addCleanup(self._close, interp)
        return interp

    @staticmethod
    def _close(interp):
        try:
            interp.close()
        except InterpreterNotFoundError:
            pass


class ModuleTests(InterpreterTestCase):
    def test_main_and_current(self):
        main = interpreters.get_main()
        self.assertEqual(main.id, 0)
        self.assertIs(interpreters.get_current(), main)
        self.assertIn(main, interpreters.list_all())

    def test_create_is_isolated(self):
        interp = self.create()
        self.assertIsInstance(interp, Interpreter)
        self.assertIn(interp, interpreters.list_all())
        config = _interp.get_config(interp.id)
        self.assertTrue(config.own_gil)
        self.assertTrue(config.strict_extensions)
        self.assertFalse(config.use_main_obmalloc)

    def test_one_object_per_id(self):
        interp = self.create()
        self.assertIs(Interpreter(interp.id), interp)
        self.assertEqual(repr(interp), f'Interpreter({interp.id})')

    def test_unknown_id(self):
        with self.assertRaises(InterpreterNotFoundError):
            Interpreter(1_000_000)
        with self.assertRaises(TypeError):
            Interpreter('1')

    def test_exceptions(self):
        self.assertTrue(issubclass(InterpreterNotFoundError, InterpreterError))
        self.assertTrue(issubclass(ExecutionFailed, InterpreterError))
        self.assertTrue(issubclass(NotShareableError, ValueError))


class ExecTests(InterpreterTestCase):
    def test_exec_runs_in_main_module(self):
        interp = self.create()
        queue = interpreters.create_queue()
        interp.prepare_main(queue=queue)
        interp.exec('x = 40 + 2')
        interp.exec('queue.put((__name__, x))')
        self.assertEqual(queue.get(timeout=5), ('__main__', 42))

    def test_exec_failure(self):
        interp = self.create()
        with self.assertRaises(ExecutionFailed) as cm:
            interp.exec('def f():\n    1 / 0\nf()')
        info = cm.exception.excinfo
        self.assertEqual(info.type.__name__, 'ZeroDivisionError')
        self.assertEqual(info.type.__module__, 'builtins')
        self.assertEqual(info.msg, 'division by zero')
        self.assertIn('Traceback (most recent call last)', info.formatted)
        self.assertIn('in f', info.formatted)
        self.assertIn('ZeroDivisionError: division by zero', str(cm.exception))

    def test_exec_system_exit(self):
        interp = self.create()
        with self.assertRaises(ExecutionFailed) as cm:
            interp.exec('raise SystemExit(3)')
        self.assertEqual(cm.exception.excinfo.type.__name__, 'SystemExit')
        interp.exec('pass')   # still usable

    def test_exec_does_not_compile(self):
        interp = self.create()
        with self.assertRaises(SyntaxError):
            interp.exec('def (:')
        with self.assertRaises(TypeError):
            interp.exec(b'pass')

    def test_exec_function(self):
        interp = self.create()
        # The body runs as a script in the interpreter's __main__.
        queue = interpreters.create_queue()
        interp.prepare_main(shared_queue=queue)
        interp.exec(helpers.exec_body)
        self.assertEqual(queue.get(timeout=5), 'body')

    def test_prepare_main(self):
        interp = self.create()
        queue = interpreters.create_queue()
        interp.prepare_main({'a': 1, 'b': 'two'}, c=(3.0, None), queue=queue)
        interp.exec('queue.put((a, b, c))')
        self.assertEqual(queue.get(timeout=5), (1, 'two', (3.0, None)))
        with self.assertRaises(NotShareableError):
            interp.prepare_main(lock=threading.Lock())

    def test_isolated_state(self):
        interp = self.create()
        interp.exec('import sys; sys.percore_marker = 1')
        import sys
        self.assertFalse(hasattr(sys, 'percore_marker'))


class CallTests(InterpreterTestCase):
    def test_call_returns(self):
        interp = self.create()
        self.assertEqual(interp.call(helpers.add, 2, 3), 5)
        self.assertEqual(interp.call(helpers.echo, 1, 'x', k=b'v'),
                         ((1, 'x'), {'k': b'v'}))
        self.assertEqual(interp.call(divmod, 17, 5), (3, 2))
        self.assertEqual(interp.call(helpers.interpreter_id), interp.id)

    def test_first_call_imports_little(self):
        # An interpreter's first call pays for every import on its way: it
        # must not need concurrent.interpreters, threading, functools or
        # _compat_pickle (pool workers and short-lived interpreters start
        # faster).
        interp = self.create()
        self.assertEqual(interp.call(divmod, 17, 5), (3, 2))
        heavy = {'concurrent', 'concurrent.interpreters', 'queue',
                 'threading', 'functools', 'pickle', '_compat_pickle'}
        interp.exec(f'import sys\n'
                    f'found = {heavy!r} & set(sys.modules)\n'
                    'assert not found, found\n')

    def test_call_raises(self):
        interp = self.create()
        with self.assertRaises(ExecutionFailed) as cm:
            interp.call(helpers.fail, 'boom')
        self.assertEqual(cm.exception.excinfo.type.__name__, 'ValueError')
        self.assertEqual(cm.exception.excinfo.msg, 'boom')

    def test_call_not_shareable(self):
        interp = self.create()
        with self.assertRaises(NotShareableError) as cm:
            interp.call(helpers.echo, threading.Lock())
        self.assertIn('lock', str(cm.exception))
        # A result that cannot cross back, as CPython 3.14 reports it.
        with self.assertRaises(NotShareableError):
            interp.call(helpers.lock_result)

    def test_call_in_thread(self):
        interp = self.create()
        queue = interpreters.create_queue()
        t = interp.call_in_thread(helpers.add, (queue,), ())
        self.assertIsInstance(t, threading.Thread)
        t.join()
        interp.prepare_main(queue=queue)
        t = interp.call_in_thread(helpers.run_in_main, 'queue.put(7)')
        t.join()
        self.assertEqual(queue.get(timeout=5), 7)

    def test_run_in_parallel(self):
        interps = [self.create() for _ in range(3)]
        results = []
        threads = [threading.Thread(
                       target=lambda i=i: results.append(
                           i.call(helpers.cpu_work, 10_000)))
                   for i in interps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [helpers.cpu_work(10_000)] * 3)


class LifecycleTests(InterpreterTestCase):
    def test_close(self):
        interp = interpreters.create()
        interp.close()
        self.assertNotIn(interp, interpreters.list_all())
        with self.assertRaisesRegex(InterpreterNotFoundError, 'not found'):
            interp.exec('pass')
        with self.assertRaises(InterpreterNotFoundError):
            interp.call(helpers.add, 1, 2)
        with self.assertRaises(InterpreterNotFoundError):
            interp.close()
        with self.assertRaises(InterpreterNotFoundError):
            interp.is_running()

    def test_close_after_use_from_another_thread(self):
        # The thread that first imported threading in the interpreter is
        # not the one that closes it (threading._shutdown(), gh-122517).
        interp = interpreters.create()
        interp.call_in_thread(helpers.run_in_main, 'import threading').join()
        interp.close()
        self.assertNotIn(interp, interpreters.list_all())

    def test_close_current_or_main(self):
        with self.assertRaisesRegex(InterpreterError, 'main'):
            interpreters.get_main().close()
        interp = self.create()
        with self.assertRaises(ExecutionFailed) as cm:
            interp.exec('from concurrent import interpreters as i\n'
                        'i.get_current().close()')
        self.assertIn('cannot close the current interpreter',
                      cm.exception.excinfo.msg)

    def test_running(self):
        interp = self.create()
        self.assertFalse(interp.is_running())
        queue = interpreters.create_queue()
        stop = interpreters.create_queue()
        interp.prepare_main(queue=queue, stop=stop)
        t = interp.call_in_thread(helpers.run_in_main,
                                  'queue.put("started")\nstop.get()')
        self.assertEqual(queue.get(timeout=10), 'started')
        self.assertTrue(interp.is_running())
        with self.assertRaisesRegex(InterpreterError, 'running'):
            interp.close()
        with self.assertRaisesRegex(InterpreterError, 'running'):
            interp.exec('pass')
        stop.put('stop')
        t.join()
        self.assertFalse(interp.is_running())

    def test_interpreter_crosses(self):
        interp = self.create()
        queue = interpreters.create_queue()
        interp.prepare_main(queue=queue, main=interpreters.get_main())
        interp.exec('from concurrent import interpreters as i\n'
                    'assert main.id == 0, main\n'
                    'queue.put(i.get_current())')
        self.assertIs(queue.get(timeout=5), interp)

    def test_many(self):
        for _ in range(5):
            interps = [interpreters.create() for _ in range(4)]
            for interp in interps:
                interp.exec('x = 1')
            for interp in interps:
                interp.close()


if __name__ == '__main__':
    unittest.main()
