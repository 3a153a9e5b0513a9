"""What the plan part gives the steering committee's dashboard (``areas.Figure``) and the management
review (``areas.ReviewInput`` "resources", ISO 9001 9.3.2 d: the adequacy of resources — here the
people's competence).

Figures count rows restricted to the reader (``queryset(user)``): the plan items done this year,
the participants present (and those not present) at the sessions closed this year — the
attendance rate is present / (present + not present), shown on the plans list and in the review —,
the qualifications expiring within 90 days, and the people with a competence gap.

The review input reads the unit's subtree over the period in a fixed number of queries and returns
codes and numbers (``compile_resources``)."""

from datetime import timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from qms_portal.models import User

from ..models import Competence, Participant, PlanItem, Qualification, TrainingPlan
from .plan import PRESENT, gaps_in, item_done_q, people_with_gap, percent

CLOSED = "closed"
EXPIRY_DAYS = 90
LISTED = 10


# --- dashboard figures -----------------------------------------------------------------------------
def plan_items_done(user, today=None, year=None):
    """The plan items of ``year`` (this year's by default) with a held or closed session linked, in
    the reader's scope."""
    year = year or (today or timezone.localdate()).year
    return PlanItem.objects.restrict(user, "view").filter(plan__year=year).filter(item_done_q())


def plan_items(user, today=None, year=None):
    """The plan items of ``year`` (this year's by default: plan completion's denominator), in the
    reader's scope."""
    year = year or (today or timezone.localdate()).year
    return PlanItem.objects.restrict(user, "view").filter(plan__year=year)


def _closed_this_year(user, today):
    year = (today or timezone.localdate()).year
    return (Participant.objects.restrict(user, "view")
            .filter(session__status=CLOSED, session__starts_at__year=year))


def attended(user, today=None):
    """Participants present at the sessions closed this year, in the reader's scope."""
    return _closed_this_year(user, today).filter(attendance=PRESENT)


def trained(user):
    """Participants present at closed sessions (a figure of a period: the annual ISO report keeps
    those of the sessions of its year), in the reader's scope."""
    return Participant.objects.restrict(user, "view").filter(session__status=CLOSED, attendance=PRESENT)


def not_attended(user, today=None):
    """Participants invited to the sessions closed this year and not present (absent, excused or
    not recorded), in the reader's scope."""
    return _closed_this_year(user, today).exclude(attendance=PRESENT)


def expiring_soon(user, today=None):
    """Qualifications of active people that expire in the next 90 days, in the reader's scope."""
    today = today or timezone.localdate()
    return (Qualification.objects.restrict(user, "view")
            .filter(is_withdrawn=False, user__is_active=True, valid_until__gte=today,
                    valid_until__lte=today + timedelta(days=EXPIRY_DAYS)))


def people_with_a_gap(user, today=None):
    """People (of the units where the reader sees qualifications) who hold a role whose required
    competences they do not all hold, valid today."""
    users = User.objects.restrict(user, "training.view_qualification")
    return people_with_gap(today or timezone.localdate(), users)


# --- the management review's input "resources" ------------------------------------------------------
def _competence(c):
    return {"code": c.code, "names": {"en": c.name_en, "vi": c.name_vi, "zh_hans": c.name_zh_hans,
                                      "zh_hant": c.name_zh_hant}}


def compile_resources(unit, start, end):
    """The training of ``unit``'s subtree for the review's period (``start``–``end``):

    * ``plans``: the plans of the years the period covers — items planned and done, people planned
      and trained, and how many plans are approved;
    * ``attendance``: participants of the sessions closed in the period by attendance, and the rate;
    * ``gaps``: people lacking a required competence as of the compilation, by competence;
    * ``expiring``: qualifications expiring in the period, and in the 90 days after the compilation.
    """
    from .plan import with_progress

    today = timezone.localdate()
    plans = with_progress(TrainingPlan.objects.filter(unit__path__startswith=unit.path,
                                                      year__gte=start.year, year__lte=end.year))
    totals = plans.aggregate(plans=Count("pk"), approved=Count("pk", filter=Q(status=TrainingPlan.Status.APPROVED)),
                             items=Sum("items_total"), done=Sum("items_done"), planned=Sum("people_planned"),
                             trained=Sum("people_trained"))
    items, done = totals["items"] or 0, totals["done"] or 0
    planned, trained = totals["planned"] or 0, totals["trained"] or 0
    attendance = (Participant.objects.filter(session__unit__path__startswith=unit.path, session__status=CLOSED,
                                             session__starts_at__date__gte=start, session__starts_at__date__lte=end)
                  .aggregate(invited=Count("pk"), present=Count("pk", filter=Q(attendance=PRESENT)),
                             absent=Count("pk", filter=Q(attendance=Participant.Attendance.ABSENT)),
                             excused=Count("pk", filter=Q(attendance=Participant.Attendance.EXCUSED)),
                             sessions=Count("session", distinct=True)))
    gap_people, gaps = gaps_in(unit, today)
    from .plan import expiring_in

    in_period = expiring_in(unit, start, end).aggregate(n=Count("pk"))["n"]
    soon = list(expiring_in(unit, today, today + timedelta(days=EXPIRY_DAYS)).values("competence_id")
                .annotate(n=Count("pk"), first=Min("valid_until")).order_by("-n", "competence_id"))
    competences = Competence.objects.in_bulk([r["competence_id"] for r in soon])
    return {
        "period": [start.isoformat(), end.isoformat()], "as_of": today.isoformat(),
        "plans": {"count": totals["plans"], "approved": totals["approved"], "items": items, "done": done,
                  "items_percent": percent(done, items), "people_planned": planned, "people_trained": trained,
                  "people_percent": percent(trained, planned)},
        "attendance": {**attendance, "rate": percent(attendance["present"], attendance["invited"])},
        "gaps": {"people": gap_people,
                 "by_competence": [{**_competence(c), "people": n} for c, n in gaps[:LISTED]]},
        "expiring": {"in_period": in_period, "soon": sum(r["n"] for r in soon), "days": EXPIRY_DAYS,
                     "by_competence": [{**_competence(competences[r["competence_id"]]), "count": r["n"],
                                        "first": r["first"].isoformat()}
                                       for r in soon[:LISTED] if r["competence_id"] in competences]},
    }

