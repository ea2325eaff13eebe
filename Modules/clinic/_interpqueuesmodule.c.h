/*[clinic input]
preserve
[clinic start generated code]*/

PyDoc_STRVAR(_interpqueues_put_wait__doc__,
"put_wait($module, /, qid, obj, block=True, timeout=None, *,\n"
"         unboundop=-1)\n"
"--\n"
"\n"
"Add a copy of obj to the queue; wait for room if it is full.\n"
"\n"
"unboundop says what becomes of the item if the interpreter putting it\n"
"ends first: 0 kept, 1 removed, 2 get() raises, 3 get() returns the\n"
"registered UNBOUND; -1 (the default) the queue\'s default.");

#define _INTERPQUEUES_PUT_WAIT_METHODDEF    \
    {"put_wait", _PyCFunction_CAST(_interpqueues_put_wait), METH_FASTCALL|METH_KEYWORDS, _interpqueues_put_wait__doc__},

static PyObject *
_interpqueues_put_wait_impl(PyObject *module, int64_t qid, PyObject *obj,
                            int block, PyObject *timeout, int unboundop);

static PyObject *
_interpqueues_put_wait(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"qid", "obj", "block", "timeout", "unboundop", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "put_wait", 0};
    PyObject *argsbuf[5];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 2;
    int64_t qid;
    PyObject *obj;
    int block = 1;
    PyObject *timeout = Py_None;
    int unboundop = -1;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 2, 4, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!qid_converter(args[0], &qid)) {
        goto exit;
    }
    obj = args[1];
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[2]) {
        block = PyObject_IsTrue(args[2]);
        if (block < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    if (args[3]) {
        timeout = args[3];
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
skip_optional_pos:
    if (!noptargs) {
        goto skip_optional_kwonly;
    }
    unboundop = _PyLong_AsInt(args[4]);
    if (unboundop == -1 && PyErr_Occurred()) {
        goto exit;
    }
skip_optional_kwonly:
    return_value = _interpqueues_put_wait_impl(module, qid, obj, block, timeout, unboundop);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_get_wait__doc__,
"get_wait($module, /, qid, block=True, timeout=None)\n"
"--\n"
"\n"
"Remove the oldest item and return it, rebuilt in this interpreter.\n"
"\n"
"If there is none, wait up to timeout seconds (None: for ever) when block\n"
"is true, else raise QueueEmpty.");

#define _INTERPQUEUES_GET_WAIT_METHODDEF    \
    {"get_wait", _PyCFunction_CAST(_interpqueues_get_wait), METH_FASTCALL|METH_KEYWORDS, _interpqueues_get_wait__doc__},

static PyObject *
_interpqueues_get_wait_impl(PyObject *module, int64_t qid, int block,
                            PyObject *timeout);

static PyObject *
_interpqueues_get_wait(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"qid", "block", "timeout", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "get_wait", 0};
    PyObject *argsbuf[3];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 1;
    int64_t qid;
    int block = 1;
    PyObject *timeout = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 1, 3, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!qid_converter(args[0], &qid)) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[1]) {
        block = PyObject_IsTrue(args[1]);
        if (block < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    timeout = args[2];
skip_optional_pos:
    return_value = _interpqueues_get_wait_impl(module, qid, block, timeout);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_get__doc__,
"get($module, /, qid)\n"
"--\n"
"\n"
"Remove the oldest item; return (item, None), as CPython 3.14 does.\n"
"\n"
"For an item whose interpreter has ended, return (None, unboundop).\n"
"Raise QueueEmpty if there is none.");

#define _INTERPQUEUES_GET_METHODDEF    \
    {"get", _PyCFunction_CAST(_interpqueues_get), METH_FASTCALL|METH_KEYWORDS, _interpqueues_get__doc__},

static PyObject *
_interpqueues_get_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_get(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"qid", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "get", 0};
    PyObject *argsbuf[1];
    int64_t qid;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 1, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!qid_converter(args[0], &qid)) {
        goto exit;
    }
    return_value = _interpqueues_get_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_put__doc__,
"put($module, /, qid, obj, unboundop=-1, fallback=-1)\n"
"--\n"
"\n"
"Add a copy of obj to the queue, as CPython 3.14 does; QueueFull if full.\n"
"\n"
"unboundop as for put_wait(); fallback is accepted for 3.14\'s sake:\n"
"objects that cannot be copied are always pickled.");

#define _INTERPQUEUES_PUT_METHODDEF    \
    {"put", _PyCFunction_CAST(_interpqueues_put), METH_FASTCALL|METH_KEYWORDS, _interpqueues_put__doc__},

static PyObject *
_interpqueues_put_impl(PyObject *module, int64_t qid, PyObject *obj,
                       int unboundop, int fallback);

static PyObject *
_interpqueues_put(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"qid", "obj", "unboundop", "fallback", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "put", 0};
    PyObject *argsbuf[4];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 2;
    int64_t qid;
    PyObject *obj;
    int unboundop = -1;
    int fallback = -1;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 2, 4, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!qid_converter(args[0], &qid)) {
        goto exit;
    }
    obj = args[1];
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[2]) {
        unboundop = _PyLong_AsInt(args[2]);
        if (unboundop == -1 && PyErr_Occurred()) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    fallback = _PyLong_AsInt(args[3]);
    if (fallback == -1 && PyErr_Occurred()) {
        goto exit;
    }
skip_optional_pos:
    return_value = _interpqueues_put_impl(module, qid, obj, unboundop, fallback);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_destroy__doc__,
"destroy($module, /, qid)\n"
"--\n"
"\n"
"Clear the queue and make it gone, as CPython 3.14 does.\n"
"\n"
"Every later use of its id raises QueueNotFoundError; waiting calls wake\n"
"up and raise it.  Its memory goes with the last handle.");

#define _INTERPQUEUES_DESTROY_METHODDEF    \
    {"destroy", _PyCFunction_CAST(_interpqueues_destroy), METH_FASTCALL|METH_KEYWORDS, _interpqueues_destroy__doc__},

static PyObject *
_interpqueues_destroy_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_destroy(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"qid", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "destroy", 0};
    PyObject *argsbuf[1];
    int64_t qid;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 1, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!qid_converter(args[0], &qid)) {
        goto exit;
    }
    return_value = _interpqueues_destroy_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_create__doc__,
"create($module, /, maxsize=0, unboundop=-1, fallback=-1)\n"
"--\n"
"\n"
"Create a queue holding one handle, which the caller takes over.\n"
"\n"
"  unboundop\n"
"    put()\'s default (see put_wait()); -1: UNBOUND (3), as in 3.14.\n"
"  fallback\n"
"    Accepted for CPython 3.14\'s sake.\n"
"\n"
"Return its id.");

#define _INTERPQUEUES_CREATE_METHODDEF    \
    {"create", _PyCFunction_CAST(_interpqueues_create), METH_FASTCALL|METH_KEYWORDS, _interpqueues_create__doc__},

static PyObject *
_interpqueues_create_impl(PyObject *module, Py_ssize_t maxsize,
                          int unboundop, int fallback);

static PyObject *
_interpqueues_create(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    static const char * const _keywords[] = {"maxsize", "unboundop", "fallback", NULL};
    static _PyArg_Parser _parser = {NULL, _keywords, "create", 0};
    PyObject *argsbuf[3];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    Py_ssize_t maxsize = 0;
    int unboundop = -1;
    int fallback = -1;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 3, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[0]) {
        {
            Py_ssize_t ival = -1;
            PyObject *iobj = _PyNumber_Index(args[0]);
            if (iobj != NULL) {
                ival = PyLong_AsSsize_t(iobj);
                Py_DECREF(iobj);
            }
            if (ival == -1 && PyErr_Occurred()) {
                goto exit;
            }
            maxsize = ival;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    if (args[1]) {
        unboundop = _PyLong_AsInt(args[1]);
        if (unboundop == -1 && PyErr_Occurred()) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    fallback = _PyLong_AsInt(args[2]);
    if (fallback == -1 && PyErr_Occurred()) {
        goto exit;
    }
skip_optional_pos:
    return_value = _interpqueues_create_impl(module, maxsize, unboundop, fallback);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_bind__doc__,
"bind($module, qid, /)\n"
"--\n"
"\n"
"Take one more handle on the queue.");

#define _INTERPQUEUES_BIND_METHODDEF    \
    {"bind", (PyCFunction)_interpqueues_bind, METH_O, _interpqueues_bind__doc__},

static PyObject *
_interpqueues_bind_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_bind(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_bind_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_release__doc__,
"release($module, qid, /)\n"
"--\n"
"\n"
"Drop a handle; the last one destroys the queue.");

#define _INTERPQUEUES_RELEASE_METHODDEF    \
    {"release", (PyCFunction)_interpqueues_release, METH_O, _interpqueues_release__doc__},

static PyObject *
_interpqueues_release_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_release(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_release_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_get_count__doc__,
"get_count($module, qid, /)\n"
"--\n"
"\n"
"How many items the queue holds (CPython 3.14\'s name).");

#define _INTERPQUEUES_GET_COUNT_METHODDEF    \
    {"get_count", (PyCFunction)_interpqueues_get_count, METH_O, _interpqueues_get_count__doc__},

static PyObject *
_interpqueues_get_count_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_get_count(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_get_count_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_get_maxsize__doc__,
"get_maxsize($module, qid, /)\n"
"--\n"
"\n"
"The most items the queue may hold (CPython 3.14\'s name).");

#define _INTERPQUEUES_GET_MAXSIZE_METHODDEF    \
    {"get_maxsize", (PyCFunction)_interpqueues_get_maxsize, METH_O, _interpqueues_get_maxsize__doc__},

static PyObject *
_interpqueues_get_maxsize_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_get_maxsize(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_get_maxsize_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_is_full__doc__,
"is_full($module, qid, /)\n"
"--\n"
"\n"
"Whether the queue holds maxsize items.");

#define _INTERPQUEUES_IS_FULL_METHODDEF    \
    {"is_full", (PyCFunction)_interpqueues_is_full, METH_O, _interpqueues_is_full__doc__},

static PyObject *
_interpqueues_is_full_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_is_full(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_is_full_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_get_queue_defaults__doc__,
"get_queue_defaults($module, qid, /)\n"
"--\n"
"\n"
"The queue\'s (unboundop, fallback), as given to create().");

#define _INTERPQUEUES_GET_QUEUE_DEFAULTS_METHODDEF    \
    {"get_queue_defaults", (PyCFunction)_interpqueues_get_queue_defaults, METH_O, _interpqueues_get_queue_defaults__doc__},

static PyObject *
_interpqueues_get_queue_defaults_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_get_queue_defaults(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_get_queue_defaults_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_qsize__doc__,
"qsize($module, qid, /)\n"
"--\n"
"\n"
"How many items the queue holds.");

#define _INTERPQUEUES_QSIZE_METHODDEF    \
    {"qsize", (PyCFunction)_interpqueues_qsize, METH_O, _interpqueues_qsize__doc__},

static PyObject *
_interpqueues_qsize_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_qsize(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_qsize_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_maxsize__doc__,
"maxsize($module, qid, /)\n"
"--\n"
"\n"
"The most items the queue may hold (0: no limit).");

#define _INTERPQUEUES_MAXSIZE_METHODDEF    \
    {"maxsize", (PyCFunction)_interpqueues_maxsize, METH_O, _interpqueues_maxsize__doc__},

static PyObject *
_interpqueues_maxsize_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_maxsize(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_maxsize_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_handles__doc__,
"handles($module, qid, /)\n"
"--\n"
"\n"
"How many handles keep the queue alive.");

#define _INTERPQUEUES_HANDLES_METHODDEF    \
    {"handles", (PyCFunction)_interpqueues_handles, METH_O, _interpqueues_handles__doc__},

static PyObject *
_interpqueues_handles_impl(PyObject *module, int64_t qid);

static PyObject *
_interpqueues_handles(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t qid;

    if (!qid_converter(arg, &qid)) {
        goto exit;
    }
    return_value = _interpqueues_handles_impl(module, qid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_list_all__doc__,
"list_all($module, /)\n"
"--\n"
"\n"
"(id, unboundop, fallback) of every queue, oldest first, as in 3.14.");

#define _INTERPQUEUES_LIST_ALL_METHODDEF    \
    {"list_all", (PyCFunction)_interpqueues_list_all, METH_NOARGS, _interpqueues_list_all__doc__},

static PyObject *
_interpqueues_list_all_impl(PyObject *module);

static PyObject *
_interpqueues_list_all(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpqueues_list_all_impl(module);
}

PyDoc_STRVAR(_interpqueues_exported_buffers__doc__,
"exported_buffers($module, interpid, /)\n"
"--\n"
"\n"
"How many buffers of the interpreter are still shared through memoryviews.");

#define _INTERPQUEUES_EXPORTED_BUFFERS_METHODDEF    \
    {"exported_buffers", (PyCFunction)_interpqueues_exported_buffers, METH_O, _interpqueues_exported_buffers__doc__},

static PyObject *
_interpqueues_exported_buffers_impl(PyObject *module, int64_t iid);

static PyObject *
_interpqueues_exported_buffers(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t iid;

    if (!qid_converter(arg, &iid)) {
        goto exit;
    }
    return_value = _interpqueues_exported_buffers_impl(module, iid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_release_pending__doc__,
"release_pending($module, /)\n"
"--\n"
"\n"
"Release this interpreter\'s buffers that no other interpreter uses now.");

#define _INTERPQUEUES_RELEASE_PENDING_METHODDEF    \
    {"release_pending", (PyCFunction)_interpqueues_release_pending, METH_NOARGS, _interpqueues_release_pending__doc__},

static PyObject *
_interpqueues_release_pending_impl(PyObject *module);

static PyObject *
_interpqueues_release_pending(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpqueues_release_pending_impl(module);
}

PyDoc_STRVAR(_interpqueues__register__doc__,
"_register($module, queue_cls, interpreter_cls,\n"
"          unbound=<unrepresentable>, item_destroyed=<unrepresentable>,\n"
"          /)\n"
"--\n"
"\n"
"The classes that rebuild queues and interpreters in this interpreter.\n"
"\n"
"unbound is what get() returns for an item unbound with UNBOUND (3), and\n"
"item_destroyed the exception it raises for one unbound with\n"
"UNBOUND_ERROR (2).");

#define _INTERPQUEUES__REGISTER_METHODDEF    \
    {"_register", _PyCFunction_CAST(_interpqueues__register), METH_FASTCALL, _interpqueues__register__doc__},

static PyObject *
_interpqueues__register_impl(PyObject *module, PyObject *qcls,
                             PyObject *icls, PyObject *unbound,
                             PyObject *item_destroyed);

static PyObject *
_interpqueues__register(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    PyObject *qcls;
    PyObject *icls;
    PyObject *unbound = NULL;
    PyObject *item_destroyed = NULL;

    if (!_PyArg_CheckPositional("_register", nargs, 2, 4)) {
        goto exit;
    }
    if (!PyObject_TypeCheck(args[0], &PyType_Type)) {
        _PyArg_BadArgument("_register", "argument 1", (&PyType_Type)->tp_name, args[0]);
        goto exit;
    }
    qcls = args[0];
    if (!PyObject_TypeCheck(args[1], &PyType_Type)) {
        _PyArg_BadArgument("_register", "argument 2", (&PyType_Type)->tp_name, args[1]);
        goto exit;
    }
    icls = args[1];
    if (nargs < 3) {
        goto skip_optional;
    }
    unbound = args[2];
    if (nargs < 4) {
        goto skip_optional;
    }
    if (!PyObject_TypeCheck(args[3], &PyType_Type)) {
        _PyArg_BadArgument("_register", "argument 4", (&PyType_Type)->tp_name, args[3]);
        goto exit;
    }
    item_destroyed = args[3];
skip_optional:
    return_value = _interpqueues__register_impl(module, qcls, icls, unbound, item_destroyed);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues__register_heap_types__doc__,
"_register_heap_types($module, queuetype, emptyerror, fullerror, /)\n"
"--\n"
"\n"
"Accepted for CPython 3.14\'s concurrent.interpreters; does nothing.\n"
"\n"
"percore\'s concurrent.interpreters registers its classes with _register()\n"
"and raises its own QueueEmpty and QueueFull.");

#define _INTERPQUEUES__REGISTER_HEAP_TYPES_METHODDEF    \
    {"_register_heap_types", _PyCFunction_CAST(_interpqueues__register_heap_types), METH_FASTCALL, _interpqueues__register_heap_types__doc__},

static PyObject *
_interpqueues__register_heap_types_impl(PyObject *module,
                                        PyObject *queuetype,
                                        PyObject *emptyerror,
                                        PyObject *fullerror);

static PyObject *
_interpqueues__register_heap_types(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    PyObject *queuetype;
    PyObject *emptyerror;
    PyObject *fullerror;

    if (!_PyArg_CheckPositional("_register_heap_types", nargs, 3, 3)) {
        goto exit;
    }
    queuetype = args[0];
    emptyerror = args[1];
    fullerror = args[2];
    return_value = _interpqueues__register_heap_types_impl(module, queuetype, emptyerror, fullerror);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpqueues_is_shareable__doc__,
"is_shareable($module, obj, /)\n"
"--\n"
"\n"
"Whether obj crosses interpreters without pickling.");

#define _INTERPQUEUES_IS_SHAREABLE_METHODDEF    \
    {"is_shareable", (PyCFunction)_interpqueues_is_shareable, METH_O, _interpqueues_is_shareable__doc__},

PyDoc_STRVAR(_interpqueues_current_interpreter_id__doc__,
"current_interpreter_id($module, /)\n"
"--\n"
"\n"
"The id of the interpreter this code runs in.");

#define _INTERPQUEUES_CURRENT_INTERPRETER_ID_METHODDEF    \
    {"current_interpreter_id", (PyCFunction)_interpqueues_current_interpreter_id, METH_NOARGS, _interpqueues_current_interpreter_id__doc__},

static PyObject *
_interpqueues_current_interpreter_id_impl(PyObject *module);

static PyObject *
_interpqueues_current_interpreter_id(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpqueues_current_interpreter_id_impl(module);
}

PyDoc_STRVAR(_interpqueues_interpreter_exists__doc__,
"interpreter_exists($module, id, /)\n"
"--\n"
"\n"
"Whether an interpreter with this id exists.");

#define _INTERPQUEUES_INTERPRETER_EXISTS_METHODDEF    \
    {"interpreter_exists", (PyCFunction)_interpqueues_interpreter_exists, METH_O, _interpqueues_interpreter_exists__doc__},

static PyObject *
_interpqueues_interpreter_exists_impl(PyObject *module, int64_t iid);

static PyObject *
_interpqueues_interpreter_exists(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    int64_t iid;

    if (!qid_converter(arg, &iid)) {
        goto exit;
    }
    return_value = _interpqueues_interpreter_exists_impl(module, iid);

exit:
    return return_value;
}
/*[clinic end generated code: output=8eb63b420a36f0f2 input=a9049054013a1b77]*/
