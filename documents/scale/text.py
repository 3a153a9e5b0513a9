"""The words of the benchmark documents: Vietnamese and Chinese procedure text, built from topics
so that searching a topic word finds a few percent of the documents (used by ``documents.scale``)."""

from qms_portal.models import nfc

SHOWCASE_SECTIONS = 47  # sections of the showcase's long content: ~20 pages of controlled copy

_VI_TOPICS = [
    "đăng ký khai sinh", "đăng ký kết hôn", "đăng ký khai tử", "trích lục hộ tịch", "đăng ký lại hộ tịch",
    "chứng thực bản sao từ bản chính", "chứng thực chữ ký", "cấp giấy phép xây dựng",
    "cấp giấy chứng nhận quyền sử dụng đất", "đăng ký biến động đất đai", "đăng ký hộ kinh doanh",
    "cấp giấy phép kinh doanh rượu", "giải quyết khiếu nại", "giải quyết tố cáo", "tiếp công dân",
    "quản lý văn bản đến", "quản lý văn bản đi", "lưu trữ hồ sơ", "tuyển dụng công chức", "nâng bậc lương",
    "thi đua, khen thưởng", "cấp phiếu lý lịch tư pháp", "đăng ký thường trú", "xác nhận tình trạng hôn nhân",
    "trợ cấp xã hội hằng tháng", "xác nhận người có công", "cấp thẻ bảo hiểm y tế cho trẻ em",
    "thẩm định dự án đầu tư", "cấp phép khai thác nước dưới đất", "đánh giá tác động môi trường",
    "quản lý tài sản công", "mua sắm tài sản", "kiểm soát tài liệu", "kiểm soát hồ sơ", "đánh giá nội bộ",
    "hành động khắc phục", "khảo sát sự hài lòng của người dân", "kiểm soát sự không phù hợp",
]
_ZH_TOPICS = [
    "出生登记", "结婚登记", "死亡登记", "户籍登记", "户籍补登", "复印件认证", "签名认证", "建筑许可证核发",
    "土地使用权证书核发", "土地变更登记", "个体工商户登记", "酒类经营许可", "投诉处理", "举报处理", "公民接待",
    "收文管理", "发文管理", "档案管理", "公务员录用", "工资晋级", "评比表彰", "司法记录证明", "常住户口登记",
    "婚姻状况证明", "社会救助金发放", "优抚对象认定", "儿童医保卡办理", "投资项目评审", "地下水开采许可",
    "环境影响评价", "公共资产管理", "资产采购", "文件控制", "记录控制", "内部审核", "纠正措施", "群众满意度调查",
    "电子档案管理",
]

_VI = {
    "sections": ["1. Mục đích", "2. Phạm vi áp dụng", "3. Tài liệu viện dẫn", "4. Định nghĩa và từ viết tắt",
                 "5. Nội dung", "6. Hồ sơ lưu"],
    "purpose": [
        "Quy định trình tự, thủ tục và thời hạn giải quyết {topic} tại {unit}.",
        "Bảo đảm việc {topic} được thực hiện thống nhất, công khai, minh bạch và đúng quy định của pháp luật.",
        "Nâng cao chất lượng phục vụ người dân, tổ chức và rút ngắn thời gian giải quyết hồ sơ.",
        "Làm căn cứ để lãnh đạo đơn vị kiểm tra, giám sát việc thực hiện nhiệm vụ của công chức.",
        "Góp phần thực hiện mục tiêu cải cách hành chính và xây dựng chính quyền số của tỉnh.",
        "Phân định rõ trách nhiệm của từng bộ phận, từng công chức trong quá trình xử lý công việc.",
    ],
    "scope": [
        "Áp dụng đối với {topic} thuộc thẩm quyền giải quyết của {unit}.",
        "Áp dụng cho công chức Bộ phận tiếp nhận và trả kết quả và các phòng chuyên môn có liên quan.",
        "Không áp dụng đối với hồ sơ thuộc thẩm quyền của cơ quan trung ương.",
        "Các đơn vị trực thuộc căn cứ tài liệu này để xây dựng hướng dẫn công việc chi tiết.",
        "Cá nhân, tổ chức có yêu cầu {topic} thực hiện theo các bước được quy định dưới đây.",
    ],
    "references": [
        "Tiêu chuẩn quốc gia TCVN ISO 9001:2015 — Hệ thống quản lý chất lượng — Các yêu cầu.",
        "Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục "
        "hành chính.",
        "Quyết định số 19/2014/QĐ-TTg về việc áp dụng Hệ thống quản lý chất lượng vào hoạt động của các cơ quan "
        "hành chính nhà nước.",
        "Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử.",
        "Thông tư số 01/2018/TT-VPCP hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP.",
        "Quyết định công bố danh mục thủ tục hành chính của Chủ tịch Ủy ban nhân dân tỉnh.",
    ],
    "terms": [
        "TTHC: Thủ tục hành chính.", "UBND: Ủy ban nhân dân.", "BPTN&TKQ: Bộ phận tiếp nhận và trả kết quả.",
        "HTQLCL: Hệ thống quản lý chất lượng.", "CBCC: Cán bộ, công chức.", "CSDL: Cơ sở dữ liệu.",
    ],
    "body": [
        "Công chức tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ {topic}; trường hợp hồ sơ chưa đầy đủ thì "
        "hướng dẫn một lần để tổ chức, cá nhân bổ sung.",
        "Hồ sơ hợp lệ được cập nhật vào phần mềm một cửa điện tử và chuyển đến phòng chuyên môn ngay trong ngày "
        "làm việc.",
        "Chuyên viên thụ lý thẩm định hồ sơ, lập tờ trình và dự thảo văn bản trình lãnh đạo xem xét trong thời hạn "
        "{days} ngày làm việc.",
        "Lãnh đạo phòng xem xét, ký nháy và trình lãnh đạo {unit} ký duyệt.",
        "Văn bản được ký bằng chữ ký số và phát hành qua hệ thống quản lý văn bản và điều hành.",
        "Kết quả giải quyết được trả cho người dân tại Bộ phận một cửa hoặc qua dịch vụ bưu chính công ích.",
        "Trường hợp giải quyết quá hạn, đơn vị thụ lý gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        "Mọi vướng mắc phát sinh được báo cáo Thư ký ISO để tổng hợp, đề xuất biện pháp cải tiến.",
        "Người dân có thể nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia và theo dõi tiến độ giải quyết.",
        "Phí, lệ phí được thu theo quy định và người nộp được cấp biên lai điện tử.",
        "Hằng quý, phòng chuyên môn tổng hợp số liệu {topic} gửi Văn phòng để báo cáo lãnh đạo.",
        "Công chức không được yêu cầu người dân nộp thêm giấy tờ ngoài thành phần hồ sơ đã công bố.",
    ],
    "records": [
        "Hồ sơ {topic} được lưu tại phòng chuyên môn trong thời hạn {years} năm, sau đó chuyển vào lưu trữ cơ "
        "quan.",
        "Sổ theo dõi giải quyết hồ sơ được cập nhật hằng ngày trên phần mềm.",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ được lưu cùng hồ sơ.",
        "Biên bản kiểm tra định kỳ được lưu tại Văn phòng.",
    ],
    "reasons": [
        "Cập nhật theo Nghị định số 45/2020/NĐ-CP.", "Rút ngắn thời gian giải quyết theo chỉ đạo của UBND tỉnh.",
        "Điều chỉnh sau đợt đánh giá nội bộ.", "Bổ sung biểu mẫu kèm theo.", "Thay đổi bộ phận phụ trách.",
        "Chuyển đổi sang TCVN ISO 9001:2015.", "Cập nhật thành phần hồ sơ theo quyết định công bố mới.",
    ],
    "titles": {
        "QT": ["Quy trình {topic}", "Quy trình liên thông {topic}"],
        "HD": ["Hướng dẫn thực hiện {topic}", "Hướng dẫn công việc: {topic}"],
        "BM": ["Mẫu phiếu tiếp nhận hồ sơ {topic}", "Sổ theo dõi {topic}", "Mẫu tờ trình {topic}"],
        "TL": ["Văn bản hướng dẫn về {topic}", "Tài liệu tham khảo: {topic}"],
        "STCL": ["Sổ tay chất lượng"], "CS": ["Chính sách chất lượng"], "MT": ["Mục tiêu chất lượng năm {year}"],
    },
    "steps": [
        ("Tiếp nhận hồ sơ tại Bộ phận một cửa", "Công chức Bộ phận một cửa", "Phiếu tiếp nhận và hẹn trả kết quả"),
        ("Chuyển hồ sơ cho phòng chuyên môn", "Công chức Bộ phận một cửa", "Phiếu kiểm soát quá trình"),
        ("Thẩm định hồ sơ, dự thảo kết quả", "Chuyên viên thụ lý", "Tờ trình, dự thảo văn bản"),
        ("Lãnh đạo phòng xem xét", "Trưởng phòng chuyên môn", "Ý kiến của lãnh đạo phòng"),
        ("Lãnh đạo đơn vị ký duyệt", "Lãnh đạo đơn vị", "Văn bản được ký số"),
        ("Vào sổ, đóng dấu, phát hành", "Văn thư", "Sổ đăng ký văn bản đi"),
        ("Trả kết quả cho tổ chức, cá nhân", "Công chức Bộ phận một cửa", "Sổ theo dõi trả kết quả"),
    ],
}
_ZH = {
    "sections": ["一、目的", "二、适用范围", "三、引用文件", "四、术语和缩写", "五、工作内容", "六、记录"],
    "purpose": [
        "为规范{unit}{topic}的办理程序、时限和要求，特制定本文件。",
        "确保{topic}工作统一、公开、透明，并严格依法办理。",
        "提高服务质量，缩短群众和企业的办事时间。",
        "为单位领导监督检查工作人员履职情况提供依据。",
        "推进行政审批制度改革和数字政府建设。",
        "明确各科室和工作人员在办理过程中的职责。",
    ],
    "scope": [
        "本文件适用于{unit}权限范围内的{topic}事项。",
        "适用于一站式服务窗口工作人员及相关业务科室。",
        "中央机关管辖的事项不适用本文件。",
        "各下属单位可依据本文件制定具体的作业指导书。",
        "申请{topic}的个人和组织按照下列步骤办理。",
    ],
    "references": [
        "TCVN ISO 9001:2015 质量管理体系 要求。",
        "第61/2018/NĐ-CP号议定：关于在办理行政手续中实行一站式、一站式联办机制的规定。",
        "第19/2014/QĐ-TTg号决定：关于在国家行政机关应用质量管理体系的规定。",
        "第45/2020/NĐ-CP号议定：关于在电子环境下办理行政手续的规定。",
        "第01/2018/TT-VPCP号通知：第61/2018/NĐ-CP号议定实施细则。",
        "省人民委员会主席关于公布行政手续目录的决定。",
    ],
    "terms": [
        "行政手续：法律规定的办事程序。", "一站式窗口：受理申请和送达结果的服务窗口。",
        "质量管理体系：指导和控制组织质量的管理体系。", "承办人：负责审查和起草意见的工作人员。",
        "电子签名：具有法律效力的数字签名。",
    ],
    "body": [
        "窗口工作人员审查{topic}申请材料是否齐全、合法；材料不全的，一次性告知申请人补正。",
        "受理后，材料录入一站式电子系统，并于当日转交业务科室。",
        "承办人员在{days}个工作日内完成审查，起草意见报领导审批。",
        "科室负责人审核后报{unit}领导签发。",
        "文件使用电子签名签发，并通过公文管理系统发布。",
        "办理结果在窗口送达，或通过公共邮政服务寄送。",
        "逾期办理的，承办单位应出具致歉书并重新约定送达日期。",
        "申请人可通过网上办事大厅提交材料并查询办理进度。",
        "费用按规定收取，并向缴费人开具电子票据。",
        "业务科室每季度汇总{topic}数据，报办公室呈领导审阅。",
        "工作人员不得要求申请人提交已公布目录以外的材料。",
    ],
    "records": [
        "{topic}材料由业务科室保存{years}年，期满后移交机关档案室。",
        "办件登记簿每日在系统中更新。",
        "办理过程控制单与办件材料一并保存。",
        "定期检查记录由办公室保存。",
    ],
    "reasons": [
        "根据第45/2020/NĐ-CP号议定更新。", "按省人民委员会要求缩短办理时限。", "内部审核后调整。", "增补附件表格。",
        "变更负责科室。", "转换为TCVN ISO 9001:2015版。", "根据新公布的目录更新申请材料。",
    ],
    "titles": {
        "QT": ["{topic}程序", "{topic}办理流程"],
        "HD": ["{topic}作业指导书", "{topic}工作指引"],
        "BM": ["{topic}受理单", "{topic}登记簿", "{topic}呈报表"],
        "TL": ["{topic}参考文件", "{topic}相关法规汇编"],
        "STCL": ["质量手册"], "CS": ["质量方针"], "MT": ["{year}年质量目标"],
    },
    "steps": [
        ("一站式窗口受理", "窗口工作人员", "受理及预约送达单"),
        ("转交业务科室", "窗口工作人员", "过程控制单"),
        ("审查材料并起草意见", "承办人员", "呈报表、文稿"),
        ("科室负责人审核", "业务科室负责人", "科室审核意见"),
        ("单位领导签发", "单位领导", "电子签名文件"),
        ("登记、盖章、发文", "文书人员", "发文登记簿"),
        ("送达办理结果", "窗口工作人员", "结果送达登记簿"),
    ],
}
for _bank in (_VI, _ZH):
    for _key, _value in _bank.items():
        if isinstance(_value, list) and _value and isinstance(_value[0], str):
            _bank[_key] = [nfc(v) for v in _value]
_VI_TOPICS = [nfc(t) for t in _VI_TOPICS]
_ZH_TOPICS = [nfc(t) for t in _ZH_TOPICS]

_LEGAL_KINDS = [("NĐ-CP", "Chính phủ", "Nghị định quy định chi tiết về {topic}"),
                ("TT-BNV", "Bộ Nội vụ", "Thông tư hướng dẫn {topic}"),
                ("TT-BTP", "Bộ Tư pháp", "Thông tư quy định về {topic}"),
                ("QĐ-TTg", "Thủ tướng Chính phủ", "Quyết định phê duyệt đề án {topic}"),
                ("QĐ-UBND", "Ủy ban nhân dân tỉnh", "Quyết định ban hành quy chế {topic}"),
                ("QH14", "Quốc hội", "Luật sửa đổi, bổ sung một số điều liên quan đến {topic}")]


def _bank(language):
    return _ZH if language == "zh" else _VI


def _fill(sentence, ctx):
    return sentence.format(**ctx)


def _paragraphs(language, ctx, rng):
    """The sections of a document as a list of (heading or None, html block)."""
    bank = _bank(language)
    blocks = []
    for heading, key, count in zip(bank["sections"], ["purpose", "scope", "references", "terms", "body", "records"],
                                   [2, 2, 3, 3, 4, 2], strict=True):
        sentences = [_fill(s, ctx) for s in rng.sample(bank[key], min(count, len(bank[key])))]
        if key in ("references", "terms"):
            blocks.append((heading, "<ul>" + "".join(f"<li>{s}</li>" for s in sentences) + "</ul>"))
        elif key == "body":
            half = len(sentences) // 2
            sep = "" if language == "zh" else " "
            blocks.append((heading, f"<p>{sep.join(sentences[:half])}</p><p>{sep.join(sentences[half:])}</p>"))
        else:
            blocks.append((heading, "<p>" + ("" if language == "zh" else " ").join(sentences) + "</p>"))
    return blocks


def _mutate(blocks, language, ctx, rng):
    """The next revision's text: one or two sections get a new first paragraph, sometimes a paragraph
    is added at the end."""
    blocks = list(blocks)
    bank = _bank(language)
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(blocks))
        heading, body = blocks[i]
        sentence = _fill(rng.choice(bank["body"] + bank["purpose"]), ctx)
        if body.startswith("<p>"):
            body = body.split("</p>", 1)[1]
        blocks[i] = (heading, f"<p>{sentence}</p>{body}")
    if rng.random() < 0.4:
        blocks.append((None, f"<p>{_fill(rng.choice(bank['body']), ctx)}</p>"))
    return blocks


def _html(blocks):
    return "".join((f"<h3>{h}</h3>" if h else "") + body for h, body in blocks)


def _long_blocks(language, ctx, rng, sections=SHOWCASE_SECTIONS):
    """A long procedure (the showcase): numbered sections of several paragraphs and a checklist."""
    bank = _bank(language)
    blocks = _paragraphs(language, ctx, rng)
    sep = "" if language == "zh" else " "
    for n in range(1, sections + 1):
        heading = f"5.{n}. " + _fill(bank["steps"][n % len(bank["steps"])][0], ctx) + (f" ({n})" if n > 7 else "")
        paras = []
        for _ in range(3):
            paras.append("<p>" + sep.join(_fill(s, ctx) for s in rng.sample(bank["body"], 4)) + "</p>")
        items = "".join(f"<li>{_fill(s, ctx)}</li>" for s in rng.sample(bank["terms"] + bank["records"], 3))
        blocks.append((heading, "".join(paras) + f"<ul>{items}</ul>"))
    return blocks
