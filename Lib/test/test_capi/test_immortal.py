"""Immortal objects (PEP 683): which objects are immortal, and that their
reference counts never change."""

import builtins
import gc
import importlib.machinery
import posixpath
import sys
import threading
import unittest

from test.support import threading_helper

is_immortal = sys._is_immortal

# What sys.getrefcount() reports for every immortal object.
IMMORTAL_REFCNT = 2**32 - 1 if sys.maxsize > 2**32 else 2**30 - 1


Py_TPFLAGS_HEAPTYPE = 1 << 9


def static_types():
    """The statically allocated builtin types and exception types.

    builtins also holds two heap types, made at run time: ExceptionGroup
    and importlib's BuiltinImporter (as __loader__)."""
    for value in vars(builtins).values():
        if isinstance(value, type) and not value.__flags__ & Py_TPFLAGS_HEAPTYPE:
            yield value
    yield type(None)
    yield type(Ellipsis)
    yield type(NotImplemented)


class ImmortalObjectsTests(unittest.TestCase):

    def assertImmortal(self, obj):
        self.assertTrue(is_immortal(obj), f'{obj!r} is not immortal')
        self.assertEqual(sys.getrefcount(obj), IMMORTAL_REFCNT)
        self.assertFalse(gc.is_tracked(obj), f'gc tracks {obj!r}')

    def test_singletons(self):
        for obj in (None, True, False, Ellipsis, NotImplemented):
            with self.subTest(obj=obj):
                self.assertImmortal(obj)

    def test_small_ints(self):
        for i in range(-5, 257):
            with self.subTest(i=i):
                self.assertImmortal(i)
        # Computed, not constants: the small-int cache hands them out.
        self.assertImmortal(int('100'))
        self.assertFalse(is_immortal(int('257')))
        self.assertFalse(is_immortal(int('-6')))

    def test_empty_and_one_character_objects(self):
        self.assertImmortal(())
        self.assertImmortal(b'')
        self.assertImmortal('')
        self.assertImmortal(str())
        self.assertImmortal(tuple())
        for i in range(256):
            with self.subTest(i=i):
                self.assertImmortal(chr(i))
                self.assertImmortal(bytes([i]))

    def test_static_types(self):
        count = 0
        for tp in static_types():
            with self.subTest(type=tp):
                self.assertImmortal(tp)
                count += 1
        self.assertGreater(count, 90)
        # Static struct sequence types too.
        self.assertImmortal(type(sys.flags))
        self.assertImmortal(type(sys.float_info))

    def test_statically_allocated_strings(self):
        # The interpreter's own identifiers are statically allocated
        # (_Py_ID): attribute and method names of the static types are
        # looked up through them.
        self.assertImmortal(sys.intern('__dict__'))
        self.assertImmortal(sys.intern('__name__'))

    @unittest.skipUnless(
        posixpath.__loader__ is importlib.machinery.FrozenImporter,
        'posixpath is not a frozen module here')
    def test_deep_frozen_code(self):
        code = posixpath.join.__code__
        self.assertImmortal(code)
        for const in code.co_consts:
            with self.subTest(const=const):
                self.assertTrue(is_immortal(const))
        for name in code.co_names:
            with self.subTest(name=name):
                self.assertTrue(is_immortal(name))

    def test_mortal_objects(self):
        class C:
            pass
        for obj in (object(), [], {}, 10**20, 1.5, 'percore' * 2,
                    b'xy' * 3, (1, [2]), C, C(), lambda: None):
            with self.subTest(obj=obj):
                self.assertFalse(is_immortal(obj))
                self.assertLess(sys.getrefcount(obj), 100)

    def test_refcount_never_changes(self):
        # A million references made and dropped, in several threads.
        objects = (None, True, 0, 255, (), '', int, ValueError)
        before = [sys.getrefcount(obj) for obj in objects]

        def churn():
            refs = []
            for _ in range(1_000_000 // 8 // 4):
                refs.append(objects)
                refs.extend(objects)
            refs.clear()

        threads = [threading.Thread(target=churn) for _ in range(4)]
        with threading_helper.start_threads(threads):
            pass
        self.assertEqual([sys.getrefcount(obj) for obj in objects], before)
        for obj in objects:
            self.assertTrue(is_immortal(obj))

    def test_many_references_held(self):
        # Holding references does not show: the count is a constant.
        held = [None] * 100_000
        self.assertEqual(sys.getrefcount(None), IMMORTAL_REFCNT)
        del held
        self.assertEqual(sys.getrefcount(None), IMMORTAL_REFCNT)

    def test_gc_never_sees_immortal_objects(self):
        immortal_ids = {id(obj) for obj in (None, True, (), '', 0)}
        immortal_ids.update(id(tp) for tp in static_types())
        for obj in gc.get_objects():
            self.assertNotIn(id(obj), immortal_ids)

    def test_is_immortal_argument(self):
        self.assertRaises(TypeError, is_immortal)
        self.assertRaises(TypeError, is_immortal, None, None)


if __name__ == '__main__':
    unittest.main()
