"""Code written for CPython 3.14's concurrent.interpreters runs unchanged:
functions and classes of __main__, lambdas and local functions, and the
errors 3.14 raises."""

import os
import textwrap
import unittest
from concurrent import interpreters
from concurrent.futures import InterpreterPoolExecutor
from concurrent.interpreters import ExecutionFailed, NotShareableError
from test.support import os_helper, script_helper

from . import helpers


_kept = []


def keep(obj):
    _kept.append(obj)


def is_kept(obj):
    return any(k is obj for k in _kept)


def run_script(testcase, source, *, guard=True):
    """Run source as a script (its own __main__) in a new process and
    return its standard output, failing on any error."""
    source = textwrap.dedent(source)
    if guard:
        source = source.replace('\nMAIN\n', "\nif __name__ == '__main__':\n")
    with os_helper.temp_dir() as d:
        path = script_helper.make_script(d, 'script', source)
        rc, out, err = script_helper.assert_python_ok(path)
    testcase.assertNotIn(b'Fatal Python error', err)
    return out.decode().strip()


class MainFunctionsTests(unittest.TestCase):
    # A script defines what it runs elsewhere, as the 3.14 documentation's
    # examples do; with and without the __main__ guard (gh-136659).

    SCRIPT = '''
        from concurrent import interpreters
        from concurrent.futures import InterpreterPoolExecutor

        SCALE = 10

        def scale(x):
            return x * SCALE

        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)

        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y

            def norm1(self):
                return abs(self.x) + abs(self.y)

            @staticmethod
            def origin():
                return Point(0, 0)

            @property
            def pair(self):
                return (self.x, self.y)

        def make_point(x, y):
            return Point(x, y)

        def describe(p):
            return (type(p).__name__, p.norm1(), p.pair)

        def main():
            with InterpreterPoolExecutor(max_workers=2) as ex:
                print(ex.submit(scale, 4).result())
                print(list(ex.map(fib, range(8))))
                print(ex.submit(describe, Point(3, -4)).result())
                p = ex.submit(make_point, 1, 2).result()
                print(type(p) is Point, p.pair)
                print(ex.submit(Point.origin).result().pair)
                print(ex.submit(lambda: SCALE + 1).result())
            interp = interpreters.create()
            try:
                print(interp.call(scale, 5))
                print(interp.call(describe, Point(1, 1)))
            finally:
                interp.close()
        '''

    EXPECTED = ('40\n[0, 1, 1, 2, 3, 5, 8, 13]\n'
                "('Point', 7, (3, -4))\nTrue (1, 2)\n(0, 0)\n11\n"
                "50\n('Point', 2, (1, 1))")

    def test_with_main_guard(self):
        out = run_script(self, textwrap.dedent(self.SCRIPT)
                         + '\nMAIN\n    main()\n')
        self.assertEqual(out, self.EXPECTED)

    def test_without_main_guard(self):
        # 3.14 runs the script again in each interpreter here (its
        # functions are pickled by reference to __main__); percore sends
        # them by value and does not run the script twice.
        out = run_script(self, textwrap.dedent(self.SCRIPT)
                         + '\nprint("once")\nmain()\n', guard=False)
        self.assertEqual(out, 'once\n' + self.EXPECTED)

    def test_main_state_stays_private(self):
        # A copied global is the interpreter's own: changing it there
        # changes neither the script's nor the target's __main__.
        out = run_script(self, '''
            from concurrent import interpreters
            counter = [0]

            def bump():
                counter[0] += 1
                return counter[0]

            interp = interpreters.create()
            print(interp.call(bump), interp.call(bump), counter[0],
                  flush=True)
            interp.exec('import __main__; print(hasattr(__main__, "bump"), '
                        'hasattr(__main__, "counter"))')
            interp.close()
            ''')
        self.assertEqual(out, '1 2 0\nFalse False')


class EnvironmentTests(unittest.TestCase):
    # The new interpreter's sys.path[0] is the main interpreter's
    # (gh-109853), so a module next to the script imports there.

    def test_module_next_to_script(self):
        with os_helper.temp_dir() as d:
            script_helper.make_script(d, 'neighbour', 'VALUE = 42\n')
            path = script_helper.make_script(d, 'script', textwrap.dedent("""
                import sys
                from concurrent import interpreters
                from concurrent.futures import InterpreterPoolExecutor
                interp = interpreters.create()
                print(interp.call(lambda: __import__('sys').path[0])
                      == sys.path[0])
                interp.exec('import neighbour; assert neighbour.VALUE == 42')
                def use():
                    import neighbour
                    return neighbour.VALUE
                print(interp.call(use))
                nested = interp.call(lambda: __import__(
                    'concurrent.interpreters').interpreters.create().call(use))
                print(nested)
                with InterpreterPoolExecutor(1) as ex:
                    print(ex.submit(use).result())
                """))
            rc, out, err = script_helper.assert_python_ok(path,
                                                          __isolated=False)
        self.assertEqual(out.decode().split(), ['True', '42', '42', '42'])

    def test_safe_path(self):
        # With -P (or -I) the main interpreter has no sys.path[0] of the
        # script, and neither has a new one.
        code = textwrap.dedent("""
            import sys
            from concurrent import interpreters
            interp = interpreters.create()
            print(interp.call(lambda: __import__('sys').path) == sys.path)
            """)
        rc, out, err = script_helper.assert_python_ok('-P', '-c', code,
                                                      __isolated=False)
        self.assertEqual(out.decode().strip(), 'True')

    def test_main_interpreter_is_running(self):
        # The main interpreter runs its script (here: the tests), so
        # running code there from another interpreter fails cleanly, as in
        # CPython 3.14.
        interp = interpreters.create()
        try:
            def run_in_main():
                from concurrent import interpreters
                try:
                    interpreters.get_main().exec('pass')
                except interpreters.InterpreterError as exc:
                    return 'refused'
                return 'ran'
            self.assertEqual(interp.call(run_in_main), 'refused')
        finally:
            interp.close()


class ByValueTests(unittest.TestCase):
    # Functions that cannot be found by reference: 3.14 shares the code of
    # those that need no closure; percore also sends closures.

    @classmethod
    def setUpClass(cls):
        cls.interp = interpreters.create()

    @classmethod
    def tearDownClass(cls):
        cls.interp.close()

    def test_lambda(self):
        self.assertEqual(self.interp.call(lambda: 42), 42)
        self.assertEqual(self.interp.call(lambda x, y=2: x * y, 21), 42)

    def test_local_function(self):
        def local(a, *, b=1):
            return (a, b, __name__)
        self.assertEqual(self.interp.call(local, 1, b=3), (1, 3, __name__))

    def test_closure(self):
        offset = 5

        def add_offset(x):
            return x + offset
        self.assertEqual(self.interp.call(add_offset, 1), 6)

    def test_module_globals(self):
        # A lambda of an importable module runs in that module, imported
        # by the target.
        f = lambda: helpers.add(1, 2)
        self.assertEqual(self.interp.call(f), 3)

    def test_runs_in_other_interpreter(self):
        f = lambda: helpers.interpreter_id()
        self.assertEqual(self.interp.call(f), self.interp.id)

    def test_local_class(self):
        class Box:
            def __init__(self, value):
                self.value = value

            def get(self):
                return self.value

        def unbox(box):
            return box.get() * 2
        self.assertEqual(self.interp.call(unbox, Box(21)), 42)
        back = self.interp.call(lambda: Box(7))
        self.assertIs(type(back), Box)
        self.assertEqual(back.value, 7)

    def test_local_dataclass(self):
        import dataclasses

        @dataclasses.dataclass
        class Pair:
            a: int
            b: int = 2

            def total(self):
                return self.a + self.b
        self.assertEqual(self.interp.call(lambda p: p.total(), Pair(1)), 3)
        back = self.interp.call(lambda: Pair(5, 6))
        self.assertIs(type(back), Pair)
        self.assertEqual(back, Pair(5, 6))

    def test_request_not_rebuilt(self):
        # The interpreter cannot rebuild the request (its unpickling fails
        # there, as for an enumeration of __main__): the call raises
        # ExecutionFailed, and the interpreter stays usable.
        self.interp.call(helpers.fail_next_rebuild, LookupError('gone'))
        with self.assertRaises(ExecutionFailed) as cm:
            self.interp.call(helpers.echo, helpers.RebuildsOnSecondTry(1))
        self.assertEqual(cm.exception.excinfo.type.__name__, 'LookupError')
        self.assertEqual(self.interp.call(helpers.add, 1, 1), 2)

    def test_function_comes_back_as_itself(self):
        f = lambda: 1
        self.assertIs(self.interp.call(lambda g: g, f), f)

    def test_same_copy_each_time(self):
        f = lambda: 1
        self.interp.call(keep, f)
        self.assertTrue(self.interp.call(is_kept, f))
        self.assertFalse(self.interp.call(is_kept, lambda: 1))

    def test_closure_values_follow(self):
        values = []
        for i in range(3):
            values.append(self.interp.call(lambda: i))
        self.assertEqual(values, [0, 1, 2])

    def test_through_queue(self):
        queue = interpreters.create_queue()
        queue.put(lambda x: x + 1)
        self.assertEqual(self.interp.call(lambda q: q.get()(1), queue), 2)

    def test_executor_lambda(self):
        with InterpreterPoolExecutor(max_workers=1) as ex:
            self.assertEqual(ex.submit(lambda: 1).result(), 1)
            self.assertEqual(list(ex.map(lambda x: x * x, range(4))),
                             [0, 1, 4, 9])

    def test_unshareable_global(self):
        import threading
        lock = threading.Lock()
        with self.assertRaises(NotShareableError):
            self.interp.call(lambda: lock)


class FalsyError(Exception):
    def __bool__(self):
        return False


def raise_falsy():
    raise FalsyError('falsy')


def _exec_body_z():
    # run_func() runs this body in __main__, which has z.
    global w
    w = z + 1


def _exec_body():
    # exec() runs the body in the interpreter's __main__, which has it.
    shared_queue.put('function')


class ErrorsTests(unittest.TestCase):
    # Errors as CPython 3.14 raises them.

    @classmethod
    def setUpClass(cls):
        cls.interp = interpreters.create()

    @classmethod
    def tearDownClass(cls):
        cls.interp.close()

    def test_unshareable_result(self):
        with self.assertRaises(NotShareableError):
            self.interp.call(lambda: __import__('threading').Lock())
        # The interpreter is still usable.
        self.assertEqual(self.interp.call(helpers.add, 1, 2), 3)

    def test_unshareable_argument(self):
        import threading
        with self.assertRaises(NotShareableError):
            self.interp.call(helpers.echo, threading.Lock())

    def test_exception_is_execution_failed(self):
        with self.assertRaises(ExecutionFailed) as cm:
            self.interp.call(helpers.fail, 'no')
        self.assertEqual(cm.exception.excinfo.type.__name__, 'ValueError')
        self.assertEqual(cm.exception.excinfo.msg, 'no')

    def test_exec_source_code_and_function(self):
        queue = interpreters.create_queue()
        self.interp.prepare_main(shared_queue=queue)
        self.interp.exec('shared_queue.put("source")')
        self.interp.exec(compile('shared_queue.put("code")', '<test>', 'exec'))
        self.interp.exec(_exec_body)
        self.assertEqual([queue.get() for _ in range(3)],
                         ['source', 'code', 'function'])

    def test_exec_function_with_arguments(self):
        with self.assertRaises(ValueError):
            self.interp.exec(lambda x: x)

    def test_exec_failure(self):
        with self.assertRaises(ExecutionFailed):
            self.interp.exec(compile('1/0', '<test>', 'exec'))
        with self.assertRaises(TypeError):
            self.interp.exec(b'1')

    def test_prepare_main_nothing(self):
        with self.assertRaises(ValueError):
            self.interp.prepare_main()
        with self.assertRaises(ValueError):
            self.interp.prepare_main({})

    def test_prepare_main_unshareable(self):
        import threading
        with self.assertRaises(NotShareableError):
            self.interp.prepare_main(lock=threading.Lock())

    def test_call_leaves_main_alone(self):
        interp = interpreters.create()
        try:
            names = lambda: sorted(__import__('__main__').__dict__)
            first = interp.call(names)
            interp.call(helpers.add, 1, 2)
            interp.call(lambda: 1)
            self.assertEqual(interp.call(names), first)
        finally:
            interp.close()

    def test_executor_exception_cause(self):
        with InterpreterPoolExecutor(max_workers=1) as ex:
            f = ex.submit(helpers.fail, 'bad')
            exc = f.exception()
        self.assertIsInstance(exc, ValueError)
        self.assertIsInstance(exc.__cause__, ExecutionFailed)
        self.assertEqual(exc.__cause__.excinfo.type.__name__, 'ValueError')


class UnboundItemsTests(unittest.TestCase):
    # What becomes of an item when the interpreter that put it ends.

    def put_and_close(self, source, **queues):
        interp = interpreters.create()
        interp.prepare_main(**queues)
        interp.exec('from concurrent.interpreters._crossinterp import *\n'
                    + source)
        interp.close()

    def test_markers(self):
        from concurrent.interpreters import _crossinterp, _queues
        for name in ('UNBOUND', 'UNBOUND_ERROR', 'UNBOUND_REMOVE'):
            marker = getattr(_crossinterp, name)
            self.assertIs(getattr(_queues, name), marker)
            self.assertEqual(repr(marker), name)
            import pickle
            self.assertIs(pickle.loads(pickle.dumps(marker)), marker)
        self.assertTrue(issubclass(_queues.ItemInterpreterDestroyed,
                                   _queues.QueueError))
        self.assertTrue(issubclass(_queues.ItemInterpreterDestroyed,
                                   _crossinterp.ItemInterpreterDestroyed))

    def test_queue_defaults(self):
        from concurrent.interpreters import _crossinterp as ci, _queues
        unbound = interpreters.create_queue()
        error = interpreters.create_queue(unbounditems=ci.UNBOUND_ERROR)
        remove = interpreters.create_queue(unbounditems=ci.UNBOUND_REMOVE)
        self.put_and_close('unbound.put(1); error.put(2); remove.put(3)',
                           unbound=unbound, error=error, remove=remove)
        self.assertIs(unbound.get_nowait(), ci.UNBOUND)
        self.assertTrue(unbound.empty())
        with self.assertRaises(_queues.ItemInterpreterDestroyed):
            error.get_nowait()
        self.assertTrue(error.empty())
        self.assertEqual(remove.qsize(), 0)
        with self.assertRaises(interpreters.QueueEmpty):
            remove.get_nowait()

    def test_per_item(self):
        from concurrent.interpreters import _crossinterp as ci
        q = interpreters.create_queue(maxsize=4)
        q.put('before')
        self.put_and_close('q.put(1, unbounditems=UNBOUND_REMOVE)\n'
                           'q.put_nowait(2, unbounditems=UNBOUND)\n'
                           'q.put(3)\n', q=q)
        q.put('after')
        self.assertEqual(q.qsize(), 4)
        self.assertEqual([q.get_nowait() for _ in range(4)],
                         ['before', ci.UNBOUND, ci.UNBOUND, 'after'])

    def test_own_items_stay(self):
        # Only the items of the interpreter that ended are unbound.
        q = interpreters.create_queue()
        q.put('mine')
        interp = interpreters.create()
        interp.close()
        self.assertEqual(q.get_nowait(), 'mine')

    def test_removal_makes_room(self):
        from concurrent.interpreters import _crossinterp as ci
        q = interpreters.create_queue(maxsize=1,
                                      unbounditems=ci.UNBOUND_REMOVE)
        self.put_and_close('q.put(1)', q=q)
        q.put_nowait(2)
        self.assertEqual(q.get_nowait(), 2)

    def test_bad_values(self):
        q = interpreters.create_queue()
        for bad in (None, 1, 'UNBOUND'):
            with self.assertRaises(ValueError):
                interpreters.create_queue(unbounditems=bad)
        for bad in (1, 'UNBOUND'):
            with self.assertRaises(ValueError):
                q.put(1, unbounditems=bad)
        self.assertTrue(q.empty())


class LowLevelInterpretersTests(unittest.TestCase):
    # _interpreters under its 3.13/3.14 name and signatures.

    def setUp(self):
        import _interpreters
        self.mod = _interpreters
        self.id = _interpreters.create()
        self.addCleanup(self.destroy, self.id)

    def destroy(self, id):
        try:
            self.mod.destroy(id)
        except self.mod.InterpreterNotFoundError:
            pass

    def test_ids_and_whence(self):
        m = self.mod
        self.assertEqual(m.get_main(), (0, m.WHENCE_RUNTIME))
        self.assertEqual(m.get_current(), (0, m.WHENCE_RUNTIME))
        self.assertIsInstance(self.id, int)
        self.assertIn((self.id, m.WHENCE_STDLIB), m.list_all())
        self.assertEqual(m.whence(self.id), m.WHENCE_STDLIB)
        self.assertEqual(m.call(self.id, m.get_current),
                         ((self.id, m.WHENCE_STDLIB), None))
        self.assertEqual(len({m.WHENCE_UNKNOWN, m.WHENCE_RUNTIME,
                              m.WHENCE_LEGACY_CAPI, m.WHENCE_CAPI,
                              m.WHENCE_XI, m.WHENCE_STDLIB}), 6)

    def test_configs(self):
        m = self.mod
        fields = {'use_main_obmalloc', 'allow_fork', 'allow_exec',
                  'allow_threads', 'allow_daemon_threads',
                  'check_multi_interp_extensions', 'gil'}
        for name in ('isolated', 'legacy', 'default', 'empty'):
            with self.subTest(name=name):
                self.assertEqual(set(vars(m.new_config(name))), fields)
        self.assertEqual(m.new_config('isolated').gil, 'own')
        self.assertEqual(m.new_config('legacy').gil, 'shared')
        self.assertEqual(m.new_config('empty').gil, 'default')
        self.assertEqual(m.new_config('isolated', allow_fork=True).allow_fork,
                         True)
        self.assertEqual(vars(m.get_config(self.id)),
                         vars(m.new_config('isolated')))
        legacy = m.create(m.new_config('legacy'))
        self.addCleanup(self.destroy, legacy)
        self.assertEqual(vars(m.get_config(legacy)),
                         vars(m.new_config('legacy')))
        with self.assertRaises(ValueError):
            m.new_config('nope')
        with self.assertRaises(ValueError):
            m.new_config(gilx='own')
        with self.assertRaises(ValueError):
            m.create(m.new_config(gil='mine'))

    def test_exec_and_run(self):
        m = self.mod
        self.assertIsNone(m.exec(self.id, 'x = 1'))
        excinfo = m.exec(self.id, 'raise KeyError("k")')
        self.assertEqual(excinfo.type.__name__, 'KeyError')
        self.assertIn('KeyError', excinfo.formatted)
        self.assertIsNone(m.run_string(self.id, 'y = x + 1', {'x': 41}))
        self.assertEqual(m.call(self.id, lambda: __import__('__main__').y),
                         (42, None))
        m.set___main___attrs(self.id, {'z': 5})
        self.assertIsNone(m.run_func(self.id, _exec_body_z))
        self.assertEqual(m.call(self.id, lambda: __import__('__main__').w),
                         (6, None))
        with self.assertRaises(TypeError):
            m.run_string(self.id, b'1')

    def test_call(self):
        m = self.mod
        self.assertEqual(m.call(self.id, helpers.add, (1, 2)), (3, None))
        self.assertEqual(m.call(self.id, helpers.echo, (1,), {'a': 2}),
                         (((1,), {'a': 2}), None))
        result, excinfo = m.call(self.id, helpers.fail, ('no',))
        self.assertIsNone(result)
        self.assertEqual(excinfo.type.__name__, 'ValueError')
        self.assertEqual(excinfo.msg, 'no')

    def test_misc(self):
        m = self.mod
        self.assertFalse(m.is_running(self.id))
        self.assertTrue(m.is_shareable(b'x'))
        self.assertFalse(m.is_shareable([]))
        try:
            1 / 0
        except ZeroDivisionError:
            info = m.capture_exception()
        self.assertEqual(info.type.__name__, 'ZeroDivisionError')
        self.assertEqual(m.capture_exception(KeyError('x')).type.__name__,
                         'KeyError')
        self.assertIs(m.InterpreterError, interpreters.InterpreterError)
        self.assertIs(m.NotShareableError, NotShareableError)

    def test_destroy(self):
        m = self.mod
        id = m.create()
        m.destroy(id)
        self.assertNotIn(id, [i for i, _ in m.list_all()])
        with self.assertRaises(m.InterpreterNotFoundError):
            m.destroy(id)
        with self.assertRaises(m.InterpreterNotFoundError):
            m.exec(id, 'pass')
        with self.assertRaises(m.InterpreterError):
            m.destroy(0)

    def test_reqrefs(self):
        m = self.mod
        id = m.create(reqrefs=True)
        m.incref(id)
        self.assertIn(id, [i for i, _ in m.list_all()])
        m.decref(id)
        self.assertNotIn(id, [i for i, _ in m.list_all()])

    def test_high_level_wraps_it(self):
        interp = interpreters.Interpreter(self.id)
        self.assertEqual(interp.call(helpers.add, 2, 3), 5)


class LowLevelQueuesTests(unittest.TestCase):
    # _interpqueues with CPython 3.14's functions (percore's blocking ones
    # are put_wait() and get_wait()).

    def test_314_api(self):
        import _interpqueues as q
        qid = q.create(2, 3, -1)
        q.bind(qid)
        self.addCleanup(q.release, qid)
        self.assertIn((qid, 3, -1), q.list_all())
        self.assertEqual(q.get_queue_defaults(qid), (3, -1))
        self.assertEqual(q.get_maxsize(qid), 2)
        self.assertEqual(q.get_count(qid), 0)
        with self.assertRaises(q.QueueEmpty):
            q.get(qid)
        q.put(qid, (1, 'a'), -1, -1)
        q.put(qid, b'b')
        self.assertTrue(q.is_full(qid))
        with self.assertRaises(interpreters.QueueFull):
            q.put(qid, 3)
        self.assertEqual(q.get(qid), ((1, 'a'), None))
        self.assertEqual(q.get(qid), (b'b', None))
        self.assertFalse(q.is_full(qid))
        self.assertIsNone(q._register_heap_types(object, q.QueueEmpty,
                                                 q.QueueError))
        with self.assertRaises(ValueError):
            q.create(0, 9)

    def test_unbound_item(self):
        import _interpqueues as q
        qid = q.create(0, 3)
        q.bind(qid)
        self.addCleanup(q.release, qid)
        interp = interpreters.create()
        interp.prepare_main(qid=qid)
        interp.exec('import _interpqueues as q\n'
                    'q.put(qid, 1)\n'
                    'q.put(qid, 2, 2)\n'
                    'q.put(qid, 3, 1)\n')
        interp.close()
        self.assertEqual(q.get_count(qid), 2)
        self.assertEqual(q.get(qid), (None, 3))
        self.assertEqual(q.get(qid), (None, 2))

    def test_destroy(self):
        import threading
        import _interpqueues as q
        qid = q.create()     # holding one handle
        q.put(qid, 1)
        errors = []
        ready = threading.Event()

        def wait():
            ready.set()
            try:
                q.get_wait(qid, True, 30)
                q.get_wait(qid, True, 30)
            except q.QueueNotFoundError as exc:
                errors.append(exc)
        t = threading.Thread(target=wait)
        t.start()
        ready.wait()
        # The waiter took the item and waits for another, or has not
        # started waiting yet; either way destroy() ends its wait.
        q.destroy(qid)
        t.join()
        self.assertEqual(len(errors), 1)
        self.assertNotIn(qid, helpers.queue_ids())
        for func in (q.get, q.get_count, q.bind, q.destroy):
            with self.assertRaises(q.QueueNotFoundError):
                func(qid)
        with self.assertRaises(q.QueueNotFoundError):
            q.put(qid, 1)
        q.release(qid)   # the handle taken before destroy() goes too
        with self.assertRaises(q.QueueNotFoundError):
            q.release(qid)


class LowLevelChannelsTests(unittest.TestCase):
    # _interpchannels under its 3.13/3.14 name.

    def test_send_recv(self):
        import _interpchannels as ch
        cid = ch.create()
        self.addCleanup(ch.destroy, cid)
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.prepare_main(cid=int(cid))
        interp.exec('import _interpchannels as ch\n'
                    'c = ch._channel_id(cid)\n'
                    'ch.send(c, b"spam")\n'
                    'ch.send(c, (1, "two", None))\n'
                    'ch.send_buffer(c, bytearray(b"buf"))\n'
                    'ch.send(c, lambda: 3)\n')
        self.assertEqual(ch.recv(cid), (b'spam', None))
        self.assertEqual(ch.recv(cid), ((1, 'two', None), None))
        view, _ = ch.recv(cid)
        self.assertEqual(bytes(view), b'buf')
        func, _ = ch.recv(cid)
        self.assertEqual(func(), 3)
        self.assertEqual(ch.recv(cid, 'default'), ('default', None))
        with self.assertRaises(ch.ChannelEmptyError):
            ch.recv(cid)
        self.assertIn(cid, [c for c, *_ in ch.list_all()])
        self.assertEqual(ch.get_channel_defaults(cid), (-1, -1))

    def test_close_release(self):
        import threading
        import _interpchannels as ch
        cid = ch.create()
        with self.assertRaises(NotShareableError):
            ch.send(cid, threading.Lock())
        ch.send(cid, 1)
        self.assertEqual(ch.recv(cid), (1, None))
        ch.close(cid)
        with self.assertRaises(ch.ChannelClosedError):
            ch.send(cid, 2)
        with self.assertRaises(ch.ChannelClosedError):
            ch.recv(cid)
        with self.assertRaises(ValueError):
            ch.create(unboundop=7)
        # Released by its only user, the channel is closed.
        cid = ch.create()
        ch.release(cid)
        with self.assertRaises(ch.ChannelClosedError):
            ch.send(cid, 1)


class ExecutorTests(unittest.TestCase):
    # InterpreterPoolExecutor as CPython 3.14 has it.

    def test_signature(self):
        import inspect
        params = inspect.signature(InterpreterPoolExecutor).parameters
        positional = [name for name, param in params.items()
                      if param.kind is param.POSITIONAL_OR_KEYWORD]
        self.assertEqual(positional, ['max_workers', 'thread_name_prefix',
                                      'initializer', 'initargs'])
        # percore's own options are keyword-only.
        self.assertTrue(all(param.kind is param.KEYWORD_ONLY
                            for name, param in params.items()
                            if name not in positional))
        with InterpreterPoolExecutor(2, 'prefix', helpers.initializer,
                                     ('x',)) as ex:
            self.assertEqual(ex.submit(helpers.initialized).result(), ['x'])

    def test_map_buffersize(self):
        import itertools
        with InterpreterPoolExecutor(max_workers=2) as ex:
            # An endless iterable: only buffersize calls run ahead.
            results = ex.map(helpers.add, itertools.count(), itertools.count(),
                             buffersize=3)
            self.assertEqual([next(results) for _ in range(10)],
                             [2 * i for i in range(10)])
            self.assertEqual(list(ex.map(helpers.add, range(5), range(5),
                                         buffersize=1)),
                             [0, 2, 4, 6, 8])
            with self.assertRaises(ValueError):
                ex.map(helpers.add, [1], [2], buffersize=0)
            with self.assertRaises(TypeError):
                ex.map(helpers.add, [1], [2], buffersize=2.0)

    def test_map_buffersize_reads_lazily(self):
        from concurrent.futures import ThreadPoolExecutor
        consumed = []

        def numbers():
            for i in range(100):
                consumed.append(i)
                yield i
        with ThreadPoolExecutor(max_workers=1) as ex:
            results = ex.map(abs, numbers(), buffersize=2)
            self.assertEqual(next(results), 0)
            self.assertLessEqual(len(consumed), 3)
            self.assertEqual(list(results), list(range(1, 100)))

    def test_falsy_exception(self):
        from concurrent.futures import ThreadPoolExecutor
        for executor in (ThreadPoolExecutor, InterpreterPoolExecutor):
            with self.subTest(executor=executor.__name__):
                with executor(max_workers=1) as ex:
                    f = ex.submit(raise_falsy)
                    with self.assertRaises(FalsyError):
                        f.result()
                    self.assertIsInstance(f.exception(), FalsyError)
                    self.assertIn('raised FalsyError', repr(f))


if __name__ == '__main__':
    unittest.main()
