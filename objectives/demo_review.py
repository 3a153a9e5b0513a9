"""The review part of the objectives demo (``objectives.demo.seed`` calls ``seed(demo)`` after the
kpi, surveys and risks parts): one management review of the Department of Home Affairs, held
ten days ago over the past twelve months (its inputs frozen then: whatever the other parts and
areas seeded is in them), chaired and signed by ``mr``, with ``doccontrol``, ``depthead`` and the
office in the room, and three decisions: one done, two open (one due soon, reminded) — so that
the next review's "status of previous actions" and ``depthead``'s My work have something to show.

Built through the services at the story's moments (``demo_clock``), in Vietnamese (the agency's
own language) whatever language the demo is seeded in. Idempotent: the review is looked up by
unit and title; a second run makes nothing. ``demo["review"]`` holds the review for later use."""

from datetime import timedelta

from django.utils import timezone

from qms_portal.demo import DEMO_PASSWORD, demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import ManagementReview
from .services import review as services

UNIT = "DOHA"
TITLE = "Hội nghị xem xét của lãnh đạo về HTQLCL năm {year}"
DECISIONS = [
    # (kind, description, owner, due in days after the meeting, done after days (None: open), what was done)
    ("qms_change", "Sửa đổi quy trình tiếp nhận và trả kết quả hồ sơ theo Nghị định mới về thủ tục hành chính.",
     "doccontrol", 30, 8, "Đã ban hành lần sửa đổi 03 của quy trình QT-01."),
    ("resources", "Bổ sung 02 công chức cho bộ phận một cửa vào các tháng cao điểm.", "depthead", 15, None, ""),
    ("improvement", "Đưa chỉ tiêu tỷ lệ hồ sơ giải quyết đúng hạn lên 98,5 % trong mục tiêu chất lượng năm tới.",
     "mr", 60, None, ""),
]
TEXTS = {
    "place": "Phòng họp số 1, Sở Nội vụ",
    "issues_changes": "Luật và nghị định mới về thủ tục hành chính có hiệu lực; chuyển đổi số hồ sơ một cửa.",
    "external_providers": "Bưu điện tỉnh trả kết quả đúng hạn 99 %; nhà cung cấp phần mềm một cửa hỗ trợ kịp thời.",
    "resources": "Bộ phận một cửa thiếu người vào các tháng cao điểm; máy quét hồ sơ cần thay thế.",
    "other_inputs": "Kết quả đánh giá chứng nhận của QUACERT: 6 điểm không phù hợp loại 2 và 7 điểm cần lưu ý, "
                    "tất cả đã khắc phục.",
    "other_participants": "Đại diện Văn phòng UBND tỉnh",
    "conclusions": "Hệ thống quản lý chất lượng của Sở phù hợp với TCVN ISO 9001:2015, được duy trì và có hiệu "
                   "lực. Các mục tiêu chất lượng năm cơ bản đạt; cần tăng cường nhân lực cho bộ phận một cửa.",
}


def seed(demo):
    """Returns 1 when the review was made (0 on a second run, or without the core's demo)."""
    unit = Unit.objects.filter(code=UNIT).first()
    people = {u.username: u for u in User.objects.filter(username__in=["mr", "doccontrol", "depthead",
                                                                         "doha-office"])}
    if unit is None or "mr" not in people:
        return 0
    today = timezone.localdate()
    meeting = today - timedelta(days=10)
    title = TITLE.format(year=meeting.year)
    existing = ManagementReview.objects.filter(unit=unit, title=title).first()
    if existing is not None:
        demo["review"] = existing
        return 0
    mr = people["mr"]
    with muted():
        with demo_clock(meeting - timedelta(days=20)):
            review = services.review_create(
                acting_user=mr, unit=unit, title=title, meeting_on=meeting,
                period_start=meeting - timedelta(days=365), period_end=meeting - timedelta(days=1), chair=mr,
                participants=[p for name, p in people.items() if name != "mr"],
                **{k: v for k, v in TEXTS.items() if k != "conclusions"})
        with demo_clock(meeting):
            services.review_transition(acting_user=mr, review=review, name="hold")
            decisions = []
            for kind, text, owner, due, _done, _note in DECISIONS:
                decisions.append(services.decision_add(
                    acting_user=mr, review=review, kind=kind, description=text,
                    owner=people.get(owner, mr), due_on=meeting + timedelta(days=due)))
        with demo_clock(meeting + timedelta(days=1)):
            services.review_update(acting_user=mr, review=review, conclusions=TEXTS["conclusions"])
            services.review_transition(acting_user=mr, review=review, name="sign", password=DEMO_PASSWORD)
        for decision, (_kind, _text, owner, _due, done, note) in zip(decisions, DECISIONS, strict=True):
            if done is not None:
                with demo_clock(meeting + timedelta(days=done)):
                    services.decision_complete(acting_user=people.get(owner, mr), decision=decision, note=note)
    review.refresh_from_db()
    demo["review"] = review
    return 1
