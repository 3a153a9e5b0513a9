"""The demo's Chinese documents: the construction bureau (市城建局, Dalian in the source articles)
in its document-writing phase — quality policy, objectives and manual, the six mandatory
procedures, and the administrative-approval procedures of its approval division, one of them
being revised (the committed time limit shortened). Titles and text are Chinese whatever the
demo's language; ``key`` is an English name the builder and the tests use."""

from datetime import date

from .markup import bullets as _ul
from .markup import heading as _h
from .markup import para as _p

# (number, title, issuer, issue date, effective date) — real laws and regulations.
LEGAL = [
    ("GB/T 19001-2016", "质量管理体系 要求", "国家质量监督检验检疫总局、国家标准化管理委员会",
     date(2016, 12, 30), date(2017, 7, 1)),
    ("中华人民共和国主席令第91号", "中华人民共和国建筑法", "全国人民代表大会常务委员会",
     date(1997, 11, 1), date(1998, 3, 1)),
    ("中华人民共和国主席令第7号", "中华人民共和国行政许可法", "全国人民代表大会常务委员会",
     date(2003, 8, 27), date(2004, 7, 1)),
    ("国务院令第722号", "优化营商环境条例", "国务院", date(2019, 10, 22), date(2020, 1, 1)),
]
GBT, BUILDING_LAW, LICENSING_LAW, BUSINESS_ENVIRONMENT = (row[0] for row in LEGAL)

LEVEL1 = [
    ("Quality manual", "STCL", ["4.3", "4.4"], "质量手册"),
    ("Quality policy", "CS", ["5.2"], "质量方针"),
    ("Quality objectives", "MT", ["6.2"], "质量目标"),
]
# (key, clause, title, what it lays down)
MANDATORY = [
    ("Control of documents", "7.5.3", "文件控制程序",
     "体系文件的编制、审核、批准、发放、更改、作废及外来文件（法律法规）的控制"),
    ("Control of records", "7.5.3", "记录控制程序", "质量记录的标识、贮存、保护、检索、保存期限和处置"),
    ("Internal audit", "9.2", "内部审核程序",
     "年度内审方案的策划、内审员的选派（不审核本部门工作）、审核实施、报告和跟踪验证"),
    ("Control of nonconformity", "8.7", "不合格服务控制程序",
     "超期办理、审批结果差错等不合格服务的识别、记录、处置和向服务对象说明"),
    ("Corrective action", "10.2", "纠正措施控制程序", "不合格原因分析、纠正措施的制定、实施和有效性验证"),
    ("Preventive action", "6.1", "预防措施控制程序", "风险和机遇的识别及预防措施的实施"),
]
# (key, title, legal time limit in working days, division, legal numbers, what the time limit rests on)
OPERATIONAL = [
    ("Construction permits", "建筑工程施工许可证核发", 7, "CB-D16", [BUILDING_LAW, LICENSING_LAW],
     "《中华人民共和国建筑法》第八条：自收到申请之日起七日内"),
    ("Pre-sale permits for commercial housing", "商品房预售许可", 10, "CB-D09", [LICENSING_LAW],
     "自受理之日起十日内作出审核决定"),
]
# The committed time limit of the construction permit, first as the law sets it, then shortened.
PERMIT_KEY = "Construction permits"
PERMIT_REASON = "落实《优化营商环境条例》，压缩审批时限：承诺办结时限由7个工作日压缩为5个工作日，申请材料网上提交"


def policy_html():
    return "".join([
        _h("质量方针"),
        _p("<strong>依法行政、优质服务、规范高效、持续改进</strong>"),
        _ul([
            "依法行政：严格依照法律、法规和规章履行城乡建设管理职责，做到权责一致、程序正当。",
            "优质服务：以服务对象满意为标准，一次告知、限时办结，让企业和群众少跑腿。",
            "规范高效：每项业务明确谁负责、办多久、按什么顺序办，全过程留痕可查。",
            "持续改进：通过内部审核、满意度测评和管理评审，不断提高行政效能。",
        ]),
        _p("本方针由局长批准发布，传达至全局干部职工，并在管理评审中评审其持续适宜性。"),
    ])


def objectives_html(year):
    rows = [
        ("行政审批事项按时办结率", "100%", "行政审批处"),
        ("服务对象满意率（满意和基本满意）", "≥98%，其中满意率≥90%", "办公室"),
        ("法律法规更新后相关程序修订完成时限", "30日内", "政策法规处"),
        ("内审发现的不符合项按期整改率", "100%", "推进办公室"),
    ]
    table = ("<table><thead><tr><th>质量目标</th><th>指标</th><th>责任部门</th></tr></thead><tbody>"
             + "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in rows) + "</tbody></table>")
    return _h(f"{year}年度质量目标") + _p("局总体质量目标分解到各处室，按季度统计，在管理评审中评价。") + table


def manual_html(register, divisions):
    listing = ("<table><thead><tr><th>文件编号</th><th>文件名称</th></tr></thead><tbody>"
               + "".join(f"<tr><td>{code}</td><td>{title}</td></tr>" for code, title in register)
               + "</tbody></table>")
    return "".join([
        _h("1. 概述"),
        _p("本手册依据GB/T 19001-2016编制，描述市城建局质量管理体系，是全局实施质量管理的纲领性文件。"),
        _h("2. 适用范围"),
        _p("适用于局机关行政审批、行政执法、城乡建设管理和公共服务工作，覆盖以下部门：" + "、".join(divisions) + "。"),
        _h("3. 删减说明"),
        _ul(["8.3 产品和服务的设计和开发：行政审批的条件、程序和时限由法律法规规定，本局不从事设计和开发，"
             "予以删减。",
             "7.1.5 监视和测量资源：审批结果不使用测量设备验证，予以删减。"]),
        _h("4. 过程及其相互作用"),
        _ul(["管理过程：质量方针和目标、管理评审、风险和机遇。",
             "业务实现过程：受理 → 审查 → 决定 → 送达（一站式窗口）。",
             "支持过程：文件和记录控制、人员培训、信息设备、采购。",
             "测量分析改进过程：满意度测评、内部审核、不合格服务控制、纠正措施。"]),
        _h("5. 职责和权限"),
        _ul(["局长：质量方针和目标的批准，主持管理评审。",
             "管理者代表：建立、实施和保持质量管理体系，批准程序文件，向局长报告体系运行情况。",
             "推进办公室：体系文件的编号、发布、更改和定期评审，组织内部审核。",
             "各处室负责人：本部门程序的编制、执行和改进。"]),
        _h("6. 程序文件目录"),
        listing,
    ])


def procedure_html(title, legal, *, days=None, basis="", covers="", committed=None, online=False):
    parts = [
        _h("1. 目的"), _p(f"规范{title}工作，明确各环节的责任人、办理时限和顺序。"),
        _h("2. 适用范围"), _p("适用于局机关及各处室。" if not days else "适用于本局受理的相关行政许可申请。"),
        _h("3. 引用文件"), _ul([f"{number}《{name}》" for number, name in legal]),
        _h("4. 工作程序"),
    ]
    if days:
        committed = committed or days
        parts += [
            _p(f"<strong>法定时限</strong>：{basis}。"),
            _p(f"<strong>承诺时限</strong>：{committed}个工作日。"),
            _p("<strong>受理方式</strong>：" + (
                "一站式窗口受理或网上提交申请材料，网上申请与窗口申请同等受理。" if online
                else "一站式窗口受理，申请人提交纸质申请材料。")),
            _p("<strong>办理流程</strong>：见下表，各环节不得超时；超期视为不合格服务，按《不合格服务控制程序》处理。"),
        ]
    else:
        parts.append(_p(f"本程序规定{covers}。"))
    records = "受理通知书、审查意见表、许可决定书；保存期限不少于五年。" if days else "按《记录控制程序》保存。"
    parts += [_h("5. 相关记录"), _p(records)]
    return "".join(parts)


def steps(days, division, committed=None, online=False):
    committed = committed or days
    review = committed - 3
    return [
        {"title": "窗口受理，材料不全的一次性告知" if not online else "窗口或网上受理，材料不全的一次性告知",
         "responsible_position": "一站式窗口工作人员", "time_limit": 1},
        {"title": "审查申请材料，必要时现场核查", "responsible_unit": division, "responsible_position": "经办人",
         "time_limit": review},
        {"title": "处室负责人审核", "responsible_unit": division, "responsible_position": "处长", "time_limit": 1},
        {"title": "分管局领导审批，制作许可决定", "responsible_position": "分管副局长", "time_limit": 0.5},
        {"title": "送达许可决定", "responsible_position": "一站式窗口工作人员", "time_limit": 0.5},
    ]
