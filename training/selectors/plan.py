"""Reads of the plan part: the plans list (with each plan's done vs planned), a plan's items with
their sessions and people trained, and the needs found in the data when drafting a plan
(``suggestions``): people lacking a required competence, qualifications expiring in the plan's year,
revisions that need training, people new to the unit. Each in a number of queries that does not
grow with the rows.

"Done": an item is done when a session held or closed is linked to it; its people trained are the
participants marked present at those sessions (each person once)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext

from qms_portal.links import pk_url
from qms_portal.models import RoleAssignment, User

from ..models import (
    Competence,
    Course,
    Participant,
    PlanItem,
    Qualification,
    Session,
    TrainingPlan,
)
from ..services.plan import DONE_SESSION_STATUSES
from . import gaps

PRESENT = Participant.Attendance.PRESENT
NEW_STAFF_DAYS = 365
SUGGESTED_REVISIONS = 20


def done_sessions_q(prefix=""):
    return Q(**{f"{prefix}status__in": DONE_SESSION_STATUSES})


def item_done_q():
    """An item with a held or closed session linked."""
    return Q(Exists(Session.objects.filter(plan_items=OuterRef("pk")).filter(done_sessions_q())))


def with_progress(plans):
    """Each plan annotated with ``items_total``, ``items_done``, ``people_planned`` and
    ``people_trained`` (subqueries: the same number of queries whatever the number of plans)."""
    items = PlanItem.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    trained = (Participant.objects.filter(attendance=PRESENT, session__status__in=DONE_SESSION_STATUSES,
                                          session__plan_items__plan=OuterRef("pk"))
               .order_by().values("session__plan_items__plan"))
    return plans.annotate(
        items_total=Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0),
        items_done=Coalesce(Subquery(items.filter(item_done_q()).annotate(n=Count("pk")).values("n")[:1],
                                     output_field=IntegerField()), 0),
        people_planned=Coalesce(Subquery(items.annotate(n=Sum("participants")).values("n")[:1],
                                         output_field=IntegerField()), 0),
        people_trained=Coalesce(Subquery(trained.annotate(n=Count("user", distinct=True)).values("n")[:1],
                                         output_field=IntegerField()), 0),
    )


def percent(done, total):
    return round(100 * done / total) if total else None


def plan_list_queryset(user):
    return with_progress(TrainingPlan.objects.restrict(user, "view").select_related("unit"))


def session_url(pk):
    """The session's page, when the sessions part is there (an address, or "")."""
    try:
        return pk_url("training:session_detail", pk)
    except NoReverseMatch:
        return ""


@dataclass
class SessionRow:
    pk: int
    number: str
    title: str
    starts_at: object
    status: str
    status_label: str
    url: str
    present: int = 0
    invited: int = 0

    @property
    def done(self):
        return self.status in DONE_SESSION_STATUSES


def items_of(plan):
    """The plan's items, each with ``session_rows`` (its linked sessions, each with its invited and
    present counts), ``done`` and ``people_trained``. Three queries whatever the number of items."""
    items = list(plan.items.select_related("course").order_by("month", "id"))
    links = list(PlanItem.sessions.through.objects.filter(planitem__plan=plan)
                 .values_list("planitem_id", "session_id"))
    session_ids = {s for _i, s in links}
    labels = dict(Session.Status.choices)
    sessions = {}
    if session_ids:
        for pk, number, title, starts_at, status, invited, present in (
                Session.objects.filter(pk__in=session_ids)
                .annotate(invited=Count("participants", filter=~Q(participants__via=Participant.Via.WALK_IN)),
                          present=Count("participants", filter=Q(participants__attendance=PRESENT)))
                .values_list("pk", "number", "course__title", "starts_at", "status", "invited", "present")):
            sessions[pk] = SessionRow(pk, number, title, starts_at, status, labels.get(status, status),
                                      session_url(pk), present, invited)
    trained = dict(Participant.objects.filter(attendance=PRESENT, session__status__in=DONE_SESSION_STATUSES,
                                              session__plan_items__plan=plan)
                   .order_by().values_list("session__plan_items").annotate(n=Count("user", distinct=True)))
    for item in items:
        item.session_rows = sorted((sessions[s] for i, s in links if i == item.pk and s in sessions),
                                   key=lambda row: row.starts_at)
        item.done = any(row.done for row in item.session_rows)
        item.people_trained = trained.get(item.pk, 0)
    return items


def summary(items):
    """Done vs planned over the items (as ``items_of`` returns them)."""
    total, done = len(items), sum(1 for i in items if i.done)
    planned, trained = sum(i.participants for i in items), sum(i.people_trained for i in items)
    return {"items_total": total, "items_done": done, "items_percent": percent(done, total),
            "people_planned": planned, "people_trained": trained, "people_percent": percent(trained, planned)}


def plan_items_for_session(session, user):
    """The plan items (of plans the user may see) that ``session`` is linked to."""
    return list(PlanItem.objects.restrict(user, "view").filter(sessions=session)
                .select_related("plan__unit", "course").order_by("plan__year", "pk"))


# --- needs found in the data ---------------------------------------------------------------------------


def valid_qualification(user_ref, competence_ref, day):
    """Qualifications of ``user_ref`` for ``competence_ref`` valid on ``day`` (references or values)."""
    return (Qualification.objects.filter(user_id=user_ref, competence_id=competence_ref, is_withdrawn=False,
                                         obtained_on__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


def people_with_gap(day=None, users=None):
    """Active people (of ``users``, a queryset) who lack on ``day`` a competence their roles require:
    the area's one query (``selectors/gaps.py``), as a subquery — still a queryset."""
    day = day or timezone.localdate()
    users = (users if users is not None else User.objects.all()).filter(is_active=True)
    return gaps.with_gap(users, day)


def gaps_in(unit, day=None):
    """``(people, [(competence, people)])``: how many of the people holding a current role in
    ``unit``'s subtree lack on ``day`` a competence their roles require, and for each competence
    required of them how many lack it, most first. The area's one rule of who must hold what
    (``selectors/gaps.py``), in two queries: the gaps, then their competences. (They were counted
    with a correlated subquery per competence matching each role assignment's unit path against
    every unit's: 0.8 s for a province.)"""
    day = day or timezone.localdate()
    holders = RoleAssignment.objects.filter(user=OuterRef("pk"), ended_at__isnull=True, unit__is_active=True,
                                            unit__path__startswith=unit.path)
    found = gaps.lacking(User.objects.filter(is_active=True).filter(Exists(holders)), day)
    counts = Counter(competence_id for _user_id, competence_id in found)
    competences = Competence.objects.in_bulk(list(counts))
    by_competence = sorted(((competences[c], n) for c, n in counts.items() if c in competences),
                           key=lambda pair: (-pair[1], pair[0].code))
    return len({user_id for user_id, _competence_id in found}), by_competence


def gaps_by_competence(unit, day=None):
    """``[(competence, people)]`` of ``gaps_in``."""
    return gaps_in(unit, day)[1]


def expiring_in(unit, start, end):
    """Qualifications of active people of ``unit``'s subtree that expire between ``start`` and
    ``end``, not renewed (no other valid one for the same competence beyond ``end``)."""
    renewed = (Qualification.objects.filter(user_id=OuterRef("user_id"), competence_id=OuterRef("competence_id"),
                                            is_withdrawn=False)
               .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=end)))
    return (Qualification.objects.filter(user__primary_unit__path__startswith=unit.path, user__is_active=True,
                                         is_withdrawn=False, valid_until__gte=start, valid_until__lte=end)
            .filter(~Exists(renewed)))


def new_people(unit, today=None):
    """Active people who joined ``unit``'s subtree in the last 12 months: their account was created
    then, or a role there was given to them then."""
    today = today or timezone.localdate()
    since = timezone.make_aware(timezone.datetime.combine(today - timedelta(days=NEW_STAFF_DAYS),
                                                          timezone.datetime.min.time()))
    roles = RoleAssignment.objects.filter(unit__path__startswith=unit.path, created_at__gte=since,
                                          ended_at__isnull=True)
    return (User.objects.filter(is_active=True)
            .filter(Q(primary_unit__path__startswith=unit.path, date_joined__gte=since)
                    | Q(pk__in=roles.values("user_id"))).exclude(username="system"))


@dataclass
class Suggestion:
    key: str
    need: str
    title: str
    course: object
    month: int | None
    participants: int
    detail: str
    planned: bool = False

    @property
    def need_label(self):
        return PlanItem.Need(self.need).label


def _next_month(plan, today):
    if plan.year == today.year:
        return min(today.month + 1, 12)
    return 1 if plan.year > today.year else None


def _courses_giving(competence_ids):
    """The first active course (by code) giving each competence: one query."""
    found = {}
    for course_id, competence_id in (Course.competences.through.objects
                                     .filter(competence_id__in=competence_ids, course__is_active=True)
                                     .order_by("course__code").values_list("course_id", "competence_id")):
        found.setdefault(competence_id, course_id)
    courses = Course.objects.in_bulk(set(found.values()))
    return {c: courses[pk] for c, pk in found.items()}


def suggestions(plan, today=None):
    """The needs the data shows for ``plan`` (its unit's subtree, its year), each a ready item:
    ``gap:<competence>`` (people lacking a required competence now), ``refresher:<competence>``
    (qualifications expiring in the plan's year and not renewed), ``revision:<revision>``
    (revisions of the unit's documents marked "needs training"), ``new_staff`` (people who joined
    in the last 12 months). ``planned`` says an item of the plan already answers it. A fixed number
    of queries."""
    from documents.models import Acknowledgement, Revision

    today = today or timezone.localdate()
    unit, month = plan.unit, _next_month(plan, today)
    found = []
    gaps = gaps_by_competence(unit, today)
    year_start, year_end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    expiring = list(expiring_in(unit, max(year_start, today), year_end).values("competence_id")
                    .annotate(n=Count("user", distinct=True), first=Min("valid_until")).order_by())
    competence_ids = {c.pk for c, _n in gaps} | {r["competence_id"] for r in expiring}
    courses = _courses_giving(competence_ids)
    competences = Competence.objects.in_bulk(competence_ids)
    for competence, n in gaps:
        course = courses.get(competence.pk)
        found.append(Suggestion(f"gap:{competence.pk}", PlanItem.Need.GAP, "" if course else competence.name, course,
                                month, n, competence.name))
    for row in expiring:
        competence = competences.get(row["competence_id"])
        if competence is None:
            continue
        course = courses.get(competence.pk)
        planned_month = max(row["first"].month - 1, 1)
        if plan.year == today.year:
            planned_month = max(planned_month, month)
        found.append(Suggestion(f"refresher:{competence.pk}", PlanItem.Need.REFRESHER,
                                "" if course else competence.name, course, planned_month, row["n"],
                                competence.name))
    acknowledgements = (Acknowledgement.objects.filter(revision=OuterRef("pk")).order_by().values("revision")
                        .annotate(n=Count("pk")).values("n")[:1])
    revisions = (Revision.objects.filter(needs_training=True, document__unit__path__startswith=unit.path,
                                         document__is_withdrawn=False,
                                         status__in=(Revision.Status.APPROVED, Revision.Status.EFFECTIVE))
                 .annotate(people=Coalesce(Subquery(acknowledgements, output_field=IntegerField()), 0))
                 .select_related("document").defer(*Revision.BULKY, "document__search_key")
                 .order_by("-effective_date", "-pk")[:SUGGESTED_REVISIONS])
    revisions = list(revisions)
    revision_courses = {}
    for course in Course.objects.filter(revision__in=revisions, is_active=True).order_by("code"):
        revision_courses.setdefault(course.revision_id, course)
    for revision in revisions:
        label = f"{revision.document.code} rev. {revision.label} {revision.document.title}"
        course = revision_courses.get(revision.pk)
        found.append(Suggestion(f"revision:{revision.pk}", PlanItem.Need.REVISION, "" if course else label[:300],
                                course, month, revision.people, label))
    newcomers = new_people(unit, today).count()
    if newcomers:
        course = (Course.objects.filter(topic=Course.Topic.AWARENESS, is_active=True).order_by("code").first())
        found.append(Suggestion("new_staff", PlanItem.Need.NEW_STAFF,
                                "" if course else gettext("Induction training for new staff"), course, month,
                                newcomers, ""))
    existing = set(plan.items.values_list("need", "course_id", "title"))
    for s in found:
        s.planned = any(need == s.need and ((s.course is not None and course_id == s.course.pk)
                                            or (s.course is None and title == s.title))
                        for need, course_id, title in existing)
    return found


def suggestion(plan, key, today=None):
    """The suggestion ``key`` as the data shows it now (None when it no longer applies)."""
    return next((s for s in suggestions(plan, today) if s.key == key), None)


def pdf_context(plan, user):
    """What the plan's PDF prints: the plan, its items with their sessions, done vs planned, the
    approval's signature; Chinese text in its own face."""
    from qms_portal.pdf import han_variant
    from qms_portal.workflow import transitions_of

    from ..forms.plan import MONTHS

    months = dict(MONTHS)
    items = items_of(plan)
    for item in items:
        item.month_label = months.get(item.month, "—")
    signed = [t for t in transitions_of(plan).order_by("at") if t.signature_meaning]
    texts = [plan.unit.name, plan.budget, plan.note, *(i.title or (i.course.title if i.course else "") for i in items),
             *(i.note for i in items)]
    return {"plan": plan, "items": items, "summary": summary(items), "signatures": signed,
            "han": han_variant(*texts), "printed_by": user, "printed_at": timezone.now()}


def xlsx_rows(plan):
    """``(headers, rows, preamble)`` of the plan as an XLSX file: the plan (unit, year, status,
    budget line, items done, people trained) above one row per item. Three queries (``items_of``)."""
    from ..forms.plan import MONTHS

    months = dict(MONTHS)
    items = items_of(plan)
    totals = summary(items)
    preamble = [[gettext("Training plan"), plan.unit.code, plan.unit.name],
                [gettext("Year"), plan.year], [gettext("Status"), plan.get_status_display()],
                [gettext("Budget line"), plan.budget],
                [gettext("Items done"), totals["items_done"], totals["items_total"]],
                [gettext("People trained"), totals["people_trained"], totals["people_planned"]]]
    headers = [gettext("Month"), gettext("Need"), gettext("Course"), gettext("Title"), gettext("People planned"),
               gettext("Sessions held"), gettext("Done"), gettext("People trained"), gettext("Note")]
    rows = [[str(months.get(item.month, "")), item.get_need_display(), item.course.title if item.course else "",
             item.title, item.participants,
             "; ".join(f"{s.number or s.title} {timezone.localtime(s.starts_at):%Y-%m-%d} {s.status_label}"
                       for s in item.session_rows),
             gettext("Yes") if item.done else gettext("No"), item.people_trained, item.note]
            for item in items]
    return headers, rows, preamble
