/* _interpqueues: queues between interpreters (percore, PEP 734's Queue).

   A queue lives in process-wide state guarded by one mutex and holds no
   Python object: an interpreter with a GIL and an allocator of its own
   (PEP 684) may not touch another interpreter's objects.  What is put is
   copied into a tree of raw-allocated (PyMem_Raw*) nodes, "xitems", and
   rebuilt as new objects by the interpreter that gets it:

     None, bool, int, float, str, bytes   copied as plain data
     tuple                                 copied item by item, nested at
                                           most XITEM_MAX_DEPTH deep
     memoryview                            the buffer is shared, not copied
     concurrent.interpreters.Queue         passed by id
     concurrent.interpreters.Interpreter   passed by id
     anything else                         pickled, or NotShareableError

   Shared buffers.  Sending a memoryview takes a buffer (Py_buffer) from it
   in the sending interpreter, its owner.  Every interpreter that gets it
   builds a memoryview over the same memory through a small exporter object
   of its own.  The record counts the xitems and exporters that refer to it;
   when the count drops to zero the Py_buffer must be released, which
   touches the owner's objects, so it is released only by the owner, with
   its own GIL: right away when the last reference goes in the owner, or
   else the record waits on a pending list that the owner drains on its
   next use of this module (any queue operation, release_pending(), or the
   module's teardown when the interpreter ends).  Interpreter.close()
   refuses to close an interpreter whose buffers are still shared
   (exported_buffers()); if one ends anyway, its outstanding records are
   orphaned and never touch its objects again.

   Blocking put() and get() wait with the GIL released on a lock of their
   own that the other side releases: the usual condition variable built
   from locks, so the wait is portable and may have a timeout. */

#ifndef Py_BUILD_CORE_BUILTIN
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"
#include "pycore_pystate.h"       // _PyInterpreterState_GET()
#include "pycore_interp.h"        // _PyInterpreterState_LookUpID()
#include "structmember.h"         // PyMemberDef

#if defined(HAVE_FORK) && defined(HAVE_PTHREAD_H)
#  include <pthread.h>            // pthread_atfork()
#  define QUEUES_LOCK_ACROSS_FORK 1
#endif


/* process-wide state *******************************************************/

typedef struct sharedbuf {
    struct sharedbuf *prev, *next;  /* all live records */
    struct sharedbuf *next_pending;
    int64_t owner;                  /* interpreter id; -1 when orphaned */
    Py_ssize_t refs;                /* xitems and exporters */
    Py_buffer view;                 /* view.obj belongs to the owner */
} sharedbuf;

enum xkind {
    X_NONE, X_TRUE, X_FALSE, X_INT, X_BIGINT, X_FLOAT, X_STR, X_BYTES,
    X_TUPLE, X_PICKLE, X_BUFFER, X_QUEUE, X_INTERP,
};

typedef struct xitem {
    enum xkind kind;
    int strkind;              /* X_STR: PyUnicode_KIND() */
    Py_ssize_t len;           /* chars, bytes or tuple items */
    union {
        long long i;
        double d;
        char *data;           /* X_STR, X_BYTES, X_BIGINT, X_PICKLE */
        struct xitem **items; /* X_TUPLE */
        sharedbuf *buf;       /* X_BUFFER */
        struct queue *q;      /* X_QUEUE: holds a handle on it */
        int64_t id;           /* X_INTERP */
    } u;
} xitem;

/* Copying, rebuilding and freeing recurse once per level of tuple nesting;
   a fixed limit (like marshal's) keeps that off the end of the C stack and
   lets every interpreter rebuild whatever another one could put. */
#define XITEM_MAX_DEPTH 1000

/* What becomes of an item when the interpreter that put it ends
   (CPython 3.14's "unbounditems"): UNBOUND_KEEP keeps it, the others as
   concurrent.interpreters' UNBOUND_REMOVE, UNBOUND_ERROR and UNBOUND. */
enum unboundop {
    UNBOUND_KEEP = 0,
    UNBOUND_REMOVE = 1,
    UNBOUND_ERROR = 2,
    UNBOUND_REPLACE = 3,
};

typedef struct qnode {
    struct qnode *next;
    xitem *item;              /* NULL once unbound (UNBOUND_ERROR/REPLACE) */
    int64_t owner;            /* the interpreter that put it */
    int unboundop;
} qnode;

typedef struct waiter {
    struct waiter *next;
    PyThread_type_lock lock;   /* held until someone wakes the waiter */
} waiter;

typedef struct queue {
    struct queue *next;
    int64_t id;
    Py_ssize_t maxsize;        /* <= 0: unbounded */
    int unboundop;             /* put()'s default */
    int fallback;              /* 3.14's create() argument, kept for
                                  get_queue_defaults() */
    int destroyed;             /* destroy(): gone for lookups; freed when
                                  the last handle is released */
    Py_ssize_t count;
    qnode *first, *last;
    Py_ssize_t handles;        /* Queue objects, xitems, waiters */
    Py_ssize_t item_handles;   /* how many of them X_QUEUE xitems hold */
    waiter *getters, *putters;
    int dying;                 /* unlinked from G.queues, being freed */
    /* find_queue_cycles_locked()'s work space */
    int gc_suspect;            /* on G.suspects */
    int gc_seen;
    int gc_reachable;
    Py_ssize_t gc_refs;
    struct queue *next_suspect;
    struct queue *gc_next;     /* the set being checked */
    struct queue *gc_stack;
} queue;

static struct {
    PyThread_type_lock mutex;
    int64_t next_id;
    queue *queues;
    queue *dying;              /* unlinked, their items to be freed */
    queue *suspects;           /* held only by items: maybe garbage */
    int reaping;               /* reap_dying_locked() is at work */
    sharedbuf *buffers;
    sharedbuf *pending;        /* refs == 0, waiting for their owner */
    long long spin_us;         /* see wait_for_wakeup() */
} G;

/* How long a waiter polls for its wake-up before it sleeps, on machines
   with more than one CPU. */
#define WAKEUP_SPIN_US 100

static int globals_ready = 0;

#ifdef QUEUES_LOCK_ACROSS_FORK
/* A fork() while a thread of another interpreter held G.mutex would give
   the child a lock that nobody will ever release: its first queue
   operation would hang.  The forking thread takes G.mutex around fork()
   instead, so the child gets every queue whole and the lock free.  No
   section under G.mutex waits for anything the forking thread may hold
   (a GIL, the import lock): they only walk lists, allocate with
   PyMem_RawMalloc() and release waiters' locks. */
static void
lock_before_fork(void)
{
    PyThread_acquire_lock(G.mutex, WAIT_LOCK);
}

static void
unlock_after_fork(void)
{
    PyThread_release_lock(G.mutex);
}
#endif

static int
init_globals(void *Py_UNUSED(arg))
{
    G.mutex = PyThread_allocate_lock();
    if (G.mutex == NULL) {
        PyErr_NoMemory();
        return -1;
    }
#ifdef QUEUES_LOCK_ACROSS_FORK
    if (pthread_atfork(lock_before_fork, unlock_after_fork,
                       unlock_after_fork) != 0) {
        PyThread_free_lock(G.mutex);
        G.mutex = NULL;
        PyErr_NoMemory();
        return -1;
    }
#endif
    G.next_id = 1;
#ifdef _SC_NPROCESSORS_ONLN
    G.spin_us = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? WAKEUP_SPIN_US : 0;
#endif
    return 0;
}

/* Interpreters with GILs of their own may import this module at the same
   moment: the globals are set up once per process (and never torn down:
   queues outlive the interpreters that use them). */
static int
globals_init(void)
{
    return _PyRuntime_RunOnce(&globals_ready, init_globals, NULL);
}

#define LOCK() PyThread_acquire_lock(G.mutex, WAIT_LOCK)
#define UNLOCK() PyThread_release_lock(G.mutex)

static int64_t
current_interp_id(void)
{
    return PyInterpreterState_GetID(_PyInterpreterState_GET());
}


/* module state *************************************************************/

typedef struct {
    PyObject *QueueError;
    PyObject *QueueNotFoundError;
    PyObject *QueueEmpty;
    PyObject *QueueFull;       /* made at first use: see get_queue_full() */
    PyObject *NotShareableError;
    PyTypeObject *SharedBufferType;
    PyObject *queue_cls;       /* registered by concurrent.interpreters */
    PyObject *interp_cls;
    PyObject *unbound;         /* what get() returns for UNBOUND_REPLACE */
    PyObject *item_destroyed;  /* what it raises for UNBOUND_ERROR */
    PyObject *dumps;           /* _pickle.dumps / loads, imported lazily */
    PyObject *loads;
} module_state;

static inline module_state *
get_state(PyObject *module)
{
    return (module_state *)PyModule_GetState(module);
}

/* QueueFull subclasses queue.Full, and importing queue.py imports
   threading: a new interpreter would pay for both before its first call.
   So the class is made when first raised or looked up (module
   __getattr__), and added to the module then. */
static PyObject *
get_queue_full(PyObject *module)
{
    module_state *st = get_state(module);
    if (st->QueueFull != NULL) {
        return st->QueueFull;
    }
    PyObject *full = _PyImport_GetModuleAttrString("queue", "Full");
    if (full == NULL) {
        return NULL;
    }
    PyObject *bases = PyTuple_Pack(2, st->QueueError, full);
    Py_DECREF(full);
    if (bases == NULL) {
        return NULL;
    }
    PyObject *cls = PyErr_NewExceptionWithDoc(
        "_interpqueues.QueueFull", "put() found the queue full.", bases, NULL);
    Py_DECREF(bases);
    if (cls == NULL) {
        return NULL;
    }
    if (st->QueueFull != NULL) {
        /* Importing queue ran Python code, which got here first. */
        Py_DECREF(cls);
        return st->QueueFull;
    }
    if (PyModule_AddObjectRef(module, "QueueFull", cls) < 0) {
        Py_DECREF(cls);
        return NULL;
    }
    st->QueueFull = cls;
    return cls;
}


/* shared buffers ***********************************************************/

/* Called with G.mutex held.  Returns a record whose Py_buffer the caller
   must release (the owner is the current interpreter), or NULL. */
static sharedbuf *
sharedbuf_decref_locked(sharedbuf *sb, int64_t current)
{
    if (--sb->refs > 0) {
        return NULL;
    }
    if (sb->prev) {
        sb->prev->next = sb->next;
    }
    else {
        G.buffers = sb->next;
    }
    if (sb->next) {
        sb->next->prev = sb->prev;
    }
    if (sb->owner == current || sb->owner < 0) {
        return sb;
    }
    sb->next_pending = G.pending;
    G.pending = sb;
    return NULL;
}

/* Release a record returned by sharedbuf_decref_locked(), without G.mutex
   and with the owner's GIL. */
static void
sharedbuf_finish(sharedbuf *sb)
{
    if (sb->owner >= 0) {
        PyBuffer_Release(&sb->view);
    }
    PyMem_RawFree(sb);
}

/* Release the buffers the current interpreter owns that nobody uses. */
static void
drain_pending(void)
{
    if (G.pending == NULL) {   /* a racy peek: a miss is caught later */
        return;
    }
    int64_t current = current_interp_id();
    sharedbuf *mine = NULL;
    LOCK();
    sharedbuf **p = &G.pending;
    while (*p != NULL) {
        sharedbuf *sb = *p;
        if (sb->owner == current) {
            *p = sb->next_pending;
            sb->next_pending = mine;
            mine = sb;
        }
        else {
            p = &sb->next_pending;
        }
    }
    UNLOCK();
    while (mine != NULL) {
        sharedbuf *next = mine->next_pending;
        sharedbuf_finish(mine);
        mine = next;
    }
}

typedef struct {
    PyObject_HEAD
    sharedbuf *sb;
} SharedBufferObject;

static int
sharedbuffer_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    sharedbuf *sb = ((SharedBufferObject *)self)->sb;
    if ((flags & PyBUF_WRITABLE) && sb->view.readonly) {
        PyErr_SetString(PyExc_BufferError, "shared buffer is read-only");
        return -1;
    }
    *view = sb->view;
    view->obj = Py_NewRef(self);
    view->internal = NULL;
    return 0;
}

static void
sharedbuffer_releasebuffer(PyObject *self, Py_buffer *view)
{
}

static void
sharedbuffer_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    sharedbuf *sb = ((SharedBufferObject *)self)->sb;
    if (sb != NULL) {
        int64_t current = current_interp_id();
        LOCK();
        sharedbuf *done = sharedbuf_decref_locked(sb, current);
        UNLOCK();
        if (done != NULL) {
            sharedbuf_finish(done);
        }
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot sharedbuffer_slots[] = {
    {Py_tp_dealloc, sharedbuffer_dealloc},
    {Py_bf_getbuffer, sharedbuffer_getbuffer},
    {Py_bf_releasebuffer, sharedbuffer_releasebuffer},
    {Py_tp_doc, "The memory of a memoryview shared by another interpreter."},
    {0, NULL},
};

static PyType_Spec sharedbuffer_spec = {
    .name = "_interpqueues.SharedBuffer",
    .basicsize = sizeof(SharedBufferObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE
             | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = sharedbuffer_slots,
};


/* queues (all with G.mutex held) *******************************************/

static queue *
queue_lookup_any_locked(int64_t qid)
{
    for (queue *q = G.queues; q != NULL; q = q->next) {
        if (q->id == qid) {
            return q;
        }
    }
    return NULL;
}

static queue *
queue_lookup_locked(int64_t qid)
{
    queue *q = queue_lookup_any_locked(qid);
    return q != NULL && !q->destroyed ? q : NULL;
}

static void xitem_free_locked(xitem *it, int64_t current, sharedbuf **done);

static void find_queue_cycles_locked(queue *q);

/* Free the queues on G.dying, and the cycles of queues among
   G.suspects.  Freeing a queue's items may drop the last handle of other
   queues, which join the list: a loop, not a recursion, however long a
   chain of queues in queues.  A dying queue's memory is freed last, since
   the items of other dying queues may still point to it. */
static void
reap_dying_locked(int64_t current, sharedbuf **done)
{
    if (G.reaping) {
        return;    /* an outer call on this thread's stack does it */
    }
    G.reaping = 1;
    queue *emptied = NULL;
    for (;;) {
        if (G.dying != NULL) {
            queue *q = G.dying;
            G.dying = q->next;
            qnode *n = q->first;
            while (n != NULL) {
                qnode *next = n->next;
                xitem_free_locked(n->item, current, done);
                PyMem_RawFree(n);
                n = next;
            }
            q->first = q->last = NULL;
            q->next = emptied;
            emptied = q;
        }
        else if (G.suspects != NULL) {
            queue *q = G.suspects;
            G.suspects = q->next_suspect;
            q->gc_suspect = 0;
            if (!q->dying && q->handles == q->item_handles) {
                find_queue_cycles_locked(q);
            }
        }
        else {
            break;
        }
    }
    while (emptied != NULL) {
        queue *q = emptied;
        emptied = q->next;
        PyMem_RawFree(q);
    }
    G.reaping = 0;
}

/* Take q off G.queues and put it on G.dying. */
static void
unlink_queue_locked(queue *q)
{
    queue **p = &G.queues;
    while (*p != q) {
        p = &(*p)->next;
    }
    *p = q->next;
    q->dying = 1;
    q->next = G.dying;
    G.dying = q;
}

static void
queue_handle_decref_locked(queue *q, int64_t current, sharedbuf **done)
{
    --q->handles;
    if (q->dying) {
        return;    /* an item of a dying queue let go of another one */
    }
    if (q->handles == 0) {
        /* Every interpreter holding it has let go: nobody can wait on
           it. */
        unlink_queue_locked(q);
    }
    else if (q->handles == q->item_handles && !q->gc_suspect) {
        /* Only items on queues hold it now: maybe only itself, or
           queues that only it holds. */
        q->gc_suspect = 1;
        q->next_suspect = G.suspects;
        G.suspects = q;
    }
    else {
        return;
    }
    reap_dying_locked(current, done);
}

/* Call visit for each queue an xitem tree holds a handle on. */
static void
visit_held_queues(xitem *it, void (*visit)(queue *, queue **),
                  queue **list)
{
    if (it == NULL) {
        return;    /* an unbound item's marker */
    }
    if (it->kind == X_TUPLE) {
        for (Py_ssize_t i = 0; i < it->len; i++) {
            visit_held_queues(it->u.items[i], visit, list);
        }
    }
    else if (it->kind == X_QUEUE) {
        visit(it->u.q, list);
    }
}

static void
visit_add_unseen(queue *q, queue **todo)
{
    if (!q->gc_seen) {
        q->gc_seen = 1;
        q->gc_refs = q->handles;
        q->gc_stack = *todo;
        *todo = q;
    }
}

static void
visit_subtract_internal(queue *q, queue **unused)
{
    q->gc_refs--;
}

static void
visit_mark_reachable(queue *q, queue **stack)
{
    if (!q->gc_reachable) {
        q->gc_reachable = 1;
        q->gc_stack = *stack;
        *stack = q;
    }
}

/* A queue put on a queue (itself included) holds a handle on it, so
   queues can keep each other alive after every Queue object, waiter and
   in-flight item has let go of them.  Called when only items hold q: of
   the queues that q reaches through its items, put on G.dying those that
   no handle from outside them keeps reachable (the trial deletion of a
   cycle collector, on this part of the graph only). */
static void
find_queue_cycles_locked(queue *q)
{
    /* The set: the queues q reaches, linked through gc_next. */
    queue *set = NULL, *todo = NULL;
    visit_add_unseen(q, &todo);
    while (todo != NULL) {
        queue *x = todo;
        todo = x->gc_stack;
        x->gc_next = set;
        set = x;
        for (qnode *n = x->first; n != NULL; n = n->next) {
            visit_held_queues(n->item, visit_add_unseen, &todo);
        }
    }
    /* What is left of the handles after those of the set's own items
       comes from outside: such queues are alive, and so is what they
       reach. */
    for (queue *x = set; x != NULL; x = x->gc_next) {
        for (qnode *n = x->first; n != NULL; n = n->next) {
            visit_held_queues(n->item, visit_subtract_internal, NULL);
        }
    }
    queue *stack = NULL;
    for (queue *x = set; x != NULL; x = x->gc_next) {
        x->gc_reachable = 0;
        if (x->gc_refs > 0) {
            visit_mark_reachable(x, &stack);
        }
    }
    while (stack != NULL) {
        queue *x = stack;
        stack = x->gc_stack;
        for (qnode *n = x->first; n != NULL; n = n->next) {
            visit_held_queues(n->item, visit_mark_reachable, &stack);
        }
    }
    for (queue *x = set; x != NULL; x = x->gc_next) {
        x->gc_seen = 0;
        if (!x->gc_reachable) {
            unlink_queue_locked(x);
        }
    }
}

static void
wake_one_locked(waiter **list)
{
    waiter *w = *list;
    if (w != NULL) {
        *list = w->next;
        w->next = NULL;
        PyThread_release_lock(w->lock);
    }
}

static void
remove_waiter_locked(waiter **list, waiter *w)
{
    for (waiter **p = list; *p != NULL; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            return;
        }
    }
}


/* xitems *******************************************************************/

/* Frees an xitem tree; records whose Py_buffer the caller must release
   (after unlocking) are chained on *done. */
static void
xitem_free_locked(xitem *it, int64_t current, sharedbuf **done)
{
    if (it == NULL) {
        return;
    }
    switch (it->kind) {
    case X_STR: case X_BYTES: case X_BIGINT: case X_PICKLE:
        PyMem_RawFree(it->u.data);
        break;
    case X_TUPLE:
        for (Py_ssize_t i = 0; i < it->len; i++) {
            xitem_free_locked(it->u.items[i], current, done);
        }
        PyMem_RawFree(it->u.items);
        break;
    case X_BUFFER: {
        sharedbuf *sb = sharedbuf_decref_locked(it->u.buf, current);
        if (sb != NULL) {
            sb->next_pending = *done;
            *done = sb;
        }
        break;
    }
    case X_QUEUE:
        it->u.q->item_handles--;
        queue_handle_decref_locked(it->u.q, current, done);
        break;
    default:
        break;
    }
    PyMem_RawFree(it);
}

static void
finish_all(sharedbuf *done)
{
    while (done != NULL) {
        sharedbuf *next = done->next_pending;
        sharedbuf_finish(done);
        done = next;
    }
}

static void
xitem_free(xitem *it)
{
    if (it == NULL) {
        return;
    }
    sharedbuf *done = NULL;
    int64_t current = current_interp_id();
    LOCK();
    xitem_free_locked(it, current, &done);
    UNLOCK();
    finish_all(done);
}

static char *
raw_copy(const void *src, Py_ssize_t size)
{
    char *dst = PyMem_RawMalloc(size ? size : 1);
    if (dst == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (size) {
        memcpy(dst, src, size);
    }
    return dst;
}

static int
ensure_pickle(module_state *st)
{
    if (st->dumps != NULL) {
        return 0;
    }
    /* _interpreters_pickle: the C accelerator's dumps and loads, without
       pickle.py's own imports (re, enum, ...), since a new interpreter's
       first call pays for every import on its way; its dumps() sends by
       value the functions and classes another interpreter cannot import
       (those of __main__, lambdas, local ones). */
    PyObject *pickle = PyImport_ImportModule("_interpreters_pickle");
    if (pickle == NULL) {
        return -1;
    }
    PyObject *dumps = PyObject_GetAttrString(pickle, "dumps");
    PyObject *loads = PyObject_GetAttrString(pickle, "loads");
    Py_DECREF(pickle);
    if (dumps == NULL || loads == NULL) {
        Py_XDECREF(dumps);
        Py_XDECREF(loads);
        return -1;
    }
    st->dumps = dumps;
    st->loads = loads;
    return 0;
}

static int
get_id_attr(PyObject *obj, int64_t *id)
{
    PyObject *v = PyObject_GetAttrString(obj, "id");
    if (v == NULL) {
        return -1;
    }
    long long ll = PyLong_AsLongLong(v);
    Py_DECREF(v);
    if (ll == -1 && PyErr_Occurred()) {
        return -1;
    }
    *id = ll;
    return 0;
}

static xitem *
xitem_from_object(module_state *st, PyObject *obj, int depth)
{
    if (depth > XITEM_MAX_DEPTH) {
        PyErr_Format(st->NotShareableError,
                     "tuple nested too deeply to share between interpreters "
                     "(more than %d levels)", XITEM_MAX_DEPTH);
        return NULL;
    }
    xitem *it = PyMem_RawCalloc(1, sizeof(xitem));
    if (it == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    PyTypeObject *tp = Py_TYPE(obj);
    if (obj == Py_None) {
        it->kind = X_NONE;
    }
    else if (obj == Py_True) {
        it->kind = X_TRUE;
    }
    else if (obj == Py_False) {
        it->kind = X_FALSE;
    }
    else if (tp == &PyLong_Type) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (!overflow) {
            it->kind = X_INT;
            it->u.i = v;
        }
        else {
            /* Little-endian two's complement, one spare bit for the sign. */
            size_t nbits = _PyLong_NumBits(obj);
            if (nbits == (size_t)-1 && PyErr_Occurred()) {
                goto error;
            }
            Py_ssize_t n = (Py_ssize_t)(nbits / 8 + 1);
            unsigned char *data = PyMem_RawMalloc(n);
            if (data == NULL) {
                PyErr_NoMemory();
                goto error;
            }
            if (_PyLong_AsByteArray((PyLongObject *)obj, data, n, 1, 1) < 0) {
                PyMem_RawFree(data);
                goto error;
            }
            it->kind = X_BIGINT;
            it->len = n;
            it->u.data = (char *)data;
        }
    }
    else if (tp == &PyFloat_Type) {
        it->kind = X_FLOAT;
        it->u.d = PyFloat_AS_DOUBLE(obj);
    }
    else if (tp == &PyUnicode_Type) {
        if (PyUnicode_READY(obj) < 0) {
            goto error;
        }
        it->kind = X_STR;
        it->strkind = PyUnicode_KIND(obj);
        it->len = PyUnicode_GET_LENGTH(obj);
        it->u.data = raw_copy(PyUnicode_DATA(obj), it->len * it->strkind);
        if (it->u.data == NULL) {
            goto error;
        }
    }
    else if (tp == &PyBytes_Type) {
        it->kind = X_BYTES;
        it->len = PyBytes_GET_SIZE(obj);
        it->u.data = raw_copy(PyBytes_AS_STRING(obj), it->len);
        if (it->u.data == NULL) {
            goto error;
        }
    }
    else if (tp == &PyTuple_Type) {
        it->kind = X_TUPLE;
        it->len = PyTuple_GET_SIZE(obj);
        it->u.items = PyMem_RawCalloc(it->len ? it->len : 1, sizeof(xitem *));
        if (it->u.items == NULL) {
            PyErr_NoMemory();
            it->len = 0;
            goto error;
        }
        for (Py_ssize_t i = 0; i < it->len; i++) {
            it->u.items[i] = xitem_from_object(st, PyTuple_GET_ITEM(obj, i),
                                               depth + 1);
            if (it->u.items[i] == NULL) {
                goto error;
            }
        }
    }
    else if (tp == &PyMemoryView_Type) {
        sharedbuf *sb = PyMem_RawCalloc(1, sizeof(sharedbuf));
        if (sb == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        /* The view keeps the memoryview, and so its owner, alive. */
        if (PyObject_GetBuffer(obj, &sb->view, PyBUF_FULL_RO) < 0) {
            PyMem_RawFree(sb);
            goto error;
        }
        sb->owner = current_interp_id();
        sb->refs = 1;
        LOCK();
        sb->next = G.buffers;
        if (G.buffers) {
            G.buffers->prev = sb;
        }
        G.buffers = sb;
        UNLOCK();
        it->kind = X_BUFFER;
        it->u.buf = sb;
    }
    else if (st->queue_cls != NULL
             && PyObject_TypeCheck(obj, (PyTypeObject *)st->queue_cls)) {
        int64_t qid;
        if (get_id_attr(obj, &qid) < 0) {
            goto error;
        }
        LOCK();
        queue *q = queue_lookup_locked(qid);
        if (q != NULL) {
            /* The queue stays while the item exists. */
            q->handles++;
            q->item_handles++;
            it->kind = X_QUEUE;
            it->u.q = q;
        }
        UNLOCK();
        if (q == NULL) {
            PyErr_Format(st->QueueNotFoundError, "queue %lld not found",
                         (long long)qid);
            goto error;
        }
    }
    else if (st->interp_cls != NULL
             && PyObject_TypeCheck(obj, (PyTypeObject *)st->interp_cls)) {
        if (get_id_attr(obj, &it->u.id) < 0) {
            goto error;
        }
        it->kind = X_INTERP;
    }
    else {
        if (ensure_pickle(st) < 0) {
            goto error;
        }
        PyObject *data = PyObject_CallOneArg(st->dumps, obj);
        if (data == NULL) {
            PyObject *exc, *val, *tb;
            PyErr_Fetch(&exc, &val, &tb);
            PyErr_NormalizeException(&exc, &val, &tb);
            PyErr_Format(st->NotShareableError,
                         "%.200s object is not shareable between "
                         "interpreters (pickling it failed: %S)",
                         tp->tp_name, val ? val : Py_None);
            PyObject *exc2, *val2, *tb2;
            PyErr_Fetch(&exc2, &val2, &tb2);
            PyErr_NormalizeException(&exc2, &val2, &tb2);
            if (val != NULL) {
                PyException_SetCause(val2, Py_NewRef(val));
                PyException_SetContext(val2, Py_NewRef(val));
            }
            PyErr_Restore(exc2, val2, tb2);
            Py_XDECREF(exc);
            Py_XDECREF(val);
            Py_XDECREF(tb);
            goto error;
        }
        it->kind = X_PICKLE;
        it->len = PyBytes_GET_SIZE(data);
        it->u.data = raw_copy(PyBytes_AS_STRING(data), it->len);
        Py_DECREF(data);
        if (it->u.data == NULL) {
            goto error;
        }
    }
    return it;

error:
    xitem_free(it);
    return NULL;
}

static PyObject *
call_registered(module_state *st, PyObject **cls, int64_t id)
{
    if (*cls == NULL) {
        /* Importing concurrent.interpreters registers the classes. */
        PyObject *mod = PyImport_ImportModule("concurrent.interpreters");
        if (mod == NULL) {
            return NULL;
        }
        Py_DECREF(mod);
        if (*cls == NULL) {
            PyErr_SetString(PyExc_RuntimeError,
                            "concurrent.interpreters did not register "
                            "its classes");
            return NULL;
        }
    }
    return PyObject_CallFunction(*cls, "L", (long long)id);
}

static PyObject *
xitem_to_object(module_state *st, xitem *it)
{
    switch (it->kind) {
    case X_NONE:
        Py_RETURN_NONE;
    case X_TRUE:
        Py_RETURN_TRUE;
    case X_FALSE:
        Py_RETURN_FALSE;
    case X_INT:
        return PyLong_FromLongLong(it->u.i);
    case X_BIGINT:
        return _PyLong_FromByteArray((unsigned char *)it->u.data, it->len,
                                     1, 1);
    case X_FLOAT:
        return PyFloat_FromDouble(it->u.d);
    case X_STR:
        return PyUnicode_FromKindAndData(it->strkind, it->u.data, it->len);
    case X_BYTES:
        return PyBytes_FromStringAndSize(it->u.data, it->len);
    case X_TUPLE: {
        PyObject *t = PyTuple_New(it->len);
        if (t == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < it->len; i++) {
            PyObject *o = xitem_to_object(st, it->u.items[i]);
            if (o == NULL) {
                Py_DECREF(t);
                return NULL;
            }
            PyTuple_SET_ITEM(t, i, o);
        }
        return t;
    }
    case X_PICKLE: {
        if (ensure_pickle(st) < 0) {
            return NULL;
        }
        PyObject *data = PyBytes_FromStringAndSize(it->u.data, it->len);
        if (data == NULL) {
            return NULL;
        }
        PyObject *o = PyObject_CallOneArg(st->loads, data);
        Py_DECREF(data);
        return o;
    }
    case X_BUFFER: {
        SharedBufferObject *exp = PyObject_New(SharedBufferObject,
                                               st->SharedBufferType);
        if (exp == NULL) {
            return NULL;
        }
        LOCK();
        it->u.buf->refs++;
        UNLOCK();
        exp->sb = it->u.buf;
        PyObject *mv = PyMemoryView_FromObject((PyObject *)exp);
        Py_DECREF(exp);
        return mv;
    }
    case X_QUEUE:
        return call_registered(st, &st->queue_cls, it->u.q->id);
    case X_INTERP:
        return call_registered(st, &st->interp_cls, it->u.id);
    }
    PyErr_SetString(PyExc_SystemError, "bad cross-interpreter item");
    return NULL;
}


/* module functions *********************************************************/

static int
qid_converter(PyObject *arg, void *ptr)
{
    long long v = PyLong_AsLongLong(arg);
    if (v == -1 && PyErr_Occurred()) {
        return 0;
    }
    *(int64_t *)ptr = v;
    return 1;
}

static PyObject *
not_found(module_state *st, int64_t qid)
{
    PyErr_Format(st->QueueNotFoundError,
                 "queue %lld not found (every interpreter holding it "
                 "has released it)", (long long)qid);
    return NULL;
}

/*[clinic input]
module _interpqueues
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=cb1313f77fab132b]*/

/*[python input]
class qid_converter(CConverter):
    type = 'int64_t'
    converter = 'qid_converter'
[python start generated code]*/
/*[python end generated code: output=da39a3ee5e6b4b0d input=9754ba634c867f3c]*/

#include "clinic/_interpqueuesmodule.c.h"

/* timeout: None or a non-negative number of seconds; *us = -1: forever. */
static int
parse_timeout(PyObject *timeout, int block, _PyTime_t *deadline, int *forever)
{
    *forever = 0;
    *deadline = 0;
    if (!block) {
        return 0;
    }
    if (timeout == Py_None) {
        *forever = 1;
        return 0;
    }
    double secs = PyFloat_AsDouble(timeout);
    if (secs == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    if (secs < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "'timeout' must be a non-negative number");
        return -1;
    }
    _PyTime_t t;
    if (_PyTime_FromSecondsObject(&t, timeout, _PyTime_ROUND_TIMEOUT) < 0) {
        return -1;
    }
    *deadline = _PyTime_GetMonotonicClock() + t;
    return 0;
}

/* Acquire a waiter's lock, which the thread that wakes it releases.  The
   other side of a queue is usually a thread of another interpreter, with a
   GIL of its own and running on another core, that answers within
   microseconds; polling the lock for a short while (up to G.spin_us,
   never past the timeout) catches that wake-up without the two context
   switches of sleeping and being woken, which cost more than the rest of a
   small message's round trip.  Called without the GIL. */
static PyLockStatus
wait_for_wakeup(PyThread_type_lock lock, long long timeout_us)
{
    long long spin_us = G.spin_us;
    if (timeout_us >= 0 && timeout_us < spin_us) {
        spin_us = timeout_us;
    }
    if (spin_us > 0) {
        _PyTime_t until = _PyTime_GetMonotonicClock()
                          + _PyTime_FromNanoseconds(spin_us * 1000);
        do {
            for (int i = 0; i < 64; i++) {
                if (PyThread_acquire_lock_timed(lock, 0, 0)
                        == PY_LOCK_ACQUIRED) {
                    return PY_LOCK_ACQUIRED;
                }
            }
        } while (_PyTime_GetMonotonicClock() < until);
        if (timeout_us >= 0) {
            timeout_us -= spin_us;
        }
    }
    return PyThread_acquire_lock_timed(lock, timeout_us, 1);
}

/* Wait on a fresh waiter added to *list; called and returns with G.mutex
   held.  Returns 1 when woken or the time is up (the caller checks
   again), -1 with an exception set (signal). */
static int
wait_locked(queue *q, int putter, int forever, _PyTime_t deadline,
            int *timed_out)
{
    waiter **list = putter ? &q->putters : &q->getters;
    *timed_out = 0;
    long long us = -1;
    if (!forever) {
        _PyTime_t left = deadline - _PyTime_GetMonotonicClock();
        if (left <= 0) {
            *timed_out = 1;
            return 1;
        }
        us = _PyTime_AsMicroseconds(left, _PyTime_ROUND_CEILING);
        if (us > PY_TIMEOUT_MAX) {
            us = PY_TIMEOUT_MAX;
        }
    }
    waiter w = {NULL, PyThread_allocate_lock()};
    if (w.lock == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyThread_acquire_lock(w.lock, WAIT_LOCK);
    w.next = *list;
    *list = &w;
    q->handles++;   /* q stays while we wait on it */
    UNLOCK();

    PyLockStatus r;
    Py_BEGIN_ALLOW_THREADS
    r = wait_for_wakeup(w.lock, us);
    Py_END_ALLOW_THREADS

    LOCK();
    remove_waiter_locked(list, &w);   /* not woken: still listed */
    if (r == PY_LOCK_ACQUIRED) {
        PyThread_release_lock(w.lock);
    }
    PyThread_free_lock(w.lock);
    sharedbuf *done = NULL;
    queue_handle_decref_locked(q, current_interp_id(), &done);
    if (done != NULL) {
        UNLOCK();
        finish_all(done);
        LOCK();
    }
    if (r == PY_LOCK_INTR) {
        UNLOCK();
        int err = Py_MakePendingCalls();
        LOCK();
        if (err < 0) {
            return -1;
        }
    }
    return 1;
}

/*[clinic input]
_interpqueues.put_wait

    qid: qid
    obj: object
    block: bool = True
    timeout: object = None
    *
    unboundop: int = -1

Add a copy of obj to the queue; wait for room if it is full.

unboundop says what becomes of the item if the interpreter putting it
ends first: 0 kept, 1 removed, 2 get() raises, 3 get() returns the
registered UNBOUND; -1 (the default) the queue's default.
[clinic start generated code]*/

static PyObject *
_interpqueues_put_wait_impl(PyObject *module, int64_t qid, PyObject *obj,
                            int block, PyObject *timeout, int unboundop)
/*[clinic end generated code: output=d9ec564d854e7f34 input=23fa3ee0c6dca6bc]*/
{
    module_state *st = get_state(module);
    if (unboundop < -1 || unboundop > UNBOUND_REPLACE) {
        PyErr_Format(PyExc_ValueError, "unsupported unboundop %d",
                     unboundop);
        return NULL;
    }
    drain_pending();
    _PyTime_t deadline;
    int forever;
    if (parse_timeout(timeout, block, &deadline, &forever) < 0) {
        return NULL;
    }
    xitem *it = xitem_from_object(st, obj, 1);
    if (it == NULL) {
        return NULL;
    }
    qnode *node = PyMem_RawMalloc(sizeof(qnode));
    if (node == NULL) {
        xitem_free(it);
        return PyErr_NoMemory();
    }
    node->next = NULL;
    node->item = it;
    node->owner = current_interp_id();

    LOCK();
    for (;;) {
        queue *q = queue_lookup_locked(qid);
        if (q == NULL) {
            UNLOCK();
            PyMem_RawFree(node);
            xitem_free(it);
            return not_found(st, qid);
        }
        node->unboundop = unboundop < 0 ? q->unboundop : unboundop;
        if (q->maxsize <= 0 || q->count < q->maxsize) {
            if (q->last) {
                q->last->next = node;
            }
            else {
                q->first = node;
            }
            q->last = node;
            q->count++;
            wake_one_locked(&q->getters);
            UNLOCK();
            Py_RETURN_NONE;
        }
        int timed_out = !block;
        if (block && wait_locked(q, 1, forever, deadline,
                                 &timed_out) < 0) {
            UNLOCK();
            PyMem_RawFree(node);
            xitem_free(it);
            return NULL;
        }
        if (timed_out) {
            UNLOCK();
            PyMem_RawFree(node);
            xitem_free(it);
            PyObject *full = get_queue_full(module);
            if (full != NULL) {
                PyErr_SetString(full, "queue is full");
            }
            return NULL;
        }
    }
}

/* Put back an item get() took but could not rebuild.  The queue may hold
   one item more than its maxsize for a while: the item was admitted once. */
static void
requeue_front(int64_t qid, qnode *node)
{
    LOCK();
    queue *q = queue_lookup_locked(qid);
    if (q != NULL) {
        node->next = q->first;
        q->first = node;
        if (q->last == NULL) {
            q->last = node;
        }
        q->count++;
        wake_one_locked(&q->getters);
        node = NULL;
    }
    UNLOCK();
    if (node != NULL) {
        /* The queue is gone (get() on a raw id that nobody holds). */
        PyObject *exc, *val, *tb;
        PyErr_Fetch(&exc, &val, &tb);
        xitem_free(node->item);
        PyMem_RawFree(node);
        PyErr_Restore(exc, val, tb);
    }
}

static PyObject *
get_unbound(PyObject *module, int op)
{
    module_state *st = get_state(module);
    PyObject **registered = op == UNBOUND_ERROR ? &st->item_destroyed
                                                : &st->unbound;
    if (*registered == NULL) {
        /* Importing concurrent.interpreters registers both. */
        PyObject *mod = PyImport_ImportModule("concurrent.interpreters");
        if (mod == NULL) {
            return NULL;
        }
        Py_DECREF(mod);
    }
    if (op == UNBOUND_ERROR) {
        PyErr_SetString(*registered ? *registered : st->QueueError,
                        "the interpreter that put the item has ended");
        return NULL;
    }
    if (*registered == NULL) {
        PyErr_SetString(st->QueueError, "no UNBOUND object registered");
        return NULL;
    }
    return Py_NewRef(*registered);
}

/* get_wait() and get(): the oldest item, rebuilt here.  For an item
   unbound by the end of its interpreter, *unboundop is set (and NULL
   returned without an exception) when it is not NULL; else the registered
   UNBOUND is returned or ItemInterpreterDestroyed raised. */
static PyObject *
queue_get(PyObject *module, int64_t qid, int block, PyObject *timeout,
          int *unboundop)
{
    module_state *st = get_state(module);
    drain_pending();
    _PyTime_t deadline;
    int forever;
    if (parse_timeout(timeout, block, &deadline, &forever) < 0) {
        return NULL;
    }
    qnode *node = NULL;
    LOCK();
    for (;;) {
        queue *q = queue_lookup_locked(qid);
        if (q == NULL) {
            UNLOCK();
            return not_found(st, qid);
        }
        if (q->count > 0) {
            node = q->first;
            q->first = node->next;
            if (q->first == NULL) {
                q->last = NULL;
            }
            q->count--;
            wake_one_locked(&q->putters);
            /* A getter woken for an item another one took waits again;
               pass the turn on while items remain. */
            if (q->count > 0) {
                wake_one_locked(&q->getters);
            }
            break;
        }
        int timed_out = !block;
        if (block && wait_locked(q, 0, forever, deadline,
                                 &timed_out) < 0) {
            UNLOCK();
            return NULL;
        }
        if (timed_out) {
            UNLOCK();
            PyErr_SetString(st->QueueEmpty, "queue is empty");
            return NULL;
        }
    }
    UNLOCK();
    if (node->item == NULL) {
        /* Its interpreter has ended (see unbind_items_of()). */
        int op = node->unboundop;
        PyMem_RawFree(node);
        if (unboundop != NULL) {
            *unboundop = op;
            return NULL;
        }
        return get_unbound(module, op);
    }
    PyObject *obj = xitem_to_object(st, node->item);
    if (obj == NULL) {
        /* Unpickling failed, or memory ran out: the item goes back to
           the front, for another try here or in another interpreter. */
        requeue_front(qid, node);
        return NULL;
    }
    xitem_free(node->item);
    PyMem_RawFree(node);
    return obj;
}

/*[clinic input]
_interpqueues.get_wait

    qid: qid
    block: bool = True
    timeout: object = None

Remove the oldest item and return it, rebuilt in this interpreter.

If there is none, wait up to timeout seconds (None: for ever) when block
is true, else raise QueueEmpty.
[clinic start generated code]*/

static PyObject *
_interpqueues_get_wait_impl(PyObject *module, int64_t qid, int block,
                            PyObject *timeout)
/*[clinic end generated code: output=35f2d7857935843d input=449a6ec59e1866d4]*/
{
    return queue_get(module, qid, block, timeout, NULL);
}

/*[clinic input]
_interpqueues.get

    qid: qid

Remove the oldest item; return (item, None), as CPython 3.14 does.

For an item whose interpreter has ended, return (None, unboundop).
Raise QueueEmpty if there is none.
[clinic start generated code]*/

static PyObject *
_interpqueues_get_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=b0988a0e29194f05 input=75bc862dce1e8ee2]*/
{
    int unboundop = -1;
    PyObject *obj = queue_get(module, qid, 0, Py_None, &unboundop);
    if (obj == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        return Py_BuildValue("(Oi)", Py_None, unboundop);
    }
    PyObject *res = PyTuple_Pack(2, obj, Py_None);
    Py_DECREF(obj);
    return res;
}

/*[clinic input]
_interpqueues.put

    qid: qid
    obj: object
    unboundop: int = -1
    fallback: int = -1

Add a copy of obj to the queue, as CPython 3.14 does; QueueFull if full.

unboundop as for put_wait(); fallback is accepted for 3.14's sake:
objects that cannot be copied are always pickled.
[clinic start generated code]*/

static PyObject *
_interpqueues_put_impl(PyObject *module, int64_t qid, PyObject *obj,
                       int unboundop, int fallback)
/*[clinic end generated code: output=34b28acd81796b83 input=dbfe4d16a3f8ee34]*/
{
    return _interpqueues_put_wait_impl(module, qid, obj, 0, Py_None,
                                       unboundop);
}

/*[clinic input]
_interpqueues.destroy

    qid: qid

Clear the queue and make it gone, as CPython 3.14 does.

Every later use of its id raises QueueNotFoundError; waiting calls wake
up and raise it.  Its memory goes with the last handle.
[clinic start generated code]*/

static PyObject *
_interpqueues_destroy_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=46b35623f080cbff input=1458270971edb054]*/
{
    module_state *st = get_state(module);
    sharedbuf *done = NULL;
    int64_t current = current_interp_id();
    LOCK();
    queue *q = queue_lookup_locked(qid);
    qnode *items = NULL;
    if (q != NULL) {
        q->destroyed = 1;
        items = q->first;
        q->first = q->last = NULL;
        q->count = 0;
        while (q->getters != NULL || q->putters != NULL) {
            wake_one_locked(&q->getters);
            wake_one_locked(&q->putters);
        }
    }
    while (items != NULL) {
        qnode *n = items;
        items = n->next;
        xitem_free_locked(n->item, current, &done);
        PyMem_RawFree(n);
    }
    UNLOCK();
    finish_all(done);
    if (q == NULL) {
        return not_found(st, qid);
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpqueues.create

    maxsize: Py_ssize_t = 0
    unboundop: int = -1
        put()'s default (see put_wait()); -1: UNBOUND (3), as in 3.14.
    fallback: int = -1
        Accepted for CPython 3.14's sake.

Create a queue holding one handle, which the caller takes over.

Return its id.
[clinic start generated code]*/

static PyObject *
_interpqueues_create_impl(PyObject *module, Py_ssize_t maxsize,
                          int unboundop, int fallback)
/*[clinic end generated code: output=d95ce55c47a29ab2 input=c2aaef7b85e5b117]*/
{
    if (unboundop == -1) {
        unboundop = UNBOUND_REPLACE;
    }
    if (unboundop < 0 || unboundop > UNBOUND_REPLACE) {
        PyErr_Format(PyExc_ValueError, "unsupported unboundop %d",
                     unboundop);
        return NULL;
    }
    drain_pending();
    queue *q = PyMem_RawCalloc(1, sizeof(queue));
    if (q == NULL) {
        return PyErr_NoMemory();
    }
    q->maxsize = maxsize;
    q->unboundop = unboundop;
    q->fallback = fallback;
    /* One handle for the creator until it binds a Queue object, which
       the caller does at once (bind() then release()). */
    q->handles = 1;
    LOCK();
    q->id = G.next_id++;
    q->next = G.queues;
    G.queues = q;
    UNLOCK();
    return PyLong_FromLongLong(q->id);
}

static PyObject *
change_handles(PyObject *module, int64_t qid, int delta)
{
    module_state *st = get_state(module);
    sharedbuf *done = NULL;
    int64_t current = current_interp_id();
    LOCK();
    /* A destroyed queue's handles are still released. */
    queue *q = delta > 0 ? queue_lookup_locked(qid)
                         : queue_lookup_any_locked(qid);
    if (q != NULL) {
        if (delta > 0) {
            q->handles++;
        }
        else {
            queue_handle_decref_locked(q, current, &done);
        }
    }
    UNLOCK();
    finish_all(done);
    if (q == NULL) {
        return not_found(st, qid);
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpqueues.bind

    qid: qid
    /

Take one more handle on the queue.
[clinic start generated code]*/

static PyObject *
_interpqueues_bind_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=02b515e203c3f926 input=88c25f1248d8b2a5]*/
{
    return change_handles(module, qid, 1);
}

/*[clinic input]
_interpqueues.release

    qid: qid
    /

Drop a handle; the last one destroys the queue.
[clinic start generated code]*/

static PyObject *
_interpqueues_release_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=a59545d7c61fc6ee input=1183b9e63be0eab1]*/
{
    return change_handles(module, qid, -1);
}

static PyObject *
queue_info(PyObject *module, int64_t qid, int what)
{
    module_state *st = get_state(module);
    Py_ssize_t v = 0;
    LOCK();
    queue *q = queue_lookup_locked(qid);
    if (q != NULL) {
        v = what == 0 ? q->count : what == 1 ? q->maxsize
            : what == 2 ? q->handles
            : (q->maxsize > 0 && q->count >= q->maxsize);
    }
    UNLOCK();
    if (q == NULL) {
        return not_found(st, qid);
    }
    return what == 3 ? PyBool_FromLong(v) : PyLong_FromSsize_t(v);
}

/*[clinic input]
_interpqueues.get_count

    qid: qid
    /

How many items the queue holds (CPython 3.14's name).
[clinic start generated code]*/

static PyObject *
_interpqueues_get_count_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=fb9e66e829cdd964 input=42ed512ff352e544]*/
{
    return queue_info(module, qid, 0);
}

/*[clinic input]
_interpqueues.get_maxsize

    qid: qid
    /

The most items the queue may hold (CPython 3.14's name).
[clinic start generated code]*/

static PyObject *
_interpqueues_get_maxsize_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=074202b9c6dc37bf input=6f1d6e3a91d01019]*/
{
    return queue_info(module, qid, 1);
}

/*[clinic input]
_interpqueues.is_full

    qid: qid
    /

Whether the queue holds maxsize items.
[clinic start generated code]*/

static PyObject *
_interpqueues_is_full_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=47a6e18477cddfee input=0e088c4b54c60324]*/
{
    return queue_info(module, qid, 3);
}

/*[clinic input]
_interpqueues.get_queue_defaults

    qid: qid
    /

The queue's (unboundop, fallback), as given to create().
[clinic start generated code]*/

static PyObject *
_interpqueues_get_queue_defaults_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=b1b8b8103834191a input=c0bf87b496981e2a]*/
{
    module_state *st = get_state(module);
    int unboundop = 0, fallback = 0;
    LOCK();
    queue *q = queue_lookup_locked(qid);
    if (q != NULL) {
        unboundop = q->unboundop;
        fallback = q->fallback;
    }
    UNLOCK();
    if (q == NULL) {
        return not_found(st, qid);
    }
    return Py_BuildValue("(ii)", unboundop, fallback);
}

/*[clinic input]
_interpqueues.qsize

    qid: qid
    /

How many items the queue holds.
[clinic start generated code]*/

static PyObject *
_interpqueues_qsize_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=4e027672bb0043a5 input=dd7a6fb3aeb4a77e]*/
{
    return queue_info(module, qid, 0);
}

/*[clinic input]
_interpqueues.maxsize

    qid: qid
    /

The most items the queue may hold (0: no limit).
[clinic start generated code]*/

static PyObject *
_interpqueues_maxsize_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=35404fdda311ad49 input=fcec26391b4a812c]*/
{
    return queue_info(module, qid, 1);
}

/*[clinic input]
_interpqueues.handles

    qid: qid
    /

How many handles keep the queue alive.
[clinic start generated code]*/

static PyObject *
_interpqueues_handles_impl(PyObject *module, int64_t qid)
/*[clinic end generated code: output=47759f6caabf3314 input=f098e91bd34abca8]*/
{
    return queue_info(module, qid, 2);
}

/*[clinic input]
_interpqueues.list_all

(id, unboundop, fallback) of every queue, oldest first, as in 3.14.
[clinic start generated code]*/

static PyObject *
_interpqueues_list_all_impl(PyObject *module)
/*[clinic end generated code: output=974280cb6442afdb input=865cfa3e5442fdcc]*/
{
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        return NULL;
    }
    LOCK();
    Py_ssize_t n = 0;
    for (queue *q = G.queues; q != NULL; q = q->next) {
        n++;
    }
    /* id, unboundop, fallback of each queue */
    int64_t *ids = PyMem_RawMalloc((n ? n : 1) * 3 * sizeof(int64_t));
    if (ids != NULL) {
        n = 0;
        for (queue *q = G.queues; q != NULL; q = q->next) {
            if (!q->destroyed) {
                ids[3 * n] = q->id;
                ids[3 * n + 1] = q->unboundop;
                ids[3 * n + 2] = q->fallback;
                n++;
            }
        }
    }
    UNLOCK();
    if (ids == NULL) {
        Py_DECREF(list);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        PyObject *id = Py_BuildValue("(LLL)", (long long)ids[3 * i],
                                     (long long)ids[3 * i + 1],
                                     (long long)ids[3 * i + 2]);
        if (id == NULL || PyList_Append(list, id) < 0) {
            Py_XDECREF(id);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(id);
    }
    PyMem_RawFree(ids);
    return list;
}

/*[clinic input]
_interpqueues.exported_buffers

    interpid as iid: qid
    /

How many buffers of the interpreter are still shared through memoryviews.
[clinic start generated code]*/

static PyObject *
_interpqueues_exported_buffers_impl(PyObject *module, int64_t iid)
/*[clinic end generated code: output=5baae83fc70c90cf input=95757486c79505ef]*/
{
    drain_pending();
    Py_ssize_t n = 0;
    LOCK();
    for (sharedbuf *sb = G.buffers; sb != NULL; sb = sb->next) {
        n += sb->owner == iid;
    }
    UNLOCK();
    return PyLong_FromSsize_t(n);
}

/*[clinic input]
_interpqueues.release_pending

Release this interpreter's buffers that no other interpreter uses now.
[clinic start generated code]*/

static PyObject *
_interpqueues_release_pending_impl(PyObject *module)
/*[clinic end generated code: output=a74e6dac9bcc478f input=5cef446c5ac3081a]*/
{
    drain_pending();
    Py_RETURN_NONE;
}

/*[clinic input]
_interpqueues._register

    queue_cls as qcls: object(subclass_of='&PyType_Type')
    interpreter_cls as icls: object(subclass_of='&PyType_Type')
    unbound: object = NULL
    item_destroyed: object(subclass_of='&PyType_Type') = NULL
    /

The classes that rebuild queues and interpreters in this interpreter.

unbound is what get() returns for an item unbound with UNBOUND (3), and
item_destroyed the exception it raises for one unbound with
UNBOUND_ERROR (2).
[clinic start generated code]*/

static PyObject *
_interpqueues__register_impl(PyObject *module, PyObject *qcls,
                             PyObject *icls, PyObject *unbound,
                             PyObject *item_destroyed)
/*[clinic end generated code: output=5a5eb6ef6cf93ad5 input=970061dccd42a3c4]*/
{
    module_state *st = get_state(module);
    Py_XSETREF(st->queue_cls, Py_NewRef(qcls));
    Py_XSETREF(st->interp_cls, Py_NewRef(icls));
    if (unbound != NULL) {
        Py_XSETREF(st->unbound, Py_NewRef(unbound));
    }
    if (item_destroyed != NULL) {
        Py_XSETREF(st->item_destroyed, Py_NewRef(item_destroyed));
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpqueues._register_heap_types

    queuetype: object
    emptyerror: object
    fullerror: object
    /

Accepted for CPython 3.14's concurrent.interpreters; does nothing.

percore's concurrent.interpreters registers its classes with _register()
and raises its own QueueEmpty and QueueFull.
[clinic start generated code]*/

static PyObject *
_interpqueues__register_heap_types_impl(PyObject *module,
                                        PyObject *queuetype,
                                        PyObject *emptyerror,
                                        PyObject *fullerror)
/*[clinic end generated code: output=8d7b129b64dcd01f input=1f8c79b1f432de8b]*/
{
    Py_RETURN_NONE;
}

static PyObject *
is_shareable(PyObject *module, PyObject *obj, int depth)
{
    /* Shareable without pickling. */
    PyTypeObject *tp = Py_TYPE(obj);
    module_state *st = get_state(module);
    if (obj == Py_None || tp == &PyBool_Type || tp == &PyLong_Type
        || tp == &PyFloat_Type || tp == &PyUnicode_Type
        || tp == &PyBytes_Type || tp == &PyMemoryView_Type
        || (st->queue_cls && PyObject_TypeCheck(obj,
                                                (PyTypeObject *)st->queue_cls))
        || (st->interp_cls && PyObject_TypeCheck(obj,
                                        (PyTypeObject *)st->interp_cls))) {
        Py_RETURN_TRUE;
    }
    if (tp == &PyTuple_Type
        && (depth < XITEM_MAX_DEPTH || PyTuple_GET_SIZE(obj) == 0)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(obj); i++) {
            PyObject *r = is_shareable(module, PyTuple_GET_ITEM(obj, i),
                                       depth + 1);
            if (r != Py_True) {
                return r;
            }
            Py_DECREF(r);
        }
        Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/*[clinic input]
_interpqueues.is_shareable

    obj: object
    /

Whether obj crosses interpreters without pickling.
[clinic start generated code]*/

static PyObject *
_interpqueues_is_shareable(PyObject *module, PyObject *obj)
/*[clinic end generated code: output=e376ff5d77186890 input=17644cdba99e2200]*/
{
    return is_shareable(module, obj, 1);
}

/*[clinic input]
_interpqueues.current_interpreter_id

The id of the interpreter this code runs in.
[clinic start generated code]*/

static PyObject *
_interpqueues_current_interpreter_id_impl(PyObject *module)
/*[clinic end generated code: output=463d1dc3e648c586 input=c996420f2047b230]*/
{
    return PyLong_FromLongLong(current_interp_id());
}

/*[clinic input]
_interpqueues.interpreter_exists

    id as iid: qid
    /

Whether an interpreter with this id exists.
[clinic start generated code]*/

static PyObject *
_interpqueues_interpreter_exists_impl(PyObject *module, int64_t iid)
/*[clinic end generated code: output=98d37499ac8cf5e5 input=1d16f8c2aa4b6cbc]*/
{
    PyInterpreterState *interp = _PyInterpreterState_LookUpID(iid);
    if (interp == NULL) {
        PyErr_Clear();
        Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

/* Module __getattr__ (PEP 562): Argument Clinic does not convert special
   methods. */
static PyObject *
module_getattr(PyObject *module, PyObject *name)
{
    if (PyUnicode_Check(name)
        && _PyUnicode_EqualToASCIIString(name, "QueueFull"))
    {
        return Py_XNewRef(get_queue_full(module));
    }
    PyErr_Format(PyExc_AttributeError,
                 "module '_interpqueues' has no attribute %R", name);
    return NULL;
}

static PyMethodDef module_methods[] = {
    {"__getattr__", module_getattr, METH_O,
     "__getattr__($module, name, /)\n--\n\nMake QueueFull at its first lookup."},
    _INTERPQUEUES_CREATE_METHODDEF
    _INTERPQUEUES_PUT_METHODDEF
    _INTERPQUEUES_GET_METHODDEF
    _INTERPQUEUES_BIND_METHODDEF
    _INTERPQUEUES_RELEASE_METHODDEF
    _INTERPQUEUES_QSIZE_METHODDEF
    _INTERPQUEUES_GET_COUNT_METHODDEF
    _INTERPQUEUES_GET_MAXSIZE_METHODDEF
    _INTERPQUEUES_IS_FULL_METHODDEF
    _INTERPQUEUES_GET_QUEUE_DEFAULTS_METHODDEF
    _INTERPQUEUES__REGISTER_HEAP_TYPES_METHODDEF
    _INTERPQUEUES_PUT_WAIT_METHODDEF
    _INTERPQUEUES_GET_WAIT_METHODDEF
    _INTERPQUEUES_DESTROY_METHODDEF
    _INTERPQUEUES_MAXSIZE_METHODDEF
    _INTERPQUEUES_HANDLES_METHODDEF
    _INTERPQUEUES_LIST_ALL_METHODDEF
    _INTERPQUEUES_EXPORTED_BUFFERS_METHODDEF
    _INTERPQUEUES_RELEASE_PENDING_METHODDEF
    _INTERPQUEUES_IS_SHAREABLE_METHODDEF
    _INTERPQUEUES_CURRENT_INTERPRETER_ID_METHODDEF
    _INTERPQUEUES_INTERPRETER_EXISTS_METHODDEF
    _INTERPQUEUES__REGISTER_METHODDEF
    {NULL, NULL},
};


/* module lifecycle *********************************************************/

static int
module_exec(PyObject *mod)
{
    module_state *st = get_state(mod);
    if (globals_init() < 0) {
        return -1;
    }
    /* queue.Empty is _queue.Empty: a C module, cheap to import. */
    PyObject *empty = _PyImport_GetModuleAttrString("_queue", "Empty");
    if (empty == NULL) {
        return -1;
    }
#define ADD_EXC(FIELD, NAME, BASE, DOC) \
    do { \
        st->FIELD = PyErr_NewExceptionWithDoc("_interpqueues." NAME, DOC, \
                                              BASE, NULL); \
        if (st->FIELD == NULL || PyModule_AddObjectRef(mod, NAME, \
                                                       st->FIELD) < 0) { \
            goto error; \
        } \
    } while (0)

    ADD_EXC(QueueError, "QueueError", PyExc_Exception,
            "A cross-interpreter queue failed.");
    ADD_EXC(QueueNotFoundError, "QueueNotFoundError", st->QueueError,
            "The queue no longer exists.");
    PyObject *bases = PyTuple_Pack(2, st->QueueError, empty);
    if (bases == NULL) {
        goto error;
    }
    st->QueueEmpty = PyErr_NewExceptionWithDoc(
        "_interpqueues.QueueEmpty", "get() found the queue empty.",
        bases, NULL);
    Py_DECREF(bases);
    if (st->QueueEmpty == NULL
        || PyModule_AddObjectRef(mod, "QueueEmpty", st->QueueEmpty) < 0) {
        goto error;
    }
    ADD_EXC(NotShareableError, "NotShareableError", PyExc_ValueError,
            "The object cannot be passed to another interpreter.");
#undef ADD_EXC
    Py_CLEAR(empty);

    st->SharedBufferType = (PyTypeObject *)PyType_FromModuleAndSpec(
        mod, &sharedbuffer_spec, NULL);
    if (st->SharedBufferType == NULL) {
        return -1;
    }
    if (PyModule_AddType(mod, st->SharedBufferType) < 0) {
        return -1;
    }
    return 0;

error:
    Py_XDECREF(empty);
    return -1;
}

static int
module_traverse(PyObject *mod, visitproc visit, void *arg)
{
    module_state *st = get_state(mod);
    Py_VISIT(st->QueueError);
    Py_VISIT(st->QueueNotFoundError);
    Py_VISIT(st->QueueEmpty);
    Py_VISIT(st->QueueFull);
    Py_VISIT(st->NotShareableError);
    Py_VISIT(st->SharedBufferType);
    Py_VISIT(st->queue_cls);
    Py_VISIT(st->interp_cls);
    Py_VISIT(st->unbound);
    Py_VISIT(st->item_destroyed);
    Py_VISIT(st->dumps);
    Py_VISIT(st->loads);
    return 0;
}

static int
module_clear(PyObject *mod)
{
    module_state *st = get_state(mod);
    Py_CLEAR(st->QueueError);
    Py_CLEAR(st->QueueNotFoundError);
    Py_CLEAR(st->QueueEmpty);
    Py_CLEAR(st->QueueFull);
    Py_CLEAR(st->NotShareableError);
    Py_CLEAR(st->SharedBufferType);
    Py_CLEAR(st->queue_cls);
    Py_CLEAR(st->interp_cls);
    Py_CLEAR(st->unbound);
    Py_CLEAR(st->item_destroyed);
    Py_CLEAR(st->dumps);
    Py_CLEAR(st->loads);
    return 0;
}

/* The interpreter `owner` is ending: apply each queued item's unboundop
   to the items it put.  The items to free are gathered first, since
   freeing one may free queues and change G.queues. */
static void
unbind_items_of(int64_t owner)
{
    qnode *unbound = NULL;
    sharedbuf *done = NULL;
    LOCK();
    for (queue *q = G.queues; q != NULL; q = q->next) {
        qnode **link = &q->first;
        qnode *prev = NULL;
        while (*link != NULL) {
            qnode *n = *link;
            if (n->owner != owner || n->item == NULL
                || n->unboundop == UNBOUND_KEEP) {
                prev = n;
                link = &n->next;
                continue;
            }
            if (n->unboundop == UNBOUND_REMOVE) {
                *link = n->next;
                if (q->last == n) {
                    q->last = prev;
                }
                q->count--;
                wake_one_locked(&q->putters);
                n->next = unbound;
                unbound = n;
                continue;
            }
            /* UNBOUND_ERROR, UNBOUND_REPLACE: the node stays as a marker;
               a carrier takes its item to be freed.  Without memory for
               one, the item stays as it is: still valid data. */
            qnode *carrier = PyMem_RawMalloc(sizeof(qnode));
            if (carrier != NULL) {
                carrier->item = n->item;
                n->item = NULL;
                carrier->next = unbound;
                unbound = carrier;
            }
            prev = n;
            link = &n->next;
        }
    }
    while (unbound != NULL) {
        qnode *n = unbound;
        unbound = n->next;
        xitem_free_locked(n->item, owner, &done);
        PyMem_RawFree(n);
    }
    UNLOCK();
    finish_all(done);
}

static void
module_free(void *mod)
{
    module_clear((PyObject *)mod);
    if (G.mutex == NULL) {
        return;
    }
    /* The interpreter may be ending: release what it owns and nobody
       uses, and orphan what others still use, so that no one touches
       its objects after it is gone.  (Another import of this module in
       the same interpreter would do the same harmlessly.) */
    drain_pending();
    PyInterpreterState *interp = _PyInterpreterState_GET();
    if (interp->finalizing || _Py_IsFinalizing()) {
        int64_t current = current_interp_id();
        unbind_items_of(current);
        LOCK();
        for (sharedbuf *sb = G.buffers; sb != NULL; sb = sb->next) {
            if (sb->owner == current) {
                sb->owner = -1;
            }
        }
        UNLOCK();
    }
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

PyDoc_STRVAR(module_doc,
"Queues that pass data between interpreters (see concurrent.interpreters).");

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_interpqueues",
    .m_doc = module_doc,
    .m_size = sizeof(module_state),
    .m_methods = module_methods,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC
PyInit__interpqueues(void)
{
    return PyModuleDef_Init(&moduledef);
}
