"""Province-sized management reviews for ``manage.py seed_scale`` (the review part's ``Scale``, composed
by ``objectives.scale.ObjectivesScale``).

For every unit that runs its own QMS (the units marked so, else the root and the units right below
it), chaired by the unit's nearest management representative: a review for each of the last
``--reviews`` years (default 3): the older ones held and signed (their inputs frozen, compiled
for real from the data the other areas built before), this year's still planned (the bench opens the
province's: its inputs compiled live). Each held review has ``--review-decisions`` decisions
(default 4), owned by the unit's department heads (or its management representative): the older
years' done, last year's half open — some overdue, the reminders' and the figure's material.

Bulk (``bulk_create_with_history``, one transaction), not the services: nobody is notified; the
rules (numbers ``{unit}-MR-{year}-{n:02}``, states, the snapshot) are the services'."""

import time
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import NumberSequence, TransitionRecord, Unit, User
from qms_portal.workflow import transition_record

from .models import ManagementReview, ReviewDecision, ReviewDecisionUserObjectPermission
from .selectors.review_inputs import make_snapshot
from .services.review import NUMBER_KIND, NUMBER_PATTERN, WORKFLOW

S, D = ManagementReview.Status, ReviewDecision.Status
KINDS = [ReviewDecision.Kind.IMPROVEMENT, ReviewDecision.Kind.QMS_CHANGE, ReviewDecision.Kind.RESOURCES]
TEXTS = ["Rút ngắn thời gian giải quyết hồ sơ đất đai", "Sửa đổi quy trình tiếp nhận hồ sơ",
         "Bổ sung công chức cho bộ phận một cửa", "Nâng cấp phần mềm một cửa điện tử"]


def qms_units(root):
    units = list(Unit.objects.filter(is_active=True, path__startswith=root.path)
                 .only("pk", "code", "name", "path", "depth", "runs_own_qms").order_by("path"))
    marked = [u for u in units if u.runs_own_qms]
    chosen = marked or [u for u in units if u.depth <= root.depth + 1]
    if root.pk not in {u.pk for u in chosen}:
        chosen.insert(0, root)
    return chosen


def build_reviews(*, root, years, per_review, acting_user):
    from nonconformities.services.escalation import nearest_holders

    tick = time.perf_counter()
    today = timezone.localdate()
    units = qms_units(root)
    reps = nearest_holders("management_representative", units)
    heads = nearest_holders("department_head", units)
    reviews, plans = [], []
    for unit in units:
        chair = (reps.get(unit.pk) or [None])[0]
        if chair is None:
            continue
        for back in range(years - 1, -1, -1):
            year = today.year - back
            meeting = date(year, 12, 10) if back else today
            status = S.PLANNED if back == 0 else S.SIGNED
            n = years - back
            review = ManagementReview(
                unit=unit, number=NUMBER_PATTERN.format(unit=unit.code, year=year, n=n),
                title=f"Xem xét của lãnh đạo năm {year}", meeting_on=meeting, place="Phòng họp",
                chair_id=chair, period_start=meeting - timedelta(days=365), period_end=meeting - timedelta(days=1),
                resources="Nhân lực bộ phận một cửa cơ bản đáp ứng.", status=status,
                conclusions="Hệ thống phù hợp và có hiệu lực." if status == S.SIGNED else "")
            review.unit = unit
            if status == S.SIGNED:  # held then signed: its inputs frozen as they stand now
                at = timezone.make_aware(datetime.combine(meeting, datetime.min.time()))
                review.held_at, review.signed_at = at, at + timedelta(days=1)
                review.snapshot = make_snapshot(review, at)
            reviews.append(review)
            plans.append((review, back, (heads.get(unit.pk) or [chair])))
    created_at = timezone.now()
    for review in reviews:
        review.created_at = created_at
        review.search_key = ""
    bulk_create_with_history(reviews, ManagementReview, batch_size=500, default_user=acting_user)
    saved = {(r.unit_id, r.number): r for r in ManagementReview.objects.filter(
        unit__in=[u.pk for u in units]).only("pk", "unit_id", "number")}
    decisions, records, frozen = [], [], 0
    content_type = ContentType.objects.get_for_model(ManagementReview)
    names = dict(User.objects.filter(pk__in={r.chair_id for r in reviews}).values_list("pk", "full_name"))
    hold, sign = WORKFLOW.get("hold"), WORKFLOW.get("sign")
    for review, back, owners in plans:
        review.pk = saved[review.unit_id, review.number].pk
        if review.status == S.PLANNED:
            continue
        at = review.held_at
        frozen += 1
        records += [transition_record(content_type, review.pk, hold, from_state=S.PLANNED, actor_id=review.chair_id,
                                      actor_name=names.get(review.chair_id, ""), at=at),
                    transition_record(content_type, review.pk, sign, from_state=S.HELD, actor_id=review.chair_id,
                                      actor_name=names.get(review.chair_id, ""), at=review.signed_at)]
        for i in range(per_review):
            due = review.meeting_on + timedelta(days=30 * (i + 1))
            open_ = back == 1 and i % 2 == 0
            decisions.append(ReviewDecision(
                review_id=review.pk, kind=KINDS[i % len(KINDS)], description=TEXTS[i % len(TEXTS)],
                owner_id=owners[i % len(owners)], due_on=due, status=D.OPEN if open_ else D.DONE,
                done_on=None if open_ else min(due, today), note="" if open_ else "Đã thực hiện.",
                created_at=created_at))
    bulk_create_with_history(decisions, ReviewDecision, batch_size=2000, default_user=acting_user)
    grants = _owner_grants([r.pk for r, _b, _o in plans if r.status != S.PLANNED])
    TransitionRecord.objects.bulk_create(records, batch_size=2000)
    NumberSequence.objects.bulk_create([NumberSequence(unit_id=r.unit_id, kind=NUMBER_KIND, year=r.meeting_on.year,
                                                       last_number=int(r.number.rsplit("-", 1)[1])) for r in reviews],
                                       batch_size=500, ignore_conflicts=True)
    return {"reviews": len(reviews), "held": frozen, "decisions": len(decisions), "grants": grants,
            "open": sum(1 for d in decisions if d.status == D.OPEN), "seconds": time.perf_counter() - tick}


def _owner_grants(review_ids):
    """The owners' single-object grants (view, change) on their decisions, as the service gives them."""
    from django.contrib.auth.models import Permission

    perms = dict(Permission.objects.filter(content_type__app_label="objectives",
                                           codename__in=["view_reviewdecision", "change_reviewdecision"])
                 .values_list("codename", "pk"))
    rows = [ReviewDecisionUserObjectPermission(user_id=owner, content_object_id=pk, permission_id=perm)
            for pk, owner in ReviewDecision.objects.filter(review_id__in=review_ids).values_list("pk", "owner_id")
            for perm in perms.values()]
    ReviewDecisionUserObjectPermission.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, default=3,
                            help="Management reviews per unit running its own QMS, one a year (default 3; 0: none).")
        parser.add_argument("--review-decisions", type=int, default=4,
                            help="Decisions per held management review (default 4).")

    def check(self, options):
        if min(options["reviews"], options["review_decisions"]) < 0:
            raise ValueError("--reviews and --review-decisions cannot be negative.")

    def build(self, *, root, options, acting_user):
        if not options["reviews"]:
            return {"reviews": 0}
        return build_reviews(root=root, years=options["reviews"], per_review=options["review_decisions"],
                             acting_user=acting_user)

    def describe(self, summary):
        if not summary.get("reviews"):
            return []
        return [f"{summary['reviews']} management reviews ({summary['held']} held, inputs frozen) with "
                f"{summary['decisions']} decisions ({summary['open']} open) in {summary['seconds']:.2f} s."]

    def analyze_models(self):
        return [ManagementReview, ReviewDecision, ManagementReview.history.model, ReviewDecision.history.model,
                ReviewDecisionUserObjectPermission, TransitionRecord]

    def data_size(self):
        return {"management reviews": ManagementReview.objects.count(),
                "review decisions": ReviewDecision.objects.count()}
