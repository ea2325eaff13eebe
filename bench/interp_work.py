"""Work for bench/interpreters.py, importable by worker interpreters and
processes."""


def cpu(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def echo_loop(inq, outq):
    while (item := inq.get()) is not None:
        outq.put(item)


def mp_echo_loop(inq, outq):
    echo_loop(inq, outq)
