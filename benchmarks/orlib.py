"""Read Beasley's OR-Library set-cover files (plain or gzip).

Format: m n; the n column costs; then for each row its count of covering
columns followed by their 1-based indices.

Examples
--------
>>> import io, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
>>> _ = path.write_text("2 3\\n1 2 3\\n2 1 2\\n1 3\\n")
>>> A, cost = read_orlib(path)
>>> A.shape, cost.tolist()
((2, 3), [1.0, 2.0, 3.0])
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from siteplan.errors import InputError


def read_orlib(path: str | Path) -> tuple[sp.csc_array, np.ndarray]:
    """Return the coverage matrix (rows × columns) and the column costs."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt") as handle:
            numbers = np.array(handle.read().split(), dtype=np.int64)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not an OR-Library set-cover file ({exc}).") from exc
    m, n = int(numbers[0]), int(numbers[1])
    cost = numbers[2:2 + n].astype(float)
    pos, rows, cols = 2 + n, [], []
    for i in range(m):
        count = int(numbers[pos])
        cols.append(numbers[pos + 1:pos + 1 + count] - 1)
        rows.append(np.full(count, i))
        pos += 1 + count
    r, c = np.concatenate(rows), np.concatenate(cols)
    A = sp.csc_array((np.ones(r.size, dtype=np.int8), (r, c)), shape=(m, n))
    return A, cost
