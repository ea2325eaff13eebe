"""The low-level interpreter module under CPython 3.13/3.14's name (percore).

A thin layer over _xxsubinterpreters (3.11's module, which keeps its own
API for code written for 3.11) and concurrent.interpreters, with the
signatures and results of 3.14's _interpreters, so that code and libraries
written against it run here: interpreters are plain int ids, list_all(),
get_current() and get_main() return (id, whence), exec(), run_string()
and run_func() return None or the exception info instead of raising, and
call() returns (result, exception info).
"""

import types as _types

import _xxsubinterpreters as _xx
import _interpqueues as _iq
from concurrent import interpreters as _hi
from concurrent.interpreters import (
    InterpreterError, InterpreterNotFoundError, NotShareableError,
)

__all__ = [
    'InterpreterError', 'InterpreterNotFoundError', 'NotShareableError',
    'WHENCE_UNKNOWN', 'WHENCE_RUNTIME', 'WHENCE_LEGACY_CAPI', 'WHENCE_CAPI',
    'WHENCE_XI', 'WHENCE_STDLIB',
    'new_config', 'create', 'destroy', 'list_all', 'get_current',
    'get_main', 'whence', 'get_config', 'is_running', 'is_shareable',
    'exec', 'call', 'run_string', 'run_func', 'set___main___attrs',
    'capture_exception', 'incref', 'decref',
]

WHENCE_UNKNOWN = 0
WHENCE_RUNTIME = 1
WHENCE_LEGACY_CAPI = 2
WHENCE_CAPI = 3
WHENCE_XI = 4
WHENCE_STDLIB = 5


# Configs, in 3.14's fields.  percore's own spell the GIL as own_gil and
# the extension check as strict_extensions.

_FIELDS = ('use_main_obmalloc', 'allow_fork', 'allow_exec', 'allow_threads',
           'allow_daemon_threads', 'check_multi_interp_extensions', 'gil')


def _from_percore(cfg):
    return _types.SimpleNamespace(
        use_main_obmalloc=cfg.use_main_obmalloc,
        allow_fork=cfg.allow_fork,
        allow_exec=cfg.allow_exec,
        allow_threads=cfg.allow_threads,
        allow_daemon_threads=cfg.allow_daemon_threads,
        check_multi_interp_extensions=cfg.strict_extensions,
        gil='own' if cfg.own_gil else 'shared',
    )


def _to_percore(cfg):
    if isinstance(cfg, str):
        cfg = new_config(cfg)
    values = {}
    for name in _FIELDS:
        try:
            values[name] = getattr(cfg, name)
        except AttributeError:
            raise ValueError(f'config has no {name!r} field') from None
    gil = values.pop('gil')
    if gil not in ('own', 'shared', 'default'):
        raise ValueError(f"unsupported gil {gil!r}: expected 'own', "
                         f"'shared' or 'default'")
    return _types.SimpleNamespace(
        use_main_obmalloc=bool(values['use_main_obmalloc']),
        allow_fork=bool(values['allow_fork']),
        allow_exec=bool(values['allow_exec']),
        allow_threads=bool(values['allow_threads']),
        allow_daemon_threads=bool(values['allow_daemon_threads']),
        strict_extensions=bool(values['check_multi_interp_extensions']),
        # The default for a new interpreter: its own GIL, unless it shares
        # the main allocator, which needs the main GIL too.
        own_gil=(gil == 'own'
                 or (gil == 'default' and not values['use_main_obmalloc'])),
    )


def new_config(name='isolated', /, **overrides):
    """Return a config namespace: 'isolated' (the default), 'legacy',
    'default' (as 'isolated') or 'empty' (every field off, gil
    'default'), with the given fields overridden."""
    if name == 'empty':
        cfg = _types.SimpleNamespace(
            use_main_obmalloc=False, allow_fork=False, allow_exec=False,
            allow_threads=False, allow_daemon_threads=False,
            check_multi_interp_extensions=False, gil='default')
    elif name in ('isolated', 'legacy', 'default') or name is None:
        cfg = _from_percore(_xx.new_config(name or 'isolated'))
    else:
        raise ValueError(f'unsupported config name {name!r}')
    for field, value in overrides.items():
        if field not in _FIELDS:
            raise ValueError(f'unsupported config field {field!r}')
        setattr(cfg, field, value)
    return cfg


# Interpreters made here live until destroy() (or, with reqrefs=True,
# until decref() drops the last reference): this holds the
# _xxsubinterpreters id object that keeps each alive.
_owned = {}
_refs = {}


def _check_id(id):
    if isinstance(id, bool) or not isinstance(id, int):
        try:
            id = int(id)    # an InterpreterID, or an Interpreter's .id
        except (TypeError, ValueError):
            raise TypeError(f'interpreter id must be an int, '
                            f'not {type(id).__name__}') from None
    if id < 0:
        raise ValueError(f'interpreter id must be >= 0, got {id}')
    if not _iq.interpreter_exists(id):
        raise InterpreterNotFoundError(f'interpreter {id} not found')
    return id


def create(config=None, *, reqrefs=False):
    """Create an interpreter (with config, a namespace of new_config()'s
    fields or a config name; None: 'isolated') and return its id."""
    cfg = _to_percore('isolated' if config is None else config)
    try:
        idobj = _xx.create(config=cfg)
    except RuntimeError as exc:
        raise InterpreterError(str(exc)) from None
    id = int(idobj)
    _owned[id] = idobj
    if reqrefs:
        _refs[id] = 0
    try:
        _hi._set_path0(_xx, idobj)
    except BaseException:
        destroy(id)
        raise
    return id


def destroy(id, *, restrict=False):
    """Finalize and destroy the interpreter."""
    id = _check_id(id)
    if id == 0:
        raise InterpreterError('cannot destroy the main interpreter')
    if id == _iq.current_interpreter_id():
        raise InterpreterError('cannot destroy the current interpreter')
    try:
        _xx.destroy(_owned.get(id, id))
    except RuntimeError as exc:
        if 'running' in str(exc):
            raise InterpreterError(f'interpreter {id} is running') from None
        raise InterpreterError(str(exc)) from None
    _owned.pop(id, None)
    _refs.pop(id, None)


def whence(id):
    """How the interpreter was made: WHENCE_RUNTIME for the main one.
    percore does not record which API made the others, and reports them
    all as WHENCE_STDLIB."""
    id = _check_id(id)
    return WHENCE_RUNTIME if id == 0 else WHENCE_STDLIB


def list_all(*, require_ready=False):
    """Return (id, whence) for each interpreter."""
    found = []
    for idobj in _xx.list_all():
        id = int(idobj)
        found.append((id, WHENCE_RUNTIME if id == 0 else WHENCE_STDLIB))
    return found


def get_current():
    """Return (id, whence) of the current interpreter."""
    id = _iq.current_interpreter_id()
    return (id, WHENCE_RUNTIME if id == 0 else WHENCE_STDLIB)


def get_main():
    """Return (id, whence) of the main interpreter."""
    return (0, WHENCE_RUNTIME)


def get_config(id, *, restrict=False):
    """Return the interpreter's config, in new_config()'s fields."""
    id = _check_id(id)
    return _from_percore(_xx.get_config(_owned.get(id, id)))


def is_running(id, *, restrict=False):
    """Whether the interpreter is running code now."""
    return _interp(id).is_running()


def is_shareable(obj):
    """Whether obj crosses interpreters without pickling."""
    return _iq.is_shareable(obj)


def _interp(id):
    return _hi.Interpreter(_check_id(id))


def capture_exception(exc=None):
    """Return the exception info of exc (default: the exception being
    handled), as exec() returns it: type (with __name__, __qualname__
    and __module__), msg, formatted and errdisplay."""
    if exc is None:
        import sys
        exc = sys.exc_info()[1]
        if exc is None:
            return None
    import _interpreters_remote
    return _hi.ExecutionFailed(_interpreters_remote._excinfo(exc)).excinfo


def set___main___attrs(id, updates, *, restrict=False):
    """Bind updates (a mapping) in the interpreter's __main__."""
    _interp(id).prepare_main(updates)


def _run(id, code, shared):
    interp = _interp(id)
    if shared:
        interp.prepare_main(shared)
    try:
        interp.exec(code)
    except _hi.ExecutionFailed as failed:
        return failed.excinfo
    return None


def exec(id, code, shared=None, *, restrict=False):
    """Run code (source text, a code object, or a function without
    arguments whose body runs as the script) in the interpreter's
    __main__; return None, or the exception info if it raised."""
    return _run(id, code, shared)


def run_string(id, script, shared=None, *, restrict=False):
    """Run source text in the interpreter's __main__ (see exec())."""
    if not isinstance(script, str):
        raise TypeError(f'expected str, got {type(script).__name__}')
    return _run(id, script, shared)


def run_func(id, func, shared=None, *, restrict=False):
    """Run the body of a function without arguments in the
    interpreter's __main__ (see exec())."""
    if not isinstance(func, _types.FunctionType):
        raise TypeError(f'expected a function, got {type(func).__name__}')
    return _run(id, func, shared)


def call(id, callable, args=None, kwargs=None, *, preserve_exc=False,
         restrict=False):
    """Call callable(*args, **kwargs) in the interpreter; return
    (result, None), or (None, exception info) if it raised."""
    interp = _interp(id)
    try:
        result = interp.call(callable, *(args or ()), **(kwargs or {}))
    except _hi.ExecutionFailed as failed:
        return None, failed.excinfo
    return result, None


def incref(id, *, implieslink=False, restrict=False):
    """Take a reference on an interpreter created with reqrefs=True."""
    id = _check_id(id)
    if id in _refs:
        _refs[id] += 1


def decref(id, *, restrict=False):
    """Drop a reference; the last one destroys the interpreter."""
    id = _check_id(id)
    if id in _refs:
        _refs[id] -= 1
        if _refs[id] <= 0:
            destroy(id)
