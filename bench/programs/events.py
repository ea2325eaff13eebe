"""A discrete-event simulation of a queueing network: a bank branch with a
reception desk, tellers, an advisor's office and a cash machine.

Events sit in a heap of (time, sequence, event); handlers schedule further
events. Customers of three kinds arrive at random (a seeded
random.Random, so every run draws the same numbers), queue at stations
with several servers and priority queues, give up when they wait too long,
and move on along their kind's route. Tellers take breaks on a timer. The
check value is built from the counts and the wait statistics, rounded.
"""

import heapq
import random
from collections import deque

SIZE = 24000
CALLGRIND_SIZE = 2400


class Customer:
    __slots__ = ('ident', 'kind', 'route', 'step', 'arrived', 'queued',
                 'patience', 'waited', 'served_by', 'abandoned', 'ticket')

    def __init__(self, ident, kind, route, arrived, patience):
        self.ident = ident
        self.kind = kind
        self.route = route
        self.step = 0
        self.arrived = arrived
        self.queued = arrived
        self.patience = patience
        self.waited = 0.0
        self.served_by = []
        self.abandoned = False
        self.ticket = 0


class Tally:
    """Running count, mean, variance (Welford), minimum and maximum."""

    def __init__(self):
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.low = float('inf')
        self.high = float('-inf')

    def add(self, x):
        self.count += 1
        delta = x - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (x - self.mean)
        if x < self.low:
            self.low = x
        if x > self.high:
            self.high = x

    @property
    def variance(self):
        return self.m2 / (self.count - 1) if self.count > 1 else 0.0

    def summary(self):
        if not self.count:
            return '0'
        return (f'{self.count}:{self.mean:.3f}:{self.variance:.3f}:'
                f'{self.low:.3f}:{self.high:.3f}')


class Server:
    def __init__(self, name, rate):
        self.name = name
        self.rate = rate
        self.busy_with = None
        self.on_break = False
        self.busy_time = 0.0
        self.served = 0


class Station:
    """Servers sharing a queue; priority customers go ahead of the rest."""

    def __init__(self, sim, name, servers):
        self.sim = sim
        self.name = name
        self.servers = servers
        self.priority = deque()
        self.normal = deque()
        self.waits = Tally()
        self.longest = 0
        self.abandoned = 0

    def queue_length(self):
        return len(self.priority) + len(self.normal)

    def arrive(self, customer):
        customer.queued = self.sim.now
        customer.ticket += 1
        (self.priority if customer.kind == 'business' else
         self.normal).append(customer)
        self.longest = max(self.longest, self.queue_length())
        self.sim.schedule(customer.patience, self.give_up, customer,
                          customer.ticket)
        self.dispatch()

    def give_up(self, customer, ticket):
        # A stale timer: the customer was served, or moved on, since.
        if customer.ticket != ticket or customer.abandoned:
            return
        for queue in (self.priority, self.normal):
            if customer in queue:
                queue.remove(customer)
                customer.abandoned = True
                self.abandoned += 1
                self.sim.leave(customer)
                return

    def dispatch(self):
        for server in self.servers:
            if server.busy_with is None and not server.on_break:
                queue = self.priority or self.normal
                if not queue:
                    return
                self.start(server, queue.popleft())

    def start(self, server, customer):
        customer.ticket += 1
        wait = self.sim.now - customer.queued
        customer.waited += wait
        self.waits.add(wait)
        server.busy_with = customer
        duration = self.sim.rng.expovariate(server.rate)
        if customer.kind == 'business':
            duration *= 1.5
        server.busy_time += duration
        self.sim.schedule(duration, self.finish, server)

    def finish(self, server):
        customer = server.busy_with
        server.busy_with = None
        server.served += 1
        customer.served_by.append(server.name)
        self.sim.advance(customer)
        self.dispatch()

    def take_break(self, server, length):
        server.on_break = True
        self.sim.schedule(length, self.end_break, server)

    def end_break(self, server):
        server.on_break = False
        self.dispatch()


ROUTES = {
    'walk-in': ('reception', 'tellers'),
    'business': ('reception', 'tellers', 'advisor'),
    'cash': ('atm',),
}


class Simulation:
    def __init__(self, seed, customers):
        self.rng = random.Random(seed)
        self.now = 0.0
        self.events = []
        self.seq = 0
        self.handled = 0
        self.to_arrive = customers
        self.arrived = 0
        self.done = Tally()
        self.left = {'walk-in': 0, 'business': 0, 'cash': 0}
        self.gave_up = 0
        self.stations = {
            'reception': Station(self, 'reception',
                                 [Server('desk-1', 2.0)]),
            'tellers': Station(self, 'tellers',
                               [Server(f'teller-{k}', 0.45 + 0.05 * k)
                                for k in range(4)]),
            'advisor': Station(self, 'advisor', [Server('advisor', 0.5)]),
            'atm': Station(self, 'atm', [Server('atm-1', 1.2),
                                         Server('atm-2', 1.2)]),
        }

    def schedule(self, delay, handler, *args):
        self.seq += 1
        heapq.heappush(self.events, (self.now + delay, self.seq, handler,
                                     args))

    def run(self):
        self.schedule(0.0, self.arrival)
        self.schedule(30.0, self.breaks)
        while self.events:
            self.now, _, handler, args = heapq.heappop(self.events)
            self.handled += 1
            handler(*args)

    def arrival(self):
        self.arrived += 1
        draw = self.rng.random()
        kind = 'cash' if draw < 0.3 else 'business' if draw < 0.45 \
            else 'walk-in'
        patience = self.rng.uniform(5.0, 25.0)
        customer = Customer(self.arrived, kind, ROUTES[kind], self.now,
                            patience)
        self.stations[customer.route[0]].arrive(customer)
        if self.arrived < self.to_arrive:
            # Busier in the middle of the day.
            phase = (self.arrived % 400) / 400.0
            rate = 1.2 + 0.8 * (1.0 - abs(phase - 0.5) * 2.0)
            self.schedule(self.rng.expovariate(rate), self.arrival)

    def breaks(self):
        tellers = self.stations['tellers']
        server = tellers.servers[self.handled % len(tellers.servers)]
        if not server.on_break:
            tellers.take_break(server, self.rng.uniform(3.0, 8.0))
        if self.arrived < self.to_arrive:
            self.schedule(30.0, self.breaks)

    def advance(self, customer):
        customer.step += 1
        if customer.step < len(customer.route):
            self.stations[customer.route[customer.step]].arrive(customer)
        else:
            self.leave(customer)

    def leave(self, customer):
        if customer.abandoned:
            self.gave_up += 1
        else:
            self.left[customer.kind] += 1
            self.done.add(self.now - customer.arrived)


def bench_events(n):
    """A discrete-event queueing network: a heap of timed events, stations
    with several servers, priority queues, customers giving up, breaks,
    seeded random arrivals and service times; n customers."""
    sim = Simulation(20240611, n)
    sim.run()
    parts = [f'{sim.handled}', f'{sim.gave_up}',
             ','.join(f'{k}={v}' for k, v in sorted(sim.left.items())),
             sim.done.summary()]
    for name in sorted(sim.stations):
        station = sim.stations[name]
        served = ','.join(str(s.served) for s in station.servers)
        busy = sum(s.busy_time for s in station.servers)
        parts.append(f'{name}:{station.waits.summary()}:{station.longest}:'
                     f'{station.abandoned}:{served}:{busy:.2f}')
    return ' '.join(parts)
