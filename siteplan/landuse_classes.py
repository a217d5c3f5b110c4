"""The national land-survey classification (三调 工作分类) as siteplan zone classes.

A county's natural-resources bureau hands over the third national land
survey's parcel layer (地类图斑, DLTB) with the class code ``DLBM`` and name
``DLMC`` of the 第三次全国国土调查工作分类 (TD/T 1055-2019 appendix A, built on
GB/T 21010-2017 "土地利用现状分类"). This module maps every code and name of
that working classification, the GB/T 21010-2017 second-level codes it
merges (0501–0507, 0801–0808, 0901–0906) and the 3-digit codes of the second
survey (二调, GB/T 21010-2007) to siteplan's land-use classes, so a raw
parcel layer works as it is.

How codes become classes (the rules per class are in the defaults table,
``landuse.rule.<class>.<group>``):

==================  =====================================================
class               survey classes
==================  =====================================================
cultivated          耕地 0101 水田, 0102 水浇地, 0103 旱地. Ordinary cultivated
                    land is *not* permanent basic farmland (永久基本农田):
                    that is a control line with its own layer. Building on
                    it needs conversion approval (农用地转用, 占补平衡):
                    restricted for new towers and poles.
agricultural        other farm land (农用地): 种植园用地 02xx, 牧草地 0401/0403,
                    农村道路 1006, 设施农用地 1202, 田坎 1203.
forest              林地 0301 乔木林地, 0302 竹林地, 0305 灌木林地, 0307 其他林地.
wetland             湿地: 0303 红树林地, 0304 森林沼泽, 0306 灌丛沼泽, 0402 沼泽草地,
                    1105 沿海滩涂, 1106 内陆滩涂, 1108 沼泽地.
water               水面: 1101 河流, 1102 湖泊, 1103 水库, 1104 坑塘 (1104A 养殖坑塘),
                    1107 沟渠 (1107A 干渠).
construction        现状建设用地: 05 商业服务业, 06 工矿, 07 住宅, 08 公共管理与
                    公共服务, 10 交通运输 (except 农村道路), 1109 水工建筑, 1201
                    空闲地, 20 城镇村及工矿用地.
special             09 特殊用地 (military, religious, burial, ...): permit needed.
unused              其他草地 0404, 1110 冰川及永久积雪, 1204 盐碱地, 1205 沙地,
                    1206 裸土地, 1207 裸岩石砾地.
==================  =====================================================

``K`` codes (可调整, e.g. ``0201K`` 可调整果园: cultivated land planted with
trees whose plough layer is intact) count as cultivated land; the ``A``/``H``
sub-codes map with their parent.

Examples
--------
>>> survey_class("0101"), survey_class("水田"), survey_class("0301K")
('cultivated', 'cultivated', 'cultivated')
>>> survey_class("乔木林地"), survey_class("1101"), survey_class("0701")
('forest', 'water', 'construction')
>>> survey_class("111") , survey_class("moon") is None
('water', True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

#: 三调 工作分类: code -> (name, siteplan class).
SURVEY_CLASSES: dict[str, tuple[str, str]] = {
    # 01 耕地
    "0101": ("水田", "cultivated"), "0102": ("水浇地", "cultivated"),
    "0103": ("旱地", "cultivated"),
    # 02 种植园用地
    "0201": ("果园", "agricultural"), "0201K": ("可调整果园", "cultivated"),
    "0202": ("茶园", "agricultural"), "0202K": ("可调整茶园", "cultivated"),
    "0203": ("橡胶园", "agricultural"), "0203K": ("可调整橡胶园", "cultivated"),
    "0204": ("其他园地", "agricultural"), "0204K": ("可调整其他园地", "cultivated"),
    # 03 林地
    "0301": ("乔木林地", "forest"), "0301K": ("可调整乔木林地", "cultivated"),
    "0302": ("竹林地", "forest"), "0302K": ("可调整竹林地", "cultivated"),
    "0303": ("红树林地", "wetland"), "0304": ("森林沼泽", "wetland"),
    "0305": ("灌木林地", "forest"), "0306": ("灌丛沼泽", "wetland"),
    "0307": ("其他林地", "forest"), "0307K": ("可调整其他林地", "cultivated"),
    # 04 草地
    "0401": ("天然牧草地", "agricultural"), "0402": ("沼泽草地", "wetland"),
    "0403": ("人工牧草地", "agricultural"), "0403K": ("可调整人工牧草地", "cultivated"),
    "0404": ("其他草地", "unused"),
    # 05 商业服务业用地 (三调 merges 0501-0507 into 05H1)
    "05H1": ("商业服务业设施用地", "construction"), "0508": ("物流仓储用地", "construction"),
    "0501": ("零售商业用地", "construction"), "0502": ("批发市场用地", "construction"),
    "0503": ("餐饮用地", "construction"), "0504": ("旅馆用地", "construction"),
    "0505": ("商务金融用地", "construction"), "0506": ("娱乐用地", "construction"),
    "0507": ("其他商服用地", "construction"),
    # 06 工矿用地
    "0601": ("工业用地", "construction"), "0602": ("采矿用地", "construction"),
    "0603": ("盐田", "construction"),
    # 07 住宅用地
    "0701": ("城镇住宅用地", "construction"), "0702": ("农村宅基地", "construction"),
    # 08 公共管理与公共服务用地
    "08H1": ("机关团体新闻出版用地", "construction"), "08H2": ("科教文卫用地", "construction"),
    "08H2A": ("高教用地", "construction"), "0809": ("公用设施用地", "construction"),
    "0810": ("公园与绿地", "construction"), "0810A": ("广场用地", "construction"),
    "0801": ("机关团体用地", "construction"), "0802": ("新闻出版用地", "construction"),
    "0803": ("教育用地", "construction"), "0804": ("科研用地", "construction"),
    "0805": ("医疗卫生用地", "construction"), "0806": ("社会福利用地", "construction"),
    "0807": ("文化设施用地", "construction"), "0808": ("体育用地", "construction"),
    # 09 特殊用地
    "09": ("特殊用地", "special"), "0901": ("军事设施用地", "special"),
    "0902": ("使领馆用地", "special"), "0903": ("监教场所用地", "special"),
    "0904": ("宗教用地", "special"), "0905": ("殡葬用地", "special"),
    "0906": ("风景名胜设施用地", "special"),
    # 10 交通运输用地
    "1001": ("铁路用地", "construction"), "1002": ("轨道交通用地", "construction"),
    "1003": ("公路用地", "construction"), "1004": ("城镇村道路用地", "construction"),
    "1005": ("交通服务场站用地", "construction"), "1006": ("农村道路", "agricultural"),
    "1007": ("机场用地", "construction"), "1008": ("港口码头用地", "construction"),
    "1009": ("管道运输用地", "construction"),
    # 11 水域及水利设施用地
    "1101": ("河流水面", "water"), "1102": ("湖泊水面", "water"), "1103": ("水库水面", "water"),
    "1104": ("坑塘水面", "water"), "1104A": ("养殖坑塘", "water"),
    "1104K": ("可调整养殖坑塘", "cultivated"), "1105": ("沿海滩涂", "wetland"),
    "1106": ("内陆滩涂", "wetland"), "1107": ("沟渠", "water"), "1107A": ("干渠", "water"),
    "1108": ("沼泽地", "wetland"), "1109": ("水工建筑用地", "construction"),
    "1110": ("冰川及永久积雪", "unused"),
    # 12 其他土地
    "1201": ("空闲地", "construction"), "1202": ("设施农用地", "agricultural"),
    "1203": ("田坎", "agricultural"), "1204": ("盐碱地", "unused"), "1205": ("沙地", "unused"),
    "1206": ("裸土地", "unused"), "1207": ("裸岩石砾地", "unused"),
    # 20 城镇村及工矿用地 (the settlement attribute layer of 三调)
    "201": ("城市", "construction"), "201A": ("城市独立工业用地", "construction"),
    "202": ("建制镇", "construction"), "202A": ("建制镇独立工业用地", "construction"),
    "203": ("村庄", "construction"), "203A": ("村庄独立工业用地", "construction"),
    "204": ("盐田及采矿用地", "construction"), "205": ("特殊用地", "special"),
}

#: 二调 (GB/T 21010-2007) 3-digit codes still found in older layers. 201–205
#: mean the same in both surveys and are in :data:`SURVEY_CLASSES`.
SECOND_SURVEY_CLASSES: dict[str, tuple[str, str]] = {
    "011": ("水田", "cultivated"), "012": ("水浇地", "cultivated"), "013": ("旱地", "cultivated"),
    "021": ("果园", "agricultural"), "022": ("茶园", "agricultural"),
    "023": ("其他园地", "agricultural"), "031": ("有林地", "forest"),
    "032": ("灌木林地", "forest"), "033": ("其他林地", "forest"),
    "041": ("天然牧草地", "agricultural"), "042": ("人工牧草地", "agricultural"),
    "043": ("其他草地", "unused"), "051": ("批发零售用地", "construction"),
    "052": ("住宿餐饮用地", "construction"), "053": ("商务金融用地", "construction"),
    "054": ("其他商服用地", "construction"), "061": ("工业用地", "construction"),
    "062": ("采矿用地", "construction"), "063": ("仓储用地", "construction"),
    "071": ("城镇住宅用地", "construction"), "072": ("农村宅基地", "construction"),
    "081": ("机关团体用地", "construction"), "082": ("新闻出版用地", "construction"),
    "083": ("科教用地", "construction"), "084": ("医卫慈善用地", "construction"),
    "085": ("文体娱乐用地", "construction"), "086": ("公共设施用地", "construction"),
    "087": ("公园与绿地", "construction"), "088": ("风景名胜设施用地", "special"),
    "091": ("军事设施用地", "special"), "092": ("使领馆用地", "special"),
    "093": ("监教场所用地", "special"), "094": ("宗教用地", "special"),
    "095": ("殡葬用地", "special"), "101": ("铁路用地", "construction"),
    "102": ("公路用地", "construction"), "103": ("街巷用地", "construction"),
    "104": ("农村道路", "agricultural"), "105": ("机场用地", "construction"),
    "106": ("港口码头用地", "construction"), "107": ("管道运输用地", "construction"),
    "111": ("河流水面", "water"), "112": ("湖泊水面", "water"), "113": ("水库水面", "water"),
    "114": ("坑塘水面", "water"), "115": ("沿海滩涂", "wetland"), "116": ("内陆滩涂", "wetland"),
    "117": ("沟渠", "water"), "118": ("水工建筑用地", "construction"),
    "119": ("冰川及永久积雪", "unused"), "121": ("空闲地", "construction"),
    "122": ("设施农用地", "agricultural"), "123": ("田坎", "agricultural"),
    "124": ("盐碱地", "unused"), "125": ("沼泽地", "wetland"), "126": ("沙地", "unused"),
    "127": ("裸地", "unused"),
}

#: First-level names (一级类), used when a layer only carries those.
FIRST_LEVEL: dict[str, str] = {
    "耕地": "cultivated", "种植园用地": "agricultural", "园地": "agricultural",
    "草地": "agricultural", "湿地": "wetland", "水域": "water",
    "商业服务业用地": "construction", "工矿用地": "construction",
    "工矿仓储用地": "construction", "住宅用地": "construction",
    "公共管理与公共服务用地": "construction", "交通运输用地": "construction",
    "水域及水利设施用地": "water", "其他土地": "unused", "城镇村及工矿用地": "construction",
    "现状建设用地": "construction",
}

#: Codes of the control lines (三区三线) as bureaus write them into ``DLBM`` or a
#: control-line layer's code field: 永久基本农田 JBNT/YJJBNT, 生态保护红线
#: STBHHX/STHX, 城镇开发边界 CZKFBJ/KFBJ, and the zones' spelled-out pinyin.
CONTROL_LINE_CODES: dict[str, tuple[str, str]] = {
    "JBNT": ("永久基本农田", "basic_farmland"), "YJJBNT": ("永久基本农田", "basic_farmland"),
    "JBNTBHQ": ("基本农田保护区", "basic_farmland"),
    "YJJBNTBHHX": ("永久基本农田保护红线", "basic_farmland"),
    "STBHHX": ("生态保护红线", "ecological_red_line"),
    "STHX": ("生态保护红线", "ecological_red_line"),
    "STBHHXN": ("生态保护红线内", "ecological_red_line"),
    "CZKFBJ": ("城镇开发边界", "urban_development"),
    "KFBJ": ("城镇开发边界", "urban_development"),
    "CZKFBJN": ("城镇开发边界内", "urban_development"),
}

#: Classes this table can produce (each has rules in the defaults table).
SURVEY_TARGETS: tuple[str, ...] = ("cultivated", "agricultural", "forest", "wetland", "water",
                                   "construction", "special", "unused", "basic_farmland",
                                   "ecological_red_line", "urban_development")

#: Columns that hold a parcel's class code or name, most specific first.
CODE_COLUMNS: tuple[str, ...] = ("DLBM", "地类编码", "地类代码")
NAME_COLUMNS: tuple[str, ...] = ("DLMC", "地类名称")

_BY_NAME: dict[str, str] = {}
for _code, (_name, _cls) in (*SECOND_SURVEY_CLASSES.items(), *SURVEY_CLASSES.items()):
    _BY_NAME[_name] = _cls
_BY_NAME.update(FIRST_LEVEL)
for _name, _cls in CONTROL_LINE_CODES.values():
    _BY_NAME[_name] = _cls
_CODES = {**SECOND_SURVEY_CLASSES, **SURVEY_CLASSES}
_CODE = re.compile(r"^\d{2,4}[A-Z0-9]{0,3}$")


def survey_class(value: object) -> str | None:
    """siteplan class of a 三调/二调 code (``"0101"``, ``"0301K"``, ``"111"``,
    also written as a number, ``101.0``) or name (``"水田"``), else ``None``.

    Examples
    --------
    >>> survey_class(101), survey_class("101"), survey_class("08H2A"), survey_class("河流水面")
    ('cultivated', 'construction', 'construction', 'water')
    >>> survey_class("JBNT"), survey_class("stbhhx"), survey_class("CZKFBJ")
    ('basic_farmland', 'ecological_red_line', 'urban_development')
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if not text:
        return None
    if not isinstance(value, str) and re.fullmatch(r"\d+(\.0+)?", text):
        # a code read as a number lost its leading zero: 101 is 0101 水田
        digits = text.split(".")[0]
        for code in (digits.zfill(4), digits.zfill(3), digits):
            if code in _CODES:
                return _CODES[code][1]
        return None
    if text in CONTROL_LINE_CODES:
        return CONTROL_LINE_CODES[text][1]
    if _CODE.match(text):
        return _CODES[text][1] if text in _CODES else None
    return _BY_NAME.get(text.lower()) or _BY_NAME.get(str(value).strip())


def survey_name(code: str) -> str | None:
    """The survey's name of a class code (``"0101"`` → ``"水田"``), or ``None``."""
    key = str(code).strip().upper()
    entry = _CODES.get(key) or CONTROL_LINE_CODES.get(key)
    return entry[0] if entry else None


def name_fallback(frame: pd.DataFrame, column: str | None, classes: pd.Series,
                  lookup: Callable[[object], str | None]) -> tuple[pd.Series, str | None]:
    """Classes of a raw 三调 layer with the name column (``DLMC``) filling the
    rows whose code column (``DLBM``) holds a code the table does not know.

    Returns the classes and a note (None when nothing was filled).

    Examples
    --------
    >>> raw = pd.DataFrame({"DLBM": ["0101", "XYZ"], "DLMC": ["水田", "乔木林地"]})
    >>> classes = pd.Series(["cultivated", None])
    >>> filled, note = name_fallback(raw, "DLBM", classes, survey_class)
    >>> filled.tolist(), note[:40]
    (['cultivated', 'forest'], "1 rows: class from 'DLMC' where 'DLBM' h")
    """
    name_col = _name_column(frame, column)
    unknown = classes.isna().to_numpy()
    if name_col is None or not unknown.any():
        return classes, None
    names = frame[name_col]
    found = {v: lookup(v) for v in pd.unique(names[unknown].to_numpy(dtype=object))}
    filled = classes.copy()
    filled[unknown] = names[unknown].map(found).to_numpy()
    count = int((filled.notna().to_numpy() & unknown).sum())
    if not count:
        return classes, None
    codes = sorted({str(v) for v in frame[column][unknown & filled.notna().to_numpy()]})[:5]
    return filled, (f"{count} rows: class from {name_col!r} where {column!r} holds a code the "
                    f"land-survey table does not know ({', '.join(codes)}).")


def _name_column(frame: pd.DataFrame, column: str | None) -> str | None:
    """The name column (DLMC) beside a code column (DLBM), or None."""
    if column is None or str(column).upper() not in {c.upper() for c in CODE_COLUMNS}:
        return None
    upper = {str(c).upper(): c for c in frame.columns}
    return next((upper[n.upper()] for n in NAME_COLUMNS if n.upper() in upper), None)


def class_column_hint(frame: pd.DataFrame, column: str | None) -> str:
    """`` Or read the names: class_column = "DLMC".`` when the unknown
    classes come from a code column with a name column beside it."""
    name_col = _name_column(frame, column)
    return (f" The layer also has {name_col!r} (class names): give class_column = "
            f"\"{name_col}\" (--class-column {name_col}) to read them."
            if name_col is not None else "")


def survey_names() -> list[str]:
    """Every class name the table knows (for "did you mean" suggestions)."""
    return list(_BY_NAME)
