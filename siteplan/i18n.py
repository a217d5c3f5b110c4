"""Every label siteplan writes into an output, in English and Chinese.

One table, :data:`TEXT`: key -> ``{"en": …, "zh": …}``. Maps, reports,
CSV/XLSX headers and KML use :func:`tr` (one label) or :func:`labels`
(all labels of a language). Site kinds, area classes, statuses and power
supplies are labelled with :func:`term` (their canonical English name when
``lang="en"``, their planners' Chinese name for ``"zh"``; unknown values are
returned unchanged).

Examples
--------
>>> tr("legend", "zh"), tr("legend", "en")
('图例', 'Legend')
>>> term("greenfield", "zh"), term("greenfield", "en"), term("某类", "zh")
('新建地面塔', 'greenfield', '某类')
"""

from __future__ import annotations

from siteplan.errors import ConfigError

LANGS: tuple[str, ...] = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {
    # map UI
    "legend": {"en": "Legend", "zh": "图例"},
    "sites": {"en": "Chosen sites", "zh": "规划站址"},
    "targets": {"en": "Target areas", "zh": "目标区域"},
    "footprints": {"en": "Coverage footprints", "zh": "覆盖范围"},
    "uncovered": {"en": "Uncovered demand", "zh": "未覆盖需求"},
    "uncoverable": {"en": "Uncoverable demand", "zh": "无法覆盖需求"},
    "new": {"en": "new build", "zh": "新建"},
    "reused": {"en": "shared (reused)", "zh": "共享"},
    "on_air": {"en": "already on air", "zh": "已开通"},
    "site": {"en": "Site", "zh": "站址编码"},
    "kind": {"en": "Kind", "zh": "站址类型"},
    "owner": {"en": "Owner", "zh": "产权单位"},
    "height": {"en": "Height (m)", "zh": "挂高 (米)"},
    "cost": {"en": "Cost (CNY)", "zh": "投资 (元)"},
    "supply": {"en": "Power supply", "zh": "供电方式"},
    "since": {"en": "Milestone", "zh": "建设年度"},
    "status": {"en": "Status", "zh": "共享/新建"},
    "name": {"en": "Name", "zh": "名称"},
    "class": {"en": "Class", "zh": "类别"},
    "area": {"en": "Area", "zh": "区域编码"},
    "context": {"en": "Context", "zh": "底图图层"},
    "candidates": {"en": "Candidates", "zh": "候选站址"},
    "conflicts": {"en": "Land-use conflicts", "zh": "用地冲突"},
    "target_missed": {"en": "target not met", "zh": "未达目标"},
    "covered": {"en": "covered", "zh": "覆盖率"},
    "target": {"en": "target", "zh": "目标"},
    "met": {"en": "met", "zh": "达标"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "zone": {"en": "Zone", "zh": "图斑编码"},
    "zone_class": {"en": "Zone class", "zh": "用地类别"},
    "rule": {"en": "Rule", "zh": "管控规则"},
    "forbidden": {"en": "forbidden", "zh": "禁止"},
    "restricted": {"en": "restricted", "zh": "限制"},
    "allowed": {"en": "allowed", "zh": "允许"},
    "map_title": {"en": "Site plan", "zh": "站址规划"},
    "overview": {"en": "all milestones", "zh": "全部年度"},
}

TERMS: dict[str, dict[str, str]] = {
    "existing_site": {"zh": "存量站址"}, "tower": {"zh": "铁塔"}, "rooftop": {"zh": "楼顶"},
    "streetlight": {"zh": "路灯杆"}, "monitoring_pole": {"zh": "监控杆"},
    "power_pole": {"zh": "电力杆"}, "traffic_pole": {"zh": "交通杆"},
    "public_building": {"zh": "公共建筑"}, "smart_pole": {"zh": "新建智慧杆"},
    "greenfield": {"zh": "新建地面塔"},
    "main_urban": {"zh": "主城区"}, "key_area": {"zh": "重点区域"},
    "transport_hub": {"zh": "交通枢纽"}, "town_seat": {"zh": "乡镇驻地"},
    "industrial_park": {"zh": "工业园区"}, "scenic_area": {"zh": "景区"},
    "village": {"zh": "行政村"}, "road_corridor": {"zh": "道路沿线"},
    "new": {"zh": "新建"}, "reused": {"zh": "共享"}, "on_air": {"zh": "已开通"},
    "direct": {"zh": "直供电"}, "transfer": {"zh": "转供电"}, "unknown": {"zh": "未知"},
    "basic_farmland": {"zh": "永久基本农田"}, "ecological_red_line": {"zh": "生态保护红线"},
    "forest": {"zh": "林地"}, "water": {"zh": "水域"},
    "satellite_earth_station": {"zh": "卫星地球站"}, "urban_development": {"zh": "城镇开发边界"},
    "forbidden": {"zh": "禁止"}, "restricted": {"zh": "限制"}, "allowed": {"zh": "允许"},
    "dense_urban": {"zh": "密集城区"}, "urban": {"zh": "一般城区"}, "suburban": {"zh": "郊区"},
    "rural": {"zh": "农村"},
}


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a :class:`~siteplan.errors.ConfigError`.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise ConfigError(f"language {lang!r}: use one of {', '.join(LANGS)}.")
    return lang


def tr(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang``."""
    return TEXT[key][check_lang(lang)]


def labels(lang: str = "en") -> dict[str, str]:
    """Every label of :data:`TEXT` in ``lang``."""
    check_lang(lang)
    return {k: v[lang] for k, v in TEXT.items()}


def term(value: object, lang: str = "en") -> str:
    """A kind, class, status or supply value as planners name it in ``lang``."""
    text = "" if value is None else str(value)
    if check_lang(lang) == "en":
        return text
    return TERMS.get(text, {}).get(lang, text)
