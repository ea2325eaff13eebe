"""Create, use and close many interpreters from several threads; report
memory per cycle.

    python3 bench/interp_stress.py [--cycles 10000] [--threads 4]

Each thread loops: create an interpreter, run a little code in it (an
import, a function call with an argument and a result, an exception caught
inside), close it. With concurrent.interpreters (percore) the interpreters
have their own GIL; without it (unpatched 3.11.2) the loop uses
_xxsubinterpreters' legacy interpreters, which share the main GIL: the
baseline's "legacy loop". The report is the resident set size after a
warm-up tenth of the cycles and at the end, and the growth per cycle in
between, which a leak makes positive. It ends with exit status 0 only if
every cycle worked.
"""

import argparse
import os
import sys
import threading
import time

CODE = '''\
import json
def work(n):
    try:
        raise ValueError(n)
    except ValueError as exc:
        return json.dumps({"n": exc.args[0], "sq": [i * i for i in range(n)]})
result = work(7)
'''


def rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise RuntimeError('no VmRSS in /proc/self/status')


def own_gil_cycle(interpreters):
    interp = interpreters.create()
    try:
        interp.exec(CODE)
        out = interp.call(len, 'percore')
        if out != 7:
            raise AssertionError(out)
    finally:
        interp.close()


def legacy_cycle(interp_mod):
    interp = interp_mod.create()
    try:
        interp_mod.run_string(interp, CODE + 'assert len("percore") == 7\n')
    finally:
        interp_mod.destroy(interp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cycles', type=int, default=10_000)
    parser.add_argument('--threads', type=int, default=4)
    args = parser.parse_args()

    try:
        from concurrent import interpreters
        kind = 'own-GIL interpreters (concurrent.interpreters)'
        cycle = lambda: own_gil_cycle(interpreters)
    except ImportError:
        import _xxsubinterpreters as interp_mod
        kind = 'legacy interpreters (_xxsubinterpreters)'
        cycle = lambda: legacy_cycle(interp_mod)

    warmup = max(1, args.cycles // 10)
    lock = threading.Lock()
    done = 0
    errors = []
    marks = {}

    def worker():
        nonlocal done
        while True:
            with lock:
                if done >= args.cycles or errors:
                    return
                done += 1
                n = done
            try:
                cycle()
            except BaseException as exc:
                with lock:
                    errors.append(exc)
                return
            if n == warmup:
                marks['warm'] = (rss_kb(), time.monotonic())

    start_rss, start = rss_kb(), time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end_rss, end = rss_kb(), time.monotonic()

    print(f'{sys.version.split()[0]}: {kind}, {args.threads} threads')
    if errors:
        print(f'FAILED after {done} cycles: {errors[0]!r}')
        return 1
    warm_rss, warm_time = marks.get('warm', (start_rss, start))
    steady = args.cycles - warmup
    per_cycle = (end_rss - warm_rss) / steady if steady else 0.0
    print(f'cycles: {args.cycles} in {end - start:.1f} s '
          f'({(end - start) / args.cycles * 1e3:.2f} ms each)')
    print(f'RSS: start {start_rss} KB, after {warmup} cycles {warm_rss} KB, '
          f'end {end_rss} KB')
    print(f'growth after warm-up: {per_cycle:.3f} KB per cycle')
    return 0


if __name__ == '__main__':
    sys.exit(main())
