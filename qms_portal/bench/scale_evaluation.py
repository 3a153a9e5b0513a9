"""The province's evaluation of units for ``manage.py seed_scale``: the root evaluates every unit
below it (scope "subtree", a sheet per unit: 249 at the default 250 units), last year's closed
with every sheet signed, this year's open with most signed, some waiting for appraisal and some
still in self-assessment — the ranking page's material, with the change from last year.

**Through the services where the rules matter:** each evaluation is drafted
(``evaluation_create``: the default criteria, then last year's), opened (``evaluation_transition``:
the engine makes a sheet per unit, with its history, and tells the people who score them in one
message each) and, last year's, closed (the engine's guard checks that every sheet is signed).

**The sheets' scores in bulk.** Scoring, submitting, appraising and signing 249 sheets one by one
costs, per sheet, a roll-up per data figure (``_on_submit`` reads ``data_rates`` for its one unit:
5 figures × 249 sheets) and the signer's password hash (PBKDF2, on purpose slow: about half a second
each outside tests) — minutes for the whole province (measured: see ``seconds`` in the summary and
the closing note of the change). So the rates are read once for every unit
(``evaluation_selectors.data_rates``: one roll-up per figure), and each sheet's scores are made with
the services' own arithmetic (``points``, ``from_rate``, ``total``, the half-point step), written with
``bulk_update_with_history`` (one history row per sheet, in its final state, where the services
write one per step) and beside them the engine's records of "submit" and "sign"
(``workflow.transition_record``, with the signature's meaning and the signer's name). Nobody is
told of a submission or a signature (no messages for the bench's people to wade through)."""

import random
import time
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..models import RoleAssignment, TransitionRecord, User
from ..permissions import users_who_can_each
from ..steering import evaluation_selectors as sel
from ..steering.evaluation_models import Evaluation, EvaluationCriterion, UnitEvaluation
from ..steering.evaluation_services import SHEET_WORKFLOW, evaluation_create, evaluation_transition

S = UnitEvaluation.Status
SIGNED_SHARE, WAITING_SHARE = 0.8, 0.1  # this year's: signed, waiting; the rest in self-assessment
NOTES = ["Biên bản họp triển khai HTQLCL", "Quyết định phân công thư ký ISO", "Sổ theo dõi hồ sơ một cửa",
         "Báo cáo đánh giá nội bộ", "Biên bản xem xét của lãnh đạo"]
COMMENTS = ["Thống nhất", "Tài liệu kiểm chứng chưa đủ", "Hồ sơ chưa có chữ ký của lãnh đạo"]
FIELDS = ["status", "scores", "self_total", "appraisal_total", "summary", "conclusion", "submitted_by",
          "submitted_at", "signed_at"]


def _steering(root):
    """Who drafts, appraises and signs: a steering committee member on the root, else its
    administrator (a small tree has too few people at the root for a committee); None without either."""
    for code in ("steering_committee", "administrator"):
        holder = (RoleAssignment.objects.current().filter(unit=root, role__code=code, include_subunits=True,
                                                           user__is_active=True).order_by("user_id").first())
        if holder is not None:
            return holder.user
    return None



def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, clock(hour)))


def _scores(sheet, criteria, rates, rng, quality, stage):
    """The sheet's scores as the services would leave them at ``stage`` ("partial", "self",
    "submitted", "signed"): typed scores in half points, the data criteria frozen at submission
    (``_on_submit``: the rate, and its points as both scores), the appraisal within two points."""
    scores = {}
    share = 0.5 if stage == "partial" else 1
    for n, criterion in enumerate(criteria):
        if n >= round(len(criteria) * share):
            break
        rate = rates.get(criterion.code) if stage in ("submitted", "signed") else None
        if rate is not None:
            pts = float(sel.from_rate(criterion, rate))
            scores[criterion.code] = {"data": round(float(rate), 6), "self": pts, "appraisal": pts}
            continue
        own = sel.half_points(float(criterion.points) * (quality + rng.uniform(-0.12, 0.12)), criterion.points)
        assert not own % sel.STEP and 0 <= own <= criterion.points  # the services' check (_check_points)
        given = {"self": float(own), "note": NOTES[rng.randrange(len(NOTES))]}
        if stage == "signed":
            less = Decimal(rng.choice((0, 0, 0, 0.5, 1, 2)))
            given.update(appraisal=float(max(own - less, Decimal(0))),
                         comment=COMMENTS[rng.randrange(len(COMMENTS))] if less else "")
        scores[criterion.code] = given
    return scores


def _evaluation(root, year, steering, opened):
    from ..demo import demo_clock

    with demo_clock(opened - timedelta(days=2)):
        evaluation = evaluation_create(acting_user=steering, unit=root, year=year, scope=Evaluation.Scope.SUBTREE,
                                       title=f"Đánh giá, xếp hạng việc áp dụng HTQLCL năm {year}",
                                       self_due=opened + timedelta(days=60))
    with demo_clock(opened):
        evaluation_transition(acting_user=steering, evaluation=evaluation, name="open")
    return Evaluation.objects.select_related("unit").get(pk=evaluation.pk)


def _fill(evaluation, steering, qualities, rng, opened, stages):
    """Score, submit, appraise and sign the sheets in bulk (``stages(n)``: the n-th sheet's stage)."""
    criteria = list(EvaluationCriterion.objects.filter(evaluation=evaluation))
    sheets = list(UnitEvaluation.objects.filter(evaluation=evaluation).select_related("unit").order_by("unit__code"))
    units = [sheet.unit for sheet in sheets]
    rates = sel.data_rates(steering, evaluation, units, criteria)  # one roll-up per figure
    scorers = users_who_can_each("change", sheets)
    names = dict(User.objects.filter(pk__in={p.pk for people in scorers.values() for p in people} | {steering.pk})
                 .values_list("pk", "full_name"))
    content_type = ContentType.objects.get_for_model(UnitEvaluation)
    submit, sign = SHEET_WORKFLOW.get("submit"), SHEET_WORKFLOW.get("sign")
    records, changed = [], []
    for n, sheet in enumerate(sheets):
        stage = stages(n)
        if stage == "untouched":
            continue
        scores = _scores(sheet, criteria, rates[sheet.unit_id], rng, qualities[sheet.unit_id], stage)
        sel.with_scores(sheet, scores, criteria)
        if stage in ("submitted", "signed"):
            people = [p for p in scorers.get(sheet.pk, []) if p.pk != steering.pk]
            # the unit's own head or representative first, else someone above it with its sub-units
            submitter = next((p for p in people if p.primary_unit_id == sheet.unit_id), people[0] if people else None)
            if submitter is None:  # nobody may score this unit: it stays in self-assessment
                sheet.status = S.SELF
                continue
            sheet.status, sheet.submitted_by = S.SUBMITTED, submitter
            sheet.summary = "Đơn vị áp dụng quy trình cho toàn bộ hồ sơ thủ tục hành chính."
            sheet.submitted_at = _at(opened + timedelta(days=10 + n % 20), 10)
            records.append(_record(content_type, sheet, submit, S.SELF, submitter.pk, names, sheet.submitted_at))
        if stage == "signed":
            sheet.status, sheet.conclusion = S.SIGNED, "Kết quả tự chấm có tài liệu kiểm chứng."
            sheet.signed_at = sheet.submitted_at + timedelta(days=7)
            records.append(_record(content_type, sheet, sign, S.SUBMITTED, steering.pk, names, sheet.signed_at))
        changed.append(sheet)
    bulk_update_with_history(changed, UnitEvaluation, FIELDS, batch_size=500, default_user=steering,
                             default_date=timezone.now())
    TransitionRecord.objects.bulk_create(records, batch_size=2000)
    return sheets, changed


def _record(content_type, sheet, t, from_state, actor_id, names, at):
    from ..workflow import transition_record

    return transition_record(content_type, sheet.pk, t, from_state=from_state, actor_id=actor_id,
                             actor_name=names.get(actor_id, ""), at=at)


def build_evaluations(*, root, seed=2026):
    """Last year's evaluation of every unit below ``root`` (closed, all signed) and this year's (open,
    most signed). Nothing when the root has nobody to draft and sign them (``_steering``) or already
has them."""
    from ..demo import demo_clock

    tick = time.perf_counter()
    steering = _steering(root)
    today = timezone.localdate()
    if steering is None or Evaluation.objects.filter(unit=root, year__in=[today.year - 1, today.year]).exists():
        return None
    rng = random.Random(seed)
    units = sel.units_evaluated(Evaluation(unit=root, scope=Evaluation.Scope.SUBTREE)).only("pk")
    qualities = {pk: rng.uniform(0.55, 0.95) for pk in units.values_list("pk", flat=True)}
    timings = {}

    last = _evaluation(root, today.year - 1, steering, today.replace(year=today.year - 1, month=2, day=3))
    timings["open"] = time.perf_counter() - tick
    sheets, _changed = _fill(last, steering, qualities, rng, last.opened_at.date(), lambda n: "signed")
    if not UnitEvaluation.objects.filter(evaluation=last).exclude(status=S.SIGNED).exists():
        with demo_clock(today.replace(year=today.year - 1, month=12, day=5)):
            evaluation_transition(acting_user=steering, evaluation=last, name="close")
    timings["last year"] = time.perf_counter() - tick

    opened = today - timedelta(days=40)
    now = _evaluation(root, today.year, steering, opened)
    count = len(qualities)
    waiting = max(1, round(count * WAITING_SHARE))  # at least one sheet at each stage
    signed = max(0, min(round(count * SIGNED_SHARE), count - waiting - 1))

    def stage(n):
        if n < signed:
            return "signed"
        if n < signed + waiting:
            return "submitted"
        return ("partial", "self", "untouched")[n % 3]

    this_sheets, changed = _fill(now, steering, {pk: min(0.97, q + rng.uniform(-0.08, 0.1))
                                                 for pk, q in qualities.items()}, rng, opened, stage)
    return {"evaluations": 2, "sheets": len(sheets) + len(this_sheets),
            "signed": sum(1 for s in changed if s.status == S.SIGNED) + len(sheets),
            "waiting": sum(1 for s in changed if s.status == S.SUBMITTED),
            "seconds": time.perf_counter() - tick,
            "timings": {**timings, "this year": time.perf_counter() - tick - timings["last year"]}}


def analyze_models():
    return [Evaluation, EvaluationCriterion, UnitEvaluation, UnitEvaluation.history.model, TransitionRecord]
