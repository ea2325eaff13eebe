import array
import gc
import pickle
import queue as stdqueue
import threading
import time
import unittest
import weakref
from test.support import script_helper

from concurrent import interpreters
from concurrent.interpreters import (
    Queue, QueueEmpty, QueueFull, NotShareableError, InterpreterError)
from concurrent.interpreters._queues import QueueNotFoundError
import _interpqueues

from . import helpers


class QueueTests(unittest.TestCase):
    def test_create(self):
        q = interpreters.create_queue()
        self.assertIsInstance(q, Queue)
        self.assertEqual(q.maxsize, 0)
        self.assertIs(Queue(q.id), q)
        self.assertIn(q.id, helpers.queue_ids())
        self.assertEqual(repr(q), f'Queue({q.id})')

    def test_exceptions(self):
        self.assertTrue(issubclass(QueueEmpty, stdqueue.Empty))
        self.assertTrue(issubclass(QueueFull, stdqueue.Full))

    def test_fifo_and_sizes(self):
        q = interpreters.create_queue(maxsize=2)
        self.assertTrue(q.empty())
        self.assertFalse(q.full())
        q.put(1)
        q.put_nowait(2)
        self.assertEqual(q.qsize(), 2)
        self.assertTrue(q.full())
        with self.assertRaises(QueueFull):
            q.put(3, block=False)
        with self.assertRaises(QueueFull):
            q.put(3, timeout=0.01)
        self.assertEqual(q.get(), 1)
        self.assertEqual(q.get_nowait(), 2)
        with self.assertRaises(QueueEmpty):
            q.get_nowait()
        with self.assertRaises(QueueEmpty):
            q.get(timeout=0.01)
        with self.assertRaises(QueueEmpty):
            q.get(block=False)
        with self.assertRaises(ValueError):
            q.get(timeout=-1)

    def test_timeout_shorter_than_the_wakeup_poll(self):
        # A blocking get() or put() polls for its wake-up for a short while
        # before it sleeps; a shorter timeout still ends it.
        q = interpreters.create_queue(1)
        with self.assertRaises(QueueEmpty):
            q.get(timeout=1e-6)
        q.put('a')
        with self.assertRaises(QueueFull):
            q.put('b', timeout=1e-6)

    def test_queue_full_made_at_first_lookup(self):
        # _interpqueues makes QueueFull when it is first needed, so that
        # importing the module does not import queue.py and threading.
        self.assertIs(_interpqueues.QueueFull, QueueFull)
        self.assertEqual(QueueFull.__mro__[1:3],
                         (_interpqueues.QueueError, stdqueue.Full))
        with self.assertRaisesRegex(AttributeError,
                                    "has no attribute 'nope'"):
            _interpqueues.nope

    def test_blocking_get_wakes(self):
        q = interpreters.create_queue()
        t = threading.Timer(0.05, q.put, ('late',))
        t.start()
        self.assertEqual(q.get(timeout=10), 'late')
        t.join()

    def test_blocking_put_wakes(self):
        q = interpreters.create_queue(1)
        q.put('a')
        t = threading.Timer(0.05, q.get)
        t.start()
        q.put('b', timeout=10)
        t.join()
        self.assertEqual(q.get_nowait(), 'b')

    def test_values_roundtrip(self):
        q = interpreters.create_queue()
        values = [None, True, False, 0, -1, 2**63 - 1, -2**63, 2**200,
                  -(3**90), 1.5, float('inf'), '', 'ascii', 'h\xe9\u20ac\U0001f40d',
                  '\udc80', b'', b'\x00bytes', (), (1, ('nested', (None,))),
                  [1, 2], {'a': 1}, {1, 2}, 3 + 4j]
        for value in values:
            with self.subTest(value=value):
                q.put(value)
                got = q.get_nowait()
                self.assertEqual(got, value)
                self.assertIs(type(got), type(value))

    def test_shareable(self):
        for obj in [None, True, 1, 1.0, 's', b'b', (1, ('x',)),
                    memoryview(b'x'), interpreters.create_queue(),
                    interpreters.get_main()]:
            self.assertTrue(interpreters.is_shareable(obj), obj)
        for obj in [[1], {}, object(), (1, [2])]:
            self.assertFalse(interpreters.is_shareable(obj), obj)

    def test_not_shareable(self):
        q = interpreters.create_queue()
        with self.assertRaisesRegex(NotShareableError, 'generator'):
            q.put(x for x in ())
        with self.assertRaisesRegex(NotShareableError, '_thread.lock'):
            q.put((1, threading.Lock()))
        self.assertTrue(q.empty())

    def test_pickle_queue(self):
        q = interpreters.create_queue()
        self.assertIs(pickle.loads(pickle.dumps(q)), q)

    def test_queue_outlives_its_module_at_exit(self):
        # os is cleared after concurrent.interpreters._queues at shutdown,
        # so the queue's __del__ runs with that module's globals gone.
        code = ('import os\n'
                'from concurrent import interpreters\n'
                'os.kept_queue = interpreters.create_queue()\n'
                'os.kept_queue.put(1)\n')
        rc, out, err = script_helper.assert_python_ok('-c', code)
        self.assertEqual(err, b'')


class CrossInterpreterTests(unittest.TestCase):
    def create(self):
        interp = interpreters.create()
        self.addCleanup(self._close, interp)
        return interp

    @staticmethod
    def _close(interp):
        for _ in range(100):
            try:
                interp.close()
                return
            except interpreters.InterpreterNotFoundError:
                return
            except InterpreterError:
                gc.collect()
                _interpqueues.release_pending()
                time.sleep(0.01)

    def test_roundtrip_between_interpreters(self):
        interp = self.create()
        inq = interpreters.create_queue()
        outq = interpreters.create_queue()
        interp.prepare_main(inq=inq, outq=outq)
        t = interp.call_in_thread(helpers.run_in_main,
                                  'while (item := inq.get()) is not None:\n'
                                  '    outq.put(item)\n')
        values = [b'x' * 64, 'text', (1, 2.5, None), 2**100, [1, 2]]
        for value in values:
            inq.put(value)
            self.assertEqual(outq.get(timeout=10), value)
        inq.put(None)
        t.join()

    def test_queue_full_in_a_fresh_interpreter(self):
        # The first QueueFull an interpreter raises is made then (queue.py
        # is imported for its base), and is the class its code looks up
        # afterwards.
        interp = self.create()
        q = interpreters.create_queue(1)
        q.put(1)
        interp.prepare_main(qid=q.id)
        interp.exec('import sys, _interpqueues\n'
                    'assert "queue" not in sys.modules\n'
                    'try:\n'
                    '    _interpqueues.put_wait(qid, 2, False)\n'
                    'except _interpqueues.QueueError as exc:\n'
                    '    caught = exc\n'
                    'import queue\n'
                    'assert isinstance(caught, queue.Full), caught\n'
                    'assert type(caught) is _interpqueues.QueueFull\n')

    def test_queue_passes_by_identity(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        interp.exec('from concurrent import interpreters as i\n'
                    'q.put(q)\n'
                    'q.put(i.create_queue())\n')
        self.assertIs(q.get_nowait(), q)
        other = q.get_nowait()
        self.assertIsInstance(other, Queue)
        other.put('still there')   # main holds it now
        self.assertEqual(other.get_nowait(), 'still there')

    def test_queue_gone_with_its_holders(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        interp.exec('from concurrent import interpreters as i\n'
                    'mine = i.create_queue()\n'
                    'q.put(mine.id)\n')
        qid = q.get_nowait()
        self.assertIn(qid, helpers.queue_ids())
        interp.close()
        self.assertNotIn(qid, helpers.queue_ids())
        with self.assertRaisesRegex(QueueNotFoundError, 'not found'):
            Queue(qid)
        with self.assertRaisesRegex(QueueNotFoundError, 'released'):
            _interpqueues.put(qid, 1)
        with self.assertRaises(QueueNotFoundError):
            _interpqueues.get(qid)

    def test_memoryview_shares_buffer(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        data = bytearray(b'0123456789')
        q.put(memoryview(data))
        interp.exec('view = q.get()\n'
                    'assert not view.readonly\n'
                    'view[0] = ord("X")\n'
                    'q.put(bytes(view[:3]))\n')
        self.assertEqual(q.get_nowait(), b'X12')
        self.assertEqual(data[:1], b'X')   # the same memory
        interp.exec('del view')

    def test_memoryview_keeps_owner_alive(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        owner = array.array('i', range(5))
        ref = weakref.ref(owner)
        q.put(memoryview(owner))
        del owner
        gc.collect()
        interp.exec('view = q.get()')
        gc.collect()
        _interpqueues.release_pending()
        self.assertIsNotNone(ref())
        self.assertEqual(_interpqueues.exported_buffers(0), 1)
        interp.exec('q.put(view.tolist())')
        self.assertEqual(q.get_nowait(), [0, 1, 2, 3, 4])
        interp.exec('del view')
        _interpqueues.release_pending()   # the owner releases its buffer
        gc.collect()
        self.assertIsNone(ref())
        self.assertEqual(_interpqueues.exported_buffers(0), 0)

    def test_close_refused_while_buffer_shared(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        interp.exec('q.put(memoryview(b"owned there"))')
        view = q.get_nowait()
        self.assertEqual(bytes(view), b'owned there')
        with self.assertRaisesRegex(InterpreterError, 'memoryview'):
            interp.close()
        del view
        gc.collect()
        interp.exec('pass')   # the owner releases the buffer on its next use
        interp.close()

    def test_pickled_object(self):
        interp = self.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        q.put({'key': [1, 2, 3]})
        interp.exec('d = q.get()\n'
                    'd["key"].append(4)\n'
                    'q.put(d)\n')
        self.assertEqual(q.get_nowait(), {'key': [1, 2, 3, 4]})

    def test_many_producers(self):
        interps = [self.create() for _ in range(3)]
        q = interpreters.create_queue(maxsize=4)
        threads = []
        for n, interp in enumerate(interps):
            interp.prepare_main(q=q, n=n)
            threads.append(interp.call_in_thread(
                helpers.run_in_main, 'for i in range(50):\n    q.put((n, i))'))
        got = [q.get(timeout=30) for _ in range(150)]
        for t in threads:
            t.join()
        for n in range(3):
            self.assertEqual([i for m, i in got if m == n], list(range(50)))


if __name__ == '__main__':
    unittest.main()
