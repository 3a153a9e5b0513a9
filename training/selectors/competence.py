"""Reads of the competence part that several pages (and the matrix part) share: which competence
requirements apply to a person or in a unit, the state of a qualification (valid, expiring, expired,
withdrawn), the qualifications that count on a day, and a person's gaps.

A requirement ``(role, competence, unit U)`` applies to whoever holds ``role`` through a current
role assignment on an active unit A where the role reaches into U's subtree, as the core's scopes
read an assignment: A is U or below it, or — when the assignment includes the sub-units — A is
above U (the role held over U then). Computed in a fixed number of queries whatever the number of
people: the active requirements (one query) and the people's current assignments (one query),
matched by path in memory."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.models import RoleAssignment
from qms_portal.permissions import ancestor_paths

from ..models import CompetenceRequirement, Qualification

EXPIRING_DAYS = 90  # "expiring": valid, and until a day within this many days


class State:
    VALID, EXPIRING, EXPIRED, WITHDRAWN = "valid", "expiring", "expired", "withdrawn"
    CHOICES = ((VALID, _("Valid")), (EXPIRING, _("Expiring within 90 days")), (EXPIRED, _("Expired")),
               (WITHDRAWN, _("Withdrawn")))
    LABELS = dict(CHOICES)


# --- which requirements apply ----------------------------------------------------------------------

def _requirement_rows(role_ids=None, paths=None):
    rows = (CompetenceRequirement.objects.filter(is_active=True, unit__is_active=True, competence__is_active=True)
            .select_related("role", "competence", "unit").order_by("unit__path", "role__name", "competence__code"))
    if role_ids is not None:
        rows = rows.filter(role_id__in=role_ids)
    if paths is not None:
        rows = rows.filter(unit__path__in=paths) if paths else rows.none()
    return rows


def covers(requirement_path, assignment_path, include_subunits):
    """Whether a requirement set at ``requirement_path`` applies to a role held at
    ``assignment_path`` (with its sub-units or not)."""
    return assignment_path.startswith(requirement_path) or (include_subunits
                                                            and requirement_path.startswith(assignment_path))


def current_assignments(people):
    """``{user pk: [(role pk, unit path, include_subunits)]}``: the people's current role
    assignments on active units (one query)."""
    ids = [getattr(p, "pk", p) for p in people]
    found = defaultdict(list)
    rows = (RoleAssignment.objects.current().filter(user_id__in=ids, unit__is_active=True)
            .values_list("user_id", "role_id", "unit__path", "include_subunits"))
    for user_id, role_id, path, subunits in rows:
        found[user_id].append((role_id, path, subunits))
    return found


def requirements_by_person(people, *, requirements=None):
    """``{user pk: [CompetenceRequirement]}`` for ``people`` (users or their pks): the active
    requirements that apply to each, through their current role assignments (see the module's
    text). Two queries whatever the number of people (one when ``requirements`` is given)."""
    assignments = current_assignments(people)
    if requirements is None:
        roles = {role for held in assignments.values() for role, _p, _s in held}
        requirements = list(_requirement_rows(role_ids=roles)) if roles else []
    by_role = defaultdict(list)
    for requirement in requirements:
        by_role[requirement.role_id].append(requirement)
    answer = {}
    for person in people:
        pk = getattr(person, "pk", person)
        applying = {}
        for role, path, subunits in assignments.get(pk, ()):
            for requirement in by_role.get(role, ()):
                if requirement.pk not in applying and covers(requirement.unit.path, path, subunits):
                    applying[requirement.pk] = requirement
        answer[pk] = sorted(applying.values(), key=lambda r: (r.unit.path, r.role.name, r.competence.code))
    return answer


def requirements_for(user):
    """The active requirements that apply to ``user`` (a list; two queries)."""
    return requirements_by_person([user])[user.pk]


def requirements_in_unit(unit, *, below=False):
    """The active requirements that apply in ``unit``: those set on it or on a unit above it (a
    queryset, one query); ``below``: also those set on units below it (they apply to part of it)."""
    rows = _requirement_rows(paths=ancestor_paths(unit.path))
    if below:
        rows = _requirement_rows().filter(Q(unit__path__in=ancestor_paths(unit.path))
                                          | Q(unit__path__startswith=unit.path))
    return rows


def requirement_queryset(user):
    """The requirements list: in the reader's scope, with what a row shows."""
    return (CompetenceRequirement.objects.restrict(user, "view")
            .select_related("role", "competence", "unit").order_by("unit__path", "role__name", "competence__code"))


# --- qualifications ---------------------------------------------------------------------------------

def state_of(qualification, today=None):
    today = today or timezone.localdate()
    if qualification.is_withdrawn:
        return State.WITHDRAWN
    if qualification.valid_until is not None and qualification.valid_until < today:
        return State.EXPIRED
    if qualification.valid_until is not None and qualification.valid_until <= today + timedelta(days=EXPIRING_DAYS):
        return State.EXPIRING
    return State.VALID


def state_q(state, today=None):
    """A filter on qualifications for one of ``State``'s values."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    if state == State.WITHDRAWN:
        return Q(is_withdrawn=True)
    if state == State.EXPIRED:
        return Q(is_withdrawn=False, valid_until__lt=today)
    if state == State.EXPIRING:
        return Q(is_withdrawn=False, valid_until__gte=today, valid_until__lte=soon)
    if state == State.VALID:  # valid today, expiring ones included
        return Q(is_withdrawn=False) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return Q()


def state_annotation(today=None):
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    return Case(When(is_withdrawn=True, then=Value(State.WITHDRAWN)),
                When(valid_until__lt=today, then=Value(State.EXPIRED)),
                When(valid_until__lte=soon, then=Value(State.EXPIRING)), default=Value(State.VALID))


def qualification_queryset(user, today=None):
    """The qualifications list: in the reader's scope (their units' people, and their own), with
    the person, their unit and the competence, and each row's state (``state``)."""
    return (Qualification.objects.restrict(user, "view")
            .select_related("user", "user__primary_unit", "competence")
            .only("pk", "obtained_on", "valid_until", "is_withdrawn", "outside_body", "reference", "participant_id",
                  "user__id", "user__full_name", "user__username", "user__primary_unit__id",
                  "user__primary_unit__name", "user__primary_unit__code", "user__primary_unit__path",
                  "competence__id", "competence__code", "competence__name_en", "competence__name_vi",
                  "competence__name_zh_hans", "competence__name_zh_hant")
            .annotate(state=state_annotation(today)))


def valid_on_q(day, prefix=""):
    """Qualifications that count on ``day``: not withdrawn, obtained by then, not expired."""
    return (Q(**{f"{prefix}is_withdrawn": False, f"{prefix}obtained_on__lte": day})
            & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})))


def held_competences(people, competences, day=None):
    """``{(user pk, competence pk)}`` held validly on ``day`` (one query)."""
    day = day or timezone.localdate()
    ids = [getattr(p, "pk", p) for p in people]
    comps = [getattr(c, "pk", c) for c in competences]
    if not ids or not comps:
        return set()
    return set(Qualification.objects.filter(valid_on_q(day), user_id__in=ids, competence_id__in=comps)
               .values_list("user_id", "competence_id"))


def gaps_for(user, today=None, requirements=None):
    """The requirements applying to ``user`` for which they hold no valid qualification today:
    ``[(requirement, latest qualification or None)]`` (two queries when ``requirements`` is given).
    Which competences they lack is the area's one query (``selectors/gaps.py``)."""
    from .gaps import lacking

    today = today or timezone.localdate()
    requirements = requirements_for(user) if requirements is None else requirements
    competences = {r.competence_id for r in requirements}
    if not competences:
        return []
    missing = {c for _u, c in lacking([user.pk], today)}
    latest = {}
    for q in (Qualification.objects.filter(user=user, competence_id__in=missing, is_withdrawn=False)
              .order_by("competence_id", F("valid_until").desc(nulls_first=True))):
        latest.setdefault(q.competence_id, q)
    gaps, seen = [], set()
    for requirement in requirements:
        if requirement.competence_id not in missing or requirement.competence_id in seen:
            continue
        seen.add(requirement.competence_id)
        gaps.append((requirement, latest.get(requirement.competence_id)))
    return gaps


def renewed_q(prefix=""):
    """A qualification that a later one of the same person and competence replaces (not withdrawn,
    valid longer or without end) — it is not reminded, nor counted as expiring."""
    later = Qualification.objects.filter(user_id=OuterRef(f"{prefix}user_id"),
                                         competence_id=OuterRef(f"{prefix}competence_id"), is_withdrawn=False,
                                         ).exclude(pk=OuterRef(f"{prefix}pk")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef(f"{prefix}valid_until")))
    return Exists(later)

