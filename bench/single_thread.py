"""Single-thread speed: the workloads of st_workloads.py (micro workloads,
then the larger programs of programs/) under the percore build, the
baseline build and, where it is measured, Debian's python3.11, by wall
clock and by instruction count.

A section of bench/run.py: it provides NAME, TITLE, names() and run(ctx).
"""

import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import benchlib
from benchlib import BenchError, progress
from st_workloads import PROGRAMS, WORKLOADS

NAME = 'single_thread'
TITLE = 'Single-thread speed'
REPORT = 'single_thread.md'

CHILD = 'st_workloads.py'
WALL_TIMEOUT = 300
CALLGRIND_TIMEOUT = 1200

# The goals the fork is held to; reported, never enforced.  The geometric
# mean: at most 1% slower than 3.11.2 built the same way (the PEP 683/684
# cost), and no slower than Debian's python3.11, the one users already run.
GOAL_GEOMEAN = {'baseline': 1.01, 'debian': 1.00}
GOAL_WORST = 1.03

# What percore is compared with: (label of the interpreter, its name in
# the tables).
REFERENCES = (('baseline', 'baseline'), ('debian', 'Debian'))


def names():
    return list(WORKLOADS)


class Result:
    """One workload's measurements, or the error that stopped them."""

    def __init__(self, name, labels):
        self.name = name
        self.seconds = {label: [] for label in labels}
        self.instructions = {}
        self.checks = {}
        self.error = None

    def record_check(self, label, size, check):
        # Every run at one size, by either interpreter, must compute the
        # same thing.
        first = self.checks.setdefault(size, (label, check))
        if first[1] != check:
            raise BenchError(
                f'results differ at size {size}: {first[0]} returned '
                f'{first[1]!r}, {label} returned {check!r}')


def _parse_child(stdout, who):
    try:
        return json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BenchError(f'{who}: unreadable child output: {stdout!r}') \
            from None


def measure_wall(ctx, results):
    """Fill result.seconds: one child process per (interpreter, workload,
    repeat).

    Repeats are the outer loop, so a burst of load from elsewhere on the
    machine costs one sample of several workloads rather than every sample
    of one. Within a repeat the interpreters run back to back for each
    workload, and which one goes first rotates from one repeat to the next
    (with two, it flips) so that none always runs on a machine another has
    just warmed.
    """
    interps = ctx.interpreters
    for rep in range(ctx.repeats):
        shift = rep % len(interps)
        order = interps[shift:] + interps[:shift]
        progress(f'  wall clock, repeat {rep + 1}/{ctx.repeats}')
        for r in results:
            if r.error:
                continue
            size = WORKLOADS[r.name][1]
            for interp in order:
                try:
                    out = interp.run([CHILD, r.name, str(size)],
                                     WALL_TIMEOUT)
                    data = _parse_child(out, f'{interp.label} {r.name}')
                    r.record_check(interp.label, size, data['check'])
                except BenchError as e:
                    r.error = f'{r.name}: {e}'
                    break
                r.seconds[interp.label].append(data['seconds'])


def measure_instructions(ctx, results):
    """Fill result.instructions with callgrind counts, startup subtracted.

    The child run with NAME 'startup' starts the interpreter, imports the
    workloads module (and json, re, the programs package and what they
    import), prints its line and exits: everything
    a workload run does except the call. Its count, taken once per
    interpreter, is subtracted from each workload's count, so the tables
    compare the workloads alone; it is reported on its own line.

    Counts do not depend on what else runs on the machine, so the runs go
    in parallel, one per usable core.
    """
    pair = ctx.interpreters
    jobs = [(interp, r.name, WORKLOADS[r.name][2])
            for r in results if not r.error for interp in pair]

    def one(job):
        interp, name, size = job
        try:
            out, count = benchlib.callgrind_run(
                interp, [CHILD, name, str(size)], CALLGRIND_TIMEOUT)
            return count, _parse_child(out, f'{interp.label} {name}'), None
        except BenchError as e:
            return None, None, e

    workers = benchlib.usable_cores()
    by_name = {r.name: r for r in results}
    counts = {}
    startup = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Startup first: without it no workload count means anything.
        progress('  callgrind: startup')
        for interp, (count, _, error) in zip(
                pair, pool.map(one, [(i, 'startup', 0) for i in pair])):
            if error:
                raise error
            startup[interp.label] = count
        progress(f'  callgrind: {len(jobs)} runs, {workers} at a time')
        for (interp, name, size), (count, data, error) in zip(
                jobs, pool.map(one, jobs)):
            r = by_name[name]
            if error is None:
                try:
                    r.record_check(interp.label, size, data['check'])
                except BenchError as e:
                    error = e
            if error is not None:
                r.error = r.error or f'{name}: {error}'
                continue
            counts[interp.label, name] = count
    for r in results:
        if r.error:
            continue
        for label in r.seconds:
            net = counts[label, r.name] - startup[label]
            if net <= 0:
                r.error = (f'{r.name}: {label} counted {net} instructions '
                           f'beyond startup; raise its callgrind size')
                break
            r.instructions[label] = net
    return startup


# --- reporting ------------------------------------------------------------

# Ratios are judged as printed (three decimals), so that a row showing
# 1.030 is never marked as over a 1.03 goal.

def _verdict(value, goal):
    return 'met' if round(value, 3) <= goal else 'NOT met'


def _over(ratio):
    return round(ratio, 3) > GOAL_WORST


def references(ctx):
    """The (label, name) pairs percore is compared with in this run."""
    return [(label, title) for label, title in REFERENCES
            if getattr(ctx, label) is not None]


def _flags(ratios):
    """The goal column: which references percore is over 3% slower than."""
    over = [title for title, ratio in ratios if _over(ratio)]
    return f'over 3% ({", ".join(over)})' if over else ''


def _table(results, refs, value_of, fmt, with_spread):
    """Rows of a table and, per reference label, the (workload, ratio)
    pairs it shows. value_of(result, label) is the number compared."""
    rows = []
    ratios = {label: [] for label, _ in refs}
    labels = [label for label, _ in refs]
    for r in results:
        if r.error:
            rows.append([r.name] + ['-'] * (1 + len(refs))
                        + ['error'] + [''] * (len(refs) - 1 + with_spread)
                        + [''])
            continue
        fork = value_of(r, 'percore')
        shown = []
        for label, title in refs:
            ratio = fork / value_of(r, label)
            ratios[label].append((r.name, ratio))
            shown.append((title, ratio))
        row = [r.name, fmt(value_of(r, 'baseline')), fmt(fork)]
        row += [fmt(value_of(r, label)) for label in labels[1:]]
        row += [f'{ratio:.3f}' for _, ratio in shown]
        if with_spread:
            if len(r.seconds['percore']) > 1:
                spread = max((statistics.median(s) - min(s)) / min(s)
                             for s in r.seconds.values())
                row.append(f'{spread * 100:.1f}%')
            else:
                row.append('-')
        row.append(_flags(shown))
        rows.append(row)
    return rows, ratios


def wall_rows(results, refs):
    """Rows of the wall-clock table and the ratios they show.

    The minimum of the repeats is the statistic: load from other processes
    only ever adds time, so the fastest run is the one least disturbed, and
    it is the most repeatable estimate on a shared machine (the median
    still carries the load of half the samples). The spread column, the
    largest (median - min) / min of the interpreters, says how noisy the
    samples were: a ratio closer to 1 than the spread is not a difference.
    """
    return _table(results, refs, lambda r, label: min(r.seconds[label]),
                  lambda seconds: f'{seconds * 1000:.1f}', True)


def instruction_rows(results, refs):
    measured = [r for r in results if r.error or r.instructions]
    return _table(measured, refs, lambda r, label: r.instructions[label],
                  lambda count: f'{count / 1e6:.1f}', False)


def summary_lines(ratios, refs):
    """Per reference: the geometric mean of all ratios (and of the micro
    workloads and of the programs, where both are present) and the slowest
    workload, judged against the goals."""
    lines = []
    for label, title in refs:
        these = ratios[label]
        if not these:
            lines.append(f'percore/{title}: no workload measured')
            continue
        gm = benchlib.geomean(r for _, r in these)
        worst_name, worst = max(these, key=lambda item: item[1])
        micro = [r for n, r in these if n not in PROGRAMS]
        progs = [r for n, r in these if n in PROGRAMS]
        groups = ''
        if micro and progs:
            groups = (f'; micro workloads {benchlib.geomean(micro):.3f}, '
                      f'programs {benchlib.geomean(progs):.3f}')
        goal = GOAL_GEOMEAN[label]
        lines += [
            f'percore/{title}: geometric mean {gm:.3f} (goal <= '
            f'{goal:.2f}: {_verdict(gm, goal)}){groups}',
            f'percore/{title}: slowest workload {worst_name} {worst:.3f} '
            f'(goal <= {GOAL_WORST:.2f}: {_verdict(worst, GOAL_WORST)})',
        ]
    return lines


def _headers(refs, unit, with_spread):
    heads = ['workload', f'baseline {unit}', f'percore {unit}']
    heads += [f'{title} {unit}' for label, title in refs
              if label != 'baseline']
    heads += [f'percore/{title}' for _, title in refs]
    if with_spread:
        heads.append('spread')
    return heads + ['goal']


def run(ctx):
    """Measure, print the tables, write the report; return the errors."""
    selected = [n for n in WORKLOADS if ctx.wants(NAME, n)]
    labels = [i.label for i in ctx.interpreters]
    results = [Result(n, labels) for n in selected]
    refs = references(ctx)
    started = time.time()
    load_before = os.getloadavg()[0]

    progress(f'{TITLE}: {len(selected)} workloads, {ctx.repeats} '
             f'repeat(s), interleaved {"/".join(labels)}')
    measure_wall(ctx, results)

    startup = None
    callgrind_error = None
    if not ctx.callgrind:
        callgrind_note = 'skipped (--no-callgrind)'
    elif not benchlib.have_valgrind():
        callgrind_note = ('skipped: valgrind is not installed '
                          '(apt-get install valgrind)')
    else:
        callgrind_note = None
        try:
            startup = measure_instructions(ctx, results)
        except BenchError as e:
            callgrind_note = 'failed (see Errors)'
            callgrind_error = f'callgrind: {e}'
    if callgrind_note:
        progress(f'  callgrind {callgrind_note}')

    errors = [r.error for r in results if r.error]
    if callgrind_error:
        errors.append(callgrind_error)
    wall = wall_rows(results, refs)
    instr = instruction_rows(results, refs) if startup else None

    _print_tables(ctx, refs, wall, instr, startup, callgrind_note, errors)
    header = benchlib.report_header(
        ctx, started, load_before,
        f'{ctx.repeats} wall-clock repeat(s); '
        f'{len(selected)} of {len(WORKLOADS)} workloads')
    path = _write_report(ctx, refs, header, selected, wall, instr, startup,
                         callgrind_note, errors)
    print(f'\nreport: {os.path.relpath(path)}')
    return errors


def _startup_line(startup, refs, fmt):
    fork = startup['percore']
    parts = [f'percore {fmt(fork)}']
    parts += [f'{title} {fmt(startup[label])}, ratio '
              f'{fork / startup[label]:.3f}' for label, title in refs]
    return 'startup (subtracted above): ' + '; '.join(parts)


def _comparison(refs):
    return ' and '.join(f'percore/{title}' for _, title in refs)


def _print_tables(ctx, refs, wall, instr, startup, callgrind_note, errors):
    print(f'\n{TITLE}: {_comparison(refs)}, > 1 means percore is slower')
    print(f'\nWall clock, minimum of {ctx.repeats} run(s) each:\n')
    print(benchlib.text_table(_headers(refs, 'ms', True), wall[0]))
    print('\n'.join(summary_lines(wall[1], refs)))
    print('\nInstructions (callgrind, startup subtracted):', end='')
    if instr is None:
        print(f' {callgrind_note}')
    else:
        print('\n')
        print(benchlib.text_table(_headers(refs, 'Minstr', False), instr[0]))
        print('\n'.join(summary_lines(instr[1], refs)))
        print(_startup_line(startup, refs, lambda n: f'{n / 1e6:.1f} M'))
    for e in errors:
        print(f'\nERROR: {e}')


def _write_report(ctx, refs, header, selected, wall, instr, startup,
                  callgrind_note, errors):
    """Write results/single_thread.md; return its path."""
    others = ' and '.join(title for _, title in refs)
    md = [f'# {TITLE}: percore against {others}', '', *header, '']
    md += [
        f'Ratios are {_comparison(refs)}: above 1 means percore is slower. '
        'Goals: geometric mean of the ratios at most '
        f'{GOAL_GEOMEAN["baseline"]:.2f} against the baseline (no more than '
        f'1% slower) and {GOAL_GEOMEAN["debian"]:.2f} against Debian (no '
        f'slower), and no workload above {GOAL_WORST:.2f} '
        '(no more than 3% slower). The benchmark reports; it does not fail '
        'on a ratio. The micro workloads come first, then the programs '
        f'({", ".join(PROGRAMS)}); the summary gives the geometric mean of '
        'each group too.',
        '',
        'Each workload runs in a fresh child process '
        '(`python3 -S -s bench/st_workloads.py NAME N`, cwd `bench/`, '
        'environment `PATH`, `LC_ALL=C.UTF-8`, `PYTHONHASHSEED=0`, '
        '`PYTHONDONTWRITEBYTECODE=1` and nothing else, the same for all).',
        '',
        '## Wall clock',
        '',
        'The workload call alone is timed inside the child (startup '
        f'excluded); {ctx.repeats} repeat(s), the interpreters\' runs '
        'interleaved; the table shows the minimum of the repeats (load '
        'from other processes only adds time). Spread: the largest '
        '(median - min) / min of the interpreters; a ratio within the '
        'spread of 1 is noise.',
        '',
        benchlib.markdown_table(_headers(refs, 'ms', True), wall[0]),
        '',
        *[f'- {line}' for line in summary_lines(wall[1], refs)],
        '',
        '## Instruction counts (callgrind)',
        '',
    ]
    if instr is None:
        md.append(f'Callgrind {callgrind_note}.')
    else:
        md += [
            'One run per interpreter under `valgrind --tool=callgrind`, '
            'at about a tenth of the wall-clock size. The count of a run '
            'that starts, imports the workloads and exits without calling '
            "one (startup) is subtracted from every workload's count. "
            'Counts are exact and do not depend on machine load.',
            '',
            benchlib.markdown_table(_headers(refs, 'Minstr', False),
                                    instr[0]),
            '',
            *[f'- {line}' for line in summary_lines(instr[1], refs)],
            '- ' + _startup_line(startup, refs,
                                 lambda n: f'{n:,} instructions'),
        ]
    if errors:
        md += ['', '## Errors', '']
        md += ['```\n' + e + '\n```' for e in errors]
    md += ['', '## Workloads', '']
    md += [f'- `{n}`: {WORKLOADS[n][3]}' for n in selected]

    return benchlib.write_report(ctx, REPORT, md)
