"""Queues that carry data between interpreters (PEP 734's Queue)."""

import _interpqueues as _iq
import weakref

from . import _crossinterp
from ._crossinterp import UNBOUND, UNBOUND_ERROR, UNBOUND_REMOVE

__all__ = ['create', 'Queue', 'QueueEmpty', 'QueueFull', 'QueueError',
           'QueueNotFoundError', 'ItemInterpreterDestroyed',
           'UNBOUND', 'UNBOUND_ERROR', 'UNBOUND_REMOVE']

QueueError = _iq.QueueError
QueueNotFoundError = _iq.QueueNotFoundError
QueueEmpty = _iq.QueueEmpty
QueueFull = _iq.QueueFull


class ItemInterpreterDestroyed(QueueError,
                               _crossinterp.ItemInterpreterDestroyed):
    """get() found an item put with UNBOUND_ERROR whose interpreter has
    ended."""

# One Queue object per queue id in each interpreter, so that identity and
# equality agree; each holds one handle on the process-wide queue.
_known = weakref.WeakValueDictionary()


def create(maxsize=0, *, unbounditems=UNBOUND):
    """Return a new queue holding at most maxsize items (0: no limit).

    unbounditems is the default for put(): what becomes of an item when
    the interpreter that put it ends before it is taken.  UNBOUND: get()
    returns UNBOUND in its place; UNBOUND_ERROR: get() raises
    ItemInterpreterDestroyed; UNBOUND_REMOVE: it is removed.
    """
    op = _crossinterp.resolve_unbound(unbounditems)
    qid = _iq.create(maxsize, op)
    try:
        return Queue(qid)
    finally:
        _iq.release(qid)   # the Queue object holds its own handle now


class _Handle:
    """What Queue and Interpreter have in common: one object per id in each
    interpreter, passed to another interpreter as its id."""

    def __repr__(self):
        return f'{type(self).__name__}({self._id})'

    def __hash__(self):
        return hash(self._id)

    def __reduce__(self):
        return (type(self), (self._id,))

    @property
    def id(self):
        return self._id


class Queue(_Handle):
    """A FIFO queue any interpreter may use; the queue.Queue interface.

    Items are copied (None, bool, int, float, str, bytes and tuples of
    them), shared (memoryview buffers), passed by identity (Queue,
    Interpreter) or pickled.
    """

    def __new__(cls, id, /):
        if not isinstance(id, int):
            raise TypeError(f'queue id must be an int, not {type(id).__name__}')
        self = _known.get(id)
        if self is not None:
            return self
        _iq.bind(id)   # raises QueueNotFoundError for a gone queue
        self = super().__new__(cls)
        self._id = id
        _known[id] = self
        return self

    # The defaults keep what __del__ needs: at interpreter shutdown this
    # module's globals may be cleared (set to None) before the last Queue
    # object goes, and the handle must still be given back.
    def __del__(self, _release=_iq.release, _gone=QueueNotFoundError):
        try:
            _release(self._id)
        except _gone:
            pass

    @property
    def maxsize(self):
        return _iq.maxsize(self._id)

    def qsize(self):
        return _iq.qsize(self._id)

    def empty(self):
        return _iq.qsize(self._id) == 0

    def full(self):
        maxsize = _iq.maxsize(self._id)
        return maxsize > 0 and _iq.qsize(self._id) >= maxsize

    def put(self, obj, block=True, timeout=None, *, unbounditems=None):
        """Add obj; if the queue is full, wait up to timeout seconds (None:
        for ever) when block is true, else raise QueueFull at once.
        unbounditems (None: the queue's) says what becomes of the item if
        this interpreter ends before it is taken (see create())."""
        if unbounditems is None:
            _iq.put_wait(self._id, obj, block, timeout)
        else:
            _iq.put_wait(self._id, obj, block, timeout,
                    unboundop=_crossinterp.resolve_unbound(unbounditems))

    def put_nowait(self, obj, *, unbounditems=None):
        self.put(obj, False, unbounditems=unbounditems)

    def get(self, block=True, timeout=None):
        """Remove and return the oldest item; if there is none, wait up to
        timeout seconds (None: for ever) when block is true, else raise
        QueueEmpty at once."""
        return _iq.get_wait(self._id, block, timeout)

    def get_nowait(self):
        return _iq.get_wait(self._id, False)
