import unittest
from concurrent import futures
from concurrent.futures import InterpreterPoolExecutor
from concurrent.futures.interpreter import BrokenInterpreterPool
from concurrent.interpreters import ExecutionFailed
import os

from . import helpers


class InterpreterPoolExecutorTests(unittest.TestCase):
    def test_exported(self):
        self.assertIn('InterpreterPoolExecutor', futures.__all__)
        self.assertTrue(issubclass(InterpreterPoolExecutor, futures.Executor))

    def test_submit_and_map(self):
        with InterpreterPoolExecutor(max_workers=2) as ex:
            self.assertEqual(ex.submit(helpers.add, 1, 2).result(), 3)
            self.assertEqual(list(ex.map(helpers.add, range(10), range(10))),
                             [2 * i for i in range(10)])
            self.assertEqual(list(ex.map(pow, [2, 3], [3, 2], chunksize=2)),
                             [8, 9])

    def test_runs_in_other_interpreters(self):
        with InterpreterPoolExecutor(max_workers=2) as ex:
            ids = set(ex.map(helpers.interpreter_id, range(0)))
            ids = {ex.submit(helpers.interpreter_id).result()
                   for _ in range(10)}
        self.assertNotIn(0, ids)
        self.assertLessEqual(len(ids), 2)
        self.assertEqual(helpers.pid(), os.getpid())

    def test_exception(self):
        with InterpreterPoolExecutor(max_workers=1) as ex:
            f = ex.submit(helpers.fail, 'bad')
            with self.assertRaises(ValueError) as cm:
                f.result()
            self.assertEqual(str(cm.exception), 'bad')
            self.assertIn('fail', str(cm.exception.__cause__))
            f = ex.submit(helpers.fail_unpicklable)
            with self.assertRaises(ExecutionFailed) as cm:
                f.result()
            self.assertEqual(cm.exception.excinfo.type.__name__,
                             'Unpicklable')

    def test_not_shareable(self):
        import threading
        with InterpreterPoolExecutor(max_workers=1) as ex:
            f = ex.submit(helpers.echo, threading.Lock())
            with self.assertRaises(ValueError):
                f.result()

    def test_initializer(self):
        with InterpreterPoolExecutor(max_workers=1,
                                     initializer=helpers.initializer,
                                     initargs=('ready',)) as ex:
            self.assertEqual(ex.submit(helpers.initialized).result(),
                             ['ready'])
        self.assertEqual(helpers.initialized(), [])   # not in this one

    def test_initializer_fails(self):
        ex = InterpreterPoolExecutor(max_workers=1,
                                     initializer=helpers.fail,
                                     initargs=('init',))
        with self.assertLogs('concurrent.futures', 'CRITICAL'):
            f = ex.submit(helpers.add, 1, 2)
            with self.assertRaises(BrokenInterpreterPool):
                f.result()
        ex.shutdown()

    def test_shutdown(self):
        ex = InterpreterPoolExecutor(max_workers=2)
        fs = [ex.submit(helpers.cpu_work, 1000) for _ in range(4)]
        ex.shutdown(wait=True)
        self.assertTrue(all(f.done() for f in fs))
        with self.assertRaises(RuntimeError):
            ex.submit(helpers.add, 1, 2)

    def test_thread_name_prefix(self):
        with InterpreterPoolExecutor(max_workers=1,
                                     thread_name_prefix='ipe') as ex:
            ex.submit(helpers.add, 1, 1).result()
            self.assertTrue(all(t.name.startswith('ipe')
                                for t in ex._threads))


if __name__ == '__main__':
    unittest.main()
