/* An extension module compiled against the unpatched CPython 3.11.2 headers,
 * whose Py_INCREF()/Py_DECREF() write ob_refcnt unconditionally. percore
 * must keep its immortal objects immortal whatever such code does
 * (PEP 683: code built without it still writes the count). Built and
 * driven by fork/tests/test_abi.py.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifdef _Py_IMMORTAL_REFCNT_STORED
#  error "compile this against the unpatched 3.11.2 headers"
#endif

/* Keep the compiler from merging the increments and decrements of one
   loop iteration with the next: each must be a real write. */
#define BARRIER() __asm__ volatile("" ::: "memory")

static PyObject *
churn(PyObject *module, PyObject *args)
{
    PyObject *obj;
    long long n;
    if (!PyArg_ParseTuple(args, "OL", &obj, &n)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    /* Without the GIL on purpose: threads of percore's own-GIL interpreters
       run this concurrently on shared immortal objects. */
    for (long long i = 0; i < n; i++) {
        Py_INCREF(obj);
        BARRIER();
        Py_DECREF(obj);
        BARRIER();
    }
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *
add_references(PyObject *module, PyObject *args)
{
    PyObject *obj;
    long long n;
    if (!PyArg_ParseTuple(args, "OL", &obj, &n)) {
        return NULL;
    }
    /* n > 0: n unbalanced increfs; n < 0: -n unbalanced decrefs. */
    for (long long i = 0; i < n; i++) {
        Py_INCREF(obj);
        BARRIER();
    }
    for (long long i = 0; i < -n; i++) {
        Py_DECREF(obj);
        BARRIER();
    }
    Py_RETURN_NONE;
}

static PyObject *
stored_refcount(PyObject *module, PyObject *obj)
{
    /* The stock Py_REFCNT() reads the field as it is stored. */
    return PyLong_FromSsize_t(Py_REFCNT(obj) - 1);
}

static PyMethodDef methods[] = {
    {"churn", churn, METH_VARARGS, NULL},
    {"add_references", add_references, METH_VARARGS, NULL},
    {"stored_refcount", stored_refcount, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "stock_refcount", NULL, 0, methods,
};

PyMODINIT_FUNC
PyInit_stock_refcount(void)
{
    return PyModule_Create(&module);
}
