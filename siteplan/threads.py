"""numba's threads for a compiled call, or the calling thread alone for a small one.

A parallel region (``prange``) wakes numba's other threads and waits for them
at its end; on a machine whose other core is busy that wait is a scheduler
time slice, far longer than a small call's work (the SINR analysis's few
hundred pairs per call took ten times longer on two threads than on one).
Below a work threshold a call runs on the calling thread alone
(``numba.set_num_threads(1)`` for the call: the setting is per calling
thread, restored after); the results are the same either way.

numpy work on many pairs (the 38.901 formulas after the profile kernel) is
spread over the cores by :func:`in_pieces`: numpy releases the GIL in its
loops, and pieces of a quarter of a million pairs keep each temporary array
in the cache (two threads took 0.3 s where one call on 4 M pairs took 0.6-1.3 s).

Examples
--------
>>> with one_thread_below(10, 1_000):
...     import numba
...     numba.get_num_threads()
1
>>> import numpy as np
>>> out = np.zeros(10)
>>> def double(piece):
...     out[piece] = 2 * np.arange(10)[piece]
>>> in_pieces(double, 10, piece=3)
>>> out.tolist()
[0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

#: pairs per piece of :func:`in_pieces` (each temporary array ~2 MB)
PIECE = 262_144

_POOL: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()
_IN_PIECE = threading.local()


def workers() -> int:
    """Threads for work spread over the cores: numba's thread count when numba
    is loaded (``NUMBA_NUM_THREADS``, the benchmarks' ``--threads``), else the
    cores this process may use (at most 8)."""
    if "numba" in sys.modules:
        return max(1, int(sys.modules["numba"].get_num_threads()))
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, usable or 1))


def in_pieces(work: Callable[[slice], None], n: int, *, piece: int = PIECE) -> None:
    """Call ``work(slice)`` on consecutive pieces of ``range(n)``, on threads.

    ``work`` must write only its own piece (numpy, releasing the GIL). A call
    of at most two pieces, on one thread, or from inside a piece runs on the
    calling thread. When a piece raises, the pieces not started are
    cancelled and the running ones finished before the exception is raised
    here (nothing writes into the caller's arrays after it returns).
    """
    pieces = [slice(a, min(a + piece, n)) for a in range(0, n, piece)]
    count = workers()
    if len(pieces) <= 2 or count == 1 or getattr(_IN_PIECE, "active", False):
        for p in pieces:
            work(p)
        return
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=count,
                                            thread_name_prefix="siteplan-pieces"))
        pool = _POOL[0]
    futures = [pool.submit(_run_piece, work, p) for p in pieces]
    try:
        for future in futures:
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise


def _run_piece(work: Callable[[slice], None], piece: slice) -> None:
    """One piece on a pool thread (marked: a nested :func:`in_pieces` runs inline)."""
    _IN_PIECE.active = True
    try:
        work(piece)
    finally:
        _IN_PIECE.active = False


def _forget_pool() -> None:  # pragma: no cover - runs in a forked child
    """A forked child has none of the pool's threads (and maybe a held lock):
    it starts its own."""
    global _POOL_LOCK
    _POOL.clear()
    _POOL_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


@contextmanager
def one_thread_below(work: int, threshold: int) -> Iterator[None]:
    """Run the block's compiled calls on the calling thread when ``work < threshold``."""
    if work >= threshold:
        yield
        return
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)
