"""The training run of the release build's profile-guided optimization.

fork/build runs this with the instrumented ``python`` of the build directory,
for percore and for the baseline alike, so both are optimized for the same
work:

1. regrtest's PGO set (``-m test --pgo``: the tests upstream chose to cover
   the core and the common C modules), two at a time;
2. every single-thread workload of bench/st_workloads.py at a small size,
   the interpreter's hottest paths as the benchmarks see them;
3. the same workloads in two subinterpreters, one after the other, passing
   results back: own-GIL interpreters through ``concurrent.interpreters``
   where the build has it (percore), legacy subinterpreters through
   ``_xxsubinterpreters`` otherwise (unpatched 3.11.2).

Nothing here runs instrumented code in two threads at once: the counters
of ``-fprofile-generate`` are not atomic, so two own-GIL interpreters
running at the same time would lose increments and leave a profile whose
counts do not add up, which gcc's ``-fprofile-correction`` then replaces
with estimates, and which would differ from one build to the next.

Test failures in part 1 do not fail the training: they are about what a test
expects of this machine, not about which code ran. Anything else does: a
crash, a regrtest that did not run, a workload that raised or computed a
wrong answer. The exit status says which, and fork/build stops the build.
"""

import os
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, 'bench')

# regrtest exit statuses: 0 all passed, 2 some test failed (both fine here).
REGRTEST_OK = (0, 2)

# The workloads' sizes are divided by this: about 0.1 s each uninstrumented.
SIZE_DIVISOR = 4


def log(msg):
    print(f'pgo-train: {msg}', flush=True)


def run_regrtest():
    start = time.monotonic()
    cmd = [sys.executable, '-m', 'test', '--pgo', '-j2', '--timeout=600']
    rc = subprocess.call(cmd, stdout=subprocess.DEVNULL)
    log(f'regrtest --pgo: exit {rc}, {time.monotonic() - start:.0f} s')
    if rc not in REGRTEST_OK:
        raise SystemExit(f'regrtest --pgo exited with {rc}')


def workload_sizes():
    sys.path.insert(0, BENCH)
    import st_workloads
    for name, (func, size, callgrind_size, _) in sorted(
            st_workloads.WORKLOADS.items()):
        yield name, max(1, size // SIZE_DIVISOR)


INTERP_CODE = '''\
import sys
sys.path.insert(0, {bench!r})
import st_workloads
results = {{}}
for name, n in {sizes!r}:
    results[name] = st_workloads.WORKLOADS[name][0](n)
'''


def run_workloads(sizes):
    """Each workload once in this interpreter: the expected answers."""
    start = time.monotonic()
    import st_workloads
    results = {name: st_workloads.WORKLOADS[name][0](n) for name, n in sizes}
    log(f'workloads: {time.monotonic() - start:.0f} s')
    return results


def run_in_interpreters(sizes, expected):
    """The workloads in two subinterpreters in turn, compared with ours."""
    start = time.monotonic()
    code = INTERP_CODE.format(bench=BENCH, sizes=sizes)
    try:
        from concurrent import interpreters
    except ImportError:
        interpreters = None
    got = [None, None]
    errors = []

    if interpreters is not None:
        queue = interpreters.create_queue()

        def worker(i):
            try:
                interp = interpreters.create()
                try:
                    interp.prepare_main(queue=queue)
                    interp.exec(code + 'queue.put(repr(sorted(results.items())))\n')
                    got[i] = queue.get(timeout=600)
                finally:
                    interp.close()
            except BaseException as exc:
                errors.append(exc)
        kind = 'own-GIL interpreters'
    else:
        import _xxsubinterpreters as interp_mod

        def worker(i):
            try:
                interp = interp_mod.create()
                try:
                    ns = {}
                    rfd, wfd = os.pipe()
                    interp_mod.run_string(
                        interp,
                        code + 'import os\n'
                        f'os.write({wfd}, repr(sorted(results.items())).encode())\n'
                        f'os.close({wfd})\n')
                    with open(rfd, 'rb') as f:
                        got[i] = f.read().decode()
                finally:
                    interp_mod.destroy(interp)
            except BaseException as exc:
                errors.append(exc)
        kind = 'subinterpreters (shared GIL)'

    # Each in a thread of its own, as a pool runs them, but never two at a
    # time (see the module's docstring).
    for i in range(2):
        thread = threading.Thread(target=worker, args=(i,))
        thread.start()
        thread.join()
    if errors:
        raise SystemExit(f'training in {kind} failed: {errors[0]!r}')
    want = repr(sorted(expected.items()))
    if got != [want, want]:
        raise SystemExit(f'training in {kind} computed other answers')
    log(f'{kind}: {time.monotonic() - start:.0f} s')


def main():
    sizes = list(workload_sizes())
    run_in_interpreters(sizes, run_workloads(sizes))
    if '--no-regrtest' not in sys.argv:
        run_regrtest()
    log('done')


if __name__ == '__main__':
    main()
