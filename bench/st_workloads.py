"""The single-thread workloads, and the child process that runs one of them.

Each workload is a function ``bench_NAME(n) -> check`` whose cost grows
about linearly with ``n``: the micro workloads defined here, then the larger
programs of the ``programs`` package (``PROGRAMS`` lists their names).
``check`` is a small int or str derived from what the workload computed;
every interpreter must return the same one, which catches a fork that is
fast because it is wrong.

Run as a script this file is the child process that single_thread.py starts::

    python3 -S -s st_workloads.py NAME N

It runs ``bench_NAME(N)`` once and prints one JSON line, ``{"seconds": S,
"check": C}``, where S is the wall-clock time of that call alone (startup,
imports and shutdown are outside it). NAME ``startup`` does everything except
the call: its instruction count is the interpreter's startup and shutdown,
which single_thread.py subtracts from the callgrind counts.

Only the standard library is used, and nothing that depends on the machine,
the clock or the hash seed, so both interpreters compute the same thing.
"""

import json
import re
import sys
import time

# name -> (function, size for wall clock, size for callgrind, summary)
# The wall-clock size gives roughly 0.2-0.5 s per call on the reference
# machine (2-core AMD EPYC); the callgrind size is about a tenth of it so
# that a run under callgrind (about 50 times slower) takes seconds.
WORKLOADS = {}


def workload(size, callgrind_size):
    """Register bench_NAME under NAME with its two sizes."""
    def register(func):
        name = func.__name__[len('bench_'):]
        summary = ' '.join(func.__doc__.split())
        WORKLOADS[name] = (func, size, callgrind_size, summary)
        return func
    return register


# --- object-heavy ---------------------------------------------------------

class Vector:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def scaled(self, k):
        return Vector(self.x * k, self.y * k)

    def norm2(self):
        return self.x * self.x + self.y * self.y


class Particle:
    def __init__(self, ident, pos, vel):
        self.ident = ident
        self.pos = pos
        self.vel = vel
        self.bounces = 0

    @property
    def energy(self):
        return 0.5 * self.vel.norm2()

    def step(self, dt):
        self.pos = self.pos + self.vel.scaled(dt)
        # Reflect off the walls of a 100 x 100 box.
        if not 0.0 <= self.pos.x <= 100.0:
            self.vel = Vector(-self.vel.x, self.vel.y)
            self.bounces += 1
        if not 0.0 <= self.pos.y <= 100.0:
            self.vel = Vector(self.vel.x, -self.vel.y)
            self.bounces += 1


class HeavyParticle(Particle):
    def __init__(self, ident, pos, vel, mass):
        super().__init__(ident, pos, vel)
        self.mass = mass

    @property
    def energy(self):
        return self.mass * super().energy

    def step(self, dt):
        # Heavier particles move in smaller steps.
        super().step(dt / self.mass)


@workload(size=8_000, callgrind_size=800)
def bench_objects(n):
    """Class instances: construction, attribute reads and writes, methods,
    properties, inheritance and super()."""
    particles = []
    for i in range(60):
        pos = Vector(float(i % 10) * 9.0 + 1.0, float(i // 10) * 15.0 + 1.0)
        vel = Vector((i % 7) - 3.0, (i % 5) - 2.0)
        if i % 3:
            particles.append(Particle(i, pos, vel))
        else:
            particles.append(HeavyParticle(i, pos, vel, 1.0 + i % 4))
    energy = 0.0
    for step in range(n):
        for p in particles:
            p.step(0.5)
        energy += particles[step % 60].energy
    bounces = sum(p.bounces for p in particles)
    return f'{bounces} {energy:.6f}'


# --- arithmetic -----------------------------------------------------------

@workload(size=25_000, callgrind_size=2_500)
def bench_arithmetic(n):
    """Int and float loops: Collatz steps, gcd, bit operations, modular
    powers, a float series."""
    steps = 0
    bits = 0
    for i in range(1, n + 1):
        x = i
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        a = i * 7919
        b = (i * 104_729) % 65_521 + 1
        while b:
            a, b = b, a % b
        bits ^= (a << (i % 13)) | (i >> 2) & 0xFFFF
        bits += pow(i, 17, 1_000_003)
    acc = 0.0
    for i in range(1, n * 40 + 1):
        x = i * 0.001
        acc += x * x / (1.0 + x) - (x - 0.5) * 0.25
        acc *= 0.999999
    return f'{steps} {bits} {acc:.6f}'


# --- strings --------------------------------------------------------------

WORDS = ('alpha', 'beta', 'gamma', 'delta', 'straße', 'café', 'eta', 'θήτα')


@workload(size=100_000, callgrind_size=10_000)
def bench_strings(n):
    """Strings: f-strings, %-format and str.format, join, split, slicing,
    case, search and replace, ASCII and non-ASCII."""
    total = 0
    pieces = []
    for i in range(n):
        w = WORDS[i % 8]
        s = f'{w}-{i:05d}-{i * 0.5:.2f}'
        t = '%s/%d/%x' % (w, i, i)
        u = '{}:{!r}:{:>8}'.format(w, i, w)
        line = ' '.join((s, t, u))
        parts = line.split(' ')
        total += len(parts) + line.find('-') + line.count('a')
        total += len(line[3:-3:2]) + len(line.upper()) + len(line[::-1])
        if line.startswith(w) and line.endswith(w.rjust(8)):
            total += 1
        pieces.append(line.replace('-', '_')[:12])
    joined = ','.join(pieces)
    return f'{total} {len(joined)} {joined[-40:]}'


# --- dicts ----------------------------------------------------------------

STR_KEYS = tuple(f'key{i}' for i in range(256))


@workload(size=3_000, callgrind_size=300)
def bench_dicts(n):
    """Dicts: insert, lookup, get, setdefault, membership, update, delete and
    iteration, with int, str and tuple keys."""
    total = 0
    for r in range(n):
        d = {}
        for i, k in enumerate(STR_KEYS):
            d[k] = i
            d[i] = k
        for k in STR_KEYS:
            total += d[k]
        for i in range(0, 256, 3):
            total += len(d[i])
            total += d.get(i + 1000, 1)
            d.setdefault((i, r & 7), i)
        for k in STR_KEYS[::2]:
            del d[k]
        total += sum(1 for k in STR_KEYS if k in d)
        other = {i: i * 2 for i in range(32)}
        d.update(other)
        for k, v in d.items():
            if type(v) is int:
                total += v
        while len(d) > 200:
            d.popitem()
        total += len(d)
    return total


# --- function calls -------------------------------------------------------

def _add(a, b):
    return a + b


def _defaults(a, b=2, *, c=3):
    return a + b * c


def _varargs(*args):
    return len(args)


def _varkw(**kwargs):
    return len(kwargs)


class _Calls:
    factor = 3

    def method(self, x):
        return x * self.factor

    @staticmethod
    def static(x):
        return x - 1

    @classmethod
    def klass(cls, x):
        return x + cls.factor


def _make_adder(k):
    def adder(x):
        return x + k
    return adder


@workload(size=230_000, callgrind_size=23_000)
def bench_calls(n):
    """Many small calls: positional, defaults, keywords, *args, **kwargs,
    methods, static and class methods, closures, lambdas."""
    obj = _Calls()
    adder = _make_adder(7)
    square = lambda x: x * x  # noqa: E731 (the point is to call a lambda)
    pair = (1, 2)
    kwargs = {'a': 1, 'b': 2, 'c': 3}
    total = 0
    for i in range(n):
        total += _add(i, 1)
        total += _defaults(i)
        total += _defaults(i, c=2)
        total += _defaults(a=i, b=1, c=1)
        total += _varargs(i, i, i)
        total += _varkw(x=i, y=2)
        total += obj.method(i) + _Calls.static(i) + obj.klass(i)
        total += adder(i) + square(i & 255)
        total += _add(*pair) + _defaults(**kwargs)
    return total


# --- generators and comprehensions ----------------------------------------

def _count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1


def _evens(iterable):
    for x in iterable:
        if x % 2 == 0:
            yield x


def _chain(a, b):
    yield from a
    yield from b


def _running_mean():
    # A coroutine: receives numbers with send(), yields the mean so far.
    total = 0.0
    count = 0
    mean = None
    while True:
        value = yield mean
        total += value
        count += 1
        mean = total / count


@workload(size=28_000, callgrind_size=2_800)
def bench_generators(n):
    """Generator functions, yield from, send(), generator expressions and
    list, set and dict comprehensions."""
    total = 0
    for i in range(n):
        total += sum(_evens(_count_up(40)))
        total += sum(x * x for x in range(40) if x & 1)
        total += len([x for x in range(40) if x % 3])
        total += len({x % 7 for x in range(40)})
        total += len({x: x + i for x in range(20)})
        total += sum(_chain(range(10), _count_up(10)))
        coro = _running_mean()
        next(coro)
        for v in (i, 2, 4, 8):
            mean = coro.send(v)
        total += int(mean)
    return total


# --- exceptions -----------------------------------------------------------

class AppError(Exception):
    pass


class NotFound(AppError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _lookup(table, key):
    try:
        return table[key]
    except KeyError:
        raise NotFound(key) from None


def _deep(level):
    if level == 0:
        raise AppError('bottom')
    return _deep(level - 1)


class _Suppress:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is not None and issubclass(kind, ArithmeticError)


@workload(size=60_000, callgrind_size=6_000)
def bench_exceptions(n):
    """raise and catch: built-in and user classes, re-raise from, raising
    through frames, finally, a suppressing context manager."""
    table = {i: i for i in range(0, 64, 2)}
    total = 0
    for i in range(n):
        try:
            raise ValueError(i)
        except ValueError as e:
            total += e.args[0] & 1
        try:
            total += _lookup(table, i & 63)
        except NotFound as e:
            total += e.key
        try:
            _deep(4)
        except AppError:
            total += 1
        try:
            try:
                total += 1
            finally:
                total += 2
        except AppError:
            total -= 100
        with _Suppress():
            total += 1 // (i & 1)
        try:
            int('x%d' % (i & 7))
        except ValueError:
            total += 1
    return total


# --- sequence unpacking ---------------------------------------------------

@workload(size=200_000, callgrind_size=20_000)
def bench_unpack_sequence(n):
    """Tuple and list unpacking: fixed size, starred, nested, swaps and
    unpacking in for loops."""
    tup = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    lst = list(tup)
    pairs = [(i, i * 2) for i in range(8)]
    total = 0
    for i in range(n):
        a, b, c, d, e, f, g, h, j, k = tup
        total += a + k
        a, b, c, d, e, f, g, h, j, k = lst
        total += b + j
        first, *middle, last = lst
        total += first + last + len(middle)
        *head, x, y = tup
        total += x * y - len(head)
        (p, q), r = (a, b), c
        p, q = q, p
        a, b, c = c, a, b
        total += p - q + a - c
        for u, v in pairs:
            total += u - v
        for idx, (u, v) in enumerate(pairs[:4]):
            total += idx * u
        total ^= i
    return total


# --- json -----------------------------------------------------------------

def _document():
    return {
        'id': 0,
        'name': 'café \u2603 "quoted"\n',
        'active': True,
        'ratio': 0.125,
        'missing': None,
        'tags': ['alpha', 'beta', 'gamma', 'delta'],
        'items': [{'sku': f'A{i:04d}', 'qty': i, 'price': i * 1.25,
                   'dims': [i, i + 1, i + 2]} for i in range(12)],
        'meta': {'depth': {'more': {'deepest': list(range(10))}}},
    }


@workload(size=2_000, callgrind_size=200)
def bench_json(n):
    """json.dumps / json.loads round trips of a nested document, compact
    (C encoder) and indented with sorted keys (the pure-Python encoder)."""
    doc = _document()
    total = 0
    for i in range(n):
        doc['id'] = i
        text = json.dumps(doc)
        back = json.loads(text)
        pretty = json.dumps(back, indent=2, sort_keys=True)
        again = json.loads(pretty)
        total += len(text) + len(pretty) + again['id']
        total += again['items'][i % 12]['qty']
    return total


# --- regex ----------------------------------------------------------------

LEVELS = ('INFO', 'WARN', 'ERROR')
LOG = '\n'.join(
    f'2024-{1 + i % 12:02d}-{1 + i % 28:02d} {LEVELS[i % 3]} '
    f'user{i}@host{i % 17}.example.org took {i * 37 % 1000} ms '
    f'path=/api/v{i % 3}/items/{i * 7}'
    for i in range(40))


@workload(size=850, callgrind_size=85)
def bench_regex(n):
    """re: compiling fresh patterns (the pure-Python compiler), search,
    findall, finditer, sub with a callback, split."""
    total = 0
    for i in range(n):
        # A pattern unique to this iteration is never in re's cache, so
        # every call to compile runs the compiler.
        fresh = re.compile(rf'(?P<user>user\d+)@(?P<host>host{i}\d*)\.'
                           rf'(?:example|test)\.(?:org|com)')
        date = re.compile(r'(\d{4})-(\d{2})-(\d{2})\s+(INFO|WARN|ERROR)')
        total += len(fresh.findall(LOG))
        for m in date.finditer(LOG):
            total += int(m.group(2))
        m = re.search(r'took (\d+) ms', LOG)
        total += int(m.group(1))
        total += len(re.sub(r'\d+', lambda m: str(len(m.group())), LOG))
        total += len(re.split(r'[\s=/]+', LOG))
        if re.fullmatch(r'[\w\s@.=/:-]+', LOG):
            total += 1
    return total


# --- recursion ------------------------------------------------------------

def _fib(k):
    return k if k < 2 else _fib(k - 1) + _fib(k - 2)


def _build(depth):
    if depth == 0:
        return None
    return (_build(depth - 1), depth, _build(depth - 1))


def _walk(node):
    if node is None:
        return 0
    left, value, right = node
    return value + _walk(left) + _walk(right)


@workload(size=1_000, callgrind_size=100)
def bench_recursion(n):
    """Recursive calls: naive Fibonacci, building and walking a binary tree
    of tuples."""
    total = 0
    for _ in range(n):
        total += _fib(17)
        total += _walk(_build(9))
    return total


# --- allocation and garbage collection ------------------------------------

class _Node:
    def __init__(self, value):
        self.value = value
        self.peer = None


class _SlotNode:
    __slots__ = ('value', 'peer')

    def __init__(self, value):
        self.value = value
        self.peer = None


@workload(size=24_000, callgrind_size=2_400)
def bench_allocation(n):
    """Short-lived objects: tuples, lists, dicts, instances with and without
    __slots__, and reference cycles that only the cyclic GC frees."""
    total = 0
    for i in range(n):
        rows = [(j, j + i, (j, i)) for j in range(30)]
        maps = [{'a': j, 'b': [j, j]} for j in range(10)]
        nodes = [_Node(j) for j in range(15)]
        slots = [_SlotNode(j) for j in range(15)]
        # Pairs that point at each other: freed only by the collector.
        for a, b in zip(nodes, slots):
            a.peer = b
            b.peer = a
        total += len(rows) + len(maps) + rows[-1][1] + maps[3]['b'][1]
        total += sum(s.peer.value for s in slots)
    return total


# --- globals and builtins -------------------------------------------------

COUNTER = 0
LIMIT = 1_000


class _Point:
    def __init__(self):
        self.x = 3


@workload(size=400_000, callgrind_size=40_000)
def bench_builtins(n):
    """Module globals read and written, and cheap builtins: len, abs, min,
    max, isinstance, getattr, hasattr, divmod, ord, chr."""
    global COUNTER
    point = _Point()
    total = 0
    for i in range(n):
        COUNTER += 1
        total += len(WORDS) + abs(-i) + min(i, LIMIT) + max(i & 7, 3)
        total += isinstance(i, int) + hasattr(point, 'y')
        total += getattr(point, 'x') + divmod(i, 7)[1]
        total += ord(chr(65 + (i & 15)))
        if COUNTER > LIMIT:
            COUNTER = 0
    return total + COUNTER


# --- larger programs --------------------------------------------------------

# The programs of bench/programs/ (a package next to this file), after the
# micro workloads above. Importing them is part of every child's startup,
# the 'startup' run's included, so it is subtracted with it.
import programs

PROGRAMS = []
for _func, _size, _callgrind_size in programs.benchmarks():
    workload(_size, _callgrind_size)(_func)
    PROGRAMS.append(_func.__name__[len('bench_'):])
del _func, _size, _callgrind_size


# --- the child process ----------------------------------------------------

def _child(argv):
    if len(argv) != 3:
        sys.exit(f'usage: {argv[0]} NAME N')
    name, size = argv[1], int(argv[2])
    if name == 'startup':
        # Everything except the workload, so the difference is the workload.
        print(json.dumps({'seconds': 0.0, 'check': None}))
        return
    func = WORKLOADS[name][0]
    start = time.perf_counter()
    check = func(size)
    seconds = time.perf_counter() - start
    print(json.dumps({'seconds': seconds, 'check': check}))


if __name__ == '__main__':
    _child(sys.argv)
