"""make demo: the same CPU-bound pure-Python work in N threads and in N
interpreters, timed side by side.

Threads of one interpreter share its GIL, so N of them take about N times as
long as one. Interpreters with a GIL each run on N cores at once.
"""

import os
import sys
import threading
import time

WORK = '''
def work(n):
    # Trial division: pure Python, no allocation to speak of, no I/O.
    count = 0
    for candidate in range(2, n):
        for d in range(2, int(candidate ** 0.5) + 1):
            if candidate % d == 0:
                break
        else:
            count += 1
    return count
'''
SIZE = 600_000

exec(WORK)


def in_threads(n):
    threads = [threading.Thread(target=work, args=(SIZE,)) for _ in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def in_interpreters(interpreters, n):
    interps = [interpreters.create() for _ in range(n)]
    try:
        for interp in interps:
            interp.exec(WORK)
        start = time.perf_counter()
        threads = [threading.Thread(target=interp.exec,
                                    args=(f'work({SIZE})',))
                   for interp in interps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start
    finally:
        for interp in interps:
            interp.close()


def main():
    n = os.cpu_count() or 1
    print(f'{sys.version.split()[0]}: the same work {n} times at once, '
          f'on {n} cores')
    start = time.perf_counter()
    work(SIZE)
    one = time.perf_counter() - start
    print(f'{"one run, one thread":32} {one:7.2f} s')
    t = in_threads(n)
    print(f'{f"{n} runs in {n} threads":32} {t:7.2f} s   '
          f'{n * one / t:4.2f}x the throughput of one')
    try:
        from concurrent import interpreters
    except ImportError:
        print(f'{f"{n} runs in {n} interpreters":32}    n/a   '
              'own-GIL interpreters are not in this build yet '
              '(concurrent.interpreters is missing)')
        return
    t = in_interpreters(interpreters, n)
    print(f'{f"{n} runs in {n} interpreters":32} {t:7.2f} s   '
          f'{n * one / t:4.2f}x the throughput of one')


if __name__ == '__main__':
    main()
