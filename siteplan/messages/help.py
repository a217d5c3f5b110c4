"""``--help`` in Chinese (plain data; see :mod:`siteplan.messages`).

Keys: ``<command>`` (the command's help), ``<command>.summary`` (its line in
the command list), ``<command>.<param>`` (an option's help, param by its
Python name), ``opt.<param>`` (an option several commands share), and
``click.*`` (click's own words: headings, defaults, the help option). The
English help stays in the commands' docstrings and ``help=`` texts; a test
checks that every command and option of the CLI has its Chinese here.
"""

from __future__ import annotations

HELP_ZH: dict[str, str] = {
    # --- the group and click's own words ------------------------------------------------
    "main": "siteplan：共享优先的 5G 站址规划。\n\n读入候选站址（铁塔、杆、公共建筑），计算每个站址"
            "能覆盖的需求，用集合覆盖求解器为每个建设年度选出成本最低、共享优先的站址组合，并写出"
            "地图、GeoPackage 和报告。",
    "click.usage": "用法：",
    "click.options": "选项",
    "click.commands": "命令",
    "click.arguments": "参数",
    "click.options_metavar": "[选项]",
    "click.subcommand_metavar": "命令 [参数]...",
    "type.text": "文本",
    "type.path": "路径",
    "type.integer": "整数",
    "type.float": "数值",
    "type.float range": "数值",
    "click.default": "默认值：",
    "click.required": "必填",
    "opt.help": "显示本帮助并退出。",
    "opt.version": "显示版本并退出。",
    # --- options several commands share (siteplan.cli_options, siteplan.cli) -------------
    "opt.out": "输出文件夹（自动创建；其中的文件整体原子替换）。",
    "opt.lang": "消息与全部输出（报告、CSV/XLSX、地图、KML）的语言。默认：$SITEPLAN_LANG，其次配置"
                "文件 [project] 中的 lang，否则 en。",
    "opt.tiles": "在线底图：openstreetmap、'cartodb positron'、amap、'amap satellite'（高德为 GCJ-02："
                 "数据会相应偏移以对齐）、含 {x} {y} {z} 的瓦片 URL 模板，或 'none'。默认：在线 "
                 "OpenStreetMap；加 --offline 时不用在线底图（以道路、边界等参考图层作底图）。",
    "opt.time_limit": "每个建设年度的求解时限（秒，覆盖配置中的设置）。",
    "opt.offline": "地图不发出任何网络请求：不用在线底图（--tiles 给出的本地瓦片文件夹保留）；以道路、"
                   "边界等参考图层作底图。Leaflet 始终内嵌。",
    "opt.compare_radius": "另按半径表规划一次，并报告站址数的变化（第二次规划运行）。",
    "opt.force": "替换非 siteplan 写出的输出（默认拒绝）。",
    "opt.allow_large": "即使工作量估算（需求点、内存；plan-region 为单元数）超出本机能力也运行。",
    "opt.tiles_crs": "--tiles URL 模板的坐标基准（高德/腾讯的服务：gcj02）。",
    "opt.formats": "除 plan.gpkg、plan.json 和 report.json 外要写出的输出，逗号分隔：csv、xlsx、kml、"
                   "kmz、maps、md、html（默认：除 kmz 外全部）。",
    "opt.kml_gcj02": "另写出供奥维/高德使用的 sites_<year>_gcj02.kml（GCJ-02）。",
    "opt.encoding": "文本编码（默认自动识别；gbk、utf-8）。",
    "opt.config": "规划配置文件。",
    # --- demo, plan ------------------------------------------------------------------------
    "demo": "把自带的示例县（合成数据）规划到 --out。",
    "demo.summary": "规划自带的示例县（合成数据）。",
    "plan": "按 CONFIG 规划（CONFIG 为 TOML 文件，列出候选站址图层、目标区域、建设年度和假设参数；"
            "见 data/sample_county/sample_county.toml）。",
    "plan.summary": "按配置文件规划站址。",
    # --- check-landuse ----------------------------------------------------------------------
    "check-landuse": "把 SITES（点或面；任何规划）与用地图斑 ZONES（一个或多个图层：三调图斑、管控红线 …）"
                     "比对。\n\n向 --out 写出 conflicts.csv、conflicts.gpkg、summary.json 和 map.html。"
                     "退出状态：0 没有禁止冲突，1 至少一处，2 输入有误。重叠、缓冲与距离在数据所在的 "
                     "UTM 或高斯-克吕格投影带中量算，与图层的坐标系无关；输出使用站址的坐标系。没有"
                     "类型列或类型无法识别的站址按新建落地塔检查（并予说明）。--out 不能是、包含或位于"
                     "输入之内，也不能是其他命令的文件夹（无论是否加 --force）。",
    "check-landuse.summary": "核查站址与用地图斑的冲突。",
    "check-landuse.layer": "SITES 的图层（默认：规划 GeoPackage 中最后的 sites_<year>）。",
    "check-landuse.class_column": "ZONES 中存放用地类别的列（默认：zone_class，或三调图层的 "
                                  "DLBM/DLMC）。",
    "check-landuse.zone_class": "整个 ZONES 图层的同一类别，如 生态保护红线（管控红线）。",
    "check-landuse.zone_layers": "一个图斑图层，可在冒号后为整个图层给出类别（可重复）：--zones "
                                 "地类图斑.shp --zones 生态保护红线.shp:生态保护红线。",
    "check-landuse.class_map": "本地类别名称与其对应类别的 CSV（两列）。",
    "check-landuse.id_column": "SITES 中存放站址编码的列（也能识别 站址编码/编号）。",
    "check-landuse.sites_crs": "SITES 文件没有坐标系或为 GCJ-02/BD-09 时的坐标系（gcj02、bd09、"
                               "EPSG）。",
    "check-landuse.zones_crs": "ZONES 的坐标系（取值同上）。",
    "check-landuse.encoding": "ZONES 属性表的文本编码（默认自动识别；gbk、utf-8）。",
    "check-landuse.config": "规划配置文件：使用其 [assumptions]（规则、缓冲、占地），未给出 ZONES 时"
                            "使用其 [inputs.landuse] 图层。",
    # --- relocate -----------------------------------------------------------------------------
    "relocate": "先建后拆：为必须拆除的站址规划替代站址。\n\nPLAN_DIR 是一次规划的输出文件夹。向 --out "
                "写出 work_order.csv（先建这些，再拆那些）和 relocation.json（拆除站址、替代站址、"
                "损失权重、恢复权重，以及拆除前/中/后的覆盖）。",
    "relocate.summary": "先建后拆：为拆除站址规划替代站址。",
    "relocate.milestone": "规划的建设年度。",
    "relocate.remove": "要拆除的站址编码（可重复，或用逗号分隔多个）。",
    "relocate.restore_share": "替代站址须恢复的损失覆盖需求比例，取值 (0, 1]。",
    # --- candidates -----------------------------------------------------------------------------
    "candidates": "读入候选站址来源 SOURCES（OSM .osm/.osm.pbf、OpenCelliD .csv/.csv.gz、开放资源清单 "
                  ".csv/.xlsx、GIS 资源清单），合并后写出一张标准候选站址表，并按类型和来源汇总。",
    "candidates.summary": "读入并合并候选站址来源。",
    "candidates.out": "输出文件：.gpkg、.geojson 或 .csv（经纬度，WGS84）。",
    "candidates.crs": "经纬度清单的坐标系：wgs84、gcj02、bd09 或 EPSG 代码。",
    "candidates.to_crs": "合并前把每个来源重投影到该坐标系（否则坐标系不一致即报错）。",
    "candidates.radio": "OpenCelliD：保留这些制式，如 NR,LTE。",
    "candidates.mcc": "OpenCelliD：保留这些国家码，如 460。",
    "candidates.mnc": "OpenCelliD：保留这些网络码，如 0,1。",
    "candidates.bbox": "OpenCelliD：最小经度,最小纬度,最大经度,最大纬度。",
    "candidates.site_distance": "OpenCelliD：同一运营商在此距离（米）内的小区视为一个站址（默认 50）。",
    "candidates.same_structure": "两个来源中此距离（米）内的同类设施视为一个候选站址（默认 5）。",
    "candidates.multi_use": "把同一位置的不同杆合并为一根多功能杆（多杆合一）。",
    "candidates.encoding": "CSV 来源与 shapefile 属性表的文本编码（默认自动识别，UTF-8 或 GBK）。",
    "candidates.skip_bad_rows": "跳过无法读取的行并列在 <out>_rejected.csv 中（默认：停止）。",
    # --- plan-region -----------------------------------------------------------------------------
    "plan-region": "把区域配置 CONFIG 中的每个单元（县、区或分块）作为 Dask 上的独立任务规划，拼接边界，"
                   "并向 --out 写出合并后的规划、全省汇总、各单元规划文件夹和总览地图。\n\nCONFIG 是带 "
                   "[region] 表的规划配置，[region] 给出单元图层（units = \"units.gpkg\"、code_column、"
                   "name_column）或分块大小（tile_km）。退出状态：0 全部单元已规划，1 有单元失败（其余"
                   "已写出），2 输入有误，130 被 Ctrl-C 中止。",
    "plan-region.summary": "分单元规划整个区域并拼接边界。",
    "plan-region.workers": "本地 Dask 工作进程数（默认：每核一个；每个一个线程）。",
    "plan-region.scheduler": "已运行的 Dask 调度器地址（tcp://host:8786），代替本地集群；工作文件夹"
                             "须位于每个工作进程都能读取的存储上。",
    "plan-region.loop": "在本进程中逐个规划单元（不用 Dask）。",
    "plan-region.work_dir": "分区与已缓存的单元结果（默认：--out 旁的 .<out>.region-work）；重新运行时"
                            "只规划失败或有变化的单元。",
    # --- calibrate --------------------------------------------------------------------------------
    "calibrate": "用最小二乘法把传播模型校准到路测或 MR 测量点（MEASUREMENTS：含 lon、lat、site_id 或 "
                 "pci、rsrp_dbm 的 CSV/XLSX；可选 clutter 列），并写出供 plan 使用的校准后 "
                 "[assumptions]。",
    "calibrate.summary": "用路测/MR 数据校准传播模型。",
    "calibrate.config": "规划配置文件：其候选站址即被测站址，其 [assumptions] 为初始模型。",
    "calibrate.out": "输出文件夹（整体替换）。",
    "calibrate.pci_map": "测量数据按 PCI 标识小区时，含 pci 和 site_id 的 CSV/XLSX。",
    "calibrate.sheet": "测量数据所在的 Excel 工作表（默认第一个）。",
    "calibrate.crs": "测量点坐标：EPSG 代码、gcj02 或 bd09。",
    "calibrate.force": "替换非 siteplan 写出的 --out 文件夹。",
}


#: click's own messages (usage errors, its help words) in Chinese, keyed by click's
#: English message id (its gettext catalogue; click ships no Chinese one). Plural
#: forms (``ngettext``) are keyed by the singular and the plural id.
CLICK_ZH: dict[str, str] = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "无效的值：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Missing command.": "缺少命令。",
    "Aborted!": "已中止！",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否应为以下之一：{possibilities}？）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "integer": "整数",
    "float": "数值",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个参数。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个参数。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "default: {default}": "默认值：{default}",
    "required": "必填",
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
}
