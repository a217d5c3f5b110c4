"""Chinese notes of the assumptions table (the 说明 column of the report).

:data:`NOTE_TEMPLATES` cover the notes written per kind, environment, area
class or land-use class (the placeholder's value is translated as a term);
:data:`NOTES` the others, by their English text. A test checks that every
``Default`` of :mod:`siteplan.defaults` has a Chinese note.
"""

from __future__ import annotations

#: ``English template -> Chinese template``; ``{term}`` placeholders are
#: translated as kind/class/environment names.
NOTE_TEMPLATES: dict[str, str] = {
    "{kind} cell radius in {env} for coverage.mode='radius'":
        "{kind}在{env}环境的小区半径（coverage.mode='radius' 时使用）",
    "new tower sites on {cls}": "{cls}上的新建铁塔站址",
    "new pole sites on {cls}": "{cls}上的新建杆站",
    "existing sites on {cls}": "{cls}上的存量站址",
    "protection buffer around {cls} (assumption)": "{cls}周边保护缓冲距离（假设）",
    "{cls} population density when the area has no population (assumption; Chinese county "
    "seats 5,000-15,000/km²)": "区域无人口数据时{cls}的人口密度（假设；中国县城 5,000-15,000 人/平方公里）",
    "average DL spectral efficiency per MIMO layer in {env} (ITU-R M.2410 per-TRxP minimum: "
    "dense urban 7.8, rural 3.3, over 4 layers; urban, suburban interpolated, assumption)":
        "{env}环境每个 MIMO 层的平均下行频谱效率（ITU-R M.2410 每 TRxP 最低值：密集城区 7.8、"
        "农村 3.3，按 4 层计；城区、郊区为插值，假设）",
    "{band} carrier bandwidth (sets the subcarriers sharing the power)":
        "{band} 载波带宽（决定分享功率的子载波数）",
    "{band} subcarrier spacing": "{band} 子载波间隔",
    # terrain, clutter and calibration (issue 27); {clutter} is a WorldCover class (CLUTTER)
    "calibration: path-loss offset for users in {env} areas when there is no clutter raster "
    "(siteplan calibrate)": "校准：无地物栅格时{env}区域用户的路径损耗修正量（siteplan calibrate）",
    "representative height of {clutter} (WorldCover {code}) along a profile":
        "路径剖面上{clutter}（WorldCover 类别 {code}）的代表高度",
    "extra loss when the user stands in {clutter} (TR 38.901 models buildings only)":
        "用户位于{clutter}中时的附加损耗（TR 38.901 只对建筑物建模）",
    "calibration offset for users in {clutter} (siteplan calibrate)":
        "{clutter}中用户的校准修正量（siteplan calibrate）",
    "clutter class of {cls} zones when [inputs] clutter = \"landuse\"; empty: no clutter":
        "[inputs] clutter = \"landuse\" 时{cls}分区对应的地物类别；空：无地物",
}

#: Land-cover (地物) classes of the clutter raster (ESA WorldCover), for the
#: ``{clutter}`` placeholder of :data:`NOTE_TEMPLATES`.
CLUTTER: dict[str, str] = {
    "tree": "林地", "shrub": "灌木地", "grass": "草地", "crop": "耕地", "built": "建成区",
    "bare": "裸地", "snow": "冰雪", "water": "水体", "wetland": "湿地", "mangrove": "红树林",
    "moss": "苔藓地衣", "no clutter": "无地物",
}

#: ``English note -> Chinese note`` for notes written once.
NOTES: dict[str, str] = {
    "clutter class of cells in no mapped land-use zone when [inputs] clutter = \"landuse\"; "
    "empty: open land (LOS where the terrain clears)":
        "[inputs] clutter = \"landuse\" 时不在任何已映射分区内的栅格的地物类别；空：开阔地"
        "（地形无遮挡处按视距）",
    "grid spacing of demand points in target areas": "目标区域内需求点的网格间距",
    "storey height for OSM building:levels": "OSM building:levels 的层高",
    "cells of one operator closer than this are one physical site":
        "同一运营商距离小于此值的小区视为同一物理站址",
    "the same kind within this distance in two sources is one structure":
        "两个来源中此距离内的同类设施视为同一设施",
    "distinct poles within this distance form one multi-use pole (多杆合一)":
        "此距离内的不同杆体合为一根多功能杆（多杆合一）",
    "'link_budget' (TR 38.901) or 'radius'":
        "'link_budget'（TR 38.901 链路预算）或 'radius'（半径表）",
    "memory guard on candidate-demand pairs": "候选站址-需求点对数的内存上限",
    "work guard: more demand points need --allow-large": "工作量上限：需求点更多时需加 --allow-large",
    "work guard: estimated memory above this share of RAM needs --allow-large":
        "工作量上限：估计内存超过本机内存的此比例时需加 --allow-large",
    "capital cost of a 5G site on this structure (assumption)": "在此类设施上建 5G 站址的投资（假设）",
    "mount height when the candidate has no height_m (docs/DOMAIN.md §4)":
        "候选站址无挂高时采用的挂高（docs/DOMAIN.md §4）",
    "n78 3.5 GHz, n41 2.6 GHz, n28 700 MHz, n79 4.9 GHz":
        "频段：n78 3.5 GHz，n41 2.6 GHz，n28 700 MHz，n79 4.9 GHz",
    "'nlos' (conservative), 'expected' (LOS-weighted), 'los'":
        "'nlos'（保守）、'expected'（按视距概率加权）、'los'（视距）",
    "SS-RSRP edge; common value, no primary source": "SS-RSRP 边缘门限；常用值，无一手出处",
    "cell-edge coverage probability for the shadow margin": "阴影衰落余量对应的小区边缘覆盖概率",
    "user-equipment height": "终端高度",
    "UE noise figure (edge SNR in reports)": "终端噪声系数（报告中的边缘信噪比）",
    "macro total transmit power (200 W)": "宏站总发射功率（200 W）",
    "macro SSB beam gain": "宏站 SSB 波束增益",
    "macro feeder and body loss": "宏站馈线与人体损耗",
    "pole micro total power (5 W, Ranplan)": "杆站微站总功率（5 W，Ranplan）",
    "pole micro antenna gain": "杆站微站天线增益",
    "micro feeder and body loss": "微站馈线与人体损耗",
    "'low' or 'high' loss buildings for indoor areas": "室内区域建筑穿透损耗：'low'（低）或 'high'（高）",
    "indoor path length, 0.5 dB/m (TR 38.901 7.4.3)": "室内路径长度，0.5 dB/米（TR 38.901 7.4.3）",
    "RMa street width W": "RMa 模型街道宽度 W",
    "RMa average building height h": "RMa 模型平均建筑高度 h",
    "'weighted' costs or 'strict' sharing": "'weighted'（按成本加权）或 'strict'（严格共享）",
    "China Tower 2023: >95% of 5G builds reused": "中国铁塔 2023 年：超过 95% 的 5G 建设利用存量资源",
    "5G macro at full load (CCSA)": "5G 宏站满载功耗（CCSA）",
    "micro unit on a smart pole (Guangdong spec)": "智慧杆上的微站设备（广东规范）",
    "average / full load over a year (assumption)": "全年平均负荷与满载之比（假设）",
    "market target (Zezhou)": "市场化目标电价（泽州）",
    "transfer-supply cap (Yueyang)": "转供电价上限（岳阳）",
    "worst case: transfer cap": "最不利情况：按转供电价上限",
    "Puyang: transfer-supply sites < 5% by 2022": "濮阳：2022 年转供电站址占比低于 5%",
    "hours a site runs in a year": "站址每年运行小时数",
    "Puyang subsidy per new SA 5G site": "濮阳每个新建 SA 5G 站址的补贴",
    "side of a new ground tower's compound": "新建落地塔场地边长",
    "side of a new smart pole's base": "新建智慧杆基础边长",
    "permit cost/risk on restricted land": "限制用地上的审批成本与风险",
    "5G users / population at the milestone (Puyang plan: 1.91M of ~3.8M people by 2022, about "
    "0.5)": "该年度 5G 用户数与人口之比（濮阳规划：2022 年约 380 万人口中 191 万，约 0.5）",
    "share of 5G users the planned sites serve (1 = every operator on the shared sites)":
        "规划站址服务的 5G 用户比例（1 = 所有运营商共享站址）",
    "mobile data per 5G user (assumption: about 2x MIIT 2022 all-user average of 15.2 GB)":
        "每个 5G 用户的月移动流量（假设：约为工信部 2022 年全体用户平均 15.2 GB 的 2 倍）",
    "share of a day's traffic in the busy hour (cdcam's constant)": "忙时流量占全天流量的比例（cdcam 常数）",
    "days per month for daily traffic": "折算日流量所用的每月天数",
    "planning load cap: expansion is triggered near 70 % PRB utilisation":
        "规划负荷上限：PRB 利用率约 70% 时触发扩容",
    "downlink share of a TDD carrier: DDDSU with S = 10:2:2 symbols (52 of 70); FDD bands (n28) "
    "use 1": "TDD 载波的下行占比：DDDSU 帧结构，S = 10:2:2 符号（70 个中 52 个）；FDD 频段（n28）取 1",
    "cells per macro site (three sectors)": "每个宏站的小区数（三扇区）",
    "average DL MIMO layers of a 64T64R macro cell (assumption, M.2410's per-TRxP figures over 4 "
    "layers)": "64T64R 宏站小区的平均下行 MIMO 层数（假设，M.2410 每 TRxP 数值按 4 层计）",
    "cells per pole-mounted micro site": "每个杆站微站的小区数",
    "average DL layers of a 4T4R micro cell": "4T4R 微站小区的平均下行层数",
    "cells per indoor distribution system (a building split in 2 cells)":
        "每套室分系统的小区数（一栋楼分 2 个小区）",
    "average DL layers of a 2T2R/4T4R indoor system": "2T2R/4T4R 室分系统的平均下行层数",
    "indoor DL spectral efficiency per layer (ITU-R M.2410 indoor hotspot 9 over 4 layers)":
        "室内每层下行频谱效率（ITU-R M.2410 室内热点 9，按 4 层计）",
    "'reach': propose new towers, smart poles and indoor systems where no listed candidate "
    "reaches demand or capacity is short; 'off': none":
        "'reach'：在已列候选站址无法覆盖或容量不足处规划新建铁塔、智慧杆和室分；'off'：不规划",
    "proposed tower lattice spacing / macro reach (hexagonal full cover needs <= 1.73)":
        "规划铁塔网格间距与宏站覆盖距离之比（六边形全覆盖需 <= 1.73）",
    "proposed smart-pole lattice spacing / micro reach": "规划智慧杆网格间距与微站覆盖距离之比",
    "proposed indoor-system spacing / indoor reach (square full cover needs <= 1.41)":
        "规划室分间距与室内覆盖距离之比（正方形全覆盖需 <= 1.41）",
    "propose more sites where the listed candidates' capacity is below this multiple of an "
    "area's busy-hour demand": "已列候选站址容量低于区域忙时需求的此倍数时增加规划站址",
    "5G indoor distribution system head end and remote units (assumption)":
        "5G 室分系统主机与远端单元（假设）",
    # input guards (SOURCES)
    "input guard: a KML or CSV/TXT file, or a KMZ/XLSX/zip member (declared or inflated size), "
    "larger than this needs --allow-large (parsed text takes ~10x in memory)":
        "输入上限：单个 KML/CSV/TXT 文件或 KMZ/XLSX/zip 中的成员文件（按声明或解压后大小）超过"
        "此值时需加 --allow-large（解析后的文本约占 10 倍内存）",
    "input guard: a CSV/TXT/XLSX table with more rows (counted while streaming, before reading) "
    "needs --allow-large": "输入上限：行数多于此值的 CSV/TXT/XLSX 表格（读取前流式计数）需加 "
                           "--allow-large",
    "a listed point farther than this outside the target areas' extent (while 90 % of its list "
    "is inside) is an outlier: it can serve no target":
        "清单中位于目标区域范围之外且超出此距离的点（而该清单 90% 的点在范围内）为离群点："
        "它不能服务任何目标",
    "a part of a target area farther than this from its largest part is an error (a stray "
    "vertex or a lon/lat slip)": "目标区域中距其最大部分超过此距离的部分视为错误（孤立顶点或"
                                 "经纬度填错）",
    # best server and SINR (issue 27)
    "best-server / SINR analysis after the plan ('off' skips it)":
        "规划后的最佳服务小区与信干噪比（SINR）分析（'off' 不做）",
    "share of resource elements the interfering cells transmit on (network load, assumption)":
        "干扰小区发射所占资源粒子的比例（网络负载，假设）",
    "sector horizontal 3 dB beamwidth (TR 38.901 Table 7.3-1)":
        "扇区水平 3 dB 波瓣宽度（TR 38.901 表 7.3-1）",
    "sector front-to-back limit A_max (TR 38.901 Table 7.3-1)":
        "扇区前后比上限 A_max（TR 38.901 表 7.3-1）",
    "sector vertical 3 dB beamwidth of a macro panel (TR 36.814 Table A.2.1.1-2)":
        "宏站板状天线扇区垂直 3 dB 波瓣宽度（TR 36.814 表 A.2.1.1-2）",
    "vertical side-lobe limit SLA_V (TR 36.814 Table A.2.1.1-2)":
        "垂直旁瓣电平上限 SLA_V（TR 36.814 表 A.2.1.1-2）",
    "macro sector downtilt (assumption; micro cells omni, untilted)":
        "宏站扇区下倾角（假设；微站小区为全向、无下倾）",
    "cells farther than this neither serve nor interfere (TR 38.901 NLOS range)":
        "距离超过此值的小区既不服务也不产生干扰（TR 38.901 非视距适用距离）",
    "overlap KPI: cells within this of the best server":
        "重叠覆盖指标：与最佳服务小区电平相差在此值以内的小区",
    "overlap KPI: this many cells in the window is overlap (target: < 2 % of the area)":
        "重叠覆盖指标：窗口内小区数达到此值即为重叠覆盖（目标：低于区域面积的 2%）",
    "overlap KPI target: at most this share of the area in overlap (planners' rule of thumb)":
        "重叠覆盖指标目标：重叠覆盖面积占比不超过此值（规划经验值）",
    "overlap KPI counts only cells above this (out-of-service level)":
        "重叠覆盖指标只计入电平高于此值的小区（脱网电平）",
    "overshooting: serving beyond this multiple of the first-tier neighbour distance while a "
    "nearer site exists": "越区覆盖：存在更近站址时，服务距离超过第一圈邻站距离的此倍数",
    "overshooting: share of a site's served points beyond it that flags the site":
        "越区覆盖：站址服务点中超出上述距离的比例达到此值即判为越区覆盖站",
    # terrain and path loss (issue 27)
    "DEM GeoTIFF(s), ';'-separated (set by [inputs] dem); empty: flat earth":
        "数字高程模型栅格文件（.tif），多个用 ';' 分隔（由 [inputs] dem 设置）；为空：按平坦地面计算",
    "land-cover GeoTIFF, ESA WorldCover codes (set by [inputs] clutter); empty: none":
        "地物（地表覆盖）栅格文件（.tif），采用欧洲航天局 WorldCover 分类编码（由 [inputs] "
        "clutter 设置）；为空：不考虑地物",
    "effective earth-radius factor (ITU-R P.526/P.452 median 4/3)":
        "等效地球半径系数（ITU-R P.526/P.452 中值 4/3）",
    "spacing of profile samples (about a 1-arc-second DEM cell)":
        "路径剖面采样间距（约为 1 角秒数字高程模型的栅格尺寸）",
    "most samples on one profile (longer paths are sampled coarser)":
        "单条路径剖面的最多采样点数（更长的路径采样更稀）",
    "LOS when the profile clears this share of the first Fresnel zone":
        "路径剖面余隙达到第一菲涅尔区的此比例时按视距（LOS）计算",
    "calibration: added to every path loss (siteplan calibrate)":
        "校准：加到每条路径损耗上的修正量（siteplan calibrate）",
    "calibration: slope x log10(d / 1 km) added to the path loss":
        "校准：斜率 × log10(d / 1 km)，加到路径损耗上",
}
