r"""The benchmarks: percore against the unpatched baseline build, and
against Debian's python3.11.

``make bench`` runs, from the repository root::

    build/install/bin/python3 bench/run.py \
        --baseline build/baseline/bin/python3

This script runs under the percore interpreter but measures nothing in its
own process: every workload runs in child processes of each interpreter.
The benchmark sections run in order; each prints its tables to stdout (its
progress goes to stderr) and writes bench/results/SECTION.md.

Options:
    --baseline PATH   the baseline interpreter (required)
    --percore PATH    the percore interpreter (default: the one running this)
    --debian PATH     Debian's python3.11, measured as a third interpreter
                      (default: /usr/bin/python3.11 where it exists)
    --no-debian       do not measure Debian's python3.11
    --quick           a smoke run: one wall-clock repeat instead of five,
                      and smaller sizes in the scaling section
    --repeats N       wall-clock repeats per workload (default 5, --quick 1)
    --only NAME       only this section or workload; repeatable, or
                      comma-separated (--only json,regex)
    --no-callgrind    skip the instruction counts
    --max-n N         scaling: the largest number of workers (default:
                      os.cpu_count())
    --list            list the sections and their workloads, then exit

Time ratios are percore / baseline and percore / Debian, so above 1 means
percore is slower;
the scaling section reports throughput (units of work per second), its
speedups and efficiencies, where higher is better. The exit status is 0
whatever the ratios; 1 if a measurement failed (a workload that raised, two
interpreters that computed different results, ...), 2 for a usage error.
"""

import argparse
import os
import shlex
import sys
import time

import benchlib
import scaling
import single_thread

# The sections, in the order they run. A section is a module with NAME,
# TITLE, names() (its workloads) and run(ctx) -> list of error messages.
SECTIONS = [single_thread, scaling]

DEFAULT_REPEATS = 5

# Debian's own build of 3.11, the interpreter percore has to be as fast as
# to replace it; measured by default where it is installed.
DEBIAN_PYTHON = '/usr/bin/python3.11'


class Context:
    """What a section needs to know about this run."""

    def __init__(self, args, baseline, percore, debian, command):
        self.baseline = baseline
        self.percore = percore
        # Debian's python3.11, or None when it is not measured.
        self.debian = debian
        self.quick = args.quick
        self.repeats = args.repeats or (1 if args.quick else DEFAULT_REPEATS)
        self.callgrind = args.callgrind
        self.max_n = args.max_n
        self.only = args.only
        self.results_dir = args.results
        self.command = command
        self.mode = 'quick' if args.quick else 'default'
        if args.only:
            self.mode += ', --only ' + ','.join(sorted(args.only))
        self.errors = []

    @property
    def interpreters(self):
        """The interpreters measured, in the order of the tables."""
        return [i for i in (self.baseline, self.percore, self.debian) if i]

    def wants(self, section, workload=None):
        """Whether --only selects the section (or one of its workloads)."""
        if not self.only or section in self.only:
            return True
        if workload is None:
            module = next(s for s in SECTIONS if s.NAME == section)
            return any(n in self.only for n in module.names())
        return workload in self.only


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Benchmarks of percore against the baseline build.')
    parser.add_argument('--baseline', help='the baseline python3')
    parser.add_argument('--percore', default=sys.executable,
                        help='the percore python3 (default: %(default)s)')
    parser.add_argument('--debian', metavar='PATH',
                        help="Debian's python3.11, a third interpreter to "
                             f'compare with (default: {DEBIAN_PYTHON} where '
                             f'it exists)')
    parser.add_argument('--no-debian', action='store_true',
                        help="do not measure Debian's python3.11")
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: one repeat')
    parser.add_argument('--repeats', type=int, metavar='N',
                        help=f'wall-clock repeats (default {DEFAULT_REPEATS},'
                             f' --quick 1)')
    parser.add_argument('--only', action='append', metavar='NAME',
                        help='a section or workload; repeatable or '
                             'comma-separated')
    parser.add_argument('--no-callgrind', dest='callgrind',
                        action='store_false',
                        help='skip the instruction counts')
    parser.add_argument('--max-n', type=int, metavar='N',
                        help='scaling: the largest number of workers '
                             '(default: os.cpu_count())')
    parser.add_argument('--results', metavar='DIR',
                        default=os.path.join(benchlib.BENCH_DIR, 'results'),
                        help='where the reports go (default: bench/results)')
    parser.add_argument('--list', action='store_true',
                        help='list sections and workloads, then exit')
    args = parser.parse_args(argv)

    if args.list:
        return args
    if not args.baseline:
        parser.error('--baseline PATH is required')
    if args.debian and args.no_debian:
        parser.error('--debian and --no-debian exclude each other')
    if args.repeats is not None and args.repeats < 1:
        parser.error('--repeats must be at least 1')
    if args.max_n is not None and args.max_n < 1:
        parser.error('--max-n must be at least 1')
    if args.only:
        args.only = {n for item in args.only for n in item.split(',') if n}
        known = {s.NAME for s in SECTIONS}
        known.update(n for s in SECTIONS for n in s.names())
        unknown = sorted(args.only - known)
        if unknown:
            parser.error(f'unknown --only name(s): {", ".join(unknown)}; '
                         f'known: {", ".join(sorted(known))}')
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.list:
        for s in SECTIONS:
            print(f'{s.NAME}: {s.TITLE}')
            for n in s.names():
                print(f'    {n}')
        return 0

    started = time.monotonic()
    command = shlex.join([os.path.relpath(sys.executable),
                          os.path.relpath(sys.argv[0]), *argv])
    try:
        baseline = benchlib.Interpreter('baseline', args.baseline)
        percore = benchlib.Interpreter('percore', args.percore)
        debian = None
        if args.debian:
            debian = benchlib.Interpreter('debian', args.debian)
        elif not args.no_debian and os.access(DEBIAN_PYTHON, os.X_OK):
            debian = benchlib.Interpreter('debian', DEBIAN_PYTHON)
    except benchlib.BenchError as e:
        print(f'bench: {e}', file=sys.stderr)
        return 1
    if os.path.realpath(baseline.path) == os.path.realpath(percore.path):
        print('bench: warning: baseline and percore are the same file',
              file=sys.stderr)
    benchlib.progress(f'baseline: {baseline.path}\n  {baseline.version}')
    benchlib.progress(f'percore:  {percore.path}\n  {percore.version}')
    if debian:
        benchlib.progress(f'debian:   {debian.path}\n  {debian.version}')
    else:
        why = '--no-debian' if args.no_debian else f'no {DEBIAN_PYTHON}'
        benchlib.progress(f'debian:   not measured ({why})')

    ctx = Context(args, baseline, percore, debian, command)
    for section in SECTIONS:
        if ctx.wants(section.NAME):
            ctx.errors.extend(section.run(ctx))

    elapsed = time.monotonic() - started
    print(f'\nbench: finished in {elapsed:.0f} s', end='')
    if ctx.errors:
        print(f' with {len(ctx.errors)} error(s); see ERROR above')
        return 1
    print()
    return 0


if __name__ == '__main__':
    sys.exit(main())
