"""How objects that are not plain data cross interpreters (percore).

_interpqueues pickles what it cannot copy.  Plain pickle sends a function
or a class by reference, as its module and qualified name, which another
interpreter resolves by importing the module.  That fails for what the
running script defines (the other interpreter's __main__ is not the
script), for lambdas and for functions and classes local to a function.
dumps() sends those by value instead:

* a function as its code (marshal), name, defaults, closure cell contents
  and, for one of __main__, the globals its code names;
* a class as its metaclass, bases and namespace.

The receiver rebuilds them once per origin: a function or class sent
again by the same interpreter comes out as the object rebuilt the first
time, and one sent back to the interpreter it came from comes out as the
original.  Rebuilt functions of __main__ share one namespace per origin
interpreter, a private copy of the sender's __main__ made as the first
calls need it: functions and classes in it follow the sender's latest
definition, other values are copied once, as a module imported by a
worker process keeps its own state.  The receiver's own __main__ is left
alone.  Functions of importable modules run in that module's namespace,
imported by the receiver.
"""

import _pickle
import io
import itertools
import marshal
import sys
import _interpqueues
from _weakref import ref as _ref

__all__ = ['dumps', 'loads']

loads = _pickle.loads


def _function():
    pass


_FunctionType = type(_function)
_CodeType = type(_function.__code__)
_ModuleType = type(sys)
_MappingProxyType = type(type.__dict__)
_CellType = type((lambda x: lambda: x)(0).__closure__[0])
_HEAPTYPE = 1 << 9   # Py_TPFLAGS_HEAPTYPE: a class made by a class statement


class _EmptyCell:
    """Stands for a closure cell not yet bound; pickled by reference."""

    def __reduce__(self):
        return '_EMPTY_CELL'


_EMPTY_CELL = _EmptyCell()

# Pickle the fast way first; the slow pickler runs only when plain
# pickling fails or the data refers to __main__.
_MAIN_MARKER = b'__main__'


def dumps(obj):
    """Pickle obj so that any interpreter of this process can load it."""
    try:
        data = _pickle.dumps(obj)
    except Exception:
        pass
    else:
        if _MAIN_MARKER not in data:
            return data
    out = io.BytesIO()
    _Pickler(out).dump(obj)
    return out.getvalue()


# The interpreter's own objects sent by value: serial number -> weak
# reference, so that what comes back resolves to the original, and
# id() -> (weak reference, serial number).  Serial numbers, unlike ids,
# are never reused for another object.
_sent = {}
_serials = {}
_next_serial = itertools.count(1).__next__   # atomic under the GIL
# Objects rebuilt here: (origin, serial) -> weak reference, and
# id() -> (weak reference, (origin, serial)).
_built = {}
_origin_of = {}
# Private copies of other interpreters' __main__: (origin, module) -> dict.
_namespaces = {}
# Rebuilt classes whose namespace is still to be set.
_pending = set()


def _identity(obj):
    """(origin interpreter, serial): the same for an object and its copies."""
    known = _origin_of.get(id(obj))
    if known is not None and known[0]() is obj:
        return known[1]
    known = _serials.get(id(obj))
    if known is not None and known[0]() is obj:
        serial = known[1]
    else:
        serial = _next_serial()
        key = id(obj)

        def forget(_, key=key, serial=serial):
            _sent.pop(serial, None)
            if _serials.get(key, (None, None))[1] == serial:
                del _serials[key]
        wr = _ref(obj, forget)
        _sent[serial] = wr
        _serials[key] = (wr, serial)
    return (_interpqueues.current_interpreter_id(), serial)


def _resolves(obj):
    """Whether pickling obj by reference finds obj again."""
    module = sys.modules.get(obj.__module__)
    if module is None or obj.__module__ == '__main__':
        return False
    target = module
    for part in obj.__qualname__.split('.'):
        target = getattr(target, part, None)
    return target is obj


def _by_value(obj):
    return (id(obj) in _origin_of
            or obj.__module__ == '__main__'
            or '<' in obj.__qualname__
            or not _resolves(obj))


class _ModuleRef:
    """A module a function's globals name: the receiver imports it."""

    def __init__(self, name):
        self.name = name


def _global_names(code, names):
    names.update(code.co_names)
    for const in code.co_consts:
        if type(const) is _CodeType:
            _global_names(const, names)
    return names


def _ships_globals(module):
    mod = sys.modules.get(module)
    return (module == '__main__' or mod is None
            or getattr(mod, '__spec__', None) is None)


class _Pickler(_pickle.Pickler):
    def reducer_override(self, obj):
        tp = type(obj)
        if tp is _FunctionType:
            if _by_value(obj):
                return _reduce_function(obj)
        elif isinstance(obj, type):
            if (obj.__flags__ & _HEAPTYPE and _by_value(obj)
                    and tp.__module__ != 'enum'):
                # (Enumerations are built by their metaclass from their
                # members, not from a namespace: they go by reference.)
                return _reduce_class(obj)
        elif tp is _ModuleRef:
            return (_import, (obj.name,))
        elif tp is staticmethod or tp is classmethod:
            return (tp, (obj.__func__,))
        elif tp is property:
            return (property, (obj.fget, obj.fset, obj.fdel, obj.__doc__))
        elif tp is _MappingProxyType:
            # In class namespaces (a dataclass's field metadata, say).
            return (_mappingproxy, (dict(obj),))
        return NotImplemented


def _reduce_function(func):
    origin = _identity(func)
    module = func.__module__
    code = func.__code__
    own_module = not _ships_globals(module)
    if not own_module:
        g = func.__globals__
        shipped = {}
        for name in sorted(_global_names(code, set())):
            if name in g and name != '__builtins__':
                value = g[name]
                if type(value) is _ModuleType:
                    # Imported by the receiver; a module is not shareable
                    # in itself.
                    value = _ModuleRef(value.__name__)
                shipped[name] = value
    else:
        shipped = None
    cells = None
    if func.__closure__ is not None:
        cells = []
        for cell in func.__closure__:
            try:
                cells.append(cell.cell_contents)
            except ValueError:
                cells.append(_EMPTY_CELL)
        cells = tuple(cells)
    state = (shipped, func.__defaults__, func.__kwdefaults__, cells,
             func.__dict__ or None, func.__doc__, func.__annotations__ or None)
    ncells = len(code.co_freevars)
    return (_build_function,
            (origin, marshal.dumps(code), func.__name__, func.__qualname__,
             module, ncells, own_module),
            state, None, None, _set_function_state)


_CLASS_SKIP = frozenset(('__dict__', '__weakref__', '__module__',
                         '__qualname__', '__doc__', '__slots__',
                         '__abstractmethods__', '_abc_impl'))


def _reduce_class(cls):
    origin = _identity(cls)
    slots = cls.__dict__.get('__slots__')
    if isinstance(slots, str):
        slots = (slots,)
    elif slots is not None:
        slots = tuple(slots)
    skip = _CLASS_SKIP.union(slots or ())
    items = tuple((name, value) for name, value in cls.__dict__.items()
                  if name not in skip)
    return (_build_class,
            (origin, type(cls), cls.__name__, cls.__qualname__,
             cls.__module__, cls.__bases__, slots, cls.__doc__),
            items, None, None, _set_class_state)


def _mappingproxy(mapping):
    return _MappingProxyType(mapping)


def _import(name):
    __import__(name)
    return sys.modules[name]


def _find(origin, qualname):
    """The original (sent back home) or the copy already made, or None."""
    here = _interpqueues.current_interpreter_id()
    if origin[0] == here:
        wr = _sent.get(origin[1])
    else:
        wr = _built.get(origin)
    obj = wr() if wr is not None else None
    if obj is not None and obj.__qualname__ == qualname:
        return obj
    return None


def _remember(obj, origin):
    key = id(obj)

    def forget(_, origin=origin, key=key):
        _built.pop(origin, None)
        _origin_of.pop(key, None)
    wr = _ref(obj, forget)
    _built[origin] = wr
    _origin_of[key] = (wr, origin)


def _namespace(origin, module):
    ns = _namespaces.get((origin[0], module))
    if ns is None:
        ns = {'__name__': module, '__builtins__': __builtins__}
        _namespaces[(origin[0], module)] = ns
    return ns


def _build_function(origin, code, name, qualname, module, ncells,
                    own_module):
    func = _find(origin, qualname)
    if func is not None:
        return func
    code = marshal.loads(code)
    if own_module:
        g = _import(module).__dict__
    else:
        g = _namespace(origin, module)
    closure = tuple(_CellType() for _ in range(ncells)) or None
    func = _FunctionType(code, g, name, None, closure)
    func.__qualname__ = qualname
    func.__module__ = module
    _remember(func, origin)
    return func


def _is_definition(value):
    return isinstance(value, (_FunctionType, type))


def _set_function_state(func, state):
    # Set every time on a copy (a function sent again brings its current
    # defaults and closure values), never on an original sent back home.
    known = _origin_of.get(id(func))
    if known is None or known[0]() is not func:
        return
    shipped, defaults, kwdefaults, cells, fdict, doc, annotations = state
    if shipped:
        g = func.__globals__
        for name, value in shipped.items():
            if _is_definition(value) or name not in g:
                g[name] = value
    func.__defaults__ = defaults
    func.__kwdefaults__ = kwdefaults
    if cells is not None:
        for cell, value in zip(func.__closure__, cells):
            if value is not _EMPTY_CELL:
                cell.cell_contents = value
    if fdict:
        func.__dict__.update(fdict)
    func.__doc__ = doc
    if annotations:
        func.__annotations__ = annotations


def _build_class(origin, meta, name, qualname, module, bases, slots, doc):
    cls = _find(origin, qualname)
    if cls is not None:
        return cls
    ns = {'__module__': module, '__qualname__': qualname, '__doc__': doc}
    if slots is not None:
        ns['__slots__'] = slots
    cls = meta(name, bases, ns)
    _remember(cls, origin)
    _pending.add(id(cls))
    return cls


def _set_class_state(cls, items):
    if id(cls) not in _pending:
        return
    _pending.discard(id(cls))
    for name, value in items:
        setattr(cls, name, value)
    if '_abc_impl' in cls.__dict__:
        import abc
        abc.update_abstractmethods(cls)
