"""The colours every output uses (maps, KML, charts), one table each
(kind colours from the kind registry, :mod:`siteplan.kinds`).

Examples
--------
>>> KIND_COLOURS["greenfield"], STATUS_COLOURS["new"]
('#d7191c', '#d7191c')
"""

from __future__ import annotations

from siteplan.kinds import KIND_INFO

#: Site kinds: the colour each kind has in the kind registry.
KIND_COLOURS: dict[str, str] = {k: info.colour for k, info in KIND_INFO.items()}
#: Target-area classes.
CLASS_COLOURS: dict[str, str] = {
    "main_urban": "#fdb462", "key_area": "#fb8072", "transport_hub": "#bebada",
    "town_seat": "#80b1d3", "industrial_park": "#b3de69", "scenic_area": "#8dd3c7",
    "village": "#ffffb3", "road_corridor": "#d9d9d9",
}
#: Land-use zone classes.
ZONE_COLOURS: dict[str, str] = {
    "basic_farmland": "#e6ab02", "ecological_red_line": "#1b9e77", "forest": "#66a61e",
    "water": "#377eb8", "satellite_earth_station": "#984ea3", "urban_development": "#bbbbbb",
    "cultivated": "#f6e8a6", "agricultural": "#d9ef8b", "wetland": "#80cdc1",
    "construction": "#d9d9d9", "special": "#bc80bd", "unused": "#f0f0f0",
}
#: Land-use rules.
RULE_COLOURS: dict[str, str] = {"forbidden": "#d7191c", "restricted": "#fdae61",
                                "allowed": "#1a9641"}
#: Site statuses.
STATUS_COLOURS: dict[str, str] = {"on_air": "#4d4d4d", "reused": "#1b9e77", "new": "#d7191c"}
#: Anything not in a table.
OTHER = "#777777"
