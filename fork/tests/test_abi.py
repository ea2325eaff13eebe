"""An extension built against the unpatched 3.11.2 headers keeps working in
percore, and cannot make an immortal object mortal (PEP 683: code built
without it still writes the count).

The headers come from the pristine upstream tarball (fork/fetch); pyconfig.h
is configure's output, the same for both builds since they share their
configure flags.
"""

import os
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import threading
import unittest

FORK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(FORK_DIR, 'tests', 'abi', 'stock_refcount.c')
IMMORTAL_REFCNT = 2**32 - 1


def stock_include_dir(tmp):
    baseline = os.path.join(os.path.dirname(FORK_DIR), 'build', 'baseline',
                            'include', 'python3.11')
    if os.path.exists(os.path.join(baseline, 'Python.h')):
        return [baseline]
    tarball = subprocess.run([os.path.join(FORK_DIR, 'fetch')],
                             capture_output=True, text=True,
                             check=True).stdout.strip()
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.split('/')[1:2] == ['Include']]
        tar.extractall(tmp, members)
    top = os.listdir(tmp)[0]
    return [os.path.join(tmp, top, 'Include'),
            os.path.dirname(sysconfig.get_config_h_filename())]


def build_extension(tmp):
    includes = stock_include_dir(tmp)
    out = os.path.join(tmp, 'stock_refcount'
                       + sysconfig.get_config_var('EXT_SUFFIX'))
    cmd = [sysconfig.get_config_var('CC').split()[0], '-shared', '-fPIC',
           '-O2', '-Wall', '-o', out, SOURCE]
    cmd += [f'-I{d}' for d in includes]
    subprocess.run(cmd, check=True)
    return tmp


class StockExtensionTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        sys.path.insert(0, build_extension(cls.tmp.name))
        import stock_refcount
        cls.ext = stock_refcount

    @classmethod
    def tearDownClass(cls):
        sys.path.remove(cls.tmp.name)
        cls.tmp.cleanup()

    def assertStillImmortal(self, obj):
        self.assertTrue(sys._is_immortal(obj))
        self.assertEqual(sys.getrefcount(obj), IMMORTAL_REFCNT)

    def test_billions_of_balanced_references(self):
        # Two threads (the extension drops the GIL) write the reference
        # counts of shared immortal objects a billion times each.
        objects = (None, True)
        threads = [threading.Thread(target=self.ext.churn,
                                    args=(obj, 500_000_000))
                   for obj in objects for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for obj in objects:
            self.assertStillImmortal(obj)
        self.assertIs(None, None)
        self.assertEqual(repr(None), 'None')

    def test_unbalanced_references(self):
        # More references dropped than ever taken, then more taken than
        # dropped, past 2**32 both ways: the stored count moves, the object
        # stays immortal.
        obj = None
        self.ext.add_references(obj, -3_000_000_000)
        self.assertStillImmortal(obj)
        self.ext.add_references(obj, 6_000_000_000)
        self.assertStillImmortal(obj)
        self.ext.add_references(obj, -3_000_000_000)
        self.assertStillImmortal(obj)
        for obj in (7, (), int):
            with self.subTest(obj=obj):
                self.ext.add_references(obj, 1_000_000_000)
                self.ext.add_references(obj, -1_000_000_000)
                self.assertStillImmortal(obj)
                self.assertLess(self.ext.stored_refcount(obj), 0)

    def test_mortal_objects_still_counted(self):
        obj = ['mortal']
        before = sys.getrefcount(obj)
        self.ext.add_references(obj, 3)
        self.assertEqual(sys.getrefcount(obj), before + 3)
        self.ext.add_references(obj, -3)
        self.assertEqual(sys.getrefcount(obj), before)
        self.ext.churn(obj, 1000)
        self.assertEqual(sys.getrefcount(obj), before)


DEBIAN_PACKAGES = '/usr/lib/python3/dist-packages'


class DebianExtensionTests(unittest.TestCase):
    """Third-party extension modules that Debian built for its own
    python3.11 (fork/deps installs the packages) import and work: they
    use the public C API, which they find in the percore executable.

    Debian's own lib-dynload modules are not among them: the standard
    library's modules are built with Py_BUILD_CORE_MODULE and read the
    runtime's internal structures, whose layout is percore's.
    """

    def run_with_debian_packages(self, module, code):
        path = os.path.join(DEBIAN_PACKAGES, *module.split('.')[:-1])
        names = os.listdir(path) if os.path.isdir(path) else []
        if not any(f.startswith(module.split('.')[-1] + '.cpython-311-')
                   for f in names):
            self.skipTest(f"Debian's build of {module} is not installed")
        script = (f'import sys\nsys.path.append({DEBIAN_PACKAGES!r})\n'
                  f'import {module}\nprint({module}.__file__)\n' + code)
        result = subprocess.run([sys.executable, '-I', '-c', script],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        file, *out = result.stdout.split()
        self.assertTrue(file.startswith(DEBIAN_PACKAGES + os.sep), file)
        return out

    def test_single_phase_module(self):
        # python3-markupsafe's C speedups: PyModule_Create().
        out = self.run_with_debian_packages(
            'markupsafe._speedups',
            'print(markupsafe._speedups.escape("<a&b>"))\n')
        self.assertEqual(out, ['&lt;a&amp;b&gt;'])

    def test_multi_phase_module(self):
        # python3-yaml's libyaml binding, built by Cython.
        out = self.run_with_debian_packages(
            'yaml._yaml',
            'import yaml\n'
            'print(yaml.load("a: [1, 2]", Loader=yaml.CLoader))\n')
        self.assertEqual(''.join(out), "{'a':[1,2]}")


if __name__ == '__main__':
    unittest.main()
