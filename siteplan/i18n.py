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
('新建铁塔', 'greenfield', '某类')
"""

from __future__ import annotations

import functools
import re
import string

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
    "proposed_for": {"en": "Proposed new place for", "zh": "规划新增站址（原因）"},
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
    "landuse_layer": {"en": "Land use", "zh": "用地管控"},
    "overlap": {"en": "Overlap (m²)", "zh": "重叠面积 (平方米)"},
    "region.units": {"en": "units", "zh": "规划单元"},
    "region.unit": {"en": "unit", "zh": "单元"},
    "distance": {"en": "Distance (m)", "zh": "距离 (米)"},
    "g.new_tower": {"en": "new tower", "zh": "新建铁塔"},
    "g.new_pole": {"en": "new pole", "zh": "新建杆"},
    "g.existing": {"en": "existing", "zh": "存量设施"},
    # report (Markdown and HTML); {placeholders} are filled with escaped values
    "r.title": {"en": "Site plan: {name}", "zh": "站址规划：{name}"},
    "r.inputs": {"en": "Candidates: {candidates} ({by_kind}); target areas: {areas}; demand "
                       "points: {points}. Coverage model: {mode}{snr}; policy mode: {policy}. "
                       "Computation CRS: {crs}.",
                 "zh": "候选站址：{candidates} 个（{by_kind}）；目标区域：{areas} 个；需求点："
                       "{points} 个。覆盖模型：{mode}{snr}；政策模式：{policy}。计算坐标系：{crs}。"},
    "r.snr": {"en": " (SNR per resource element at the RSRP threshold: {snr} dB)",
              "zh": "（RSRP 门限处每资源粒子信噪比 {snr} dB）"},
    "r.milestones": {"en": "Milestones", "zh": "各年度规划"},
    "r.reuse_reference": {
        "en": "Reuse share against the national reference of {share} of 5G builds on existing "
              "resources (China Tower, 2023).",
        "zh": "共享率对照全国参考值：{share} 的 5G 建设利用存量资源（中国铁塔，2023 年）。"},
    "r.sites_by_kind": {"en": "{sites} sites: {kinds}.", "zh": "共 {sites} 个站址：{kinds}。"},
    "r.solver": {"en": "Solver {method}: cost {cost} CNY, lower bound {bound}, gap {gap}, {time} s.",
                 "zh": "求解器 {method}：成本 {cost} 元，下界 {bound}，差距 {gap}，用时 {time} 秒。"},
    "r.clock_cut": {"en": "The clock stopped part of this solve before its counted work was done "
                          "({stages}): on a quieter or faster machine the same inputs may give "
                          "another plan.",
                    "zh": "本次求解的部分工作（{stages}）在计划工作量完成前被时限截止：在更空闲或"
                          "更快的机器上，相同输入可能得到不同的规划。"},
    "r.uncovered": {"en": "Uncovered demand points: {points}, of which {unreachable} no candidate "
                          "can reach (weight {weight}).",
                    "zh": "未覆盖需求点 {points} 个，其中 {unreachable} 个任何候选站址都无法覆盖"
                          "（权重 {weight}）。"},
    "r.per_class": {"en": "Per area class:", "zh": "按区域类别："},
    "r.per_area": {"en": "Per area (the target applies to the whole area's demand):",
                   "zh": "按区域（目标针对区域全部需求）："},
    "r.assumptions": {"en": "Assumptions", "zh": "假设参数"},
    "r.assumptions_text": {"en": "Every assumed number, as used in this plan (override in the "
                                 "config's `[assumptions]` table).",
                           "zh": "本规划使用的全部假设数值（可在配置文件的 `[assumptions]` 表中"
                                 "覆盖）。"},
    "r.overridden": {"en": " (overridden)", "zh": "（已覆盖）"},
    "r.reach": {"en": "Largest reach per site class and environment used to propose pairs: ",
                "zh": "生成站址-需求点对所用的各站型与环境最大覆盖距离："},
    "r.notes": {"en": "Notes", "zh": "说明"},
    "r.power": {"en": "Power supply and subsidy", "zh": "供电与补贴"},
    "r.power_text": {
        "en": "Loads per site profile, annual energy at the mean load fraction, cost at the "
              "tariffs of the assumptions table; `power_<year>.csv` lists every site for the "
              "grid company. Subsidy: new 5G sites added in the milestone × {subsidy} CNY.",
        "zh": "按站型负荷、平均负载率计算年用电量，按假设表电价计算电费；`power_<year>.csv` "
              "列出每个站址供电力公司使用。补贴：该年度新增 5G 站址数 × {subsidy} 元。"},
    "r.landuse": {"en": "Land use", "zh": "用地"},
    "r.landuse_text": {
        "en": "Chosen sites against the land-use zones (rules in the assumptions table, "
              "`landuse.rule.*`). New builds on forbidden land were excluded before solving: "
              "{excluded} candidates.",
        "zh": "规划站址与用地管控图斑比对（规则见假设表 `landuse.rule.*`）。禁止用地上的新建"
              "候选站址在求解前已剔除：{excluded} 个。"},
    "r.landuse_line": {"en": "{year}: {forbidden} forbidden conflicts, {restricted} restricted "
                             "(permit needed)",
                       "zh": "{year}：禁止冲突 {forbidden} 处，限制 {restricted} 处（需审批）"},
    "r.on": {"en": "on", "zh": "位于"},
    "r.radio": {"en": "Link budget against the radius table", "zh": "链路预算与半径表对比"},
    "r.radio_text": {
        "en": "Site counts with coverage from the TR 38.901 link budget (this plan) and with the "
              "fixed radius table (`coverage.mode = \"radius\"`), same candidates and targets.",
        "zh": "按 TR 38.901 链路预算（本规划）与固定半径表（`coverage.mode = \"radius\"`）"
              "计算覆盖时的站址数，候选站址与目标相同。"},
    "r.radio_verdict": {
        "en": "The {year} coverage plan needs {sites} sites and {verdict} the policy target of "
              "{target}+; coverage alone does not set the count (capacity, indoor and operator "
              "demand do).",
        "zh": "{year} 年覆盖规划需要 {sites} 个站址，{verdict}政策目标 {target}+；站址数不只由"
              "覆盖决定（还取决于容量、室内覆盖和运营商需求）。"},
    "r.reaches": {"en": "reaches", "zh": "达到"},
    "r.stays_below": {"en": "stays below", "zh": "低于"},
    "r.charts": {"en": "Charts", "zh": "图表"},
    "r.generated": {"en": "Generated by siteplan", "zh": "由 siteplan 生成"},
    "r.site_targets": {"en": "Policy site-count targets", "zh": "政策站址数目标"},
    "r.site_targets_text": {
        "en": "Per milestone: the policy target against the sites full coverage needs. Where "
              "the target is higher, the rest are offered where they add most; where it is "
              "lower, max cover with k = target shows what that count buys.",
        "zh": "各年度政策目标与满足覆盖所需站址数对比：目标更高时，其余站址放在增益最大处；"
              "目标更低时，以 k = 目标的最大覆盖给出该数量能达到的覆盖。"},
    "s.plan needs more sites than the target": {"en": "plan needs more sites than the target",
                                                "zh": "覆盖所需站址多于目标"},
    "s.plan needs fewer sites than the target": {"en": "plan needs fewer sites than the target",
                                                 "zh": "覆盖所需站址少于目标"},
    "s.plan meets the target exactly": {"en": "plan meets the target exactly",
                                        "zh": "恰好达到目标"},
    # capacity section (siteplan.capacity_report); "|" separates table headings
    "cap.title": {"en": "Capacity: what sets the site count", "zh": "容量：站址数由什么决定"},
    "cap.text": {
        "en": "Sites = max(sites for coverage, sites for capacity) per area. Busy-hour demand "
              "= people × penetration × operator share × GB per user per month ÷ days × "
              "busy-hour share × 8 × 1024 ÷ 3600 Mbps; site capacity = cells × bandwidth × DL "
              "share × spectral efficiency per layer × layers × load cap (all in the "
              "assumptions table). Coverage sites come from the same milestones solved for "
              "coverage alone; capacity sites are the sites added beyond them; indoor are "
              "indoor distribution systems (室分).",
        "zh": "各区域站址数取覆盖所需站址数与容量所需站址数中的较大者。忙时需求 = 人口 × 渗透率 × "
              "运营商份额 × 每用户每月 GB ÷ 天数 × 忙时占比 × 8 × 1024 ÷ 3600 Mbps；站址容量 = "
              "小区数 × 带宽 × 下行占比 × 每层频谱效率 × 层数 × 负荷上限（均见假设参数表）。覆盖站址"
              "来自仅按覆盖求解的同一各年度规划；容量站址为在其之外增加的站址；室内为室分系统。"},
    "cap.columns": {"en": "milestone|sites|policy target|of target|coverage|capacity|indoor|"
                          "proposed|new builds",
                    "zh": "年度|站址数|政策目标|占目标|覆盖|容量|室内|规划新增|新建"},
    "cap.per_area": {"en": "Per area in {year} (capacity sites: the fewest candidates whose "
                           "capacity carries the area's demand, a lower bound):",
                     "zh": "{year} 年各区域（容量站址：容量足以承载区域需求的最少候选站址数，"
                           "为下界）："},
    "cap.area_columns": {"en": "area|name|demand Mbps|plan capacity Mbps|coverage sites|"
                               "capacity sites|binds",
                         "zh": "区域编码|区域名称|需求 (Mbps)|规划容量 (Mbps)|覆盖站址数|"
                               "容量站址数|起决定作用"},
    "cap.sensitivity": {"en": "How the count moves with traffic per user and penetration (demand "
                              "scales with their product; re-solved where the answer is not "
                              "known):",
                        "zh": "站址数随每用户流量与渗透率的变化（需求与二者之积成正比；结果未知处"
                              "重新求解）："},
    "cap.sensitivity_skipped": {"en": "Traffic sensitivity", "zh": "流量敏感性分析未做"},
    "cap.sensitivity_columns": {"en": "GB/user/month|penetration|demand ×",
                                "zh": "每用户每月 GB|渗透率|需求倍数"},
    "cap.sites_year": {"en": "sites {year}", "zh": "{year} 年站址数"},
    # report: inputs as read (dropped rows, conversions)
    "r.input_data": {"en": "Input data as read", "zh": "输入数据读取情况"},
    "r.conversions": {"en": "Conversions and notes (coordinate systems, GCJ-02, encodings):",
                      "zh": "转换与说明（坐标系、GCJ-02、编码）："},
    "r.no_conversions": {"en": "No conversion was needed.", "zh": "无需任何转换。"},
    "r.rejected": {"en": "{rows} input rows were dropped (also in `rejected_rows.csv`):",
                   "zh": "共舍弃 {rows} 行输入数据（另见 `rejected_rows.csv`）："},
    "r.no_rejected": {"en": "No input row was dropped.", "zh": "没有舍弃任何输入行。"},
    "c.sites_by_kind": {"en": "Sites per milestone by kind", "zh": "各年度站址数（按类型）"},
    "c.new_reused": {"en": "New builds and reused structures", "zh": "新建与共享"},
    "c.cost": {"en": "Cost per milestone (CNY)", "zh": "各年度投资（元）"},
    "c.class_coverage": {"en": "Coverage per area class, {year}",
                         "zh": "{year} 年各类区域覆盖率"},
    "c.covered_share": {"en": "covered share", "zh": "覆盖率"},
    "c.sites": {"en": "sites", "zh": "站址数"},
    # best server and SINR section and map layers (siteplan.sinr_report)
    "sinr.title": {"en": "Best server and SINR", "zh": "最佳服务小区与SINR"},
    "sinr.intro": {
        "en": "SS-RSRP and SS-SINR of the chosen outdoor sites (reuse 1, three 65° sectors per "
              "macro site, interferers at {load} load, noise {noise} dBm per resource element); "
              "overlap: share of the area with {n} or more cells within {win} dB of the best "
              "(target < {target}).",
        "zh": "规划室外站址的 SS-RSRP 与 SS-SINR（同频组网，宏站三个 65° 扇区，干扰小区负载 "
              "{load}，每资源粒子噪声 {noise} dBm）；重叠覆盖：{n} 个及以上小区电平与最佳服务"
              "小区相差 {win} dB 以内的面积占比（目标 < {target}）。"},
    "sinr.milestone": {"en": "milestone", "zh": "年度"},
    "sinr.area": {"en": "area", "zh": "区域"},
    "sinr.points": {"en": "points", "zh": "需求点"},
    "sinr.sinr0": {"en": "SINR ≥ 0 dB", "zh": "SINR ≥ 0 dB"},
    "sinr.sinr13": {"en": "SINR ≥ 13 dB", "zh": "SINR ≥ 13 dB"},
    "sinr.overlap": {"en": "overlap", "zh": "重叠覆盖"},
    "sinr.weak": {"en": "covered, SINR < 0 dB", "zh": "已覆盖但 SINR < 0 dB"},
    "sinr.median": {"en": "median SINR (dB)", "zh": "SINR 中位数 (dB)"},
    "sinr.overshooting": {"en": "overshooting sites", "zh": "越区覆盖站"},
    "sinr.per_area": {"en": "Per area, milestone {year}:", "zh": "{year} 年度各区域："},
    "sinr.over_title": {"en": "Overshooting sites, milestone {year}:",
                        "zh": "{year} 年度越区覆盖站："},
    "sinr.site": {"en": "site", "zh": "站址编码"},
    "sinr.served": {"en": "served points", "zh": "服务点数"},
    "sinr.tier": {"en": "first-tier distance (m)", "zh": "第一圈邻站距离 (米)"},
    "sinr.p95": {"en": "95 % served distance (m)", "zh": "95% 服务距离 (米)"},
    "sinr.beyond": {"en": "served beyond", "zh": "越区服务占比"},
    "sinr.none": {"en": "No overshooting site.", "zh": "无越区覆盖站。"},
    "sinr.post_check": {"en": "The solver plans coverage by RSRP; SINR is checked after the plan "
                              "(not a constraint).",
                        "zh": "求解器按 RSRP 规划覆盖；SINR 在规划完成后校核（不作为约束条件）。"},
    "sinr.layer_sinr": {"en": "SS-SINR {year}", "zh": "SS-SINR 分布 {year}"},
    "sinr.layer_server": {"en": "Best server {year}", "zh": "最佳服务站址 {year}"},
    # calibration report (siteplan.calibrate_cli); "|" separates table headings
    "cal.title": {"en": "Propagation model calibration", "zh": "传播模型校准"},
    "cal.intro": {"en": "{measurements} measurements; error = predicted − measured RSRP (dB). "
                        "Reference clutter class: {reference} (its offset is kept; the others "
                        "are fitted relative to it).",
                  "zh": "测量点 {measurements} 个；误差 = 预测 RSRP − 实测 RSRP (dB)。参考地物类别："
                        "{reference}（保留其修正量，其余类别相对它拟合）。"},
    "cal.intro_common": {"en": "{measurements} measurements; error = predicted − measured RSRP "
                               "(dB). No offset per class is fitted (no clutter raster, or too "
                               "few points per class); the errors per class are reported.",
                         "zh": "测量点 {measurements} 个；误差 = 预测 RSRP − 实测 RSRP (dB)。未拟合"
                               "各类别的修正量（没有地物栅格，或各类别测量点太少）；仍报告各类别"
                               "的误差。"},
    "cal.errors": {"en": "Error before and after", "zh": "校准前后的误差"},
    "cal.parameters": {"en": "Parameters (95 % confidence interval of the tuned value)",
                       "zh": "参数（校准值的 95% 置信区间）"},
    "cal.notes": {"en": "Notes", "zh": "说明"},
    "cal.paste": {"en": "Paste `tuned_assumptions.toml` into the plan config's `[assumptions]`.",
                  "zh": "把 `tuned_assumptions.toml` 的内容粘贴到规划配置的 `[assumptions]` 表中。"},
    "cal.error_columns": {"en": "clutter|points|mean_before|std_before|rmse_before|mean_after|"
                                "std_after|rmse_after",
                          "zh": "地物类别|测量点数|校准前均值|校准前标准差|校准前均方根误差|"
                                "校准后均值|校准后标准差|校准后均方根误差"},
    "cal.param_columns": {"en": "key|before|change|after|std_error|ci_low|ci_high",
                          "zh": "参数|校准前|变化量|校准后|标准误差|置信下限|置信上限"},
    "cal.all": {"en": "all", "zh": "全部"},
    "sinr.tooltip": {"en": "{site} · SINR {sinr} dB · RSRP {rsrp} dBm",
                     "zh": "{site} · SINR {sinr} dB · RSRP {rsrp} dBm"},
}

#: Column headings of every table siteplan writes (CSV, XLSX, report tables).
#: English keeps the canonical column names (machine-readable); Chinese uses
#: the headings Chinese planners use in their site lists.
COLUMNS: dict[str, dict[str, str]] = {
    "site_id": {"en": "site_id", "zh": "站址编码"},
    # a province plan's own columns (siteplan plan-region: the merged and the units' tables)
    "unit_code": {"en": "unit_code", "zh": "单元编码"},
    "unit_name": {"en": "unit_name", "zh": "单元名称"},
    "near_border": {"en": "near_border", "zh": "靠近单元边界"},
    "name": {"en": "name", "zh": "站址名称"},
    "lon": {"en": "lon", "zh": "经度"},
    "lat": {"en": "lat", "zh": "纬度"},
    "kind": {"en": "kind", "zh": "站址类型"},
    "status": {"en": "status", "zh": "共享/新建"},
    "since": {"en": "since", "zh": "建设年度"},
    "height_m": {"en": "height_m", "zh": "挂高(米)"},
    "owner": {"en": "owner", "zh": "产权单位"},
    "power_supply": {"en": "power_supply", "zh": "供电方式"},
    "open_access": {"en": "open_access", "zh": "是否免费开放"},
    "on_air": {"en": "on_air", "zh": "是否已开通"},
    "cost_cny": {"en": "cost_cny", "zh": "投资(元)"},
    "source": {"en": "source", "zh": "数据来源"},
    "landuse_flag": {"en": "landuse_flag", "zh": "用地标记"},
    "year": {"en": "year", "zh": "建设年度"},
    "load_kw": {"en": "load_kw", "zh": "负荷(kW)"},
    "supply": {"en": "supply", "zh": "供电方式"},
    "energy_kwh_per_year": {"en": "energy_kwh_per_year", "zh": "年用电量(kWh)"},
    "cost_cny_per_year": {"en": "cost_cny_per_year", "zh": "年电费(元)"},
    "zone_id": {"en": "zone_id", "zh": "图斑编码"},
    "zone_class": {"en": "zone_class", "zh": "用地类别"},
    "rule": {"en": "rule", "zh": "管控规则"},
    "overlap_m2": {"en": "overlap_m2", "zh": "重叠面积(平方米)"},
    "distance_m": {"en": "distance_m", "zh": "距离(米)"},
    "milestone": {"en": "milestone", "zh": "年度"},
    "sites": {"en": "sites", "zh": "站址数"},
    "added": {"en": "added", "zh": "新增"},
    "on_air_count": {"en": "on air", "zh": "已开通"},
    "new": {"en": "new", "zh": "新建"},
    "reused": {"en": "reused", "zh": "共享"},
    "reuse_share": {"en": "reuse share", "zh": "共享率"},
    "site_target": {"en": "policy target", "zh": "政策目标"},
    "site_target_met": {"en": "target reached", "zh": "是否达标"},
    "area_id": {"en": "area", "zh": "区域编码"},
    "area_name": {"en": "name", "zh": "区域名称"},
    "area_class": {"en": "class", "zh": "区域类别"},
    "areas": {"en": "areas", "zh": "区域数"},
    "covered_share": {"en": "covered share", "zh": "覆盖率"},
    "target": {"en": "target", "zh": "目标"},
    "all_targets_met": {"en": "all met", "zh": "全部达标"},
    "coverage_target": {"en": "target", "zh": "目标"},
    "coverable_share": {"en": "coverable share", "zh": "可覆盖比例"},
    "covered_of_coverable": {"en": "covered of coverable", "zh": "可覆盖中已覆盖"},
    "target_met": {"en": "target met", "zh": "达标"},
    "median_best_server_rsrp_dbm": {"en": "median best-server RSRP (dBm)",
                                    "zh": "最强服务小区 RSRP 中位数 (dBm)"},
    "unreachable_reason": {"en": "out of every reach (why)", "zh": "无法覆盖（原因）"},
    "proposed": {"en": "proposed", "zh": "规划新增"},
    "proposal_reason": {"en": "proposed for", "zh": "新增原因"},
    "key": {"en": "key", "zh": "参数"},
    "value": {"en": "value", "zh": "取值"},
    "unit": {"en": "unit", "zh": "单位"},
    "note": {"en": "note", "zh": "说明"},
    "load_kw_total": {"en": "load kW", "zh": "负荷(kW)"},
    "energy_mwh_per_year": {"en": "MWh/year", "zh": "年用电量(MWh)"},
    "power_cost_cny_per_year": {"en": "energy cost CNY/year", "zh": "年电费(元)"},
    "transfer_share": {"en": "transfer-supply share", "zh": "转供电比例"},
    "transfer_share_target": {"en": "target", "zh": "目标"},
    "transfer_target_met": {"en": "target met", "zh": "达标"},
    "new_5g_sites": {"en": "new 5G sites", "zh": "新增5G站址"},
    "subsidy_cny": {"en": "subsidy CNY", "zh": "补贴(元)"},
    "sites_link_budget": {"en": "sites, link budget", "zh": "站址数（链路预算）"},
    "sites_radius": {"en": "sites, radius table", "zh": "站址数（半径表）"},
    "change": {"en": "change", "zh": "变化"},
    "new_link_budget": {"en": "new builds, link budget", "zh": "新建（链路预算）"},
    "new_radius": {"en": "new builds, radius", "zh": "新建（半径表）"},
    "link_budget_meets_target": {"en": "link budget reaches target", "zh": "链路预算达到目标"},
    "planned_sites": {"en": "coverage plan sites", "zh": "覆盖规划站址数"},
    "coverage_full_plan": {"en": "covered share (full plan)", "zh": "覆盖率（完整规划）"},
    "coverage_at_target": {"en": "covered share at target count", "zh": "目标站址数下覆盖率"},
    "extra": {"en": "extra sites offered", "zh": "建议增补站址"},
    "basis": {"en": "placed for", "zh": "增补依据"},
    "site_target_short": {"en": "target", "zh": "目标"},
    "status_text": {"en": "status", "zh": "状态"},
    "step": {"en": "step", "zh": "步骤"},
    "action": {"en": "action", "zh": "操作"},
    "file": {"en": "file", "zh": "文件"},
    "line": {"en": "line", "zh": "行号"},
    "column": {"en": "column", "zh": "列"},
    "reason": {"en": "reason", "zh": "原因"},
    "source_ids": {"en": "source_ids", "zh": "来源编码"},
    "uses": {"en": "uses", "zh": "用途"},
    "zone_name": {"en": "zone_name", "zh": "图斑名称"},
    "zone_source": {"en": "zone_source", "zh": "图斑来源"},
    "site_index": {"en": "site_index", "zh": "站址序号"},
}

def _terms() -> dict[str, dict[str, str]]:
    """Chinese names of kinds, area classes, environments and zone classes
    from their registries (the names the readers accept), plus statuses,
    power supplies and land-use rules."""
    from siteplan.kinds import KIND_INFO
    from siteplan.landuse import ZONE_CLASSES
    from siteplan.schema import AREA_CLASS_NAMES, ENVIRONMENT_NAMES

    out = {k: {"zh": info.zh} for k, info in KIND_INFO.items()}
    for table in (AREA_CLASS_NAMES, ENVIRONMENT_NAMES, ZONE_CLASSES):
        out.update({k: {"zh": names[0]} for k, names in table.items()})
    out.update({
        "new": {"zh": "新建"}, "reused": {"zh": "共享"}, "on_air": {"zh": "已开通"},
        "direct": {"zh": "直供电"}, "transfer": {"zh": "转供电"}, "unknown": {"zh": "未知"},
        "forbidden": {"zh": "禁止"}, "restricted": {"zh": "限制"}, "allowed": {"zh": "允许"},
        "coverage": {"zh": "覆盖"}, "capacity": {"zh": "容量"}, "indoor": {"zh": "室内覆盖"},
        "build": {"zh": "新建"}, "remove": {"zh": "拆除"},
        "macro": {"zh": "宏站"}, "micro": {"zh": "微站"},
        "link_budget": {"zh": "链路预算"}, "radius": {"zh": "半径表"},
        "weighted": {"zh": "加权"}, "strict": {"zh": "严格共享"},
        "auto": {"zh": "自动"}, "greedy": {"zh": "贪心"}, "exact": {"zh": "精确"},
        "lagrangian": {"zh": "拉格朗日"}, "local": {"zh": "局部搜索"},
    })
    return out


#: Value names in Chinese (canonical English names are their own English).
TERMS: dict[str, dict[str, str]] = _terms()


def column(name: str, lang: str = "en") -> str:
    """Heading of column ``name`` in ``lang`` (unknown columns keep their name).

    Examples
    --------
    >>> column("site_id", "zh"), column("site_id", "en"), column("备注", "zh")
    ('站址编码', 'site_id', '备注')
    """
    return COLUMNS.get(name, {}).get(check_lang(lang), name)


def headers(columns: object, lang: str = "en") -> dict[str, str]:
    """``{column: heading}`` for renaming a table's columns into ``lang``."""
    return {c: column(str(c), lang) for c in columns}  # type: ignore[union-attr]


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a :class:`~siteplan.errors.ConfigError`.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        from siteplan.messages import Msg

        raise ConfigError(Msg("lang.unknown", lang=repr(lang), langs=", ".join(LANGS)))
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


# --- messages: console lines, notes and errors (catalogue in siteplan.messages) -------------

#: Environment variable choosing the language when ``--lang`` is not given.
LANG_ENV = "SITEPLAN_LANG"


def resolve_lang(flag: str | None = None, config: str | None = None) -> str:
    """The language of a run: ``flag`` (``--lang``), else ``$SITEPLAN_LANG``,
    else the config's ``lang``, else English.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("SITEPLAN_LANG", None) and None
    >>> resolve_lang(None, "zh"), resolve_lang("en", "zh"), resolve_lang()
    ('zh', 'en', 'en')
    """
    import os

    env = os.environ.get(LANG_ENV, "").strip().lower() or None
    for value, origin in ((flag, "--lang"), (env, LANG_ENV), (config, "lang")):
        if value:
            if value not in LANGS:
                from siteplan.messages import Msg

                raise ConfigError(Msg("lang.unknown_from", origin=origin, lang=repr(value),
                                      langs=", ".join(LANGS)))
            return value
    return "en"


def msg(msg_id: str, lang: str = "en", /, **params: object) -> str:
    """Catalogue message ``msg_id`` in ``lang`` with ``params`` filled in.

    Examples
    --------
    >>> msg("p.wrote", "zh", count=3, out="plan")
    '已写出 3 个文件到 plan'
    >>> msg("p.wrote", "en", count=3, out="plan")
    'wrote 3 files to plan'
    """
    from siteplan.messages import MESSAGES

    return MESSAGES[msg_id][check_lang(lang)].format(**params)


#: Placeholders holding names the user types (config keys, columns, values): kept.
_KEEP = frozenset({"first", "canonical", "column", "given", "key", "value", "path", "source",
                   "name", "crs", "local", "cls", "quoted", "names", "columns", "present"})
#: Parameters of a raise site's message (:data:`siteplan.messages.RAISED`)
#: that are translated (a library's reason, a "did you mean", a location, a
#: kind or class list); every other one is the planner's text, kept.
_TRANSLATED = frozenset({"detail", "hint", "suggest", "where", "label", "what", "counts", "kinds",
                         "classes", "kind", "env", "known", "rows", "more", "reason"})
#: What a placeholder matches when not any text (lazily): a hint is empty or
#: a "did you mean"; a location takes as much as it can (it holds ", row …").
_FIELD = {"hint": r"(?: Did you mean .+?\?)?", "where": ".*"}


def _compile(template: str) -> re.Pattern[str]:
    """An English template as a regular expression: each placeholder matches
    any text (lazily), a repeated one the same text again."""
    parts, seen = [], set()
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        inner = _FIELD.get(field, ".*?")
        parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>{inner})")
        seen.add(field)
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The listed messages (console lines, notes, common errors); the raise
    sites' own messages (:data:`siteplan.messages.RAISED`) travel with their id
    and are not recognised from their text (many are as general as
    ``{path}: {detail}``)."""
    from siteplan.messages.catalogue import MESSAGES

    return tuple((key, _compile(entry["en"])) for key, entry in MESSAGES.items())


def identify(text: str) -> tuple[str, dict[str, str]] | None:
    """The catalogue id and parameters of an English message, or None.

    Examples
    --------
    >>> identify("plan.toml: config file not found.")
    ('config.not_found', {'path': 'plan.toml'})
    >>> identify("something else") is None
    True
    """
    for key, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return key, found.groupdict()
    return None


def _fragments(text: str) -> str:
    from siteplan.messages import FRAGMENTS, PYDANTIC

    text = PYDANTIC.get(text, text)
    for pattern, replacement in FRAGMENTS:
        text = re.sub(pattern, replacement, text)
    return text


_NAME = re.compile(r"[A-Za-z][A-Za-z_]*(?: [a-z][a-z_]*)*")


def terms_in(text: str, lang: str = "en") -> str:
    """Every kind, class or environment name in ``text`` (snake_case or with
    spaces) in ``lang``; other words unchanged.

    Examples
    --------
    >>> terms_in("117 indoor_das, 54 smart_pole", "zh")
    '117 室分、54 智慧杆'
    >>> terms_in("basic farmland", "zh"), terms_in("key_area, village", "en")
    ('永久基本农田', 'key_area, village')
    """
    if check_lang(lang) == "en":
        return text

    def one(found: re.Match[str]) -> str:
        words = found.group(0)
        whole = words.replace(" ", "_")
        if whole in TERMS:
            return TERMS[whole][lang]
        return " ".join(TERMS.get(w, {}).get(lang, w) for w in words.split(" "))

    return _NAME.sub(one, text).replace(", ", "、")


#: Units of the assumptions table that are words, in Chinese (symbols such as
#: m, dB, kW, MHz stay as they are).
UNITS: dict[str, str] = {"pairs": "对", "points": "个", "CNY": "元", "CNY/kWh": "元/kWh",
                         "people/km²": "人/平方公里", "days": "天", "GB/month": "GB/月",
                         "x reach": "倍覆盖距离", "h": "小时", "bit/s/Hz": "bit/s/Hz",
                         "rows": "行", "samples": "个", "cells": "个小区", "deg": "°",
                         "x": "倍", "dB/decade": "dB/十倍程"}


def unit(text: str, lang: str = "en") -> str:
    """A unit of the assumptions table in ``lang``.

    Examples
    --------
    >>> unit("CNY", "zh"), unit("dBm", "zh"), unit("CNY", "en")
    ('元', 'dBm', 'CNY')
    """
    return UNITS.get(text, text) if check_lang(lang) == "zh" else text


def default_note(note: str, lang: str = "en") -> str:
    """The note of an assumption (:mod:`siteplan.defaults`) in ``lang``
    (catalogue :mod:`siteplan.messages.notes`; unknown notes unchanged).

    Examples
    --------
    >>> default_note("new tower sites on basic farmland", "zh")
    '永久基本农田上的新建铁塔站址'
    >>> default_note("user-equipment height", "zh")
    '终端高度'
    >>> default_note("calibration offset for users in tree (siteplan calibrate)", "zh")
    '林地中用户的校准修正量（siteplan calibrate）'
    """
    from siteplan.messages import CLUTTER, NOTE_TEMPLATES, NOTES

    if check_lang(lang) == "en" or not note:
        return note
    if note in NOTES:
        return NOTES[note]
    for template, zh in NOTE_TEMPLATES.items():
        found = _compile(template).fullmatch(note)
        if found:
            return zh.format(**{k: CLUTTER.get(v, v) if k == "clutter" else terms_in(v, lang)
                                for k, v in found.groupdict().items()})
    return note


def clutter_name(name: str, lang: str = "en") -> str:
    """A clutter class of the calibration (a WorldCover class, or an
    environment when there is no clutter raster) in ``lang``.

    Examples
    --------
    >>> clutter_name("crop", "zh"), clutter_name("urban", "zh"), clutter_name("crop", "en")
    ('耕地', '一般城区', 'crop')
    """
    from siteplan.messages import CLUTTER

    if check_lang(lang) == "en":
        return name
    return CLUTTER.get(name) or term(name, lang)


def _known_classes(text: str) -> str:
    """``forest (林地/forest_land), water (水域/水体)`` as ``林地（forest）、水域（water）``.

    Examples
    --------
    >>> _known_classes("forest (林地/forest_land), water (水域/水体)")
    '林地（forest）、水域（water）'
    """
    def one(found: re.Match[str]) -> str:
        name = found.group(2).split("/")[0]
        return f"{name}（{found.group(1)}）" if not name.isascii() else found.group(0)

    return re.sub(r"\b([a-z_]+) \(([^()]*)\)", one, text).replace("), ", ")、").replace(
        "）, ", "）、")


def _bad_row(text: str, lang: str) -> str:
    """``line 4, column 'kind': reason`` as ``第 4 行，列 'kind'：原因``."""
    found = re.fullmatch(r"line (\d+), column ('[^']*'): (.*)", text, re.DOTALL)
    if found is None:
        return translate(text, lang)
    return f"第 {found[1]} 行，列 {found[2]}：{translate(found[3], lang)}"


def translate(text: str, lang: str = "en") -> str:
    """An English console line, note or error message in ``lang``: the
    catalogue message it is (its parameters' known pieces translated too),
    else the text with its known pieces translated (English: unchanged).

    Examples
    --------
    >>> translate("milestone 2022: set cover over 7,808 demand points", "zh")
    '2022 年度：对 7,808 个需求点求解集合覆盖'
    >>> translate("a.csv, row 3, column 'kind': unknown kind 'x'. Use one of: a, b (or their "
    ...           "Chinese names, e.g. 铁塔 …).", "zh")
    "a.csv，第 3 行，列 'kind'：未知的站址类型 'x'。请使用：a, b（或其中文名称，如 铁塔 …）。"
    """
    if check_lang(lang) == "en" or not text:
        return text
    if getattr(text, "msg_id", None) is not None:  # a siteplan.messages.Msg: by its id
        return _fill(text.msg_id, text.params, lang)  # type: ignore[attr-defined]
    found = identify(text)
    if found is None:
        return _fragments(text)
    return _fill(*found, lang)


def _fill(msg_id: str, params: dict[str, object], lang: str) -> str:
    """Catalogue message ``msg_id`` in ``lang``, each parameter translated as
    its kind needs (names the user typed kept, kind/class lists as terms,
    nested messages recognised)."""
    from siteplan.messages import RAISED, TERM_PARAMS, WHAT

    def one(name: str, value: object) -> object:
        if getattr(value, "msg_id", None) is not None:  # a nested siteplan.messages.Msg
            return _fill(value.msg_id, value.params, lang)  # type: ignore[union-attr]
        text = "" if value is None else str(value)
        if not text or name in _KEEP or (msg_id in RAISED and name not in _TRANSLATED):
            return text
        if name == "clutter":  # a land-cover class (tree …) or an environment
            return clutter_name(text, lang)
        if name == "clutter_shares":  # "tree 40.0 %, no clutter 12.0 %"
            return re.sub(r"[a-z][a-z_ ]*[a-z]", lambda m: clutter_name(m.group(0), lang),
                          text).replace(" %", "%").replace(", ", "、")
        if name in TERM_PARAMS:
            return terms_in(text, lang)
        if name == "what":
            return WHAT.get(text, text)
        if name == "known":
            return _known_classes(text)
        if name == "rows":  # "line 4, column '类型': reason; line 7, …"
            return "；".join(_bad_row(part, lang) for part in text.split("; "))
        return translate(text, lang)

    return msg(msg_id, lang, **{k: one(k, v) for k, v in params.items()})


def error_text(exc: BaseException, lang: str = "en") -> str:
    """The message of ``exc`` in ``lang``: from its ``msg_id`` and ``params``
    when it carries them (:class:`siteplan.errors.SiteplanError`), else
    recognised from its English text (:func:`translate`)."""
    from siteplan.messages import MESSAGES

    if hasattr(exc, "msg_id") and exc.msg_id is None:  # a SiteplanError raised as text only
        found = identify(str(exc))  # carries the id the catalogue knows it by from now on
        if found is not None:
            exc.msg_id, exc.params = found  # type: ignore[attr-defined]
    msg_id = getattr(exc, "msg_id", None)
    if check_lang(lang) == "en" or msg_id not in MESSAGES:
        return translate(str(exc), lang)
    return _fill(msg_id, dict(getattr(exc, "params", None) or {}), lang)
