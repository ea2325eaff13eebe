"""InterpreterPoolExecutor: a thread pool whose every worker thread runs its
calls in an interpreter of its own, with its own GIL (percore, PEP 684), so
CPU-bound Python code runs on several cores at once."""

import os
import threading
import weakref

from concurrent.futures import _base
from concurrent.futures import thread as _thread

__all__ = ['InterpreterPoolExecutor', 'BrokenInterpreterPool']


class BrokenInterpreterPool(_thread.BrokenThreadPool):
    """A worker's interpreter could not be created or its initializer
    failed; the pool is not usable any more."""


_context = threading.local()   # the running worker's interpreter


class _WorkerContext:
    """One worker thread's interpreter, from its first call to its exit."""

    def __init__(self, initializer, initargs, private_extension_copies):
        self.initializer = initializer
        self.initargs = initargs
        self.private_extension_copies = private_extension_copies
        self.interp = None

    def initialize(self):
        from concurrent import interpreters
        self.interp = interpreters.create(
            private_extension_copies=self.private_extension_copies)
        _context.current = self
        if self.initializer is not None:
            self.interp.call(self.initializer, *self.initargs)

    def close(self):
        _context.current = None
        interp, self.interp = self.interp, None
        if interp is not None:
            try:
                interp.close()
            except Exception:
                _base.LOGGER.critical('Could not close a worker interpreter',
                                      exc_info=True)


def _rebuild_exception(failed):
    """The remote exception as its own type, with the ExecutionFailed that
    carries the remote traceback as its cause, as CPython 3.14 delivers
    it; ExecutionFailed itself when the exception did not pickle."""
    exc = failed._original()
    if exc is None:
        return failed
    exc.__cause__ = failed
    return exc


class _WorkItem(_thread._WorkItem):
    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        from concurrent.interpreters import ExecutionFailed
        try:
            result = _context.current.interp.call(self.fn, *self.args,
                                                  **self.kwargs)
        except ExecutionFailed as failed:
            self.future.set_exception(_rebuild_exception(failed))
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)
        finally:
            self = None   # no cycle through the exception


def _worker(executor_reference, work_queue, initializer, initargs,
            private_extension_copies=False):
    context = _WorkerContext(initializer, initargs, private_extension_copies)
    try:
        # The thread pool's own worker loop; its initializer hook creates
        # this thread's interpreter and runs the user's initializer there.
        _thread._worker(executor_reference, work_queue, context.initialize,
                        ())
    finally:
        context.close()


class InterpreterPoolExecutor(_thread.ThreadPoolExecutor):
    """An Executor running each call in one of max_workers interpreters.

    Every worker thread creates an isolated interpreter (its own GIL,
    strict extension checks) on first use and closes it when the pool
    shuts down.  The callable, its arguments and its result cross
    interpreters as concurrent.interpreters.Interpreter.call() does:
    functions of importable modules by reference, those of __main__,
    lambdas and local functions by value.  initializer(*initargs) runs in
    each worker's interpreter.  An exception raised by the call is set on
    the future, as its own type when it pickles (with
    concurrent.interpreters.ExecutionFailed, which holds the remote
    traceback, as its __cause__), else as ExecutionFailed.

    With private_extension_copies true (percore), each worker's
    interpreter is created with concurrent.interpreters.create()'s option
    of that name: extension modules that the strict check refuses are
    loaded from a private copy of their shared library.
    """

    _counter = __import__('itertools').count().__next__

    def __init__(self, max_workers=None, thread_name_prefix='',
                 initializer=None, initargs=(), *,
                 private_extension_copies=False):
        self._private_extension_copies = bool(private_extension_copies)
        if max_workers is None:
            max_workers = os.cpu_count() or 1
        super().__init__(max_workers,
                         thread_name_prefix or
                         'InterpreterPoolExecutor-%d' % self._counter(),
                         initializer, initargs)

    def submit(self, fn, /, *args, **kwargs):
        with self._shutdown_lock, _thread._global_shutdown_lock:
            if self._broken:
                raise BrokenInterpreterPool(self._broken)
            if self._shutdown:
                raise RuntimeError('cannot schedule new futures after shutdown')
            if _thread._shutdown:
                raise RuntimeError('cannot schedule new futures after '
                                   'interpreter shutdown')
            f = _base.Future()
            self._work_queue.put(_WorkItem(f, fn, args, kwargs))
            self._adjust_thread_count()
            return f
    submit.__doc__ = _base.Executor.submit.__doc__

    def _adjust_thread_count(self):
        # A worker that is idle takes the new item.
        if self._idle_semaphore.acquire(timeout=0):
            return
        if len(self._threads) >= self._max_workers:
            return

        def wake_workers(_, q=self._work_queue):
            q.put(None)

        name = '%s_%d' % (self._thread_name_prefix, len(self._threads))
        t = threading.Thread(name=name, target=_worker,
                             args=(weakref.ref(self, wake_workers),
                                   self._work_queue, self._initializer,
                                   self._initargs,
                                   self._private_extension_copies))
        t.start()
        self._threads.add(t)
        _thread._threads_queues[t] = self._work_queue

    def _initializer_failed(self):
        with self._shutdown_lock:
            self._broken = ('A worker interpreter failed to start or its '
                            'initializer failed; the pool is not usable '
                            'any more')
            while True:
                try:
                    item = self._work_queue.get_nowait()
                except Exception:
                    break
                if item is not None:
                    item.future.set_exception(
                        BrokenInterpreterPool(self._broken))
