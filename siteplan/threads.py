"""numba's threads for a compiled call, or the calling thread alone for a small one.

A parallel region (``prange``) wakes numba's other threads and waits for them
at its end; on a machine whose other core is busy that wait is a scheduler
time slice, far longer than a small call's work (the SINR analysis's few
hundred pairs per call took ten times longer on two threads than on one).
Below a work threshold a call runs on the calling thread alone
(``numba.set_num_threads(1)`` for the call: the setting is per calling
thread, restored after); the results are the same either way.

Examples
--------
>>> with one_thread_below(10, 1_000):
...     import numba
...     numba.get_num_threads()
1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


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
