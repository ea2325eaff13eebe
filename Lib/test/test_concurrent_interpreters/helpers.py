"""Functions the tests call in other interpreters: importable there."""

import os


def add(a, b):
    return a + b


def echo(*args, **kwargs):
    return args, kwargs


def fail(msg):
    raise ValueError(msg)


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError('no pickling')


def fail_unpicklable():
    raise Unpicklable('cannot cross')


def interpreter_id():
    import _interpqueues
    return _interpqueues.current_interpreter_id()


def queue_ids():
    """The ids of the queues that exist now."""
    import _interpqueues
    return [qid for qid, *_ in _interpqueues.list_all()]


def pid():
    return os.getpid()


def lambda_result():
    return lambda: None


def lock_result():
    import threading
    return threading.Lock()


def exec_body():
    # Interpreter.exec() runs this body in __main__, which binds
    # shared_queue (prepare_main()).
    shared_queue.put('body')


def cpu_work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


_initialized = []


def initializer(value):
    _initialized.append(value)


def initialized():
    return list(_initialized)


def run_in_main(source):
    import __main__
    exec(source, __main__.__dict__)


def deep_tuple(depth):
    t = ()
    for _ in range(depth):
        t = (t,)
    return t


def tuple_depth(t):
    depth = 0
    while t:
        t, = t
        depth += 1
    return depth


_rebuild_failures = []


def _rebuild(value):
    if _rebuild_failures:
        raise _rebuild_failures.pop()
    return RebuildsOnSecondTry(value)


class RebuildsOnSecondTry:
    """Pickles fine; unpickling raises whatever fail_next_rebuild() set."""

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (_rebuild, (self.value,))


def fail_next_rebuild(exc):
    _rebuild_failures.append(exc)
