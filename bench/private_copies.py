"""numpy on every core: a workload mixing per-item Python logic with small
numpy operations (the kind the GIL serializes), run by N own-GIL
interpreters with private extension copies, N threads and N processes,
N = 1 .. cores, side by side in one run; and the memory an interpreter
with numpy loaded costs.

    python3 bench/private_copies.py [--items 4000] [--repeat 3]
                                    [--max-workers N] [--report FILE]

Each worker does the same fixed amount of work (--items items); the
figure is the wall time of the whole batch, and the speed-up is N times
the one-worker time divided by it (N for perfect scaling).  Threads run
in the main interpreter and take turns on its GIL; processes are forked
after numpy is imported in the parent (as multiprocessing's 'fork'
context does), so they do not pay for the import.  The interpreters are
created, have numpy imported and run the workload once (WARMUP_ITEMS)
before the clock starts, and are reused for every repeat at one N, as an
InterpreterPoolExecutor's workers are: the time is the work alone, in
warm interpreters, for all three (the threads' and the processes'
interpreter, the main one, has run the workload before any is timed).

Memory: the resident set size (VmRSS) of this process before and after
creating 4 interpreters that import numpy, per interpreter; the part of it
that is the interpreters' copies of numpy's shared libraries (the
'percore-copy' mappings of /proc/self/smaps); and, for comparison, the
RSS of a fresh process of the same python that imports numpy, and the
RSS a create + import + close cycle leaves behind.

The machine, the python and the results go to stdout as a Markdown
report (and to --report FILE).  Benchmarks report; nothing is asserted.
"""

import argparse
import os
import platform
import subprocess
import sys
import threading
import time

DEBIAN_PACKAGES = '/usr/lib/python3/dist-packages'

WORK = r'''
import sys, warnings
if %(packages)r not in sys.path:
    sys.path.append(%(packages)r)
warnings.simplefilter('ignore', UserWarning)
import numpy as np

def work(items):
    """Per item: Python logic (a dict of counters, string keys, a branch)
    around a few numpy operations on 16 numbers."""
    counts = {}
    total = 0.0
    base = np.linspace(0.0, 1.0, 16)
    for i in range(items):
        values = [((i * 7 + k * 13) %% 101) / 101.0 for k in range(16)]
        a = np.array(values)
        s = float(a @ base)
        order = a.argsort()
        key = 'hi' if s > 4.0 else 'lo'
        counts[key] = counts.get(key, 0) + 1
        total += s + float(order[0]) + float(np.max(a) - np.min(a))
    return round(total, 6), counts
''' % {'packages': DEBIAN_PACKAGES}


def rss_mb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return float('nan')


def copies_rss_mb():
    total = 0
    inside = False
    with open('/proc/self/smaps') as f:
        for line in f:
            first = line.split(' ', 1)[0]
            if '-' in first and ':' not in first:
                inside = 'percore-copy' in line
            elif inside and line.startswith('Rss:'):
                total += int(line.split()[1])
    return total / 1024


# Items of the untimed first call in each new interpreter: the main
# interpreter, which the threads share and the processes are forked from,
# has run the workload before any of them is timed.
WARMUP_ITEMS = 1000


def create_interpreters(n):
    """N interpreters with numpy imported from private copies, each having
    run the workload once, as a pool's workers have after their first
    task.  They are reused for every repeat at this N."""
    from concurrent import interpreters
    interps = [interpreters.create(private_extension_copies=True)
               for _ in range(n)]
    for interp in interps:
        interp.exec(WORK)
        interp.exec(f'work({WARMUP_ITEMS})')
    return interps


def run_interpreters(interps, items):
    from concurrent import interpreters
    n = len(interps)
    results = [None] * n
    barrier = threading.Barrier(n + 1)

    def worker(i):
        barrier.wait()
        interp = interps[i]
        interp.exec(f'result = work({items})')
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        interp.exec('q.put(repr(result))')
        results[i] = q.get()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, results


def run_threads(n, items, ns):
    results = [None] * n
    barrier = threading.Barrier(n + 1)

    def worker(i):
        barrier.wait()
        results[i] = repr(ns['work'](items))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, results


def run_processes(n, items, ns):
    # Forked after numpy's import, each child does its share and writes
    # its result to a pipe.
    pipes = []
    start = time.perf_counter()
    for _ in range(n):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                data = repr(ns['work'](items)).encode()
                os.write(w, data)
            finally:
                os._exit(0)
        os.close(w)
        pipes.append((pid, r))
    results = []
    for pid, r in pipes:
        chunks = []
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(r)
        os.waitpid(pid, 0)
        results.append(b''.join(chunks).decode())
    return time.perf_counter() - start, results


def measure_memory():
    from concurrent import interpreters
    code = ('import sys, warnings; sys.path.append(%r); '
            'warnings.simplefilter("ignore", UserWarning); '
            'import numpy; numpy.ones(4).sum()' % DEBIAN_PACKAGES)
    before = rss_mb()
    interps = []
    for _ in range(4):
        interp = interpreters.create(private_extension_copies=True)
        interp.exec(code)
        interps.append(interp)
    after = rss_mb()
    copies = copies_rss_mb()
    for interp in interps:
        interp.close()
    closed = rss_mb()
    left_copies = copies_rss_mb()
    # A fresh process of the same python importing numpy.
    proc = subprocess.run(
        [sys.executable, '-S', '-c',
         'import sys; sys.path.append(%r); import numpy; '
         'print(open("/proc/self/status").read())' % DEBIAN_PACKAGES],
        capture_output=True, text=True)
    process_rss = float('nan')
    for line in proc.stdout.splitlines():
        if line.startswith('VmRSS:'):
            process_rss = int(line.split()[1]) / 1024
    bare = subprocess.run(
        [sys.executable, '-S', '-c',
         'print(open("/proc/self/status").read())'],
        capture_output=True, text=True)
    bare_rss = float('nan')
    for line in bare.stdout.splitlines():
        if line.startswith('VmRSS:'):
            bare_rss = int(line.split()[1]) / 1024
    # What a create + import numpy + close cycle leaves behind.
    cycles = 8
    start = rss_mb()
    for _ in range(cycles):
        interp = interpreters.create(private_extension_copies=True)
        interp.exec(code)
        interp.close()
    per_cycle = (rss_mb() - start) / cycles
    return {
        'per_interp': (after - before) / 4,
        'copies_per_interp': copies / 4,
        'after_close': closed - before,
        'copies_after_close': left_copies,
        'process': process_rss,
        'bare_process': bare_rss,
        'per_cycle': per_cycle,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--items', type=int, default=4000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--max-workers', type=int,
                        default=os.cpu_count() or 1)
    parser.add_argument('--report')
    args = parser.parse_args()

    if DEBIAN_PACKAGES not in sys.path:
        sys.path.append(DEBIAN_PACKAGES)
    ns = {}
    exec(WORK, ns)
    expected = repr(ns['work'](args.items))

    load_before = os.getloadavg()[0]
    rows = []
    one = {}
    for n in range(1, args.max_workers + 1):
        row = {'n': n}
        # Processes first: forked while no interpreter exists, they copy
        # no more of this process than they did before interpreters were
        # reused across repeats.
        for mode in ('processes', 'threads', 'interpreters'):
            if mode == 'interpreters':
                interps = create_interpreters(n)
            times = []
            for _ in range(args.repeat):
                if mode == 'interpreters':
                    t, results = run_interpreters(interps, args.items)
                elif mode == 'threads':
                    t, results = run_threads(n, args.items, ns)
                else:
                    t, results = run_processes(n, args.items, ns)
                if any(r != expected for r in results):
                    raise SystemExit(f'{mode} x{n}: wrong result {results!r}')
                times.append(t)
            best = min(times)
            if n == 1:
                one[mode] = best
            row[mode] = best
            if mode == 'interpreters':
                for interp in interps:
                    interp.close()
        rows.append(row)
        print(f'N={n}: ' + ', '.join(f'{m} {row[m]:.3f}s' for m in
                                     ('interpreters', 'threads', 'processes')),
              file=sys.stderr, flush=True)

    memory = measure_memory()

    import numpy
    lines = []
    lines.append('# numpy on every core: private extension copies')
    lines.append('')
    lines.append(f'python: `{sys.executable}` ({sys.version.split()[0]}'
                 '), '
                 f'numpy {numpy.__version__} (Debian), '
                 f'{os.cpu_count()} cores, {platform.machine()}, '
                 f'{args.items} items per worker, best of {args.repeat}; '
                 'load average before the run %.1f, after %.1f (other '
                 'work on the machine takes cores from the N-worker '
                 'runs).' % (load_before, os.getloadavg()[0]))
    lines.append('')
    lines.append('| N | interpreters (s) | speed-up | threads (s) | speed-up '
                 '| processes (s) | speed-up | interpreters / processes |')
    lines.append('|---|---|---|---|---|---|---|---|')
    for row in rows:
        n = row['n']
        speed = {m: n * one[m] / row[m] for m in one}
        lines.append(
            f"| {n} | {row['interpreters']:.3f} | {speed['interpreters']:.2f} "
            f"| {row['threads']:.3f} | {speed['threads']:.2f} "
            f"| {row['processes']:.3f} | {speed['processes']:.2f} "
            f"| {row['processes'] / row['interpreters']:.2f} |")
    lines.append('')
    lines.append('Speed-up: N x the one-worker time / the N-worker time '
                 '(the goal for interpreters: at least 0.9 N, and at least '
                 'as fast as processes: a last column of 1.00 or more).')
    lines.append('')
    lines.append('| memory | MB |')
    lines.append('|---|---|')
    lines.append(f"| RSS per interpreter with numpy imported (4 at once) "
                 f"| {memory['per_interp']:.1f} |")
    lines.append(f"| of which its copies of numpy's shared libraries "
                 f"| {memory['copies_per_interp']:.1f} |")
    lines.append(f"| RSS a fresh process of this python with numpy imported "
                 f"| {memory['process']:.1f} |")
    lines.append(f"| RSS a fresh process of this python, nothing imported "
                 f"| {memory['bare_process']:.1f} |")
    lines.append(f"| RSS left after the 4 interpreters closed "
                 f"| {memory['after_close']:.1f} |")
    lines.append(f"| of which copies still mapped "
                 f"| {memory['copies_after_close']:.1f} |")
    lines.append(f"| RSS left per create + import numpy + close cycle "
                 f"| {memory['per_cycle']:.1f} |")
    lines.append('')
    report = '\n'.join(lines) + '\n'
    print(report)
    if args.report:
        with open(args.report, 'w') as f:
            f.write(report)


if __name__ == '__main__':
    main()
