"""The site-kind registry: every fact about a kind of candidate site in one row.

Each kind states whether it carries a macro or a pole-mounted micro site,
whether it reuses a structure that stands (sharing) or is a new build, which
land-use group judges it, its default cost, mount height and coverage radii,
its map colour, its power profile, its sharing rank, and its Chinese name.
Every other table (``schema.KINDS``, the defaults table, policy, land use,
power, maps) is derived from :data:`REGISTRY`.

Examples
--------
>>> KIND_INFO["greenfield"].new_build, KIND_INFO["greenfield"].landuse_group
(True, 'new_tower')
>>> sorted(k for k, info in KIND_INFO.items() if info.new_build)
['greenfield', 'smart_pole']
>>> canonical_kind("Greenfield Tower")
'greenfield'
>>> canonical_kind("路灯杆")
'streetlight'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from siteplan.errors import InputError


@dataclass(frozen=True)
class SiteKind:
    """The facts about one kind of candidate site.

    Attributes
    ----------
    name : str
        Canonical name (the ``kind`` column value).
    zh : str
        Chinese name used in Chinese outputs.
    macro : bool
        Carries a macro site (else a pole-mounted micro site).
    new_build : bool
        Needs a new structure (not sharing one that stands).
    landuse_group : str
        ``new_tower``, ``new_pole`` or ``existing`` (land-use rules).
    cost_cny : float
        Default capital cost of a 5G site on it.
    height_m : float
        Default mount height when the candidate has none.
    radius_m : dict
        Fixed cell radius per environment (``coverage.mode = "radius"``).
    colour : str
        Map colour.
    public_area : bool
        Stands in public space (power: direct supply by the grid company).
    sharing_rank : int
        Sharing-first preference (0 first).
    aliases : tuple of str
        Other spellings accepted on input (case-insensitive).
    indoor : bool
        An indoor distribution system (室分): serves only the indoor demand
        of its building, radiates nothing outdoors.
    """

    name: str
    zh: str
    macro: bool
    new_build: bool
    landuse_group: str
    cost_cny: float
    height_m: float
    radius_m: dict[str, float]
    colour: str
    public_area: bool
    sharing_rank: int
    aliases: tuple[str, ...] = ()
    indoor: bool = False

    @property
    def power_profile(self) -> str:
        """``macro``, ``micro`` or ``indoor`` (the load in the power tables)."""
        return "macro" if self.macro else "indoor" if self.indoor else "micro"


_MACRO_R = {"dense_urban": 250.0, "urban": 350.0, "suburban": 700.0, "rural": 1200.0}
_BUILDING_R = {"dense_urban": 200.0, "urban": 300.0, "suburban": 550.0, "rural": 900.0}
_MICRO_R = {"dense_urban": 100.0, "urban": 130.0, "suburban": 200.0, "rural": 300.0}
_SHORT_POLE_R = {"dense_urban": 80.0, "urban": 110.0, "suburban": 170.0, "rural": 250.0}
_INDOOR_R = {"dense_urban": 100.0, "urban": 100.0, "suburban": 150.0, "rural": 150.0}
_POWER_POLE_R = {"dense_urban": 120.0, "urban": 160.0, "suburban": 260.0, "rural": 400.0}

REGISTRY: tuple[SiteKind, ...] = (
    SiteKind("existing_site", "存量站址", True, False, "existing", 15000, 35, _MACRO_R,
             "#1b9e77", False, 0, ("existing site", "existing", "基站", "存量站", "存量站址",
                                    "运营商站址")),
    SiteKind("tower", "铁塔", True, False, "existing", 20000, 40, _MACRO_R, "#117733", False, 0,
             ("existing tower", "lattice tower", "mast", "塔", "铁塔", "通信塔", "存量铁塔")),
    SiteKind("rooftop", "楼顶", True, False, "existing", 40000, 25, _BUILDING_R, "#88ccee",
             False, 1, ("roof", "rooftop site", "楼顶", "屋顶", "楼面站")),
    SiteKind("streetlight", "路灯杆", False, False, "existing", 30000, 9, _MICRO_R, "#ddcc77",
             True, 1, ("street light", "street lamp", "streetlamp", "lamp post", "路灯",
                       "路灯杆")),
    SiteKind("monitoring_pole", "监控杆", False, False, "existing", 30000, 7, _SHORT_POLE_R,
             "#cc6677", True, 1, ("surveillance pole", "cctv pole", "camera pole", "监控杆",
                                  "视频监控杆", "治安监控杆")),
    SiteKind("power_pole", "电力杆", False, False, "existing", 35000, 12, _POWER_POLE_R,
             "#882255", True, 1, ("utility pole", "electricity pole", "电力杆", "电杆",
                                  "电线杆")),
    SiteKind("traffic_pole", "交通杆", False, False, "existing", 30000, 7, _SHORT_POLE_R,
             "#aa4499", True, 1, ("traffic signal pole", "traffic sign pole", "交通杆",
                                  "信号灯杆", "交通标志杆")),
    SiteKind("public_building", "公共建筑", True, False, "existing", 35000, 20, _BUILDING_R,
             "#332288", False, 1, ("public building", "government building", "公共建筑",
                                   "公共楼宇", "政府楼宇")),
    SiteKind("smart_pole", "智慧杆", False, True, "new_pole", 120000, 12, _MICRO_R, "#e66100",
             True, 2, ("smart pole", "new pole", "multi-function pole", "智慧杆", "多功能杆",
                       "综合杆", "新建杆")),
    SiteKind("greenfield", "新建铁塔", True, True, "new_tower", 400000, 40, _MACRO_R, "#d7191c",
             True, 3, ("greenfield tower", "new tower", "new build", "new site", "新建铁塔",
                       "新建塔", "新建站址", "地面塔")),
    # an indoor distribution system in a building that stands: no new structure, no land;
    # cost and radius (the building or complex it serves) are assumptions
    SiteKind("indoor_das", "室分", False, False, "existing", 200000, 3, _INDOOR_R, "#6a3d9a",
             False, 1, ("indoor das", "das", "indoor distribution system", "indoor system",
                        "室分", "室内分布", "室内分布系统"), indoor=True),
)

KIND_INFO: dict[str, SiteKind] = {k.name: k for k in REGISTRY}
KINDS: tuple[str, ...] = tuple(KIND_INFO)
LANDUSE_GROUPS: tuple[str, ...] = ("new_tower", "new_pole", "existing")
#: The strictest land-use group, used for a site of unknown kind in a check.
STRICTEST_GROUP = "new_tower"


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text).strip().lower())


_LOOKUP: dict[str, str] = {}
for _kind in REGISTRY:
    for _alias in (_kind.name, _kind.zh, *_kind.aliases):
        _LOOKUP[_key(_alias)] = _kind.name


def find_kind(text: object) -> str | None:
    """The canonical kind for ``text`` (any case, spaces or underscores,
    English or Chinese alias), or None if nothing matches.

    Examples
    --------
    >>> find_kind("SMART-POLE"), find_kind("智慧杆"), find_kind("windmill")
    ('smart_pole', 'smart_pole', None)
    """
    return _LOOKUP.get(_key(text)) if text is not None else None


def canonical_kind(text: object, *, where: str = "kind") -> str:
    """Like :func:`find_kind` but an unknown kind is an :class:`InputError`
    with a "did you mean" suggestion.

    Examples
    --------
    >>> canonical_kind("Tower")
    'tower'
    """
    found = find_kind(text)
    if found is None:
        close = difflib.get_close_matches(_key(text), list(_LOOKUP), n=1, cutoff=0.6)
        hint = f" Did you mean {_LOOKUP[close[0]]!r}?" if close else ""
        raise InputError(f"{where}: unknown site kind {text!r}.{hint} Known kinds: "
                         f"{', '.join(KINDS)} (or their Chinese names).")
    return found


def kinds_where(**facts: object) -> frozenset[str]:
    """Kinds whose attributes equal ``facts``.

    Examples
    --------
    >>> sorted(kinds_where(new_build=True))
    ['greenfield', 'smart_pole']
    """
    return frozenset(k.name for k in REGISTRY
                     if all(getattr(k, a) == v for a, v in facts.items()))
