"""Multiple interpreters in one process (PEP 734's API, percore).

Each interpreter made by create() has a GIL and an object allocator of its
own (PEP 684), so code in different interpreters runs on different cores at
once.  Interpreters share no objects: data crosses them through queues and
call arguments, copied, shared (memoryview buffers) or pickled.
"""

import threading
import types
import weakref

import _interpqueues as _iq
from ._queues import (create as create_queue, Queue, QueueEmpty, QueueFull,
                      QueueError, QueueNotFoundError, _Handle,
                      ItemInterpreterDestroyed)
from ._crossinterp import UNBOUND, UNBOUND_ERROR, UNBOUND_REMOVE

__all__ = [
    'get_current', 'get_main', 'create', 'list_all', 'is_shareable',
    'Interpreter',
    'InterpreterError', 'InterpreterNotFoundError', 'ExecutionFailed',
    'NotShareableError',
    'create_queue', 'Queue', 'QueueEmpty', 'QueueFull',
]


# _xxsubinterpreters is imported where it is first needed, not here: code
# that exec() and call() run, and the queues, do without it, so a new
# interpreter's first call imports less.
_interp = None


def _xx():
    global _interp
    if _interp is None:
        import _xxsubinterpreters
        _interp = _xxsubinterpreters
    return _interp


class InterpreterError(Exception):
    """An interpreter could not do what was asked."""


class InterpreterNotFoundError(InterpreterError):
    """The interpreter does not exist (any more)."""


NotShareableError = _iq.NotShareableError


class ExecutionFailed(InterpreterError):
    """An exception went uncaught in the other interpreter.

    excinfo describes it: excinfo.type (with __name__, __qualname__ and
    __module__), excinfo.msg, and excinfo.formatted, its traceback as the
    other interpreter printed it.
    """

    def __init__(self, excinfo):
        name, qualname, module, msg, formatted, pickled = excinfo
        self.excinfo = types.SimpleNamespace(
            type=types.SimpleNamespace(__name__=name, __qualname__=qualname,
                                       __module__=module),
            msg=msg,
            formatted=formatted,
            errdisplay=formatted,
        )
        self._pickled = pickled
        super().__init__(f'{qualname}: {msg}' if msg else qualname)

    def __str__(self):
        return (f'{self.args[0]}\n\nUncaught in the interpreter:\n\n'
                f'{self.excinfo.formatted}')

    def _original(self):
        """The remote exception rebuilt here, or None if it did not pickle."""
        if self._pickled is None:
            return None
        import pickle
        try:
            return pickle.loads(self._pickled)
        except Exception:
            return None


# Code flags (inspect.CO_VARARGS, ...) without importing inspect.
_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08


def _is_reply(item):
    """Whether item is _interpreters_remote's (ok, value) reply, not a
    request: a request is source text, marshalled code, a (callable, args,
    kwargs) triple or a tuple of (name, value) pairs."""
    return (type(item) is tuple and len(item) == 2
            and (item[0] is True or item[0] is False or item[0] is None))


def _not_found(id):
    return InterpreterNotFoundError(f'interpreter {id} not found '
                                    f'(it was closed or never existed)')


def create(*, private_extension_copies=False):
    """Create an interpreter with a GIL of its own and strict extension
    checks, and return its Interpreter.

    With private_extension_copies true (percore), an extension module that
    the strict check refuses is loaded from a private copy of its shared
    library, whose C globals are this interpreter's alone."""
    _interp = _xx()
    config = _interp.new_config(
        'isolated', private_extension_copies=bool(private_extension_copies))
    try:
        idobj = _interp.create(config=config)
    except RuntimeError as exc:
        # Its initialization failed (MemoryError when it is out of memory).
        raise InterpreterError(str(exc)) from None
    interp = Interpreter._from_idobj(idobj)
    try:
        _set_path0(_interp, idobj)
    except BaseException as exc:
        interp.close()
        if isinstance(exc, RuntimeError):
            raise InterpreterError(str(exc)) from None
        raise
    return interp


def _set_path0(xx, idobj):
    """Give the new interpreter the main interpreter's sys.path[0] (the
    script's directory, or '' for -c and the REPL), as CPython 3.12+
    does (gh-109853), so that modules next to the script import there."""
    import sys
    if sys.flags.safe_path or not sys.path:
        return   # -P or -I: no sys.path[0] was added to the main one either
    # An interpreter made here got this one's sys.path[0] in turn, so it
    # is the main interpreter's.
    path0 = sys.path[0]
    if not isinstance(path0, str):
        return
    xx.run_string(idobj, 'import sys\n'
                         f'if sys.path[:1] != [{path0!r}]:\n'
                         f'    sys.path.insert(0, {path0!r})\n')


def list_all():
    """Return an Interpreter for each interpreter that exists now."""
    found = []
    for idobj in _xx().list_all():
        try:
            found.append(Interpreter(int(idobj)))
        except InterpreterNotFoundError:
            pass   # closed meanwhile
    return found


def get_current():
    """Return the Interpreter this code runs in."""
    return Interpreter(_iq.current_interpreter_id())


def get_main():
    """Return the main interpreter's Interpreter."""
    return Interpreter(0)


def is_shareable(obj):
    """Whether obj crosses interpreters without pickling."""
    return _iq.is_shareable(obj)


_known = weakref.WeakValueDictionary()
_known_lock = threading.Lock()


class Interpreter(_Handle):
    """One interpreter of this process.

    There is one Interpreter object per interpreter id in each
    interpreter.  While any Interpreter object for an interpreter made by
    create() exists, in any interpreter, that interpreter stays alive.
    """

    def __new__(cls, id, /):
        if not isinstance(id, int):
            raise TypeError(f'interpreter id must be an int, '
                            f'not {type(id).__name__}')
        with _known_lock:
            self = _known.get(id)
        if self is not None:
            # It may have been closed since: a closed interpreter's id is
            # never used again.
            if not _iq.interpreter_exists(id):
                raise _not_found(id)
            return self
        if _iq.current_interpreter_id() == 0 or _interp is not None:
            try:
                idobj = _xx().InterpreterID(id)
            except RuntimeError:
                raise _not_found(id) from None
        elif _iq.interpreter_exists(id):
            idobj = None   # a plain id: does not keep it alive
        else:
            raise _not_found(id)
        return cls._from_idobj(idobj, id)

    @classmethod
    def _from_idobj(cls, idobj, id=None):
        if id is None:
            id = int(idobj)
        with _known_lock:
            self = _known.get(id)
            if self is None:
                self = super().__new__(cls)
                self._idobj = idobj if idobj is not None else id
                self._id = id
                _known[id] = self
            return self

    @property
    def whence(self):
        return 'main' if self._id == 0 else 'stdlib'

    def is_running(self):
        """Whether code is running in the interpreter now (through
        exec(), call() or call_in_thread())."""
        try:
            return _xx().is_running(self._idobj)
        except RuntimeError:
            raise _not_found(self._id) from None

    def close(self):
        """Finalize and destroy the interpreter.

        It must not be the current or the main interpreter, must not be
        running, and must not still share a memoryview buffer with another
        interpreter.
        """
        if self._id == 0:
            raise InterpreterError('cannot close the main interpreter')
        if self._id == _iq.current_interpreter_id():
            raise InterpreterError('cannot close the current interpreter')
        shared = _iq.exported_buffers(self._id)
        if shared:
            raise InterpreterError(
                f'interpreter {self._id} still shares {shared} memoryview '
                f'buffer(s) with other interpreters; release those views first')
        try:
            _xx().destroy(self._idobj)
        except RuntimeError as exc:
            msg = str(exc)
            if msg.startswith('unrecognized interpreter ID'):
                raise _not_found(self._id) from None
            if 'running' in msg:
                raise InterpreterError(f'interpreter {self._id} is running; '
                                       f'cannot close it') from None
            raise InterpreterError(msg) from None

    def _run(self, func, request):
        """Run _interpreters_remote.<func> in the interpreter on a queue
        holding request; return the result or raise ExecutionFailed."""
        qid = _iq.create(0, 0)   # items kept, whoever ends
        try:
            _iq.put(qid, request)
            script = ('import _interpreters_remote\n'
                      f'_interpreters_remote.{func}({qid})\n')
            try:
                _xx().run_string(self._idobj, script)
            except RuntimeError as exc:
                msg = str(exc)
                if msg.startswith('unrecognized interpreter ID'):
                    raise _not_found(self._id) from None
                if 'already running' in msg:
                    raise InterpreterError(
                        f'interpreter {self._id} is already running') from None
                if type(exc) is RuntimeError:
                    raise InterpreterError(msg) from None
                # RunFailedError: the script itself failed (say, an import
                # failure); the request never ran.
                raise InterpreterError(
                    f'interpreter {self._id} failed to run the request: '
                    f'{msg}') from None
            reply = _iq.get_wait(qid, False)
            if not _is_reply(reply):
                # The interpreter could not rebuild the request (its
                # unpickling failed there), which went back to the front
                # of the queue; the reply follows it.
                reply = _iq.get_wait(qid, False)
            ok, value = reply
        finally:
            _iq.release(qid)
        if ok is None:
            # The result could not cross back.
            raise NotShareableError(value)
        if not ok:
            raise ExecutionFailed(value)
        return value

    def exec(self, code, /):
        """Run code in the interpreter's __main__ module: source text, a
        code object, or a function taking no arguments whose body runs
        as the script.

        Source that does not compile raises SyntaxError here, before it
        is sent; an exception the code raises there comes back as
        ExecutionFailed.
        """
        if isinstance(code, types.FunctionType):
            func = code
            code = func.__code__
            if (code.co_argcount or code.co_posonlyargcount
                    or code.co_kwonlyargcount
                    or code.co_flags & (_CO_VARARGS
                                        | _CO_VARKEYWORDS)):
                raise ValueError(f'exec() runs the body of a function that '
                                 f'takes no arguments; {func.__qualname__} '
                                 f'takes some')
            if func.__closure__:
                raise ValueError(f'exec() cannot run {func.__qualname__}: '
                                 f'it is a closure')
        if isinstance(code, types.CodeType):
            import marshal
            request = marshal.dumps(code)
        elif isinstance(code, str):
            compile(code, '<string>', 'exec')   # SyntaxError here, not there
            request = code
        else:
            raise TypeError(f'exec() expects source text (str), a code '
                            f'object or a function, '
                            f'not {type(code).__name__}')
        self._run('run_exec', request)

    def call(self, callable, /, *args, **kwargs):
        """Call callable(*args, **kwargs) in the interpreter and return the
        result.

        The callable, arguments and result cross interpreters like queue
        items.  Functions and classes of importable modules go by
        reference; those of __main__, lambdas and local functions go by
        value (see the module's documentation).  An exception raised
        there comes back as ExecutionFailed; a result that cannot cross
        back raises NotShareableError.
        """
        return self._run('run_call', (callable, args, kwargs))

    def call_in_thread(self, callable, /, *args, **kwargs):
        """Call callable(*args, **kwargs) in the interpreter in a new thread
        of this one; return the started threading.Thread.  An exception
        is reported like any uncaught exception in a thread."""
        def run():
            self.call(callable, *args, **kwargs)
        t = threading.Thread(target=run)
        t.start()
        return t

    def prepare_main(self, ns=None, /, **kwargs):
        """Bind the items of ns and kwargs in the interpreter's __main__."""
        items = dict(ns or ())
        items.update(kwargs)
        if not items:
            raise ValueError('prepare_main() needs at least one name to bind')
        for name in items:
            if not isinstance(name, str):
                raise TypeError(f'names must be str, not {type(name).__name__}')
        # exec() and call() run code in __main__, which finds its builtins
        # (and import) there.
        if not isinstance(items.get('__builtins__', {}), dict):
            raise TypeError(f"__builtins__ must be a dict, not "
                            f"{type(items['__builtins__']).__name__}")
        self._run('run_prepare', tuple(items.items()))


# Queues and interpreters put on a queue come out as these classes.
_iq._register(Queue, Interpreter, UNBOUND, ItemInterpreterDestroyed)
