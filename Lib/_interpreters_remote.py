"""The side of concurrent.interpreters' Interpreter.exec() and
Interpreter.call() that runs in the target interpreter.  The caller puts a
request on a queue made for the one call, runs a two-line script here, and
gets (True, result) or (False, exception info) back from the same queue.

It is a top-level module, not part of the concurrent.interpreters package,
so that a new interpreter's first call imports only this module and
_interpqueues, not the package and the threading module it needs."""

import __main__
import _interpqueues as _iq


def _excinfo(exc):
    import traceback
    tp = type(exc)
    try:
        formatted = ''.join(traceback.format_exception(exc))
    except BaseException:
        formatted = f'{tp.__qualname__}: <unprintable exception>'
    try:
        msg = str(exc)
    except BaseException:
        msg = '<unprintable exception>'
    # The exception itself, when it pickles, lets an executor re-raise the
    # same type; the rest always crosses.
    try:
        import pickle
        pickled = pickle.dumps(exc)
        pickle.loads(pickled)
    except BaseException:
        pickled = None
    return (tp.__name__, tp.__qualname__, tp.__module__, msg, formatted,
            pickled)


def _reply(qid, ok, value):
    try:
        _iq.put(qid, (ok, value))
    except _iq.NotShareableError as exc:
        # The result cannot cross: the caller raises NotShareableError.
        _iq.put(qid, (None, str(exc)))
    except BaseException as exc:
        _iq.put(qid, (False, _excinfo(exc)))


def run_exec(qid):
    try:
        source = _iq.get_wait(qid, False)
        if isinstance(source, bytes):
            # A code object, marshalled by the caller.
            import marshal
            code = marshal.loads(source)
        else:
            code = compile(source, '<string>', 'exec')
        exec(code, __main__.__dict__)
    except BaseException as exc:
        _reply(qid, False, _excinfo(exc))
    else:
        _reply(qid, True, None)


def run_call(qid):
    try:
        func, args, kwargs = _iq.get_wait(qid, False)
        result = func(*args, **kwargs)
    except BaseException as exc:
        _reply(qid, False, _excinfo(exc))
    else:
        _reply(qid, True, result)


def run_prepare(qid):
    try:
        items = _iq.get_wait(qid, False)
        ns = __main__.__dict__
        for name, value in items:
            ns[name] = value
    except BaseException as exc:
        _reply(qid, False, _excinfo(exc))
    else:
        _reply(qid, True, None)
