"""The colours every output uses (maps, KML, charts), one table each.

Examples
--------
>>> KIND_COLOURS["greenfield"], STATUS_COLOURS["new"]
('#d7191c', '#d7191c')
"""

from __future__ import annotations

#: Site kinds (colour-blind-safe qualitative palette; new builds in red/orange).
KIND_COLOURS: dict[str, str] = {
    "existing_site": "#1b9e77", "tower": "#117733", "rooftop": "#88ccee",
    "streetlight": "#ddcc77", "monitoring_pole": "#cc6677", "power_pole": "#882255",
    "traffic_pole": "#aa4499", "public_building": "#332288", "smart_pole": "#e66100",
    "greenfield": "#d7191c",
}
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
}
#: Land-use rules.
RULE_COLOURS: dict[str, str] = {"forbidden": "#d7191c", "restricted": "#fdae61",
                                "allowed": "#1a9641"}
#: Site statuses.
STATUS_COLOURS: dict[str, str] = {"on_air": "#4d4d4d", "reused": "#1b9e77", "new": "#d7191c"}
#: Anything not in a table.
OTHER = "#777777"
