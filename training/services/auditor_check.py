"""The audits area's auditor check, extended by the training area (``audits.services.plan.
register_auditor_check``, registered from ``training.parts.competence.ready``): on an internal
audit, when a competence requirement of the internal auditor role applies in an audited unit or in
the auditor's own unit (set on it or on a unit above it), the auditor must hold a valid
qualification for that competence on the audit's dates — obtained by its first day, not withdrawn,
valid until its last day at least. Without such a requirement nothing is checked. Two queries."""

from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qms_portal.permissions import ancestor_paths

from ..models import CompetenceRequirement, Qualification

AUDITOR_ROLE = "internal_auditor"
INTERNAL = "internal"


def _day(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def auditor_requirements(user, scope_units):
    """The active requirements of the internal auditor role applying in ``scope_units`` or in the
    unit of ``user``."""
    paths = set()
    for unit in [*scope_units, getattr(user, "primary_unit", None)]:
        if unit is not None:
            paths.update(ancestor_paths(unit.path))
    if not paths:
        return []
    return list(CompetenceRequirement.objects.filter(role__code=AUDITOR_ROLE, is_active=True, unit__path__in=paths,
                                                     competence__is_active=True).select_related("competence")
                .order_by("competence__code"))


def auditor_qualification_problems(user, audit, scope_units):
    """The messages that stop ``user`` auditing ``audit`` for want of a valid qualification (a
    list; empty when nothing stands in the way)."""
    if getattr(audit, "kind", None) != INTERNAL:
        return []
    requirements = auditor_requirements(user, scope_units)
    if not requirements:
        return []
    today = timezone.localdate()
    first, last = audit.starts_on or today, audit.ends_on or audit.starts_on or today
    competences = {r.competence_id: r.competence for r in requirements}
    rows = (Qualification.objects.filter(user_id=user.pk, competence_id__in=competences, is_withdrawn=False)
            .order_by("competence_id", F("valid_until").desc(nulls_first=True))
            .only("pk", "competence_id", "obtained_on", "valid_until", "is_withdrawn"))
    held, latest = set(), {}
    for q in rows:
        latest.setdefault(q.competence_id, q)
        if q.obtained_on <= first and (q.valid_until is None or q.valid_until >= last):
            held.add(q.competence_id)
    name = user.full_name or user.username
    problems = []
    for pk, competence in competences.items():
        if pk in held:
            continue
        q = latest.get(pk)
        params = {"name": name, "competence": competence.name}
        if q is not None and q.valid_until is not None and q.valid_until < first:
            problems.append(_("%(name)s holds no valid internal auditor qualification (%(competence)s expired on "
                              "%(date)s).") % {**params, "date": _day(q.valid_until)})
        elif q is not None and q.valid_until is not None and q.valid_until < last:
            problems.append(_("%(name)s holds no valid internal auditor qualification for the whole audit "
                              "(%(competence)s is valid until %(date)s).") % {**params, "date": _day(q.valid_until)})
        elif q is not None and q.obtained_on > first:
            problems.append(_("%(name)s holds no valid internal auditor qualification yet (%(competence)s obtained "
                              "on %(date)s).") % {**params, "date": _day(q.obtained_on)})
        else:
            problems.append(_("%(name)s holds no valid internal auditor qualification (%(competence)s).") % params)
    return problems

