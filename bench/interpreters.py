"""Data passing and pool start-up: concurrent.interpreters against
multiprocessing and the other executors, side by side in one run.

    build/install/bin/python3 bench/interpreters.py [--quick]

Reports (markdown on stdout), never asserts.  Goals: queue messages/s
>= 5x multiprocessing.Queue for small messages; the interpreter pool
about as fast as the process pool on CPU-bound work, and starting >= 5x
faster.
"""

import multiprocessing
import os
import statistics
import sys
import threading
import time
from concurrent import futures, interpreters

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import interp_work  # noqa: E402

QUICK = '--quick' in sys.argv
SIZES = [('64 B', 64, 20000), ('64 KiB', 64 * 1024, 2000),
         ('4 MiB', 4 * 1024 * 1024, 50)]
if QUICK:
    SIZES = [(n, s, max(10, c // 10)) for n, s, c in SIZES]
ADD_PATH = f'import sys; sys.path.insert(0, {HERE!r})'


def roundtrip_interp(payload, count):
    inq, outq = interpreters.create_queue(), interpreters.create_queue()
    interp = interpreters.create()
    interp.exec(ADD_PATH)
    t = interp.call_in_thread(interp_work.echo_loop, inq, outq)
    inq.put(payload); outq.get()            # warm up
    start = time.perf_counter()
    for _ in range(count):
        inq.put(payload)
        outq.get()
    elapsed = time.perf_counter() - start
    inq.put(None); t.join(); interp.close()
    return elapsed


def roundtrip_mp(payload, count):
    ctx = multiprocessing.get_context('spawn')
    inq, outq = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=interp_work.mp_echo_loop, args=(inq, outq))
    p.start()
    inq.put(payload); outq.get()
    start = time.perf_counter()
    for _ in range(count):
        inq.put(payload)
        outq.get()
    elapsed = time.perf_counter() - start
    inq.put(None); p.join()
    return elapsed


def make_executor(kind, workers):
    if kind == 'interpreters':
        return futures.InterpreterPoolExecutor(workers, initializer=exec,
                                               initargs=(ADD_PATH,))
    if kind == 'processes':
        return futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context('spawn'))
    return futures.ThreadPoolExecutor(workers)


def pool_start(kind, workers):
    """Seconds from a new executor to every worker having answered one
    trivial call (workers start at the first submit)."""
    ex = make_executor(kind, workers)
    t0 = time.perf_counter()
    list(ex.map(abs, range(-workers, 0)))
    elapsed = time.perf_counter() - t0
    ex.shutdown()
    return elapsed


def pool_map(kind, workers, tasks, n):
    """Seconds for a CPU-bound map on a pool whose workers have started."""
    ex = make_executor(kind, workers)
    list(ex.map(abs, range(-workers, 0)))
    t0 = time.perf_counter()
    list(ex.map(interp_work.cpu, [n] * tasks))
    elapsed = time.perf_counter() - t0
    ex.shutdown()
    return elapsed


def main():
    print(f'# concurrent.interpreters: data passing and pools\n')
    print(f'{sys.version.split()[0]}, {os.cpu_count()} CPUs'
          f'{", quick" if QUICK else ""}\n')
    print('## Queue round trip between two interpreters vs '
          'multiprocessing.Queue between two processes\n')
    print('| payload | interpreters msg/s | processes msg/s | ratio |'
          ' interp MB/s | proc MB/s |')
    print('|---|---:|---:|---:|---:|---:|')
    for name, size, count in SIZES:
        payload = b'x' * size
        ti = roundtrip_interp(payload, count)
        tp = roundtrip_mp(payload, count)
        ri, rp = count / ti, count / tp
        print(f'| {name} | {ri:,.0f} | {rp:,.0f} | {ri / rp:.1f}x |'
              f' {ri * size * 2 / 1e6:,.0f} | {rp * size * 2 / 1e6:,.0f} |')
    workers = os.cpu_count() or 2
    tasks, n = (8, 100_000) if QUICK else (32, 300_000)
    repeats = 3 if QUICK else 7
    print(f'\n## Pools: {workers} workers\n')
    print(f'Start: a new executor until each worker has answered one '
          f'trivial call, {repeats} times, kinds interleaved; median and '
          f'minimum. Map: {tasks} CPU-bound tasks on started workers.\n')
    kinds = ('interpreters', 'processes', 'threads')
    starts = {kind: [] for kind in kinds}
    for _ in range(repeats):
        for kind in kinds:
            starts[kind].append(pool_start(kind, workers))
    print('| executor | start median (ms) | start min (ms) | map (s) |'
          ' tasks/s |')
    print('|---|---:|---:|---:|---:|')
    for kind in kinds:
        run = pool_map(kind, workers, tasks, n)
        print(f'| {kind} | {statistics.median(starts[kind]) * 1e3:.1f} |'
              f' {min(starts[kind]) * 1e3:.1f} | {run:.2f} |'
              f' {tasks / run:.1f} |')
    ratio = (statistics.median(starts['processes'])
             / statistics.median(starts['interpreters']))
    print(f'\nThe interpreter pool starts {ratio:.1f}x faster than the '
          f'process pool (median against median; goal 5x).')

if __name__ == '__main__':
    main()
