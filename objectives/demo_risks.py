"""The risks part of the objectives demo (``objectives.demo.seed``, after kpi and surveys): a register
of risks and opportunities for the Department of Home Affairs (in Vietnamese) and for the
construction bureau (in Chinese), recorded through the services at the moment the story says
(``demo_clock``) by the people who keep them. Idempotent: a risk is looked up by unit and title.

* **Department of Home Affairs**: files handled late at the one-stop desk (rated 4 × 4, an action
  done, one open and tracked as a corrective action, reviewed with a residual rating 2 × 4; its
  next review is due in 7 days: the reminder has gone to its owner ``depthead``); paper archives
  lost (3 × 5, owned by ``mr``; its digitisation action is overdue); the opportunity of full online
  public services (4 × 4, an action done).
* **Construction bureau**: approvals finished late (3 × 4, an action done, one open), approval data
  leaked (2 × 5), and the opportunity of parallel approval online (4 × 5).
"""

from datetime import timedelta

from django.utils import timezone

from qms_portal.demo import demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import Risk
from .services import risks as services

R, OPP = Risk.Kind.RISK, Risk.Kind.OPPORTUNITY

# (unit, recorded by, owner, kind, title, cause, consequence, likelihood, impact, recorded days ago,
#  next review in days, actions: [(description, owner, due days after recording, done days after
#  recording or None, as a corrective action)], review: (residual likelihood, impact, status) or None)
REGISTER = [
    ("DOHA-D03", "depthead", "depthead", R, "Hồ sơ thủ tục hành chính giải quyết trễ hạn",
     "Số lượng hồ sơ tăng mạnh vào cuối năm; bộ phận một cửa thiếu công chức tiếp nhận.",
     "Công dân, tổ chức không hài lòng; Sở phải gửi văn bản xin lỗi và bị trừ điểm chỉ số cải cách hành chính.",
     4, 4, 120, 7,
     [("Bố trí thêm 01 công chức tiếp nhận hồ sơ trong các tháng cao điểm.", "depthead", 30, 25, False),
      ("Cấu hình phần mềm một cửa điện tử nhắc hạn xử lý trước 2 ngày làm việc.", "depthead", 140, None, True)],
     (2, 4, Risk.Status.TREATED)),
    ("DOHA", "mr", "mr", R, "Mất hoặc thất lạc hồ sơ lưu trữ giấy",
     "Hồ sơ lưu trữ bằng giấy tại kho tạm, chưa được số hóa; kho ẩm vào mùa mưa.",
     "Không tra cứu được hồ sơ gốc khi giải quyết khiếu nại, thanh tra.",
     3, 5, 60, 45,
     [("Số hóa hồ sơ lưu trữ giai đoạn 2020–2024 và lưu trên hệ thống quản lý văn bản.", "mr", 50, None, False)],
     None),
    ("DOHA-D03", "depthead", "depthead", OPP, "Mở rộng dịch vụ công trực tuyến toàn trình",
     "Cổng dịch vụ công quốc gia cho phép thanh toán trực tuyến phí, lệ phí.",
     "Giảm số lần công dân phải đến trực tiếp; rút ngắn thời gian giải quyết.",
     4, 4, 90, 120,
     [("Rà soát, đề xuất 12 thủ tục hành chính đủ điều kiện cung cấp trực tuyến toàn trình.", "depthead", 45, 40,
       False)],
     (5, 4, Risk.Status.TREATED)),
    ("CB-D16", "cb-approvals", "cb-approvals", R, "行政审批事项超时办结",
     "施工许可申报材料不齐全，退件补正次数多；并联审批部门意见反馈不及时。",
     "企业投诉增加，影响营商环境评价和群众满意度。",
     3, 4, 100, 60,
     [("编制《施工许可申报材料一次性告知清单》并在窗口公示。", "cb-approvals", 20, 15, False),
      ("推行网上预审，材料齐全后再受理。", "cb-approvals", 130, None, False)],
     None),
    ("CB", "cb-mr", "cb-mr", R, "审批系统数据泄露",
     "审批系统账号多人共用，未定期修改口令。",
     "企业和个人信息泄露，引发法律责任和舆情。",
     2, 5, 40, 50, [("落实一人一账号，启用双因素认证。", "cb-mr", 70, None, False)], None),
    ("CB-D16", "cb-approvals", "cb-approvals", OPP, "推行“一网通办”并联审批",
     "省政务服务平台已开通并联审批模块。",
     "审批时限由20个工作日压缩至12个工作日。",
     4, 5, 30, 90, [], None),
]


def _record(spec, today):
    (unit_code, by, owner, kind, title, cause, consequence, likelihood, impact, ago, review_in, actions,
     review) = spec
    unit = Unit.objects.filter(code=unit_code).first()
    people = {u.username: u for u in User.objects.filter(username__in=[by, owner, *[a[1] for a in actions]])}
    if unit is None or by not in people or Risk.objects.filter(unit=unit, title=title).exists():
        return 0
    recorded = today - timedelta(days=ago)
    with demo_clock(recorded):
        risk = services.risk_create(acting_user=people[by], unit=unit, kind=kind, title=title, cause=cause,
                                    consequence=consequence, likelihood=likelihood, impact=impact,
                                    owner=people.get(owner), review_on=today + timedelta(days=review_in))
        made = [(services.risk_action_create(acting_user=people[by], risk=risk, description=text, owner=people[who],
                                             due_on=recorded + timedelta(days=due), as_corrective_action=corrective),
                 done) for text, who, due, done, corrective in actions]
    for action, done in made:
        if done is not None:
            with demo_clock(recorded + timedelta(days=done)):
                services.risk_action_complete(acting_user=action.owner, action=action,
                                              note=action.description if unit_code.startswith("CB") else
                                              "Đã thực hiện xong, có báo cáo kèm theo.")
    if review is not None:
        with demo_clock(today - timedelta(days=max(ago - 60, 1))):
            services.risk_review(acting_user=people[by], risk=risk, residual_likelihood=review[0],
                                 residual_impact=review[1], status=review[2],
                                 review_on=today + timedelta(days=review_in),
                                 note="已评审" if unit_code.startswith("CB") else
                                 "Các hành động đã làm giảm khả năng xảy ra; tiếp tục theo dõi.")
    return 1


def seed(demo):
    today = timezone.localdate()
    with muted():
        made = sum(_record(spec, today) for spec in REGISTER)
    demo["risks"] = list(Risk.objects.filter(title__in=[spec[4] for spec in REGISTER]).order_by("pk"))
    # This morning's reminders, as beat would have sent them (each once: a second run sends nothing).
    from .services.risks_reminders import risk_reminders_send

    risk_reminders_send(today=today)
    return made
