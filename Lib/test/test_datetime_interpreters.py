"""The _datetime accelerator in several interpreters with a GIL of their own
at the same time, and in a legacy subinterpreter.  Its types, their class
attributes, the UTC singleton and the C API are shared by every interpreter
(immortal); the objects made from them belong to each interpreter."""

import textwrap
import unittest
from test.support import import_helper
from test.support.script_helper import assert_python_ok

import_helper.import_module('_datetime')
import_helper.import_module('concurrent.interpreters')
_xxsubinterpreters = import_helper.import_module('_xxsubinterpreters')


DATETIME_WORK = textwrap.dedent('''
    import _datetime
    import datetime
    import pickle
    from datetime import date, datetime as dt, time, timedelta, timezone

    assert datetime.datetime is _datetime.datetime
    assert timezone.utc is datetime.UTC is _datetime.UTC
    assert dt.max.year == datetime.MAXYEAR

    class MyDate(date):
        pass

    east = timezone(timedelta(hours=3), 'EAST')
    for i in range(ROUNDS):
        d = dt(2000 + i % 50, 1 + i % 12, 1 + i % 28, 12, 30, tzinfo=east)
        u = d.astimezone(timezone.utc)
        assert u.tzinfo is timezone.utc
        assert u == d
        assert u.replace(tzinfo=None) + timedelta(hours=3) == \
            d.replace(tzinfo=None)
        assert hash(u) == hash(d)
        assert dt.fromtimestamp(u.timestamp(), timezone.utc) == d
        assert dt.strptime(d.strftime('%Y-%m-%d %H:%M'),
                           '%Y-%m-%d %H:%M') == d.replace(tzinfo=None)
        assert pickle.loads(pickle.dumps(d)) == d
        assert MyDate(2000, 1, 1) + timedelta(days=i) > date.min
        assert time.fromisoformat(d.time().isoformat()) == d.time()
        assert timedelta(weeks=i, milliseconds=i) // timedelta(weeks=1) == i
    assert date.min < date.max and time.min < time.max
    assert timedelta.min < timedelta.resolution < timedelta.max
    assert timezone.min.utcoffset(None) < timezone.max.utcoffset(None)
    assert type(date.today().isocalendar()).__name__ == 'IsoCalendarDate'
''')

# Rounds of four own-GIL interpreters using datetime in threads at once,
# the first imports included; in a child process, so that a crash fails
# the test rather than the whole run.
PARALLEL = textwrap.dedent('''
    import threading
    import concurrent.interpreters as interpreters

    WORK = %r
    errors = []

    def run(interp):
        try:
            interp.exec(WORK.replace('ROUNDS', '2000'))
        except Exception as exc:
            errors.append(exc)

    for _ in range(3):
        interps = [interpreters.create() for _ in range(4)]
        threads = [threading.Thread(target=run, args=(interp,))
                   for interp in interps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for interp in interps:
            interp.close()
    assert not errors, errors
    exec(WORK.replace('ROUNDS', '10'), {})
''') % DATETIME_WORK


class OwnGILTests(unittest.TestCase):

    def test_parallel(self):
        assert_python_ok('-c', PARALLEL)

    def test_legacy_subinterpreter(self):
        interp = _xxsubinterpreters.create('legacy')
        self.addCleanup(_xxsubinterpreters.destroy, interp)
        _xxsubinterpreters.run_string(interp,
                                      DATETIME_WORK.replace('ROUNDS', '10'))

    def test_capi_capsule(self):
        # The capsule of every module object points to the same C API.
        import _datetime
        import ctypes
        name = b'datetime.datetime_CAPI'
        get = ctypes.pythonapi.PyCapsule_GetPointer
        get.restype = ctypes.c_void_p
        get.argtypes = [ctypes.py_object, ctypes.c_char_p]
        fresh = import_helper.import_fresh_module('_datetime')
        self.assertIsNot(fresh.datetime_CAPI, _datetime.datetime_CAPI)
        self.assertEqual(get(fresh.datetime_CAPI, name),
                         get(_datetime.datetime_CAPI, name))
        self.assertIs(fresh.datetime, _datetime.datetime)
        self.assertIs(fresh.UTC, _datetime.UTC)


if __name__ == '__main__':
    unittest.main()
