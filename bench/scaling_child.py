"""The child processes of the scaling section (scaling.py): CPU-bound
pure-Python work run N times at once in own-GIL interpreters, threads or
processes, and the cost of creating, destroying and keeping interpreters.

Run as a script, in bench/, under the interpreter being measured::

    python3 -S -s scaling_child.py probe
    python3 -S -s scaling_child.py scale MODE WORKLOAD N UNITS REPEATS
    python3 -S -s scaling_child.py lifecycle KIND CYCLES K

Each prints one JSON line on stdout.

``probe`` says whether this build has own-GIL interpreters (and if not,
why): ``{"own_gil": bool, "reason": str}``.

``scale`` runs WORKLOAD in N workers at once, each doing UNITS units of
work, REPEATS times, and prints ``{"walls": [seconds, ...], "units": total
units of one repeat, "check": C}``. MODE is one of

``interpreters``
    N own-GIL interpreters (``_xxsubinterpreters.new_config('isolated')``),
    each driven by one thread of this process calling ``run_string``;
``legacy-interpreters``
    the same with shared-GIL interpreters (``new_config('legacy')``, or
    3.11's ``create()`` where there is no ``new_config``): it checks the
    harness on a build without own-GIL interpreters, and is not part of
    the section's tables;
``threads``
    N threads of this interpreter;
``processes``
    N child processes (``scaling_child.py worker WORKLOAD UNITS``, a fresh
    interpreter each), started, set up and synchronised before the clock
    starts;
``multiprocessing``
    N worker processes of the ``multiprocessing`` module (its ``fork``
    start method, the default on Linux in 3.11), each defining the same
    work function, set up and released together by a
    ``multiprocessing.Barrier``: how a program written for one GIL per
    process uses the cores. The section runs it under Debian's python3.11.

In every mode the workers set up first (definitions and a warm-up call),
then wait for each other; the wall time of a repeat runs from the earliest
worker start to the latest worker end, both read from ``time.perf_counter``
(CLOCK_MONOTONIC on Linux, the same clock in every process). The units per
second of a repeat are ``units / wall``.

``lifecycle`` measures one KIND of interpreter (``isolated`` or ``legacy``):
the resident memory that K more idle interpreters add, divided by K, then
CYCLES create+destroy cycles, timed one by one. It prints ``{"rss_per_interp":
bytes or null, "times": [seconds, ...]}``.

The work is pure Python and imports nothing, so it runs unchanged in an
interpreter that refuses extension modules; its source is passed to the
interpreters as text, with the sizes formatted into it.
"""

import gc
import json
import os
import subprocess
import sys
import threading
import time

# Defines work(units): `units` calls of unit(), the workload's unit of work.
# Every call must return the same int (the workload's check value); work()
# raises if one does not, and returns the check value.
HARNESS = '''
def work(units):
    check = unit()
    for _ in range(units - 1):
        if unit() != check:
            raise RuntimeError('a unit of work computed a different result')
    return check
'''

# name -> (source defining unit(), summary). A unit takes about 1 ms on the
# reference machine (2-core AMD EPYC).
WORKLOADS = {
    'arithmetic': ('''
def unit():
    h = 0
    x = 0.0
    for i in range(1, 6001):
        h = (h * 31 + i * i) % 1000003
        if h & 1:
            h ^= i << 3
        x = x * 0.999 + (h % 97) / i
    return h * 1000 + int(x * 1000) % 1000
''', 'an integer and float loop on locals: a hash-like recurrence with '
         'modulo, shifts and xor, and a float series'),
    'allocation': ('''
class Node:
    def __init__(self, key, value, children):
        self.key = key
        self.value = value
        self.children = children

def unit():
    total = 0
    for i in range(200):
        row = [(i, j, j * 2) for j in range(12)]
        table = {j: [j, i] for j in range(12)}
        nodes = [Node(j, row[j], table) for j in range(12)]
        tree = Node(i, tuple(nodes), {'n': len(nodes), 'key': (i, 'k')})
        total += len(tree.value) + tree.children['n'] + row[i % 12][2]
        total += len(table[i % 12]) + nodes[-1].value[1]
    return total
''', 'short-lived lists of tuples, dicts of lists, small class instances '
         'and a tuple of them, built and dropped'),
}

MODES = ('interpreters', 'legacy-interpreters', 'threads', 'processes',
         'multiprocessing')

WARMUP_UNITS = 3


def source(workload):
    return HARNESS + WORKLOADS[workload][0]


def namespace(workload):
    """The workload's functions, defined in this interpreter."""
    ns = {'__name__': 'scaling_work'}
    exec(source(workload), ns)
    return ns


# --- interpreters ------------------------------------------------------------

def interp_module():
    """The low-level interpreters module, or None."""
    try:
        import _xxsubinterpreters
    except ImportError:
        return None
    return _xxsubinterpreters


def creator(kind):
    """A function that creates one interpreter of this kind and returns
    its id. 'isolated' needs new_config(); 'legacy' falls back to 3.11's
    create(), which gives exactly that."""
    interp = interp_module()
    if interp is None:
        raise RuntimeError('no _xxsubinterpreters module')
    if not hasattr(interp, 'new_config'):
        if kind == 'isolated':
            raise RuntimeError('no _xxsubinterpreters.new_config()')
        return interp.create
    config = interp.new_config(kind)
    return lambda: interp.create(config)


def probe():
    """Whether this build can run own-GIL interpreters, and why not."""
    try:
        create = creator('isolated')
        interp = interp_module()
        config = interp.new_config('isolated')
        if not config.own_gil:
            return {'own_gil': False,
                    'reason': "new_config('isolated').own_gil is false"}
        iid = create()
        try:
            interp.run_string(iid, 'x = sum(range(10))')
        finally:
            interp.destroy(iid)
    except Exception as e:
        return {'own_gil': False, 'reason': f'{type(e).__name__}: {e}'}
    return {'own_gil': True, 'reason': ''}


# --- running N workers at once -----------------------------------------------

def run_together(jobs):
    """Call each job in a thread of its own, all released together by a
    barrier. Return (wall seconds, the jobs' results); raise the first
    exception a job raised."""
    n = len(jobs)
    barrier = threading.Barrier(n)
    starts, ends, results, errors = [None] * n, [None] * n, [None] * n, []

    def body(i):
        try:
            barrier.wait()
            starts[i] = time.perf_counter()
            results[i] = jobs[i]()
            ends[i] = time.perf_counter()
        except BaseException as e:
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return max(ends) - min(starts), results


def in_threads(workload, n, units, repeats, expected):
    work = namespace(workload)['work']
    work(WARMUP_UNITS)
    walls = []
    for _ in range(repeats):
        wall, checks = run_together([lambda: work(units)] * n)
        if any(c != expected for c in checks):
            raise RuntimeError(f'a thread computed {checks}, not {expected}')
        walls.append(wall)
    return walls


def in_interpreters(kind, workload, n, units, repeats, expected):
    interp = interp_module()
    create = creator(kind)
    ids = []
    try:
        for _ in range(n):
            ids.append(create())
        setup = f'{source(workload)}\nwork({WARMUP_UNITS})\n'
        for iid in ids:
            interp.run_string(iid, setup)
        # The check runs inside the interpreter: a wrong result raises
        # there, and run_string raises RunFailedError here.
        code = (f'if work({units}) != {expected!r}:\n'
                f'    raise RuntimeError("wrong check value")\n')
        walls = []
        for _ in range(repeats):
            wall, _ = run_together(
                [lambda iid=iid: interp.run_string(iid, code) for iid in ids])
            walls.append(wall)
        return walls
    finally:
        for iid in ids:
            interp.destroy(iid)


def in_processes(workload, n, units, repeats, expected):
    cmd = [sys.executable, '-S', '-s', os.path.abspath(__file__),
           'worker', workload, str(units)]
    procs = []
    try:
        for _ in range(n):
            procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True))
        for p in procs:
            if p.stdout.readline() != 'ready\n':
                raise RuntimeError(f'worker {p.pid} did not start '
                                   f'(status {p.wait()})')
        walls = []
        for _ in range(repeats):
            for p in procs:
                p.stdin.write('go\n')
                p.stdin.flush()
            replies = []
            for p in procs:
                line = p.stdout.readline()
                if not line:
                    raise RuntimeError(f'worker {p.pid} exited with status '
                                       f'{p.wait()} before its result')
                replies.append(json.loads(line))
            if any(r['check'] != expected for r in replies):
                raise RuntimeError(f'a worker computed {replies}, '
                                   f'not {expected}')
            walls.append(max(r['end'] for r in replies)
                         - min(r['start'] for r in replies))
        for p in procs:
            p.stdin.close()
        for p in procs:
            if p.wait(timeout=60) != 0:
                raise RuntimeError(f'worker {p.pid} exited with status '
                                   f'{p.returncode}')
        return walls
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


# How long the multiprocessing host waits for its workers to set up, and
# for one repeat's results, before it gives up.
MP_SETUP_TIMEOUT = 120
MP_RESULT_TIMEOUT = 600


def mp_worker(workload, units, repeats, barrier, results):
    """One process of the 'multiprocessing' mode: set up, then for each
    repeat wait at the barrier with the others and the host, do the work
    and put (start, end, check) on the results queue; ('error', text) if
    anything raised."""
    try:
        work = namespace(workload)['work']
        work(WARMUP_UNITS)
        for _ in range(repeats):
            barrier.wait(MP_SETUP_TIMEOUT)
            start = time.perf_counter()
            check = work(units)
            end = time.perf_counter()
            results.put((start, end, check))
    except BaseException as e:
        results.put(('error', f'{type(e).__name__}: {e}', None))
        barrier.abort()


def in_multiprocessing(workload, n, units, repeats, expected):
    import multiprocessing
    import queue
    context = multiprocessing.get_context('fork')
    # The host is a party of the barrier too: it starts the clock of a
    # repeat only when every worker has set up (or finished the last one).
    barrier = context.Barrier(n + 1)
    results = context.Queue()
    procs = [context.Process(target=mp_worker,
                             args=(workload, units, repeats, barrier,
                                   results))
             for _ in range(n)]
    try:
        for p in procs:
            p.start()
        walls = []
        for _ in range(repeats):
            try:
                barrier.wait(MP_SETUP_TIMEOUT)
            except threading.BrokenBarrierError:
                pass    # a worker failed: its error is on the queue
            replies = []
            while len(replies) < n:
                try:
                    reply = results.get(timeout=MP_RESULT_TIMEOUT)
                except queue.Empty:
                    raise RuntimeError('no result from a multiprocessing '
                                       'worker') from None
                if reply[0] == 'error':
                    raise RuntimeError(f'a multiprocessing worker failed: '
                                       f'{reply[1]}')
                replies.append(reply)
            if any(check != expected for _, _, check in replies):
                raise RuntimeError(f'a worker computed {replies}, '
                                   f'not {expected}')
            walls.append(max(end for _, end, _ in replies)
                         - min(start for start, _, _ in replies))
        for p in procs:
            p.join(60)
            if p.exitcode != 0:
                raise RuntimeError(f'worker {p.pid} exited with status '
                                   f'{p.exitcode}')
        return walls
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()


def worker(workload, units):
    """One process of the 'processes' mode: set up, say 'ready', then do
    the work once per 'go' line until stdin closes."""
    work = namespace(workload)['work']
    work(WARMUP_UNITS)
    print('ready', flush=True)
    for _ in sys.stdin:
        start = time.perf_counter()
        check = work(units)
        end = time.perf_counter()
        print(json.dumps({'start': start, 'end': end, 'check': check}),
              flush=True)


def scale(mode, workload, n, units, repeats):
    # The reference check value, computed here in the main interpreter;
    # every worker must compute the same.
    expected = namespace(workload)['unit']()
    if mode == 'threads':
        walls = in_threads(workload, n, units, repeats, expected)
    elif mode == 'processes':
        walls = in_processes(workload, n, units, repeats, expected)
    elif mode == 'multiprocessing':
        walls = in_multiprocessing(workload, n, units, repeats, expected)
    else:
        kind = 'isolated' if mode == 'interpreters' else 'legacy'
        walls = in_interpreters(kind, workload, n, units, repeats, expected)
    return {'walls': walls, 'units': n * units, 'check': expected}


# --- lifecycle ---------------------------------------------------------------

def resident_bytes():
    """This process's resident set size, or None where /proc is missing."""
    try:
        with open('/proc/self/statm') as f:
            pages = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf('SC_PAGE_SIZE')


def lifecycle(kind, cycles, k):
    interp = interp_module()
    create = creator(kind)

    # Memory first, before many create/destroy cycles have left freed
    # memory behind for new interpreters to reuse. The first interpreter
    # may set up process-wide state; it is kept and not counted, so the
    # figure is what each further idle interpreter adds.
    first = create()
    ids = []
    try:
        gc.collect()
        before = resident_bytes()
        for _ in range(k):
            ids.append(create())
        after = resident_bytes()
    finally:
        for iid in [first, *ids]:
            interp.destroy(iid)
    per_interp = None if before is None else (after - before) / k

    for _ in range(3):
        interp.destroy(create())
    times = []
    for _ in range(cycles):
        start = time.perf_counter()
        iid = create()
        interp.destroy(iid)
        times.append(time.perf_counter() - start)
    return {'rss_per_interp': per_interp, 'times': times}


def main(argv):
    usage = ('usage: scaling_child.py probe | scale MODE WORKLOAD N UNITS '
             'REPEATS | lifecycle KIND CYCLES K | worker WORKLOAD UNITS')
    if not argv:
        sys.exit(usage)
    command, args = argv[0], argv[1:]
    if command == 'worker' and len(args) == 2:
        worker(args[0], int(args[1]))
        return
    if command == 'probe' and not args:
        result = probe()
    elif (command == 'scale' and len(args) == 5 and args[0] in MODES
          and args[1] in WORKLOADS):
        result = scale(args[0], args[1], *map(int, args[2:]))
    elif (command == 'lifecycle' and len(args) == 3
          and args[0] in ('isolated', 'legacy')):
        result = lifecycle(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit(usage)
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
