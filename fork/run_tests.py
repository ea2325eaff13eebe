"""Run the regression suite and the repository's own tests; judge the result.

Usage: python3 fork/run_tests.py [--baseline] [--only TEST ...]

The suite runs on the interpreter that runs this script (build/install's
python3 under `make test`). A test module that fails is a failure unless
fork/baseline-failures.txt lists it: those fail on unpatched 3.11.2 on this
machine kind too, for reasons outside the fork. A listed module that passes
is a failure as well, so the list cannot go stale: if the baseline no longer
fails a test, it comes off the list. Entries marked "flaky" may pass.

With --baseline the same suite runs on the baseline build and the list is
checked against it, which is how the list was measured.

The last line is "N passed, N failed, N skipped", counting test modules;
known baseline failures count as skipped.
"""

import argparse
import os
import re
import subprocess
import sys
import time

FORK_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(FORK_DIR)
KNOWN_FAILURES = os.path.join(FORK_DIR, 'baseline-failures.txt')

# Every resource this machine kind has. network and urlfetch need the
# internet, gui a display; none of them exists here.
RESOURCES = 'all,-network,-urlfetch,-gui'
# A hung module costs this much, not the whole run (see baseline-failures.txt).
TIMEOUT = 900


def read_known_failures():
    known = {}
    with open(KNOWN_FAILURES, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            name, _, reason = line.partition(' ')
            flaky = reason.lstrip().startswith('flaky')
            known[name] = flaky
    return known


def parse_list(lines, start):
    """The test names regrtest prints, indented, after lines[start]."""
    names = []
    for line in lines[start + 1:]:
        if not line.startswith('    '):
            break
        names.extend(line.split())
    return names


def parse_result(output):
    """Return (good, bad, skipped) sets from regrtest's final report."""
    lines = output.splitlines()
    try:
        start = max(i for i, line in enumerate(lines)
                    if line.startswith('== Tests result:'))
    except ValueError:
        return None
    good, bad, skipped = set(), set(), set()
    for i in range(start, len(lines)):
        line = lines[i]
        m = re.match(r'(?:All )?(\d+) tests? OK\.$', line)
        if m:
            good_count = int(m.group(1))
            # regrtest lists the good ones only when few; count them.
            good.update(f'<ok #{n}>' for n in range(good_count))
        elif re.match(r'\d+ tests? failed:$', line):
            bad.update(parse_list(lines, i))
        elif re.match(r'\d+ tests? skipped:$', line):
            skipped.update(parse_list(lines, i))
        elif re.match(r'\d+ tests? omitted:$', line):
            bad.update(parse_list(lines, i))
    return good, bad, skipped


def run_regrtest(python, only):
    cmd = [python, '-m', 'test', '-j2', '-w', f'--timeout={TIMEOUT}',
           f'-u{RESOURCES}', '--slowest']
    cmd += only
    print('+', ' '.join(cmd), flush=True)
    # A private temporary directory per run: tests that leave files behind
    # must not see those of an earlier run.
    env = dict(os.environ)
    log_path = os.path.join(REPO_DIR, 'build', 'regrtest.log')
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    output = []
    with open(log_path, 'w', encoding='utf-8') as log, \
         subprocess.Popen(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env,
                          stdin=subprocess.DEVNULL, encoding='utf-8',
                          errors='replace') as proc:
        for line in proc.stdout:
            log.write(line)
            output.append(line)
            # The full log is in build/regrtest.log; show progress lines.
            if re.match(r'(0:\d\d:\d\d load avg: [\d.]+ )?\[ *\d+/\d+', line) \
               or line.startswith(('==', 'Re-running', 'Total duration')):
                sys.stdout.write(line)
                sys.stdout.flush()
    text = ''.join(output)
    result = parse_result(text)
    if result is None:
        sys.exit(f'percore: error: regrtest printed no result '
                 f'(exit {proc.returncode}); see {log_path}')
    return result


def run_own_tests(python):
    """The repository's own tests: fork/tests/test_*.py, one module each."""
    tests_dir = os.path.join(FORK_DIR, 'tests')
    passed, failed = [], []
    for name in sorted(os.listdir(tests_dir)):
        if not (name.startswith('test_') and name.endswith('.py')):
            continue
        cmd = [python, '-m', 'unittest', '-v', os.path.join(tests_dir, name)]
        print('+', ' '.join(cmd), flush=True)
        rc = subprocess.call(cmd, cwd=REPO_DIR, stdin=subprocess.DEVNULL)
        (passed if rc == 0 else failed).append(name[:-3])
    return passed, failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--baseline', action='store_true',
                        help='judge a baseline build: skip the own tests')
    parser.add_argument('only', nargs='*', help='regrtest test names')
    args = parser.parse_args()

    known = read_known_failures()
    start = time.monotonic()
    good, bad, skipped = run_regrtest(sys.executable, args.only)

    unexpected = sorted(bad - known.keys())
    expected = sorted(bad & known.keys())
    ran = good | bad | skipped
    stale = []
    if not args.only:
        stale = sorted(name for name, flaky in known.items()
                       if not flaky and name not in bad)

    own_passed, own_failed = [], []
    if not args.baseline:
        own_passed, own_failed = run_own_tests(sys.executable)

    print()
    print(f'regrtest: {len(good)} modules OK, {len(skipped)} skipped, '
          f'{len(expected)} known baseline failures, '
          f'{len(unexpected)} unexpected failures '
          f'({time.monotonic() - start:.0f} s, log in build/regrtest.log)')
    if expected:
        print('  known baseline failures (fork/baseline-failures.txt):',
              ' '.join(expected))
    if unexpected:
        print('  FAILED:', ' '.join(unexpected))
    if stale:
        print('  STALE: listed in fork/baseline-failures.txt but passed '
              '(remove them from the list):', ' '.join(stale))
    if own_passed or own_failed:
        print(f'own tests: {len(own_passed)} modules OK, '
              f'{len(own_failed)} failed', ' '.join(own_failed))

    n_failed = len(unexpected) + len(stale) + len(own_failed)
    n_passed = len(good) + len(own_passed)
    n_skipped = len(skipped) + len(expected)
    print(f'{n_passed} passed, {n_failed} failed, {n_skipped} skipped')
    return 1 if n_failed else 0


if __name__ == '__main__':
    sys.exit(main())
