"""Rasters (DEM, land cover) read with rasterio into one metric grid.

Several tiles (SRTM / Copernicus / ASTER 1° tiles, as users download them)
are mosaicked, then reprojected once into the planning CRS over the study
area at ``terrain.profile_step_m`` spacing. Sampling is vectorised: bilinear
for heights, nearest cell for class codes.

Examples
--------
>>> import numpy as np
>>> grid = Grid(np.array([[0.0, 10.0], [20.0, 30.0]], np.float32), x0_m=0.0, y0_m=10.0,
...             res_m=10.0, sources=("demo",))
>>> grid.bilinear(np.array([5.0]), np.array([5.0])).tolist()
[15.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.threads import workers


@dataclass(frozen=True)
class Grid:
    """A north-up raster in a metric CRS.

    Attributes
    ----------
    values : numpy.ndarray
        ``(rows, cols)`` cell values; NaN (heights) or -1 (classes) where unknown.
    x0_m, y0_m : float
        Centre of the top-left cell.
    res_m : float
        Cell size (square cells).
    sources : tuple of str
        The files it was read from (for messages).
    """

    values: np.ndarray
    x0_m: float
    y0_m: float
    res_m: float
    sources: tuple[str, ...]

    def bounds_m(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the cell centres."""
        rows, cols = self.values.shape
        return (self.x0_m, self.y0_m - (rows - 1) * self.res_m,
                self.x0_m + (cols - 1) * self.res_m, self.y0_m)

    def _index(self, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(x_m) - self.x0_m) / self.res_m, (self.y0_m - np.asarray(y_m)) / self.res_m

    def bilinear(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Bilinear interpolation at any array of points (clamped to the grid edge)."""
        rows, cols = self.values.shape
        c, r = self._index(x_m, y_m)
        c = np.clip(c, 0.0, cols - 1.0)
        r = np.clip(r, 0.0, rows - 1.0)
        c0 = np.minimum(c.astype(np.int64), max(cols - 2, 0))
        r0 = np.minimum(r.astype(np.int64), max(rows - 2, 0))
        fc, fr = c - c0, r - r0
        c1, r1 = np.minimum(c0 + 1, cols - 1), np.minimum(r0 + 1, rows - 1)
        v = self.values
        top = v[r0, c0] * (1.0 - fc) + v[r0, c1] * fc
        bottom = v[r1, c0] * (1.0 - fc) + v[r1, c1] * fc
        return top * (1.0 - fr) + bottom * fr

    def nearest(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """Value of the cell holding each point (clamped to the grid edge)."""
        rows, cols = self.values.shape
        c, r = self._index(x_m, y_m)
        c = np.clip(np.rint(c), 0, cols - 1).astype(np.int64)
        r = np.clip(np.rint(r), 0, rows - 1).astype(np.int64)
        return self.values[r, c]

    def inside(self, x_m: np.ndarray, y_m: np.ndarray) -> np.ndarray:
        """True where a point lies within the grid's cell centres."""
        xmin, ymin, xmax, ymax = self.bounds_m()
        x, y = np.asarray(x_m), np.asarray(y_m)
        return (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)


def split_paths(text: str) -> tuple[str, ...]:
    """Paths of a ``terrain.dem`` value (``;``-separated).

    Examples
    --------
    >>> split_paths("a.tif; b.tif"), split_paths("")
    (('a.tif', 'b.tif'), ())
    """
    return tuple(p.strip() for p in str(text).split(";") if p.strip())


def _open_all(paths: Sequence[str], what: str) -> list[Any]:
    import rasterio
    from rasterio.errors import RasterioIOError

    datasets = []
    for path in paths:
        if not Path(path).exists():
            raise InputError(Msg("raster.not_found", path=path, what=what))
        try:
            datasets.append(rasterio.open(path))
        except RasterioIOError as exc:
            raise InputError(Msg("raster.read", path=path, what=what, detail=exc)) from exc
        if datasets[-1].crs is None:
            raise InputError(Msg("raster.no_crs", path=path, what=what))
    crs = {str(d.crs) for d in datasets}
    if len(crs) > 1:
        raise InputError(Msg("raster.crs_mixed", path='; '.join(paths), what=what,
                             crs=', '.join(sorted(crs))))
    return datasets


def _source_bounds(datasets: list[Any], bounds_m: tuple[float, float, float, float], crs: Any,
                   res_m: float) -> tuple[float, float, float, float] | None:
    """``bounds_m`` (planning CRS) in the files' CRS, widened by a cell of the
    grid and three cells of the files (what bilinear resampling reads), on the
    first file's cell edges and within the files' extent (None: outside it)."""
    from rasterio.crs import CRS
    from rasterio.warp import transform_bounds

    pad = res_m
    left, bottom, right, top = transform_bounds(
        CRS.from_user_input(crs), datasets[0].crs, bounds_m[0] - pad, bounds_m[1] - pad,
        bounds_m[2] + pad, bounds_m[3] + pad, densify_pts=21)
    cell = max(max(abs(d.res[0]), abs(d.res[1])) for d in datasets)
    want = (left - 3 * cell, bottom - 3 * cell, right + 3 * cell, top + 3 * cell)
    # never beyond the files (a mosaic fills what no file covers, which must stay
    # uncovered for the cover check) ...
    have = (min(d.bounds.left for d in datasets), min(d.bounds.bottom for d in datasets),
            max(d.bounds.right for d in datasets), max(d.bounds.top for d in datasets))
    left, bottom = max(want[0], have[0]), max(want[1], have[1])
    right, top = min(want[2], have[2]), min(want[3], have[3])
    if left >= right or bottom >= top:  # no overlap: the whole files (the cover check says so)
        return None
    # ... and on the first file's cell edges (a mosaic over them copies its cells):
    # outward where the margin was kept, inward where the files' edge cut it
    t = datasets[0].transform
    col_l, col_r = (left - t.c) / t.a, (right - t.c) / t.a
    row_t, row_b = (top - t.f) / t.e, (bottom - t.f) / t.e
    col_l = np.floor(col_l) if left > have[0] else np.ceil(col_l - 1e-9)
    col_r = np.ceil(col_r) if right < have[2] else np.floor(col_r + 1e-9)
    row_t = np.floor(row_t) if top < have[3] else np.ceil(row_t - 1e-9)
    row_b = np.ceil(row_b) if bottom > have[1] else np.floor(row_b + 1e-9)
    if col_l >= col_r or row_t >= row_b:
        return None
    return (float(t.c + col_l * t.a), float(t.f + row_b * t.e), float(t.c + col_r * t.a),
            float(t.f + row_t * t.e))


def _window(dataset: Any, area: tuple[float, float, float, float] | None) -> Any:
    """The file's window over ``area`` (whole cells, clipped to the file; the
    whole file when they do not overlap, so the cover check reports it)."""
    from rasterio.errors import WindowError
    from rasterio.windows import Window, from_bounds

    full = Window(0, 0, dataset.width, dataset.height)
    if area is None:
        return full
    try:
        window = from_bounds(*area, transform=dataset.transform)
        return window.round_offsets().round_lengths().intersection(full)
    except WindowError:  # no overlap
        return full


def read_grid(paths: Sequence[str], crs: Any, bounds_m: tuple[float, float, float, float], *,
              res_m: float, categorical: bool, what: str = "DEM") -> Grid:
    """Mosaic ``paths`` and reproject them onto a grid covering ``bounds_m``.

    Parameters
    ----------
    paths : sequence of str
        GeoTIFF files (one or several tiles in one CRS).
    crs : pyproj.CRS or anything rasterio accepts
        The planning (metric) CRS.
    bounds_m : tuple
        ``(xmin, ymin, xmax, ymax)`` in ``crs`` that the grid must cover.
    res_m : float
        Cell size of the grid.
    categorical : bool
        Class codes (nearest resampling, -1 where no data) instead of
        heights (bilinear, NaN where no data).

    Raises
    ------
    InputError
        Missing or unreadable file, no CRS, tiles in several CRSs.
    """
    from rasterio.crs import CRS
    from rasterio.merge import merge
    from rasterio.transform import from_origin
    from rasterio.warp import Resampling, reproject

    datasets = _open_all(paths, what)
    try:
        src_nodata = datasets[0].nodata
        src_crs = datasets[0].crs
        # only the part of the files under the grid (and a margin of source cells)
        area = _source_bounds(datasets, bounds_m, crs, res_m)
        if len(datasets) > 1:
            # heights from tiles without a no-data value: a gap between them is no
            # data (NaN), never 0 m (the cover check reports it)
            fill = np.nan if src_nodata is None and not categorical else src_nodata
            array, transform = merge(datasets, bounds=area, nodata=fill,
                                     dtype="float32" if fill is not src_nodata else None)
            src = array[0]
        else:
            window = _window(datasets[0], area)
            src = datasets[0].read(1, window=window)
            transform = datasets[0].window_transform(window)
    finally:
        for d in datasets:
            d.close()
    src = src.astype(np.float32)
    if src_nodata is not None and not categorical:
        src[src == np.float32(src_nodata)] = np.nan
    xmin, ymin, xmax, ymax = bounds_m
    cols = int(np.ceil((xmax - xmin) / res_m)) + 1
    rows = int(np.ceil((ymax - ymin) / res_m)) + 1
    if rows * cols > 400_000_000:
        raise InputError(Msg("raster.too_large", path='; '.join(paths), size=f'{rows}x{cols}', what=what))
    dst = np.full((rows, cols), np.nan, np.float32)
    fill = -1.0 if categorical else np.nan
    reproject(src, dst, src_transform=transform, src_crs=src_crs,
              src_nodata=src_nodata if categorical else np.nan,
              dst_transform=from_origin(xmin - res_m / 2, ymax + res_m / 2, res_m, res_m),
              dst_crs=CRS.from_user_input(crs), dst_nodata=fill,
              resampling=Resampling.nearest if categorical else Resampling.bilinear,
              # exact coordinates per cell (GDAL's default interpolates them within an
              # eighth of a cell: metres of height on a steep slope) and a plain bilinear
              # interpolation there (GDAL widens the kernel by the ratio of the cell
              # sizes it estimates from the extents read), on the cores
              tolerance=0.0, XSCALE=1, YSCALE=1, num_threads=workers())
    if categorical:
        dst = np.where(np.isfinite(dst), dst, -1).astype(np.int32)
    return Grid(dst, xmin, ymax, float(res_m), tuple(str(p) for p in paths))
