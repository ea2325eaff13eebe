"""Data passing and pool start-up: concurrent.interpreters against
multiprocessing and the other executors, side by side in one run.

    build/install/bin/python3 bench/interpreters.py [--quick]

Reports (markdown on stdout), never asserts.  Goals (DESIGN.md, issue 6):
queue messages/s >= 5x multiprocessing.Queue for small messages; the
interpreter pool about as fast as the process pool on CPU-bound work, and
starting >= 5x faster.
"""

import multiprocessing
import os
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


def pool(kind, workers, tasks, n):
    if kind == 'interpreters':
        ex = futures.InterpreterPoolExecutor(workers, initializer=exec,
                                             initargs=(ADD_PATH,))
    elif kind == 'processes':
        ex = futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context('spawn'))
    else:
        ex = futures.ThreadPoolExecutor(workers)
    t0 = time.perf_counter()
    # start-up: every worker answers one trivial call
    list(ex.map(abs, range(-workers, 0)))
    t1 = time.perf_counter()
    list(ex.map(interp_work.cpu, [n] * tasks))
    t2 = time.perf_counter()
    ex.shutdown()
    return t1 - t0, t2 - t1


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
    print(f'\n## CPU-bound map: {tasks} tasks, {workers} workers\n')
    print('| executor | start (ms) | map (s) | tasks/s |')
    print('|---|---:|---:|---:|')
    for kind in ('interpreters', 'processes', 'threads'):
        start, run = pool(kind, workers, tasks, n)
        print(f'| {kind} | {start * 1e3:.1f} | {run:.2f} | {tasks / run:.1f} |')


if __name__ == '__main__':
    main()
