# Tests of concurrent.interpreters and InterpreterPoolExecutor (percore).
#
# Named test_concurrent_interpreters rather than test_interpreters, where
# CPython 3.13+ puts them: 3.11.2 has a module test/test_interpreters.py
# (tests of test.support.interpreters) that a package of that name would
# shadow.

import os
from test.support import load_package_tests, import_helper

# helpers.py, imported by the interpreters the tests create, imports this
# package too: import nothing here that a subinterpreter should not load
# (see the note on _xxsubinterpreters in concurrent/interpreters).
import_helper.import_module('_interpqueues')


def load_tests(*args):
    return load_package_tests(os.path.dirname(__file__), *args)
