"""How many of the build's extension modules work in an interpreter with its
own GIL: the stdlib's and Debian's third-party ones.

    build/install/bin/python3 bench/extensions.py

Every extension module (built-in and shared) is imported, and exercised a
little, in four own-GIL interpreters at once, as the regression test
test_own_gil_extensions does; markdown on stdout: the count, and each
module refused or failing with its reason.  A report, never an assertion.
"""

import sys
import threading

from test import test_own_gil_extensions as extensions

N_INTERPRETERS = 4


def main():
    names = extensions.extension_modules()
    results = [None] * N_INTERPRETERS

    def worker(i):
        results[i] = extensions.import_all_in_new_interpreter(
            names[i:] + names[:i])

    threads = [threading.Thread(target=worker, args=(i,))
               for i in range(N_INTERPRETERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    working = [n for n in names if all(r[n] == 'ok' for r in results)]
    print(f'# Extension modules in own-GIL interpreters ({sys.version.split()[0]})')
    print()
    print(f'{len(working)} of {len(names)} extension modules that this build '
          f'has import and work in {N_INTERPRETERS} own-GIL interpreters '
          'running at once.')
    print()
    print('| module | outcome | documented reason |')
    print('|---|---|---|')
    for name in names:
        if name in working:
            continue
        outcome = sorted({r[name] for r in results})[0]
        reason = extensions.REFUSED.get(name, '(not documented: a bug)')
        print(f'| {name} | {outcome.splitlines()[0][:120]} | {reason} |')


if __name__ == '__main__':
    main()
