"""The texts of the nonconformities demo (``demo.py``): Vietnamese for the Department of Home Affairs
and the district, Chinese for the construction bureau — the agencies' own languages, whatever
language the demo is seeded in. The certification audit follows the source article: QUACERT found
6 minor ("category 2") nonconformities at the Department of Home Affairs of Quang Ninh; every one was
corrected and closed ten days before the certificate deadline."""

CERTIFICATION_BODY = "QUACERT"
AUDIT_REFERENCE = "Báo cáo đánh giá chứng nhận của QUACERT (TCVN ISO 9001)"

# (unit code, clause, title, description, containment, whys, fishbone, root cause,
#  [(action kind, owner, description, completion note)], verification note)
QUACERT_FINDINGS = [
    ("DOHA-D01", "7.5.3",
     "Văn bản pháp luật hết hiệu lực vẫn được sử dụng tại bộ phận một cửa",
     "QUACERT: tại bộ phận tiếp nhận và trả kết quả còn lưu hành 02 văn bản quy phạm pháp luật đã hết hiệu lực; "
     "danh mục tài liệu có nguồn gốc bên ngoài chưa được cập nhật.",
     "Thu hồi ngay 02 văn bản hết hiệu lực khỏi bộ phận một cửa.",
     ["Văn bản cũ vẫn còn tại bàn làm việc", "Không ai rà soát danh mục tài liệu bên ngoài",
      "Quy trình kiểm soát tài liệu không quy định tần suất rà soát"],
     {"method": ["Không quy định tần suất rà soát văn bản bên ngoài"], "people": ["Chưa phân công người theo dõi"]},
     "Quy trình kiểm soát tài liệu chưa quy định việc rà soát định kỳ tài liệu có nguồn gốc bên ngoài.",
     [("corrective", "doccontrol", "Bổ sung vào quy trình kiểm soát tài liệu bước rà soát hằng tháng danh mục "
       "văn bản pháp luật áp dụng", "Đã sửa đổi quy trình, ban hành lần 2; danh mục được rà soát hằng tháng."),
      ("correction", "doha-office", "Rà soát, thu hồi toàn bộ văn bản hết hiệu lực tại các phòng",
       "Đã thu hồi 05 văn bản hết hiệu lực, có biên bản kèm theo.")],
     "Kiểm tra lại bộ phận một cửa và 5 phòng: không còn văn bản hết hiệu lực; danh mục cập nhật đến tháng này."),
    ("DOHA-D03", "7.5.3",
     "Hồ sơ giải quyết thủ tục hành chính lưu thiếu phiếu theo dõi quá trình xử lý",
     "QUACERT: 4/20 hồ sơ được kiểm tra không có phiếu kiểm soát quá trình giải quyết hồ sơ theo quy định.",
     "Bổ sung phiếu kiểm soát cho 4 hồ sơ còn thiếu.",
     ["Phiếu không được chuyển kèm hồ sơ", "Công chức thụ lý không biết phiếu là hồ sơ bắt buộc",
      "Chưa tập huấn về kiểm soát hồ sơ"],
     {"people": ["Công chức mới chưa được hướng dẫn"], "method": ["Quy trình chưa nêu phiếu là thành phần hồ sơ"]},
     "Công chức thụ lý chưa được hướng dẫn phiếu kiểm soát là thành phần bắt buộc của hồ sơ lưu.",
     [("corrective", "d03-deputy", "Tập huấn kiểm soát hồ sơ cho công chức thụ lý các thủ tục hành chính",
       "Đã tổ chức tập huấn cho 14 công chức, có danh sách ký tên.")],
     "Kiểm tra ngẫu nhiên 30 hồ sơ sau tập huấn: đủ phiếu kiểm soát."),
    ("DOHA-D01", "6.2",
     "Mục tiêu chất lượng của các phòng chưa có kế hoạch thực hiện",
     "QUACERT: mục tiêu chất lượng của Văn phòng và 2 phòng chuyên môn chưa có kế hoạch thực hiện, chưa được theo "
     "dõi, đánh giá định kỳ.",
     "",
     ["Mục tiêu chỉ được ban hành, không có kế hoạch", "Không có biểu mẫu kế hoạch thực hiện mục tiêu"],
     {"method": ["Thiếu biểu mẫu kế hoạch thực hiện mục tiêu"], "measurement": ["Không theo dõi định kỳ"]},
     "Hệ thống chưa có biểu mẫu và thời điểm theo dõi mục tiêu chất lượng của các phòng.",
     [("corrective", "doccontrol", "Ban hành biểu mẫu kế hoạch thực hiện mục tiêu; các phòng lập kế hoạch và báo "
       "cáo hằng quý", "Đã ban hành biểu mẫu; 5/5 phòng đã lập kế hoạch và báo cáo quý."),
      ("preventive", "doha-office", "Đưa kết quả thực hiện mục tiêu vào nội dung họp giao ban tháng",
       "Đã đưa vào chương trình giao ban từ tháng này.")],
     "Báo cáo quý của 5 phòng đã nộp đúng hạn; kết quả được xem xét tại giao ban."),
    ("DOHA-D03", "9.1.2",
     "Chưa đo lường sự hài lòng của tổ chức, công dân",
     "QUACERT: Sở chưa có phương pháp và kết quả đo lường sự hài lòng của tổ chức, công dân đối với dịch vụ hành "
     "chính công.",
     "",
     ["Chưa có phiếu khảo sát", "Chưa phân công đơn vị thực hiện khảo sát"],
     {"method": ["Chưa có phương pháp khảo sát"], "measurement": ["Không có chỉ số hài lòng"]},
     "Chưa có quy định về phương pháp, tần suất và trách nhiệm đo lường sự hài lòng.",
     [("corrective", "depthead", "Xây dựng phiếu khảo sát và mã QR tại bộ phận một cửa; tổng hợp hằng tháng",
       "Đã triển khai phiếu khảo sát và mã QR; báo cáo tháng đầu: 96 % hài lòng.")],
     "Đã có kết quả khảo sát 2 tháng liên tiếp, được báo cáo lãnh đạo."),
    ("DOHA-D01", "9.2",
     "Báo cáo đánh giá nội bộ chưa nêu bằng chứng cho các điểm không phù hợp",
     "QUACERT: báo cáo đánh giá nội bộ đợt 1 ghi nhận 9 điểm không phù hợp nhưng không nêu bằng chứng khách quan.",
     "",
     ["Chuyên gia đánh giá ghi chép tóm tắt", "Biểu mẫu báo cáo không có cột bằng chứng"],
     {"method": ["Biểu mẫu báo cáo thiếu cột bằng chứng"], "people": ["Chuyên gia mới được đào tạo"]},
     "Biểu mẫu báo cáo đánh giá nội bộ không yêu cầu ghi bằng chứng khách quan.",
     [("corrective", "doccontrol", "Sửa biểu mẫu báo cáo đánh giá nội bộ, bổ sung cột bằng chứng; hướng dẫn "
       "chuyên gia đánh giá", "Đã sửa biểu mẫu và hướng dẫn 8 chuyên gia đánh giá nội bộ.")],
     "Báo cáo đánh giá nội bộ đợt 2 đã nêu đủ bằng chứng cho từng điểm."),
    ("DOHA-D03", "8.7",
     "Hồ sơ trả kết quả quá hạn chưa được xử lý như đầu ra không phù hợp",
     "QUACERT: 3 hồ sơ trả quá hạn trong quý chưa được ghi nhận, chưa có văn bản xin lỗi công dân.",
     "Gửi thư xin lỗi 3 công dân có hồ sơ trễ hạn.",
     ["Hồ sơ trễ hạn không được báo cáo", "Không có sổ theo dõi hồ sơ trễ hạn"],
     {"method": ["Không có sổ theo dõi đầu ra không phù hợp"], "equipment": ["Phần mềm một cửa không cảnh báo"]},
     "Chưa có cách theo dõi và xử lý hồ sơ trả quá hạn như đầu ra không phù hợp.",
     [("corrective", "d03-deputy", "Lập sổ theo dõi hồ sơ trễ hạn trên Cổng QMS; mẫu thư xin lỗi công dân",
       "Đã ghi nhận hồ sơ trễ hạn trên Cổng QMS, có mẫu thư xin lỗi."),
      ("preventive", "depthead", "Thiết lập cảnh báo trước hạn 02 ngày trên phần mềm một cửa",
       "Phần mềm đã cảnh báo trước hạn 02 ngày.")],
     "Hai tháng liền mọi hồ sơ trễ hạn đều được ghi nhận và có thư xin lỗi."),
]
CLOSING_NOTE = "Hoàn thành khắc phục trước thời hạn đề nghị cấp giấy chứng nhận 10 ngày."

# Open and overdue ones, today: (unit, reporter, source, title, description, days ago)
DOHA_LATE_FILE = {
    "case_reference": "000.00.17.H40-250318-0042",
    "delivered": "Quyết định nâng bậc lương thường xuyên cho công chức",
    "citizen_name": "Trần Văn Phúc", "citizen_address": "Số 12 phố Lê Thánh Tông, phường Hồng Gai",
    "notes": "Hồ sơ chờ ý kiến thẩm định của phòng Tổ chức quá thời hạn.",
}
DOHA_OPEN = {
    "title": "Hồ sơ nâng bậc lương trả kết quả chậm 4 ngày làm việc",
    "whys": ["Hồ sơ chờ ý kiến thẩm định", "Không theo dõi thời hạn chuyển hồ sơ giữa các phòng"],
    "root_cause": "Quy trình chưa quy định thời hạn cho bước lấy ý kiến giữa các phòng.",
    "actions": [("corrective", "d03-deputy", "Bổ sung thời hạn lấy ý kiến giữa các phòng vào quy trình", -3),
                ("corrective", "depthead", "Đưa cảnh báo hồ sơ chuyển phòng vào phần mềm một cửa", 5)],
    "extension_reason": "Chờ Sở Thông tin và Truyền thông nâng cấp phần mềm một cửa.",
}
DOHA_REPORTED = ("DOHA-D01", "doha-office", "staff_report",
                 "Sổ công văn đến không ghi ngày chuyển cho phòng xử lý",
                 "Kiểm tra sổ công văn đến tháng này: 11 văn bản không ghi ngày chuyển cho phòng xử lý.")
DIST_OVERDUE = {
    "unit": "DIST-O01", "title": "Biên bản họp giao ban không được lưu theo quy định",
    "description": "Đánh giá nội bộ: biên bản họp giao ban của 2 tháng gần nhất không có trong hồ sơ lưu.",
    "root_cause": "Chưa phân công người lưu biên bản họp giao ban.",
    "action": ("corrective", "dist-iso", "Phân công và lập danh mục hồ sơ lưu của Văn phòng", -16),
}
WARD_LATE_FILES = [
    # case, delivered, citizen, address, days ago received, working days allowed, days late, disposition
    ("DIST-W01-CT-0917", "Bản sao chứng thực giấy khai sinh", "Nguyễn Thị Lan", "Số 5 ngõ 12 phố Bạch Mai",
     30, 1, 2, "apology"),
    ("DIST-W01-HT-0233", "Giấy chứng nhận đăng ký kết hôn", "Phạm Minh Quân", "Số 40 phố Minh Khai", 22, 5, 3,
     "apology"),
    ("DIST-W01-HT-0251", "Trích lục khai sinh (cấp lại)", "Lê Thị Hồng", "Số 8 phố Thanh Nhàn", 12, 3, 1,
     "correction"),
]
WARD_REQUIREMENT = "Thời hạn giải quyết theo quy định của thủ tục hành chính"
WARD_FEEDBACK = [  # rating, comment, name, contact
    (2, "Hẹn trả kết quả thứ Hai nhưng đến thứ Tư mới có.", "Đỗ Thị Mai", "0904 111 222"),
    (5, "Cán bộ một cửa hướng dẫn tận tình.", "", ""),
    (4, "", "", ""),
    (4, "Thời gian chờ hơi lâu vào buổi sáng.", "", ""),
    (2, "Tôi phải đi lại 3 lần vì không được hướng dẫn đủ giấy tờ ngay từ đầu.", "Hoàng Văn Nam", "0912 345 678"),
]
WARD_ANSWER = "Phường đã liên hệ lại công dân, xin lỗi và niêm yết danh mục giấy tờ tại quầy."

# The construction bureau, in Chinese.
CB_LATE_FILE = {
    "case_reference": "JZ-2025-0316", "delivered": "建筑工程施工许可证",
    "citizen_name": "王立新", "citizen_address": "中山路88号",
    "notes": "图纸审查意见反馈延误。",
}
CB_REQUIREMENT = "承诺办结时限7个工作日"
CB_FEEDBACK = [
    (5, "窗口人员态度很好，一次办结。", "", ""),
    (4, "", "", ""),
    (1, "施工许可材料清单与网上公布的不一致，来回跑了两趟。", "李先生", "138 0000 1234"),
]
CB_RAISED_TITLE = "网上公布的材料清单与窗口要求不一致"
CB_OPEN = {
    "root_cause": "材料清单修订后未同步更新政务服务网。",
    "whys": ["窗口按新清单收件", "网上清单仍是旧版本", "清单修订流程没有同步更新网站的步骤"],
    "action": ("corrective", "cb-promotion", "在文件控制程序中增加修订后同步更新政务服务网的步骤", 6),
}
CB_VERIFICATION = {
    "title": "档案借阅登记不完整",
    "description": "内审发现：档案借阅登记簿有6次借阅未登记归还日期。",
    "root_cause": "借阅登记表没有归还确认栏。",
    "action": ("corrective", "cb-doccontrol", "修订借阅登记表，增加归还确认栏", "已修订登记表并培训档案管理人员。"),
}
