"""Catalogue entries of the errors raised as ``XError(Msg(id, ...))``
(plain data; see :mod:`siteplan.messages`), grouped by the module raising
them. English templates are the text the raise site writes; parameters
are kept as given (user text, paths, values) except a library's reason
(``detail``), a "did you mean" (``hint``, ``suggest``), a location
(``where``, ``label``) and kind or class lists, which are translated where
the catalogue knows their pieces (:func:`siteplan.i18n.error_text`).
"""

from __future__ import annotations

RAISED: dict[str, dict[str, str]] = {
    # --- siteplan/coverage.py
    'coverage.coverage_matrix_demand': {
        "en": "coverage_matrix: demand and candidates must share one metric CRS.",
        "zh": "coverage_matrix：需求点与候选站址必须使用同一个米制坐标系。"},
    'coverage.coverage_mode_link': {
        "en": "coverage.mode {mode} must be 'link_budget' or 'radius'.",
        "zh": "coverage.mode {mode} 应为 'link_budget' 或 'radius'。"},
    'coverage.coverage_more_than': {
        "en": "coverage: more than {max_pairs} candidate-demand pairs; raise demand.spacing_m or "
              "coverage.max_pairs, or split the study area.",
        "zh": "覆盖计算：候选站址-需求点对超过 {max_pairs} 个；请增大 demand.spacing_m 或 coverag"
              "e.max_pairs，或拆分研究区域。"},
    # --- siteplan/capacity.py
    'capacity.radio_scs_khz': {
        "en": "radio.scs_khz = {scs_khz} must be 15, 30, 60 or 120.",
        "zh": "radio.scs_khz = {scs_khz} 应为 15、30、60 或 120。"},
    'capacity.radio_band_not': {
        "en": "radio.band {band} is not one of {bands}.",
        "zh": "radio.band {band} 不是 {bands} 之一。"},
    'capacity.radio_bandwidth_mhz': {
        "en": "radio.bandwidth_mhz.{band} = {asked} must be a positive number of MHz.",
        "zh": "radio.bandwidth_mhz.{band} = {asked} 应为以 MHz 计的正数。"},
    'capacity.radio_bandwidth_mhz_2': {
        "en": "radio.bandwidth_mhz = {bandwidth} MHz holds no resource block at radio.scs_khz = "
              "{scs} kHz.",
        "zh": "radio.bandwidth_mhz = {bandwidth} MHz 在 radio.scs_khz = {scs} kHz 下没有资源块。"},
    'capacity.assumptions_number': {
        "en": "assumptions: {key} = {value} must be a number > 0.",
        "zh": "假设参数：{key} = {value} 应为大于 0 的数。"},
    'capacity.assumptions_share': {
        "en": "assumptions: {key} = {value} must be a share in (0, 1].",
        "zh": "假设参数：{key} = {value} 应为 (0, 1] 之间的比例。"},
    # --- siteplan/maplayers.py
    'maplayers.tiles_not_known': {
        "en": "tiles {tiles}: not a known base map ({tile_presets}) nor a tile URL template with "
              "{{x}}, {{y}} and {{z}}; or give 'none'.",
        "zh": "底图 {tiles}：既不是已知底图（{tile_presets}），也不是含 {{x}}、{{y}} 和 {{z}} 的"
              "瓦片 URL 模板；或给出 'none'。"},
    'maplayers.tiles_crs_wgs': {
        "en": "tiles crs {crs}: use wgs84 or gcj02.",
        "zh": "底图坐标系 {crs}：请使用 wgs84 或 gcj02。"},
    # --- siteplan/radio.py
    'radio.unknown_scenario': {
        "en": "unknown scenario {scenario}; use one of {scenarios}.",
        "zh": "未知的传播场景 {scenario}；请使用 {scenarios} 之一。"},
    'radio.unknown_environment_dense': {
        "en": "unknown environment {environment}; use dense_urban, urban, suburban or rural.",
        "zh": "未知的无线环境 {environment}；请使用 dense_urban、urban、suburban 或 rural。"},
    'radio.outside_model_s': {
        "en": "{scenario}: {name} = {value} {unit} is outside the model's range [{low}, {high}] "
              "{unit} (TR 38.901 Table 7.4.1-1).",
        "zh": "{scenario}：{name} = {value} {unit} 超出模型适用范围 [{low}, {high}] {unit}（TR 38"
              ".901 表 7.4.1-1）。"},
    'radio.distance_m_negative': {
        "en": "{scenario}: distance {bad} m is negative or not a number.",
        "zh": "{scenario}：距离 {bad} 米为负数或不是数字。"},
    'radio.h_bs_above': {
        "en": "{scenario}: h_bs must be above h_ut = {h_ut_m} m.",
        "zh": "{scenario}：基站高度 h_bs 应高于终端高度 h_ut = {h_ut_m} 米。"},
    'radio.unknown_o_i': {
        "en": "unknown O2I building type {building}; use 'low' or 'high'.",
        "zh": "未知的 O2I 建筑类型 {building}；请使用 'low' 或 'high'。"},
    'radio.unknown_band': {
        "en": "unknown band {band}; use one of {band_freq_ghz}.",
        "zh": "未知频段 {band}；请使用 {band_freq_ghz} 之一。"},
    'radio.unknown_radio_mode': {
        "en": "unknown radio.mode {mode}; use 'nlos', 'expected' or 'los'.",
        "zh": "未知的 radio.mode {mode}；请使用 'nlos'、'expected' 或 'los'。"},
    'radio.radio_edge_probability': {
        "en": "radio.edge_probability = {p_edge} must be in [0.5, 1).",
        "zh": "radio.edge_probability = {p_edge} 应在 [0.5, 1) 之间。"},
    'radio.radio_bandwidth_mhz': {
        "en": "radio.bandwidth_mhz.{band} = {bandwidth_mhz} MHz at {scs_khz} kHz spacing gives "
              "{resource_blocks} resource blocks; NR needs at least 11 (e.g. 5 MHz at 15 kHz).",
        "zh": "radio.bandwidth_mhz.{band} = {bandwidth_mhz} MHz 在 {scs_khz} kHz 子载波间隔下只有"
              " {resource_blocks} 个资源块；NR 至少需要 11 个（如 15 kHz 下 5 MHz）。"},
    # --- siteplan/landuse_check.py
    'landuse_check.class_class_column': {
        "en": "--class and --class-column apply to one zone file; with several, give each its cla"
              "ss as --zones FILE:CLASS (e.g. --zones 红线.shp:生态保护红线), or list them in a c"
              "onfig's [inputs.landuse].",
        "zh": "--class 与 --class-column 只适用于一个图斑文件；有多个时，请用 --zones 文件:类别 "
              "为每个文件给出类别（如 --zones 红线.shp:生态保护红线），或在配置的 [inputs.landuse"
              "] 中列出。"},
    'landuse_check.class_class_column_2': {
        "en": "--class, --class-column and --class-map apply to ZONES given as arguments; a "
              "--zones layer takes its class after a colon (--zones FILE:CLASS).",
        "zh": "--class、--class-column 与 --class-map 只适用于作为参数给出的图斑文件；--zones 图"
              "层的类别写在冒号之后（--zones 文件:类别）。"},
    'landuse_check.no_zones_zones': {
        "en": "no zones: give a ZONES file (or --zones FILE[:CLASS]), or --config with "
              "[inputs.landuse].",
        "zh": "没有用地图层：请给出图斑文件（或 --zones 文件[:类别]），或用 --config 指定含 [inpu"
              "ts.landuse] 的配置。"},
    # --- siteplan/calibrate.py
    'calibrate.calibrate_measurements_sites': {
        "en": "calibrate: measurements and sites must share one metric CRS.",
        "zh": "校准：测量点与站址必须使用同一个米制坐标系。"},
    # --- siteplan/sinr.py
    'sinr.assumptions_set_but': {
        "en": "assumptions: {set_keys} set, but the plan's path-loss model (siteplan.terrain) "
              "applies no per-environment offset; remove them, or use a clutter raster and "
              "clutter.offset_db.<class> (siteplan calibrate fits those).",
        "zh": "假设参数：设置了 {set_keys}，但规划的路径损耗模型（siteplan.terrain）不加按环境的"
              "修正量；请删除它们，或使用地物栅格与 clutter.offset_db.<类别>（siteplan calibrate "
              "会拟合这些参数）。"},
    # --- siteplan/traffic.py
    'traffic.assumptions_number': {
        "en": "assumptions: {key} = {value} must be a number >= 0.",
        "zh": "假设参数：{key} = {value} 应为大于等于 0 的数。"},
    'traffic.assumptions_share': {
        "en": "assumptions: {key} = {value} must be a share in [0, 1].",
        "zh": "假设参数：{key} = {value} 应为 [0, 1] 之间的比例。"},
    'traffic.no_column_columns': {
        "en": "{source}: no column {column}; columns are {columns}. Name the count column "
              "'population' or pass population_column=.",
        "zh": "{source}：没有列 {column}；现有列为 {columns}。请把人口数列命名为 'population'，或"
              "用 population_column= 指定。"},
    'traffic.population_layer_targets': {
        "en": "{source}: give the population layer in the targets' metric CRS.",
        "zh": "{source}：请给出与目标区域同一米制坐标系的人口图层。"},
    'traffic.population_not_count': {
        "en": "{where}: population {value} is not a count >= 0. Fix or drop the row.",
        "zh": "{where}：人口 {value} 不是大于等于 0 的人数。请改正或删除该行。"},
    'traffic.population_features_polygons': {
        "en": "{where}: population features must be polygons (census blocks, grid cells).",
        "zh": "{where}：人口图层的要素必须是面（普查小区、格网）。"},
    'traffic.area_traffic_needs': {
        "en": "area_traffic needs target areas in a projected (metric) CRS.",
        "zh": "area_traffic 需要投影（米制）坐标系中的目标区域。"},
    'traffic.demand_point_area': {
        "en": "demand point of area {area} has no traffic row.",
        "zh": "区域 {area} 的需求点没有话务量记录。"},
    'traffic.population_not_count_2': {
        "en": "{where}: population {value} is not a count >= 0. Give the number of people, or "
              "leave it empty for the layer or the class density.",
        "zh": "{where}：人口 {value} 不是大于等于 0 的人数。请给出人数，或留空以使用人口图层或区"
              "域类别密度。"},
    'traffic.target_area_class': {
        "en": "target area {area} (class {cls}) has no population and its class has no default "
              "density; give the area a 'population', a population layer, or use a class with a "
              "traffic.density_per_km2 default.",
        "zh": "目标区域 {area}（类别 {cls}）没有人口，其类别也没有默认人口密度；请为该区域给出 'p"
              "opulation'、人口图层，或使用有 traffic.density_per_km2 默认值的类别。"},
    'traffic.population_layer_no': {
        "en": "population layer: no CRS. Set one in the file.",
        "zh": "人口图层：没有坐标系。请在文件中设置。"},
    # --- siteplan/config.py
    'config.both_class_class': {
        "en": "{where}: both class = {zone_class} (one class for the whole layer) and "
              "class_column = {class_column} are given; the column would be ignored. Keep one of "
              "them.",
        "zh": "{where}：同时给出了 class = {zone_class}（整个图层一个类别）和 class_column = {class_column}"
              "；该列会被忽略。请只保留其一。"},
    'config.not_read_inputs': {
        "en": "{where}: {shown} = {value} is not read for [inputs.{section}] (only for "
              "{sections}); it would be ignored. Remove it.",
        "zh": "{where}：{shown} = {value} 不适用于 [inputs.{section}]（只适用于 {sections}），会"
              "被忽略。请删除。"},
    'config.inputs_clutter_landuse': {
        "en": "{path} [inputs] clutter = \"landuse\" reads the land-use zones as clutter along "
              "terrain profiles: it needs [inputs.landuse] layers and [inputs] dem. Add them, or "
              "remove the clutter line.",
        "zh": "{path} [inputs] clutter = \"landuse\" 沿地形剖面把用地图斑当作地物：需要 [inputs.lan"
              "duse] 图层和 [inputs] dem。请补充，或删除 clutter 这一行。"},
    'config.assumptions': {
        "en": "{path} [assumptions]: {detail}",
        "zh": "{path}：{detail}"},
    # --- siteplan/defaults.py
    'defaults.assumptions_not_finite': {
        "en": "assumptions: {key} = {value} is not a finite number; give a plain number.",
        "zh": "假设参数：{key} = {value} 不是有限数值；请给出普通数字。"},
    'defaults.assumptions_text_got': {
        "en": "assumptions: {key} must be text, got {value}.",
        "zh": "假设参数：{key} 应为文本，实际为 {value}。"},
    'defaults.assumptions_not': {
        "en": "assumptions: {key} = {value} is not one of {map}{names}.{hint}",
        "zh": "假设参数：{key} = {value} 不是 {map}{names} 之一。{hint}"},
    'defaults.assumptions_unknown_key_2': {
        "en": "assumptions: unknown key {key}",
        "zh": "假设参数：没有键 {key}"},
    # --- siteplan/relocate.py
    'relocate.milestone_names_sites': {
        "en": "{plan_dir}: milestone {milestone} names sites {unknown} that the candidates layer "
              "lacks; re-run `siteplan plan`.",
        "zh": "{plan_dir}：年度 {milestone} 中的站址 {unknown} 不在候选站址图层中；请重新运行 `si"
              "teplan plan`。"},
    # --- siteplan/capacity_report.py
    'capacity_report.traffic_sensitivity': {
        "en": "traffic sensitivity: {reason}",
        "zh": "流量敏感性分析：{reason}"},
    # --- siteplan/export.py
    'export.kml_gcj_writes': {
        "en": "--kml-gcj02 writes GCJ-02 copies of the KML/KMZ files, but --formats {chosen} has "
              "neither kml nor kmz: add kml (or kmz) to --formats, or drop --kml-gcj02.",
        "zh": "--kml-gcj02 会写出 KML/KMZ 文件的 GCJ-02 副本，但 --formats {chosen} 中既没有 kml "
              "也没有 kmz：请在 --formats 中加入 kml（或 kmz），或去掉 --kml-gcj02。"},
    # --- siteplan/project.py
    'project.time_limit_positive': {
        "en": "--time-limit {given}: give a positive number of seconds (the config's [solver] "
              "time_limit_s is {configured} s); a limit too short for the search returns the "
              "greedy cover.",
        "zh": "--time-limit {given}：请给出正的秒数（配置 [solver] 中的 time_limit_s 为 {configured}"
              " 秒）；时限过短时返回贪心解。"},
    # --- siteplan/power.py
    'power.power_tariffs_non': {
        "en": "power: tariffs must be non-negative numbers, got {bad}.",
        "zh": "供电：电价应为非负数，实际为 {bad}。"},
    'power.power_unknown_site': {
        "en": "power: unknown site kind(s) {unknown}; known kinds: {profiles}.",
        "zh": "供电：未知站址类型 {unknown}；已知类型：{profiles}。"},
    # --- siteplan/problem.py
    'problem.plan_needs_more': {
        "en": "this plan needs {need}: more candidate-demand pairs than coverage.max_pairs = "
              "{max_pairs} (the coverage step would stop there after the heavy work). Raise "
              "demand.spacing_m, check the masts' height_m (tall masts reach far), split the "
              "region (siteplan plan-region), or add --allow-large.",
        "zh": "本规划需要{need}：候选站址-需求点对超过 coverage.max_pairs = {max_pairs}（覆盖计算"
              "会在完成大量工作后停在这里）。请增大 demand.spacing_m、检查杆塔的 height_m（高塔覆"
              "盖远）、拆分区域（siteplan plan-region），或加 --allow-large。"},
    'problem.candidates_targets_need': {
        "en": "candidates and targets need a CRS.",
        "zh": "候选站址与目标区域需要坐标系。"},
    'problem.layer_has_no': {
        "en": "{name}: the layer has no CRS. Set one in the file.",
        "zh": "{name}：图层没有坐标系。请在文件中设置。"},
    # --- siteplan/schema.py
    'schema.error': {
        "en": "{where}: {what}{more}. {hint}",
        "zh": "{where}：{what}{more}。{hint}"},
    'schema.geometry_missing': {
        "en": "geometry is missing",
        "zh": "几何图形缺失"},
    'schema.geometry_empty': {
        "en": "geometry is empty",
        "zh": "几何图形为空"},
    'schema.geometry_hint': {
        "en": "Give every feature a geometry or remove the row.",
        "zh": "请为每个要素给出几何图形，或删除该行。"},
    'schema.geometry_type': {
        "en": "geometry type is not one of {allowed}",
        "zh": "几何类型不是 {allowed} 之一"},
    'schema.geometry_type_hint': {
        "en": "Convert the layer to the expected geometry type.",
        "zh": "请把图层转换为所需的几何类型。"},
    'schema.coordinate_nan': {
        "en": "a coordinate is NaN or infinite (not a number)",
        "zh": "有坐标为 NaN 或无穷大（不是数字）"},
    'schema.coordinate_nan_hint': {
        "en": "Fix or delete the vertex (export the layer again).",
        "zh": "请修改或删除该顶点（重新导出图层）。"},
    'schema.geometry_invalid': {
        "en": "geometry is invalid (self-intersecting or broken ring)",
        "zh": "几何图形无效（自相交或环不闭合）"},
    'schema.geometry_invalid_hint': {
        "en": "Repair it, e.g. with shapely.make_valid or QGIS 'Fix geometries'.",
        "zh": "请修复，如用 shapely.make_valid 或 QGIS 的“修复几何图形”。"},
    'schema.bool': {
        "en": "{column} must be true/false (got {value})",
        "zh": "{column} 应为 true/false（实际为 {value}）"},
    'schema.bool_hint': {
        "en": "Use true/false, yes/no, 1/0 or 是/否.",
        "zh": "请使用 true/false、yes/no、1/0 或 是/否。"},
    'schema.number': {
        "en": "{column} must be a number (got {value})",
        "zh": "{column} 应为数字（实际为 {value}）"},
    'schema.number_hint': {
        "en": "Write a plain number, or leave the cell empty for the default.",
        "zh": "请填写普通数字，或留空以使用默认值。"},
    'schema.cost': {
        "en": "the candidate's cost must be a number of CNY (got {value})",
        "zh": "候选站址的投资应为以元计的数字（实际为 {value}）"},
    'schema.cost_hint': {
        "en": "Write the cost in yuan (e.g. 35000 or 3.5万), or leave the cell empty for the kind"
              "'s default cost.",
        "zh": "请以元填写投资（如 35000 或 3.5万），或留空以使用该站址类型的默认投资。"},
    'schema.cost_negative': {
        "en": "the candidate's cost must be a finite number >= 0",
        "zh": "候选站址的投资应为大于等于 0 的有限数"},
    'schema.cost_negative_hint': {
        "en": "Write the cost in yuan, or leave the cell empty for the kind's default cost.",
        "zh": "请以元填写投资，或留空以使用该站址类型的默认投资。"},
    'schema.site_id_empty': {
        "en": "site_id is empty",
        "zh": "站址编码（site_id）为空"},
    'schema.site_id_empty_hint': {
        "en": "Give every candidate a unique site_id.",
        "zh": "请为每个候选站址给出唯一的 site_id。"},
    'schema.site_id_duplicate': {
        "en": "duplicate site_id {value}",
        "zh": "站址编码重复：{value}"},
    'schema.site_id_duplicate_hint': {
        "en": "Make site_id unique (e.g. prefix it with the source).",
        "zh": "请使 site_id 唯一（如加上来源前缀）。"},
    'schema.height': {
        "en": "height_m must be in (0, 300] m (got {value}: masts are positive and at most 300 m)",
        "zh": "height_m 应在 (0, 300] 米之间（实际为 {value}：挂高为正数且不超过 300 米）"},
    'schema.height_hint': {
        "en": "Give the mount height in metres, or leave it empty for the kind's default.",
        "zh": "请以米填写挂高，或留空以使用该站址类型的默认值。"},
    'schema.power_supply': {
        "en": "unknown power_supply",
        "zh": "未知的供电方式（power_supply）"},
    'schema.power_supply_hint': {
        "en": "Use one of: {choices}.",
        "zh": "请使用：{choices}。"},
    # --- siteplan/proposals.py
    'proposals.proposals_mode_not': {
        "en": "proposals.mode {mode} is not one of {proposal_modes}.",
        "zh": "proposals.mode {mode} 不是 {proposal_modes} 之一。"},
    'proposals.proposals_lattice_points': {
        "en": "proposals: a lattice of {size} points at {spacing_m} m; raise the spacing factor "
              "or split the area.",
        "zh": "新建提议：间距 {spacing_m} 米的格网有 {size} 个点；请增大间距系数或拆分区域。"},
    'proposals.proposals_spacing_factor': {
        "en": "proposals spacing factor for {kind} = {f} must be > 0.",
        "zh": "{kind} 的新建提议间距系数 = {f}，应大于 0。"},
    # --- siteplan/policy.py
    'policy.policy_mode_not': {
        "en": "policy.mode {mode} is not one of {policy_modes}.",
        "zh": "policy.mode {mode} 不是 {policy_modes} 之一。"},
    # --- siteplan/demand.py
    'demand.demand_spacing_m': {
        "en": "demand.spacing_m = {spacing_m} must be a positive distance in metres.",
        "zh": "demand.spacing_m = {spacing_m} 应为以米计的正距离。"},
    'demand.demand_points_needs': {
        "en": "demand_points needs target areas in a projected (metric) CRS.",
        "zh": "demand_points 需要投影（米制）坐标系中的目标区域。"},
    'demand.target_area_needs': {
        "en": "target area {area} needs {size} grid cells at {spacing_m} m; raise "
              "demand.spacing_m.",
        "zh": "目标区域 {area} 在 {spacing_m} 米间距下需要 {size} 个格网单元；请增大 demand.spaci"
              "ng_m。"},
    # --- siteplan/sources/coords.py
    'coords.unknown_coordinate_system': {
        "en": "unknown coordinate system {system}; use wgs84, gcj02 or bd09.",
        "zh": "未知坐标系 {system}；请使用 wgs84、gcj02 或 bd09。"},
    'coords.coordinate_lon_lat': {
        "en": "{system} coordinate {i} (lon {lon}, lat {lat}) is outside [-180, 180] x [-90, 90];"
              " check that lon and lat are not swapped.",
        "zh": "{system} 坐标 {i}（经度 {lon}，纬度 {lat}）超出 [-180, 180] x [-90, 90]；请检查经"
              "纬度是否颠倒。"},
    'coords.projected_system_lon': {
        "en": "{system} is a projected system; lon/lat columns need a geographic one (EPSG:4326, "
              "EPSG:4490, gcj02, bd09).",
        "zh": "{system} 是投影坐标系；经纬度列需要地理坐标系（EPSG:4326、EPSG:4490、gcj02、bd09）"
              "。"},
    'coords.unknown_coordinate_system_2': {
        "en": "unknown coordinate system {system}; use wgs84, gcj02, bd09 or an EPSG code such as"
              " EPSG:4490.",
        "zh": "未知坐标系 {system}；请使用 wgs84、gcj02、bd09 或 EPSG 代码，如 EPSG:4490。"},
    # --- siteplan/sources/limits.py
    'limits.not_valid_zip': {
        "en": "{path}: not a valid zip container ({detail}). Save or export it again.",
        "zh": "{path}：不是有效的 zip 容器（{detail}）。请重新保存或导出。"},
    # --- siteplan/sources/openlist.py
    'openlist.cannot_find_column': {
        "en": "{source}: cannot find the column(s) {missing}. The file has {columns}. Expected he"
              "aders — {expected}. Rename the columns, or name them in the config: columns = {{{first}"
              " = \"your column\"}}.",
        "zh": "{source}：找不到列 {missing}。文件中的列为 {columns}。应有的表头：{expected}。请改"
              "列名，或在配置中指定：columns = {{{first} = \"你的列名\"}}。"},
    'openlist.line_column_id': {
        "en": "{path}, line {lines}, column {cols}: the id is empty. Give every row an id, or "
              "delete the column to number rows by line.",
        "zh": "{path}，第 {lines} 行，列 {cols}：编码为空。请为每一行给出编码，或删除该列以按行号"
              "编号。"},
    'openlist.no_rows_under': {
        "en": "{path}: no rows under the header (line {line}).",
        "zh": "{path}：表头（第 {line} 行）下没有数据行。"},
    'openlist.no_usable_row': {
        "en": "{path}: no usable row (see the rejected rows).",
        "zh": "{path}：没有可用的行（见舍弃的行）。"},
    'openlist.columns_not_column': {
        "en": "{source}: columns = {{{canonical} = ...}}: {quoted} is not a column an open-"
              "resource list has.{suggest} Use one of {headers}.",
        "zh": "{source}：columns = {{{canonical} = ...}}：{quoted} 不是开放资源清单的列。{suggest}"
              "请使用 {headers} 之一。"},
    'openlist.columns_file_has': {
        "en": "{source}: columns = {{{canonical} = {column}}}: the file has no column "
              "{column}.{suggest} Columns: {columns}.",
        "zh": "{source}：columns = {{{canonical} = {column}}}：文件没有列 {column}。{suggest}现有"
              "列：{columns}。"},
    # --- siteplan/sources/sanity.py
    'sanity.area_lies_km': {
        "en": "{source}, area {ids}: it lies {gap} km from the nearest other area (at lon {lon}, "
              "lat {lat}); over inputs.stray_part_km = {limit_km} km. Fix its coordinates, or "
              "plan it separately.",
        "zh": "{source}，区域 {ids}：距最近的其他区域 {gap} 公里（位于经度 {lon}，纬度 {lat}）；"
              "超过 inputs.stray_part_km = {limit_km} 公里。请改正其坐标，或单独规划。"},
    'sanity.area_part_lies': {
        "en": "{source}, area {ids}: a part lies {gap} km from the area's largest part (at lon "
              "{x}, lat {y}); over inputs.stray_part_km = {stray_part_km} km. Delete the stray "
              "part or fix its coordinates (lon/lat swapped or mistyped?).",
        "zh": "{source}，区域 {ids}：有一部分距该区域最大部分 {gap} 公里（位于经度 {x}，纬度 {y}"
              "）；超过 inputs.stray_part_km = {stray_part_km} 公里。请删除离散部分或改正坐标（经"
              "纬度颠倒或输错？）。"},
    # --- siteplan/sources/osm.py
    'osm.not_openstreetmap_file': {
        "en": "{path}: not an OpenStreetMap file; give a .osm or .osm.pbf extract.",
        "zh": "{path}：不是 OpenStreetMap 文件；请给出 .osm 或 .osm.pbf 数据。"},
    'osm.no_candidate_structures': {
        "en": "{path}: no candidate structures in this extract (looked for highway=street_lamp, "
              "man_made=surveillance|utility_pole|mast|tower, power=pole|tower, "
              "highway=traffic_signals, traffic_sign=*, amenity=townhall|school|hospital, "
              "office=government, building=public|civic).",
        "zh": "{path}：该数据中没有可作候选站址的设施（查找了 highway=street_lamp、man_made=surve"
              "illance|utility_pole|mast|tower、power=pole|tower、highway=traffic_signals、traffi"
              "c_sign=*、amenity=townhall|school|hospital、office=government、building=public|civ"
              "ic）。"},
    'osm.cannot_read_openstreetmap': {
        "en": "{path}: cannot read as OpenStreetMap ({detail}). Is the file complete? Download "
              "the extract again.",
        "zh": "{path}：无法按 OpenStreetMap 读取（{detail}）。文件是否完整？请重新下载。"},
    'osm.unrecognised': {
        "en": "{path}: not readable as an OpenStreetMap file (.osm or .osm.pbf). Is the file "
              "complete? Download the extract again.",
        "zh": "{path}：无法作为 OpenStreetMap 文件（.osm 或 .osm.pbf）读取。文件是否完整？请重新"
              "下载。"},
    # --- siteplan/sources/inputs.py
    'inputs.no_usable_row': {
        "en": "{path}: no usable row: every point is an outlier (first: line {lines}, {reason}).",
        "zh": "{path}：没有可用的行：每个点都是离群点（第一个：第 {lines} 行，{reason}）。"},
    'inputs.points_wrong': {
        "en": "{path}: {count} points cannot be right: {rows}. Fix them, or give on_bad_rows = "
              "\"report\" (--skip-bad-rows) to skip and list them.",
        "zh": "{path}：有 {count} 个点不可能正确：{rows}。请改正，或设置 on_bad_rows = \"report\"（"
              "--skip-bad-rows）跳过并列出。"},
    'inputs.point_wrong': {
        "en": "{path}: {count} point cannot be right: {rows}. Fix them, or give on_bad_rows = "
              "\"report\" (--skip-bad-rows) to skip and list them.",
        "zh": "{path}：有 {count} 个点不可能正确：{rows}。请改正，或设置 on_bad_rows = \"report\"（"
              "--skip-bad-rows）跳过并列出。"},
    'inputs.class_map_needs': {
        "en": "{spec}: a class map needs two columns (local name, class); found {columns}.",
        "zh": "{spec}：类别对照表需要两列（本地名称、类别）；实际为 {columns}。"},
    # --- siteplan/sources/text.py
    'text.file_starts_utf': {
        "en": "{source}: the file starts with a UTF-8 byte-order mark but is not UTF-8 ({where}) "
              "nor GBK. Save it again as UTF-8 (Excel: CSV UTF-8), or give its encoding (encoding"
              " = \"...\").",
        "zh": "{source}：文件以 UTF-8 字节顺序标记开头，但既不是 UTF-8（{where}）也不是 GBK。请另"
              "存为 UTF-8（Excel：CSV UTF-8），或给出其编码（encoding = \"...\"）。"},
    # --- siteplan/sources/opencellid.py
    'opencellid.not_opencellid_cell': {
        "en": "{path}: not an OpenCelliD cell export; the first line is {first}. Expected the "
              "columns {columns} (header row optional).",
        "zh": "{path}：不是 OpenCelliD 小区导出文件；第一行为 {first}。应有列 {columns}（表头行可"
              "省略）。"},
    'opencellid.site_distance_m': {
        "en": "site_distance_m must be a positive number of metres, not {site_distance_m}.",
        "zh": "site_distance_m 应为以米计的正数，而不是 {site_distance_m}。"},
    'opencellid.no_cell_left': {
        "en": "{path}: no cell left after the filters (radio={radio}, mcc={mcc}, mnc={mnc}, "
              "bbox={bbox}). Widen them.",
        "zh": "{path}：筛选后没有剩余小区（radio={radio}，mcc={mcc}，mnc={mnc}，bbox={bbox}）。请"
              "放宽筛选条件。"},
    'opencellid.cannot_read_download': {
        "en": "{path}: cannot read ({detail}). Is the download complete?",
        "zh": "{path}：无法读取（{detail}）。下载是否完整？"},
    'opencellid.cannot_read': {
        "en": "{what}: cannot read {values} ({detail}).",
        "zh": "{what}：无法读取 {values}（{detail}）。"},
    'opencellid.unknown_radio': {
        "en": "unknown radio {value}; use one of {radios} (or 4G, 5G)",
        "zh": "未知制式 {value}；请使用 {radios} 之一（或 4G、5G）"},
    'opencellid.remove_repair_that': {
        "en": "{path}: {detail}. Remove or repair that line.",
        "zh": "{path}：{detail}。请删除或修复该行。"},
    'opencellid.expected_columns': {
        "en": "{path}: {detail}. Expected the columns {columns}.",
        "zh": "{path}：{detail}。应有列 {columns}。"},
    'opencellid.bbox_min_lon': {
        "en": "bbox {bbox}: give (min lon, min lat, max lon, max lat).",
        "zh": "bbox {bbox}：请给出（最小经度，最小纬度，最大经度，最大纬度）。"},
    # --- siteplan/sources/rows.py
    'rows.bad_rows_not': {
        "en": "on_bad_rows must be one of {choices}, not {value}.",
        "zh": "on_bad_rows 应为 {choices} 之一，而不是 {value}。"},
    # --- siteplan/sources/merge.py
    'merge.no_candidate_layers': {
        "en": "no candidate layers given; name at least one in [inputs.candidates].",
        "zh": "没有给出候选站址图层；请在 [inputs.candidates] 中至少列出一个。"},
    'merge.no_candidate_sources': {
        "en": "no candidate sources given.",
        "zh": "没有给出候选站址来源。"},
    'merge.site_id_appears': {
        "en": "site_id {site_id} appears in two sources for different structures; prefix the ids "
              "per source.",
        "zh": "站址编码 {site_id} 在两个来源中对应不同设施；请按来源给编码加前缀。"},
    'merge.site_id_also': {
        "en": "{where}: site_id {site_id} also appears in an earlier candidate layer. Prefix "
              "site_id per source.",
        "zh": "{where}：站址编码 {site_id} 也出现在前面的候选站址图层中。请按来源给 site_id 加前"
              "缀。"},
    'merge.mixed_coordinate_systems': {
        "en": "mixed coordinate systems: {first}, {second}. Reproject them to one (siteplan "
              "candidates --to-crs EPSG:4326, or GeoDataFrame.to_crs).",
        "zh": "坐标系不一致：{first}、{second}。请统一重投影（siteplan candidates --to-crs EPSG:4"
              "326，或 GeoDataFrame.to_crs）。"},
    # --- siteplan/sources/files.py
    'files.crs_means_lon': {
        "en": "{source}: crs = {crs} means lon/lat in {system}, but the layer is in the projected"
              " {layer_crs}. Remove crs, or export the layer as lon/lat.",
        "zh": "{source}：crs = {crs} 表示 {system} 经纬度，但图层使用投影坐标系 {layer_crs}。请删"
              "除 crs，或把图层导出为经纬度。"},
    'files.error': {
        "en": "{source}: {detail}",
        "zh": "{source}：{detail}"},
    'files.csv_txt_table': {
        "en": "{path}: a CSV/TXT table has no layers; remove layer = {layer}.",
        "zh": "{path}：CSV/TXT 表格没有图层；请删除 layer = {layer}。"},
    'files.both_layer_sheet': {
        "en": "{path}: both layer = {layer} and sheet = {sheet}; a workbook's layer is its sheet,"
              " give one.",
        "zh": "{path}：同时给出了 layer = {layer} 和 sheet = {sheet}；工作簿的图层就是工作表，请"
              "只给一个。"},
    # --- siteplan/sources/columns.py
    'columns.defaults_not_column': {
        "en": "{source}: defaults = {{{canonical} = ...}}: {quoted} is not a column siteplan "
              "reads here.{suggest} Use one of {headers}.",
        "zh": "{source}：defaults = {{{canonical} = ...}}：{quoted} 不是此处读取的列。{suggest}请"
              "使用 {headers} 之一。"},
    # --- siteplan/sources/kml.py
    'kml.coordinate_has_no': {
        "en": "{source}, {where}: a coordinate has no latitude ({shown}). Fix the Placemark.",
        "zh": "{source}，{where}：有坐标没有纬度（{shown}）。请修改该地标。"},
    'kml.coordinate_nan_infinite': {
        "en": "{source}, {where}: a coordinate is NaN or infinite ({shown}). Fix the Placemark "
              "(export it again, or delete the vertex).",
        "zh": "{source}，{where}：有坐标为 NaN 或无穷大（{shown}）。请修改该地标（重新导出，或删"
              "除该顶点）。"},
    'kml.not_kml_document': {
        "en": "{path}: not a KML document (root element {local}).",
        "zh": "{path}：不是 KML 文档（根元素为 {local}）。"},
    'kml.no_placemark_kml': {
        "en": "{path}: no Placemark in this KML. Draw the areas or points and export them again.",
        "zh": "{path}：该 KML 中没有地标。请绘制区域或点后重新导出。"},
    'kml.coordinates_not_lon': {
        "en": "{source}, {where}: coordinates {shown} are not 'lon{sep}lat[{sep}alt]' numbers. "
              "Fix the Placemark.",
        "zh": "{source}，{where}：坐标 {shown} 不是 '经度{sep}纬度[{sep}高程]' 格式的数字。请修改"
              "该地标。"},
    'kml.not_kmz_zip': {
        "en": "{path}: not a KMZ (zip) file ({detail}). Export it again.",
        "zh": "{path}：不是 KMZ（zip）文件（{detail}）。请重新导出。"},
    'kml.not_valid_kml': {
        "en": "{path}: not valid KML ({detail}). Export it again from Google Earth or 奥维, or ch"
              "eck that the file is complete.",
        "zh": "{path}：不是有效的 KML（{detail}）。请从 Google Earth 或奥维重新导出，或检查文件是"
              "否完整。"},
    'kml.kmz_holds_no': {
        "en": "{path}: the KMZ holds no .kml file. Export it again.",
        "zh": "{path}：KMZ 中没有 .kml 文件。请重新导出。"},
    'kml.folders_nested_more': {
        "en": "{source}: folders nested more than {max_folder_depth} deep (at folder {name}). Fla"
              "tten the folders in Google Earth or 奥维 and export again.",
        "zh": "{source}：文件夹嵌套超过 {max_folder_depth} 层（在文件夹 {name}）。请在 Google Ear"
              "th 或奥维中合并文件夹后重新导出。"},
    # --- siteplan/sources/detect.py
    'detect.columns_defaults_apply': {
        "en": "{path}: columns/defaults apply to inventories, point tables and open-resource "
              "lists; this file is read as {kind} (a fixed format with its own fields), so they "
              "would be ignored. Remove them.",
        "zh": "{path}：columns/defaults 只适用于资源清单、点位表和开放资源清单；该文件按 {kind} "
              "读取（固定格式，自带字段），它们会被忽略。请删除。"},
    'detect.defaults_apply_inventories': {
        "en": "{path}: defaults apply to inventories and point tables without kinds; this file is"
              " read as an open-resource list (its kind column gives every row's kind). Remove "
              "defaults, or name columns with columns = {{...}}.",
        "zh": "{path}：defaults 只适用于没有类型列的资源清单和点位表；该文件按开放资源清单读取（"
              "其类型列给出每行的类型）。请删除 defaults，或用 columns = {{...}} 指定列。"},
    'detect.no_usable_row': {
        "en": "{path}: no usable row ({count} rejected: first line {line}, {reason}).",
        "zh": "{path}：没有可用的行（舍弃 {count} 行：第一行为第 {line} 行，{reason}）。"},
    'detect.columns_disagree': {
        "en": "{path}: {axis} = {given} and columns = {{{axis} = {columns}}} disagree; give one.",
        "zh": "{path}：{axis} = {given} 与 columns = {{{axis} = {columns}}} 不一致；请只给一个。"},
    # --- siteplan/terrain/model.py
    'terrain.model.dem_but_demand': {
        "en": "{sources}: the DEM {covers}, but {count} of {size} demand points and candidates "
              "lie outside it or on no-data cells (first at lon {lon}, lat {lat}); the study area"
              " spans lon {lon_min}..{lon_max}, lat {lat_min}..{lat_max}. Download the "
              "SRTM/Copernicus tiles covering it and list them all under [inputs] dem.",
        "zh": "{sources}：高程数据{covers}，但 {size} 个需求点和候选站址中有 {count} 个位于其范围"
              "外或无数据栅格上（第一个位于经度 {lon}，纬度 {lat}）；研究区域经度 {lon_min}..{lon_max}"
              "，纬度 {lat_min}..{lat_max}。请下载覆盖该范围的 SRTM/Copernicus 分幅，并全部列在 ["
              "inputs] dem 中。"},
    'terrain.model.dem_covers': {
        "en": "covers about lon {lon_min}..{lon_max}, lat {lat_min}..{lat_max}",
        "zh": "覆盖范围约为经度 {lon_min}..{lon_max}，纬度 {lat_min}..{lat_max}"},
    'terrain.model.dem_no_heights': {
        "en": "has no valid heights over the study area",
        "zh": "在研究区域内没有有效高程"},
    'terrain.model.load_path_loss': {
        "en": "load_path_loss_model: a DEM or clutter raster needs the planning CRS.",
        "zh": "load_path_loss_model：高程或地物栅格需要规划坐标系。"},
    'terrain.model.land_cover_codes': {
        "en": "{clutter_paths}: land-cover codes {unknown} are not ESA WorldCover classes "
              "({items}); recode the raster to WorldCover codes (0 = no data).",
        "zh": "{clutter_paths}：地物编码 {unknown} 不是 ESA WorldCover 类别（{items}）；请把栅格"
              "重新编码为 WorldCover 编码（0 = 无数据）。"},
    # --- siteplan/terrain/zones.py
    'terrain.zones.terrain_clutter_landuse': {
        "en": "terrain.clutter = \"landuse\" reads the land-use zones as clutter along terrain "
              "profiles and needs a DEM; give [inputs] dem, or remove [inputs] clutter = "
              "\"landuse\".",
        "zh": "terrain.clutter = \"landuse\" 沿地形剖面把用地图斑当作地物，需要高程数据；请给出 [in"
              "puts] dem，或删除 [inputs] clutter = \"landuse\"。"},
    'terrain.zones.terrain_clutter_landuse_2': {
        "en": "terrain.clutter = \"landuse\" but no land-use zones reach the coverage step; give [i"
              "nputs.landuse] layers (三调 / zones with zone_class), or a land-cover raster as [i"
              "nputs] clutter.",
        "zh": "terrain.clutter = \"landuse\"，但没有用地图斑进入覆盖计算；请给出 [inputs.landuse] "
              "图层（三调或带 zone_class 的图斑），或在 [inputs] clutter 中给出地表覆盖栅格。"},
    # --- siteplan/landuse.py
    'landuse.no_located_data': {
        "en": "no located data to measure in (every layer is empty or has no CRS).",
        "zh": "没有可量算的带位置数据（每个图层都为空或没有坐标系）。"},
    'landuse.unknown_zone_classes': {
        "en": "{where}, {label}: unknown zone classes {unknown}{value}.{hint} Known classes: {known}"
              "; also land-survey (三调) DLBM codes and DLMC names. Map local names with a class "
              "map (class_map in config, --class-map FILE.csv).",
        "zh": "{where}，{label}：未知的用地类别 {unknown}{value}。{hint}已知类别：{known}；以及三"
              "调地类编码（DLBM）与地类名称（DLMC）。本地名称请用类别对照表映射（配置中的 class_m"
              "ap，或 --class-map 文件.csv）。"},
    'landuse.zone_has_no': {
        "en": "{where}: the zone has no geometry ({count} zones in all). Draw it or delete the "
              "row.",
        "zh": "{where}：图斑没有几何图形（共 {count} 个图斑）。请绘制或删除该行。"},
    'landuse.zones_polygons_not': {
        "en": "{where}: zones must be polygons, not {geom_type}.",
        "zh": "{where}：图斑必须是面，而不是 {geom_type}。"},
    'landuse.conflicts_sites_zones': {
        "en": "conflicts: sites and zones must share one CRS.",
        "zh": "用地冲突：站址与图斑必须使用同一坐标系。"},
    'landuse.both_class_whole': {
        "en": "{source}: both a class for the whole layer ({zone_class}) and a class column "
              "({class_column}) are given; the column would be ignored. Give one of them.",
        "zh": "{source}：同时给出了整个图层的类别（{zone_class}）和类别列（{class_column}）；该列"
              "会被忽略。请只给其一。"},
    # --- siteplan/io/tables.py
    'io.tables.sheet_title_empty': {
        "en": "sheet title {title} is empty",
        "zh": "工作表名称 {title} 为空"},
    # --- siteplan/io/atomic.py
    'io.atomic.holds_siteplan_folder': {
        "en": "{out}: holds a siteplan {marker} folder, not a {kind} one; it would be replaced. "
              "Choose another --out, or delete that folder yourself (--force replaces only a "
              "folder of the same kind or one siteplan did not write).",
        "zh": "{out}：其中是 siteplan 的 {marker} 文件夹，而不是 {kind} 文件夹；会被替换。请另选 "
              "--out，或自行删除该文件夹（--force 只替换同类文件夹或非 siteplan 写入的文件夹）。"},
    'io.atomic.is_input': {
        "en": "{out}: is the input {source}; writing the output folder there would destroy it. "
              "Choose another --out (--force does not change this).",
        "zh": "{out}：就是输入 {source}；在此写出输出文件夹会毁掉输入。请另选 --out（--force 也不"
              "能改变这一点）。"},
    'io.atomic.holds_input': {
        "en": "{out}: holds the input {source}; writing the output folder there would destroy it."
              " Choose another --out (--force does not change this).",
        "zh": "{out}：其中有输入 {source}；在此写出输出文件夹会毁掉输入。请另选 --out（--force 也"
              "不能改变这一点）。"},
    'io.atomic.lies_inside_input': {
        "en": "{out}: lies inside the input folder {source}; a command never writes into the "
              "folder it reads. Choose an --out outside it.",
        "zh": "{out}：位于输入文件夹 {source} 之内；命令从不写入它所读取的文件夹。请选择该文件夹"
              "之外的 --out。"},
    # --- siteplan/solve/maxcover.py
    'solve.maxcover.max_cover_needs': {
        "en": "max_cover needs exactly one of k (a site count) or budget.",
        "zh": "max_cover 需要且只需要 k（站址数）或 budget（预算）之一。"},
    'solve.maxcover.budget_non_negative': {
        "en": "budget {budget} must be a non-negative number.",
        "zh": "预算 {budget} 应为非负数。"},
    'solve.maxcover.k_positive_whole': {
        "en": "k = {k} must be a positive whole number.",
        "zh": "k = {k} 应为正整数。"},
    'solve.maxcover.k_larger_than': {
        "en": "k = {k} is larger than the {n_cols} columns of A.",
        "zh": "k = {k} 大于矩阵 A 的列数 {n_cols}。"},
    'solve.maxcover.k_smaller_than': {
        "en": "k = {k} is smaller than the {size} preselected columns.",
        "zh": "k = {k} 小于预选列数 {size}。"},
    # --- siteplan/solve/instance.py
    'solve.instance.has_entries_but': {
        "en": "{name} has {size} entries but the matrix needs {expected}.",
        "zh": "{name} 有 {size} 个元素，但矩阵需要 {expected} 个。"},
    'solve.instance.finite_non_negative': {
        "en": "{name}[{i}] = {value}: {name} must be finite and non-negative ({count} bad "
              "entries). Fix or drop those entries.",
        "zh": "{name}[{i}] = {value}：{name} 必须为有限的非负数（共 {count} 个错误元素）。请改正"
              "或删除这些元素。"},
    'solve.instance.scipy_sparse_matrix': {
        "en": "A must be a scipy.sparse matrix or array, got {name}. Wrap it: "
              "scipy.sparse.csc_array(A).",
        "zh": "A 必须是 scipy.sparse 矩阵或数组，实际为 {name}。请包装：scipy.sparse.csc_array(A)"
              "。"},
    'solve.instance.d_least_row': {
        "en": "A must be 2-D with at least one row and column, got shape {shape}.",
        "zh": "A 必须是至少一行一列的二维矩阵，实际形状为 {shape}。"},
    'solve.instance.target_has_entries': {
        "en": "target has {size} entries for {n_groups} groups.",
        "zh": "target 有 {size} 个元素，对应 {n_groups} 个分组。"},
    'solve.instance.target_outside_fraction': {
        "en": "target {target} is outside (0, 1]; give a fraction such as 0.95 of the coverable "
              "weight.",
        "zh": "目标 {target} 超出 (0, 1]；请给出可覆盖权重的比例，如 0.95。"},
    'solve.instance.preselected_column_indices': {
        "en": "preselected must be column indices in [0, {n_cols}).",
        "zh": "preselected 必须是 [0, {n_cols}) 内的列序号。"},
    'solve.instance.method_not': {
        "en": "method {method} is not one of {methods}.",
        "zh": "求解方法 {method} 不是 {methods} 之一。"},
    'solve.instance.time_limit_s': {
        "en": "time_limit_s {time_limit_s} must be a positive number of seconds.",
        "zh": "time_limit_s {time_limit_s} 应为正的秒数。"},
    'solve.instance.coverage_matrix_hold': {
        "en": "A[{i}, {j}] = {value}: the coverage matrix must hold finite values (nonzero = "
              "covers; {count} bad entries). Replace NaN/inf by 0 (does not cover) or 1 (covers).",
        "zh": "A[{i}, {j}] = {value}：覆盖矩阵必须为有限值（非零 = 覆盖；共 {count} 个错误元素）"
              "。请把 NaN/inf 替换为 0（不覆盖）或 1（覆盖）。"},
    'solve.instance.groups_hold_non': {
        "en": "groups must hold one non-negative integer per row of A.",
        "zh": "groups 必须为 A 的每一行给出一个非负整数。"},
    'solve.instance.preselected_mask_has': {
        "en": "preselected mask has {size} entries for {n_cols} columns.",
        "zh": "预选掩码有 {size} 个元素，对应 {n_cols} 列。"},
    # --- siteplan/solve/paths/general.py
    'solve.general.target_shares_coverable': {
        "en": "target must be shares in (0, 1] of the coverable weight.",
        "zh": "target 必须是可覆盖权重在 (0, 1] 之间的比例。"},
    'solve.general.capacityconstraints_matrix_d': {
        "en": "CapacityConstraints.matrix must be a 2-D scipy.sparse matrix (capacity groups × c"
              "olumns); wrap it: scipy.sparse.csr_array(M).",
        "zh": "CapacityConstraints.matrix 必须是二维 scipy.sparse 矩阵（容量分组 × 列）；请包装"
              "：scipy.sparse.csr_array(M)。"},
    'solve.general.capacityconstraints_matrix_hold': {
        "en": "CapacityConstraints.matrix must hold finite nonnegative capacities (e.g. Mbps).",
        "zh": "CapacityConstraints.matrix 必须为有限的非负容量（如 Mbps）。"},
    'solve.general.capacityconstraints_demand_has': {
        "en": "CapacityConstraints.demand has {size} entries for {groups} capacity groups (rows "
              "of matrix).",
        "zh": "CapacityConstraints.demand 有 {size} 个元素，对应 {groups} 个容量分组（矩阵的行）"
              "。"},
    'solve.general.capacityconstraints_demand_finite': {
        "en": "CapacityConstraints.demand[{i}] = {d} must be a finite nonnegative number.",
        "zh": "CapacityConstraints.demand[{i}] = {d} 应为有限的非负数。"},
    'solve.general.cover_requirement_hold': {
        "en": "cover_requirement must hold one whole number per row of A ({n} rows), got {size} "
              "values.",
        "zh": "cover_requirement 必须为 A 的每一行（共 {n} 行）给出一个整数，实际有 {size} 个值。"},
    'solve.general.cover_requirement_every': {
        "en": "cover_requirement[{i}] = {r}: every row needs at least 1 covering column.",
        "zh": "cover_requirement[{i}] = {r}：每一行至少需要 1 个覆盖列。"},
    'solve.general.capacity_siteplan_solve': {
        "en": "capacity must be a siteplan.solve.CapacityConstraints, got {name}.",
        "zh": "capacity 必须是 siteplan.solve.CapacityConstraints，实际为 {name}。"},
    'solve.general.capacity_matrix_has': {
        "en": "capacity.matrix has {columns} columns but A has {m}.",
        "zh": "capacity.matrix 有 {columns} 列，但 A 有 {m} 列。"},
    # --- siteplan/solve/options.py
    'solve.options.options_siteplan_solve': {
        "en": "options must be a siteplan.solve.SolveOptions, got {name}.",
        "zh": "options 必须是 siteplan.solve.SolveOptions，实际为 {name}。"},
    'solve.options.solveoptions_finite_non': {
        "en": "SolveOptions.{f} = {value} must be a finite non-negative number.",
        "zh": "SolveOptions.{f} = {value} 应为有限的非负数。"},
    'solve.options.solveoptions_share_number': {
        "en": "SolveOptions.{f} = {value} is a share: give a number in [0, 1].",
        "zh": "SolveOptions.{f} = {value} 是比例：请给出 [0, 1] 之间的数。"},
    'solve.options.solveoptions_deterministic_true': {
        "en": "SolveOptions.deterministic = {value} must be True or False.",
        "zh": "SolveOptions.deterministic = {value} 应为 True 或 False。"},
    # --- siteplan/region/config.py
    'region.config.region_config_file': {
        "en": "{path}: region config file not found.",
        "zh": "{path}：找不到区域配置文件。"},
    'region.config.no_region_table': {
        "en": "{path}: no [region] table; add one naming the unit layer (units = \"units.gpkg\") or"
              " a tile size (tile_km = 20).",
        "zh": "{path}：没有 [region] 表；请添加，并给出单元图层（units = \"units.gpkg\"）或分块大小"
              "（tile_km = 20）。"},
    'region.config.region_input': {
        "en": "{path}: [region.{loc}] {detail} (input {value}).",
        "zh": "{path}：[region.{loc}] {detail}（输入值 {value}）。"},
    'region.config.unknown_key': {
        "en": "{path} [region]: unknown key {key}.{hint} Known: {names}. See docs/regions.md.",
        "zh": "{path} [region]：未知的键 {key}。{hint}可用的键：{names}。见 docs/regions.md。"},
    'region.config.region_units_file': {
        "en": "{path}: [region] units file {name} not found (looked at {full}). Fix the path; "
              "relative paths start at the config file's folder.",
        "zh": "{path}：找不到 [region] 单元文件 {name}（查找位置 {full}）。请改正路径；相对路径从"
              "配置文件所在文件夹算起。"},
    'region.config.region_needs_units': {
        "en": "{path}: [region] needs units = \"FILE\" (county polygons) or tile_km = SIDE (square "
              "tiles).",
        "zh": "{path}：[region] 需要 units = \"文件\"（县级面）或 tile_km = 边长（正方形分块）。"},
    # --- siteplan/region/units.py
    'region.units.rows_column_unit': {
        "en": "{path}, rows {rows}, column {code_column}: unit code {code} appears more than "
              "once; codes must be unique.",
        "zh": "{path}，第 {rows} 行，列 {code_column}：单元编码 {code} 出现多次；编码必须唯一。"},
    'region.units.unit_layer_has': {
        "en": "{path}: the unit layer has no coordinate system; set one (e.g. [region] units = "
              "{{{{path = ..., crs = \"EPSG:4326\"}}}}).",
        "zh": "{path}：单元图层没有坐标系；请设置（如 [region] units = {{{{path = ..., crs = \"EPS"
              "G:4326\"}}}}）。"},
    'region.units.unit_layer_has_2': {
        "en": "{path}: the unit layer has no features.",
        "zh": "{path}：单元图层没有要素。"},
    'region.units.tile_km_positive': {
        "en": "tile_km = {tile_km} must be a positive size in kilometres.",
        "zh": "tile_km = {tile_km} 应为以公里计的正数。"},
    'region.units.row_column_empty': {
        "en": "{path}, row {row}, column {code_column}: empty unit code; give every unit a code.",
        "zh": "{path}，第 {row} 行，列 {code_column}：单元编码为空；请为每个单元给出编码。"},
    'region.units.row_column_geometry': {
        "en": "{path}, row {row}, column 'geometry': empty geometry for unit {code}.",
        "zh": "{path}，第 {row} 行，列 'geometry'：单元 {code} 的几何图形为空。"},
    'region.units.row_column_geometry_2': {
        "en": "{path}, row {row}, column 'geometry': unit {code} is a {geom_type}; units must be "
              "polygons (county or district areas).",
        "zh": "{path}，第 {row} 行，列 'geometry'：单元 {code} 是 {geom_type}；单元必须是面（县或"
              "区的范围）。"},
    # --- siteplan/region/run.py
    'region.run.scheduler_not_dask': {
        "en": "--scheduler {address}: not a Dask scheduler address; {hint}",
        "zh": "--scheduler {address}：不是 Dask 调度器地址；{hint}"},
    'region.run.address_hint': {
        "en": "give the scheduler's address as tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786), or "
              "leave --scheduler out for a local cluster.",
        "zh": "请以 tcp://主机:端口 的形式给出调度器地址（如 tcp://10.0.0.5:8786），或不加 --sche"
              "duler 以使用本地集群。"},
    'region.run.start_hint': {
        "en": "Start a Dask scheduler there, or leave --scheduler out for a local cluster.",
        "zh": "请在该处启动 Dask 调度器，或不加 --scheduler 以使用本地集群。"},
    'region.run.scheduler_needs_host': {
        "en": "--scheduler {address}: needs a host and a port from 1 to 65535; {hint}",
        "zh": "--scheduler {address}：需要主机名和 1 到 65535 之间的端口；{hint}"},
    'region.run.scheduler_answer_not': {
        "en": "--scheduler {address}: the answer is not a Dask scheduler's (it says it is "
              "{kind}). {hint}",
        "zh": "--scheduler {address}：应答不是 Dask 调度器的（对方是 {kind}）。{hint}"},
    'region.run.executor_dask_loop': {
        "en": "executor {executor} must be 'dask' or 'loop'.",
        "zh": "executor {executor} 应为 'dask' 或 'loop'。"},
    'region.run.workers_least_worker': {
        "en": "--workers {workers}: give at least 1 worker.",
        "zh": "--workers {workers}：至少给出 1 个工作进程。"},
    'region.run.scheduler_no_answer': {
        "en": "--scheduler {address}: no answer within {timeout_s} s (the port accepts "
              "connections but does not answer as a Dask scheduler). {hint}",
        "zh": "--scheduler {address}：{timeout_s} 秒内没有应答（端口接受连接，但不按 Dask 调度器"
              "应答）。{hint}"},
    'region.run.scheduler_cannot_connect': {
        "en": "--scheduler {address}: cannot connect ({detail}). {hint}",
        "zh": "--scheduler {address}：无法连接（{detail}）。{hint}"},
    'region.run.scheduler_answer_not_2': {
        "en": "--scheduler {address}: the answer is not a Dask scheduler's ({name}). {hint}",
        "zh": "--scheduler {address}：应答不是 Dask 调度器的（{name}）。{hint}"},
    'region.run.makes_units_more': {
        "en": "{source}: {what}, raise max_units, or add --allow-large to run it anyway.",
        "zh": "{source}：{what}，或增大 max_units，或加 --allow-large 强制运行。"},
    'region.run.unit_layer': {
        "en": "the unit layer {name} makes {n} units, more than [region] max_units = {max_units} "
              "(each unit is a task with its own partition and plan folder). Merge units",
        "zh": "单元图层 {name} 得到 {n} 个单元，超过 [region] max_units = {max_units}（每个单元是"
              "一个任务，有自己的分区和规划文件夹）。请合并单元"},
    'region.run.tile_km': {
        "en": "[region] tile_km = {tile_km} makes {n} units, more than [region] max_units = "
              "{max_units} (each unit is a task with its own partition and plan folder). Give a "
              "larger tile_km (20 km tiles are the default)",
        "zh": "[region] tile_km = {tile_km} 得到 {n} 个单元，超过 [region] max_units = {max_units}"
              "（每个单元是一个任务，有自己的分区和规划文件夹）。请增大 tile_km（默认 20 公里分块"
              "）"},
    'region.run.scheduler_cannot_connect_2': {
        "en": "--scheduler {scheduler}: cannot connect ({detail}). Start a Dask scheduler there, "
              "or leave --scheduler out for a local cluster.",
        "zh": "--scheduler {scheduler}：无法连接（{detail}）。请在该处启动 Dask 调度器，或不加 --"
              "scheduler 以使用本地集群。"},
    'region.run.tiles': {
        "en": "--tiles: {detail}",
        "zh": "--tiles：{detail}"},
    # --- siteplan/region/tasks.py
    'region.tasks.dask_worker_daemonic': {
        "en": "this Dask worker is a daemonic process, which may not start the solver's HiGHS "
              "child process; start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False "
              "(siteplan's own local cluster does this).",
        "zh": "该 Dask 工作进程是守护进程，无法启动求解器的 HiGHS 子进程；请用 DASK_DISTRIBUTED__"
              "WORKER__DAEMON=False 启动工作进程（siteplan 自己的本地集群已这样做）。"},
    # --- siteplan/planner.py
    'planner.no_milestone_plan': {
        "en": "no milestone {year}; the plan has {milestones}.",
        "zh": "没有年度 {year}；规划的年度为 {milestones}。"},
    'planner.milestones_site_target': {
        "en": "[milestones]: site target(s) for {missing}, but no target area has that milestone "
              "(the targets have {years}). Fix the year, or give the areas of that year a "
              "milestone.",
        "zh": "[milestones]：为 {missing} 给出了站址数目标，但没有目标区域属于该年度（目标区域的"
              "年度为 {years}）。请改正年份，或为该年度的区域设置建设年度。"},
    'planner.plan_needs_candidates': {
        "en": "plan() needs candidates and targets as GeoDataFrames with a geometry and a CRS "
              "(got {candidates} and {targets}); read files with siteplan.sources.read_candidates"
              " / read_targets, or build a GeoDataFrame with geopandas.GeoDataFrame(frame, "
              "geometry=..., crs=4326).",
        "zh": "plan() 需要带几何列和坐标系的 GeoDataFrame 形式的候选站址和目标区域（实际为 {candidates}"
              " 和 {targets}）；请用 siteplan.sources.read_candidates / read_targets 读取文件，或"
              "用 geopandas.GeoDataFrame(frame, geometry=..., crs=4326) 构造。"},
    'planner.site_target_milestone': {
        "en": "site target for milestone {year} is {count}; give a positive whole number of sites"
              " (e.g. 2020 = 150).",
        "zh": "年度 {year} 的站址数目标为 {count}；请给出正整数站址数（如 2020 = 150）。"},
    'planner.milestone_not_year': {
        "en": "milestone {year} is not a year.",
        "zh": "年度 {year} 不是年份。"},
    # --- siteplan/planio.py
    'planio.holds_not_table': {
        "en": "{path}: holds a {name}, not a table of keys (format, layers, milestones …); re-ru"
              "n `siteplan plan`.",
        "zh": "{path}：内容是 {name}，而不是键表（format、layers、milestones …）；请重新运行 `si"
              "teplan plan`。"},
    'planio.format_not_another': {
        "en": "{path}: format {state} is not {format} (another siteplan version); re-run "
              "`siteplan plan`.",
        "zh": "{path}：格式 {state} 不是 {format}（其他 siteplan 版本）；请重新运行 `siteplan pla"
              "n`。"},
    'planio.milestones_do_not': {
        "en": "{folder}: milestones {milestones} do not match the targets' {years}; re-run "
              "`siteplan plan`.",
        "zh": "{folder}：年度 {milestones} 与目标区域的年度 {years} 不符；请重新运行 `siteplan pl"
              "an`。"},
    'planio.unreadable_re_run': {
        "en": "{path}: unreadable ({detail}); re-run `siteplan plan`.",
        "zh": "{path}：无法读取（{detail}）；请重新运行 `siteplan plan`。"},
    'planio.key_file_was': {
        "en": "{path}, key {key}: {shown}. The file was edited or damaged; re-run `siteplan "
              "plan`.",
        "zh": "{path}，键 {key}：{shown}。文件已被编辑或损坏；请重新运行 `siteplan plan`。"},
    'planio.layer_unreadable_re': {
        "en": "{gpkg}, layer {name}: unreadable ({detail}); re-run `siteplan plan`.",
        "zh": "{gpkg}，图层 {name}：无法读取（{detail}）；请重新运行 `siteplan plan`。"},
    'planio.no_milestone_plan': {
        "en": "{folder}: no milestone {year}; the plan has {years}.",
        "zh": "{folder}：没有年度 {year}；规划的年度为 {years}。"},
    'planio.not_readable_geopackage': {
        "en": "{gpkg}: not a readable GeoPackage ({detail}).",
        "zh": "{gpkg}：不是可读取的 GeoPackage（{detail}）。"},
    'planio.key_layers_no': {
        "en": "{folder}, key 'layers': no {name} layer; re-run `siteplan plan`.",
        "zh": "{folder}，键 'layers'：没有 {name} 图层；请重新运行 `siteplan plan`。"},
    'planio.key_assumptions': {
        "en": "{folder}, key 'assumptions': {detail}",
        "zh": "{folder}，键 'assumptions'：{detail}"},
    # --- siteplan/cli.py
    'file.os_error': {
        "en": "{path}: {detail}.",
        "zh": "{path}：{detail}。"},
    'file.os_error_bare': {
        "en": "file: {detail}.",
        "zh": "文件：{detail}。"},
    # --- siteplan/region/run.py (a failed unit: its code and the task's error, by id only:
    # "{code}: {detail}" would match any English text)
    'region.run.failure': {
        "en": "{code}: {detail}",
        "zh": "{code}：{detail}"},
    'region.run.task_error': {
        "en": "{name}: {detail}",
        "zh": "{name}：{detail}"},
    'region.run.skipped': {
        "en": "{code} ({reason})",
        "zh": "{code}（{reason}）"},
    'region.run.and': {
        "en": "{detail}; {more}",
        "zh": "{detail}；{more}"},
    # --- siteplan/region/outputs.py: the province tables' own headings and total row
    # (by id only: single words)
    "region.total": {"en": "TOTAL", "zh": "合计"},
    "region.col_unit_code": {"en": "unit_code", "zh": "单元编码"},
    "region.col_unit_name": {"en": "unit_name", "zh": "单元名称"},
    "region.col_unit_status": {"en": "status", "zh": "单元状态"},
    "region.col.demand_weight": {"en": "demand_weight", "zh": "需求权重"},
    "region.col.coverable_w": {"en": "coverable_w", "zh": "可覆盖需求权重"},
    "region.col.covered_w": {"en": "covered_w", "zh": "已覆盖需求权重"},
    "region.col.area_pieces": {"en": "area_pieces", "zh": "区域块数"},
    "region.col.area_pieces_met": {"en": "area_pieces_met", "zh": "达标区域块数"},
    "region.col.landuse_restricted": {"en": "landuse_restricted", "zh": "限制用地站址数"},
    "region.col.landuse_forbidden": {"en": "landuse_forbidden", "zh": "禁止用地站址数"},
    "region.col.landuse_conflicts": {"en": "landuse_conflicts", "zh": "用地冲突数"},
    "region.col.coverage_sites": {"en": "coverage_sites", "zh": "覆盖站址数"},
    "region.col.capacity_sites": {"en": "capacity_sites", "zh": "容量站址数"},
    "region.col.indoor_sites": {"en": "indoor_sites", "zh": "室分站址数"},
    "region.col.proposed_sites": {"en": "proposed_sites", "zh": "规划新增站址数"},
    "region.col.traffic_demand_mbps": {"en": "traffic_demand_mbps", "zh": "话务需求(Mbps)"},
    "region.col.capacity_mbps": {"en": "capacity_mbps", "zh": "容量(Mbps)"},
    "region.col.capacity_share": {"en": "capacity_share", "zh": "容量满足比例"},
    "region.col.capacity_areas": {"en": "capacity_areas", "zh": "容量区域数"},
    "region.col.capacity_areas_met": {"en": "capacity_areas_met", "zh": "容量达标区域数"},
}
