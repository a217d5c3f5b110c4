"""The deadlines of one solver call and the record of its phases.

Examples
--------
>>> import time
>>> from siteplan.solve.options import SolveOptions
>>> clock = Clock(time.perf_counter(), 2.0, SolveOptions())
>>> 1.9 < clock.soft - clock.start < clock.hard - clock.start == 2.0
True
>>> details = {}
>>> _ = lap(details, "greedy", clock.start)
>>> list(details["phase_s"])
['greedy']
"""

from __future__ import annotations

import time

import numpy as np

from siteplan.solve.options import SolveOptions


class Clock:
    """The deadlines of one call: ``soft`` for the searches (the last
    ``wrap_up_share`` of the limit is kept for the result), ``hard`` the
    limit itself, ``kill`` when child processes are killed, ``prune`` for
    pruning a cover the deadline cut.

    A stage given a share of the time gets a clock of its own with the
    call's clock as ``outer``: ``call_soft`` and ``call_prune`` stay the
    call's, so the greedy and its pruning (which every later stage needs,
    and which deterministic mode must not cut by a share's wall clock) stop
    only at the call's own deadline."""

    def __init__(self, start: float, limit: float | None, options: SolveOptions,
                 outer: Clock | None = None) -> None:
        self.start, self.limit = start, limit
        if limit is None:
            self.soft = self.hard = self.kill = np.inf
        else:
            # deterministic: budgets come from ``limit``, and the clock stops the
            # call within max(1 s, 10 %) past it (``overrun_s``)
            wall = limit + options.overrun_s(limit)
            self.soft = start + (1 - options.wrap_up_share) * wall
            self.hard = start + wall
            self.kill = self.hard + min(options.kill_grace_s, 0.05 * wall + 0.05)
        # a cover cut by the deadline (a greedy completed in one pass) is pruned
        # until here: a quarter of the max(1 s, 10 %) every call may overrun
        # (deterministic mode: its own overrun is the margin)
        self.prune = self.hard if options.deterministic or limit is None else \
            self.hard + 0.25 * max(1.0, 0.1 * limit)
        self.call_soft = self.soft if outer is None else outer.call_soft
        self.call_prune = self.prune if outer is None else outer.call_prune
        # the promise: a call returns by the limit plus max(1 s, 10 %)
        self.promise = np.inf if limit is None else start + limit + max(1.0, 0.1 * limit)
        if outer is not None:
            self.promise = min(self.promise, outer.promise)
        # seconds the input's checks and conversion took: what a phase making
        # a pass or two over the matrix takes now (set by the entry points)
        self.pass_s = 0.0 if outer is None else outer.pass_s

    def left(self) -> float:
        return self.soft - time.perf_counter()

    def has_time_for_a_pass(self, passes: float = 1.0) -> bool:
        """True when a phase that ignores the clock for about ``passes``
        times what the input took (``pass_s``) still ends before the call's
        soft deadline.

        Examples
        --------
        >>> from siteplan.solve.options import SolveOptions
        >>> c = Clock(time.perf_counter(), 2.0, SolveOptions())
        >>> c.has_time_for_a_pass()
        True
        >>> c.pass_s = 5.0
        >>> c.has_time_for_a_pass()
        False
        """
        return time.perf_counter() + passes * self.pass_s < self.call_soft

    def keep_for_tail(self, tail_s: float) -> None:
        """Keep ``tail_s`` seconds before the promise (the limit plus
        max(1 s, 10 %)) for what follows a search cut by the clock: the
        cover completed in one pass, its pruning set up, the result. Called
        once the input is converted, with a tail estimated from how long
        that took (the same passes over the matrix, on the same machine
        under the same load): the soft deadline moves earlier when the
        tail would not fit between it and the promise, and pruning stops
        a fifth of the tail before the promise.

        Examples
        --------
        >>> from siteplan.solve.options import SolveOptions
        >>> c = Clock(0.0, 2.0, SolveOptions())
        >>> c.keep_for_tail(0.5); c.soft, c.call_soft   # fits: nothing moves
        (1.96, 1.96)
        >>> c.keep_for_tail(1.5); c.soft, c.call_soft, c.prune
        (1.5, 1.5, 2.25)
        >>> c.keep_for_tail(4.0); c.soft, round(c.prune, 2)
        (-1.0, 2.2)
        """
        self.soft = min(self.soft, self.promise - tail_s)
        self.call_soft = min(self.call_soft, self.soft)
        self.prune = min(self.prune, self.promise - 0.2 * tail_s)
        self.call_prune = min(self.call_prune, self.prune)


def lap(details: dict, phase: str, since: float) -> float:
    """Record ``now - since`` as the seconds spent in ``phase`` (in
    ``details["phase_s"]``); returns now."""
    now = time.perf_counter()
    phases = details.setdefault("phase_s", {})
    phases[phase] = round(phases.get(phase, 0.0) + now - since, 3)
    return now


__all__ = ["Clock", "lap"]
