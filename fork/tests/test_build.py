"""The built prefix is what README.rst promises .

Run with the python under test: build/install/bin/python3 -m unittest ...
"""

import os
import platform
import re
import subprocess
import sys
import sysconfig
import unittest

PREFIX = sys.prefix
LIBDIR = os.path.join(PREFIX, 'lib')
# make builds the release configuration, make dev the quick one.
RELEASE = '--enable-optimizations' in sysconfig.get_config_var('CONFIG_ARGS')


def linked_libraries(path):
    out = subprocess.run(['ldd', path], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r'^\s*(\S+)', out, re.M)


class VersionTests(unittest.TestCase):
    def test_sys_version_names_percore(self):
        self.assertTrue(sys.version.startswith('3.11.2+percore '), sys.version)
        self.assertEqual(sys.version_info[:3], (3, 11, 2))

    def test_cpython_compatible(self):
        self.assertEqual(platform.python_implementation(), 'CPython')
        self.assertEqual(platform.python_version(), '3.11.2+percore')
        self.assertEqual(sys.implementation.name, 'cpython')

    def test_sysconfig_knows_it(self):
        self.assertEqual(sysconfig.get_config_var('py_version'),
                         '3.11.2+percore')
        self.assertEqual(sysconfig.get_python_version(), '3.11')


class PrefixTests(unittest.TestCase):
    def test_runs_without_environment(self):
        # The rpath is $ORIGIN-relative: no LD_LIBRARY_PATH, no PYTHONHOME.
        exe = os.path.join(PREFIX, 'bin', 'python3')
        out = subprocess.run(['env', '-i', exe, '-c',
                              'import sys; print(sys.prefix)'],
                             capture_output=True, text=True, check=True)
        self.assertEqual(os.path.realpath(out.stdout.strip()),
                         os.path.realpath(PREFIX))

    def test_shared_library_and_pkgconfig(self):
        self.assertTrue(os.path.exists(os.path.join(LIBDIR, 'libpython3.11.so')))
        pc = os.path.join(LIBDIR, 'pkgconfig', 'python3-embed.pc')
        with open(pc) as f:
            self.assertIn('-lpython3.11', f.read())
        self.assertTrue(sysconfig.get_config_var('Py_ENABLE_SHARED'))

    @unittest.skipUnless(RELEASE, 'not the release configuration (make dev)')
    def test_python_has_the_interpreter_linked_in(self):
        # As Debian's python3.11: no call into the runtime goes through
        # libpython3.11.so's PLT; extension modules bind to the executable.
        exe = os.path.join(PREFIX, 'bin', 'python3')
        self.assertFalse(any('libpython3.11.so' in lib
                             for lib in linked_libraries(exe)))
        dynsym = subprocess.run(['nm', '-D', '--defined-only', exe],
                                capture_output=True, text=True,
                                check=True).stdout
        exported = {line.split()[-1] for line in dynsym.splitlines()}
        self.assertIn('PyModule_Create2', exported)

    @unittest.skipUnless(RELEASE, 'not the release configuration (make dev)')
    def test_release_configuration(self):
        cflags = sysconfig.get_config_var('PY_CFLAGS_NODIST')
        for flag in ['-fprofile-use', '-flto', '-fno-semantic-interposition']:
            with self.subTest(flag=flag):
                self.assertIn(flag, cflags.split())

    def test_system_libraries(self):
        # Debian's libffi, zlib, OpenSSL and expat, not bundled copies.
        expected = {
            '_ctypes': 'libffi.so',
            'zlib': 'libz.so',
            '_ssl': 'libssl.so',
            '_hashlib': 'libcrypto.so',
            'pyexpat': 'libexpat.so',
        }
        for module, library in expected.items():
            with self.subTest(module=module):
                mod = __import__(module)
                libs = linked_libraries(mod.__file__)
                self.assertTrue(any(lib.startswith(library) for lib in libs),
                                f'{module} links {libs}')


if __name__ == '__main__':
    unittest.main()
