"""Tune the propagation model to drive-test or MR measurements by least squares.

Each measurement is a point (lon, lat), the site it was measured from (a
site id, or a PCI mapped to a site id) and its SS-RSRP (dBm). The model
predicts ``EIRP per RE - path loss - sector attenuation`` (the best of the
site's three sectors, the same pattern as :mod:`siteplan.sinr`; a pole
micro site is omnidirectional). The error ``e = predicted - measured`` is
fitted by ordinary least squares (:func:`numpy.linalg.lstsq`) as

    e = d_offset + d_slope * log10(d / 1 km) + d_clutter[class]

and the tuned assumptions are the current ones plus the fitted changes
(``pathloss.offset_db``, ``pathloss.distance_slope_db_per_dec`` and one
offset per class). The class with the most points is the reference (its
offset stays; the others are fitted relative to it, since a common offset
and one offset per class are not separable). A slope needs distances
spanning at least ``MIN_DECADES`` decades, and a class at least
``MIN_CLASS_POINTS`` points; otherwise it is kept and a note says why.
Confidence intervals are 95 % Student-t intervals from the residual
variance (``sigma^2 (X^T X)^-1``).

The model is the plan's own (:func:`siteplan.sinr.load_model`, the one
coverage uses), so every tuned key is one ``plan`` reads and applies.
A point's environment (the TR 38.901 scenario) is its ``environment``
(or ``clutter``) column, else the environment of the target area it lies
in, else ``rural``. Its class is the model's land-cover class where the
model has a clutter raster (``clutter.offset_db.<class>`` fitted), else the
environment (errors reported per environment; no class offset fitted, the
model has none), see :func:`siteplan.sinr.model_classes`. Measurements
beyond the model's range (where it predicts no signal) are left out of the
fit, with a note.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from siteplan.defaults import Assumptions
>>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "kind": ["tower", "tower"],
...     "height_m": [35.0, 35.0]}, geometry=[Point(0, 0), Point(6000, 0)], crs=32650)
>>> truth = {"offset_db": 4.0, "distance_slope_db_per_dec": -3.0}
>>> meas = synthetic_drive_test(sites, Assumptions(), truth, sigma_db=0.0,
...                             points_per_site=200, classes=("rural", "rural", "urban"), seed=1)
>>> fit = calibrate(meas, sites, Assumptions())
>>> for key, value in fit.tuned.items():
...     print(key, round(value, 3))
pathloss.offset_db 4.0
pathloss.distance_slope_db_per_dec -3.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import stats

from siteplan.coverage import mount_heights
from siteplan.errors import InputError
from siteplan.messages import MESSAGES, Msg
from siteplan.schema import MACRO_KINDS, normalise_environment, suggest
from siteplan.sinr import SECTOR_OFFSETS_DEG, SinrSettings, load_model, model_classes, takes_macro
from siteplan.sources.files import read_points_table
from siteplan.sources.text import norm_header

#: Header names recognised (compared by :func:`siteplan.sources.text.norm_header`).
RSRP_NAMES = ("rsrp_dbm", "rsrp", "ss_rsrp", "ss-rsrp", "ssrsrp", "nr_rsrp", "电平", "场强")
SITE_NAMES = ("site_id", "site", "siteid", "站址编号", "站点编号", "基站编号", "gnb", "gnb_id")
PCI_NAMES = ("pci", "nr_pci", "物理小区标识")
ENVIRONMENT_NAMES = ("environment", "clutter", "clutter_class", "环境", "地物", "场景")
#: 3GPP TS 38.133 SS-RSRP report range (dBm).
RSRP_RANGE_DBM = (-156.0, -31.0)
MIN_DECADES = 0.5
MIN_CLASS_POINTS = 10
KEY_OFFSET = "pathloss.offset_db"
KEY_SLOPE = "pathloss.distance_slope_db_per_dec"


def _column(columns: list[str], names: tuple[str, ...]) -> str | None:
    wanted = {norm_header(n) for n in names}
    return next((c for c in columns if norm_header(c) in wanted), None)


def _read_pci_map(path: str | Path) -> dict[str, str]:
    """PCI -> site id from a two-column table (``pci``, ``site_id``)."""
    from siteplan.sources.text import read_table

    table = read_table(path, (*PCI_NAMES, *SITE_NAMES), need=2)
    pci, site = _column(list(table.columns), PCI_NAMES), _column(list(table.columns), SITE_NAMES)
    if pci is None or site is None:
        raise InputError(Msg("cal.pci_columns", path=path, columns=', '.join(map(repr, table.columns))))
    out: dict[str, str] = {}
    for line, p, s in zip(table.index, table[pci], table[site], strict=True):
        if p is None or s is None:
            raise InputError(Msg("cal.pci_empty", path=path, line=line, given=repr(pci), column=repr(site)))
        key = str(p).strip()
        if key in out and out[key] != str(s).strip():
            raise InputError(Msg("cal.pci_twice", path=path, line=line, column=repr(pci), key=key,
                                 value=repr(out[key]), given=repr(str(s).strip())))
        out[key] = str(s).strip()
    return out


def read_measurements(path: str | Path, *, pci_map: str | Path | None = None,
                      sheet: str | int | None = None, crs: str | int | None = "EPSG:4326"
                      ) -> gpd.GeoDataFrame:
    """Read drive-test / MR points: lon, lat, site id (or PCI + ``pci_map``), RSRP.

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id``, ``rsrp_dbm``, ``environment`` (None when the file has none),
        ``line`` (the file's line or row number), WGS84 points.

    Raises
    ------
    InputError
        Naming the file, line and column: a missing column, an RSRP that is
        not a number or outside the 3GPP range, a PCI without a site.
    """
    points = read_points_table(path, sheet=sheet, crs=crs,
                               known=(*RSRP_NAMES, *SITE_NAMES, *PCI_NAMES))
    lines = list(points.attrs["lines"])
    cols = [c for c in points.columns if c != "geometry"]
    rsrp_col = _column(cols, RSRP_NAMES)
    if rsrp_col is None:
        raise InputError(Msg("cal.no_rsrp", path=path, names=', '.join(RSRP_NAMES),
                             columns=', '.join(map(repr, cols))))
    site_col, pci_col = _column(cols, SITE_NAMES), _column(cols, PCI_NAMES)
    if site_col is None and (pci_col is None or pci_map is None):
        raise InputError(Msg("cal.no_site", path=path))
    rsrp = pd.to_numeric(points[rsrp_col], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(rsrp) | (rsrp < RSRP_RANGE_DBM[0]) | (rsrp > RSRP_RANGE_DBM[1])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(Msg("cal.rsrp", path=path, line=lines[i], column=repr(rsrp_col),
                             value=repr(points[rsrp_col].iloc[i]), low=format(RSRP_RANGE_DBM[0], 'g'),
                             high=format(RSRP_RANGE_DBM[1], 'g'), count=int(bad.sum())))
    if site_col is not None:
        sites = points[site_col].astype(object)
        missing = sites.isna().to_numpy()
        where_col = site_col
    else:
        mapping = _read_pci_map(pci_map)
        sites = points[pci_col].map(lambda v: mapping.get(str(v).strip()) if v is not None
                                    else None)
        missing = sites.isna().to_numpy()
        where_col = pci_col
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        params = {"path": path, "line": lines[i], "column": repr(where_col),
                  "value": repr(points[where_col].iloc[i]), "count": int(missing.sum())}
        if site_col is None:
            raise InputError(Msg("cal.no_such_site_pci", given=pci_map, **params))
        raise InputError(Msg("cal.no_such_site", **params))
    env_col = _column(cols, ENVIRONMENT_NAMES)
    return gpd.GeoDataFrame({
        "site_id": sites.astype(str).str.strip().to_numpy(), "rsrp_dbm": rsrp,
        "environment": points[env_col].to_numpy(object) if env_col else None,
        "line": lines}, geometry=points.geometry.to_numpy(), crs=points.crs)


def environments(meas_m: gpd.GeoDataFrame, targets_m: gpd.GeoDataFrame | None,
                 source: str = "measurements") -> np.ndarray:
    """Environment per measurement: its own column, else the environment of
    the target area it lies in, else ``rural`` (outside every area)."""
    n = len(meas_m)
    out = np.full(n, "rural", dtype=object)
    if targets_m is not None and len(targets_m):
        hit = gpd.sjoin(gpd.GeoDataFrame(geometry=meas_m.geometry.to_numpy(), crs=meas_m.crs),
                        targets_m[["environment", "geometry"]], how="left", predicate="within")
        first = hit[~hit.index.duplicated()]["environment"].reindex(range(n))
        out = np.where(first.notna(), first.to_numpy(object), out)
    given = (meas_m["environment"].to_numpy(object) if "environment" in meas_m
             else np.full(n, None))
    for i, value in enumerate(given):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        env = normalise_environment(value)
        if env is None:
            line = meas_m["line"].iloc[i] if "line" in meas_m else i + 1
            raise InputError(Msg("cal.environment", path=source, line=line,
                                 value=repr(value),
                                 hint=suggest(value, ('dense_urban', 'urban', 'suburban', 'rural'))))
        out[i] = env
    return out.astype(str)


@dataclass(frozen=True)
class Calibration:
    """The fit: parameters with confidence intervals, errors before and after.

    Attributes
    ----------
    parameters : pandas.DataFrame
        ``key, before, change, after, std_error, ci_low, ci_high`` (the
        interval is for ``after``), one row per fitted parameter.
    errors : pandas.DataFrame
        Per clutter class and ``all``: ``points, mean_before, std_before,
        rmse_before, mean_after, std_after, rmse_after`` (dB, predicted
        minus measured).
    tuned : dict
        Assumption key -> tuned value, for ``plan``'s ``[assumptions]``.
    points : pandas.DataFrame
        Per measurement: ``site_id, distance_m, clutter, measured_dbm,
        predicted_before_dbm, predicted_after_dbm``.
    reference_class : str
    notes : list of str
    """

    parameters: pd.DataFrame
    errors: pd.DataFrame
    tuned: dict[str, float]
    points: pd.DataFrame
    reference_class: str
    notes: list[str] = field(default_factory=list)


def predict_rsrp_dbm(meas_m: gpd.GeoDataFrame, sites_m: gpd.GeoDataFrame,
                     assumptions: Mapping[str, Any], env: np.ndarray,
                     model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Predicted RSRP (dBm) of each measurement from its site, and the distance (m).

    ``env`` is each point's environment; one model call per site, vectorised
    over that site's measurements.
    """
    settings = SinrSettings.from_assumptions(assumptions)
    index = pd.Index(sites_m["site_id"].astype(str))
    pos = index.get_indexer(meas_m["site_id"].astype(str))
    heights = mount_heights(sites_m, assumptions)
    macro = sites_m["kind"].isin(MACRO_KINDS).to_numpy()
    azimuth = (pd.to_numeric(sites_m["azimuth_deg"], errors="coerce").fillna(0.0).to_numpy()
               if "azimuth_deg" in sites_m else np.zeros(len(sites_m)))
    sxy = np.column_stack([sites_m.geometry.x, sites_m.geometry.y])
    pxy = np.column_stack([meas_m.geometry.x, meas_m.geometry.y])
    pred, dist = np.empty(len(meas_m)), np.hypot(*(pxy - sxy[pos]).T)
    macro_kw = takes_macro(model)
    for s in np.unique(pos):
        at = np.flatnonzero(pos == s)
        kw = {"macro": bool(macro[s])} if macro_kw else {}
        loss = model.path_loss_db(sxy[s], float(heights[s]), env[at], pxy[at],
                                  settings.freq_ghz, settings.ue_height_m, **kw)
        if macro[s]:
            d = pxy[at] - sxy[s]
            bearing = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
            elev = np.degrees(np.arctan2(heights[s] - settings.ue_height_m,
                                         np.maximum(dist[at], 1.0)))
            att = np.min([settings.attenuation_db(
                (bearing - azimuth[s] - off + 180.0) % 360.0 - 180.0, elev,
                settings.macro_downtilt_deg) for off in SECTOR_OFFSETS_DEG], axis=0)
            pred[at] = settings.eirp_macro_dbm - loss - att
        else:
            pred[at] = settings.eirp_micro_dbm - loss
    return pred, dist


def _check_sites(meas: gpd.GeoDataFrame, sites_m: gpd.GeoDataFrame, source: str) -> None:
    known = set(sites_m["site_id"].astype(str))
    unknown = ~meas["site_id"].astype(str).isin(known).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        line = meas["line"].iloc[i] if "line" in meas else i + 1
        raise InputError(Msg("cal.unknown_site", path=source, line=line,
                             value=repr(meas['site_id'].iloc[i]),
                             hint=suggest(meas['site_id'].iloc[i], known), count=int(unknown.sum())))


def _design(x: np.ndarray, classes: np.ndarray, prefix: str | None, notes: list[str]
            ) -> tuple[np.ndarray, list[str], str]:
    """Columns: offset, slope (if the distances span enough), one per
    non-reference class with enough points and an assumption key."""
    from siteplan.defaults import TABLE

    names, cols = [KEY_OFFSET], [np.ones(x.size)]
    span = float(x.max() - x.min()) if x.size else 0.0
    if span >= MIN_DECADES:
        names.append(KEY_SLOPE)
        cols.append(x)
    else:
        notes.append(Msg("cal.span", span=f"{span:.2f}", least=MIN_DECADES))
    values, counts = np.unique(classes, return_counts=True)
    reference = str(values[np.argmax(counts)])
    if prefix is None:
        notes.append(Msg("cal.no_env_offset"))
        return np.column_stack(cols), names, reference
    for value, count in zip(values, counts, strict=True):
        if value == reference:
            continue
        if prefix + str(value) not in TABLE:
            notes.append(Msg("cal.no_key", clutter=value, key=f"{prefix}{value}"))
            continue
        if count < MIN_CLASS_POINTS:
            notes.append(Msg("cal.few_points", clutter=value, count=count,
                             least=MIN_CLASS_POINTS))
            continue
        names.append(prefix + str(value))
        cols.append((classes == value).astype(float))
    return np.column_stack(cols), names, reference


def _error_table(err_before: np.ndarray, err_after: np.ndarray,
                 classes: np.ndarray) -> pd.DataFrame:
    rows = []
    for name, mask in [("all", np.ones(classes.size, bool))] + [
            (str(c), classes == c) for c in np.unique(classes)]:
        b, a = err_before[mask], err_after[mask]
        rows.append({"clutter": name, "points": int(mask.sum()),
                     "mean_before": float(b.mean()), "std_before": float(b.std(ddof=1))
                     if b.size > 1 else float("nan"),
                     "rmse_before": float(np.sqrt(np.mean(b**2))),
                     "mean_after": float(a.mean()), "std_after": float(a.std(ddof=1))
                     if a.size > 1 else float("nan"),
                     "rmse_after": float(np.sqrt(np.mean(a**2)))})
    return pd.DataFrame(rows)


def calibrate(meas_m: gpd.GeoDataFrame, sites_m: gpd.GeoDataFrame,
              assumptions: Mapping[str, Any], *, targets_m: gpd.GeoDataFrame | None = None,
              model: Any | None = None, source: str = "measurements",
              confidence: float = 0.95) -> Calibration:
    """Fit offset, distance slope and clutter offsets to the measurements.

    Parameters
    ----------
    meas_m : geopandas.GeoDataFrame
        :func:`read_measurements` output in the sites' metric CRS.
    sites_m : geopandas.GeoDataFrame
        Sites (``site_id``, ``kind``, ``height_m``) in a metric CRS.
    assumptions : mapping
        The current assumptions (the starting ``pathloss.*`` values).
    targets_m : geopandas.GeoDataFrame, optional
        Target areas: the environment of a point without an environment column.
    model : object, optional
        A path-loss model (default: the plan's, :func:`siteplan.sinr.load_model`).
    """
    if meas_m.crs != sites_m.crs:
        raise InputError(Msg("calibrate.calibrate_measurements_sites"))
    _check_sites(meas_m, sites_m, source)
    env = environments(meas_m, targets_m, source)
    pxy = np.column_stack([meas_m.geometry.x, meas_m.geometry.y])
    if model is None:
        model = load_model(assumptions, meas_m.crs, points_xy_m=np.vstack(
            [pxy, np.column_stack([sites_m.geometry.x, sites_m.geometry.y])]))
    classes, prefix = model_classes(model, env, pxy)
    pred, dist = predict_rsrp_dbm(meas_m, sites_m, assumptions, env, model)
    measured = meas_m["rsrp_dbm"].to_numpy(float)
    lines = (meas_m["line"].to_numpy() if "line" in meas_m
             else np.arange(1, len(meas_m) + 1))
    notes: list[str] = []
    fitted = _in_range(pred, dist, lines, source, notes)
    err = (pred - measured)[fitted]
    x = np.log10(np.maximum(dist[fitted], 10.0) / 1000.0)
    design, names, reference = _design(x, classes[fitted], prefix, notes)
    n, p = design.shape
    if n < p + 2:
        raise InputError(Msg("cal.too_few", path=source, count=n, p=p, least=p + 2))
    beta, _, rank, _ = np.linalg.lstsq(design, err, rcond=None)
    if rank < p:
        raise InputError(Msg("cal.rank", path=source, names=', '.join(names), rank=rank, p=p))
    resid = err - design @ beta
    sigma2 = float(resid @ resid) / (n - p)
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(design.T @ design)))
    half = stats.t.ppf(0.5 + confidence / 2, n - p) * se
    before = np.array([float(assumptions[k]) for k in names])
    after = before + beta
    params = pd.DataFrame({"key": names, "before": before, "change": beta, "after": after,
                           "std_error": se, "ci_low": after - half, "ci_high": after + half})
    pred_after = np.full(pred.size, np.nan)
    pred_after[fitted] = measured[fitted] + resid
    return Calibration(params, _error_table(err, resid, classes[fitted]),
                       {k: float(v) for k, v in zip(names, after, strict=True)},
                       pd.DataFrame({"line": lines, "site_id": meas_m["site_id"].to_numpy(),
                                     "distance_m": dist, "clutter": classes,
                                     "measured_dbm": measured,
                                     "predicted_before_dbm": np.where(fitted, pred, np.nan),
                                     "predicted_after_dbm": pred_after}),
                       reference, notes)


def _in_range(pred: np.ndarray, dist: np.ndarray, lines: np.ndarray, source: str,
              notes: list[str]) -> np.ndarray:
    """Measurements the model predicts a signal for (within its range); a note
    for the others, an :class:`InputError` when none is left."""
    fitted = np.isfinite(pred)
    if fitted.all():
        return fitted
    i = int(np.flatnonzero(~fitted)[0])
    where = Msg("cal.beyond_range", count=int((~fitted).sum()), line=lines[i],
                distance=f"{dist[i]:,.0f}")
    if not fitted.any():
        raise InputError(Msg("cal.all_beyond", source=source, where=where))
    notes.append(Msg("cal.beyond_note", where=where))
    return fitted


def synthetic_drive_test(sites_m: gpd.GeoDataFrame, assumptions: Mapping[str, Any],
                         truth: Mapping[str, Any], *, sigma_db: float, points_per_site: int,
                         classes: tuple[str, ...] = ("rural",), seed: int = 0,
                         distance_m: tuple[float, float] = (50.0, 3000.0),
                         model: Any | None = None) -> gpd.GeoDataFrame:
    """Measurements made from known tuning parameters plus log-normal shadowing.

    Points lie at log-uniform distances (``distance_m``) in uniform
    directions around each site; each gets an environment from ``classes``
    at random; the RSRP is the prediction of ``model`` (default: the plan's
    model for ``assumptions``, :func:`siteplan.sinr.load_model`) with its
    calibration terms set to ``truth`` (``offset_db``,
    ``distance_slope_db_per_dec``, ``clutter_offset_db``: land-cover class ->
    dB, applied where the model has a clutter raster) minus a Gaussian (in
    dB) shadowing of ``sigma_db``.
    """
    rng = np.random.default_rng(seed)
    n = points_per_site * len(sites_m)
    site = np.repeat(np.arange(len(sites_m)), points_per_site)
    d = np.exp(rng.uniform(*np.log(distance_m), n))
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    xy = np.column_stack([sites_m.geometry.x.to_numpy()[site] + d * np.sin(angle),
                          sites_m.geometry.y.to_numpy()[site] + d * np.cos(angle)])
    cls = rng.choice(np.asarray(classes, dtype=object), n).astype(str)
    meas = gpd.GeoDataFrame({"site_id": sites_m["site_id"].astype(str).to_numpy()[site],
                             "rsrp_dbm": np.zeros(n), "environment": cls,
                             "line": np.arange(2, n + 2)},
                            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=sites_m.crs)
    if model is None:
        model = load_model(assumptions, sites_m.crs, points_xy_m=np.vstack(
            [xy, np.column_stack([sites_m.geometry.x, sites_m.geometry.y])]))
    model = dataclasses.replace(
        model,
        offset_db=float(truth.get("offset_db", 0.0)),
        distance_slope_db_per_dec=float(truth.get("distance_slope_db_per_dec", 0.0)),
        clutter_offset_db={str(k): float(v)
                           for k, v in dict(truth.get("clutter_offset_db", {})).items()})
    pred, _ = predict_rsrp_dbm(meas, sites_m, assumptions, cls, model)
    meas["rsrp_dbm"] = pred - rng.normal(0.0, sigma_db, n)
    return meas


def tuned_toml(fit: Calibration, lang: str = "en") -> str:
    """The tuned values as an ``[assumptions]`` TOML table (keys are the
    table's own, values plain numbers: no input text reaches this file); its
    comment in ``lang``.

    Examples
    --------
    >>> fit = Calibration(None, None, {"pathloss.offset_db": 6.2}, None, "all")
    >>> print(tuned_toml(fit, "zh"))  # doctest: +NORMALIZE_WHITESPACE
    # 由 siteplan calibrate 校准的传播模型假设参数；请粘贴到规划配置的 [assumptions] 表中
    # （或与其中已有的键合并）。
    [assumptions]
    "pathloss.offset_db" = 6.200
    """
    comment = MESSAGES["cal.toml_comment"]
    lines = [*comment.get(lang, comment["en"]).split("\n"), "[assumptions]"]
    lines += [f'"{k}" = {v:.3f}' for k, v in fit.tuned.items()]
    return "\n".join(lines) + "\n"
