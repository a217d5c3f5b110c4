"""The site-kind registry: every fact about a kind of candidate site in one row.

Each kind states whether it carries a macro or a pole-mounted micro site,
whether it reuses a structure that stands (sharing) or is a new build, which
land-use group judges it, its default cost, mount height and coverage radii,
its map colour, its power profile, its Chinese name and every other name it
goes by, its id prefix, and whether new sites of it are proposed.
Every other table (``schema.KINDS``, the defaults table, policy, land use,
power, maps) is derived from :data:`REGISTRY`.

Examples
--------
>>> KIND_INFO["greenfield"].new_build, KIND_INFO["greenfield"].landuse_group
(True, 'new_tower')
>>> sorted(k for k, info in KIND_INFO.items() if info.new_build)
['greenfield', 'smart_pole']
>>> find_kind("Greenfield Tower"), find_kind("路灯杆")
('greenfield', 'streetlight')
>>> PROPOSAL_KINDS["macro"], KIND_INFO["streetlight"].power_profile
('greenfield', 'micro')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


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
    aliases : tuple of str
        Every other name accepted on input (English and Chinese, the words of
        open-resource lists); matched after :func:`value_key`.
    indoor : bool
        An indoor distribution system (室分): serves only the indoor demand
        of its building, radiates nothing outdoors.
    id_prefix : str
        Short code in site ids: sample data (``T0001``) and proposals
        (``PR-GF-<x>-<y>``).
    proposed : bool
        :mod:`siteplan.proposals` proposes new sites of this kind where
        nothing listed serves; one such kind per :attr:`power_profile`
        (:data:`PROPOSAL_KINDS`).
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
    aliases: tuple[str, ...] = ()
    indoor: bool = False
    id_prefix: str = ""
    proposed: bool = False

    @property
    def power_profile(self) -> str:
        """``macro``, ``micro`` or ``indoor``: the load in the power tables and
        the new-build kind that replaces or adds such a site."""
        return "macro" if self.macro else "indoor" if self.indoor else "micro"


_MACRO_R = {"dense_urban": 250.0, "urban": 350.0, "suburban": 700.0, "rural": 1200.0}
_BUILDING_R = {"dense_urban": 200.0, "urban": 300.0, "suburban": 550.0, "rural": 900.0}
_MICRO_R = {"dense_urban": 100.0, "urban": 130.0, "suburban": 200.0, "rural": 300.0}
_SHORT_POLE_R = {"dense_urban": 80.0, "urban": 110.0, "suburban": 170.0, "rural": 250.0}
_INDOOR_R = {"dense_urban": 100.0, "urban": 100.0, "suburban": 150.0, "rural": 150.0}
_POWER_POLE_R = {"dense_urban": 120.0, "urban": 160.0, "suburban": 260.0, "rural": 400.0}

REGISTRY: tuple[SiteKind, ...] = (
    SiteKind("existing_site", "存量站址", True, False, "existing", 15000, 35, _MACRO_R,
             "#1b9e77", False, ("existing site", "existing", "基站", "存量站", "存量站址",
                                "运营商站址", "现网站址"), id_prefix="ES"),
    SiteKind("tower", "铁塔", True, False, "existing", 20000, 40, _MACRO_R, "#117733", False,
             ("existing tower", "lattice tower", "communication tower", "mast", "塔", "铁塔",
              "通信塔", "通信铁塔", "存量铁塔"), id_prefix="T"),
    SiteKind("rooftop", "楼顶", True, False, "existing", 40000, 25, _BUILDING_R, "#88ccee",
             False, ("roof", "rooftop site", "楼顶", "屋顶", "楼宇", "楼面", "楼面站"), id_prefix="RT"),
    SiteKind("streetlight", "路灯杆", False, False, "existing", 30000, 9, _MICRO_R, "#ddcc77",
             True, ("street light", "street lamp", "streetlamp", "lamp post", "路灯", "路灯杆",
                    "灯杆"), id_prefix="SL"),
    SiteKind("monitoring_pole", "监控杆", False, False, "existing", 30000, 7, _SHORT_POLE_R,
             "#cc6677", True, ("monitoring pole", "surveillance pole", "cctv pole",
                               "camera pole", "监控杆", "监控", "视频监控杆", "治安监控杆"), id_prefix="MP"),
    SiteKind("power_pole", "电力杆", False, False, "existing", 35000, 12, _POWER_POLE_R,
             "#882255", True, ("power pole", "utility pole", "electricity pole", "电力杆", "电杆",
                               "电线杆", "电力塔"), id_prefix="PP"),
    SiteKind("traffic_pole", "交通杆", False, False, "existing", 30000, 7, _SHORT_POLE_R,
             "#aa4499", True, ("traffic pole", "traffic signal pole", "traffic light pole",
                               "traffic sign pole", "交通杆", "信号灯杆", "交通信号杆",
                               "交通标志杆", "标志杆"), id_prefix="TP"),
    SiteKind("public_building", "公共建筑", True, False, "existing", 35000, 20, _BUILDING_R,
             "#332288", False, ("public building", "government building", "公共建筑",
                                "公共楼宇", "政府楼宇", "机关", "学校", "医院", "场馆"), id_prefix="PB"),
    SiteKind("smart_pole", "智慧杆", False, True, "new_pole", 120000, 12, _MICRO_R, "#e66100",
             True, ("smart pole", "new pole", "multi-function pole", "智慧杆", "多功能杆",
                    "综合杆", "智慧灯杆", "新建杆"), id_prefix="SP", proposed=True),
    SiteKind("greenfield", "新建铁塔", True, True, "new_tower", 400000, 40, _MACRO_R, "#d7191c",
             True, ("greenfield tower", "greenfield site", "green field", "new tower",
                    "new build", "new site", "新建", "新建铁塔", "新建塔", "新建站", "新建站址",
                    "地面塔", "落地塔"), id_prefix="GF", proposed=True),
    # an indoor distribution system in a building that stands: no new structure, no land;
    # cost and radius (the building or complex it serves) are assumptions
    SiteKind("indoor_das", "室分", False, False, "existing", 200000, 3, _INDOOR_R, "#6a3d9a",
             False, ("indoor das", "das", "indoor distribution system", "indoor system",
                     "室分", "室内分布", "室内分布系统"),
             indoor=True, id_prefix="DAS", proposed=True),
)

KIND_INFO: dict[str, SiteKind] = {k.name: k for k in REGISTRY}
KINDS: tuple[str, ...] = tuple(KIND_INFO)
LANDUSE_GROUPS: tuple[str, ...] = ("new_tower", "new_pole", "existing")
#: The strictest land-use group, used for a site of unknown kind in a check.
STRICTEST_GROUP = "new_tower"


_KEY_SEP = re.compile(r"[\s\-_·]+")


def value_key(text: object) -> str:
    """The form names are compared in: NFKC (full-width letters and spaces
    become ASCII), case-folded, runs of spaces/hyphens/underscores as one ``_``.

    Examples
    --------
    >>> value_key("  Greenfield-Tower "), value_key("ＧＲＥＥＮＦＩＥＬＤ"), value_key("铁 塔")
    ('greenfield_tower', 'greenfield', '铁_塔')
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return _KEY_SEP.sub("_", text).strip("_")


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for kind in REGISTRY:
        for alias in (kind.name, kind.zh, *kind.aliases):
            other = table.setdefault(value_key(alias), kind.name)
            if other != kind.name:
                raise RuntimeError(f"kind alias {alias!r} names both {other} and {kind.name}")
    return table


_LOOKUP: dict[str, str] = _lookup()


def find_kind(text: object) -> str | None:
    """The canonical kind for ``text`` (any case or width, spaces, hyphens or
    underscores, English or Chinese name), or None if nothing matches. The
    one place kind names are resolved (:func:`siteplan.schema.normalise_kind`
    calls it).

    Examples
    --------
    >>> find_kind("SMART-POLE"), find_kind("智慧杆"), find_kind("windmill")
    ('smart_pole', 'smart_pole', None)
    >>> find_kind("新建"), find_kind("学校"), find_kind("灯杆")
    ('greenfield', 'public_building', 'streetlight')
    """
    return _LOOKUP.get(value_key(text)) if text is not None else None


def kinds_where(**facts: object) -> frozenset[str]:
    """Kinds whose attributes equal ``facts``.

    Examples
    --------
    >>> sorted(kinds_where(new_build=True))
    ['greenfield', 'smart_pole']
    """
    return frozenset(k.name for k in REGISTRY
                     if all(getattr(k, a) == v for a, v in facts.items()))


#: The kind :mod:`siteplan.proposals` proposes (and relocation builds) for each
#: power profile: ``{"macro": "greenfield", "micro": "smart_pole", "indoor": "indoor_das"}``.
PROPOSAL_KINDS: dict[str, str] = {k.power_profile: k.name for k in REGISTRY if k.proposed}
