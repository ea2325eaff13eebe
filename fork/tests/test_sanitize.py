"""make check-tsan and make check-asan: the test list and the reading of
sanitizer reports (fork/run_sanitizer_tests.py). The sanitizer builds
themselves are what the two targets exercise; this checks, without
building, that the list names tests that exist and that every report is
seen and deduplicated."""

import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'fork'))
import run_sanitizer_tests as rst  # noqa: E402

TSAN_RACE = '''==================
WARNING: ThreadSanitizer: data race (pid=11)
  Write of size 8 at 0x1 by main thread:
    #0 writer_fn /src/Objects/a.c:10 (python+0x1)
    #1 caller_fn /src/Objects/a.c:20 (python+0x2)

  Previous read of size 8 at 0x1 by thread T1:
    #0 reader_fn /src/Python/b.c:30 (python+0x3)
    #1 thread_fn /src/Python/b.c:40 (python+0x4)

SUMMARY: ThreadSanitizer: data race /src/Objects/a.c:10 in writer_fn
==================
'''

ASAN_ERROR = '''=================================================================
==12==ERROR: AddressSanitizer: heap-use-after-free on address 0x2
READ of size 8 at 0x2 thread T0
    #0 0x5 in reader_fn /src/Python/b.c:30
    #1 0x6 in main /src/Programs/python.c:15

SUMMARY: AddressSanitizer: heap-use-after-free /src/Python/b.c:30 in reader_fn
==12==ABORTING
'''


class TestList(unittest.TestCase):
    def test_listed_tests_exist(self):
        # A typo would only show as a failed module in the sanitizer run.
        tests = rst.read_tests(rst.TESTS_FILE)
        self.assertTrue(tests)
        for name, _ in tests:
            with self.subTest(name=name):
                self.assertIsNotNone(
                    importlib.util.find_spec(f'test.{name}'),
                    f'fork/sanitizer-tests.txt names test.{name}, '
                    f'which {sys.executable} does not have')

    def test_patterns_stay_in_their_module(self):
        patterns = rst.match_patterns([('test_a', []),
                                       ('test_b', ['Cls', 'Cls2.test_x'])])
        self.assertEqual(patterns, [
            'test.test_a.*',
            'test.test_b.Cls', 'test.test_b.Cls.*',
            'test.test_b.Cls2.test_x', 'test.test_b.Cls2.test_x.*'])


class TestReports(unittest.TestCase):
    def reports_dir(self, files):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        for name, text in files.items():
            with open(os.path.join(tmp.name, name), 'w') as f:
                f.write(text)
        return tmp.name

    def test_tsan_report(self):
        reports = rst.split_reports(
            TSAN_RACE + 'ThreadSanitizer: reported 1 warnings\n')
        self.assertEqual(len(reports), 1)
        self.assertEqual(rst.report_key(reports[0]), (
            'SUMMARY: ThreadSanitizer: data race /src/Objects/a.c:10 '
            'in writer_fn',
            'writer_fn < caller_fn', 'reader_fn < thread_fn'))

    def test_asan_report(self):
        reports = rst.split_reports(ASAN_ERROR)
        self.assertEqual(len(reports), 1)
        self.assertEqual(rst.report_key(reports[0])[1], 'reader_fn < main')

    def test_same_race_in_many_processes_counts_once(self):
        other = TSAN_RACE.replace('writer_fn', 'other_writer')
        d = self.reports_dir({'tsan.1': TSAN_RACE, 'tsan.2': TSAN_RACE,
                              'tsan.3': TSAN_RACE + other})
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(rst.summarize_reports(d), 2)
        self.assertIn('from 3 processes: tsan.1, tsan.2, tsan.3',
                      out.getvalue())

    def test_fatal_message_is_a_report(self):
        d = self.reports_dir({'tsan.4': '==4==ThreadSanitizer: starting new '
                              'threads after multi-threaded fork is not '
                              'supported. Dying\n'})
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(rst.summarize_reports(d), 1)

    def test_no_reports(self):
        self.assertEqual(rst.summarize_reports(self.reports_dir({})), 0)


if __name__ == '__main__':
    unittest.main()
