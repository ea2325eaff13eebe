"""make install PREFIX=DIR gives a prefix that runs where it stands, that
embedders build against with pkg-config, and whose python3 keeps its own
libpython when copied alone (as venv does)."""

import os
import shutil
import subprocess
import tempfile
import unittest

FORK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(FORK_DIR)


def run(*cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


@unittest.skipUnless(os.path.exists(os.path.join(REPO, 'build', 'install',
                                                 'bin', 'python3')),
                     'build/install is not built')
class InstallTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.prefix = os.path.join(cls.tmp, 'prefix')
        result = run(os.path.join(FORK_DIR, 'install'), cls.prefix)
        if result.returncode:
            raise RuntimeError(result.stderr)
        cls.python = os.path.join(cls.prefix, 'bin', 'python3')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_installed_python_runs_in_its_prefix(self):
        result = run('env', '-i', self.python, '-c',
                     'import sys, sysconfig; print(sys.prefix); '
                     'print(sysconfig.get_config_var("py_version"))')
        self.assertEqual(result.returncode, 0, result.stderr)
        prefix, version = result.stdout.split()
        self.assertEqual(os.path.realpath(prefix),
                         os.path.realpath(self.prefix))
        self.assertEqual(version, '3.11.2+percore')
        ldd = run('ldd', os.path.realpath(self.python)).stdout
        libpython = [line.split('=>')[1].split()[0]
                     for line in ldd.splitlines() if 'libpython3.11' in line]
        self.assertEqual(
            [os.path.realpath(path) for path in libpython],
            [os.path.realpath(os.path.join(self.prefix, 'lib',
                                           'libpython3.11.so.1.0'))])

    def test_embedding_program_with_pkg_config(self):
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(
            self.prefix, 'lib', 'pkgconfig'))
        flags = run('pkg-config', '--cflags', '--libs', 'python3-embed',
                    env=env)
        self.assertEqual(flags.returncode, 0, flags.stderr)
        exe = os.path.join(self.tmp, 'hello')
        build = run('cc', os.path.join(FORK_DIR, 'tests', 'embed', 'hello.c'),
                    '-o', exe, *flags.stdout.split())
        self.assertEqual(build.returncode, 0, build.stderr)
        result = run('env', '-i', exe)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, '3.11.2+percore True\n')

    def test_copied_executable_keeps_its_libpython(self):
        # venv.create() copies the executable by default: the copy must not
        # load another libpython3.11.so (Debian ships one).
        venv_dir = os.path.join(self.tmp, 'venv')
        result = run(self.python, '-c',
                     f'import venv; venv.create({venv_dir!r})')
        self.assertEqual(result.returncode, 0, result.stderr)
        result = run(os.path.join(venv_dir, 'bin', 'python3'), '-c',
                     'import sys; print(sys.version.split()[0])')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), '3.11.2+percore')


if __name__ == '__main__':
    unittest.main()
