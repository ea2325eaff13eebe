"""An extension built against the unpatched 3.11.2 headers keeps working in
percore, and cannot make an immortal object mortal (issue 3, item 4).

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


DEBIAN_DYNLOAD = '/usr/lib/python3.11/lib-dynload'


@unittest.skipUnless(os.path.isdir(DEBIAN_DYNLOAD),
                     "Debian's libpython3.11-stdlib is not installed")
class DebianExtensionTests(unittest.TestCase):
    """Extension modules that Debian built for its own python3.11 import
    and work: they bind to the symbols the percore executable exports."""

    def load_debian_module(self, name, code):
        path, = [os.path.join(DEBIAN_DYNLOAD, f)
                 for f in os.listdir(DEBIAN_DYNLOAD)
                 if f.startswith(name + '.cpython-311-')]
        script = (
            'import importlib.machinery, importlib.util, sys\n'
            f'loader = importlib.machinery.ExtensionFileLoader({name!r}, {path!r})\n'
            f'spec = importlib.util.spec_from_loader({name!r}, loader)\n'
            'mod = importlib.util.module_from_spec(spec)\n'
            'loader.exec_module(mod)\n'
            'print(mod.__file__)\n' + code)
        return subprocess.run([sys.executable, '-I', '-c', script],
                              capture_output=True, text=True), path

    def test_multi_phase_module(self):
        result, path = self.load_debian_module(
            '_bz2', 'data = bytes(range(256)) * 64\n'
                    'c = mod.BZ2Compressor()\n'
                    'packed = c.compress(data) + c.flush()\n'
                    'print(mod.BZ2Decompressor().decompress(packed) == data)\n')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), [path, 'True'])

    def test_single_phase_module(self):
        # 3.11's _ctypes is single-phase, and makes static types.
        result, path = self.load_debian_module(
            '_ctypes', 'sys.modules["_ctypes"] = mod\n'
                       'import ctypes\n'
                       'print(ctypes.CDLL(None).strlen(b"percore") == 7)\n')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), [path, 'True'])


if __name__ == '__main__':
    unittest.main()
