"""Larger benchmark programs for the single-thread section: each module is
a small application of a few hundred lines (a scheduler, a ray tracer, a
game search, a template engine, a language implementation, a simulation),
so that the suite also measures code shaped like real programs and not only
the micro workloads of st_workloads.py.

Each module defines ``bench_NAME(n) -> check`` (NAME the module's name, its
docstring the summary shown in reports), ``SIZE`` (the wall-clock size, about
0.3-0.5 s on the reference machine) and ``CALLGRIND_SIZE`` (about a tenth of
it). Like the micro workloads they use only the standard library and are
deterministic: no clock, no dependence on the hash seed, and random numbers
only from a ``random.Random`` with a fixed seed.
"""

from . import connect4, events, minilang, raytrace, scheduler, templates

# In the order the tables show them.
MODULES = (scheduler, raytrace, connect4, templates, minilang, events)


def benchmarks():
    """(function, wall-clock size, callgrind size) of each program."""
    for module in MODULES:
        name = module.__name__.rpartition('.')[2]
        yield getattr(module, f'bench_{name}'), module.SIZE, \
            module.CALLGRIND_SIZE
