"""Doc/includes/embed_parallel.c, the C API documentation's example of
interpreters with a GIL each, builds against an installed prefix with
pkg-config and computes the right answers.  Timings are printed by the
program, never asserted."""

import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from installed import REPO, embed_flags, install, needs_build, run

EXAMPLE = os.path.join(REPO, 'Doc', 'includes', 'embed_parallel.c')

# Small enough to take well under a second per unit of work.
N = 3
LIMIT = 20000
PRIMES_BELOW = {1000: 168, 20000: 2262}

REFUSALS = [
    'refused: PyInterpreterConfig: own_gil=1 conflicts with '
    'use_main_obmalloc=1: ',
    'refused: PyInterpreterConfig: use_main_obmalloc=0 conflicts with '
    'strict_extensions=0: ',
    'refused: PyInterpreterConfig: allow_daemon_threads=1 conflicts with '
    'allow_threads=0: ',
]


@needs_build
class EmbedParallelTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        prefix = os.path.join(cls.tmp, 'prefix')
        install(prefix)
        cls.flags = embed_flags(prefix)
        cls.exe = os.path.join(cls.tmp, 'embed_parallel')
        cls.build = run('cc', '-Wall', '-Werror', EXAMPLE, '-o', cls.exe,
                        *cls.flags)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_example(self, *args):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        result = run('env', '-i', self.exe, *map(str, args), timeout=600)
        lines = result.stdout.splitlines()
        return result, lines

    def test_results(self):
        result, lines = self.run_example(N, LIMIT)
        # Py_NewInterpreterEx() says which fields conflict.
        for line, prefix in zip(lines[:3], REFUSALS, strict=True):
            self.assertTrue(line.startswith(prefix), result.stdout)
        expected = PRIMES_BELOW[LIMIT]
        self.assertIn(f'sequential: interpreter 0: count_primes({LIMIT}) = '
                      f'{expected}, {N} times', lines)
        for i in range(N):
            self.assertIn(f'parallel: interpreter {i}: '
                          f'count_primes({LIMIT}) = {expected}, 1 time',
                          lines)
        self.assertTrue(any(re.fullmatch(
            rf'1 interpreter: [0-9.]+ s; {N} interpreters: [0-9.]+ s; '
            rf'speedup [0-9.]+ on [0-9]+ CPUs', line) for line in lines),
            result.stdout)
        # One interpreter raising does not stop the others.
        self.assertIn('mixed: interpreter 0: count_primes(1000) = 168, '
                      '1 time', lines)
        self.assertIn('mixed: interpreter 1 failed: ValueError: limit must '
                      'be at least 2, not 1', lines)
        self.assertIn('mixed: interpreter 2: count_primes(1000) = 168, '
                      '1 time', lines)
        self.assertIn('results: correct', lines)
        self.assertEqual(lines[-1], 'finalized', result.stdout)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, '')

    def test_one_interpreter(self):
        # N=1: the same code paths with no other interpreter running.
        result, lines = self.run_example(1, 1000)
        self.assertIn('parallel: interpreter 0: count_primes(1000) = 168, '
                      '1 time', lines)
        self.assertIn('results: correct', lines)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(lines[-1], 'finalized')

    def test_usage_error(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        result = run(self.exe, '0')
        self.assertEqual(result.returncode, 2)
        self.assertIn('usage:', result.stderr)
        self.assertEqual(result.stdout, '')


if __name__ == '__main__':
    unittest.main()
