"""The demo's Vietnamese documents: the 35-document set of a Department of Home Affairs (Sở Nội vụ
Quảng Ninh in the source articles: quality policy, objectives and manual, the 6 mandatory
procedures, 22 operational procedures and 4 support procedures) and a few one-stop-shop procedures
of a district's wards (Hai Bà Trưng in the articles). Written as Vietnamese agencies write them:
the procedure template of TCVN ISO 9001 in state administration (1. Mục đích … 7. Hồ sơ cần lưu),
"three clears" steps (who, how long, in which order), the usual exclusions of a government manual.

Titles and text are Vietnamese whatever the demo's language (the agency writes in its language);
``key`` is an English name the demo builder and the tests use to find a document."""

from datetime import date

from .markup import bullets as _ul
from .markup import heading as _h
from .markup import para as _p

# (number, title, issuer, issue date, effective date) — real legal documents.
LEGAL = [
    ("19/2014/QĐ-TTg", "Quyết định áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001 vào hoạt động của các cơ "
     "quan, tổ chức thuộc hệ thống hành chính nhà nước", "Thủ tướng Chính phủ", date(2014, 3, 5), date(2014, 4, 20)),
    ("61/2018/NĐ-CP", "Nghị định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
     "Chính phủ", date(2018, 4, 23), date(2018, 6, 21)),
    ("22/2008/QH12", "Luật Cán bộ, công chức", "Quốc hội", date(2008, 11, 13), date(2010, 1, 1)),
    ("TCVN ISO 9001:2015", "Hệ thống quản lý chất lượng — Các yêu cầu", "Bộ Khoa học và Công nghệ",
     date(2015, 12, 31), date(2015, 12, 31)),
    ("45/2020/NĐ-CP", "Nghị định về thực hiện thủ tục hành chính trên môi trường điện tử", "Chính phủ",
     date(2020, 4, 8), date(2020, 5, 22)),
    ("60/2014/QH13", "Luật Hộ tịch", "Quốc hội", date(2014, 11, 20), date(2016, 1, 1)),
    ("23/2015/NĐ-CP", "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký "
     "và chứng thực hợp đồng, giao dịch", "Chính phủ", date(2015, 2, 16), date(2015, 4, 10)),
    ("20/2008/NĐ-CP", "Nghị định về tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành "
     "chính", "Chính phủ", date(2008, 2, 14), date(2008, 3, 14)),
]
(QMS_DECISION, ONE_STOP, CIVIL_SERVANTS, ISO, ONLINE, CIVIL_STATUS, CERTIFICATION,
 FEEDBACK) = (row[0] for row in LEGAL)

# --- The Department of Home Affairs ------------------------------------------------------------

# (key, type, clauses, title)
LEVEL1 = [
    ("Quality manual", "STCL", ["4.3", "4.4"], "Sổ tay chất lượng"),
    ("Quality policy", "CS", ["5.2"], "Chính sách chất lượng"),
    ("Quality objectives", "MT", ["6.2"], "Mục tiêu chất lượng"),
]
# (key, clause, title, what the procedure lays down)
MANDATORY = [
    ("Control of documents", "7.5.3", "Kiểm soát tài liệu",
     "cách soạn thảo, kiểm tra, phê duyệt, ban hành, phân phối, sửa đổi và thu hồi tài liệu của hệ thống quản lý "
     "chất lượng, kể cả tài liệu có nguồn gốc bên ngoài (văn bản quy phạm pháp luật)"),
    ("Control of records", "7.5.3", "Kiểm soát hồ sơ",
     "cách nhận biết, lưu trữ, bảo vệ, truy cập, thời hạn lưu và hủy hồ sơ chất lượng"),
    ("Internal audit", "9.2", "Đánh giá nội bộ",
     "việc lập chương trình đánh giá nội bộ hằng năm, chỉ định chuyên gia đánh giá độc lập với công việc được "
     "đánh giá, tiến hành đánh giá, báo cáo kết quả và theo dõi hành động khắc phục"),
    ("Control of nonconformity", "8.7", "Kiểm soát sự không phù hợp",
     "cách phát hiện, ghi nhận và xử lý kết quả giải quyết công việc không phù hợp (hồ sơ trễ hạn, sai sót trong "
     "kết quả trả cho tổ chức, công dân), kể cả việc xin lỗi và hẹn lại"),
    ("Corrective action", "10.2", "Hành động khắc phục",
     "cách xem xét sự không phù hợp, xác định nguyên nhân, thực hiện và kiểm tra hiệu lực của hành động khắc phục"),
    ("Preventive action", "6.1", "Hành động phòng ngừa",
     "cách nhận diện rủi ro và cơ hội của các quá trình và thực hiện hành động phòng ngừa"),
]
# (key, title, legal time limit in working days, the division in charge)
OPERATIONAL = [
    ("Establishment of public service units", "Thành lập đơn vị sự nghiệp công lập", 15, "DOHA-D02"),
    ("Reorganisation of administrative bodies", "Tổ chức lại cơ quan hành chính", 20, "DOHA-D02"),
    ("Approval of staffing quotas", "Giao biên chế công chức", 20, "DOHA-D02"),
    ("Civil servant recruitment", "Tuyển dụng công chức", 30, "DOHA-D02"),
    ("Promotion of civil servants", "Nâng ngạch công chức", 20, "DOHA-D02"),
    ("Salary grade increases", "Nâng bậc lương thường xuyên, nâng bậc lương trước thời hạn", 10, "DOHA-D02"),
    ("Appointment of leaders", "Bổ nhiệm cán bộ lãnh đạo, quản lý", 15, "DOHA-D02"),
    ("Training and retraining of civil servants", "Đào tạo, bồi dưỡng công chức", 15, "DOHA-D02"),
    ("Emulation and commendation", "Thi đua, khen thưởng", 20, "DOHA-D01"),
    ("Registration of religious activities", "Đăng ký hoạt động tín ngưỡng, tôn giáo", 20, "DOHA-D04"),
    ("Recognition of religious organisations", "Công nhận tổ chức tôn giáo", 30, "DOHA-D04"),
    ("Archives: receiving records into the archive", "Thu nhận hồ sơ vào Lưu trữ lịch sử", 10, "DOHA-D05"),
    ("Archives: use of archival records", "Khai thác, sử dụng tài liệu lưu trữ", 2, "DOHA-D05"),
    ("Administrative boundary adjustments", "Điều chỉnh địa giới hành chính", 30, "DOHA-D04"),
    ("Classification of administrative units", "Phân loại đơn vị hành chính", 20, "DOHA-D04"),
    ("Recognition of associations", "Thành lập hội, phê duyệt điều lệ hội", 30, "DOHA-D04"),
    ("Recognition of social funds", "Cấp giấy phép thành lập quỹ xã hội, quỹ từ thiện", 30, "DOHA-D04"),
    ("Youth affairs", "Quản lý nhà nước về công tác thanh niên", 10, "DOHA-D01"),
    ("Administrative reform inspection", "Kiểm tra công tác cải cách hành chính", 15, "DOHA-D03"),
    ("Handling of complaints about staff", "Giải quyết khiếu nại về cán bộ, công chức", 30, "DOHA-D01"),
    ("Commune-level civil servant management", "Quản lý cán bộ, công chức cấp xã", 15, "DOHA-D04"),
    ("Retirement procedures", "Giải quyết chế độ nghỉ hưu", 10, "DOHA-D02"),
]
# (key, clause, title, what it lays down)
SUPPORT = [
    ("Internal communication", "7.4", "Trao đổi thông tin nội bộ",
     "cách trao đổi thông tin giữa lãnh đạo Sở, các phòng và công chức: giao ban, văn bản điện tử, "
     "thư điện tử công vụ"),
    ("IT equipment and network", "7.1.3", "Quản lý trang thiết bị và mạng",
     "việc cấp phát, bảo trì, sao lưu dữ liệu và bảo đảm an toàn thông tin của trang thiết bị và mạng nội bộ"),
    ("Procurement", "8.4", "Mua sắm tài sản, hàng hóa, dịch vụ",
     "việc lập kế hoạch, lựa chọn nhà cung cấp, nghiệm thu và đánh giá nhà cung cấp theo quy định về đấu thầu"),
    ("Satisfaction survey", "9.1.2", "Khảo sát sự hài lòng của tổ chức, công dân",
     "việc khảo sát, tổng hợp và phân tích sự hài lòng của tổ chức, công dân với dịch vụ hành chính công "
     "(theo cách đo Chỉ số SIPAS): hài lòng, tương đối hài lòng, không hài lòng"),
]
# Procedures the department also sends to the district, its offices and wards (whose officers
# apply them): each of their people gets a read-and-acknowledge task when a revision takes effect.
FOR_THE_DISTRICT = {"Commune-level civil servant management", "Retirement procedures"}

DIVISION_NAMES = {
    "DOHA-D01": "Văn phòng Sở", "DOHA-D02": "Phòng Tổ chức, biên chế và công chức",
    "DOHA-D03": "Phòng Cải cách hành chính", "DOHA-D04": "Phòng Xây dựng chính quyền",
    "DOHA-D05": "Chi cục Văn thư – Lưu trữ",
}


def policy_html():
    return "".join([
        _h("Chính sách chất lượng của Sở Nội vụ"),
        _p("Sở Nội vụ cam kết xây dựng, áp dụng, duy trì và cải tiến thường xuyên hệ thống quản lý chất lượng theo "
           "tiêu chuẩn quốc gia TCVN ISO 9001:2015, để mọi công việc và thủ tục hành chính của tổ chức, công dân "
           "được giải quyết <strong>đúng pháp luật, công khai, minh bạch, nhanh chóng và thuận tiện</strong>."),
        _p("Phương châm hành động: <strong>Chuyên nghiệp – Trách nhiệm – Minh bạch – Hiệu quả</strong>."),
        _p("Để thực hiện chính sách này, Lãnh đạo Sở cam kết:"),
        _ul([
            "công khai đầy đủ thủ tục hành chính, thành phần hồ sơ, thời hạn giải quyết, phí và lệ phí tại Bộ phận "
            "Một cửa và trên Cổng Dịch vụ công;",
            "mỗi quy trình đều rõ người chịu trách nhiệm, rõ thời hạn giải quyết từng việc và rõ trình tự thực hiện;",
            "bố trí đủ nguồn lực, bồi dưỡng công chức đủ năng lực, tận tụy và có thái độ phục vụ đúng mực;",
            "lắng nghe phản ánh, kiến nghị và đo lường sự hài lòng của tổ chức, công dân để không ngừng cải tiến;",
            "tuân thủ các yêu cầu của pháp luật và cập nhật kịp thời khi văn bản pháp luật thay đổi.",
        ]),
        _p("Chính sách chất lượng được phổ biến đến mọi công chức, người lao động của Sở, được niêm yết tại trụ sở "
           "và được xem xét hằng năm trong cuộc họp xem xét của lãnh đạo để bảo đảm luôn phù hợp."),
    ])


def objectives_html(year, revised=False):
    online = "70%" if revised else "50%"
    rows = [
        ("Giải quyết thủ tục hành chính", "100% hồ sơ được giải quyết đúng hoặc trước thời hạn quy định",
         "Bộ phận Một cửa; các phòng chuyên môn", "Hằng tháng"),
        ("Hồ sơ trực tuyến", f"Ít nhất {online} hồ sơ thủ tục hành chính được nộp trực tuyến",
         "Phòng Cải cách hành chính", "Hằng quý"),
        ("Sự hài lòng của tổ chức, công dân", "Tỷ lệ hài lòng đạt từ 90% trở lên (khảo sát theo SIPAS)",
         "Văn phòng Sở", "6 tháng"),
        ("Năng lực công chức", "100% công chức được phổ biến chính sách chất lượng; ít nhất 90% tham gia bồi dưỡng "
         "nghiệp vụ trong năm", "Phòng Tổ chức, biên chế và công chức", "Hằng năm"),
        ("Cải tiến", "Đánh giá nội bộ ít nhất 01 lần trong năm; 100% điểm không phù hợp được khắc phục đúng hạn",
         "Thư ký ISO", "Hằng năm"),
    ]
    table = ("<table><thead><tr><th>Lĩnh vực</th><th>Mục tiêu</th><th>Đơn vị thực hiện</th><th>Tần suất đo</th></tr>"
             "</thead><tbody>" + "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in rows)
             + "</tbody></table>")
    return "".join([
        _h(f"Mục tiêu chất lượng năm {year}"),
        _p("Mục tiêu chất lượng cụ thể hóa Chính sách chất lượng của Sở, được đo lường và báo cáo trong cuộc họp xem "
           "xét của lãnh đạo; mỗi phòng xây dựng kế hoạch thực hiện mục tiêu của phòng mình."),
        table,
        _p("Kết quả thực hiện được tổng hợp trên Cổng QMS; mục tiêu không đạt được phân tích nguyên nhân và có hành "
           "động khắc phục."),
    ])


def manual_html(register, divisions):
    """The quality manual; ``register`` is [(code, title)] of the procedures it refers to,
    ``divisions`` the names of the department's divisions."""
    processes = ("<table><thead><tr><th>Nhóm quá trình</th><th>Các quá trình</th><th>Đầu ra</th></tr></thead>"
                 "<tbody>"
                 "<tr><td>Quá trình lãnh đạo</td><td>Chính sách, mục tiêu chất lượng; xem xét của lãnh đạo; "
                 "rủi ro và cơ hội</td><td>Kế hoạch, quyết định cải tiến</td></tr>"
                 "<tr><td>Quá trình chính</td><td>Tiếp nhận hồ sơ tại Bộ phận Một cửa → thẩm định, giải quyết tại "
                 "phòng chuyên môn → lãnh đạo Sở ký duyệt → trả kết quả</td><td>Kết quả thủ tục hành chính cho tổ "
                 "chức, công dân</td></tr>"
                 "<tr><td>Quá trình hỗ trợ</td><td>Kiểm soát tài liệu, hồ sơ; nhân sự và đào tạo; cơ sở vật chất, "
                 "mạng; mua sắm; trao đổi thông tin</td><td>Nguồn lực sẵn sàng</td></tr>"
                 "<tr><td>Đo lường, phân tích, cải tiến</td><td>Khảo sát sự hài lòng; đánh giá nội bộ; kiểm soát "
                 "sự không phù hợp; hành động khắc phục</td><td>Cải tiến hệ thống</td></tr>"
                 "</tbody></table>")
    listing = ("<table><thead><tr><th>Mã số</th><th>Tên quy trình</th></tr></thead><tbody>"
               + "".join(f"<tr><td>{code}</td><td>{title}</td></tr>" for code, title in register)
               + "</tbody></table>")
    return "".join([
        _h("1. Giới thiệu"),
        _p("Sở Nội vụ là cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, tham mưu về tổ chức bộ máy, biên chế, cán "
           "bộ, công chức, viên chức, cải cách hành chính, chính quyền địa phương, văn thư – lưu trữ, tôn giáo, "
           "thi đua – khen thưởng và công tác thanh niên. Sổ tay này mô tả hệ thống quản lý chất lượng của Sở theo "
           "TCVN ISO 9001:2015 và Quyết định 19/2014/QĐ-TTg."),
        _h("2. Phạm vi áp dụng"),
        _p("Hệ thống quản lý chất lượng áp dụng cho toàn bộ hoạt động giải quyết thủ tục hành chính và công việc "
           "nội bộ của Sở, tại các đơn vị: " + "; ".join(divisions) + "."),
        _h("3. Các yêu cầu không áp dụng"),
        _ul([
            "<strong>8.3 Thiết kế và phát triển sản phẩm, dịch vụ</strong>: trình tự, thành phần hồ sơ và thời hạn "
            "giải quyết do văn bản quy phạm pháp luật quy định; Sở không thiết kế dịch vụ mới.",
            "<strong>7.1.5 Nguồn lực theo dõi và đo lường</strong>: kết quả giải quyết công việc không kiểm tra "
            "bằng thiết bị đo lường.",
        ]),
        _p("Các yêu cầu không áp dụng không ảnh hưởng đến khả năng và trách nhiệm của Sở trong việc cung cấp dịch "
           "vụ hành chính công phù hợp với yêu cầu của tổ chức, công dân và của pháp luật."),
        _h("4. Các quá trình và sự tương tác"),
        processes,
        _h("5. Trách nhiệm và quyền hạn"),
        _ul([
            "<strong>Giám đốc Sở</strong>: ban hành chính sách, mục tiêu chất lượng; phê duyệt tài liệu cấp 1; chủ "
            "trì xem xét của lãnh đạo.",
            "<strong>Đại diện lãnh đạo</strong> (Phó Giám đốc được phân công): chỉ đạo xây dựng, duy trì hệ thống; "
            "phê duyệt quy trình; phê duyệt chương trình đánh giá nội bộ; báo cáo kết quả hoạt động của hệ thống.",
            "<strong>Thư ký ISO</strong>: kiểm soát tài liệu (đánh số, ban hành, phân phối, thu hồi, rà soát định "
            "kỳ); theo dõi mục tiêu và hành động khắc phục.",
            "<strong>Trưởng các phòng, Chi cục</strong>: soạn thảo, kiểm tra quy trình thuộc lĩnh vực phụ trách; "
            "bảo đảm công chức thực hiện đúng quy trình.",
            "<strong>Công chức, người lao động</strong>: thực hiện đúng quy trình; đề xuất sửa đổi khi phát hiện "
            "bất cập.",
        ]),
        _h("6. Danh mục quy trình"),
        listing,
        _h("7. Kiểm soát sổ tay"),
        _p("Sổ tay được rà soát ít nhất hai năm một lần và khi có thay đổi về tổ chức, chức năng, nhiệm vụ; mọi sửa "
           "đổi theo quy trình Kiểm soát tài liệu."),
    ])


def _references(legal):
    return _ul([f"{number} — {title}" for number, title in legal])


def procedure_html(title, scope, legal, *, days=None, covers="", revised=False, division=""):
    """A procedure in the template of state administration: 1. Mục đích … 7. Hồ sơ cần lưu."""
    parts = [
        _h("1. Mục đích"),
        _p(f"Quy định trình tự, thời hạn và trách nhiệm thực hiện {title[0].lower() + title[1:]}, bảo đảm đúng pháp "
           "luật, công khai và đúng hạn."),
        _h("2. Phạm vi áp dụng"),
        _p(scope),
        _h("3. Tài liệu viện dẫn"),
        _references(legal),
        _h("4. Định nghĩa, từ viết tắt"),
        _ul(["TTHC: thủ tục hành chính", "BPMC: Bộ phận Một cửa", "CV: chuyên viên thụ lý hồ sơ"]),
        _h("5. Nội dung quy trình"),
    ]
    if days:
        receive = ("Hồ sơ nộp trực tiếp, qua dịch vụ bưu chính công ích hoặc trực tuyến trên Cổng Dịch vụ công; hồ "
                   "sơ trực tuyến được kiểm tra và tiếp nhận như hồ sơ giấy." if revised else
                   "Hồ sơ nộp trực tiếp hoặc qua dịch vụ bưu chính công ích tại Bộ phận Một cửa của Sở.")
        parts += [
            _p("<strong>5.1 Thành phần hồ sơ</strong>: theo danh mục thủ tục hành chính do Chủ tịch Ủy ban nhân dân "
               "tỉnh công bố; 01 bộ."),
            _p(f"<strong>5.2 Nơi tiếp nhận</strong>: {receive}"),
            _p(f"<strong>5.3 Thời hạn giải quyết</strong>: {days} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ."),
            _p("<strong>5.4 Phí, lệ phí</strong>: không."),
            _p(f"<strong>5.5 Trình tự thực hiện</strong>: theo bảng các bước của quy trình; {division} chủ trì "
               "thẩm định. Hồ sơ quá hạn được xử lý theo quy trình Kiểm soát sự không phù hợp và có văn bản xin "
               "lỗi tổ chức, công dân, hẹn lại thời gian trả kết quả."),
        ]
    else:
        parts.append(_p(f"Quy trình quy định {covers}."))
        if revised:
            parts.append(_p("Tài liệu và hồ sơ được quản lý trên Cổng QMS; bản giấy chỉ lưu khi pháp luật yêu cầu."))
    parts += [
        _h("6. Biểu mẫu"),
        _ul(["Phiếu tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu kiểm soát quá trình giải quyết hồ sơ"] if days else
            ["Danh mục tài liệu, hồ sơ", "Phiếu yêu cầu sửa đổi tài liệu"]),
        _h("7. Hồ sơ cần lưu"),
        _p("Hồ sơ được lưu tại đơn vị chủ trì theo quy định về lưu trữ; thời hạn lưu tối thiểu 05 năm."),
    ]
    return "".join(parts)


def steps(days, division, revised=False):
    """The steps of an operational procedure whose legal time limit is ``days`` working days; the
    second revision accepts files online and gives the appraisal two days less."""
    receive = ("Tiếp nhận hồ sơ (trực tiếp, bưu chính hoặc trực tuyến), kiểm tra, viết phiếu hẹn"
               if revised else "Tiếp nhận, kiểm tra hồ sơ, viết phiếu hẹn trả kết quả")
    if days <= 5:
        appraise = days - 1.5
        return [
            {"title": receive, "responsible_position": "Công chức BPMC", "time_limit": 0.5},
            {"title": "Thẩm định hồ sơ, dự thảo kết quả", "responsible_unit": division,
             "responsible_position": "Chuyên viên thụ lý", "time_limit": appraise},
            {"title": "Lãnh đạo xem xét, ký duyệt", "responsible_position": "Lãnh đạo Chi cục", "time_limit": 0.5},
            {"title": "Vào sổ, đóng dấu, trả kết quả", "responsible_position": "Công chức BPMC", "time_limit": 0.5},
        ]
    appraise = days - 3.5 - (2 if revised and days >= 10 else 0)
    return [
        {"title": receive, "responsible_position": "Công chức BPMC", "time_limit": 0.5},
        {"title": "Chuyển hồ sơ đến phòng chuyên môn", "responsible_position": "Công chức BPMC", "time_limit": 0.5},
        {"title": "Thẩm định hồ sơ, dự thảo văn bản trình lãnh đạo", "responsible_unit": division,
         "responsible_position": "Chuyên viên thụ lý", "time_limit": appraise},
        {"title": "Trưởng phòng kiểm tra, trình ký", "responsible_unit": division,
         "responsible_position": "Trưởng phòng", "time_limit": 1},
        {"title": "Lãnh đạo Sở xem xét, ký duyệt", "responsible_position": "Giám đốc hoặc Phó Giám đốc Sở",
         "time_limit": 1},
        {"title": "Vào sổ, đóng dấu, trả kết quả tại BPMC", "responsible_position": "Văn thư; công chức BPMC",
         "time_limit": 0.5},
    ]


REVISION_REASON = ("Tiếp nhận hồ sơ trực tuyến theo Nghị định 45/2020/NĐ-CP; rút ngắn thời gian thẩm định 02 ngày "
                   "làm việc theo kết quả rà soát định kỳ")
REVISION_REASON_SHORT = "Rà soát định kỳ: quản lý tài liệu, hồ sơ trên Cổng QMS"
OBJECTIVES_REASON = "Mục tiêu chất lượng năm mới theo kết quả xem xét của lãnh đạo"
PERIODIC_VALID = "Rà soát định kỳ: quy trình còn phù hợp với quy định hiện hành và thực tế áp dụng."
LEGAL_AMENDED_NOTE = "Luật Cán bộ, công chức đã được sửa đổi, bổ sung"

# The Administrative Reform Division's own procedure (key, title, time limit, legal numbers).
DIVISION_PROCEDURE = ("Feedback on administrative regulations",
                      "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính", 10,
                      [FEEDBACK, ONE_STOP])

# --- The district's wards ----------------------------------------------------------------------

# (key, type, category, title, legal time limit, legal numbers, steps [(title, position, limit, unit)])
DISTRICT = [
    ("District quality policy", "CS", "", "Chính sách chất lượng của UBND quận", None, [QMS_DECISION, ISO], []),
    ("Certification of copies", "QT", "operational", "Chứng thực bản sao từ bản chính", 1, [CERTIFICATION, ONE_STOP], [
        ("Tiếp nhận yêu cầu, kiểm tra bản chính và bản sao", "Công chức Tư pháp – Hộ tịch", 1, "hours"),
        ("Đối chiếu, ghi lời chứng, trình ký", "Công chức Tư pháp – Hộ tịch", 2, "hours"),
        ("Ký chứng thực", "Chủ tịch hoặc Phó Chủ tịch UBND phường", 2, "hours"),
        ("Đóng dấu, vào sổ chứng thực, trả kết quả", "Công chức BPMC", 1, "hours"),
    ]),
    ("Birth registration", "QT", "operational", "Đăng ký khai sinh", 1, [CIVIL_STATUS, ONE_STOP], [
        ("Tiếp nhận tờ khai, kiểm tra giấy chứng sinh và giấy tờ tùy thân", "Công chức BPMC", 1, "hours"),
        ("Ghi sổ hộ tịch, cập nhật Cơ sở dữ liệu hộ tịch điện tử", "Công chức Tư pháp – Hộ tịch", 3, "hours"),
        ("Ký Giấy khai sinh", "Chủ tịch hoặc Phó Chủ tịch UBND phường", 2, "hours"),
        ("Trả Giấy khai sinh, người đi đăng ký ký sổ", "Công chức BPMC", 1, "hours"),
    ]),
    ("Marriage registration", "QT", "operational", "Đăng ký kết hôn", 5, [CIVIL_STATUS, ONE_STOP], [
        ("Tiếp nhận tờ khai, kiểm tra giấy tờ của hai bên", "Công chức BPMC", 0.5, "days"),
        ("Xác minh điều kiện kết hôn (nếu cần)", "Công chức Tư pháp – Hộ tịch", 3.5, "days"),
        ("Ký Giấy chứng nhận kết hôn", "Chủ tịch UBND phường", 0.5, "days"),
        ("Trao Giấy chứng nhận kết hôn, hai bên ký sổ", "Công chức Tư pháp – Hộ tịch", 0.5, "days"),
    ]),
]


def district_policy_html():
    return "".join([
        _h("Chính sách chất lượng của UBND quận"),
        _p("Ủy ban nhân dân quận và Ủy ban nhân dân các phường cam kết giải quyết thủ tục hành chính cho người dân, "
           "doanh nghiệp <strong>đúng luật, đúng hạn, công khai và thân thiện</strong>, theo TCVN ISO 9001:2015."),
        _ul([
            "Mỗi thủ tục tại Bộ phận Một cửa rõ trách nhiệm của từng người, rõ thời gian giải quyết từng việc, rõ "
            "trình tự thực hiện.",
            "Cập nhật kịp thời các văn bản pháp luật khi có sự điều chỉnh.",
            "Tự kiểm tra, đánh giá nội bộ định kỳ và lắng nghe ý kiến người dân để cải tiến.",
        ]),
    ])


def district_procedure_html(title, legal, days):
    limit = ("trong ngày làm việc; nếu tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo" if days == 1
             else f"ngay trong ngày; trường hợp cần xác minh không quá {days:02d} ngày làm việc")
    return "".join([
        _h("1. Mục đích"),
        _p(f"Quy định trình tự {title[0].lower() + title[1:]} tại Bộ phận Một cửa của UBND phường."),
        _h("2. Phạm vi áp dụng"),
        _p("Áp dụng tại UBND 18 phường thuộc quận."),
        _h("3. Tài liệu viện dẫn"),
        _references(legal),
        _h("5. Nội dung quy trình"),
        _p(f"<strong>Thời hạn giải quyết</strong>: {limit}."),
        _p("<strong>Trình tự</strong>: theo bảng các bước; công chức ghi đầy đủ Phiếu kiểm soát quá trình."),
        _h("7. Hồ sơ cần lưu"),
        _p("Sổ và hồ sơ lưu tại bộ phận Tư pháp – Hộ tịch của phường theo quy định."),
    ])
