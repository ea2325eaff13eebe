"""Run the regression suite and the repository's own tests; judge the result.

Usage: python3 fork/run_tests.py [--baseline] [--build-dir DIR] [TEST ...]

fork/test runs it on build/install with --build-dir build/obj; the baseline
list was measured with build/baseline/bin/python3 fork/run_tests.py
--baseline --build-dir build/baseline-obj.

The suite runs on the interpreter that runs this script (build/install's
python3 under `make test`). A test module that fails is a failure unless
fork/baseline-failures.txt lists it: those fail on the baseline (3.11.2 with
the security layer, without the percore series) on this
machine kind too, for reasons outside the fork. A listed module that passes
is a failure as well, so the list cannot go stale: if the baseline no longer
fails a test, it comes off the list. Entries marked "flaky" (fails some of
the time) or "varies" (fails with some versions of a Debian package that
machines of this kind can have) may pass.

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
TIMEOUT = 600
# Run a second time from the build directory (see run_build_tree_tests).
BUILD_TREE_TESTS = ['test_embed']


def clean_env(**extra):
    """The environment for the suite: no PYTHON* variables. Tests such as
    test_cmd_line check the defaults of the processes they start (output
    buffering, paths); output is unbuffered with -u instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTHON')}
    env.update(extra)
    return env


def read_known_failures():
    """Return ({module: may pass}, [test case patterns to leave out])."""
    modules, ignored_cases = {}, []
    with open(KNOWN_FAILURES, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            name, _, reason = line.partition(' ')
            if '.' in name:
                # A test case that cannot run on this machine kind at all
                # (it hangs): regrtest leaves it out, the rest of its
                # module runs.
                ignored_cases.append(name)
            else:
                modules[name] = reason.lstrip().startswith(('flaky', 'varies'))
    return modules, ignored_cases


def parse_list(lines, start):
    """The test names regrtest prints, indented, after lines[start]."""
    names = []
    for line in lines[start + 1:]:
        if not line.startswith('    '):
            break
        names.extend(line.split())
    return names


def parse_result(output):
    """Return (number of good modules, bad set, skipped set) from regrtest's
    final report. regrtest prints the names of the good ones only when there
    are few, so they are counted, not named."""
    lines = output.splitlines()
    try:
        start = max(i for i, line in enumerate(lines)
                    if line.startswith('== Tests result:'))
    except ValueError:
        return None
    good, bad, skipped = 0, set(), set()
    for i in range(start, len(lines)):
        line = lines[i]
        m = re.match(r'(?:All )?(\d+) tests? OK\.$', line)
        if m:
            good = int(m.group(1))
        elif re.match(r'\d+ tests? failed:$', line):
            bad.update(parse_list(lines, i))
        elif re.match(r'\d+ tests? skipped:$', line):
            skipped.update(parse_list(lines, i))
        elif re.match(r'\d+ tests? omitted:$', line):
            bad.update(parse_list(lines, i))
        elif re.match(r'\d+ tests? altered the execution environment:$', line):
            # Ran and passed, but left something behind; regrtest counts
            # them as success unless --fail-env-changed.
            good += len(parse_list(lines, i))
        elif re.match(r'\d+ tests? run no tests:$', line):
            skipped.update(parse_list(lines, i))
    return good, bad, skipped


def regrtest_options(ignored_cases):
    """The options every regrtest run here gets (the main run, re-runs)."""
    options = [f'--timeout={TIMEOUT}', f'-u{RESOURCES}']
    if ignored_cases:
        ignore_path = os.path.join(REPO_DIR, 'build', 'regrtest-ignore.txt')
        os.makedirs(os.path.dirname(ignore_path), exist_ok=True)
        with open(ignore_path, 'w', encoding='utf-8') as f:
            f.write(''.join(f'{case}\n' for case in ignored_cases))
        options.append(f'--ignorefile={ignore_path}')
    return options


def run_regrtest(python, only, log_name, options):
    cmd = [python, '-u', '-m', 'test', '-j2', '--slowest', *options, *only]
    print('+', ' '.join(cmd), flush=True)
    env = clean_env()
    log_path = os.path.join(REPO_DIR, 'build', log_name)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    output = []
    with open(log_path, 'w', encoding='utf-8') as log, \
         subprocess.Popen(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env,
                          stdin=subprocess.DEVNULL, encoding='utf-8',
                          errors='replace') as proc:
        for line in proc.stdout:
            log.write(line)
            log.flush()
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


def run_build_tree_tests(build_dir, options):
    """Tests that need the build tree rather than an installed prefix.

    test_embed drives Programs/_testembed, which `make install` does not
    install: run on build/install, its embedding tests skip themselves."""
    build_dir = os.path.abspath(build_dir)
    python = os.path.join(build_dir, 'python')
    env = clean_env(LD_LIBRARY_PATH=build_dir)
    passed, failed = [], []
    for name in BUILD_TREE_TESTS:
        # Verbose: the log says which tests failed, and how.
        cmd = [python, '-u', '-m', 'test', '-v', *options, name]
        print('+', ' '.join(cmd), flush=True)
        log_path = os.path.join(REPO_DIR, 'build', f'build-tree-{name}.log')
        with open(log_path, 'w', encoding='utf-8') as log:
            rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=env,
                                 cwd=build_dir)
        with open(log_path, encoding='utf-8', errors='replace') as log:
            text = log.read()
        # Guard against a silent skip of the whole module.
        skipped = rc == 0 and f'{name} skipped' in text
        print(f'  {name} (build tree): '
              f'{"passed" if rc == 0 and not skipped else "FAILED"} '
              f'(log in build/build-tree-{name}.log)', flush=True)
        # As for the installed tree's modules: a failure that does not
        # happen again in a verbose re-run (whose log says which tests
        # failed the first time, if any) is flaky.
        if rc != 0:
            rc = 0 if rerun(python, name, options,
                            log_name=f'rerun-build-tree-{name}.log',
                            env=env, cwd=build_dir) else 1
        (passed if rc == 0 and not skipped else failed).append(
            f'{name}[build tree]')
    return passed, failed


def rerun(python, name, options, log_name=None, env=None, cwd=None):
    """Run one failed module again, alone and verbose; True if it passes.

    regrtest's own -w re-runs in its main process, where a second hang
    ends the whole run through faulthandler; a subprocess costs only
    that module. The log is build/LOG_NAME, by default rerun-NAME.log;
    env (default: clean_env()) and cwd are the subprocess's."""
    cmd = [python, '-u', '-m', 'test', '-v', *options, name]
    print('+', ' '.join(cmd), flush=True)
    log_name = log_name or f'rerun-{name}.log'
    log_path = os.path.join(REPO_DIR, 'build', log_name)
    with open(log_path, 'w', encoding='utf-8') as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL,
                             env=clean_env() if env is None else env,
                             cwd=cwd)
    print(f'  {name}: {"passed" if rc == 0 else "failed again"} '
          f'(log in build/{log_name})', flush=True)
    return rc == 0


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
    parser.add_argument('--build-dir',
                        help='the build directory of this python, for the '
                             'tests that need it (test_embed)')
    parser.add_argument('only', nargs='*', help='regrtest test names')
    args = parser.parse_args()

    known, ignored_cases = read_known_failures()
    start = time.monotonic()
    log_name = 'regrtest-baseline.log' if args.baseline else 'regrtest.log'
    options = regrtest_options(ignored_cases)
    good, bad, skipped = run_regrtest(sys.executable, args.only, log_name,
                                      options)

    # A module that fails once and passes alone is flaky, not broken: count
    # it as passed and say so, as upstream's CI does with -w.
    flaky = [name for name in sorted(bad - known.keys())
             if rerun(sys.executable, name, options)]
    bad -= set(flaky)
    good += len(flaky)

    unexpected = sorted(bad - known.keys())
    expected = sorted(bad & known.keys())
    stale = []
    if not args.only:
        stale = sorted(name for name, may_pass in known.items()
                       if not may_pass and name not in bad)

    own_passed, own_failed = [], []
    if args.build_dir and not args.only:
        own_passed, own_failed = run_build_tree_tests(args.build_dir,
                                                      options)
    if not args.baseline and not args.only:
        passed, failed = run_own_tests(sys.executable)
        own_passed += passed
        own_failed += failed

    print()
    print(f'regrtest: {good} modules OK, {len(skipped)} skipped, '
          f'{len(expected)} known baseline failures, '
          f'{len(unexpected)} unexpected failures '
          f'({time.monotonic() - start:.0f} s, log in build/{log_name})')
    if flaky:
        print('  failed, then passed when re-run alone:', ' '.join(flaky))
    if expected:
        print('  known baseline failures (fork/baseline-failures.txt):',
              ' '.join(expected))
    if unexpected:
        print('  FAILED:', ' '.join(unexpected))
    if stale:
        print('  STALE: listed in fork/baseline-failures.txt but passed '
              '(remove them from the list):', ' '.join(stale))
    if own_passed or own_failed:
        print(f'build-tree and own tests: {len(own_passed)} modules OK, '
              f'{len(own_failed)} failed', ' '.join(own_failed))

    n_failed = len(unexpected) + len(stale) + len(own_failed)
    n_passed = good + len(own_passed)
    n_skipped = len(skipped) + len(expected)
    print(f'{n_passed} passed, {n_failed} failed, {n_skipped} skipped')
    return 1 if n_failed else 0


if __name__ == '__main__':
    sys.exit(main())
