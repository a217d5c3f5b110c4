"""Chinese map-app coordinate systems: GCJ-02 (Mars coordinates) and BD-09.

pyproj knows WGS84 and CGCS2000 (EPSG:4490) but not the obfuscated GCJ-02 of
Amap/Tencent maps or Baidu's BD-09. These are the published formulas; the
inverse of GCJ-02 is solved by fixed-point iteration to well under 1 mm.
Outside mainland China GCJ-02 is not applied and coordinates pass unchanged.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(116.397, 39.908)
>>> round(float(lon), 4), round(float(lat), 4)
(116.4032, 39.9094)
>>> back = gcj02_to_wgs84(lon, lat)
>>> round(float(back[0]), 6), round(float(back[1]), 6)
(116.397, 39.908)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from siteplan.errors import InputError
from siteplan.messages import Msg

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def _shape_out(lon: ArrayLike, lat: ArrayLike, x: np.ndarray, y: np.ndarray):
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(x), float(y)
    return x, y


def _check(lon: np.ndarray, lat: np.ndarray, system: str) -> None:
    bad = ~(np.isfinite(lon) & np.isfinite(lat)) | (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(
            Msg("coords.coordinate_lon_lat", system=system, i=i + 1, lon=lon.ravel()[i],
                lat=lat.ravel()[i])
        )


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True where GCJ-02 is not applied (the usual rectangle test)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
            + 0.2 * np.sqrt(np.abs(x)))
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike):
    """WGS84 → GCJ-02. Arrays or floats in, the same shape out."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    _check(x, y, "WGS84")
    dlon, dlat = _delta(x, y)
    return _shape_out(lon, lat, x + dlon, y + dlat)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike):
    """GCJ-02 → WGS84 by fixed-point iteration (error far below 1 m)."""
    gx, gy = np.asarray(lon, float), np.asarray(lat, float)
    _check(gx, gy, "GCJ-02")
    x, y = gx.copy(), gy.copy()
    for _ in range(30):
        dlon, dlat = _delta(x, y)
        nx, ny = gx - dlon, gy - dlat
        if np.nanmax(np.abs(nx - x), initial=0) < 1e-10 and np.nanmax(np.abs(ny - y), initial=0) < 1e-10:
            x, y = nx, ny
            break
        x, y = nx, ny
    return _shape_out(lon, lat, x, y)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike):
    """BD-09 → GCJ-02 (Baidu's published inverse)."""
    bx, by = np.asarray(lon, float) - 0.0065, np.asarray(lat, float) - 0.006
    z = np.sqrt(bx * bx + by * by) - 0.00002 * np.sin(by * _X_PI)
    theta = np.arctan2(by, bx) - 0.000003 * np.cos(bx * _X_PI)
    return _shape_out(lon, lat, z * np.cos(theta), z * np.sin(theta))


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike):
    """GCJ-02 → BD-09."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _shape_out(lon, lat, z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike):
    """BD-09 → WGS84 (through GCJ-02)."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    _check(x, y, "BD-09")
    gx, gy = bd09_to_gcj02(x, y)
    wx, wy = gcj02_to_wgs84(np.asarray(gx), np.asarray(gy))
    return _shape_out(lon, lat, np.asarray(wx), np.asarray(wy))


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike):
    """WGS84 → BD-09 (through GCJ-02)."""
    gx, gy = wgs84_to_gcj02(np.asarray(lon, float), np.asarray(lat, float))
    bx, by = gcj02_to_bd09(np.asarray(gx), np.asarray(gy))
    return _shape_out(lon, lat, np.asarray(bx), np.asarray(by))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, system: str):
    """Convert from ``"gcj02"``, ``"bd09"`` or ``"wgs84"`` to WGS84 arrays."""
    system = system.lower().replace("-", "")
    if system == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if system == "bd09":
        return bd09_to_wgs84(lon, lat)
    if system in ("wgs84", "epsg:4326"):
        return np.asarray(lon, float), np.asarray(lat, float)
    raise InputError(Msg("coords.unknown_coordinate_system", system=repr(system)))


#: Where each named system applies (lon min, lat min, lon max, lat max).
CHINA_BOUNDS = (73.0, 3.0, 135.5, 54.0)


def lonlat_problems(lon: np.ndarray, lat: np.ndarray, system: str
                    ) -> list[tuple[np.ndarray, str, dict[str, object]]]:
    """Masks of rows whose coordinates cannot be right for ``system``, each
    with the reason's catalogue id and parameters (a row's ``lon`` and ``lat``
    to add): not numbers, outside the globe, lon/lat swapped, or outside the
    system's range (GCJ-02, BD-09 and CGCS2000 apply in China; an EPSG code's
    area of use otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> found = lonlat_problems(np.array([119.3, 26.1, 2.0]), np.array([26.1, 119.3, 48.8]),
    ...                         "gcj02")
    >>> [m.tolist() for m, _, _ in found]
    [[False, True, False], [False, False, True]]
    >>> found[0][1], found[1][1], str(found[1][2]["label"])
    ('row.swapped', 'row.out_of_range', 'gcj02 (China: lon 73–135.5, lat 3–54)')
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    problems = []
    missing = ~(np.isfinite(lon) & np.isfinite(lat))
    problems.append((missing, "row.coord_nan", {}))
    key = system.lower().replace("-", "").replace("_", "")
    if key in ("gcj02", "bd09", "epsg:4490", "cgcs2000", "4490"):
        bounds, label = CHINA_BOUNDS, Msg("coords.china_range", system=system)
    else:
        bounds, label = _area_of_use(system)
    inside = (lon >= bounds[0]) & (lon <= bounds[2]) & (lat >= bounds[1]) & (lat <= bounds[3])
    swapped_inside = ((lat >= bounds[0]) & (lat <= bounds[2]) & (lon >= bounds[1])
                      & (lon <= bounds[3]))
    swapped = ~missing & ~inside & swapped_inside
    problems.append((swapped, "row.swapped", {}))
    outside = ~missing & ~inside & ~swapped_inside
    problems.append((outside, "row.out_of_range", {"label": label}))
    return [(m, why, params) for m, why, params in problems if m.any()] if lon.size else []


def _area_of_use(system: str) -> tuple[tuple[float, float, float, float], str | Msg]:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    key = system.lower()
    if key in ("wgs84", "epsg:4326", "4326"):
        return (-180.0, -90.0, 180.0, 90.0), Msg("coords.world_range")
    try:
        crs = CRS.from_user_input(system)
    except CRSError as exc:
        raise InputError(Msg("coords.unknown_coordinate_system_2", system=repr(system))) from exc
    if not crs.is_geographic:
        raise InputError(Msg("coords.projected_system_lon", system=system))
    area = crs.area_of_use
    if area is None:
        return (-180.0, -90.0, 180.0, 90.0), system
    pad = 0.5
    return ((area.west - pad, area.south - pad, area.east + pad, area.north + pad),
            f"{system} ({area.name})")


#: Names of the shifted systems of Chinese map apps, as ``crs`` values.
SHIFTED_SYSTEMS = {"gcj02": "gcj02", "gcj_02": "gcj02", "gcj": "gcj02", "mars": "gcj02",
                   "amap": "gcj02", "火星坐标": "gcj02", "高德": "gcj02", "高德坐标": "gcj02",
                   "腾讯": "gcj02", "腾讯坐标": "gcj02", "奥维": "gcj02",
                   "bd09": "bd09", "bd_09": "bd09", "baidu": "bd09", "百度": "bd09",
                   "百度坐标": "bd09"}
#: Chinese names of geodetic systems, as ``crs`` values.
CRS_NAMES = {"国家2000": "EPSG:4490", "2000国家大地坐标系": "EPSG:4490", "cgcs2000": "EPSG:4490",
             "wgs84": "EPSG:4326", "wgs_84": "EPSG:4326", "gps": "EPSG:4326"}


def shifted_system(crs: object) -> str | None:
    """``"gcj02"``/``"bd09"`` when ``crs`` names one of them, else None.

    Examples
    --------
    >>> shifted_system("GCJ-02"), shifted_system("bd09"), shifted_system("EPSG:4326")
    ('gcj02', 'bd09', None)
    """
    if crs is None:
        return None
    key = str(crs).strip().lower().replace("-", "_").replace(" ", "")
    return SHIFTED_SYSTEMS.get(key) or SHIFTED_SYSTEMS.get(key.replace("_", ""))


def shift_to_wgs84(geometry: ArrayLike, system: str) -> np.ndarray:
    """Every vertex of every geometry (points, lines, polygons with holes,
    multi-parts) from GCJ-02 or BD-09 lon/lat to WGS84.

    Examples
    --------
    >>> import shapely
    >>> line = shapely.LineString([(116.4032, 39.9094), (116.41, 39.92)])
    >>> back = shift_to_wgs84([line], "gcj02")[0]
    >>> [round(c, 4) for c in back.coords[0]]
    [116.397, 39.908]
    """
    import shapely

    def move(xy: np.ndarray) -> np.ndarray:
        if len(xy) == 0:
            return xy
        x, y = to_wgs84(xy[:, 0], xy[:, 1], system)
        return np.column_stack([np.asarray(x, float), np.asarray(y, float)])

    return shapely.transform(np.asarray(geometry, dtype=object), move)


_CGCS2000_INV_F = 298.257222101


def _gauss_kruger_code(conversion) -> int | None:
    """EPSG code of a CGCS2000 Gauss–Krüger zone from its transverse Mercator
    parameters (see :func:`recognise_crs`), or None."""
    if conversion is None or "transverse mercator" not in conversion.method_name.lower():
        return None
    values = {p.name.lower(): p.value for p in conversion.params}
    lon0 = values.get("longitude of natural origin")
    fe = values.get("false easting")
    if (lon0 is None or fe is None or abs(values.get("scale factor at natural origin", 1) - 1)
            > 1e-9 or values.get("latitude of natural origin", 0) != 0
            or values.get("false northing", 0) != 0 or not 75 <= lon0 <= 135):
        return None
    if float(lon0) % 3 == 0:  # 3-degree zones (a central meridian on a multiple of 6 too)
        zone = int(lon0 // 3)
        three = {500000: 4534 + (zone - 25), zone * 1e6 + 500000: 4513 + (zone - 25)}
        if fe in three:
            return three[fe]
    if (float(lon0) + 3) % 6 == 0:
        zone = int((lon0 + 3) // 6)
        six = {500000: 4502 + (zone - 13), zone * 1e6 + 500000: 4491 + (zone - 13)}
        return six.get(fe)
    return None


def recognise_crs(crs):
    """The EPSG CRS a layer's CRS stands for, when it is CGCS2000 (EPSG:4490)
    or one of its Gauss–Krüger zones written without an EPSG code (a ``.prj``
    from desktop GIS); other CRS are returned as they are.

    3-degree zones: EPSG:4513–4533 (zone number in the false easting, zones
    25–45), EPSG:4534–4554 (false easting 500 km, central meridians 75–135°E);
    6-degree zones: EPSG:4491–4501 and EPSG:4502–4512.

    Examples
    --------
    >>> from pyproj import CRS
    >>> wkt = CRS(4528).to_wkt("WKT1_ESRI").replace("CGCS2000_3_Degree_GK_Zone_40", "GK")
    >>> recognise_crs(CRS.from_wkt(wkt)).to_epsg()
    4528
    """
    from pyproj import CRS

    if crs is None:
        return None
    crs = CRS.from_user_input(crs)
    if crs.to_epsg() is not None:
        return crs
    geodetic = crs.geodetic_crs
    if geodetic is None:
        return crs
    ellipsoid = geodetic.ellipsoid
    if (abs(ellipsoid.semi_major_metre - 6378137.0) > 1e-3
            or abs(ellipsoid.inverse_flattening - _CGCS2000_INV_F) > 1e-6):
        return crs
    if crs.is_geographic:
        return CRS.from_epsg(4490)
    code = _gauss_kruger_code(crs.coordinate_operation)
    return CRS.from_epsg(code) if code is not None else crs
