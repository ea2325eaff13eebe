"""The _asyncio accelerator in several interpreters with a GIL of their own,
running event loops at the same time, and in a legacy subinterpreter."""

import asyncio
import textwrap
import unittest
from test.support import import_helper
from test.support.script_helper import assert_python_ok

import_helper.import_module('_asyncio')
import_helper.import_module('concurrent.interpreters')
_xxsubinterpreters = import_helper.import_module('_xxsubinterpreters')


# Futures, tasks, cancellation, current_task/all_tasks and the running loop,
# all through the C implementation.
ASYNCIO_WORK = textwrap.dedent('''
    import _asyncio
    import asyncio

    assert asyncio.Future is _asyncio.Future
    assert asyncio.Task is _asyncio.Task
    assert asyncio.events._get_running_loop is _asyncio._get_running_loop

    async def work(i):
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        loop.call_soon(fut.set_result, i)
        await asyncio.sleep(0)
        assert asyncio.current_task().get_name().startswith('Task-')
        return await fut

    async def main():
        tasks = [asyncio.create_task(work(i)) for i in range(100)]
        assert asyncio.current_task() in asyncio.all_tasks()
        sleeper = asyncio.create_task(asyncio.sleep(60))
        await asyncio.sleep(0)
        sleeper.cancel()
        try:
            await sleeper
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError('not cancelled')
        assert sleeper.cancelled()
        return sum(await asyncio.gather(*tasks))

    for _ in range(ROUNDS):
        assert asyncio.run(main()) == 4950
        assert asyncio.events._get_running_loop() is None
''')


def tearDownModule():
    asyncio.set_event_loop_policy(None)


# Own-GIL interpreters run in a child process, so that a crash fails the
# test rather than the whole run.

# Rounds of four own-GIL interpreters running event loops in threads, while
# the main interpreter runs its own.
PARALLEL = textwrap.dedent('''
    import threading
    import concurrent.interpreters as interpreters

    WORK = %r
    errors = []

    def run(interp):
        try:
            interp.exec(WORK.replace('ROUNDS', '10'))
        except Exception as exc:
            errors.append(exc)

    for _ in range(3):
        interps = [interpreters.create() for _ in range(4)]
        threads = [threading.Thread(target=run, args=(interp,))
                   for interp in interps]
        for t in threads:
            t.start()
        exec(WORK.replace('ROUNDS', '2'), {})
        for t in threads:
            t.join()
        for interp in interps:
            interp.close()
    assert not errors, errors
''') % ASYNCIO_WORK


IMPORT_FIRST = textwrap.dedent('''
    import concurrent.interpreters as interpreters

    interp = interpreters.create()
    interp.exec(%r)
    interp.close()
''') % (textwrap.dedent('''
    import _asyncio
    import asyncio.tasks
    assert asyncio.tasks._all_tasks is _asyncio._all_tasks
    assert asyncio.tasks._current_tasks is _asyncio._current_tasks
''') + ASYNCIO_WORK.replace('ROUNDS', '1'))


class OwnGILTests(unittest.TestCase):

    def test_event_loops_in_parallel(self):
        assert_python_ok('-c', PARALLEL)

    def test_import_first(self):
        # Importing _asyncio before asyncio imports asyncio, which imports
        # _asyncio again while it is being initialized.
        assert_python_ok('-c', IMPORT_FIRST)

    def test_legacy_subinterpreter(self):
        interp = _xxsubinterpreters.create('legacy')
        self.addCleanup(_xxsubinterpreters.destroy, interp)
        _xxsubinterpreters.run_string(interp,
                                      ASYNCIO_WORK.replace('ROUNDS', '2'))


if __name__ == '__main__':
    unittest.main()
