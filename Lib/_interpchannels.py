"""Cross-interpreter channels under CPython 3.13/3.14's name (percore).

A thin layer over the channels of _xxsubinterpreters (3.11's module),
with the function names and results of 3.13's _interpchannels: create(),
destroy(), list_all(), list_interpreters(), send(), send_buffer(), recv()
returning (object, unboundop), close(), release(), and the exception
types.

Objects cross as concurrent.interpreters' queue items do (3.11's channels
carry only bytes, str, int and None, so every object is pickled with
_interpreters_pickle and sent as bytes); send_buffer() sends a copy of
the buffer, received as a memoryview.  A send() does not wait for the
object to be received (3.11's channels cannot say when it is); blocking
and timeout are accepted and only checked.
"""

import _interpreters_pickle
import _xxsubinterpreters as _xx
from _interpqueues import NotShareableError

__all__ = [
    'ChannelError', 'ChannelNotFoundError', 'ChannelClosedError',
    'ChannelEmptyError', 'ChannelNotEmptyError', 'ChannelID',
    'create', 'destroy', 'list_all', 'list_interpreters', 'send',
    'send_buffer', 'recv', 'close', 'release', 'get_channel_defaults',
]

ChannelError = _xx.ChannelError
ChannelNotFoundError = _xx.ChannelNotFoundError
ChannelClosedError = _xx.ChannelClosedError
ChannelEmptyError = _xx.ChannelEmptyError
ChannelNotEmptyError = _xx.ChannelNotEmptyError
ChannelID = _xx.ChannelID
_channel_id = _xx._channel_id

# unboundop values as 3.13 numbers them; channel items here do not depend
# on the interpreter that sent them, so they are only recorded.
_UNBOUND_OPS = (-1, 1, 2, 3)
_defaults = {}


def _check_op(unboundop):
    if unboundop not in _UNBOUND_OPS:
        raise ValueError(f'unsupported unboundop {unboundop!r}')


def _check_timeout(blocking, timeout):
    if timeout is not None:
        if not blocking:
            raise ValueError('a timeout needs blocking=True')
        if timeout < 0:
            raise ValueError('timeout must be a non-negative number')


def create(unboundop=-1, fallback=-1):
    """Create a channel and return its id."""
    _check_op(unboundop)
    cid = _xx.channel_create()
    _defaults[int(cid)] = (unboundop, fallback)
    return cid


def destroy(cid):
    """Close and finalize the channel."""
    _xx.channel_destroy(cid)
    _defaults.pop(int(cid), None)


def list_all():
    """Return (channel id, unboundop, fallback) for each open channel."""
    return [(cid, *_defaults.get(int(cid), (-1, -1)))
            for cid in _xx.channel_list_all()]


def get_channel_defaults(cid):
    """Return the channel's (unboundop, fallback) defaults."""
    _xx.channel_list_interpreters(cid, send=True)   # ChannelNotFoundError
    return _defaults.get(int(cid), (-1, -1))


def list_interpreters(cid, *, send):
    """Return the ids of the interpreters bound to the channel's send (or
    receive) end."""
    return [int(i) for i in _xx.channel_list_interpreters(cid, send=send)]


def _dumps(obj):
    try:
        return _interpreters_pickle.dumps(obj)
    except Exception as exc:
        raise NotShareableError(f'{type(obj).__name__} object is not '
                                f'shareable between interpreters '
                                f'({exc})') from exc


class _Buffer:
    """A copy of a buffer on its way; received as a memoryview."""

    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return (memoryview, (self.data,))


def send(cid, obj, unboundop=-1, fallback=-1, *, blocking=True,
         timeout=None):
    """Add obj to the channel's queue."""
    _check_op(unboundop)
    _check_timeout(blocking, timeout)
    _xx.channel_send(cid, _dumps(obj))


def send_buffer(cid, obj, unboundop=-1, fallback=-1, *, blocking=True,
                timeout=None):
    """Add a copy of obj's buffer to the channel's queue."""
    _check_op(unboundop)
    _check_timeout(blocking, timeout)
    _xx.channel_send(cid, _dumps(_Buffer(bytes(memoryview(obj)))))


_missing = object()


def recv(cid, default=_missing):
    """Return (the oldest object, None); (default, None) if there is none
    and a default was given, else raise ChannelEmptyError."""
    if default is _missing:
        data = _xx.channel_recv(cid)
    else:
        data = _xx.channel_recv(cid, _missing)
        if data is _missing:
            return default, None
    return _interpreters_pickle.loads(data), None


def close(cid, *, send=False, recv=False, force=False):
    """Close the channel (or one of its ends) for every interpreter."""
    _xx.channel_close(cid, send=send, recv=recv, force=force)


def release(cid, *, send=False, recv=False, force=False):
    """Close the channel (or one of its ends) for this interpreter."""
    _xx.channel_release(cid, send=send, recv=recv, force=force)
