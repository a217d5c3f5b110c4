"""Catalogue entries (plain data). See :mod:`siteplan.messages`.

English templates are the exact text the raising or printing module writes
(``{name}`` matches any text, ``{{``/``}}`` are literal braces); a test
checks that the sample run's console, notes and common errors are known.
"""

from __future__ import annotations

_SEE_SAMPLE = "See data/sample_county/sample_county.toml for a valid example."
_SEE_SAMPLE_ZH = "有效示例见 data/sample_county/sample_county.toml。"
_CLASS_HINT = ("Pass --class-column NAME (class_column in config), or a class for the whole "
               "layer (--class / class = \"生态保护红线\").")
_CLASS_HINT_ZH = ("请用 --class-column 列名（配置中的 class_column）指定类别列，或为整个图层"
                  "指定一个类别（--class / class = \"生态保护红线\"）。")

#: Errors (raised as :class:`siteplan.errors.SiteplanError`), console lines
#: and notes. More specific templates come before general ones (the first
#: English template that matches a whole text wins).
MESSAGES: dict[str, dict[str, str]] = {
    # --- config files -------------------------------------------------------------
    "config.not_found": {"en": "{path}: config file not found.",
                         "zh": "{path}：找不到配置文件。"},
    "config.is_folder": {"en": "{path}: is a folder; give the config file (a .toml) inside it.",
                         "zh": "{path}：这是文件夹；请给出其中的配置文件（.toml）。"},
    "config.toml": {"en": "{path}: not valid TOML ({detail}).",
                    "zh": "{path}：不是有效的 TOML 文件（{detail}）。"},
    "config.layer_missing": {
        "en": "{where}: file {name} not found (looked at {path}). Fix the path; relative paths "
              "start at the config file's folder.",
        "zh": "{where}：找不到文件 {name}（查找位置 {path}）。请改正路径；相对路径从配置文件"
              "所在文件夹算起。"},
    "config.class_map_missing": {"en": "{where}: class_map file {name} not found (looked at "
                                       "{path}).",
                                 "zh": "{where}：找不到类别对照表文件 {name}（查找位置 {path}）。"},
    # config key typos and values (siteplan.config); {names} lists the known keys. The
    # message without "Known:" comes last (its {key} would swallow the others' tails).
    "config.unknown_key": {
        "en": "{path}: unknown key {key}.{hint} Known: {names}. " + _SEE_SAMPLE,
        "zh": "{path}：未知的键 {key}。{hint}可用的键：{names}。" + _SEE_SAMPLE_ZH},
    "config.unknown_table": {
        "en": "{path}: unknown table {key}.{hint} Known: {names}. " + _SEE_SAMPLE,
        "zh": "{path}：未知的表 {key}。{hint}可用的表：{names}。" + _SEE_SAMPLE_ZH},
    "config.region_table": {"en": "{path}: a [region] table is read by siteplan plan-region "
                                  "(one plan per unit, borders stitched), not by siteplan plan: "
                                  "run siteplan plan-region {path} --out DIR (docs/regions.md).",
                            "zh": "{path}：[region] 表由 siteplan plan-region 读取（逐单元规划并"
                                  "拼接边界），siteplan plan 不读取：请运行 siteplan plan-region "
                                  "{path} --out 文件夹（见 docs/regions.md）。"},
    "config.missing_key": {"en": "{path}: missing key {key}. " + _SEE_SAMPLE,
                           "zh": "{path}：缺少键 {key}。" + _SEE_SAMPLE_ZH},
    "config.bad_value": {"en": "{path}, key {key}: {detail} (found {value}). " + _SEE_SAMPLE,
                         "zh": "{path}，键 {key}：{detail}（实际为 {value}）。" + _SEE_SAMPLE_ZH},
    "config.unknown_key_bare": {"en": "{path}: unknown key {key}.{hint} " + _SEE_SAMPLE,
                                "zh": "{path}：未知的键 {key}。{hint}" + _SEE_SAMPLE_ZH},
    "config.entry": {"en": "{path}: {detail}. " + _SEE_SAMPLE,
                     "zh": "{path}：{detail}。" + _SEE_SAMPLE_ZH},
    # the [inputs] entries' and tables' own messages (config validators; {where} names the
    # entry: "[inputs.candidates] item 2")
    "config.layer_table": {"en": "{where}: give a path or a table {{path = \"…\"}}, not {item}",
                           "zh": "{where}：请给出路径或表 {{path = \"…\"}}，而不是 {item}"},
    "config.layer_unknown_key": {"en": "{where}: unknown key {key}.{hint} Keys of a layer: {names}",
                                 "zh": "{where}：未知的键 {key}。{hint}图层可用的键：{names}"},
    "config.layer_no_path": {"en": "{where}: no path; give path = \"file\"",
                             "zh": "{where}：没有路径；请给出 path = \"文件\""},
    "config.layer_field": {"en": "{where}, key {key}: {detail} (input {value})",
                           "zh": "{where}，键 {key}：{detail}（输入值 {value}）"},
    "config.targets_one": {"en": "[inputs.targets]: give one layer of target areas",
                           "zh": "[inputs.targets]：请只给出一个目标区域图层"},
    "config.method": {"en": "must be 'auto', 'greedy' or 'exact'",
                      "zh": "应为 'auto'、'greedy' 或 'exact'"},
    "config.site_target": {"en": "site target for {year} must be a positive whole number",
                           "zh": "{year} 年的站址数目标应为正整数"},
    # --- input files and columns ------------------------------------------------------
    "file.not_found_config": {
        "en": "{path}: file not found. Check the path (relative paths are resolved from the "
              "config file's folder).",
        "zh": "{path}：找不到文件。请检查路径（相对路径从配置文件所在文件夹算起）。"},
    "file.not_found": {"en": "{path}: file not found.", "zh": "{path}：找不到文件。"},
    "file.not_found_check": {"en": "{path}: not found; check the path.",
                             "zh": "{path}：不存在；请检查路径。"},
    "file.is_folder": {"en": "{path}: is a folder; give a file.",
                       "zh": "{path}：这是文件夹；请给出文件。"},
    "file.permission": {"en": "{path}: permission denied; choose a folder you can write.",
                        "zh": "{path}：没有权限；请选择可写入的文件夹。"},
    "file.decode": {"en": "{path}: cannot decode the attributes as {encoding} ({detail}). Give "
                          "the right encoding (encoding = \"gbk\" or \"utf-8\").",
                    "zh": "{path}：无法按 {encoding} 解码属性表（{detail}）。请给出正确的编码"
                          "（encoding = \"gbk\" 或 \"utf-8\"）。"},
    "column.not_found": {
        "en": "{path}: cannot find the {what} column; expected one of {names}, found {columns}. "
              "Rename it or pass lon=/lat= (or lon/lat in the config).",
        "zh": "{path}：找不到{what}列；应为 {names} 之一，实际列为 {columns}。请改列名，或在"
              "配置中用 lon/lat 指定列。"},
    "column.not_given": {"en": "{path}: no column {given} for {what}; columns are {columns}.",
                         "zh": "{path}：没有用于{what}的列 {given}；现有列为 {columns}。"},
    "column.missing": {
        "en": "{source}: missing column(s) {missing}; the layer has {present}. Rename your "
              "columns to the canonical names in docs/inputs.md (Chinese headers such as "
              "站址编码/站址类型 or 区域类型/无线环境/建设年度 are recognised), or in the config "
              "name one with columns = {{{first} = \"your column\"}} or give one value for every "
              "row with defaults = {{{first} = ...}}.",
        "zh": "{source}：缺少列 {missing}；图层现有列为 {present}。请把列名改为 docs/inputs.md 中的"
              "标准列名（可识别 站址编码/站址类型、区域类型/无线环境/建设年度 等中文表头），或在"
              "配置中用 columns = {{{first} = \"你的列名\"}} 指定列，或用 defaults = "
              "{{{first} = ...}} 为每一行给出同一取值。"},
    "column.map_unknown": {
        "en": "{source}: columns = {{{canonical} = ...}}: {quoted} is not a column siteplan "
              "reads here.{hint} Use one of {headers}.",
        "zh": "{source}：columns = {{{canonical} = ...}}：{quoted} 不是此处读取的列。{hint}"
              "请使用 {headers} 之一。"},
    "column.map_absent": {
        "en": "{source}: columns = {{{canonical} = {column}}}: the layer has no column "
              "{column}.{hint} Columns: {present}.",
        "zh": "{source}：columns = {{{canonical} = {column}}}：图层没有列 {column}。{hint}"
              "现有列：{present}。"},
    "value.unknown": {
        "en": "{where}: unknown {what} {value}{more}.{hint} Use one of: {choices} (or their "
              "Chinese names, e.g. {examples} …).",
        "zh": "{where}：未知的{what} {value}{more}。{hint}请使用：{choices}（或其中文名称，"
              "如 {examples} …）。"},
    "value.empty": {
        "en": "{where}: {what} is empty{more}. Use one of: {choices} (or their Chinese names, "
              "e.g. {examples} …).",
        "zh": "{where}：{what}为空{more}。请使用：{choices}（或其中文名称，如 {examples} …）。"},
    "schema.latitude": {"en": "{where}: latitude {lat} is outside [-90, 90] (lon {lon}){swapped} "
                              "Swap the lon/lat columns, or check the CRS.",
                        "zh": "{where}：纬度 {lat} 超出 [-90, 90]（经度 {lon}）{swapped}请交换经纬度"
                              "列，或检查坐标系。"},
    "schema.longitude": {"en": "{where}: longitude {lon} is outside [-180, 180]{swapped} Swap the "
                               "lon/lat columns, or check the CRS.",
                         "zh": "{where}：经度 {lon} 超出 [-180, 180]{swapped}请交换经纬度列，或检查"
                               "坐标系。"},
    "schema.swapped": {"en": "; lon and lat look swapped.", "zh": "；经纬度似乎颠倒了。"},
    "schema.stop": {"en": ".", "zh": "。"},
    "text.cpg_fits": {
        "en": "{source}: cannot decode as {encoding} ({detail}). {cpg} declares {declared} but the "
              "text is not; it reads as {fits}: fix {cpg} or give encoding = \"{fits}\" (encoding "
              "= \"gbk\" or \"utf-8\"), or save it again as UTF-8.",
        "zh": "{source}：无法按 {encoding} 解码（{detail}）。{cpg} 声明的编码为 {declared}，但文本"
              "不是该编码；按 {fits} 可以读取：请改正 {cpg}，或给出 encoding = \"{fits}\"（encoding "
              "= \"gbk\" 或 \"utf-8\"），或另存为 UTF-8。"},
    "text.cpg_wrong": {
        "en": "{source}: cannot decode as {encoding} ({detail}). {cpg} declares {declared} but the "
              "text is not; give the real encoding (encoding = \"gbk\" or \"utf-8\"), or save it "
              "again as UTF-8.",
        "zh": "{source}：无法按 {encoding} 解码（{detail}）。{cpg} 声明的编码为 {declared}，但文本"
              "不是该编码；请给出实际编码（encoding = \"gbk\" 或 \"utf-8\"），或另存为 UTF-8。"},
    "coord.bad": {
        "en": "{path}, line {line}, columns {lon}/{lat}: coordinate {x}/{y} is empty or not a "
              "number ({count} rows in all). Fill it in or remove the row.",
        "zh": "{path}，第 {line} 行，列 {lon}/{lat}：坐标 {x}/{y} 为空或不是数字（共 {count} "
              "行）。请填写或删除该行。"},
    "crs.unknown": {
        "en": "{source}: unknown crs {crs} ({detail}). Use an EPSG code such as EPSG:4490 "
              "(CGCS2000), EPSG:4528, or gcj02 / bd09.",
        "zh": "{source}：未知坐标系 {crs}（{detail}）。请使用 EPSG 代码，如 EPSG:4490"
              "（CGCS2000）、EPSG:4528，或 gcj02 / bd09。"},
    "layer.empty": {"en": "{source}: the layer is empty. Give a layer with at least one feature.",
                    "zh": "{source}：图层为空。请给出至少含一个要素的图层。"},
    "layer.no_crs": {
        "en": "{source}: the layer has no coordinate reference system. Set one (e.g. EPSG:4326 "
              "for lon/lat, EPSG:4490 for CGCS2000) in the file or in the config.",
        "zh": "{source}：图层没有坐标参考系。请在文件或配置中设置（如经纬度用 EPSG:4326，"
              "CGCS2000 用 EPSG:4490）。"},
    "layer.read": {"en": "{path}: cannot read layer {layer} ({detail}).{more}",
                   "zh": "{path}：无法读取图层 {layer}（{detail}）。{more}"},
    "rows.bad": {"en": "{source}: {count} rows cannot be read: {rows}. Fix these rows, or pass "
                       "on_bad_rows='report' (--skip-bad-rows) to skip and list them.",
                 "zh": "{source}：有 {count} 行无法读取：{rows}。请改正这些行，或设置 "
                       "on_bad_rows='report'（--skip-bad-rows）跳过并列出它们。"},
    "rows.bad_one": {"en": "{source}: {count} row cannot be read: {rows}. Fix these rows, or "
                           "pass on_bad_rows='report' (--skip-bad-rows) to skip and list them.",
                     "zh": "{source}：有 {count} 行无法读取：{rows}。请改正该行，或设置 "
                           "on_bad_rows='report'（--skip-bad-rows）跳过并列出。"},
    "text.encoding_name": {"en": "{source}: unknown encoding {name}; use utf-8, gbk or gb18030.",
                           "zh": "{source}：未知编码 {name}；请使用 utf-8、gbk 或 gb18030。"},
    "text.decode": {"en": "{source}: cannot decode as {encoding} ({detail}). Give the file's real "
                          "encoding (encoding = \"gbk\" or \"utf-8\"), or save it again as UTF-8.",
                    "zh": "{source}：无法按 {encoding} 解码（{detail}）。请给出文件的实际编码"
                          "（encoding = \"gbk\" 或 \"utf-8\"），或另存为 UTF-8。"},
    "text.broken_gbk": {"en": "{source}: Chinese text in GBK (Chinese Windows) with bytes that are "
                              "neither GBK nor UTF-8 ({detail}). Fix or delete that line (or "
                              "re-save the file from Excel), or give its encoding (encoding = "
                              "\"...\" in the config).",
                        "zh": "{source}：GBK（中文 Windows）编码的中文文本中有既非 GBK 也非 UTF-8 "
                              "的字节（{detail}）。请修改或删除该行（或用 Excel 重新保存该文件），"
                              "或在配置中给出编码（encoding = \"...\"）。"},
    "text.undetected": {"en": "{source}: the text is in no encoding I can detect ({detail}). Give "
                              "its encoding (encoding = \"...\" in the config), or save it as "
                              "UTF-8.",
                        "zh": "{source}：无法识别文本编码（{detail}）。请在配置中给出编码"
                              "（encoding = \"...\"），或另存为 UTF-8。"},
    "text.empty": {"en": "{path}: the file is empty.", "zh": "{path}：文件为空。"},
    "text.no_sheet": {"en": "{path}: no sheet {sheet} ({detail}). Give one of the workbook's "
                            "sheets.",
                      "zh": "{path}：没有工作表 {sheet}（{detail}）。请给出工作簿中的某个工作表。"},
    "text.spreadsheet": {"en": "{path}: cannot read as a spreadsheet ({detail}). Open it in Excel "
                               "and save it again as .xlsx.",
                         "zh": "{path}：无法按电子表格读取（{detail}）。请用 Excel 打开并另存为 "
                               ".xlsx。"},
    "text.csv": {"en": "{path}: cannot read as CSV ({detail}).",
                 "zh": "{path}：无法按 CSV 读取（{detail}）。"},
    # --- terrain rasters (siteplan.terrain.raster); {what}: "DEM" or "clutter raster" -----
    "raster.not_found": {"en": "{path}: {what} file not found. Fix the path under [inputs] in the "
                               "config (relative paths start at the config file's folder).",
                         "zh": "{path}：找不到{what}文件。请改正配置 [inputs] 中的路径（相对路径从"
                               "配置文件所在文件夹算起）。"},
    "raster.read": {"en": "{path}: cannot read the {what} as a raster ({detail}); give a GeoTIFF "
                          "(SRTM/Copernicus .tif, or .hgt).",
                    "zh": "{path}：无法按栅格读取{what}（{detail}）；请给出 GeoTIFF 文件（SRTM/"
                          "Copernicus 的 .tif，或 .hgt）。"},
    "raster.no_crs": {"en": "{path}: the {what} has no CRS; give a GeoTIFF with its CRS (SRTM and "
                            "Copernicus tiles carry EPSG:4326).",
                      "zh": "{path}：{what}没有坐标系；请给出带坐标系的 GeoTIFF（SRTM 与 "
                            "Copernicus 分幅自带 EPSG:4326）。"},
    "raster.crs_mixed": {"en": "{path}: the {what} tiles are in different CRSs ({crs}); reproject "
                               "them to one first.",
                         "zh": "{path}：{what}分幅的坐标系不一致（{crs}）；请先统一重投影。"},
    "raster.too_large": {"en": "{path}: the study area needs a {size} {what} grid at "
                               "terrain.profile_step_m; raise terrain.profile_step_m.",
                         "zh": "{path}：研究区域需要 {size} 的{what}栅格（按 "
                               "terrain.profile_step_m）；请增大 terrain.profile_step_m。"},
    # --- check-landuse, relocate, plan folders ------------------------------------------
    "check.gpkg": {"en": "{path}: cannot open as a GeoPackage ({detail}).",
                   "zh": "{path}：无法作为 GeoPackage 打开（{detail}）。"},
    "check.layers": {"en": "{path}: {count} layers ({names}) and none is a plan's sites_<year>; "
                           "pass --layer NAME.",
                     "zh": "{path}：有 {count} 个图层（{names}），没有规划的 sites_<年度> 图层；"
                           "请用 --layer 图层名 指定。"},
    "check.no_sites": {"en": "{source}: no sites in the layer.", "zh": "{source}：图层中没有站址。"},
    "check.no_crs": {"en": "{source}: the sites have no CRS. Set one in the file, or pass "
                           "--sites-crs EPSG:4326 (or gcj02 / bd09).",
                     "zh": "{source}：站址没有坐标系。请在文件中设置，或用 --sites-crs EPSG:4326"
                           "（或 gcj02 / bd09）指定。"},
    "check.no_location": {"en": "{where}{ident}: the site has no location ({count} sites in all). "
                                "A site without a location cannot be checked: give it "
                                "coordinates or remove the row.",
                          "zh": "{where}{ident}：站址没有位置（共 {count} 个）。没有位置的站址无法"
                                "核查：请补充坐标或删除该行。"},
    "check.id_column": {"en": "{source}: no id column {column}; columns are {columns}. Pass "
                              "--id-column.",
                        "zh": "{source}：没有编码列 {column}；现有列为 {columns}。请用 --id-column "
                              "指定。"},
    "check.options": {"en": "--class, --class-column, --class-map, --zones-crs and --encoding "
                            "apply to ZONES given on the command line; the config's "
                            "[inputs.landuse] layers carry their own (class, class_column, "
                            "class_map, crs, encoding). Give ZONES, or set them in the config.",
                      "zh": "--class、--class-column、--class-map、--zones-crs 与 --encoding 只"
                            "适用于命令行给出的图斑文件；配置中 [inputs.landuse] 的图层自带这些"
                            "设置（class、class_column、class_map、crs、encoding）。请给出图斑"
                            "文件，或在配置中设置。"},
    "plan.not_folder": {"en": "{folder}: not a folder; give the output folder of `siteplan plan`.",
                        "zh": "{folder}：不是文件夹；请给出 `siteplan plan` 的输出文件夹。"},
    "plan.old": {"en": "{folder}: written by an older siteplan (no plan.json), which relocation "
                       "cannot read exactly; re-run `siteplan plan` to refresh it.",
                 "zh": "{folder}：由旧版 siteplan 写出（没有 plan.json），迁改无法精确读取；请"
                       "重新运行 `siteplan plan`。"},
    "plan.not_plan": {"en": "{folder}: not a plan folder (needs plan.gpkg and plan.json from "
                            "`siteplan plan` or `siteplan demo`).",
                      "zh": "{folder}：不是规划输出文件夹（需要 `siteplan plan` 或 `siteplan "
                            "demo` 写出的 plan.gpkg 与 plan.json）。"},
    "plan.edited": {"en": "{gpkg}, layer {name}: changed since siteplan wrote it (edited by "
                          "hand?), so the plan no longer matches its inputs. Re-run `siteplan "
                          "plan` with the edited inputs instead of editing the plan folder.",
                    "zh": "{gpkg}，图层 {name}：在 siteplan 写出后被改动（手工编辑？），规划已与"
                          "其输入不符。请用修改后的输入重新运行 `siteplan plan`，不要直接编辑"
                          "规划文件夹。"},
    "plan.gpkg_missing": {"en": "{folder}: plan.gpkg is missing; re-run `siteplan plan`.",
                          "zh": "{folder}：缺少 plan.gpkg；请重新运行 `siteplan plan`。"},
    "plan.layer_missing": {"en": "{gpkg}: layer {name} is missing; re-run `siteplan plan`.",
                           "zh": "{gpkg}：缺少图层 {name}；请重新运行 `siteplan plan`。"},
    "relocate.share": {"en": "--restore-share {share} must be in (0, 1], e.g. 0.99.",
                       "zh": "--restore-share {share} 应在 (0, 1] 之间，如 0.99。"},
    "relocate.none": {"en": "give at least one site to remove (--remove ID).",
                      "zh": "请至少给出一个要拆除的站址（--remove 编码）。"},
    "relocate.unknown": {"en": "{gpkg}, layer sites_{year}, column 'site_id': {ids} not in the "
                               "{year} plan. Use ids from sites_{year}.csv.",
                         "zh": "{gpkg}，图层 sites_{year}，列 'site_id'：{ids} 不在 {year} 年度"
                               "规划中。请使用 sites_{year}.csv 中的编码。"},
    # --- land use ---------------------------------------------------------------------
    "zone.no_class_column_named": {
        "en": "{source}: no class column {column}; columns are {columns}. " + _CLASS_HINT,
        "zh": "{source}：没有类别列 {column}；现有列为 {columns}。" + _CLASS_HINT_ZH},
    "zone.no_class_column": {
        "en": "{source}: no class column; columns are {columns}. Expected zone_class, or a "
              "land-survey layer's DLBM/DLMC. " + _CLASS_HINT,
        "zh": "{source}：没有类别列；现有列为 {columns}。应有 zone_class 列，或三调图层的 "
              "DLBM/DLMC 列。" + _CLASS_HINT_ZH},
    "zone.class_map_unknown": {"en": "class map: {local} maps to unknown class {cls}.{hint} "
                                     "Known classes: {known}.",
                               "zh": "类别对照表：{local} 对应的类别 {cls} 未知。{hint}"
                                     "已知类别：{known}。"},
    "zone.class_map_entry": {"en": "{where}: class map entry {local} → {cls}: unknown "
                                   "class.{hint} Known classes: {known}.",
                             "zh": "{where}：类别对照表条目 {local} → {cls}：未知类别。{hint}"
                                   "已知类别：{known}。"},
    "zone.no_crs": {
        "en": "{source}: the zones have no CRS. Set one in the file (a .prj for a shapefile) "
              "or give crs = \"EPSG:4490\" in the config.",
        "zh": "{source}：图斑没有坐标系。请在文件中设置（shapefile 需 .prj 文件），或在配置中"
              "给出 crs = \"EPSG:4490\"。"},
    "zone.empty": {"en": "{source}: the zone layer is empty.", "zh": "{source}：用地图层为空。"},
    # --- outputs ----------------------------------------------------------------------
    "out.is_file": {"en": "{out}: exists and is a file, not a folder; choose another --out.",
                    "zh": "{out}：已存在且是文件而不是文件夹；请另选 --out。"},
    "out.foreign": {
        "en": "{out}: this folder has files siteplan did not write (no {marker} marker); they "
              "would be replaced. Choose an empty or new folder, or add --force to replace it.",
        "zh": "{out}：该文件夹中有非 siteplan 写入的文件（没有 {marker} 标记），会被替换。请"
              "选择空文件夹或新文件夹，或加 --force 替换。"},
    "out.denied": {"en": "{parent}: cannot write here (permission denied); choose another --out.",
                   "zh": "{parent}：无法写入（没有权限）；请另选 --out。"},
    "out.create": {"en": "{parent}: cannot create the output folder ({detail}); choose another "
                         "--out.",
                   "zh": "{parent}：无法创建输出文件夹（{detail}）；请另选 --out。"},
    "out.move": {"en": "{out}: could not move the finished outputs into place ({detail}); the "
                       "earlier folder is unchanged.",
                 "zh": "{out}：无法把完成的输出移到位（{detail}）；原文件夹未改动。"},
    "out.is_input": {"en": "{dest}: is also an input; writing it would destroy the input. "
                           "Choose another output file.",
                     "zh": "{dest}：同时是输入文件；写入会毁掉输入。请另选输出文件。"},
    "out.file_is_folder": {"en": "{dest}: is a folder; give a file name such as candidates.gpkg.",
                           "zh": "{dest}：这是文件夹；请给出文件名，如 candidates.gpkg。"},
    "out.exists": {"en": "{dest}: exists; add --force to replace it, or choose another name.",
                   "zh": "{dest}：已存在；加 --force 替换，或另选文件名。"},
    "out.cannot_write": {"en": "{directory}: cannot write here ({detail}).",
                         "zh": "{directory}：无法写入（{detail}）。"},
    "out.suffix": {"en": "{out}: choose a .gpkg, .geojson or .csv output file.",
                   "zh": "{out}：请选择 .gpkg、.geojson 或 .csv 输出文件。"},
    "format.unknown": {"en": "output format(s) {formats}: use any of {choices}.",
                       "zh": "输出格式 {formats} 无效：可用 {choices}。"},
    "lang.unknown": {"en": "language {lang}: use one of {langs}.",
                     "zh": "语言 {lang} 无效：请使用 {langs} 之一。"},
    "lang.unknown_from": {"en": "{origin} = {lang}: use one of {langs}.",
                          "zh": "{origin} = {lang} 无效：请使用 {langs} 之一。"},
    "power.no_tariff": {"en": "power: no tariff for supply type(s) {missing}; set {keys}.",
                        "zh": "供电：供电方式 {missing} 没有电价；请设置 {keys}。"},
    # --- work and assumptions -----------------------------------------------------------
    "work.too_large": {
        "en": "this plan needs {need}, more than this run allows (work.max_demand_points = "
              "{points}, work.max_memory_share = {share}). Raise demand.spacing_m, split the "
              "region (siteplan plan-region), or add --allow-large to run it anyway.",
        "zh": "本规划需要{need}，超出本次运行的上限（work.max_demand_points = {points}，"
              "work.max_memory_share = {share}）。请增大 demand.spacing_m、拆分区域（siteplan "
              "plan-region），或加 --allow-large 强制运行。"},
    "work.describe": {
        "en": "about {points} demand points, {pairs} candidate-demand pairs and {memory} GiB of "
              "memory ({available} GiB on this machine)",
        "zh": "约 {points} 个需求点、{pairs} 个候选站址-需求点对和 {memory} GiB 内存（本机 "
              "{available} GiB）"},
    "cli.bug": {"en": "unexpected {name}: {detail}. This is a bug in siteplan (the input should "
                      "have been refused with a clear message); set SITEPLAN_DEBUG=1 to see the "
                      "traceback and report it.",
                "zh": "意外的 {name}：{detail}。这是 siteplan 的缺陷（该输入本应以明确的消息拒绝）；"
                      "请设置 SITEPLAN_DEBUG=1 查看调用栈并报告。"},
    "c.interrupted": {"en": "interrupted (Ctrl-C): stopped; an output folder being written is "
                            "left as it was before this run.",
                      "zh": "已中断（Ctrl-C）：已停止；正在写出的输出文件夹保持本次运行前的状态。"},
    "cli.memory": {"en": "out of memory; raise demand.spacing_m or split the region (siteplan "
                         "plan-region).",
                   "zh": "内存不足；请增大 demand.spacing_m 或拆分区域（siteplan plan-region）。"},
    "assumptions.unknown": {"en": "assumptions: unknown key {key}.{hint} See "
                                  "docs/assumptions.md for every key.",
                            "zh": "假设参数：没有键 {key}。{hint}全部键见 docs/assumptions.md。"},
    "assumptions.retired_offset": {
        "en": "assumptions: {key} is no longer a key: the plan's path-loss model has no "
              "per-environment offset (an older siteplan calibrate wrote it, but plan never "
              "applied it). Remove the line; the common offset is pathloss.offset_db, and offsets "
              "per class need a clutter raster ([inputs] clutter, clutter.offset_db.<class>): run "
              "siteplan calibrate again to fit them.",
        "zh": "假设参数：{key} 已不再是有效的键：规划的路径损耗模型没有按环境的修正量（旧版 siteplan "
              "calibrate 曾写出它，但 plan 从未使用）。请删除该行；公共修正量为 pathloss.offset_db，"
              "按类别的修正量需要地物栅格（[inputs] clutter，clutter.offset_db.<类别>）：请重新运行 "
              "siteplan calibrate 拟合。"},
    "assumptions.range": {"en": "assumptions: {key} = {value} is outside [{low}, {high}]{unit}.",
                          "zh": "假设参数：{key} = {value} 超出范围 [{low}, {high}]{unit}。"},
    "assumptions.choice": {"en": "assumptions: {key} = {value} is not one of {choices}.{hint}",
                           "zh": "假设参数：{key} = {value} 不是 {choices} 之一。{hint}"},
    "assumptions.number": {"en": "assumptions: {key} must be a number, got {value}.",
                           "zh": "假设参数：{key} 应为数字，实际为 {value}。"},
    "region.border_mode": {
        "en": "keep_border_coverage = {value}: use true (= \"target\": border coverage kept up "
              "to each area's target), false (= \"none\": whole-area targets only), \"target\", "
              "\"all\" (all the border coverage the units gave) or \"none\".",
        "zh": "keep_border_coverage = {value}：请使用 true（= \"target\"：边界覆盖保持到各区域的"
              "目标），false（= \"none\"：只要求整个区域的目标），\"target\"、\"all\"（保留各单元"
              "给出的全部边界覆盖）或 \"none\"。"},
    "region.plan_region": {"en": "plan_region: {detail}", "zh": "plan_region：{detail}"},
    # --- console: plan-region ------------------------------------------------------------
    "g.reading": {"en": "reading the inputs of {name}", "zh": "读取 {name} 的输入"},
    "g.units": {"en": "{units} units; halo (longest reach) {reach} m; writing partitions",
                "zh": "{units} 个单元；缓冲带（最远覆盖距离）{reach} 米；写出分区"},
    "g.proposing": {"en": "proposing new builds in {todo} units ({cached} unchanged)",
                    "zh": "在 {todo} 个单元中提议新建站址（{cached} 个未变）"},
    "g.unit_proposed": {"en": "unit {code} ({name}): {count} new builds proposed ({seconds} s)",
                        "zh": "单元 {code}（{name}）：提议新建 {count} 个站址（{seconds} 秒）"},
    "g.proposals_failed": {"en": "proposals of unit {code} ({name}) FAILED: {error}",
                           "zh": "单元 {code}（{name}）的新建提议失败：{error}"},
    "g.proposed": {"en": "{count} new builds proposed in the province (after merging the units' "
                         "proposals at the same place)",
                   "zh": "全省共提议新建 {count} 个站址（同一位置的各单元提议已合并）"},
    "g.to_plan": {"en": "{cached} units unchanged since the last run, {todo} to plan",
                  "zh": "{cached} 个单元自上次运行以来未变，{todo} 个待规划"},
    "g.unit_done": {"en": "unit {code} ({name}): {seconds} s, {points} demand points, "
                          "{sites} sites by {year}",
                    "zh": "单元 {code}（{name}）：{seconds} 秒，{points} 个需求点，"
                          "至 {year} 年 {sites} 个站址"},
    "g.unit_status": {"en": "unit {code} ({name}): {status}",
                      "zh": "单元 {code}（{name}）：{status}"},
    "g.unit_failed": {"en": "unit {code} ({name}) FAILED: {error}",
                      "zh": "单元 {code}（{name}）失败：{error}"},
    "g.not_kept": {"en": "unit {code}: its result is not kept for the next run ({detail})",
                   "zh": "单元 {code}：其结果未能保存供下次运行使用（{detail}）"},
    "g.unit_note": {"en": "unit {code}: {note}", "zh": "单元 {code}：{note}"},
    "g.not_planned": {"en": "{count} unit(s) not planned: {units}",
                      "zh": "{count} 个单元未规划：{units}"},
    "g.stitch_same": {"en": "border stitch unchanged since the last run",
                      "zh": "边界拼接自上次运行以来未变"},
    "g.stitching": {"en": "stitching the borders of {count} units", "zh": "拼接 {count} 个单元的边界"},
    # the kept choice named in words (the generic entry below would leave "stitched"/"units")
    "g.stitch_year_stitched": {
        "en": "stitch {year}: {points} border demand points, {rows} border areas' capacity rows, "
              "units' border sites {before} CNY -> stitched {after} CNY (kept stitched)",
        "zh": "{year} 年边界拼接：{points} 个边界需求点，{rows} 个边界区域容量约束，"
              "各单元边界站址 {before} 元 → 拼接后 {after} 元（采用拼接结果）"},
    "g.stitch_year_units": {
        "en": "stitch {year}: {points} border demand points, {rows} border areas' capacity rows, "
              "units' border sites {before} CNY -> stitched {after} CNY (kept units)",
        "zh": "{year} 年边界拼接：{points} 个边界需求点，{rows} 个边界区域容量约束，"
              "各单元边界站址 {before} 元 → 拼接后 {after} 元（保留各单元自己的选择）"},
    "g.stitch_year": {"en": "stitch {year}: {points} border demand points, {rows} border areas' "
                            "capacity rows, units' border sites {before} CNY -> stitched {after} "
                            "CNY (kept {kept})",
                      "zh": "{year} 年边界拼接：{points} 个边界需求点，{rows} 个边界区域容量约束，"
                            "各单元边界站址 {before} 元 → 拼接后 {after} 元（保留{kept}）"},
    "g.folders": {"en": "writing {todo} unit plan folders ({cached} unchanged)",
                  "zh": "写出 {todo} 个单元的规划文件夹（{cached} 个未变）"},
    "g.folder_done": {"en": "folder of unit {code} written ({seconds} s)",
                      "zh": "单元 {code} 的文件夹已写出（{seconds} 秒）"},
    "g.folder_failed": {"en": "folder of {code} FAILED: {error}",
                        "zh": "单元 {code} 的文件夹写出失败：{error}"},
    "g.dashboard": {"en": "Dask dashboard: {link} ({workers} workers)",
                    "zh": "Dask 监控页：{link}（{workers} 个工作进程）"},
    "g.wrote_failed": {"en": "wrote {out} in {seconds} s; {count} unit(s) FAILED: {units}",
                       "zh": "已写出 {out}，用时 {seconds} 秒；{count} 个单元失败：{units}"},
    "g.wrote": {"en": "wrote {out} in {seconds} s", "zh": "已写出 {out}，用时 {seconds} 秒"},
    "g.interrupted": {
        "en": "interrupted: nothing was written to --out; the units planned so far are kept in "
              "the work folder, so running the same command again continues from there.",
        "zh": "已中断：--out 中没有写入任何内容；已规划的单元保存在工作文件夹中，再次运行同一命令"
              "会从那里继续。"},
    "g.failures": {"en": "{count} unit(s) failed after retries ({lines}). The other units' "
                         "results are kept; fix the cause and run again to plan only these.",
                   "zh": "{count} 个单元重试后仍失败（{lines}）。其他单元的结果已保留；请排除原因后"
                         "再次运行，只会重新规划这些单元。"},
    "g.failed_proposing": {"en": "proposing new builds: {error}", "zh": "提议新建站址：{error}"},
    "g.failed_folder": {"en": "writing its plan folder: {error}", "zh": "写出其规划文件夹：{error}"},
    "g.kept_stitched": {"en": "stitched", "zh": "拼接结果"},
    "g.kept_units": {"en": "units", "zh": "各单元结果"},
    "g.kept_stitched_short": {"en": "stitched: the units' own choice misses a whole area's target",
                              "zh": "拼接结果：各单元自己的选择未达到整个区域的目标"},
    "g.planned": {"en": "planned", "zh": "已规划"},
    "g.ok": {"en": "ok", "zh": "正常"},
    "g.failed_status": {"en": "failed: {error}", "zh": "失败：{error}"},
    "g.failed_units": {"en": "failed units: {units}", "zh": "失败的单元：{units}"},
    "g.no_zone": {"en": "no land-use zone within reach of the unit",
                  "zh": "单元覆盖范围内没有用地分区"},
    "g.no_road": {"en": "no road within reach of the unit (no smart pole along a road)",
                  "zh": "单元覆盖范围内没有道路（不沿路规划智慧杆）"},
    "g.no_target": {"en": "skipped: no target area in the unit", "zh": "跳过：单元内没有目标区域"},
    "g.no_demand": {"en": "skipped: no demand point after clipping the target areas to the unit",
                    "zh": "跳过：目标区域裁剪到单元后没有需求点"},
    "g.unreachable": {"en": "demand unreachable: no candidate or new build within reach",
                      "zh": "需求无法覆盖：覆盖范围内没有候选站址或新建站址"},
    # a line of a phase, counted ("[3/20] unit …"); last: its {line} is any other line
    "g.counted": {"en": "[{i}/{n}] {line}", "zh": "[{i}/{n}] {line}"},
    # --- console: progress ----------------------------------------------------------------
    "p.reading": {"en": "reading inputs of {name}", "zh": "读取 {name} 的输入"},
    "p.demand": {"en": "demand points ({crs})", "zh": "生成需求点（{crs}）"},
    "p.coverage": {"en": "coverage of {points} demand points by {candidates} candidates",
                   "zh": "计算 {candidates} 个候选站址对 {points} 个需求点的覆盖"},
    "p.traffic": {"en": "traffic per area and site capacity", "zh": "各区域话务量与站址容量"},
    "p.proposals": {"en": "new-build proposals where no listed candidate serves",
                    "zh": "在候选站址均无法服务处规划新建站址"},
    "p.landuse": {"en": "land-use check of every candidate", "zh": "逐一检查候选站址用地"},
    "p.milestone": {"en": "milestone {year}: set cover over {points} demand points",
                    "zh": "{year} 年度：对 {points} 个需求点求解集合覆盖"},
    "p.radius": {"en": "comparison plan with the radius table", "zh": "按半径表做对比规划"},
    "p.capacity": {"en": "capacity: coverage-only comparison and traffic sensitivity",
                   "zh": "容量：仅按覆盖的对比与话务敏感性分析"},
    "p.sinr": {"en": "best server and SINR of the plan", "zh": "规划的最佳服务小区与 SINR 分析"},
    "p.site_targets": {"en": "site-count targets: what each count buys",
                       "zh": "站址数目标：各数量可达到的覆盖"},
    "p.tables": {"en": "GeoPackage and tables", "zh": "写出 GeoPackage 与表格"},
    "p.maps": {"en": "maps", "zh": "地图"},
    "p.reports": {"en": "reports", "zh": "报告"},
    "p.wrote": {"en": "wrote {count} files to {out}", "zh": "已写出 {count} 个文件到 {out}"},
    "p.starting": {"en": "starting", "zh": "开始"},
    "p.checking": {"en": "checking {sites} sites against {zones} zones",
                   "zh": "检查 {sites} 个站址与 {zones} 个图斑"},
    # --- console: notes (PlanInputs.notes, check-landuse) ---------------------------------
    "n.converted": {"en": "{source}: converted from {system} to WGS84 (every vertex).",
                    "zh": "{source}：已从 {system} 转换为 WGS84（逐个顶点）。"},
    "n.lonlat_converted": {"en": "{source}: lon/lat converted from {system} to WGS84.",
                           "zh": "{source}：经纬度已从 {system} 转换为 WGS84。"},
    "n.repaired": {"en": "{source}: repaired {count} invalid zone geometries with make_valid "
                         "(zone_id {ids}…).",
                   "zh": "{source}：已用 make_valid 修复 {count} 个无效图斑几何（图斑编码 {ids}…）。"},
    "n.gcj02_list": {
        "en": "warning: {source}: this list looks like GCJ-02; add crs = 'gcj02' ({after} of its "
              "points sit on other layers' structures or roads once moved from GCJ-02 to WGS84, "
              "{before} as read: an Amap/奥维 export is ~300–700 m off).",
        "zh": "警告：{source}：该清单看起来是 GCJ-02 坐标；请加 crs = 'gcj02'（从 GCJ-02 转为 WGS84 后"
              "有 {after} 个点与其他图层的设施或道路重合，按原样读取时为 {before} 个：高德/奥维导出的"
              "数据约偏 300–700 米）。"},
    "n.bandwidth_capped": {"en": "radio.bandwidth_mhz.{band} = {asked} MHz is more than a {band} "
                                 "carrier allows; capacity uses {bandwidth} MHz.",
                           "zh": "radio.bandwidth_mhz.{band} = {asked} MHz 超过 {band} 单载波上限；"
                                 "容量按 {bandwidth} MHz 计算。"},
    "n.zone_clutter": {
        "en": "land-use zones read as clutter (terrain.clutter = \"landuse\", clutter.zone.*): "
              "demand weight by clutter class: {clutter_shares}.{unzoned}",
        "zh": "用地图斑作为地物读取（terrain.clutter = \"landuse\"，clutter.zone.*）：各地物类别的"
              "需求权重：{clutter_shares}。{unzoned}"},
    "n.zone_unzoned": {
        "en": " {share} % of the demand stands in no mapped zone and is read as open land (line "
              "of sight where the terrain clears): give the full 三调 parcel layer (DLTB), a "
              "land-cover raster, or set clutter.zone.unzoned.",
        "zh": "{share}% 的需求不在任何已映射分区内，按开阔地处理（地形无遮挡处为视距）：请给出完整的"
              "三调地类图斑图层（DLTB）、地表覆盖栅格，或设置 clutter.zone.unzoned。"},
    "n.declared": {"en": "{source}: the file declares {declared}; crs = {crs} from the config "
                         "was used instead.",
                   "zh": "{source}：文件声明的坐标系为 {declared}；已改用配置中的 crs = {crs}。"},
    "n.decoded": {"en": "{source}: text decoded as {encoding}.",
                  "zh": "{source}：文本按 {encoding} 解码。"},
    "n.reprojected": {"en": "{source}: reprojected from {a} to {b}.",
                      "zh": "{source}：已从 {a} 重投影到 {b}。"},
    "n.skipped": {"en": "{source}: {count} unusable rows skipped (first: line {line}, {reason}).",
                  "zh": "{source}：跳过 {count} 行无法使用的数据（第一行：第 {line} 行，{reason}）。"},
    "n.total_row": {"en": "{source}: line {lines} left out: a total row (合计/小计/总计).",
                    "zh": "{source}：第 {lines} 行是合计行，已略去（合计/小计/总计）。"},
    "n.total_rows": {"en": "{source}: lines {lines} left out: total rows (合计/小计/总计).",
                     "zh": "{source}：第 {lines} 行是合计行，已略去（合计/小计/总计）。"},
    "n.own_cost": {"en": "{source}: the list's own cost kept for {count} of {total} candidates; "
                         "the kind costs (cost_cny.<kind>) for the rest.",
                   "zh": "{source}：{total} 个候选站址中 {count} 个沿用清单自带的投资，其余按站址"
                         "类型投资（cost_cny.<kind>）。"},
    "n.zone_ids": {"en": "{count} repeated zone ids made unique with '#<row>'.",
                   "zh": "{count} 个重复的图斑编码已加 '#<行号>' 区分。"},
    "n.checked_layer": {"en": "{path}: checked layer {layer} (the plan's last milestone); pass "
                              "--layer to check another.",
                        "zh": "{path}：检查了图层 {layer}（规划的最后年度）；用 --layer 检查其他图层。"},
    "n.zones_reprojected": {
        "en": "zones reprojected from {a} to {b} (the sites' CRS) for the outputs; overlaps and "
              "distances measured in {c}.",
        "zh": "图斑已从 {a} 重投影到 {b}（站址的坐标系）用于输出；重叠面积与距离在 {c} 中量算。"},
    "n.no_kind": {"en": "the sites have no kind column: every site is judged as a new ground "
                        "tower (the strictest group).",
                  "zh": "站址没有类型列：每个站址都按新建落地塔（最严格的一类）判定。"},
    "n.unknown_kinds": {"en": "kinds no name matches ({kinds}): those sites are judged as new "
                              "ground towers (the strictest group). Fix the kinds to check them "
                              "as what they are.",
                        "zh": "无法识别的站址类型（{kinds}）：这些站址按新建落地塔（最严格的一类）"
                              "判定。请改正类型以按实际类型检查。"},
    "n.zones_given": {"en": "ZONES given: the {count} [inputs.landuse] layer(s) of {config} are "
                            "not used (its assumptions are).",
                      "zh": "已给出图斑文件：不使用 {config} 中的 {count} 个 [inputs.landuse] "
                            "图层（仍使用其假设参数）。"},
    # --- report notes (Plan.notes, site-count basis, unreachable reasons) ----------------
    "n.proposed": {"en": "proposed where no listed candidate reaches demand: {counts} ({points} "
                         "demand points out of every listed candidate's reach).",
                   "zh": "在已列候选站址均无法覆盖处规划新建：{counts}（{points} 个需求点超出所有"
                         "已列候选站址的覆盖范围）。"},
    "n.proposed_capacity": {"en": "proposed for capacity (candidates carry less than {margin} × "
                                  "the busy-hour demand): {areas}",
                            "zh": "因容量规划新建（候选站址承载能力低于忙时需求的 {margin} 倍）："
                                  "{areas}"},
    "n.on_air_forbidden": {"en": "{count} sites already on air stand on forbidden land; they are "
                                 "kept and listed in the land-use section.",
                           "zh": "{count} 个已开通站址位于禁止用地上；予以保留，并在用地一节列出。"},
    "b.next": {"en": "coverage of the {year} areas", "zh": "{year} 年度区域的覆盖"},
    "b.second": {"en": "second-server coverage of {classes}", "zh": "{classes}的第二服务小区覆盖"},
    # --- console: command results -----------------------------------------------------
    "c.error": {"en": "error: ", "zh": "错误："},
    "c.note": {"en": "note: {text}", "zh": "说明：{text}"},
    "c.check_result": {"en": "{forbidden} forbidden, {restricted} restricted conflict(s); "
                             "outputs in {out}",
                       "zh": "禁止冲突 {forbidden} 处，限制冲突 {restricted} 处；输出在 {out}"},
    "c.relocate_result": {"en": "{replacements} replacement(s) for {removed} removed site(s) "
                                "restore {share}% of the lost covered demand; work order in "
                                "{out}",
                          "zh": "为 {removed} 个拆除站址规划 {replacements} 个替代站址，恢复损失"
                                "覆盖需求的 {share}%；工单在 {out}"},
    "c.candidates_read": {"en": "{path}: {count} candidates ({source_type}){skipped}",
                          "zh": "{path}：{count} 个候选站址（{source_type}）{skipped}"},
    "c.candidates_skipped": {"en": ", {count} unreadable rows skipped (first: line {line}: "
                                   "{reason})",
                             "zh": "，跳过 {count} 行无法读取的数据（第一行：第 {line} 行：{reason}）"},
    "c.candidates_title": {"en": "{count} candidates after merging ({read} read)",
                           "zh": "合并后 {count} 个候选站址（读入 {read} 个）"},
    "c.wrote": {"en": "wrote {path}", "zh": "已写出 {path}"},
    "c.kind": {"en": "kind", "zh": "站址类型"},
    "c.total": {"en": "total", "zh": "合计"},
    # --- calibration: measurement files (siteplan.calibrate) ------------------------------
    "cal.pci_columns": {"en": "{path}: a PCI map needs a 'pci' and a 'site_id' column; found "
                              "{columns}.",
                        "zh": "{path}：PCI 对照表需要 'pci' 列和 'site_id' 列；实际列为 {columns}。"},
    "cal.pci_empty": {"en": "{path}, line {line}: empty {given} or {column}; fill it in.",
                      "zh": "{path}，第 {line} 行：{given} 或 {column} 为空；请填写。"},
    "cal.pci_twice": {"en": "{path}, line {line}, column {column}: PCI {key} maps to both {value} "
                            "and {given}; a PCI must name one site in the measured area.",
                      "zh": "{path}，第 {line} 行，列 {column}：PCI {key} 同时对应 {value} 和 "
                            "{given}；测量区域内一个 PCI 只能对应一个站址。"},
    "cal.no_rsrp": {"en": "{path}: no RSRP column (looked for {names}); found {columns}. Name the "
                          "column rsrp_dbm.",
                    "zh": "{path}：没有 RSRP 列（查找了 {names}）；实际列为 {columns}。请把该列命名"
                          "为 rsrp_dbm。"},
    "cal.no_site": {"en": "{path}: no site_id column; give one, or a 'pci' column and --pci-map "
                          "FILE (pci, site_id).",
                    "zh": "{path}：没有 site_id 列；请给出该列，或给出 'pci' 列并用 --pci-map 文件"
                          "（pci, site_id）指定对照表。"},
    "cal.rsrp": {"en": "{path}, line {line}, column {column}: RSRP {value} is not a number in "
                       "[{low}, {high}] dBm ({count} rows in all). Fix or remove the row.",
                 "zh": "{path}，第 {line} 行，列 {column}：RSRP {value} 不是 [{low}, {high}] dBm "
                       "范围内的数字（共 {count} 行）。请改正或删除该行。"},
    "cal.no_such_site_pci": {"en": "{path}, line {line}, column {column}: {value} names no site in "
                                   "{given} ({count} rows in all).",
                             "zh": "{path}，第 {line} 行，列 {column}：{value} 在 {given} 中没有"
                                   "对应站址（共 {count} 行）。"},
    "cal.no_such_site": {"en": "{path}, line {line}, column {column}: {value} names no site "
                               "({count} rows in all).",
                         "zh": "{path}，第 {line} 行，列 {column}：{value} 没有对应站址（共 "
                               "{count} 行）。"},
    "cal.environment": {"en": "{path}, line {line}, column 'environment': {value} is not an "
                              "environment (dense_urban, urban, suburban, rural){hint}.",
                        "zh": "{path}，第 {line} 行，列 'environment'：{value} 不是无线环境"
                              "（dense_urban、urban、suburban、rural）。{hint}"},
    "cal.unknown_site": {
        "en": "{path}, line {line}, column 'site_id': site {value} is not among the config's "
              "candidates{hint} ({count} rows in all). Measure sites of the plan's candidate "
              "list.",
        "zh": "{path}，第 {line} 行，列 'site_id'：站址 {value} 不在配置的候选站址中。{hint}（共 "
              "{count} 行）。请测量规划候选清单中的站址。"},
    "cal.too_few": {"en": "{path}: {count} measurements cannot fit {p} parameters; give at least "
                          "{least} (hundreds, spread over distance and clutter).",
                    "zh": "{path}：{count} 个测量点不足以拟合 {p} 个参数；请至少给出 {least} 个"
                          "（最好数百个，覆盖不同距离和地物）。"},
    "cal.rank": {"en": "{path}: the measurements do not separate the parameters {names} (rank "
                       "{rank} < {p}).",
                 "zh": "{path}：测量数据无法区分参数 {names}（秩 {rank} < {p}）。"},
    "cal.beyond_range": {"en": "{count} measurements lie beyond the path-loss model's range "
                               "(first: line {line}, {distance} m from its site)",
                         "zh": "{count} 个测量点超出路径损耗模型的适用距离（第一个：第 {line} 行，距其"
                               "站址 {distance} 米）"},
    "cal.all_beyond": {"en": "{source}: all {where}; measure within 5 km of the sites.",
                       "zh": "{source}：全部 {where}；请在距站址 5 公里以内测量。"},
    "cal.beyond_note": {"en": "{where}: left out of the fit (the plan counts no coverage there).",
                        "zh": "{where}：不参与拟合（规划在该处不计覆盖）。"},
    # --- calibration notes (siteplan.calibrate) ------------------------------------------
    "cal.span": {"en": "distances span {span} decades (< {least}): the distance slope is kept; "
                       "measure nearer and farther from the sites to fit it.",
                 "zh": "测量距离只跨 {span} 个十倍程（< {least}）：距离斜率保持不变；请在离站址"
                       "更近和更远处测量以拟合它。"},
    "cal.no_env_offset": {"en": "the plan's path-loss model applies no per-environment offset "
                                "without a clutter raster: offsets per class are not fitted "
                                "(errors per class are still reported).",
                          "zh": "没有地物栅格时，规划的路径损耗模型不加按环境的修正量：不拟合各"
                                "类别的修正量（仍报告各类别的误差）。"},
    "cal.no_key": {"en": "class {clutter}: no offset key ({key}); not fitted.",
                   "zh": "类别 {clutter}：没有修正量参数（{key}）；不拟合。"},
    "cal.few_points": {"en": "clutter class {clutter}: {count} points (< {least}); its offset is "
                             "kept.",
                       "zh": "地物类别 {clutter}：仅 {count} 个测量点（< {least}）；保留其修正量。"},
    "cal.toml_comment": {
        "en": "# siteplan calibrate: tuned propagation assumptions; paste into the plan\n"
              "# config's [assumptions] table (or merge with the keys already there).",
        "zh": "# 由 siteplan calibrate 校准的传播模型假设参数；请粘贴到规划配置的 [assumptions] 表中\n"
              "# （或与其中已有的键合并）。"},
    # --- rejected-row reasons -------------------------------------------------------------
    "row.no_geometry": {"en": "no geometry", "zh": "没有几何图形"},
    "row.empty_id": {"en": "site_id is empty", "zh": "站址编码为空"},
    "row.repeated_id": {"en": "repeated site_id", "zh": "站址编码重复"},
    "row.unknown_kind_hint": {"en": "unknown kind {kind}.{hint} Use one of {zh} or {en}",
                              "zh": "未知站址类型 {kind}。{hint}请使用 {zh} 或 {en}"},
    "row.unknown_kind": {"en": "unknown kind {kind}", "zh": "未知站址类型 {kind}"},
    "row.height": {"en": "height_m is not a positive number", "zh": "挂高不是正数"},
    "row.height_m": {"en": "height is not a number of metres", "zh": "挂高不是以米为单位的数字"},
    "row.nan": {"en": "{column} is empty or not a number", "zh": "{column} 为空或不是数字"},
    "row.radio": {"en": "radio is not one of {radios}", "zh": "制式不是 {radios} 之一"},
    "row.outside": {"en": "outside [-180, 180] x [-90, 90]", "zh": "超出 [-180, 180] x [-90, 90]"},
    "row.coord_nan": {"en": "coordinate is empty or not a number", "zh": "坐标为空或不是数字"},
    "row.swapped": {"en": "lon and lat look swapped (lon {lon}, lat {lat}); swap the columns",
                    "zh": "经纬度似乎颠倒了（经度 {lon}，纬度 {lat}）；请交换这两列"},
    "row.out_of_range": {"en": "outside the range of {label} (lon {lon}, lat {lat}); check the "
                               "coordinate system",
                         "zh": "超出 {label} 的范围（经度 {lon}，纬度 {lat}）；请检查坐标系"},
    "coords.china_range": {"en": "{system} (China: lon 73–135.5, lat 3–54)",
                           "zh": "{system}（中国：经度 73–135.5，纬度 3–54）"},
    "coords.world_range": {"en": "WGS84 (lon ±180, lat ±90)", "zh": "WGS84（经度 ±180，纬度 ±90）"},
    "row.not_number": {"en": "not a number", "zh": "不是数字"},
}

#: Pieces inside a message's parameters (applied after a template matched, and
#: to texts no template matches): ``(regular expression, Chinese replacement)``.
FRAGMENTS: tuple[tuple[str, str], ...] = (
    (r"^ ?Did you mean (.+?)\?$", r"是否应为 \1？"),
    (r"^(是否应为 .*)' or '", r"\1' 或 '"),
    (r", row (\d+)", r"，第 \1 行"),
    (r"^row (\d+)", r"第 \1 行"),
    (r"\bbyte 0x([0-9A-F]{2}) at line (\d+)", r"第 \2 行的字节 0x\1"),
    (r", line (\d+)", r"，第 \1 行"),
    (r", column ('[^']*')", r"，列 \1"),
    (r"^column ('[^']*')", r"列 \1"),
    (r"^columns ('[^']*'/'[^']*')", r"列 \1"),
    (r"^ \((\d+) rows in all\)$", r"（共 \1 行）"),
    (r"^the layer's class$", "图层的类别"),
    (r" item (\d+)$", r" 第 \1 项"),
    (r"forbidden land: ", "禁止用地："),
    (r"outside every reach", "超出所有站址覆盖范围"),
    (r"\b(\d+) in ([^,\s]+)", r"\2：\1 个"),
    # libraries' (GDAL, the OS) reasons quoted in a message's {detail}
    (r"'([^']*)' not recognized as being in a supported file format\.?", r"'\1' 不是支持的文件格式"),
    (r"(?:; )?It might help to specify the correct driver explicitly by prefixing the file path "
     r"with '<DRIVER>:', e\.g\. 'CSV:path'\.?", ""),
    (r"No such file or directory", "没有该文件或目录"),
    (r"Permission denied", "没有权限"),
    (r"No space left on device", "设备上没有剩余空间"),
    (r"; ", "；"),
    (r"^Input should be ('[^']*'(?:, '[^']*')*),? or ('[^']*')$", r"应为 \1 或 \2"),
)

#: Words a message names a column or value by (its ``what`` parameter).
WHAT: dict[str, str] = {"area class": "区域类型", "site kind": "站址类型", "kind": "站址类型",
                        "environment": "无线环境", "longitude": "经度", "latitude": "纬度",
                        "lon": "经度", "lat": "纬度", "class": "类别", "milestone": "建设年度",
                        "DEM": "数字高程模型", "clutter raster": "地物栅格"}

#: Parameters whose values are kind, class or environment names (or lists of
#: them, with counts): each known name is given its Chinese name.
TERM_PARAMS: frozenset[str] = frozenset({"counts", "kinds", "classes", "cls", "kind", "env"})

#: pydantic's messages for config keys, as the config loader passes them on.
PYDANTIC: dict[str, str] = {
    "Extra inputs are not permitted": "不允许的键（拼写错误？）",
    "Field required": "缺少必填项",
    "Input should be a valid integer": "应为整数",
    "Input should be a valid number": "应为数字",
    "Input should be a valid number, unable to parse string as a number": "应为数字（无法把文本解析为数字）",
    "Input should be a valid integer, unable to parse string as an integer":
        "应为整数（无法把文本解析为整数）",
    "Input should be a valid string": "应为文本",
    "Input should be a valid boolean": "应为 true 或 false",
    "Input should be a valid dictionary": "应为表（TOML 的 [表] 或 {…}）",
    "Input should be a valid list": "应为列表",
}
