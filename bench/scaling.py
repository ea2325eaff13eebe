"""Multi-core scaling and the cost of an interpreter: the same CPU-bound
pure-Python work done by N own-GIL interpreters, N threads and N processes,
under the percore build and the baseline build, and by N multiprocessing
worker processes of Debian's python3.11; and the time to create and destroy
an interpreter and the memory an idle one holds.

A section of bench/run.py: it provides NAME, TITLE, names() and run(ctx).
The measuring happens in child processes (scaling_child.py); this module
starts them, checks their results and writes the tables.
"""

import json
import os
import statistics
import time

import benchlib
from benchlib import BenchError, progress
from scaling_child import WORKLOADS

NAME = 'scaling'
TITLE = 'Multi-core scaling and interpreter cost'
REPORT = 'scaling.md'

CHILD = 'scaling_child.py'
TIMEOUT = 600

# Units of work (about 1 ms each) per worker, the create+destroy cycles
# and the number of idle interpreters whose memory is measured:
# (default, --quick).
UNITS = (500, 100)
CYCLES = (200, 50)
IDLE = (50, 20)

# The goal and the reference figures the fork is read against; reported,
# never enforced.
GOAL_EFFICIENCY = 0.95
AIM_MS = 2.0
AIM_MB = 1.0
REFERENCE = ('CPython 3.13 takes about 12 ms and 2.4 MB per interpreter on '
             'this machine kind')

MODE_LABELS = {
    'interpreters': 'own-GIL interpreters',
    'threads': 'threads',
    'processes': 'processes',
    'multiprocessing': 'processes (multiprocessing)',
}
KIND_LABELS = {
    'isolated': 'own-GIL (isolated)',
    'legacy': 'legacy (shared GIL)',
}
LIFECYCLE = 'lifecycle'


def only_name(workload):
    """The workload's name for --only (the single-thread section has
    workloads of the same names)."""
    return f'{NAME}_{workload}'


def names():
    return [only_name(w) for w in WORKLOADS] + [LIFECYCLE]


def _child(interp, args):
    """Run scaling_child.py with args under interp; return its JSON."""
    out = interp.run([CHILD, *map(str, args)], TIMEOUT)
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BenchError(f'{interp.label} {CHILD} {" ".join(map(str, args))}'
                         f': unreadable output: {out!r}') from None


class Series:
    """One build in one mode, for one workload: its best wall time at
    each N, or the error that stopped it."""

    def __init__(self, interp, mode):
        self.interp = interp
        self.mode = mode
        self.points = {}    # N -> (best wall seconds, units)
        self.error = None

    @property
    def label(self):
        return f'{self.interp.label} {MODE_LABELS[self.mode]}'

    def throughput(self, n):
        wall, units = self.points[n]
        return units / wall


def measure_scaling(ctx, workload, series, max_n, units):
    """Fill each series' points for N = 1..max_n: the best of ctx.repeats
    runs, interleaved. N is outermost and each round runs every series
    once, so that a burst of load from elsewhere hits every series of one
    N alike rather than all the repeats of one series. Return the
    errors."""
    errors = []
    expected = None     # (check value, the series that computed it first)
    for n in range(1, max_n + 1):
        progress(f'  {workload}, N={n}')
        for _ in range(ctx.repeats):
            for s in series:
                if s.error:
                    continue
                # N threads take turns on one GIL: each does 1/N of the
                # units, so that a point takes about as long as N=1 does.
                per_worker = units if s.mode != 'threads' else -(-units // n)
                try:
                    data = _child(s.interp, ['scale', s.mode, workload, n,
                                             per_worker, 1])
                    if expected is None:
                        expected = (data['check'], s.label)
                    elif data['check'] != expected[0]:
                        raise BenchError(f'results differ: {expected[1]} '
                                         f'computed {expected[0]!r}, '
                                         f'{s.label} {data["check"]!r}')
                except BenchError as e:
                    s.error = f'{workload}, {s.label}, N={n}: {e}'
                    errors.append(s.error)
                    s.points.pop(n, None)
                    continue
                point = (min(data['walls']), data['units'])
                if n not in s.points or point[0] < s.points[n][0]:
                    s.points[n] = point
    return errors


def measure_lifecycle(ctx, builds, own_gil):
    """Create+destroy times and memory per idle interpreter, one child per
    (build, kind). Return (rows of results, errors)."""
    cycles = CYCLES[ctx.quick]
    idle = IDLE[ctx.quick]
    results, errors = [], []
    for interp in builds:
        kinds = (['isolated'] if own_gil[interp.label][0] else []) + ['legacy']
        for kind in kinds:
            progress(f'  lifecycle: {interp.label} {kind}, {cycles} cycles, '
                     f'{idle} idle interpreters')
            try:
                data = _child(interp, ['lifecycle', kind, cycles, idle])
            except BenchError as e:
                errors.append(f'lifecycle, {interp.label} {kind}: {e}')
                continue
            results.append((interp, kind, data))
    return results, errors


# --- reporting --------------------------------------------------------------

def _met(ok):
    return 'met' if ok else 'NOT met'


def scale_headers(series):
    headers = ['build', 'mode', 'N', 'wall ms', 'units/s', 'speedup',
               'efficiency', 'vs baseline threads']
    if _debian_series(series):
        headers.append('vs 1 Debian process')
    return headers


def _find(series, label, mode):
    return next((s for s in series if s.interp.label == label
                 and s.mode == mode), None)


def _debian_series(series):
    return _find(series, 'debian', 'multiprocessing')


def scale_rows(series):
    """The rows of one workload's table: for every series and N, the units
    per second, the speedup over N=1 of the same series, the efficiency
    (speedup / N), the ratio to the baseline's threads at that N and,
    where Debian's python3.11 is measured, the ratio to one Debian
    process (its multiprocessing series at N=1)."""
    reference = _find(series, 'baseline', 'threads')
    debian = _debian_series(series)
    one_debian = None
    if debian is not None and 1 in debian.points:
        one_debian = debian.throughput(1)
    rows = []
    for s in series:
        for n, (wall, _) in sorted(s.points.items()):
            tput = s.throughput(n)
            speedup = f'{tput / s.throughput(1):.2f}' if 1 in s.points \
                else '-'
            efficiency = f'{tput / s.throughput(1) / n:.2f}' \
                if 1 in s.points else '-'
            versus = f'{tput / reference.throughput(n):.2f}' \
                if reference and n in reference.points else '-'
            row = [s.interp.label, MODE_LABELS[s.mode], n,
                   f'{wall * 1000:.1f}', f'{tput:.1f}', speedup,
                   efficiency, versus]
            if debian is not None:
                row.append(f'{tput / one_debian:.2f}' if one_debian else '-')
            rows.append(row)
        if s.error:
            rows.append([s.interp.label, MODE_LABELS[s.mode], '-', '-',
                         'error', '-', '-', '-']
                        + (['-'] if debian is not None else []))
    return rows


def debian_lines(series):
    """N own-GIL interpreters of percore against N Debian processes, at
    each N both measured, as ratios to one Debian process."""
    debian = _debian_series(series)
    if debian is None:
        return []
    if 1 not in debian.points:
        return ['percore own-GIL interpreters vs Debian processes: no '
                'Debian N=1 to compare with (see ERROR)']
    own = _find(series, 'percore', 'interpreters')
    one = debian.throughput(1)
    parts = []
    for n in sorted(debian.points):
        mine = f'{own.throughput(n) / one:.2f}' \
            if own is not None and n in own.points else '-'
        parts.append(f'N={n}: {mine} vs {debian.throughput(n) / one:.2f}')
    return ['N percore own-GIL interpreters vs N Debian multiprocessing '
            'processes, units/s in units of one Debian process: '
            + '; '.join(parts)]


def _unavailable(label, reason):
    """The line saying that a build has no own-GIL interpreters; none for
    the baseline, which is not expected to have them."""
    if label == 'baseline':
        return []
    return [f'{label}: own-GIL interpreters: not available in this build '
            f'({reason})']


def goal_lines(series, own_gil):
    """The goal for own-GIL interpreters, and where each build stands."""
    lines = [f'goal (a reference, not a check): own-GIL interpreters reach '
             f'a speedup of at least {GOAL_EFFICIENCY:.2f}*N '
             f'(efficiency >= {GOAL_EFFICIENCY:.2f})']
    for label, (available, reason) in own_gil.items():
        if not available:
            lines += _unavailable(label, reason)
            continue
        s = next(s for s in series
                 if s.interp.label == label and s.mode == 'interpreters')
        effs = {n: s.throughput(n) / s.throughput(1) / n
                for n in s.points if n > 1 and 1 in s.points}
        if not effs:
            why = 'the measurement failed (see ERROR)' if s.error \
                else 'no N > 1 measured'
            lines.append(f'{label}: own-GIL interpreters: {why}')
            continue
        n = min(effs, key=effs.get)
        lines.append(f'{label}: own-GIL interpreters: lowest efficiency '
                     f'{effs[n]:.2f} (N={n}); goal >= {GOAL_EFFICIENCY:.2f}'
                     f': {_met(round(effs[n], 2) >= GOAL_EFFICIENCY)}')
    return lines


LIFE_HEADERS = ['build', 'interpreter', 'create+destroy mean ms',
                'median ms', 'MB per idle interpreter']


def _life_numbers(data):
    ms = [t * 1000 for t in data['times']]
    mb = data['rss_per_interp']
    return statistics.mean(ms), statistics.median(ms), \
        (None if mb is None else mb / 1e6)


def life_rows(results):
    rows = []
    for interp, kind, data in results:
        mean, median, mb = _life_numbers(data)
        rows.append([interp.label, KIND_LABELS[kind], f'{mean:.2f}',
                     f'{median:.2f}', '-' if mb is None else f'{mb:.2f}'])
    return rows


def life_lines(results, own_gil):
    lines = [f'reference: {REFERENCE}; the aim for own-GIL interpreters: '
             f'below {AIM_MS:g} ms and {AIM_MB:g} MB']
    for interp, kind, data in results:
        if kind != 'isolated':
            continue
        mean, median, mb = _life_numbers(data)
        memory = 'memory not measured' if mb is None else (
            f'{mb:.2f} MB (aim < {AIM_MB:g} MB: {_met(mb < AIM_MB)})')
        lines.append(f'{interp.label} own-GIL: median {median:.2f} ms '
                     f'(aim < {AIM_MS:g} ms: {_met(median < AIM_MS)}), '
                     f'{memory}')
    for label, (available, reason) in own_gil.items():
        if not available:
            lines += _unavailable(label, reason)
    return lines


def run(ctx):
    """Measure, print the tables, write the report; return the errors."""
    started = time.time()
    load_before = os.getloadavg()[0]
    max_n = ctx.max_n or os.cpu_count() or 1
    units = UNITS[ctx.quick]
    workloads = [w for w in WORKLOADS if ctx.wants(NAME, only_name(w))]
    builds = (ctx.percore, ctx.baseline)
    errors = []
    if ctx.debian is None:
        progress('  Debian multiprocessing: not measured (no --debian)')

    # Which builds have own-GIL interpreters (the baseline has none).
    own_gil = {}
    for interp in builds:
        try:
            data = _child(interp, ['probe'])
            own_gil[interp.label] = (data['own_gil'], data['reason'])
        except BenchError as e:
            errors.append(f'probe: {e}')
            own_gil[interp.label] = (False, 'the probe failed; see ERROR')

    progress(f'{TITLE}: N = 1..{max_n}, {units} units per worker, '
             f'{ctx.repeats} repeat(s)')
    tables = {}
    for workload in workloads:
        series = []
        for interp in builds:
            modes = ['threads', 'processes']
            if own_gil[interp.label][0]:
                modes.insert(0, 'interpreters')
            series += [Series(interp, mode) for mode in modes]
        if ctx.debian is not None:
            # The same work function in N multiprocessing workers of
            # Debian's python3.11: the reference a program using all
            # cores on the stock interpreter gets.
            series.append(Series(ctx.debian, 'multiprocessing'))
        errors += measure_scaling(ctx, workload, series, max_n, units)
        tables[workload] = series

    life = None
    if ctx.wants(NAME, LIFECYCLE):
        life, life_errors = measure_lifecycle(ctx, builds, own_gil)
        errors += life_errors

    _print_tables(ctx, tables, life, own_gil, max_n, errors)
    header = benchlib.report_header(
        ctx, started, load_before,
        f'{ctx.repeats} repeat(s) interleaved, best shown; N = 1..{max_n}; '
        f'{units} units per worker')
    path = _write_report(ctx, header, tables, life, own_gil, max_n, units,
                         errors)
    print(f'\nreport: {os.path.relpath(path)}')
    return errors


def _cores_note(max_n):
    cores = benchlib.usable_cores()
    if max_n > cores:
        return (f'N above {cores} (the usable cores) oversubscribes them: '
                f'no mode can scale there.')
    return None


def _print_tables(ctx, tables, life, own_gil, max_n, errors):
    print(f'\n{TITLE}')
    for workload, series in tables.items():
        print(f'\nScaling, {workload}: the best of {ctx.repeats} run(s); '
              f'speedup over N=1 of the same row, efficiency = speedup/N\n')
        print(benchlib.text_table(scale_headers(series),
                                  scale_rows(series)))
        print('\n'.join(goal_lines(series, own_gil) + debian_lines(series)))
    note = _cores_note(max_n)
    if note and tables:
        print(note)
    if life is not None:
        print('\nInterpreter create+destroy and memory:\n')
        print(benchlib.text_table(LIFE_HEADERS, life_rows(life)))
        print('\n'.join(life_lines(life, own_gil)))
    for e in errors:
        print(f'\nERROR: {e}')


def _write_report(ctx, header, tables, life, own_gil, max_n, units, errors):
    md = [f'# {TITLE}: percore against the baseline', '', *header, '']
    if tables:
        md += [
            '## Scaling',
            '',
            'The same CPU-bound pure-Python work done by N workers at once: '
            'N own-GIL interpreters, each driven by a thread of the host '
            'process calling `_xxsubinterpreters.run_string`; N threads of '
            'one interpreter; N processes, each a fresh interpreter '
            '(`scaling_child.py worker`). Workers set up and warm up, then '
            'start together (a barrier, or a "go" line to each process); '
            'the wall time runs from the first start to the last end, so '
            'startup is not in it. A unit of work takes about 1 ms; an '
            f'interpreter or process does {units} units, and N threads '
            'share that many between them (they take turns on one GIL). '
            'Every worker checks its result against the value the host '
            'computed, and both builds must agree.',
            '',
            'units/s: the units of all N workers per second of wall time, '
            'the best of the repeats. The repeats are interleaved: at '
            'each N, every row runs once per round, so that load from '
            'elsewhere falls on all rows alike. Speedup: over N=1 of the '
            'same row. '
            'Efficiency: speedup / N. vs baseline threads: units/s over '
            'those of the baseline build\'s threads at the same N.',
        ]
        if ctx.debian is not None:
            md += [
                '',
                'debian processes (multiprocessing): N worker processes of '
                '`multiprocessing` (fork) under Debian\'s python3.11, each '
                'running the same work function, released together by a '
                '`multiprocessing.Barrier`. vs 1 Debian process: units/s '
                'over those of one such process (N=1), so N own-GIL '
                'interpreters of percore read directly against N Debian '
                'processes.',
            ]
        note = _cores_note(max_n)
        if note:
            md += ['', note]
        for workload, series in tables.items():
            md += [
                '',
                f'### {workload}',
                '',
                WORKLOADS[workload][1].capitalize() + '.',
                '',
                benchlib.markdown_table(scale_headers(series),
                                        scale_rows(series)),
                '',
                *[f'- {line}' for line in goal_lines(series, own_gil)
                  + debian_lines(series)],
            ]
        md.append('')
    if life is not None:
        md += [
            '## Interpreter create+destroy and memory',
            '',
            f'Create+destroy: {CYCLES[ctx.quick]} cycles of '
            '`_xxsubinterpreters.create(config)` and `destroy(id)`, each '
            'timed, after three untimed ones. Memory: in a fresh process, '
            f'one interpreter is created (not counted), then '
            f'{IDLE[ctx.quick]} more, idle; the growth of the resident set '
            '(`/proc/self/statm`) divided by their number, in MB of 10^6 '
            'bytes. Legacy interpreters share the main GIL and allocator '
            '(3.11\'s `create()`); own-GIL ones are '
            '`new_config(\'isolated\')`.',
            '',
            benchlib.markdown_table(LIFE_HEADERS, life_rows(life)),
            '',
            *[f'- {line}' for line in life_lines(life, own_gil)],
            '',
        ]
    if errors:
        md += ['## Errors', '']
        md += ['```\n' + e + '\n```' for e in errors]
    return benchlib.write_report(ctx, REPORT, md)
