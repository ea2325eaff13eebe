"""Run the stress tests on a sanitizer build; fail on any failure or report.

Usage: BUILD/python fork/run_sanitizer_tests.py --kind tsan|asan
           --build-dir BUILD --reports DIR [TEST ...]

fork/sanitize runs it with the sanitizer build's own ./python, after
exporting ASAN_OPTIONS or TSAN_OPTIONS with log_path=DIR/KIND: every
process started from here (regrtest's workers, the pythons and _testembed
programs that tests start) writes its sanitizer reports to a file in DIR,
so a report is seen even where a test swallows the child's output or the
child was expected to fail.

The tests are fork/sanitizer-tests.txt unless named on the command line.
A line of that file is a test module and, optionally, the test classes or
class.method names (fnmatch patterns) of it to run; without them the whole
module runs. Unlike `make test` nothing is a known failure here: every
listed module must run and pass, and a module that is skipped or runs no
test counts as failed. A module that fails is run once more alone (slow
tests under a sanitizer can trip a timing assumption); one that passes
then counts as passed, as in fork/run_tests.py, but a sanitizer report
from either run fails the run all the same.

The last line is "N passed, N failed, N skipped", as fork/run_tests.py
prints it: test modules, plus one failure per distinct sanitizer report
(the same race met by many processes is one).
"""

import argparse
import os
import re
import sys
import time

import run_tests

TESTS_FILE = os.path.join(run_tests.FORK_DIR, 'sanitizer-tests.txt')
# How much of each report to show; the whole of it stays in DIR.
REPORT_LINES = 40


def read_tests(path):
    """Return [(module, [pattern, ...])] from the tests file."""
    tests = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            words = line.split('#', 1)[0].split()
            if words:
                tests.append((words[0], words[1:]))
    return tests


def match_patterns(tests):
    """regrtest --matchfile patterns that select the listed tests: the
    whole module, or the listed classes and methods of it. The patterns
    name full test ids, so a pattern for one module never selects tests of
    another in the same run."""
    patterns = []
    for name, parts in tests:
        if not parts:
            patterns.append(f'test.{name}.*')
        for part in parts:
            if part.startswith('id:'):
                # A full test id pattern, for a module whose tests live
                # outside the test package (test_ctypes runs ctypes.test).
                patterns.append(part[len('id:'):])
                continue
            patterns.append(f'test.{name}.{part}')
            patterns.append(f'test.{name}.{part}.*')
    return patterns


def split_reports(text):
    """The reports in one log_path file: ThreadSanitizer's are framed by
    lines of '=', AddressSanitizer's start with '==PID==ERROR'; anything
    else (a sanitizer's fatal message) counts as one report."""
    reports, current = [], []
    for line in text.splitlines():
        if re.fullmatch(r'=+', line) or re.match(r'==\d+==ERROR:', line):
            if any(l.strip() for l in current):
                reports.append(current)
            current = [] if re.fullmatch(r'=+', line) else [line]
        else:
            current.append(line)
    if any(l.strip() for l in current):
        reports.append(current)
    # ThreadSanitizer ends a file with a count of its warnings.
    return [r for r in reports
            if not re.fullmatch(r'ThreadSanitizer: reported \d+ warnings',
                                '\n'.join(r).strip())]


def report_key(lines):
    """What makes two reports the same: the summary, and the innermost
    functions of each stack (every frame line's function name)."""
    summary = next((l for l in lines if l.startswith('SUMMARY:')),
                   lines[0].strip())
    frames, stacks = [], []
    for line in lines:
        m = re.match(r'\s+#(\d+) (?:0x[0-9a-f]+ in )?(\S+)', line)
        if not m:
            continue
        if m.group(1) == '0':
            frames = []
            stacks.append(frames)
        frames.append(m.group(2))
    return (summary,) + tuple(' < '.join(f[:3]) for f in stacks[:2])


def summarize_reports(reports_dir):
    """Print each distinct report once, with how many times and in which
    files it appeared; return the number of distinct reports."""
    try:
        names = sorted(os.listdir(reports_dir),
                       key=lambda n: os.path.getmtime(
                           os.path.join(reports_dir, n)))
    except FileNotFoundError:
        return 0
    seen = {}
    for name in names:
        with open(os.path.join(reports_dir, name), encoding='utf-8',
                  errors='replace') as f:
            for lines in split_reports(f.read()):
                key = report_key(lines)
                if key not in seen:
                    seen[key] = (lines, [])
                if name not in seen[key][1]:
                    seen[key][1].append(name)
    for n, (key, (lines, files)) in enumerate(seen.items(), 1):
        more = f' and {len(files) - 3} more' if len(files) > 3 else ''
        print(f'sanitizer report {n} of {len(seen)}, from {len(files)} '
              f'processes: {", ".join(files[:3])}{more}')
        for line in key:
            print(f'  {line}')
        for line in lines[:REPORT_LINES]:
            print(f'    {line}')
        if len(lines) > REPORT_LINES:
            print(f'    ... {len(lines) - REPORT_LINES} more lines')
    return len(seen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--kind', required=True, choices=['tsan', 'asan'])
    parser.add_argument('--build-dir', required=True)
    parser.add_argument('--reports', required=True,
                        help='the directory the log_path option names')
    parser.add_argument('only', nargs='*',
                        help='test modules instead of the tests file')
    args = parser.parse_args()

    tests = ([(name, []) for name in args.only] if args.only
             else read_tests(TESTS_FILE))
    names = [name for name, _ in tests]
    build_dir = os.path.abspath(args.build_dir)
    python = os.path.join(build_dir, 'python')

    matchfile = os.path.join(build_dir, 'sanitizer-matchfile.txt')
    with open(matchfile, 'w', encoding='utf-8') as f:
        f.write(''.join(f'{p}\n' for p in match_patterns(tests)))
    _, ignored_cases = run_tests.read_known_failures()
    # The same per-module timeout as `make test` (600 s): the slowest module
    # here takes about a minute under ThreadSanitizer.
    options = run_tests.regrtest_options(ignored_cases)
    options.append(f'--matchfile={matchfile}')

    # Reports of an earlier run are not this run's.
    os.makedirs(args.reports, exist_ok=True)
    for name in os.listdir(args.reports):
        os.unlink(os.path.join(args.reports, name))

    start = time.monotonic()
    log_name = f'{args.kind}-regrtest.log'
    try:
        good, bad, skipped = run_tests.run_regrtest(python, names, log_name,
                                                    options)
    except SystemExit as e:
        # regrtest's main process died before its report (AddressSanitizer
        # stops a process at its first error): every module counts as
        # failed and is run again alone, and the reports say why.
        print(e, flush=True)
        good, bad, skipped = 0, set(names), set()
    flaky = [name for name in sorted(bad)
             if run_tests.rerun(python, name, options,
                                log_name=f'{args.kind}-rerun-{name}.log')]
    bad -= set(flaky)
    good += len(flaky)
    # A listed module that did not run is a hole in the check, not a pass.
    bad |= skipped
    n_reports = summarize_reports(args.reports)

    print()
    print(f'{args.kind}: {good} modules OK, {len(bad)} failed, '
          f'{n_reports} distinct sanitizer reports '
          f'({time.monotonic() - start:.0f} s, log in build/{log_name}, '
          f'reports in {os.path.relpath(args.reports, run_tests.REPO_DIR)})')
    if flaky:
        print('  failed, then passed when re-run alone:', ' '.join(flaky))
    if bad:
        print('  FAILED (or did not run):', ' '.join(sorted(bad)))
    n_failed = len(bad) + n_reports
    print(f'{good} passed, {n_failed} failed, 0 skipped')
    return 1 if n_failed else 0


if __name__ == '__main__':
    sys.exit(main())
