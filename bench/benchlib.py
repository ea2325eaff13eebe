"""Helpers shared by the benchmark sections of bench/run.py: running an
interpreter in a controlled child process, callgrind counts, statistics and
tables."""

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))

# -S: no site module, so neither build's site-packages (or .pth files) is
# imported or on sys.path. -s: no user site directory either. Not -E: it
# would also ignore PYTHONHASHSEED; instead the child gets an environment
# built from scratch (child_env), which holds no other PYTHON* variable.
PYTHON_FLAGS = ('-S', '-s')


class BenchError(Exception):
    """Something that makes a measurement impossible (as opposed to a slow
    result, which is only ever reported)."""


def child_env():
    """The environment of every child, identical for every interpreter."""
    return {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'LC_ALL': 'C.UTF-8',
        # Same str/bytes hashes, hence the same dict and set layouts.
        'PYTHONHASHSEED': '0',
        # No .pyc written next to bench/ by one build and read by the other.
        'PYTHONDONTWRITEBYTECODE': '1',
    }


class Interpreter:
    """One Python build, as a label and the path of its executable."""

    def __init__(self, label, path):
        self.label = label
        self.path = os.path.abspath(path)
        if not os.access(self.path, os.X_OK):
            raise BenchError(f'{label} interpreter {path} is not an '
                             f'executable file')
        self.version = self.run(
            ['-c', 'import sys; print(sys.version)'], timeout=60).strip()

    def command(self, args):
        return [self.path, *PYTHON_FLAGS, *args]

    def run(self, args, timeout, wrapper=()):
        """Run the interpreter with args in bench/ and return its stdout.
        Raise BenchError, with the tail of stderr, when it fails."""
        return run_checked([*wrapper, *self.command(args)], timeout,
                           f'{self.label} ({self.path})')[0]


def run_checked(cmd, timeout, who):
    """Run cmd in bench/ with child_env(); return (stdout, stderr)."""
    try:
        proc = subprocess.run(cmd, cwd=BENCH_DIR, env=child_env(),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f'{who}: no result after {timeout} s: '
                         f'{" ".join(cmd)}') from None
    except OSError as e:
        raise BenchError(f'{who}: cannot run {cmd[0]}: {e}') from None
    if proc.returncode != 0:
        tail = '\n'.join(proc.stderr.strip().splitlines()[-15:])
        raise BenchError(f'{who} exited with status {proc.returncode}: '
                         f'{" ".join(cmd)}\n{tail}')
    return proc.stdout, proc.stderr


# --- callgrind ------------------------------------------------------------

CALLGRIND = ('valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null')
_COLLECTED = re.compile(r'^==\d+== Collected\s*:\s*(\d+)\s*$', re.MULTILINE)


def have_valgrind():
    return shutil.which('valgrind') is not None


def callgrind_run(interp, args, timeout):
    """Run interp with args under callgrind; return (stdout, instructions)."""
    stdout, stderr = run_checked([*CALLGRIND, *interp.command(args)],
                                 timeout, f'{interp.label} under callgrind')
    found = _COLLECTED.findall(stderr)
    if len(found) != 1:
        # Callgrind counts only the process it starts; an interpreter that
        # is a wrapper script execs one it does not see.
        raise BenchError(f'{interp.label}: no "Collected :" line in '
                         f'callgrind output (is {interp.path} a script?):'
                         f'\n{stderr[-2000:]}')
    return stdout, int(found[0])


# --- numbers and tables ---------------------------------------------------

def geomean(values):
    """The geometric mean; NaN for no values (a section whose workloads all
    failed)."""
    values = list(values)
    return statistics.geometric_mean(values) if values else float('nan')


def text_table(headers, rows):
    """An aligned plain-text table; the first column left-aligned, the rest
    right-aligned (they hold numbers)."""
    cells = [list(headers)] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        parts = [row[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return '  '.join(parts).rstrip()

    rule = '  '.join('-' * w for w in widths)
    return '\n'.join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def markdown_table(headers, rows):
    out = ['| ' + ' | '.join(headers) + ' |',
           '|' + '|'.join([':---'] + ['---:'] * (len(headers) - 1)) + '|']
    out += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(out)


def usable_cores():
    """The cores this process may run on (fewer than the machine's under
    taskset or a container's CPU set)."""
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def machine_summary():
    """One line describing the machine: CPU model, cores, OS."""
    model = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return (f'{model}, {os.cpu_count()} cores ({usable_cores()} usable), '
            f'{platform.system()} {platform.release()}')


def progress(message):
    """Progress goes to stderr so that stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


# --- reports --------------------------------------------------------------

def report_header(ctx, started, load_before, mode_detail):
    """The lines that open every section's report: date, command, mode,
    machine, load, run time and the interpreters. started is the section's
    time.time() at its start, load_before the 1-minute load average then;
    mode_detail what the section adds to the mode (repeats, sizes)."""
    date = time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(started))
    return [
        f'- Date: {date}',
        f'- Command: `{ctx.command}`',
        f'- Mode: {ctx.mode}; {mode_detail}',
        f'- Machine: {machine_summary()}',
        f'- Load average (1 min) before / after: {load_before:.2f} / '
        f'{os.getloadavg()[0]:.2f}',
        f'- Run time of this section: {time.time() - started:.0f} s',
        f'- percore: `{ctx.percore.path}`: `{ctx.percore.version}`',
        f'- baseline: `{ctx.baseline.path}`: `{ctx.baseline.version}`',
        f'- debian: `{ctx.debian.path}`: `{ctx.debian.version}`'
        if ctx.debian else "- debian: not measured",
    ]


def write_report(ctx, filename, lines):
    """Write a section's markdown report into the results directory; return
    its path."""
    os.makedirs(ctx.results_dir, exist_ok=True)
    path = os.path.join(ctx.results_dir, filename)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    return path
