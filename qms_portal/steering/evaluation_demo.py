"""The demo's evaluation of units: the district (DIST) evaluated its 12 offices and 18 wards last year
— opened in February, every sheet scored by the unit's management representative or head, submitted,
appraised and signed by the steering committee in the autumn, closed in December — and runs this
year's, opened a month ago: some sheets signed (so the ranking shows ranks and the change from last
year), some waiting for appraisal, some still in self-assessment (a few half scored).

Built through the services (``evaluation_services``: the engine's guards, the scores frozen from the
data at submission, the password asked again at signing), after the areas' demo data (``seed_demo``
calls it after the annual reports), at the story's dates (``demo_clock``). The scores are drawn from
a seeded random generator (the same on every machine), in half points. Who scores a sheet is whoever
may change it there (``change_unitevaluation``: the management representative and the department
head, ``permissions.users_who_can_each``), preferring someone on the unit itself to the district's
management representative (``dist-mr``), who holds it on every unit below; the signer never is the
submitter (the workflow refuses it). Idempotent: an evaluation that exists is left as it is."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Unit, User
from ..permissions import users_who_can_each
from .evaluation_models import Evaluation, UnitEvaluation
from .evaluation_selectors import half_points
from .evaluation_services import (
    evaluation_create,
    evaluation_transition,
    unit_evaluation_appraise,
    unit_evaluation_score,
    unit_evaluation_transition,
)

SEED = 9001
# This year's sheets, in the units' order: how many are signed, then waiting for appraisal; the rest
# are in self-assessment, the first ``HALF_SCORED`` of them with some criteria scored.
SIGNED_NOW, WAITING_NOW, HALF_SCORED = 14, 8, 4

_TEXT = {
    "en": {
        "title": "Evaluation of the QMS in the district's offices and wards, {year}",
        "instructions": "Score each criterion with its evidence (minutes, decisions, the one-stop-shop's "
                        "register) and submit the sheet by the due date. Criteria marked as scored from the data "
                        "are taken from the portal's figures when the sheet is submitted.",
        "notes": ["Minutes of the unit's QMS meeting", "Decision assigning the ISO officer",
                  "One-stop-shop register, year to date", "Internal audit report and follow-up",
                  "Management review minutes", "Training attendance sheets", "Corrective action records"],
        "comments": ["Evidence incomplete for the second half-year", "Agreed", "Records not signed by the head",
                     "Good practice, share with the other units"],
        "summary": "The unit applies its procedures to every administrative file; two procedures were "
                   "simplified this year.",
        "conclusion": "The self-assessment is supported by the evidence; see the comments per criterion.",
    },
    "vi": {
        "title": "Đánh giá, xếp hạng việc áp dụng HTQLCL của các phòng, phường năm {year}",
        "instructions": "Đơn vị tự chấm từng tiêu chí kèm tài liệu kiểm chứng (biên bản, quyết định, sổ theo dõi "
                        "bộ phận một cửa) và gửi phiếu đúng hạn. Các tiêu chí chấm theo số liệu được lấy từ số "
                        "liệu của cổng khi gửi phiếu.",
        "notes": ["Biên bản họp triển khai HTQLCL của đơn vị", "Quyết định phân công thư ký ISO",
                  "Sổ theo dõi hồ sơ bộ phận một cửa", "Báo cáo đánh giá nội bộ và khắc phục",
                  "Biên bản họp xem xét của lãnh đạo", "Danh sách tham dự đào tạo", "Hồ sơ hành động khắc phục"],
        "comments": ["Tài liệu kiểm chứng chưa đủ cho 6 tháng cuối năm", "Thống nhất",
                     "Hồ sơ chưa có chữ ký của lãnh đạo", "Cách làm tốt, đề nghị nhân rộng"],
        "summary": "Đơn vị áp dụng quy trình cho toàn bộ hồ sơ thủ tục hành chính; năm nay đã đơn giản hóa "
                   "hai quy trình.",
        "conclusion": "Kết quả tự chấm có tài liệu kiểm chứng; xem nhận xét theo từng tiêu chí.",
    },
    "zh-hans": {
        "title": "{year}年区属科室、街道质量管理体系运行考评",
        "instructions": "请对照各项指标自评打分并附佐证材料（会议纪要、决定、一站式窗口登记簿），按期提交。"
                        "按数据计分的指标在提交时取自平台数据。",
        "notes": ["本单位质量管理体系推进会议纪要", "ISO专员任命决定", "一站式窗口办件登记簿", "内部审核报告及整改情况",
                  "管理评审会议纪要", "培训签到表", "纠正措施记录"],
        "comments": ["下半年佐证材料不完整", "同意", "记录缺少负责人签字", "做法较好，建议推广"],
        "summary": "本单位所有行政事项均按程序办理；今年简化了两项程序。",
        "conclusion": "自评结果有佐证材料支持；详见各项指标的评语。",
    },
}



class _Story:
    """One evaluation's sheets, scored and signed at the story's dates."""

    def __init__(self, evaluation, signer, text, rng):
        self.evaluation, self.signer, self.text, self.rng = evaluation, signer, text, rng
        self.criteria = list(evaluation.criteria.all())
        self.sheets = list(UnitEvaluation.objects.filter(evaluation=evaluation).select_related("unit")
                           .order_by("unit__code"))  # the codes' order: the same story on every machine
        self.scorers = _scorers(self.sheets, signer)

    def score(self, sheet, quality, day, share=1.0):
        """The unit scores ``share`` of the criteria (all by default), with a note on each."""
        notes = self.text["notes"]
        chosen = self.criteria if share >= 1 else self.criteria[: max(1, round(len(self.criteria) * share))]
        scores = {c.code: (half_points(float(c.points) * (quality + self.rng.uniform(-0.12, 0.12)), c.points),
                           notes[self.rng.randrange(len(notes))]) for c in chosen}
        from ..demo import demo_clock

        with demo_clock(day):
            unit_evaluation_score(acting_user=self.scorers[sheet.pk], sheet=sheet, scores=scores,
                                  summary=self.text["summary"] if share >= 1 else None)

    def submit(self, sheet, day):
        from ..demo import demo_clock

        with demo_clock(day):
            unit_evaluation_transition(acting_user=self.scorers[sheet.pk], sheet=sheet, name="submit")

    def appraise_and_sign(self, sheet, day):
        """The committee keeps the unit's score or takes off half a point to two points, with a comment
        where it differs, then signs (the password asked again)."""
        from ..demo import DEMO_PASSWORD, demo_clock

        sheet = UnitEvaluation.objects.get(pk=sheet.pk)
        comments = self.text["comments"]
        scores = {}
        for criterion in self.criteria:
            given = sheet.scores.get(criterion.code) or {}
            if given.get("data") is not None:
                continue  # scored from the data at submission
            own = Decimal(str(given.get("self") or 0))
            less = Decimal(self.rng.choice((0, 0, 0, 0.5, 0.5, 1, 2)))
            scores[criterion.code] = (max(own - less, Decimal(0)), comments[self.rng.randrange(len(comments))]
                                      if less else "")
        with demo_clock(day):
            unit_evaluation_appraise(acting_user=self.signer, sheet=sheet, scores=scores,
                                     conclusion=self.text["conclusion"])
        with demo_clock(day + timedelta(hours=2)):
            unit_evaluation_transition(acting_user=self.signer, sheet=sheet, name="sign", password=DEMO_PASSWORD)


def _scorers(sheets, signer):
    """``{sheet pk: the person who scores it}``: someone who may change it, on the unit itself if any."""
    fallback = User.objects.filter(username="dist-mr").first()
    units, chosen = {sheet.pk: sheet.unit_id for sheet in sheets}, {}
    for sheet_pk, people in users_who_can_each("change", sheets).items():
        people = [p for p in people if p != signer]
        local = [p for p in people if p.primary_unit_id == units[sheet_pk]]
        chosen[sheet_pk] = (local or [p for p in people if p != fallback] or people or [fallback])[0]
    for sheet in sheets:
        chosen.setdefault(sheet.pk, fallback)
    return chosen


def _create(unit, year, creator, text, opened):
    from ..demo import demo_clock

    with demo_clock(opened - timedelta(days=3)):
        evaluation = evaluation_create(acting_user=creator, unit=unit, year=year, title=text["title"].format(year=year),
                                       scope=Evaluation.Scope.CHILDREN, self_due=opened + timedelta(days=60),
                                       instructions=text["instructions"])
    with demo_clock(opened):
        evaluation_transition(acting_user=creator, evaluation=evaluation, name="open")
    return evaluation


def _qualities(units, rng):
    """A steady quality per unit (0.55 to 0.95), so that a unit's rank moves a little from year to year."""
    return {unit.pk: rng.uniform(0.55, 0.95) for unit in units}


def _last_year(unit, signer, text, rng, qualities, year):
    from ..demo import demo_clock

    evaluation = _create(unit, year, signer, text, date(year, 2, 3))
    story = _Story(evaluation, signer, text, rng)
    for n, sheet in enumerate(story.sheets):
        story.score(sheet, qualities[sheet.unit_id], date(year, 10, 1) + timedelta(days=n % 20))
        story.submit(sheet, date(year, 10, 25) + timedelta(days=n % 10))
        story.appraise_and_sign(sheet, date(year, 11, 10) + timedelta(days=n % 15))
    with demo_clock(date(year, 12, 5)):
        evaluation_transition(acting_user=signer, evaluation=evaluation, name="close")
    return evaluation


def _this_year(unit, signer, text, rng, qualities, today):
    opened = today - timedelta(days=30)
    evaluation = _create(unit, today.year, signer, text, opened)
    story = _Story(evaluation, signer, text, rng)
    for n, sheet in enumerate(story.sheets):
        quality = min(0.97, qualities[sheet.unit_id] + rng.uniform(-0.08, 0.1))
        day = opened + timedelta(days=5 + n % 10)
        if n < SIGNED_NOW + WAITING_NOW:
            story.score(sheet, quality, day)
            story.submit(sheet, day + timedelta(days=3))
            if n < SIGNED_NOW:
                story.appraise_and_sign(sheet, opened + timedelta(days=20 + n % 8))
        elif n < SIGNED_NOW + WAITING_NOW + HALF_SCORED:
            story.score(sheet, quality, day, share=0.5)
    return evaluation


@transaction.atomic
def seed_evaluations(language="en"):
    """The district's evaluation of its offices and wards for last year (closed) and this year (open);
    returns how many evaluations were made."""
    unit = Unit.objects.filter(code="DIST").first()
    signer = User.objects.filter(username="steering").first()
    if unit is None or signer is None or not User.objects.filter(username="dist-mr").exists():
        return 0
    text = _TEXT.get(language, _TEXT["en"])
    today = timezone.localdate()
    qualities = _qualities(Unit.objects.filter(parent=unit, is_active=True).order_by("code"), random.Random(SEED))
    made = 0
    if not Evaluation.objects.filter(unit=unit, year=today.year - 1).exists():
        _last_year(unit, signer, text, random.Random(SEED + 1), qualities, today.year - 1)
        made += 1
    if not Evaluation.objects.filter(unit=unit, year=today.year).exists():
        _this_year(unit, signer, text, random.Random(SEED + 2), qualities, today)
        made += 1
    return made
