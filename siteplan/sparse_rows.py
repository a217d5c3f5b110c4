"""Row-wise reductions of sparse matrices (numpy and scipy only, so any layer may use
them: the coverage matrix's best server, the maps' longest served distance).

Examples
--------
>>> import scipy.sparse as sp
>>> row_max(sp.csr_array([[0, 2.0, 1.0], [0, 0, 0]])).tolist()
[2.0, nan]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def row_max(matrix: sp.sparray, *, empty: float = np.nan) -> np.ndarray:
    """Largest stored value of each row of a sparse matrix (``empty`` if none).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> row_max(sp.csr_array([[0, -3.0, -1.0], [0, 0, 0]]), empty=0.0).tolist()
    [-1.0, 0.0]
    """
    m = sp.csr_array(matrix)
    out = np.full(m.shape[0], empty, dtype=float)
    has = np.diff(m.indptr) > 0
    if has.any():
        out[has] = np.maximum.reduceat(m.data, m.indptr[:-1][has])
    return out
