/* Test extension modules for the strict extension check (PEP 684).

   One shared library, several modules, each loaded by its own name (the
   loader calls PyInit_<name>):

     _testmultiinterp                          multi-phase, no slot; reports
                                               the counters below
     _testmultiinterp_single                   single-phase
     _testmultiinterp_not_supported            slot: NOT_SUPPORTED
     _testmultiinterp_supported                slot: SUPPORTED
     _testmultiinterp_per_interpreter_gil      slot: PER_INTERPRETER_GIL_SUPPORTED
     _testmultiinterp_no_slot                  multi-phase, no slot
     _testmultiinterp_bad_value                slot with an unknown value
     _testmultiinterp_two_slots                the slot twice

   The process-wide counters say how often each init function was entered,
   and how far it got, so tests can tell that a refused module's code did
   not run.  They are test instrumentation, updated atomically. */

#ifndef Py_BUILD_CORE_BUILTIN
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"

enum variant {
    SINGLE,
    NOT_SUPPORTED,
    SUPPORTED,
    PER_INTERPRETER_GIL,
    NO_SLOT,
    N_VARIANTS
};

static const char * const variant_names[N_VARIANTS] = {
    "single", "not_supported", "supported", "per_interpreter_gil", "no_slot",
};

/* entered: PyInit_* called (single-phase) or exec slot run (multi-phase);
   completed: the module's own initialization done after PyModule_Create()
   (single-phase) or its exec slot finished (multi-phase). */
static long entered[N_VARIANTS];
static long completed[N_VARIANTS];

static void
count(long *counters, enum variant v)
{
    __atomic_add_fetch(&counters[v], 1, __ATOMIC_RELAXED);
}

static PyObject *
init_counts(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    PyObject *counts = PyDict_New();
    if (counts == NULL) {
        return NULL;
    }
    for (int v = 0; v < N_VARIANTS; v++) {
        PyObject *pair = Py_BuildValue(
            "(ll)",
            __atomic_load_n(&entered[v], __ATOMIC_RELAXED),
            __atomic_load_n(&completed[v], __ATOMIC_RELAXED));
        if (pair == NULL
            || PyDict_SetItemString(counts, variant_names[v], pair) < 0)
        {
            Py_XDECREF(pair);
            Py_DECREF(counts);
            return NULL;
        }
        Py_DECREF(pair);
    }
    return counts;
}

static PyMethodDef report_methods[] = {
    {"init_counts", init_counts, METH_NOARGS,
     "Return {variant: (entered, completed)} for every test module."},
    {NULL, NULL, 0, NULL}
};


/* Multi-phase modules: an exec slot that counts, and the slot under test. */

#define DEFINE_EXEC(VARIANT, FUNC)                                      \
    static int                                                          \
    FUNC(PyObject *module)                                              \
    {                                                                   \
        count(entered, VARIANT);                                        \
        if (PyModule_AddIntConstant(module, "variant", VARIANT) < 0) {  \
            return -1;                                                  \
        }                                                               \
        count(completed, VARIANT);                                      \
        return 0;                                                       \
    }

DEFINE_EXEC(NOT_SUPPORTED, exec_not_supported)
DEFINE_EXEC(SUPPORTED, exec_supported)
DEFINE_EXEC(PER_INTERPRETER_GIL, exec_per_interpreter_gil)
DEFINE_EXEC(NO_SLOT, exec_no_slot)

static PyModuleDef_Slot report_slots[] = {
    {0, NULL}
};

static struct PyModuleDef report_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_testmultiinterp",
    .m_doc = "Counters of the _testmultiinterp_* test modules.",
    .m_size = 0,
    .m_methods = report_methods,
    .m_slots = report_slots,
};

PyMODINIT_FUNC
PyInit__testmultiinterp(void)
{
    return PyModuleDef_Init(&report_def);
}

#define DEFINE_MULTI_PHASE(NAME, ...)                                   \
    static PyModuleDef_Slot NAME##_slots[] = {                          \
        __VA_ARGS__,                                                    \
        {0, NULL}                                                       \
    };                                                                  \
    static struct PyModuleDef NAME##_def = {                            \
        PyModuleDef_HEAD_INIT,                                          \
        .m_name = "_testmultiinterp_" #NAME,                            \
        .m_size = 0,                                                    \
        .m_slots = NAME##_slots,                                        \
    };                                                                  \
    PyMODINIT_FUNC                                                      \
    PyInit__testmultiinterp_##NAME(void)                                \
    {                                                                   \
        return PyModuleDef_Init(&NAME##_def);                           \
    }

DEFINE_MULTI_PHASE(not_supported,
    {Py_mod_exec, exec_not_supported},
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED})
DEFINE_MULTI_PHASE(supported,
    {Py_mod_exec, exec_supported},
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED})
DEFINE_MULTI_PHASE(per_interpreter_gil,
    {Py_mod_exec, exec_per_interpreter_gil},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED})
DEFINE_MULTI_PHASE(no_slot,
    {Py_mod_exec, exec_no_slot})
DEFINE_MULTI_PHASE(bad_value,
    {Py_mod_multiple_interpreters, (void *)7})
DEFINE_MULTI_PHASE(two_slots,
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED})


/* The single-phase module. */

static struct PyModuleDef single_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_testmultiinterp_single",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__testmultiinterp_single(void)
{
    count(entered, SINGLE);
    PyObject *module = PyModule_Create(&single_def);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(module, "variant", SINGLE) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    count(completed, SINGLE);
    return module;
}
