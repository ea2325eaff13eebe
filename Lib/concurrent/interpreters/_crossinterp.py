"""What becomes of a queued item when the interpreter that put it ends
(CPython 3.14's "unbounditems"): the markers UNBOUND, UNBOUND_ERROR and
UNBOUND_REMOVE, and ItemInterpreterDestroyed."""

__all__ = ['UNBOUND', 'UNBOUND_ERROR', 'UNBOUND_REMOVE',
           'ItemInterpreterDestroyed', 'UnboundItem']


class ItemInterpreterDestroyed(Exception):
    """get() found an item put with UNBOUND_ERROR whose interpreter has
    ended."""


class UnboundItem:
    """One of the three markers; there is one object of each, in each
    interpreter, and it crosses interpreters as itself."""

    __slots__ = ('_name',)

    def __new__(cls, name):
        existing = globals().get(name)
        if isinstance(existing, cls):
            return existing
        self = super().__new__(cls)
        self._name = name
        return self

    def __repr__(self):
        return self._name

    def __reduce__(self):
        return self._name     # pickled as a reference to the module's name


# Item is replaced by UNBOUND itself: get() returns UNBOUND.
UNBOUND = UnboundItem('UNBOUND')
# get() raises ItemInterpreterDestroyed for the item.
UNBOUND_ERROR = UnboundItem('UNBOUND_ERROR')
# The item is removed from the queue.
UNBOUND_REMOVE = UnboundItem('UNBOUND_REMOVE')

# _interpqueues' numbers for them.
_OPS = {UNBOUND_REMOVE: 1, UNBOUND_ERROR: 2, UNBOUND: 3}


def resolve_unbound(unbounditems):
    """_interpqueues' number for one of the markers; ValueError else."""
    try:
        return _OPS[unbounditems]
    except (KeyError, TypeError):
        raise ValueError(f'unsupported unbounditems {unbounditems!r}: '
                         f'expected UNBOUND, UNBOUND_ERROR or '
                         f'UNBOUND_REMOVE') from None
