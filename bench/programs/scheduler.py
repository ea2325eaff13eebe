"""A cooperative task scheduler: generator tasks, priorities, timers and
channels, run on a simulated clock.

Each task is a generator that yields requests to the kernel (sleep, send,
receive, spawn, join, change priority). The kernel keeps ready tasks in a
heap ordered by (priority, sequence number), sleeping ones in a heap of wake
times, and blocked senders and receivers in per-channel queues. The work
loaded onto it is a small service: clients send requests through a load
balancer to a pool of workers, which compute on them and answer through
reply channels, while a monitor samples queue lengths and a batch job
recomputes a checksum at low priority.
"""

import heapq
from collections import deque

SIZE = 2000
CALLGRIND_SIZE = 200


# --- requests a task yields -------------------------------------------------

class Request:
    __slots__ = ()


class Sleep(Request):
    __slots__ = ('ticks',)

    def __init__(self, ticks):
        self.ticks = ticks


class Send(Request):
    __slots__ = ('channel', 'value')

    def __init__(self, channel, value):
        self.channel = channel
        self.value = value


class Receive(Request):
    __slots__ = ('channel',)

    def __init__(self, channel):
        self.channel = channel


class Spawn(Request):
    __slots__ = ('body', 'name', 'priority')

    def __init__(self, body, name, priority=5):
        self.body = body
        self.name = name
        self.priority = priority


class Join(Request):
    __slots__ = ('task',)

    def __init__(self, task):
        self.task = task


class Nice(Request):
    __slots__ = ('priority',)

    def __init__(self, priority):
        self.priority = priority


class Channel:
    """A bounded channel: senders block when it is full, receivers when it
    is empty."""

    def __init__(self, name, capacity):
        self.name = name
        self.capacity = capacity
        self.items = deque()
        self.senders = deque()      # (task, value) waiting for room
        self.receivers = deque()    # tasks waiting for an item
        self.sent = 0

    def __repr__(self):
        return f'Channel({self.name!r}, {len(self.items)}/{self.capacity})'


class Task:
    _next_id = 0

    def __init__(self, body, name, priority):
        Task._next_id += 1
        self.ident = Task._next_id
        self.body = body
        self.name = name
        self.priority = priority
        self.result = None
        self.done = False
        self.joiners = []
        self.steps = 0
        self.pending = None         # the value sent in at the next resume

    def __repr__(self):
        return f'<Task {self.ident} {self.name} p{self.priority}>'


class Kernel:
    def __init__(self):
        self.now = 0
        self.ready = []             # heap of (priority, seq, task)
        self.sleeping = []          # heap of (wake time, seq, task)
        self.seq = 0
        self.switches = 0
        self.finished = 0

    def spawn(self, body, name, priority=5):
        task = Task(body, name, priority)
        self.schedule(task)
        return task

    def schedule(self, task, value=None):
        task.pending = value
        self.seq += 1
        heapq.heappush(self.ready, (task.priority, self.seq, task))

    def run(self, until):
        while self.ready or self.sleeping:
            if not self.ready:
                wake, _, task = heapq.heappop(self.sleeping)
                if wake > until:
                    break
                self.now = wake
                self.schedule(task)
            # Wake everything whose time has come before picking a task.
            while self.sleeping and self.sleeping[0][0] <= self.now:
                _, _, task = heapq.heappop(self.sleeping)
                self.schedule(task)
            _, _, task = heapq.heappop(self.ready)
            self.step(task)
        return self.now

    def step(self, task):
        self.switches += 1
        task.steps += 1
        value, task.pending = task.pending, None
        try:
            request = task.body.send(value)
        except StopIteration as stop:
            self.finish(task, stop.value)
            return
        self.handle(task, request)

    def finish(self, task, result):
        task.done = True
        task.result = result
        self.finished += 1
        for joiner in task.joiners:
            self.schedule(joiner, result)
        task.joiners = []

    def handle(self, task, request):
        kind = type(request)
        if kind is Sleep:
            self.seq += 1
            heapq.heappush(self.sleeping,
                           (self.now + request.ticks, self.seq, task))
        elif kind is Send:
            self.send(task, request.channel, request.value)
        elif kind is Receive:
            self.receive(task, request.channel)
        elif kind is Spawn:
            child = self.spawn(request.body, request.name, request.priority)
            self.schedule(task, child)
        elif kind is Join:
            if request.task.done:
                self.schedule(task, request.task.result)
            else:
                request.task.joiners.append(task)
        elif kind is Nice:
            task.priority = request.priority
            self.schedule(task)
        else:
            raise TypeError(f'{task} yielded {request!r}')

    def send(self, task, channel, value):
        channel.sent += 1
        if channel.receivers:
            self.schedule(channel.receivers.popleft(), value)
            self.schedule(task)
        elif len(channel.items) < channel.capacity:
            channel.items.append(value)
            self.schedule(task)
        else:
            channel.senders.append((task, value))

    def receive(self, task, channel):
        if channel.items:
            value = channel.items.popleft()
            if channel.senders:
                sender, pending = channel.senders.popleft()
                channel.items.append(pending)
                self.schedule(sender)
            self.schedule(task, value)
        elif channel.senders:
            sender, value = channel.senders.popleft()
            self.schedule(sender)
            self.schedule(task, value)
        else:
            channel.receivers.append(task)


# --- the service run on the kernel ------------------------------------------

def digest(values):
    h = 17
    for v in values:
        h = (h * 1_000_003 ^ v) & 0xFFFFFFFF
    return h


def compute(job):
    """The work a worker does for one request: a small sieve and a digest
    of its primes."""
    limit = 50 + job % 90
    flags = bytearray([1]) * limit
    flags[0:2] = b'\x00\x00'
    for i in range(2, int(limit ** 0.5) + 1):
        if flags[i]:
            flags[i * i::i] = bytes(len(range(i * i, limit, i)))
    primes = [i for i in range(limit) if flags[i]]
    return digest(primes) ^ job


def worker(ident, inbox, stats):
    handled = 0
    while True:
        message = yield Receive(inbox)
        if message is None:
            stats[ident] = handled
            return handled
        job, reply = message
        yield Sleep(1 + job % 3)
        yield Send(reply, (job, compute(job)))
        handled += 1


def balancer(requests, inboxes):
    turn = 0
    while True:
        message = yield Receive(requests)
        if message is None:
            for inbox in inboxes:
                yield Send(inbox, None)
            return turn
        # Least-loaded worker first, ties broken round-robin.
        best = min(range(len(inboxes)),
                   key=lambda i: (len(inboxes[i].items),
                                  (i - turn) % len(inboxes)))
        yield Send(inboxes[best], message)
        turn += 1


def client(ident, requests, count, results):
    reply = Channel(f'reply-{ident}', 2)
    total = 0
    for k in range(count):
        job = ident * 7919 + k * 104729 % 1000
        yield Send(requests, (job, reply))
        answered, value = yield Receive(reply)
        if answered != job:
            raise RuntimeError('a reply for the wrong request')
        total = (total + value) & 0xFFFFFFFF
        if k % 4 == 3:
            yield Sleep(ident % 5 + 1)
    results.append((ident, total))
    return total


def monitor(channels, samples, kernel):
    while True:
        yield Sleep(7)
        samples.append(sum(len(c.items) for c in channels) + kernel.now % 3)
        if len(samples) > 400:
            return len(samples)


def batch(rounds):
    acc = 0
    yield Nice(9)
    for r in range(rounds):
        acc = digest(range(r, r + 40)) ^ acc
        if r % 10 == 0:
            yield Sleep(1)
        else:
            yield Nice(9)
    return acc


def supervisor(clients, per_client, workers, results, stats, samples,
               kernel):
    requests = Channel('requests', 8)
    inboxes = [Channel(f'inbox-{w}', 3) for w in range(workers)]
    for w in range(workers):
        yield Spawn(worker(w, inboxes[w], stats), f'worker-{w}', 3)
    lb = yield Spawn(balancer(requests, inboxes), 'balancer', 2)
    yield Spawn(monitor([requests, *inboxes], samples, kernel), 'monitor', 1)
    job = yield Spawn(batch(clients * 4), 'batch', 9)
    tasks = []
    for c in range(clients):
        task = yield Spawn(client(c, requests, per_client, results),
                           f'client-{c}', 4 + c % 3)
        tasks.append(task)
    totals = []
    for task in tasks:
        totals.append((yield Join(task)))
    yield Send(requests, None)
    routed = yield Join(lb)
    acc = yield Join(job)
    return digest(totals) ^ routed ^ acc


def bench_scheduler(n):
    """A cooperative scheduler of generator tasks: priority and timer heaps,
    bounded channels, spawn and join; clients, a load balancer and a pool of
    workers run a request/reply service."""
    Task._next_id = 0
    kernel = Kernel()
    results, stats, samples = [], {}, []
    main = kernel.spawn(supervisor(n // 5 + 2, 20, 6, results, stats,
                                   samples, kernel), 'supervisor', 0)
    end = kernel.run(until=10 ** 9)
    if not main.done:
        raise RuntimeError('the supervisor did not finish')
    handled = [stats[w] for w in sorted(stats)]
    return (f'{main.result} {end} {kernel.switches} {kernel.finished} '
            f'{sum(handled)} {digest(samples)} {len(results)}')
