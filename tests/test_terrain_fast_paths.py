"""The fourth session's fast paths against their definitions: the per-site
window scan of the lowest ground, the square minimum filter, the windowed
DEM reads, numpy in pieces on threads (a reviewer's checks and reproducers)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import minimum_filter

from siteplan import threads
from siteplan.defaults import Assumptions
from siteplan.radio import LinkBudget
from siteplan.terrain import PathLossModel
from siteplan.terrain.kernels import square_min, window_min_at
from siteplan.terrain.model import _DERIVED, _block_min
from siteplan.terrain.raster import Grid


def _brute_window_min(v, x0, y0, res, x, y, w):
    rows, cols = v.shape
    cx, cy = x0 + np.arange(cols) * res, y0 - np.arange(rows) * res
    sub = v[np.ix_(np.abs(cy - y) <= w, np.abs(cx - x) <= w)]
    sub = sub[np.isfinite(sub)]
    return float(sub.min()) if sub.size else np.inf


@settings(max_examples=300, deadline=None)
@given(rows=st.integers(1, 40), cols=st.integers(1, 40), block=st.sampled_from([1, 2, 4, 8, 16, 64]),
       res=st.sampled_from([0.1, 1.0, 7.5, 30.0]), x0=st.floats(-1e6, 1e6), y0=st.floats(-1e6, 5e6),
       w_cells=st.floats(0.0, 30.0), nan_share=st.sampled_from([0.0, 0.3, 0.9, 1.0]),
       seed=st.integers(0, 2**32 - 1))
def test_window_min_at_is_never_above_the_brute_force_minimum(rows, cols, block, res, x0, y0,
                                                              w_cells, nan_share, seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(100.0, 30.0, (rows, cols)).astype(np.float32)
    v[rng.random((rows, cols)) < nan_share] = np.nan
    grid = Grid(v, x0, y0, res, ("t",))
    _DERIVED.clear()
    blocks = _block_min(grid, block)
    assert blocks.shape == (-(-rows // block), -(-cols // block))
    xs = x0 + rng.uniform(-8, cols + 8, 16) * res
    ys = y0 - rng.uniform(-8, rows + 8, 16) * res
    xs[:4] = x0 + rng.integers(-2, cols + 2, 4) * res  # on cell centres
    ys[:4] = y0 - rng.integers(-2, rows + 2, 4) * res
    w = w_cells * res
    got = window_min_at(blocks, x0, y0, res, block, xs, ys, w)
    for i in range(xs.size):
        # a cell centre exactly on the window's edge can fall out by a rounding of
        # (x - x0) / res (nit: harmless, the model's window has two cells of margin)
        assert got[i] <= _brute_window_min(v, x0, y0, res, xs[i], ys[i], w - 1e-9 * (1 + abs(x0) + abs(y0)))


def test_square_min_equals_scipy_on_finite_values_of_any_shape():
    rng = np.random.default_rng(0)
    for rows, cols, k in [(1, 1, 0), (1, 9, 3), (9, 1, 3), (1, 5, 40), (7, 3, 40), (2, 2, 1),
                          *[(int(rng.integers(1, 50)), int(rng.integers(1, 50)),
                             int(rng.integers(0, 60))) for _ in range(200)]]:
        v = rng.normal(size=(rows, cols)).astype(np.float32)
        assert np.array_equal(square_min(v, k), minimum_filter(v, size=2 * k + 1, mode="nearest"))


def test_square_min_nan_semantics_differ_from_scipy():
    """Documented difference (harmless: the model's DEM has its holes filled):
    square_min keeps NaN only in a NaN cell and skips NaN neighbours; scipy
    spreads or skips NaN depending on the scan order."""
    v = np.array([[1.0, np.nan, 3.0, 0.5]], np.float32)
    assert np.array_equal(square_min(v, 1), np.array([[1.0, np.nan, 0.5, 0.5]], np.float32),
                          equal_nan=True)
    assert np.array_equal(minimum_filter(v, size=3, mode="nearest"),
                          np.array([[1.0, 1.0, np.nan, 0.5]], np.float32), equal_nan=True)


def test_a_site_off_the_grid_gets_no_bound_below_what_the_kernel_reads():
    rows = cols = 100
    v = np.repeat(np.linspace(400.0, 100.0, rows, dtype=np.float32)[:, None], cols, axis=1)
    model = PathLossModel(LinkBudget.from_assumptions(Assumptions()),
                          dem=Grid(np.ascontiguousarray(v), 0.0, 2970.0, 30.0, ("slope",)))
    site, user = np.array([[-5000.0, 2500.0]]), np.array([[-5000.0, 1000.0]])
    h_eff = model.profile_terms(site, np.array([30.0]), user, 1.5, 3.5).h_eff_m[0]
    lowest = model._window_min_m(site, 2000.0)[0]
    ground = model.dem.bilinear(site[:, 0], site[:, 1])[0]
    assert 30.0 + max(ground - lowest, 0.0) >= h_eff  # 30 m bound vs a 105.8 m effective mast


def test_no_piece_runs_after_in_pieces_raised():
    log: list[int] = []

    def work(piece):
        if piece.start == 0:
            raise ValueError("boom")
        time.sleep(0.05)
        log.append(piece.start)

    with pytest.raises(ValueError, match="boom"):
        threads.in_pieces(work, 12, piece=1)
    seen = len(log)
    time.sleep(1.0)
    assert len(log) == seen  # nothing writes into the caller's arrays after the raise


def test_in_pieces_called_from_a_piece_does_not_deadlock():
    code = textwrap.dedent("""
        import os, threading
        from siteplan import threads
        n = threads.workers()
        done = threading.Event()
        def run():
            threads.in_pieces(lambda p: threads.in_pieces(lambda q: None, 6, piece=1),
                              3 * max(n, 2), piece=1)
            done.set()
        threading.Thread(target=run, daemon=True).start()
        done.wait(15)
        os._exit(0 if done.is_set() else 7)
    """)
    env = {"NUMBA_NUM_THREADS": "2", "PATH": ""}
    rc = subprocess.run([sys.executable, "-c", code], env=env, timeout=120).returncode
    assert rc == 0


def test_in_pieces_is_the_serial_result_and_raises():
    out = np.zeros(1000)
    threads.in_pieces(lambda p: out.__setitem__(p, np.sqrt(np.arange(1000)[p])), 1000, piece=7)
    assert np.array_equal(out, np.sqrt(np.arange(1000)))
    with pytest.raises(ZeroDivisionError):
        threads.in_pieces(lambda p: 1 / 0 if p.start == 21 else None, 100, piece=7)
    assert threading.active_count() >= 1


def test_pair_rsrp_in_pieces_is_bitwise_the_serial_result(monkeypatch):
    import functools

    import siteplan.terrain.model as model_mod

    rng = np.random.default_rng(5)
    values = (rng.uniform(0, 40, (80, 80)) + np.linspace(0, 150, 80)[:, None]).astype(np.float32)
    codes = rng.integers(-1, 11, (80, 80)).astype(np.int32)
    lb = LinkBudget.from_assumptions(Assumptions())
    m = PathLossModel(lb, dem=Grid(values, -1200.0, 1200.0, 30.0, ("r",)),
                      clutter=Grid(codes, -1200.0, 1200.0, 30.0, ("c",)),
                      clutter_height_m={"tree": 15.0, "built": 12.0}, offset_db=-3.0)
    sites, pts = rng.uniform(-1100, 1100, (40, 2)), rng.uniform(-1100, 1100, (3000, 2))
    rows, cols = rng.integers(0, 3000, 20000), rng.integers(0, 40, 20000)
    d = np.hypot(*(pts[rows] - sites[cols]).T)
    kw = dict(macro=True, indoor=rng.random(3000) < 0.3, site_nlos_m=np.full(40, 800.0),
              cutoff_dbm=lb.rsrp_threshold_dbm)
    h = rng.uniform(10, 50, 40)
    monkeypatch.setattr(model_mod, "in_pieces", functools.partial(threads.in_pieces, piece=10**9))
    serial = m.pair_rsrp_dbm("RMa", sites, h, pts, rows, cols, d, **kw)
    monkeypatch.setattr(model_mod, "in_pieces", functools.partial(threads.in_pieces, piece=97))
    assert np.array_equal(serial, m.pair_rsrp_dbm("RMa", sites, h, pts, rows, cols, d, **kw))


# -- windowed reads ----------------------------------------------------------------------

def _write(path, crs, transform, shape, fn, dtype="float32", nodata=None):
    import rasterio
    from pyproj import Transformer

    rows, cols = shape
    c, r = np.meshgrid(np.arange(cols) + 0.5, np.arange(rows) + 0.5)
    lon, lat = transform * (c, r)
    x, y = Transformer.from_crs(crs, "EPSG:32650", always_xy=True).transform(lon, lat)
    with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1, dtype=dtype,
                       crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(np.asarray(fn(np.asarray(x), np.asarray(y))).astype(dtype), 1)
    return str(path)


E0, N0, ARC_S = 752_000.0, 2_874_000.0, 1.0 / 3600.0


def _arc_second_box() -> tuple[float, float, int, int, int]:
    """West and north edges, columns, rows and half the columns of a 1″ grid
    over E0, N0 ± 3 km."""
    from pyproj import Transformer

    to_ll = Transformer.from_crs("EPSG:32650", 4326, always_xy=True)
    lon0, lat0 = to_ll.transform(E0 - 3000, N0 - 3000)
    lon1, lat1 = to_ll.transform(E0 + 3000, N0 + 3000)
    cols, rows = int((lon1 - lon0) / ARC_S) + 1, int((lat1 - lat0) / ARC_S) + 1
    return lon0, lat1, cols, rows, cols // 2


def _hills(x, y):
    return 50.0 + 30.0 * np.sin((x - E0) / 400.0) * np.cos((y - N0) / 300.0)


@pytest.mark.parametrize("bounds", [(E0 - 1000, N0 - 1000, E0 + 1000, N0 + 1000),
                                    (E0 - 2900, N0 - 2900, E0 + 2900, N0 + 2900),
                                    (E0 - 3500, N0 - 3500, E0 + 3500, N0 + 3500),
                                    (E0 - 5000, N0 - 500, E0 - 2000, N0 + 500)])
def test_a_windowed_read_is_the_full_read(tmp_path, monkeypatch, bounds):
    """Single 4326 file, UTM file, two tiles: the window never loses an edge
    cell the full read had (same values, same NaN)."""
    from rasterio.transform import from_origin

    import siteplan.terrain.raster as raster

    lon0, lat1, cols, rows, cw = _arc_second_box()
    cases = {
        "4326": [_write(tmp_path / "a.tif", "EPSG:4326", from_origin(lon0, lat1, ARC_S, ARC_S),
                        (rows, cols), _hills)],
        "utm": [_write(tmp_path / "u.tif", "EPSG:32650", from_origin(E0 - 3000, N0 + 3000, 30, 30),
                       (200, 200), _hills)],
        "tiles": [_write(tmp_path / "w.tif", "EPSG:4326", from_origin(lon0, lat1, ARC_S, ARC_S),
                         (rows, cw), _hills, "int16", -32768),
                  _write(tmp_path / "e.tif", "EPSG:4326",
                         from_origin(lon0 + cw * ARC_S, lat1, ARC_S, ARC_S), (rows, cols - cw),
                         _hills, "int16", -32768)],
    }
    for paths in cases.values():
        window = raster.read_grid(paths, "EPSG:32650", bounds, res_m=30.0, categorical=False)
        with monkeypatch.context() as m:
            m.setattr(raster, "_source_bounds", lambda *a, **k: None)
            full = raster.read_grid(paths, "EPSG:32650", bounds, res_m=30.0, categorical=False)
        assert np.array_equal(window.values, full.values, equal_nan=True)


def test_misaligned_tiles_give_the_same_heights_whatever_the_extent(tmp_path):
    from rasterio.transform import from_origin

    from siteplan.terrain.raster import read_grid

    lon0, lat1, cols, rows, cw = _arc_second_box()
    west = _write(tmp_path / "w.tif", "EPSG:4326", from_origin(lon0, lat1, ARC_S, ARC_S),
                  (rows, cw), _hills)
    # the east tile first, its cells 0.4 cell east and 0.3 cell south of the west tile's
    east = _write(tmp_path / "e.tif", "EPSG:4326",
                  from_origin(lon0 + (cw - 0.6) * ARC_S, lat1 - 0.3 * ARC_S, ARC_S, ARC_S),
                  (rows, cols - cw), _hills)
    small = read_grid([east, west], "EPSG:32650", (E0 - 1000, N0 - 1000, E0 + 1000, N0 + 1000),
                      res_m=30.0, categorical=False)
    wide = read_grid([east, west], "EPSG:32650", (E0 - 3500, N0 - 3500, E0 + 3500, N0 + 3500),
                     res_m=30.0, categorical=False)
    x = E0 + np.linspace(-900.0, 900.0, 41)
    y = np.full(x.size, N0 + 137.0)
    assert small.bilinear(x, y) == pytest.approx(wide.bilinear(x, y), abs=0.2)


def test_a_gap_between_tiles_without_nodata_is_no_data_not_sea_level(tmp_path):
    """Two tiles with no no-data value and 20 columns between them: demand in
    the gap is reported (the mosaic filled it with 0 m before)."""
    from rasterio.transform import from_origin

    from siteplan.errors import InputError
    from siteplan.terrain import load_path_loss_model

    lon0, lat1, cols, rows, cw = _arc_second_box()
    west = _write(tmp_path / "w.tif", "EPSG:4326", from_origin(lon0, lat1, ARC_S, ARC_S),
                  (rows, cw), _hills, "int16")
    east = _write(tmp_path / "e.tif", "EPSG:4326",
                  from_origin(lon0 + (cw + 20) * ARC_S, lat1, ARC_S, ARC_S),
                  (rows, cols - cw - 20), _hills, "int16")
    inside = np.array([[E0 - 2000.0, N0], [E0 + 2500.0, N0]])
    load_path_loss_model({"dem": [west, east]}, "EPSG:32650", points_xy_m=inside)
    with pytest.raises(InputError, match="1 of 3"):
        load_path_loss_model({"dem": [west, east]}, "EPSG:32650",
                             points_xy_m=np.vstack([inside, [[E0 + 250.0, N0]]]))
