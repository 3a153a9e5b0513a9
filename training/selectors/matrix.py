"""The training matrix: who must hold which competence, who holds it, who lacks it, what expires soon;
and the training a revision marked "needs training" asks of the people it was distributed to.

**Who must hold what.** A ``CompetenceRequirement(role, competence, unit)`` concerns whoever holds
``role`` through a *current* role assignment that reaches into the requirement's unit (on it or
below it, or above it with its sub-units), as the area's one query says (``selectors/gaps.py``,
shared with a person's gaps and the plan's needs). A person's required competences are those of
every such requirement, wherever the role is held; a person is listed once, in their primary unit
(as their qualifications are scoped).

**A cell** (person × competence): ``not_required``; else the best of their qualifications for the
competence that are not withdrawn and already obtained (the one valid longest; none: ``missing``):
``expired`` before today, ``expiring`` within ``EXPIRING_DAYS`` (with its date), else ``valid``.
A gap is a missing or expired required competence.

**Training on a revision.** A revision with ``needs_training`` that is effective asks each person it
was distributed to (its ``Acknowledgement`` rows) to attend a session of a course on that revision
(``Course.revision``): the requirement is met by a PRESENT attendance at a session (not cancelled)
of such a course, and by nothing else. Derived here, never copied into rows. An unmet one is a gap.

Everything reads a constant number of queries whatever the number of people: the page's people,
then their required competences with their best qualification (one query) and their revision
trainings for all of them at once; the summaries per sub-unit are one GROUP BY query over the whole
scope. The per-unit figures are written in SQL over the area's one query, with the table names from
the models' metadata."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone

from documents.models import Acknowledgement, Revision
from qms_portal.models import Unit, User
from qms_portal.permissions import covers_all, restrict, role_grants, unit_scope_q

from ..models import Competence, Course, Participant, Qualification, Session
from . import gaps
from .gaps import FOREVER

PERMISSION = "training.view_qualification"
EXPIRING_DAYS = 90
PER_PAGE = 30
ORDERING = ("primary_unit__path", "full_name", "pk")

VALID, EXPIRING, EXPIRED, MISSING, NOT_REQUIRED = "valid", "expiring", "expired", "missing", "not_required"
GAP_STATES = (EXPIRED, MISSING)


@dataclass
class Cell:
    state: str
    until: date | None = None

    @property
    def is_gap(self):
        return self.state in GAP_STATES


@dataclass
class RevisionTraining:
    """One revision a person must be trained on (``trained``: a present attendance fulfils it)."""

    revision_id: int
    document_id: int
    code: str
    title: str
    number: int
    trained: bool

    @property
    def label(self):
        return f"{self.code} rev. {self.number:02d}"


@dataclass
class PersonRow:
    user: object
    cells: list
    revisions: list = field(default_factory=list)

    @property
    def gaps(self):
        return sum(1 for c in self.cells if c.is_gap) + sum(1 for r in self.revisions if not r.trained)

    @property
    def expiring(self):
        return sum(1 for c in self.cells if c.state == EXPIRING)

    @property
    def missing_revisions(self):
        return [r for r in self.revisions if not r.trained]


# --- scope -----------------------------------------------------------------------------------------


def reads_matrix(user):
    """Whether ``user`` reads the training records of a unit through a role (training.view_qualification
    held through one, not only on their own qualifications): the menu then offers the matrix. No
    query: the reader's role grants are read once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(role_grants(user).get(PERMISSION))


def matrix_units(user):
    """The active units whose matrix ``user`` may read (training.view_qualification over the unit)."""
    return Unit.objects.filter(is_active=True).restrict(user, PERMISSION)


def default_unit(user):
    """The unit a reader's matrix opens on: their primary unit when they may read it, else the
    highest unit they may read."""
    units = matrix_units(user)
    if user.primary_unit_id and units.filter(pk=user.primary_unit_id).exists():
        return Unit.objects.get(pk=user.primary_unit_id)
    return units.order_by("depth", "path").first()


def people(user, unit, subunits=True):
    """The active people whose primary unit is ``unit`` (or below it, with ``subunits``), among those
    whose qualifications ``user`` may read through a role (the scope of the permission on the
    people's units: a role held without sub-units on ``unit`` shows its own people only)."""
    qs = User.objects.filter(is_active=True)
    qs = qs.filter(primary_unit__path__startswith=unit.path) if subunits else qs.filter(primary_unit=unit)
    if user.is_superuser or covers_all(user, PERMISSION):
        return qs
    return qs.filter(unit_scope_q(user, PERMISSION, "primary_unit"))


# --- "who must hold what" (the training area's one query: ``selectors/gaps.py``) ----------------------


def _tables():
    return {
        "user": User._meta.db_table, "unit": Unit._meta.db_table, "ack": Acknowledgement._meta.db_table,
        "rev": Revision._meta.db_table, "part": Participant._meta.db_table, "session": Session._meta.db_table,
        "course": Course._meta.db_table,
    }


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def required_pairs(people_qs):
    """``{(user_id, competence_id)}`` required of the people of ``people_qs``."""
    return set(gaps.required_validity(people_qs))


def required_competences(people_qs):
    """The competences required of anyone of ``people_qs``: the matrix's columns (the same on every
    page of one unit), in code order."""
    return list(Competence.objects.filter(pk__in=gaps.required_competence_ids(people_qs)).order_by("code"))


# --- cells -----------------------------------------------------------------------------------------


def cell_state(until, today, required=True):
    """The state of one cell from the validity of the best qualification (``None``: none held;
    ``FOREVER``: does not expire)."""
    if not required:
        return Cell(NOT_REQUIRED)
    if until is None:
        return Cell(MISSING)
    if until < today:
        return Cell(EXPIRED, until)
    if until <= today + timedelta(days=EXPIRING_DAYS):
        return Cell(EXPIRING, until)
    return Cell(VALID, None if until == FOREVER else until)


def trained_exists(user_ref="user_id", revision_ref="revision_id"):
    """A present attendance, at a session not cancelled, of a course on the revision."""
    return Exists(Participant.objects.filter(
        user_id=OuterRef(user_ref), attendance=Participant.Attendance.PRESENT,
        session__course__revision_id=OuterRef(revision_ref),
    ).exclude(session__status=Session.Status.CANCELLED))


def revision_requirements():
    """The acknowledgements that carry a training requirement: of an effective revision marked
    "needs training", annotated with ``trained``."""
    return (Acknowledgement.objects.filter(revision__needs_training=True, revision__status=Revision.Status.EFFECTIVE)
            .annotate(trained=trained_exists()))


def revision_trainings_asked(user):
    """The steering committee's figure (``training.revision_coverage``, its denominator): the
    training the effective revisions marked "needs training" ask of their readers, for the documents
    ``user`` may see, counted on the document's unit."""
    from documents.models import Document

    return revision_requirements().filter(revision__document__in=Document.objects.restrict(user, "view").values("pk"))


REVISION_TRAINING_ORDER = ("-created_at", "-pk")  # newest asked first, the acknowledgements' own index


def revision_training_register(user):
    """The register of training on revisions (``views/revision_trainings.py``): the rows of the
    steering committee's figure (``revision_trainings_asked``: the training the effective revisions
    marked "needs training" ask of the people they were distributed to, on the documents the reader
    may see), of documents whose unit the reader reads the training records of (the one mechanism,
    ``restrict`` with ``training.view_qualification`` on the acknowledgement's unit, the document's:
    who was trained is a training record, not something every reader of the document sees). Each
    row says ``trained`` and, with ``with_attended_session``, the session attended."""
    return restrict(revision_trainings_asked(user), user, PERMISSION)


def with_attended_session(rows):
    """``rows`` (acknowledgements) annotated with the session whose present attendance met their
    training first: ``trained_session_id``, ``trained_on`` (its start), for a page's rows."""
    from django.db.models import Subquery

    attended = (Participant.objects.filter(
        user_id=OuterRef("user_id"), attendance=Participant.Attendance.PRESENT,
        session__course__revision_id=OuterRef("revision_id"))
        .exclude(session__status=Session.Status.CANCELLED).order_by("session__starts_at", "session_id"))
    return rows.annotate(trained_session_id=Subquery(attended.values("session_id")[:1]),
                         trained_on=Subquery(attended.values("session__starts_at")[:1]))


def revision_trainings(user_ids):
    """``{user_id: [RevisionTraining]}`` for these people."""
    rows = (revision_requirements().filter(user_id__in=user_ids).order_by("revision__document__code")
            .values_list("user_id", "revision_id", "revision__document_id", "revision__document__code",
                         "revision__document__title", "revision__number", "trained"))
    found = {}
    for user_id, revision_id, document_id, code, title, number, trained in rows:
        found.setdefault(user_id, []).append(RevisionTraining(revision_id, document_id, code, title, number,
                                                              bool(trained)))
    return found


def person_rows(users, columns, today=None):
    """One ``PersonRow`` per user (in the given order): a cell per column, their revision trainings.
    Two queries, whatever the number of users: the required pairs with their best validity (the
    area's one query, ``gaps.required_validity``) and the revision trainings."""
    today = today or timezone.localdate()
    ids = [u.pk for u in users]
    if not ids:
        return []
    best = gaps.required_validity(ids, today) if columns else {}
    revisions = revision_trainings(ids)
    rows = []
    for person in users:
        cells = [cell_state(best.get((person.pk, c.pk)), today, (person.pk, c.pk) in best) for c in columns]
        rows.append(PersonRow(person, cells, revisions.get(person.pk, [])))
    return rows


def gaps_of(user, today=None):
    """A person's gaps, for their own record or their head: ``(competences, revisions)`` where
    ``competences`` is ``[(Competence, Cell)]`` of the required ones missing or expired (expiring
    ones too, flagged by their state), and ``revisions`` the ``RevisionTraining`` not yet met."""
    today = today or timezone.localdate()
    people_qs = User.objects.filter(pk=user.pk)
    columns = required_competences(people_qs)
    row = person_rows([user], columns, today)[0]
    competences = [(c, cell) for c, cell in zip(columns, row.cells, strict=True) if cell.state != VALID]
    return competences, row.missing_revisions


# --- summaries ---------------------------------------------------------------------------------------


@dataclass
class UnitSummary:
    unit: object
    people: int = 0
    with_gaps: int = 0
    gaps: int = 0
    expiring: int = 0
    own: bool = False  # the chosen unit's own people (not a sub-unit)


def _per_unit_sql(people_sql, validity_sql):
    """Per primary unit of the people of ``people_sql``: people, people with a gap, gaps,
    qualifications expiring soon (competences, from the area's one query ``validity_sql``, and
    revision trainings together)."""
    t = _tables()
    return (
        "SELECT pu.path, COUNT(p.id), SUM(CASE WHEN pp.gaps > 0 THEN 1 ELSE 0 END), SUM(pp.gaps), SUM(pp.expiring)"  # noqa: S608
        f" FROM {t['user']} p INNER JOIN {t['unit']} pu ON pu.id = p.primary_unit_id LEFT JOIN ("
        " SELECT x.user_id AS user_id, SUM(x.gap) AS gaps, SUM(x.soon) AS expiring FROM ("
        "  SELECT v.user_id AS user_id,"
        "   CASE WHEN v.until IS NULL OR v.until < %s THEN 1 ELSE 0 END AS gap,"
        "   CASE WHEN v.until >= %s AND v.until <= %s THEN 1 ELSE 0 END AS soon"
        f"  FROM ({validity_sql}) v"
        "  UNION ALL"
        "  SELECT a.user_id, 1, 0"
        f"  FROM {t['ack']} a INNER JOIN {t['rev']} rv ON rv.id = a.revision_id"
        "  WHERE rv.needs_training AND rv.status = %s"
        f"  AND a.user_id IN ({people_sql})"
        f"  AND NOT EXISTS (SELECT 1 FROM {t['part']} pa INNER JOIN {t['session']} s ON s.id = pa.session_id"
        f"   INNER JOIN {t['course']} c ON c.id = s.course_id"
        "   WHERE pa.user_id = a.user_id AND pa.attendance = %s AND c.revision_id = a.revision_id"
        "   AND s.status <> %s)"
        " ) x GROUP BY x.user_id"
        f") pp ON pp.user_id = p.id WHERE p.id IN ({people_sql})"
        " GROUP BY pu.path"
    )


def ancestors_and_children(user, unit):
    """``(ancestors, children)`` of ``unit``: the units above it whose matrix the reader may open
    (highest first), and its active sub-units (by code), in one query."""
    above = unit.ancestors().restrict(user, PERMISSION).values("pk")
    rows = list(Unit.objects.filter(Q(parent=unit, is_active=True) | Q(pk__in=above)).order_by("code"))
    ancestors = sorted((u for u in rows if u.parent_id != unit.pk), key=lambda u: u.depth)
    children = [u for u in rows if u.parent_id == unit.pk]  # (in the database's order of codes)
    return ancestors, children


def unit_summaries(user, unit, today=None, children=None):
    """The chosen unit's own people, then each of its active sub-units (``children``, read here
    when not given: ``ancestors_and_children``) with everything below it: people, people with a
    gap, gaps, and qualifications expiring within ``EXPIRING_DAYS``. One or two queries whatever
    the size of the subtree (the sub-units, the figures per unit)."""
    today = today or timezone.localdate()
    scope = people(user, unit, subunits=True)
    if children is None:
        children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("code"))
    nodes = [UnitSummary(unit, own=True)] + [UnitSummary(child) for child in children]

    def node_of(path):
        for node in nodes[1:]:
            if path.startswith(node.unit.path):
                return node
        return nodes[0] if path == unit.path else None

    sql, params = gaps.people_sql(scope)
    validity_sql, validity_params = gaps.validity(scope, today)
    soon = today + timedelta(days=EXPIRING_DAYS)
    all_params = [today, today, soon, *validity_params, Revision.Status.EFFECTIVE,
                  *params, Participant.Attendance.PRESENT, Session.Status.CANCELLED, *params]
    for path, count, with_gaps, gaps_n, expiring in _fetch(_per_unit_sql(sql, validity_sql), all_params):
        node = node_of(path)
        if node is not None:
            node.people += int(count or 0)
            node.with_gaps += int(with_gaps or 0)
            node.gaps += int(gaps_n or 0)
            node.expiring += int(expiring or 0)
    return nodes


def expiring_soon(user, unit, subunits=True, today=None, limit=20):
    """``(qualifications, total)``: the qualifications of the people in scope that expire within
    ``EXPIRING_DAYS`` and that no later one renews, soonest first (at most ``limit``)."""
    today = today or timezone.localdate()
    renewed = Qualification.objects.filter(
        user_id=OuterRef("user_id"), competence_id=OuterRef("competence_id"), is_withdrawn=False,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    qs = (Qualification.objects.filter(user__in=people(user, unit, subunits).values("pk"), is_withdrawn=False,
                                       valid_until__gte=today,
                                       valid_until__lte=today + timedelta(days=EXPIRING_DAYS))
          .filter(~Exists(renewed)))
    # The total beside the first rows, in the same query (a window over the whole selection).
    rows = list(qs.select_related("user", "user__primary_unit", "competence")
                .annotate(total=Window(Count("pk"))).order_by("valid_until", "pk")[:limit])
    return rows, (rows[0].total if rows else 0)


# --- training coverage of a revision -------------------------------------------------------------------


def revision_coverage(revision):
    """Per unit (the person's unit when the revision was distributed, as the acknowledgement
    coverage): ``{"unit__code", "unit__name", "total", "done"}`` — people required, people trained
    (a present attendance at a session on the revision). One query."""
    return list(
        Acknowledgement.objects.filter(revision=revision).annotate(trained=trained_exists())
        .values("unit__code", "unit__name")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(trained=True)))
        .order_by("unit__code")
    )


def training_courses(revision):
    """The courses on ``revision`` (what fulfils its training requirement)."""
    return list(Course.objects.filter(revision=revision).order_by("code"))
