"""The demo's annual ISO reports: the district (DIST: 12 specialist offices and 18 wards) reported on
last year — drafted and submitted by its management representative in January, signed by the
steering committee two days later — and drafts this year's. Built through the services, after the
areas' demo data (``seed_demo`` calls it last, so the frozen figures count the areas' records).
Idempotent: a report that exists is left as it is."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Unit, User
from .report_models import AnnualReport
from .report_services import annual_report_create, annual_report_transition

_TEXT = {
    "en": {
        "recipient": "ISO steering committee of Demo City",
        "place": "Demo City",
        "achievements": "All 12 specialist offices and 18 ward committees apply the QMS to their administrative "
                        "procedures; the district's procedures were revised to the 2015 edition; every unit held "
                        "an internal audit and a management review.",
        "difficulties": "Too few trained internal auditors in the wards; staff turnover at the one-stop-shop desks; "
                        "legal references change often and procedures lag behind.",
        "proposals": "Train two internal auditors per ward; share one audit team across the wards; have the city "
                     "notify the district of legal changes that affect its procedures.",
    },
    "vi": {
        "recipient": "Ban chỉ đạo ISO Thành phố Mẫu",
        "place": "Thành phố Mẫu",
        "achievements": "12 phòng chuyên môn và 18 UBND phường áp dụng HTQLCL vào giải quyết thủ tục hành chính; "
                        "hệ thống quy trình của quận được chuyển đổi sang TCVN ISO 9001:2015; mọi đơn vị đã đánh "
                        "giá nội bộ và xem xét của lãnh đạo.",
        "difficulties": "Thiếu chuyên gia đánh giá nội bộ ở các phường; công chức bộ phận một cửa thay đổi nhiều; "
                        "văn bản pháp luật thay đổi thường xuyên, quy trình cập nhật chưa kịp thời.",
        "proposals": "Đào tạo hai chuyên gia đánh giá nội bộ cho mỗi phường; lập đoàn đánh giá chung cho các "
                     "phường; đề nghị Thành phố thông báo kịp thời các văn bản pháp luật mới liên quan.",
    },
    "zh-hans": {
        "recipient": "示范市ISO领导小组",
        "place": "示范市",
        "achievements": "12个职能科室和18个街道全部将质量管理体系运用于行政事项办理；全区程序文件已按2015版修订；"
                        "各单位均完成内部审核和管理评审。",
        "difficulties": "街道内审员不足；一站式窗口人员流动较大；法律法规变化频繁，程序文件更新不及时。",
        "proposals": "每个街道培训两名内审员；组建街道共用的内审组；请市里及时通报涉及本区程序的法规变化。",
    },
}
NUMBERS = {"en": "DIST-R-{year}", "vi": "{n}/BC-UBND", "zh-hans": "中区府报〔{year}〕{n}号"}


@transaction.atomic
def seed_reports(language="en"):
    """The district's report for last year (signed) and this year's (a draft); returns how many were made."""
    from ..demo import DEMO_PASSWORD, demo_clock

    unit = Unit.objects.filter(code="DIST").first()
    drafter = User.objects.filter(username="dist-mr").first()
    signer = User.objects.filter(username="steering").first()
    if unit is None or drafter is None or signer is None:
        return 0
    text = _TEXT.get(language, _TEXT["en"])
    today = timezone.localdate()
    made = 0
    last = today.year - 1
    if not AnnualReport.objects.filter(unit=unit, year=last).exists():
        submitted_on = min(date(today.year, 1, 12), today - timedelta(days=3))
        with demo_clock(submitted_on - timedelta(days=5)):
            report = annual_report_create(acting_user=drafter, unit=unit, year=last,
                                          number=NUMBERS[language].format(year=today.year, n=12), **text)
        with demo_clock(submitted_on):
            annual_report_transition(acting_user=drafter, report=report, name="submit")
        with demo_clock(submitted_on + timedelta(days=2)):
            annual_report_transition(acting_user=signer, report=report, name="sign", password=DEMO_PASSWORD)
        made += 1
    if not AnnualReport.objects.filter(unit=unit, year=today.year).exists():
        annual_report_create(acting_user=drafter, unit=unit, year=today.year,
                             recipient=text["recipient"], place=text["place"])
        made += 1
    return made
