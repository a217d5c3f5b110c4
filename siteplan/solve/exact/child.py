"""Run work that cannot be interrupted in a forked child process, killed at
a deadline.

HiGHS does not look at the clock in every phase (its presolve and the MIP
root's rounding can run far past a time limit: 559 s against 20 s on a
regional max-cover model), so ``set_cover`` and ``max_cover`` run every MILP
through :class:`ChildRun`: the child gets HiGHS's own time limit (so it
normally returns its best solution), and is killed if it has not answered by
``kill_at``; the caller then goes on without it. Forking copies nothing up
front (the child shares the parent's pages), so starting one costs a few
milliseconds even beside a large matrix.

Examples
--------
>>> import time
>>> run = ChildRun(sum, ([1, 2, 3],), kill_at=time.perf_counter() + 5)
>>> run.result()
6
>>> slow = ChildRun(time.sleep, (30,), kill_at=time.perf_counter() + 0.2)
>>> slow.result() is None, slow.killed
(True, True)
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable

#: True where processes can be forked (Linux, macOS); elsewhere ``ChildRun``
#: runs the work in the calling process
FORK = "fork" in multiprocessing.get_all_start_methods()


def can_fork() -> bool:
    """True when this process may start a child: fork exists and this is not
    a daemonic process (``multiprocessing.Pool`` workers are; they may not
    have children), so the solver can be called from such a worker too."""
    return FORK and not multiprocessing.current_process().daemon


def quiet_child() -> None:
    """Called first in every forked solver child: Ctrl-C at a terminal
    reaches the whole process group, and the parent answers it (and ends its
    daemonic children); a child neither dies half-way through a send nor
    prints a traceback of its own.

    Examples
    --------
    >>> import signal
    >>> previous = signal.getsignal(signal.SIGINT)
    >>> quiet_child(); signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    True
    >>> _ = signal.signal(signal.SIGINT, previous)
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _child(conn: object, fn: Callable[..., object], args: tuple) -> None:
    quiet_child()
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent, which re-raises
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that does not pickle
            conn.send(("error", RuntimeError(repr(exc))))
    finally:
        conn.close()


class ChildRun:
    """``fn(*args)`` in a forked process, killed at ``kill_at``
    (``time.perf_counter()`` value) if it has not answered by then.

    Without fork (Windows), or in a daemonic process, the work runs at once
    in this process and ``kill_at`` is not enforced.
    """

    def __init__(self, fn: Callable[..., object], args: tuple, *, kill_at: float) -> None:
        self.kill_at = kill_at
        self.killed = False
        self._value: object = None
        self._finished = False
        self._proc = None
        if not can_fork():
            self._value, self._finished = fn(*args), True
            return
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
        self._proc.start()
        child.close()

    def done(self) -> bool:
        """True once the child has answered (or was killed)."""
        if self._finished:
            return True
        if self._conn.poll(0):
            self._collect()
        return self._finished

    def _collect(self) -> None:
        try:
            kind, value = self._conn.recv()
        except (EOFError, OSError):  # the child died without answering
            kind, value = "ok", None
        self._finished = True
        self._end()
        if kind == "error":
            raise value
        self._value = value

    def _end(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join()
            self._conn.close()
            self._proc = None

    def result(self, until: float | None = None) -> object:
        """Wait for the answer until ``until`` (default ``kill_at``, never
        later); kill the child if it has not answered and return None."""
        if self._finished:
            return self._value
        until = self.kill_at if until is None else min(until, self.kill_at)
        wait = None if until == float("inf") else max(until - time.perf_counter(), 0.0)
        if self._conn.poll(wait):
            self._collect()
            return self._value
        if until >= self.kill_at:
            self.kill()
        return None

    def kill(self) -> None:
        """End the child now (its answer, if any, is dropped)."""
        if not self._finished:
            self.killed = True
            self._finished = True
            self._end()


__all__ = ["FORK", "ChildRun", "can_fork"]
