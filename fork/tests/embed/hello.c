/* The smallest embedding program: built with
 *     cc hello.c $(pkg-config --cflags --libs python3-embed)
 * against an installed percore prefix by fork/tests/test_install.py. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int
main(void)
{
    Py_Initialize();
    int rc = PyRun_SimpleString(
        "import sys\n"
        "print(sys.version.split()[0], sys._is_immortal(None))\n");
    if (Py_FinalizeEx() < 0) {
        return 120;
    }
    return rc == 0 ? 0 : 1;
}
