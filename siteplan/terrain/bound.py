"""Proven upper bounds that let the profile kernel drop a pair unwalked.

A candidate-demand pair covers when its planning RSRP clears the threshold:

``RSRP = EIRP − PL_38.901(state, d, clamp(h_eff)) − z·σ(state) − L_diffraction − extra``

where ``extra`` (O2I for indoor users, the user's clutter loss and offsets,
the calibration terms) is known per pair before any profile, the diffraction
loss is never negative, and ``h_eff = mast + ground at the site − mean ground
along the profile``. Two cheap facts bound the rest:

* **The best link term** over every state the model could give the pair and
  every clamped mast height up to a bound ``H``:
  ``T(d, H) = max_{state, h ≤ H} −(PL(state, d, h) + z·σ(state))``. TR 38.901's
  loss is *not* monotone in the mast height, so the table takes the running
  maximum over a 0.25 m height grid (rows) and the running maximum from far
  to near over a log-spaced distance grid (columns); a lookup takes the row
  at or above ``H`` and the column at or below ``d``. Between two grid
  heights the value is taken as the better row plus the loss step between
  the rows (the loss is continuous in the height; σ only drops as the mast
  rises, past the LOS breakpoint); loss and σ grow with distance, so a
  column bounds every farther distance (any rise along a row is added to
  :attr:`LossBound.margin_db`, with 0.01 dB).
* **A floor under the mean ground**: every bilinear sample of a profile lies
  within ``radius_m`` of its group's midpoint (groups of :data:`GROUP`
  samples), so it is no lower than the lowest DEM cell within
  ``radius_m`` + two cells of that midpoint (:func:`ground_floor`, a min
  filter); the mean of the floors bounds the mean ground from below, hence
  ``h_eff`` from above, reading one cell per group instead of interpolating
  every sample.

The kernel drops a pair when ``EIRP + T(d, H) + margin − extra < threshold``:
no choice of state, height or diffraction could make it cover, so the
coverage matrix is unchanged (tested with hypothesis against the full
computation).

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> from siteplan.radio import LinkBudget
>>> b = loss_bound(LinkBudget.from_assumptions(Assumptions()), "RMa", clutter=False)
>>> full = -sum(LinkBudget.from_assumptions(Assumptions()).median_loss_db(
...     "RMa", np.array([2000.0]), np.array([35.0]), np.array([False]))[k][0] * w
...     for k, w in ((0, 1.0), (1, 1.2815515655446004)))
>>> bool(b.value_db(2000.0, 35.0) >= full)
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from siteplan.radio import _D2D_MAX_M, _D2D_MAX_NLOS_M, LinkBudget
from siteplan.terrain.raster import Grid
from siteplan.threads import in_pieces

#: Profile samples per floor lookup in the kernel's cheap pass.
GROUP = 8
#: Height grid step (m) and distance grid of the bound table.
HEIGHT_STEP_M = 0.25
DIST_MIN_M, DIST_MAX_M, DIST_POINTS = 10.0, 10_000.0, 1024
_MAX_MAST_M = 150.0

_TABLES: dict[tuple, LossBound] = {}


@dataclass(frozen=True)
class LossBound:
    """``T(d, H)``: the best ``−(PL + z·σ)`` (dB) over states and heights ≤ ``H``.

    Attributes
    ----------
    table_db : numpy.ndarray
        ``(2, heights, distances)``: over every state the model can give a
        pair (``[0]``) and over NLOS only (``[1]``, once a profile is known to
        be blocked); rows from ``h0_m`` in ``dh_m`` steps, columns at
        ``exp(ln_d0 + k · dln)``; −inf beyond the model's range.
    margin_db : float
        Added to every lookup (what the grids can miss between points).
    """

    table_db: np.ndarray
    h0_m: float
    dh_m: float
    ln_d0: float
    dln: float
    margin_db: float

    def value_db(self, d_m: float, h_max_m: float, *, nlos: bool = False) -> float:
        """The bound at one distance and height bound (the kernel's lookup, in Python).

        Examples
        --------
        >>> t = np.array([[[-100.0, -110.0], [-90.0, -105.0]]] * 2)
        >>> LossBound(t, 10.0, 1.0, 0.0, 1.0, 0.5).value_db(1.5, 10.2)  # row up, column down
        -89.5
        """
        _n, rows, cols = self.table_db.shape
        h = min(max(h_max_m, self.h0_m), _MAX_MAST_M)
        r = min(int(np.ceil((h - self.h0_m) / self.dh_m)), rows - 1)
        c = min(max(int((np.log(max(d_m, 1e-9)) - self.ln_d0) / self.dln), 0), cols - 1)
        return float(self.table_db[int(nlos), r, c] + self.margin_db)


def _states(lb: LinkBudget, clutter: bool) -> tuple[bool | None, ...]:
    """The states the model can give a pair: LOS flag, or None for ``radio.mode``."""
    # with clutter: LOS when the clutter profile is clear, else NLOS; without:
    # terrain-clear pairs keep radio.mode, blocked ones are NLOS
    if clutter:
        return True, False
    return (False,) if lb.mode == "nlos" else (None, False)


def loss_bound(lb: LinkBudget, scenario: str, *, clutter: bool) -> LossBound:
    """The bound tables of one budget and 38.901 scenario (cached per process).

    Parameters
    ----------
    lb : LinkBudget
        The plan's budget (frequency, UE height, ``radio.mode``, edge probability).
    scenario : {"UMa", "UMi", "RMa"}
    clutter : bool
        With a clutter raster the state is LOS or NLOS; without one
        ``radio.mode`` or NLOS.
    """
    key = (repr(lb), scenario, clutter)
    cached = _TABLES.get(key)
    if cached is not None:
        return cached
    h_lo = float(lb.clamp_height_m(scenario, 0.0))
    heights = np.arange(h_lo, _MAX_MAST_M + HEIGHT_STEP_M / 2, HEIGHT_STEP_M)
    ln_d = np.linspace(np.log(DIST_MIN_M), np.log(DIST_MAX_M), DIST_POINTS)
    values = {los: _state_values(lb, scenario, los, heights, np.exp(ln_d))
              for los in _states(lb, clutter)}
    tables, margin = [], 0.01
    for states in (list(values), [False]):
        row = np.max([values[k][0] for k in states], axis=0)
        gap = np.max([values[k][1] for k in states], axis=0)
        # any height up to the row's: the running maximum over rows and the gaps below
        table = np.maximum.accumulate(np.vstack([row[:1], np.maximum(row[1:], gap)]), axis=0)
        # loss and σ grow with distance: any rise along a row is grid noise, added to the margin
        rise = np.diff(np.where(np.isfinite(row), row, np.nan), axis=1)
        margin = max(margin, max(0.0, float(np.nanmax(rise, initial=0.0))) + 0.01)
        tables.append(np.maximum.accumulate(table[:, ::-1], axis=1)[:, ::-1])  # any farther d
    bound = LossBound(np.ascontiguousarray(tables), h_lo, HEIGHT_STEP_M, float(ln_d[0]),
                      float(ln_d[1] - ln_d[0]), margin)
    if len(_TABLES) > 32:
        _TABLES.clear()
    _TABLES[key] = bound
    return bound


def _state_values(lb: LinkBudget, scenario: str, los: bool | None, heights: np.ndarray,
                  dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``−(PL + z·σ)`` of one state on the grid ``(heights, dist)`` (−inf out of
    range), and the most it can reach between two neighbouring rows."""
    hh, dd = (a.ravel() for a in np.meshgrid(heights, dist, indexing="ij"))
    los_range = lb.mode == "los" if los is None else los
    ok = dd <= (_D2D_MAX_M if los_range else _D2D_MAX_NLOS_M)[scenario]
    d_ok, h_ok = dd[ok], hh[ok]
    flags = None if los is None else np.full(d_ok.size, los)
    pl, sigma = np.empty(d_ok.size), np.empty(d_ok.size)

    def evaluate(piece: slice) -> None:  # elementwise: the same values on any split
        pl[piece], sigma[piece] = lb.median_loss_db(scenario, d_ok[piece], h_ok[piece],
                                                    None if flags is None else flags[piece])

    in_pieces(evaluate, d_ok.size)
    loss, value = np.full(hh.size, np.inf), np.full(hh.size, -np.inf)
    loss[ok], value[ok] = pl, -(pl + lb._z() * sigma)
    shape = (heights.size, dist.size)
    loss, value = loss.reshape(shape), value.reshape(shape)
    # the loss is continuous in the height and σ only drops as the mast rises (past
    # the LOS breakpoint): between two rows the value passes the better row by at
    # most the loss step between them
    step = np.abs(np.diff(np.where(np.isfinite(loss), loss, 0.0), axis=0))
    return value, np.maximum(value[:-1], value[1:]) + step


def floor_radius_m(step_m: float) -> float:
    """Largest distance of a sample from its group's midpoint at ``step_m`` spacing."""
    return (GROUP - 1) / 2.0 * step_m


def ground_floor(dem: Grid, radius_m: float) -> Grid:
    """The lowest DEM cell within ``radius_m`` + two cells of each cell (square window).

    Every bilinear sample within ``radius_m`` of a point reads cells at most
    ``ceil(radius_m / res) + 2`` cells away (in each axis) from the point's
    nearest cell, so the floor's nearest cell there is a lower bound of the
    sample.

    Examples
    --------
    >>> g = Grid(np.arange(25, dtype=np.float32).reshape(5, 5), 0.0, 40.0, 10.0, ("t",))
    >>> float(ground_floor(g, 0.0).values[2, 2])  # 5x5 window: the lowest of all
    0.0
    """
    from siteplan.terrain.kernels import square_min

    k = int(np.ceil(radius_m / dem.res_m)) + 2
    low = square_min(np.ascontiguousarray(dem.values, np.float32), k)
    return dataclasses.replace(dem, values=low)
