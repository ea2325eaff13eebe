"""Debian's builds of non-isolated extension modules (numpy, lxml, psutil,
regex, ujson, yaml's libyaml binding) in own-GIL interpreters created with
private_extension_copies: each interpreter loads its own copy of every
shared library, four interpreters use them at the same time, and a part of
numpy's own test suite passes inside one (fork/deps installs the packages).

Each case runs in a child process, so that a crash fails the test instead
of ending the run.
"""

import os
import subprocess
import sys
import textwrap
import unittest

DEBIAN_PACKAGES = '/usr/lib/python3/dist-packages'
PACKAGES = {
    # module: Debian package
    'numpy': 'python3-numpy',
    'lxml.etree': 'python3-lxml',
    'psutil': 'python3-psutil',
    'regex': 'python3-regex',
    'ujson': 'python3-ujson',
    'yaml': 'python3-yaml',
}

# The work each interpreter does: every module used, its result hashed so
# that the interpreters and the main interpreter can be compared.
WORKLOAD = r'''
import sys, warnings, hashlib
sys.path.append(%(packages)r)
# numpy warns on import in any subinterpreter.
warnings.simplefilter('ignore', UserWarning)
import numpy as np, lxml.etree as et, psutil, regex, ujson, yaml
import importlib.metadata
results = [yaml.__with_libyaml__, importlib.metadata.version('numpy'),
           np.core._multiarray_umath.__file__.startswith(%(packages)r),
           np.__spec__.origin]
for k in range(40):
    a = np.arange(100.0) * k
    results.append(float(a.sum()))
    objs = np.array([{'k': k}, None, 'x' * k], dtype=object)
    results.append(repr(objs[::-1]))
    results.append(float(np.linalg.inv(np.eye(3) * (k + 1))[0, 0]))
    results.append(int(np.random.default_rng(k).integers(1000)))
    root = et.fromstring('<r><x n="%%d"/></r>' %% k)
    results.append(root[0].get('n'))
    results.append(regex.sub(r'\p{L}+', 'W', 'abc %%d d\u00e9f' %% k))
    results.append(ujson.loads(ujson.dumps({'k': k}))['k'])
    results.append(yaml.load('a: [%%d, 2]' %% k, Loader=yaml.CLoader)['a'])
    results.append(psutil.Process().pid == __import__('os').getpid())
digest = hashlib.sha256(repr(results).encode()).hexdigest()
''' % {'packages': DEBIAN_PACKAGES}


def missing_packages():
    missing = []
    for module, package in PACKAGES.items():
        top = module.split('.')[0]
        names = os.listdir(DEBIAN_PACKAGES) \
            if os.path.isdir(DEBIAN_PACKAGES) else []
        if not any(n == top or n.startswith(top + '.cpython-311-')
                   for n in names):
            missing.append(package)
    return missing


def run_child(script, timeout=600):
    proc = subprocess.run([sys.executable, '-I', '-c',
                           textwrap.dedent(script)],
                          capture_output=True, text=True, timeout=timeout)
    return proc


class PrivateCopiesOfDebianPackagesTests(unittest.TestCase):

    def setUp(self):
        missing = missing_packages()
        if missing:
            self.skipTest('not installed: ' + ' '.join(missing))

    def test_four_interpreters_at_once(self):
        proc = run_child(f"""
            import sys, threading
            from concurrent import interpreters
            workload = {WORKLOAD!r}
            interps = [interpreters.create(private_extension_copies=True)
                       for _ in range(4)]
            start = threading.Barrier(4)
            digests, errors = {{}}, []
            def work(i, interp):
                start.wait()
                try:
                    interp.exec(workload)
                    q = interpreters.create_queue()
                    interp.prepare_main(q=q)
                    interp.exec('q.put(digest)')
                    digests[i] = q.get()
                except Exception as exc:
                    errors.append(repr(exc))
            threads = [threading.Thread(target=work, args=(i, it))
                       for i, it in enumerate(interps)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            def copies():
                with open('/proc/self/maps') as maps:
                    return {{line.split()[-2] for line in maps
                            if 'percore-copy' in line}}
            loaded = copies()
            for interp in interps:
                interp.close()
            # The main interpreter imports the originals afterwards.
            exec(workload)
            print('errors', errors)
            print('same', sorted(set(digests.values())) == [digest],
                  len(digests))
            print('copies', len(loaded) >= 4 * len({PACKAGES!r}))
            print('unloaded', not copies())
            """)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines(),
                         ['errors []', 'same True 4', 'copies True',
                          'unloaded True'], proc.stderr)

    def test_numpy_test_suite_in_own_gil_interpreter(self):
        if not os.path.isdir(os.path.join(DEBIAN_PACKAGES, 'pytest')) \
                and not os.path.isdir(os.path.join(DEBIAN_PACKAGES,
                                                   '_pytest')):
            self.skipTest('not installed: python3-pytest')
        # A part of numpy.core.tests.test_multiarray (the whole module,
        # 1,349 tests, passes too but takes minutes on a busy machine).
        selection = ('TestFlags or TestAttributes or TestAssignment or '
                     'TestCreation or TestMethods or TestStructured or '
                     'TestBool or TestZeroSizeFlexible or TestPickling')
        proc = run_child(f"""
            from concurrent import interpreters
            interp = interpreters.create(private_extension_copies=True)
            interp.exec('''if 1:
                import os, sys, warnings
                sys.path.append({DEBIAN_PACKAGES!r})
                warnings.simplefilter('ignore', UserWarning)
                import numpy, pytest
                tests = os.path.join(os.path.dirname(numpy.__file__),
                                     'core', 'tests', 'test_multiarray.py')
                # The fault handlers are the main interpreter's.
                rc = pytest.main(['-q', '-p', 'no:cacheprovider',
                                  '-p', 'no:faulthandler',
                                  '-W', 'ignore::UserWarning',
                                  '-k', {selection!r}, tests])
                print('pytest exit code', int(rc))
                ''')
            interp.close()
            """)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[-1], 'pytest exit code 0', proc.stdout)
        self.assertRegex(proc.stdout, r'\d+ passed')

    def test_pyo3_module_refused(self):
        rust = os.path.join(DEBIAN_PACKAGES, 'cryptography', 'hazmat',
                            'bindings')
        if not os.path.isdir(rust):
            self.skipTest('not installed: python3-cryptography')
        proc = run_child(f"""
            from concurrent import interpreters
            interp = interpreters.create(private_extension_copies=True)
            try:
                interp.exec("import sys; "
                            "sys.path.append({DEBIAN_PACKAGES!r}); "
                            "import cryptography.hazmat.bindings._rust")
            except interpreters.ExecutionFailed as exc:
                print(exc.excinfo.type.__name__, exc.excinfo.msg)
            interp.close()
            """)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('ImportError', proc.stdout)
        self.assertIn('PyO3', proc.stdout)
        self.assertIn('cryptography.hazmat.bindings._rust', proc.stdout)

    def test_interpreter_pool(self):
        proc = run_child(f"""
            import sys
            sys.path.append({DEBIAN_PACKAGES!r})
            from concurrent.futures import InterpreterPoolExecutor
            import json
            with InterpreterPoolExecutor(
                    2, private_extension_copies=True,
                    initializer=exec,
                    initargs=("import sys; "
                              "sys.path.append({DEBIAN_PACKAGES!r})",)) as pool:
                # ujson.dumps runs in the workers, from their copies.
                import ujson
                print(list(pool.map(ujson.dumps, [[1], {{'a': 2}}])))
            """)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), """['[1]', '{"a":2}']""")


if __name__ == '__main__':
    unittest.main()
