"""Misuse of interpreters and queues: bad arguments, deep and huge data,
objects that do not cross, faults while an item is rebuilt.  Each must
give a Python exception (or work), lose no item, and leave the process
and the other interpreters running.  Cases that used to crash the process
run in a child process, so that a crash fails the test instead of ending
the run."""

import gc
import math
import os
import sys
import threading
import textwrap
import types
import unittest
from test.support import import_helper, script_helper

from concurrent import interpreters
from concurrent.interpreters import (
    NotShareableError, ExecutionFailed, QueueEmpty, QueueNotFoundError)
import _interpqueues

from . import helpers

# The deepest tuple that crosses (the limit of _interpqueuesmodule.c).
MAX_DEPTH = 1000


def run_in_child(source):
    """Run source in a new process; fail on a crash, return its stdout."""
    # The child imports helpers the way the interpreters it creates do.
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    prologue = f'import sys; sys.path.insert(0, {root!r})\n'
    res = script_helper.assert_python_ok(
        '-c', prologue + textwrap.dedent(source))
    return res.out.decode()


class DeepDataTests(unittest.TestCase):

    def test_deepest_tuple_crosses(self):
        q = interpreters.create_queue()
        q.put(helpers.deep_tuple(MAX_DEPTH - 1))
        self.assertEqual(helpers.tuple_depth(q.get_nowait()), MAX_DEPTH - 1)
        self.assertTrue(interpreters.is_shareable(
            helpers.deep_tuple(MAX_DEPTH - 1)))
        self.assertFalse(interpreters.is_shareable(
            helpers.deep_tuple(MAX_DEPTH + 1)))

    def test_deep_tuple_is_refused(self):
        # Nested 100,000 deep, the copy used to recurse off the end of the
        # C stack: on a queue, as call() arguments, in prepare_main(), and
        # as call()'s result.
        out = run_in_child('''
            from concurrent import interpreters
            from concurrent.interpreters import (NotShareableError,
                                                 ExecutionFailed)
            from test.test_concurrent_interpreters import helpers
            deep = helpers.deep_tuple(100_000)
            q = interpreters.create_queue()
            interp = interpreters.create()
            attempts = [
                lambda: q.put(deep),
                lambda: interp.call(helpers.tuple_depth, deep),
                lambda: interp.prepare_main(deep=deep),
            ]
            for attempt in attempts:
                try:
                    attempt()
                except NotShareableError as exc:
                    assert 'nested too deeply' in str(exc), exc
                    print('refused')
            try:
                interp.call(helpers.deep_tuple, 100_000)
            except NotShareableError as exc:
                print('refused')
            assert not interpreters.is_shareable(deep)
            # Nothing was left behind, and everything still works.
            assert q.empty()
            assert interp.call(helpers.add, 1, 2) == 3
            interp.close()
            print('done')
            ''')
        self.assertEqual(out.split(), ['refused'] * 4 + ['done'])

    def test_deep_list_is_refused(self):
        # Lists are pickled: pickle's own recursion check stops them.
        deep = []
        for _ in range(100_000):
            deep = [deep]
        q = interpreters.create_queue()
        with self.assertRaises(NotShareableError) as cm:
            q.put(deep)
        self.assertIsInstance(cm.exception.__cause__, RecursionError)
        self.assertTrue(q.empty())

    def test_huge_data(self):
        q = interpreters.create_queue()
        big = b'x' * (64 * 1024 * 1024)
        wide = tuple(range(100_000))
        q.put(big)
        q.put(wide)
        self.assertEqual(q.get_nowait(), big)
        self.assertEqual(q.get_nowait(), wide)
        interp = interpreters.create()
        self.addCleanup(interp.close)
        self.assertEqual(interp.call(len, big), len(big))


class RebuildFailureTests(unittest.TestCase):
    # get() used to take the item off the queue before rebuilding it: an
    # item that failed to rebuild was lost.

    def test_unpickling_error_keeps_the_item(self):
        q = interpreters.create_queue()
        q.put(helpers.RebuildsOnSecondTry(1))
        q.put(2)
        helpers.fail_next_rebuild(ValueError('not today'))
        with self.assertRaisesRegex(ValueError, 'not today'):
            q.get_nowait()
        self.assertEqual(q.qsize(), 2)
        self.assertEqual(q.get_nowait().value, 1)   # the same item, in order
        self.assertEqual(q.get_nowait(), 2)

    def test_memory_error_keeps_the_item(self):
        q = interpreters.create_queue()
        q.put(helpers.RebuildsOnSecondTry(3))
        helpers.fail_next_rebuild(MemoryError())
        with self.assertRaises(MemoryError):
            q.get(timeout=0)
        self.assertEqual(q.get_nowait().value, 3)

    def test_allocation_failure_keeps_the_item(self):
        # A real allocation failure while the bytes object is made.
        out = run_in_child('''
            import _testcapi
            from concurrent import interpreters
            q = interpreters.create_queue()
            q.put(b'data' * 1000)
            _testcapi.set_nomemory(0)
            try:
                q.get_nowait()
            except MemoryError:
                failed = True
            else:
                failed = False
            finally:
                _testcapi.remove_mem_hooks()
            assert failed
            assert q.get_nowait() == b'data' * 1000
            print('kept')
            ''')
        self.assertEqual(out.split(), ['kept'])

    def test_item_another_interpreter_cannot_rebuild(self):
        # The item stays for an interpreter that can rebuild it.
        q = interpreters.create_queue()
        interp = interpreters.create()
        self.addCleanup(interp.close)
        q.put(helpers.RebuildsOnSecondTry(5))
        interp.call(helpers.fail_next_rebuild, ValueError('not there'))
        interp.prepare_main(q=q)
        with self.assertRaises(ExecutionFailed) as cm:
            interp.exec('q.get_nowait()')
        self.assertEqual(cm.exception.excinfo.msg, 'not there')
        self.assertEqual(q.get_nowait().value, 5)


class QueueCycleTests(unittest.TestCase):
    # A queue put on a queue holds it: queues holding each other used to
    # live for ever.

    def assertFreed(self, qid):
        gc.collect()
        self.assertNotIn(qid, helpers.queue_ids())

    def test_queue_put_into_itself(self):
        q = interpreters.create_queue()
        qid = q.id
        q.put(q)
        del q
        self.assertFreed(qid)

    def test_two_queues_holding_each_other(self):
        a = interpreters.create_queue()
        b = interpreters.create_queue()
        aid, bid = a.id, b.id
        a.put((1, b))
        b.put(a)
        del a
        self.assertIn(aid, helpers.queue_ids())   # b still holds it
        del b
        self.assertFreed(aid)
        self.assertFreed(bid)

    def test_cycle_freed_with_its_holder(self):
        # Freeing d lets go of x and y at once, which then hold only each
        # other.
        d = interpreters.create_queue()
        x = interpreters.create_queue()
        y = interpreters.create_queue()
        ids = d.id, x.id, y.id
        x.put(y)
        y.put(x)
        d.put((x, y))
        del x, y
        gc.collect()
        for qid in ids:
            self.assertIn(qid, helpers.queue_ids())
        del d
        for qid in ids:
            self.assertFreed(qid)

    def test_random_graphs_of_queues(self):
        import random
        rng = random.Random(684)

        def make_graph():
            queues = [interpreters.create_queue()
                      for _ in range(rng.randint(1, 10))]
            for _ in range(rng.randint(0, 25)):
                items = tuple(rng.choice(queues)
                              for _ in range(rng.randint(1, 3)))
                rng.choice(queues).put(items if len(items) > 1 else items[0])
            for q in rng.sample(queues, min(len(queues), 3)):
                if not q.empty():
                    q.get_nowait()
            rng.shuffle(queues)   # let go of them in any order

        before = set(helpers.queue_ids())
        for _ in range(300):
            make_graph()
        gc.collect()
        self.assertEqual(set(helpers.queue_ids()) - before, set())

    def test_held_cycle_stays(self):
        a = interpreters.create_queue()
        b = interpreters.create_queue()
        keep = interpreters.create_queue()
        a.put(b)
        b.put(a)
        keep.put(a)
        aid, bid = a.id, b.id
        del a, b
        gc.collect()
        self.assertIn(aid, helpers.queue_ids())
        self.assertIn(bid, helpers.queue_ids())
        a = keep.get_nowait()
        b = a.get_nowait()
        self.assertIs(b.get_nowait(), a)
        self.assertEqual(b.id, bid)

    def test_long_chain_of_queues(self):
        # Freeing a queue frees what its items held, one after another:
        # not a recursion as deep as the chain.
        out = run_in_child('''
            import _interpqueues
            from concurrent import interpreters
            first = q = interpreters.create_queue()
            for _ in range(200_000):
                nxt = interpreters.create_queue()
                q.put(nxt)
                q = nxt
            q.put(first)        # and make it a cycle
            del q, nxt, first
            print(len(_interpqueues.list_all()))
            ''')
        self.assertEqual(out.split(), ['0'])


class BadArgumentTests(unittest.TestCase):
    # Every public function of _interpqueues, with bad types and values.

    def setUp(self):
        self.qid = _interpqueues.create()
        self.addCleanup(self.release)

    def release(self):
        try:
            _interpqueues.release(self.qid)
        except QueueNotFoundError:
            pass

    def test_queue_ids(self):
        funcs = [_interpqueues.bind, _interpqueues.release,
                 _interpqueues.qsize, _interpqueues.maxsize,
                 _interpqueues.handles,
                 lambda qid: _interpqueues.put(qid, 1),
                 lambda qid: _interpqueues.get_wait(qid, False)]
        for func in funcs:
            for bad, exc in [('1', TypeError), (1.0, TypeError),
                             (None, TypeError), (2**64, OverflowError),
                             (-1, QueueNotFoundError),
                             (2**63 - 1, QueueNotFoundError)]:
                with self.subTest(func=func, qid=bad):
                    with self.assertRaises(exc):
                        func(bad)
        for bad, exc in [('1', TypeError), (2**64, OverflowError)]:
            with self.assertRaises(exc):
                _interpqueues.exported_buffers(bad)
            with self.assertRaises(exc):
                _interpqueues.interpreter_exists(bad)
        self.assertEqual(_interpqueues.exported_buffers(-1), 0)
        self.assertFalse(_interpqueues.interpreter_exists(-1))
        self.assertFalse(_interpqueues.interpreter_exists(2**63 - 1))

    def test_create(self):
        for bad, exc in [('1', TypeError), (1.5, TypeError),
                         (2**64, OverflowError)]:
            with self.assertRaises(exc):
                _interpqueues.create(bad)
        # maxsize <= 0: no limit, as queue.Queue.
        qid = _interpqueues.create(-5)
        self.addCleanup(_interpqueues.release, qid)
        self.assertEqual(_interpqueues.maxsize(qid), -5)
        for i in range(10):
            _interpqueues.put_wait(qid, i, False)
        self.assertEqual(_interpqueues.qsize(qid), 10)

    def test_timeouts(self):
        qid = self.qid
        for func in (lambda t: _interpqueues.get_wait(qid, True, t),
                     lambda t: _interpqueues.put_wait(qid, 1, True, t)):
            for bad, exc in [('1', TypeError), ([], TypeError),
                             (-1, ValueError), (-math.inf, ValueError),
                             (math.nan, ValueError),
                             (math.inf, OverflowError),
                             (1e300, OverflowError)]:
                with self.subTest(timeout=bad):
                    with self.assertRaises(exc):
                        func(bad)
        # block=False ignores the timeout, as queue.Queue does.
        _interpqueues.put_wait(qid, 1, False, 'ignored')
        self.assertEqual(_interpqueues.get_wait(qid, False, 'ignored'), 1)
        with self.assertRaises(ZeroDivisionError):
            _interpqueues.get_wait(qid, BadBool())
        self.assertEqual(_interpqueues.qsize(qid), 0)

    def test_register(self):
        with self.assertRaises(TypeError):
            _interpqueues._register(1, 2)
        with self.assertRaises(TypeError):
            _interpqueues._register(int)
        with self.assertRaises(AttributeError):
            _interpqueues.no_such_attribute

    def test_unshareable(self):
        q = interpreters.create_queue()
        for obj in [threading.Lock(), (1, threading.Lock()), sys,
                    (x for x in ()), helpers.Unpicklable('x')]:
            with self.subTest(obj=obj):
                with self.assertRaises(NotShareableError):
                    q.put(obj)
        self.assertTrue(q.empty())
        # A Queue or Interpreter object whose id is gone.
        with self.assertRaises(QueueNotFoundError):
            interpreters.Queue(2**62)
        with self.assertRaises(TypeError):
            interpreters.Queue('1')
        with self.assertRaises(TypeError):
            interpreters.create_queue('1')

    def test_released_raw_id(self):
        qid = _interpqueues.create()
        _interpqueues.put_wait(qid, helpers.RebuildsOnSecondTry(1), False)
        _interpqueues.release(qid)
        for func in (_interpqueues.get, _interpqueues.qsize,
                     _interpqueues.release, _interpqueues.bind):
            with self.assertRaises(QueueNotFoundError):
                func(qid)


class InterpreterMisuseTests(unittest.TestCase):

    def test_builtins_none_in_prepare_main(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        with self.assertRaisesRegex(TypeError, '__builtins__ must be a dict'):
            interp.prepare_main({'__builtins__': None})
        interp.exec('x = 1')
        self.assertEqual(interp.call(helpers.add, 1, 1), 2)

    def test_builtins_none_set_by_exec(self):
        # Code that breaks its own __main__ gets a clear error on the
        # next request, not SystemError, and the interpreter goes on.
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.exec('__builtins__ = None')
        with self.assertRaises(interpreters.InterpreterError) as cm:
            interp.exec('pass')
        self.assertIn('ImportError', str(cm.exception))
        self.assertIn('__import__ not found', str(cm.exception))
        self.assertNotIn('SystemError', str(cm.exception))

    def test_exec_builtins_none(self):
        with self.assertRaisesRegex(ImportError, '__import__ not found'):
            exec('import os', {'__builtins__': None})

    def test_exec_functions_refused_without_allow_exec(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.exec(textwrap.dedent('''
            import os, sys
            calls = [('system', ('true',))]
            if hasattr(os, 'posix_spawn'):
                calls += [('posix_spawn', (sys.executable,
                                           [sys.executable, '-c', ''],
                                           os.environ)),
                          ('posix_spawnp', ('true', ['true'], os.environ))]
            for name, args in calls:
                try:
                    getattr(os, name)(*args)
                except RuntimeError as exc:
                    assert f'os.{name}() is not allowed' in str(exc), exc
                    assert 'allow_exec=0' in str(exc), exc
                else:
                    raise AssertionError(f'os.{name}() was allowed')
            '''))


class ConfigMisuseTests(unittest.TestCase):

    def setUp(self):
        self.xx = import_helper.import_module('_xxsubinterpreters')

    def test_new_config(self):
        xx = self.xx
        for args, kwargs, exc in [
                (('nope',), {}, ValueError),
                ((1,), {}, TypeError),
                (('isolated\0',), {}, ValueError),
                (('\udc80',), {}, UnicodeEncodeError),
                (('isolated', 'legacy'), {}, TypeError),
                ((), {'nope': True}, TypeError),
                ((), {'own_gil': BadBool()}, ZeroDivisionError)]:
            with self.subTest(args=args, kwargs=kwargs):
                with self.assertRaises(exc):
                    xx.new_config(*args, **kwargs)
        config = xx.new_config(own_gil=0, use_main_obmalloc=1,
                               strict_extensions=0)
        self.assertFalse(config.own_gil)

    def test_create(self):
        xx = self.xx
        before = xx.list_all()
        bad = [(42, TypeError), (types.SimpleNamespace(), TypeError),
               ('nope', ValueError)]
        config = xx.new_config()
        config.own_gil = BadBool()
        bad.append((config, ZeroDivisionError))
        # Contradictions: an own GIL needs its own allocator, which needs
        # strict extensions.
        bad.append((xx.new_config(use_main_obmalloc=True), ValueError))
        bad.append((xx.new_config(own_gil=False, strict_extensions=False),
                    ValueError))
        for config, exc in bad:
            with self.subTest(config=config):
                with self.assertRaises(exc):
                    xx.create(config=config)
        with self.assertRaises(TypeError):
            xx.create(config='isolated', isolated=True)
        self.assertEqual(xx.list_all(), before)


class BadBool:
    def __bool__(self):
        1 / 0


if __name__ == '__main__':
    unittest.main()
