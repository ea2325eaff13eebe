"""Creating, running and closing interpreters from anywhere, at the same
time, under memory pressure, with threads left in them, at process exit
and on Ctrl-C: each gives an exception or works, and never ends the
process.  Cases that used to crash run in a child process."""

import subprocess
import sys
import sysconfig
import textwrap
import unittest
from test import support

from concurrent import interpreters
from concurrent.interpreters import Interpreter, InterpreterNotFoundError


def run_child(source, timeout=support.SHORT_TIMEOUT, *, helpers=''):
    """Run helpers, then source, in a child python; return its stdout.
    A crash, an exception or a hang fails the test."""
    try:
        proc = subprocess.run(
            [sys.executable, '-I', '-X', 'faulthandler', '-c',
             textwrap.dedent(helpers) + textwrap.dedent(source)],
            capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f'the child hung; stderr: {exc.stderr}')
    if proc.returncode != 0:
        raise AssertionError(f'the child failed ({proc.returncode}); '
                             f'stderr:\n{proc.stderr}')
    return proc.stdout


class NestedTests(unittest.TestCase):

    def test_create_from_subinterpreter(self):
        out = run_child('''
            from concurrent import interpreters as I
            a = I.create()
            a.exec("""if 1:
                from concurrent import interpreters as I
                b = I.create()
                b.exec("x = 1")
                assert b.call(sum, (1, 2)) == 3
                c = I.create()
                c.exec("d = 1")
                c.close()
                b.close()
                """)
            a.close()
            print("ok", len(I.list_all()))
            ''')
        self.assertEqual(out.split(), ['ok', '1'])

    def test_create_legacy_from_subinterpreter(self):
        # One that shares the main GIL, made from one with a GIL of its own.
        out = run_child('''
            import _xxsubinterpreters as X
            a = X.create(X.new_config('isolated'))
            X.run_string(a, """if 1:
                import _xxsubinterpreters as X
                b = X.create(X.new_config('legacy'))
                X.run_string(b, "x = 2 ** 10")
                c = X.create(X.new_config('isolated'))
                X.run_string(c, "y = 1")
                X.destroy(b)
                X.destroy(c)
                """)
            X.destroy(a)
            print("ok", len(X.list_all()))
            ''')
        self.assertEqual(out.split(), ['ok', '1'])

    def test_close_sibling(self):
        out = run_child('''
            from concurrent import interpreters as I
            a = I.create()
            b = I.create()
            b.exec("x = 1")
            a.prepare_main(bid=b.id)
            a.exec("""if 1:
                from concurrent import interpreters as I
                I.Interpreter(bid).close()
                """)
            try:
                b.exec("pass")
            except I.InterpreterNotFoundError:
                print("closed")
            a.close()
            ''')
        self.assertEqual(out.split(), ['closed'])

    def test_create_many_nested_levels(self):
        out = run_child('''
            from concurrent import interpreters as I
            src = "print('level', __import__('_interpqueues').current_interpreter_id() > 0)"
            for _ in range(3):
                src = ("from concurrent import interpreters as I\\n"
                       f"i = I.create()\\ni.exec({src!r})\\ni.close()\\n")
            exec(src)
            print("ok")
            ''')
        self.assertEqual(out.split(), ['level', 'True', 'ok'])


class CloseRaceTests(unittest.TestCase):

    def test_two_closers_one_wins(self):
        out = run_child('''
            import threading
            from concurrent import interpreters as I
            for _ in range(20):
                it = I.create()
                won = []
                barrier = threading.Barrier(3)
                def close():
                    barrier.wait()
                    try:
                        it.close()
                    except I.InterpreterError:
                        pass
                    else:
                        won.append(1)
                ts = [threading.Thread(target=close) for _ in range(3)]
                for t in ts: t.start()
                for t in ts: t.join()
                assert len(won) == 1, won
                assert it not in I.list_all()
            print("ok")
            ''')
        self.assertEqual(out.split(), ['ok'])

    def test_close_races_exec(self):
        out = run_child('''
            import threading
            from concurrent import interpreters as I
            closed = ran = 0
            for i in range(30):
                it = I.create()
                results = []
                barrier = threading.Barrier(3)
                def run():
                    barrier.wait()
                    try:
                        it.exec("import time; time.sleep(0.001)")
                    except I.InterpreterError as exc:
                        results.append(type(exc).__name__)
                    else:
                        results.append('ran')
                def close():
                    barrier.wait()
                    try:
                        it.close()
                    except I.InterpreterError as exc:
                        results.append(type(exc).__name__)
                    else:
                        results.append('closed')
                ts = [threading.Thread(target=f) for f in (run, run, close)]
                for t in ts: t.start()
                for t in ts: t.join()
                assert results.count('closed') <= 1, results
                if 'closed' not in results:
                    it.close()
            print("ok")
            ''')
        self.assertEqual(out.split(), ['ok'])

    def test_last_reference_dropped_while_running(self):
        # The interpreter ends when the script that runs in it is done.
        out = run_child('''
            import threading, time
            import _xxsubinterpreters as X
            idobj = X.create(X.new_config('isolated'))
            number = int(idobj)
            started = threading.Event()
            def run():
                started.set()
                X.run_string(number, "import time; time.sleep(0.5)")
            t = threading.Thread(target=run)
            t.start()
            started.wait()
            while not X.is_running(number):
                time.sleep(0.001)
            del idobj
            # Still there while the script runs; gone once it is done.
            print(number in [int(i) for i in X.list_all()])
            t.join()
            print(number in [int(i) for i in X.list_all()])
            ''')
        self.assertEqual(out.split(), ['True', 'False'])

    def test_close_from_sibling_while_running(self):
        out = run_child('''
            from concurrent import interpreters as I
            from test.test_concurrent_interpreters import helpers
            a = I.create()
            b = I.create()
            q = I.create_queue()
            stop = I.create_queue()
            b.prepare_main(q=q, stop=stop)
            t = b.call_in_thread(helpers.run_in_main, "q.put(1); stop.get()")
            q.get()
            a.prepare_main(bid=b.id)
            try:
                a.exec("from concurrent import interpreters as I\\n"
                       "I.Interpreter(bid).close()")
            except I.ExecutionFailed as exc:
                print(exc.excinfo.type.__name__)
            stop.put(None)
            t.join()
            b.close()
            a.close()
            print("ok")
            ''')
        self.assertEqual(out.split(), ['InterpreterError', 'ok'])


# Child code: try to close it, which its own threads still running
# refuse; let them end (the code run_after_refusal does that); close it
# once they have.
CLOSE_AFTER_THREADS = '''
    import time
    from concurrent import interpreters as I

    def close_after_threads(it, run_after_refusal):
        try:
            it.close()
        except I.InterpreterError:
            print("refused")
        it.exec(run_after_refusal)
        for _ in range(10_000):
            try:
                it.close()
                break
            except I.InterpreterError:
                time.sleep(0.001)
        print(it in I.list_all())
    '''


class ThreadsLeftTests(unittest.TestCase):

    def test_close_refused_while_own_thread_runs(self):
        out = run_child('''
            import time
            from concurrent import interpreters as I
            it = I.create()
            it.exec("""if 1:
                import _thread
                value = 42
                lock = _thread.allocate_lock()
                lock.acquire()
                done = _thread.allocate_lock()
                done.acquire()
                def wait():
                    with lock:
                        pass
                    done.release()
                _thread.start_new_thread(wait, ())
                """)
            # Nothing was lost.
            close_after_threads(
                it, "assert value == 42; lock.release(); done.acquire()")
            ''', helpers=CLOSE_AFTER_THREADS)
        self.assertEqual(out.split(), ['refused', 'False'])

    @unittest.skipUnless(sys.platform == 'linux', 'reads /proc/self/statm')
    @unittest.skipIf('-fsanitize=' in (sysconfig.get_config_var('CFLAGS')
                                       or ''),
                     'sanitizers reserve far more address space')
    def test_thread_exhaustion(self):
        # Threads started until no more can be: the failure is an
        # exception, and the interpreter closes once its threads end.
        out = run_child('''
            import os, resource, time
            from concurrent import interpreters as I
            it = I.create()
            it.exec("import _thread")
            with open('/proc/self/statm') as f:
                size = int(f.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')
            old = resource.getrlimit(resource.RLIMIT_AS)
            limit = size + 256 * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, old[1]))
            try:
                it.exec("""if 1:
                    lock = _thread.allocate_lock()
                    lock.acquire()
                    def wait():
                        lock.acquire()
                        lock.release()
                    started = 0
                    try:
                        while started < 100_000:
                            _thread.start_new_thread(wait, ())
                            started += 1
                    except (RuntimeError, MemoryError) as exc:
                        error = type(exc).__name__
                    """)
            finally:
                resource.setrlimit(resource.RLIMIT_AS, old)
            close_after_threads(
                it, "assert started > 0\\nprint(error)\\nlock.release()")
            ''', helpers=CLOSE_AFTER_THREADS)
        # Each interpreter buffers its own sys.stdout: any order.
        self.assertEqual(sorted(out.split()),
                         ['False', 'RuntimeError', 'refused'])

    def test_exit_with_own_thread_running(self):
        out = run_child('''
            from concurrent import interpreters as I
            it = I.create()
            it.exec("import _thread, time\\n"
                    "_thread.start_new_thread(time.sleep, (1000,))")
            import _xxsubinterpreters as X
            legacy_id = X.create(X.new_config('legacy'))
            legacy = I.Interpreter(int(legacy_id))
            legacy.exec("import threading, time\\n"
                        "threading.Thread(target=time.sleep, args=(1000,),"
                        " daemon=True).start()")
            print("exiting")
            ''')
        self.assertEqual(out.split(), ['exiting'])

    def test_exit_while_daemon_thread_runs_code_in_interpreter(self):
        out = run_child('''
            import threading
            from concurrent import interpreters as I
            it = I.create()
            q = I.create_queue()
            it.prepare_main(q=q)
            def run():
                it.exec("q.put(1)\\nwhile True: pass")
            threading.Thread(target=run, daemon=True).start()
            sleeper = I.create()
            threading.Thread(target=sleeper.exec, args=("import time; "
                             "time.sleep(1000)",), daemon=True).start()
            q.get()
            print("exiting")
            ''')
        self.assertEqual(out.split(), ['exiting'])

    def test_exit_while_thread_holds_its_gil_in_c(self):
        # A call into C that never checks for a GIL drop request: exit
        # waits for it a while, then leaves alone what it may still use.
        out = run_child('''
            import threading
            from concurrent import interpreters as I
            it = I.create()
            q = I.create_queue()
            it.prepare_main(q=q)
            def run():
                it.exec("q.put(1)\\nsum(range(10**15))")
            threading.Thread(target=run, daemon=True).start()
            q.get()
            print("exiting")
            ''')
        self.assertEqual(out.split(), ['exiting'])


# wait_for_child(pid, seconds): the forked child's exit status, or "hung"
# (after killing it) if it has not exited by then.
WAIT_FOR_CHILD = '''
    import os, time

    def wait_for_child(pid, seconds):
        deadline = time.monotonic() + seconds
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return "hung"
            time.sleep(0.001)
    '''


@unittest.skipUnless(hasattr(__import__('os'), 'fork'), 'needs os.fork()')
class ForkTests(unittest.TestCase):

    def test_fork_with_interpreters_alive(self):
        # The child keeps only the main interpreter.  It used to hang
        # deleting the others (their thread states took the runtime lock
        # it already held); their objects are left, none of their code runs.
        out = run_child('''
            import os, threading, time
            from concurrent import interpreters as I
            import _xxsubinterpreters as X
            idle = I.create()
            idle.exec("import json; data = json.dumps([1, 2])")
            legacy_id = X.create(X.new_config('legacy'))
            legacy = I.Interpreter(int(legacy_id))
            legacy.exec("import os\\n"
                        "parent = os.getpid()\\n"
                        "class C:\\n"
                        "    def __del__(self):\\n"
                        "        if os.getpid() != parent:\\n"
                        "            os.write(1, b'finalizer in child ')\\n"
                        "c = C()")
            busy = I.create()
            q = I.create_queue()
            busy.prepare_main(q=q)
            threading.Thread(target=busy.exec, daemon=True,
                             args=("q.put(1)\\nwhile True: pass",)).start()
            q.get()
            pid = os.fork()
            if pid == 0:
                ok = [i.id for i in I.list_all()] == [0]
                try:
                    idle.exec("pass")
                except I.InterpreterNotFoundError:
                    pass
                else:
                    ok = False
                fresh = I.create()
                fresh.exec("import json; assert json.loads('[3]') == [3]")
                fresh.close()
                os._exit(0 if ok else 1)
            print("child", wait_for_child(pid, 20))
            ''', helpers=WAIT_FOR_CHILD)
        self.assertEqual(out.split(), ['child', '0'])

    def test_fork_while_another_interpreter_uses_queues(self):
        # Queues are process-wide, under one lock.  A fork while a thread of
        # another interpreter held it gave the child a lock nobody would
        # release: its first queue operation hung (8 children of 60 here).
        # list_all() over many queues holds the lock longest.
        out = run_child('''
            import os, threading, time
            from concurrent import interpreters as I
            import _interpqueues as Q
            stop = Q.create(0, 0, 0)
            ready = Q.create(0, 0, 0)
            busy = I.create()
            t = threading.Thread(target=busy.exec, args=(f"""if 1:
                import _interpqueues as Q
                for _ in range(20000):
                    Q.create(0, 0, 0)
                Q.put({ready}, 1, 0, 0)
                while not Q.get_count({stop}):
                    Q.list_all()
                """,))
            t.start()
            while not Q.get_count(ready):
                time.sleep(0.01)
            results = []
            for _ in range(40):
                pid = os.fork()
                if pid == 0:
                    qid = Q.create(0, 0, 0)
                    Q.put(qid, "item", 0, 0)
                    ok = Q.get(qid)[0] == "item"
                    os._exit(0 if ok else 1)
                status = wait_for_child(pid, 10)
                results.append(status)
                if status != 0:
                    break
            Q.put(stop, 1, 0, 0)
            t.join()
            busy.close()
            print(*results[-1:], len(results))
            ''', helpers=WAIT_FOR_CHILD)
        self.assertEqual(out.split(), ['0', '40'])

    def test_fork_in_a_subinterpreter_raises(self):
        # The child keeps only the main interpreter, so it could not go on
        # in a subinterpreter: os.fork() there raises, as os.fork1() and
        # os.forkpty() do.  It used to fork a child that died at once with
        # "Fatal Python error: _PyInterpreterState_DeleteExceptMain".
        out = run_child('''
            from concurrent import interpreters as I
            import _xxsubinterpreters as X
            legacy_id = X.create(X.new_config('legacy'))
            legacy = I.Interpreter(int(legacy_id))
            legacy.exec("import os\\n"
                        "try:\\n"
                        "    pid = os.fork()\\n"
                        "except RuntimeError as exc:\\n"
                        "    print('RuntimeError:', exc)\\n"
                        "else:\\n"
                        "    if pid == 0:\\n"
                        "        os._exit(0)\\n"
                        "    print('forked', os.waitpid(pid, 0)[1])")
            legacy.close()
            ''')
        self.assertEqual(out.strip(),
                         'RuntimeError: fork not supported for subinterpreters')


class MemoryPressureTests(unittest.TestCase):

    @unittest.skipUnless(sys.platform == 'linux', 'reads /proc/self/statm')
    @unittest.skipIf('-fsanitize=' in (sysconfig.get_config_var('CFLAGS')
                                       or ''),
                     'sanitizers reserve far more address space')
    def test_create_until_memory_runs_out(self):
        out = run_child('''
            import gc, os, resource
            from concurrent import interpreters as I
            I.create().close()          # imports done before the limit
            page = os.sysconf('SC_PAGE_SIZE')
            with open('/proc/self/statm') as f:
                size = int(f.read().split()[0]) * page
            limit = size + 48 * 1024 * 1024
            old = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (limit, old[1]))
            made = []
            errors = 0
            for _ in range(1000):
                try:
                    made.append(I.create())
                except (MemoryError, I.InterpreterError) as exc:
                    errors += 1
                    if errors == 20:
                        break
            for it in made:
                it.close()
            del made
            gc.collect()
            resource.setrlimit(resource.RLIMIT_AS, old)
            it = I.create()
            assert it.call(sum, (1, 2)) == 3
            it.close()
            print("ok", bool(errors))
            ''')
        self.assertEqual(out.split(), ['ok', 'True'])


class FileDescriptorTests(unittest.TestCase):

    @unittest.skipUnless(sys.platform == 'linux', 'sets RLIMIT_NOFILE')
    def test_descriptors_run_out(self):
        # With no file descriptor left, creating and using interpreters
        # fails with exceptions; once some are free again, all of it works.
        out = run_child('''
            import os, resource
            from concurrent import interpreters as I
            I.create().close()          # imports done before the limit
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(64, hard), hard))
            held = []
            try:
                while True:
                    held.append(os.open(os.devnull, os.O_RDONLY))
            except OSError:
                pass
            def use():
                it = I.create()
                try:
                    it.exec("import os\\nr, w = os.pipe()\\n"
                            "os.close(r)\\nos.close(w)")
                    assert it.call(sum, (1, 2)) == 3
                    q = I.create_queue()
                    q.put(1)
                    assert q.get() == 1
                finally:
                    it.close()
            failures = 0
            while held:
                try:
                    use()
                    break
                except (OSError, I.InterpreterError):
                    failures += 1
                os.close(held.pop())
            for fd in held:
                os.close(fd)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
            use()
            print("ok", failures > 0)
            ''')
        self.assertEqual(out.split(), ['ok', 'True'])


@unittest.skipUnless(hasattr(__import__('signal'), 'SIGINT'), 'needs SIGINT')
class InterruptTests(unittest.TestCase):

    def test_sigint_interrupts_exec(self):
        # Bounded: without the fix each exec() runs its 20 seconds.
        out = run_child('''
            import os, signal, threading
            from concurrent import interpreters as I
            it = I.create()
            q = I.create_queue()
            it.prepare_main(q=q)
            def interrupt():
                q.get()
                os.kill(os.getpid(), signal.SIGINT)
            for code in ("import time\\nq.put(1)\\n"
                         "end = time.monotonic() + 20\\n"
                         "while time.monotonic() < end: pass",
                         "import time\\nq.put(1)\\ntime.sleep(20)"):
                t = threading.Thread(target=interrupt)
                t.start()
                try:
                    it.exec(code)
                except KeyboardInterrupt:
                    print("interrupted")
                t.join()
            it.exec("x = 1")
            it.close()
            print("ok")
            ''')
        self.assertEqual(out.split(), ['interrupted', 'interrupted', 'ok'])


class StaleObjectTests(unittest.TestCase):

    def test_closed_id_not_found(self):
        interp = interpreters.create()
        number = interp.id
        interp.close()
        with self.assertRaises(InterpreterNotFoundError):
            Interpreter(number)
        # The old object says so too.
        with self.assertRaises(InterpreterNotFoundError):
            interp.exec('pass')


class StressTests(unittest.TestCase):
    # Several threads create, run, call and close interpreters of one
    # pool at random; each operation works or raises InterpreterError.

    def test_random_lifecycle(self):
        out = run_child('''
            import random, threading
            from concurrent import interpreters as I
            pool = [I.create() for _ in range(4)]
            lock = threading.Lock()
            failures = []
            def worker(seed):
                rnd = random.Random(seed)
                for _ in range(40):
                    op = rnd.choice('ecxsnk')
                    with lock:
                        it = rnd.choice(pool)
                    try:
                        if op == 'e':
                            it.exec("x = sum(range(100))")
                        elif op == 'c':
                            assert it.call(divmod, 7, 2) == (3, 1)
                        elif op == 'x':
                            it.exec("raise SystemExit(3)")
                        elif op == 's':
                            it.exec("raise ValueError('boom')")
                        elif op == 'n':
                            new = I.create()
                            with lock:
                                pool.append(new)
                        else:
                            it.close()
                    except I.ExecutionFailed as exc:
                        if op not in 'xs':
                            failures.append(repr(exc))
                    except I.InterpreterError:
                        pass
                    except BaseException as exc:
                        failures.append(repr(exc))
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
            for t in ts: t.start()
            for t in ts: t.join()
            for it in pool:
                try:
                    it.close()
                except I.InterpreterNotFoundError:
                    pass
            print(failures or "ok", len(I.list_all()))
            ''', timeout=support.LONG_TIMEOUT)
        self.assertEqual(out.split(), ['ok', '1'])

    def test_exit_with_interpreters_in_use(self):
        # Exit while threads still create, run and close interpreters.
        out = run_child('''
            import threading
            from concurrent import interpreters as I
            def churn():
                while True:
                    try:
                        it = I.create()
                        it.exec("x = 1")
                        it.close()
                    except I.InterpreterError:
                        pass
            for _ in range(3):
                threading.Thread(target=churn, daemon=True).start()
            I.create().exec("y = 2")
            print("exiting")
            ''')
        self.assertEqual(out.split(), ['exiting'])


if __name__ == '__main__':
    unittest.main()
