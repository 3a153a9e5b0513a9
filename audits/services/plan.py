"""Audit plans (ISO 9001 9.2.2 b–d): creating and editing a plan, the guards on who may audit, the
single-object grants that give the people of an audit their access, and the audit's workflow
planned → notified → in progress → reporting → closed.

Who audits is checked by ONE function, ``auditor_problems(user, audit)``: the built-in rules
(an internal auditor does not audit the work of their own unit; the team of an internal audit holds
the internal auditor role; nobody is in two audits at overlapping dates) and any rule another area
adds with ``register_auditor_check`` (the training area: a valid qualification) — the audits area
imports no other area for it."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal import permissions
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import notify
from qms_portal.numbering import next_number
from qms_portal.people_picker import people_source
from qms_portal.permissions import can, users_who_can
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register, register_meaning

from ..models import Audit, AuditUserObjectPermission, Finding, ProgrammeEntry

S = Audit.Status

NUMBER_KIND = "audits:AUD"
NUMBER_PATTERN = "{unit}-AUD-{year}-{n:02}"
AUDITOR_ROLE = "internal_auditor"
# The report is due this many days after the audit ends, unless the plan says otherwise.
REPORT_DAYS = 14
# Plan fields a person fills in (the rest is the workflow's and the report's).
PLAN_FIELDS = ("kind", "title", "programme_entry", "certification_body", "external_auditors", "criteria_note",
               "starts_on", "ends_on", "lead_auditor", "report_due", "response_due")
PLAN_SETS = ("scope_units", "processes", "clauses", "team", "auditees")
# The states in which the plan may still be changed.
EDITABLE = (S.PLANNED, S.NOTIFIED)

# Single-object grants: who gets what on the audit they are on.
LEAD_PERMS = ("view", "change", "audits.conduct_audit", "audits.sign_audit_report")
TEAM_PERMS = ("view", "audits.conduct_audit")
AUDITEE_PERMS = ("view",)

REPORT_SIGNED = "report_signed"
REPORT_SIGNED_LABEL = gettext_lazy("Report signed")


# --- Who may audit --------------------------------------------------------------------------------

AUDITOR_CHECKS = []


def register_auditor_check(check):
    """Add a rule on who may audit: ``check(user, audit, scope_units)`` returns a message (or a
    list of them) when ``user`` may not be on ``audit``, else None. The training area registers a
    valid qualification this way, from its own ``ready()``."""
    AUDITOR_CHECKS.append(check)
    return check


def _name(user):
    return user.full_name or user.username


def holds_auditor_role(user):
    return RoleAssignment.objects.current().filter(user=user, role__code=AUDITOR_ROLE, unit__is_active=True).exists()


def overlapping_audits(user, audit):
    """The other audits ``user`` leads or is on whose dates overlap ``audit``'s."""
    rows = Audit.objects.filter(Q(lead_auditor=user) | Q(team=user), starts_on__lte=audit.ends_on,
                                ends_on__gte=audit.starts_on).distinct()
    if audit.pk:
        rows = rows.exclude(pk=audit.pk)
    return list(rows.only("pk", "number", "title", "starts_on", "ends_on").order_by("starts_on", "pk"))


def auditor_problems(user, audit, scope_units=None):
    """Why ``user`` may not audit ``audit`` (as lead auditor or in the team): a list of messages,
    empty when nothing stands in the way. ``scope_units``: the units audited (default: the audit's
    own, or its unit while it has none) — a plan being written passes what the form holds."""
    problems = []
    if scope_units is None:
        scope_units = list(audit.scope_units.all()) if audit.pk else []
    scope_units = list(scope_units) or ([audit.unit] if audit.unit_id else [])
    name = _name(user)
    if not user.is_active:
        problems.append(_("%(name)s cannot sign in any more.") % {"name": name})
    if audit.kind == Audit.Kind.INTERNAL:
        if not holds_auditor_role(user):
            problems.append(_("%(name)s does not hold the internal auditor role.") % {"name": name})
        own = user.primary_unit
        if own is not None:
            for unit in scope_units:
                if own.path.startswith(unit.path):
                    problems.append(_("%(name)s works in %(unit)s, which this audit covers: an internal auditor "
                                      "does not audit the work of their own unit.") % {"name": name, "unit": unit.name})
                    break
    if audit.starts_on and audit.ends_on:
        for other in overlapping_audits(user, audit):
            problems.append(_("%(name)s is already on the audit %(number)s from %(start)s to %(end)s.") % {
                "name": name, "number": other.number, "start": other.starts_on.isoformat(),
                "end": other.ends_on.isoformat()})
    for check in AUDITOR_CHECKS:
        found = check(user, audit, scope_units)
        if found:
            problems.extend([found] if isinstance(found, str) else list(found))
    return problems


# --- Creating and editing a plan --------------------------------------------------------------------


def _check_plan(acting_user, audit, sets):
    """Every rule of a plan; raises one ``ValidationError`` naming the fields at fault."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if audit.starts_on and audit.ends_on and audit.ends_on < audit.starts_on:
        add("ends_on", _("The audit cannot end before it starts."))
    if audit.kind not in Audit.Kind.values:
        add("kind", _("Choose the kind of audit."))
    if audit.is_external:
        if not audit.certification_body.strip():
            add("certification_body", _("Name the certification body of an external audit."))
    else:
        if audit.external_auditors.strip() or audit.certification_body.strip():
            add("certification_body", _("Only an external audit has a certification body and external auditors."))
        if audit.response_due:
            add("response_due", _("Only an external audit owes a response to a certification body."))
    if audit.report_due and audit.ends_on and audit.report_due < audit.ends_on:
        add("report_due", _("The report cannot be due before the audit ends."))
    unit = audit.unit
    for scoped in sets["scope_units"]:
        if not scoped.path.startswith(unit.path) or not scoped.is_active:
            add("scope_units", _("%(unit)s is not an active unit of %(parent)s.") % {"unit": scoped.name,
                                                                                  "parent": unit.name})
    for document in sets["processes"]:
        if not can(acting_user, "view", document):
            add("processes", _("Choose procedures you can see."))
            break
    entry = audit.programme_entry
    if entry is not None:
        programme = entry.programme
        if not unit.path.startswith(programme.unit.path) or programme.year != audit.starts_on.year:
            add("programme_entry", _("Choose an entry of this unit's programme for the audit's year."))
    lead = audit.lead_auditor
    team = list(sets["team"])
    if lead is None and audit.kind == Audit.Kind.INTERNAL:
        add("lead_auditor", _("Choose the lead auditor."))
    if lead is not None:
        for problem in auditor_problems(lead, audit, sets["scope_units"]):
            add("lead_auditor", problem)
    for member in team:
        if lead is not None and member.pk == lead.pk:
            continue
        for problem in auditor_problems(member, audit, sets["scope_units"]):
            add("team", problem)
    people = {u.pk for u in team} | ({lead.pk} if lead else set())
    for auditee in sets["auditees"]:
        if auditee.pk in people:
            add("auditees", _("%(name)s cannot be both auditor and auditee.") % {"name": _name(auditee)})
        elif not auditee.is_active:
            add("auditees", _("%(name)s cannot sign in any more.") % {"name": _name(auditee)})
    if errors:
        raise ValidationError(errors)


def _sets(audit, given):
    current = {} if audit.pk is None else {name: list(getattr(audit, name).all()) for name in PLAN_SETS}
    return {name: list(given[name]) if given.get(name) is not None else current.get(name, []) for name in PLAN_SETS}


def sync_grants(audit):
    """The single-object grants of ``audit`` as its people now are: lead auditor (view, change the
    plan, conduct, sign the report), team (view, conduct), auditees (view). Grants no longer
    deserved are removed; nothing else is touched."""
    wanted = {}
    for user in audit.auditees.all():
        wanted.setdefault(user, set()).update(AUDITEE_PERMS)
    for user in audit.team.all():
        wanted.setdefault(user, set()).update(TEAM_PERMS)
    if audit.lead_auditor_id:
        wanted.setdefault(audit.lead_auditor, set()).update(LEAD_PERMS)
    wanted_names = {(u.pk, permissions.perm_name(Audit, p)): (u, p) for u, perms in wanted.items() for p in perms}
    held = {}
    for row in AuditUserObjectPermission.objects.filter(content_object=audit).select_related(
            "user", "permission__content_type"):
        name = f"{row.permission.content_type.app_label}.{row.permission.codename}"
        held[(row.user_id, name)] = row.user
    for (user_pk, name), user in held.items():
        if (user_pk, name) not in wanted_names:
            permissions.revoke(user, name, audit)
    for key, (user, perm) in wanted_names.items():
        if key not in held:
            permissions.grant(user, perm, audit)


@transaction.atomic
def audit_create(*, acting_user, unit, kind=Audit.Kind.INTERNAL, title, starts_on, ends_on, scope_units=(),
                 processes=(), clauses=(), team=(), auditees=(), **fields):
    """Plan an audit of ``unit``'s quality management system, numbered ``{unit}-AUD-{year}-{n:02}``.
    The lead auditor and the team are checked (``auditor_problems``) and get their grants."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    require_can(acting_user, "audits.add_audit", unit)
    unknown = sorted(set(fields) - set(PLAN_FIELDS))
    if unknown:
        raise TypeError(f"audit_create() got unexpected fields: {', '.join(unknown)}")
    audit = Audit(unit=unit, kind=kind, title=title, starts_on=starts_on, ends_on=ends_on, **fields)
    sets = _sets(audit, {"scope_units": scope_units, "processes": processes, "clauses": clauses, "team": team,
                         "auditees": auditees})
    if not sets["scope_units"]:
        sets["scope_units"] = [unit]
    _check_plan(acting_user, audit, sets)
    if audit.report_due is None:
        audit.report_due = ends_on + timedelta(days=REPORT_DAYS)
    audit.number = "-"
    audit.full_clean(exclude=["number"])
    audit.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=starts_on.year,
                               taken=lambda text: Audit.objects.filter(number=text).exists())
    save_tracked(audit, acting_user, m2m=sets)
    sync_grants(audit)
    _tell_team(audit, acting_user)
    return audit


@transaction.atomic
def audit_update(*, acting_user, audit, **fields):
    """Change the plan while it is planned or the auditees were notified (its kind while it is
    planned only); once they were notified, the people newly on it, and everyone when its dates
    change, get the plan again."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_can(acting_user, "change", audit)
    if audit.status not in EDITABLE:
        raise ValidationError(_("The plan cannot be changed once the audit has started."))
    # The kind (internal, or a certification body's) changes only before the auditees have the plan;
    # every rule of the new kind is checked again below (the body named, the auditors' role and units).
    if "kind" in fields and fields["kind"] != audit.kind and audit.status != S.PLANNED:
        raise ValidationError({"kind": _("The kind of audit can change only while the audit is planned: the "
                                         "auditees already have the plan.")})
    given = {name: fields.pop(name) for name in PLAN_SETS if name in fields}
    unknown = sorted(set(fields) - set(PLAN_FIELDS))
    if unknown:
        raise TypeError(f"audit_update() got unexpected fields: {', '.join(unknown)}")
    for name, value in fields.items():
        setattr(audit, name, value)
    sets = _sets(audit, given)
    if not sets["scope_units"]:
        sets["scope_units"] = [audit.unit]
    _check_plan(acting_user, audit, sets)
    if audit.report_due is None:
        audit.report_due = audit.ends_on + timedelta(days=REPORT_DAYS)
    save_tracked(audit, acting_user, m2m=sets)
    sync_grants(audit)
    _tell_team(audit, acting_user)
    if audit.status == S.NOTIFIED:
        _send_plan(audit, acting_user)
    return audit


# --- Messages ---------------------------------------------------------------------------------------


def _plan_params(audit):
    return {"object": audit, "starts": audit.starts_on, "ends": audit.ends_on,
            "lead": _name(audit.lead_auditor) if audit.lead_auditor_id else "—",
            "units": ", ".join(u.name for u in audit.scope_units.all()) or audit.unit.name,
            "clauses": ", ".join(c.number for c in audit.clauses.all()) or "—",
            "kind": Audit.Kind(audit.kind).label}  # the label itself: rendered in each reader's language


def _tell_team(audit, acting_user):
    """The lead auditor and the team hear that they are on the audit (once each for these dates)."""
    people = {u.pk: u for u in audit.team.all()}
    if audit.lead_auditor_id:
        people[audit.lead_auditor_id] = audit.lead_auditor
    people.pop(acting_user.pk, None)
    notify(people.values(), "audit_team", params=_plan_params(audit), url=audit.get_absolute_url(),
           key=f"audit:{audit.pk}:team:{audit.starts_on}:{audit.ends_on}")


def _send_plan(audit, acting_user):
    """Each auditee gets the plan, once per set of dates, rendered in their own language."""
    notify(list(audit.auditees.filter(is_active=True)), "audit_plan", params=_plan_params(audit),
           url=audit.get_absolute_url(), key=f"audit:{audit.pk}:plan:{audit.starts_on}:{audit.ends_on}")


# --- Workflow ---------------------------------------------------------------------------------------


def _has_auditees(audit, user):
    return audit.auditees.exists()


def _has_lead(audit, user):
    return audit.lead_auditor_id is not None


def _team_is_fit(audit, user):
    people = list(audit.team.all()) + ([audit.lead_auditor] if audit.lead_auditor_id else [])
    return not any(auditor_problems(p, audit) for p in people)


def _nonconformities_recorded(audit, user):
    return not Finding.objects.filter(audit=audit, grade__in=Finding.NONCONFORMITY_GRADES,
                                      nonconformity__isnull=True).exists()


def _conclusion_written(audit, user):
    return bool(audit.conclusion.strip())


HAS_LEAD = Guard(_has_lead, gettext_lazy("Choose the lead auditor before sending the plan."))
HAS_AUDITEES = Guard(_has_auditees, gettext_lazy("Name at least one auditee before sending the plan."))
TEAM_IS_FIT = Guard(_team_is_fit, gettext_lazy(
    "The lead auditor or a team member may not audit this audit now (see the plan's warnings)."))
NONCONFORMITIES_RECORDED = Guard(_nonconformities_recorded, gettext_lazy(
    "Every major or minor nonconformity found must first be recorded as a nonconformity."))
CONCLUSION_WRITTEN = Guard(_conclusion_written, gettext_lazy("Write the report's conclusion before signing it."))


def _on_notify(audit, user, reason, data):
    _send_plan(audit, user)


def _on_report(audit, user, reason, data):
    if audit.report_due is None:
        audit.report_due = max(audit.ends_on, timezone.localdate()) + timedelta(days=REPORT_DAYS)
        save_tracked(audit, user)


def _on_close(audit, user, reason, data):
    now = timezone.now()
    audit.report_signed_at = now
    audit.closed_at = now
    save_tracked(audit, user)
    people = {u.pk: u for u in audit.auditees.filter(is_active=True)}
    people.update({u.pk: u for u in audit.team.filter(is_active=True)})
    people.update({u.pk: u for u in users_who_can("change", audit)})
    people.pop(user.pk, None)
    notify(people.values(), "audit_closed", params={"object": audit}, url=audit.get_absolute_url(),
           key=f"audit:{audit.pk}:closed")


CONDUCT = "audits.conduct_audit"

WORKFLOW = Workflow(
    model=Audit,
    waiting={S.PLANNED: "audits.change_audit", S.NOTIFIED: CONDUCT, S.IN_PROGRESS: CONDUCT,
             S.REPORTING: "audits.sign_audit_report"},
    transitions=[
        Transition(name="notify", label=gettext_lazy("Send the plan to the auditees"), sources=(S.PLANNED,),
                   target=S.NOTIFIED, permission="audits.change_audit", guards=(HAS_LEAD, HAS_AUDITEES, TEAM_IS_FIT),
                   effect=_on_notify),
        Transition(name="start", label=gettext_lazy("Start the audit on site"), sources=(S.NOTIFIED,),
                   target=S.IN_PROGRESS, permission=CONDUCT, button="success"),
        Transition(name="report", label=gettext_lazy("Finish on site: write the report"), sources=(S.IN_PROGRESS,),
                   target=S.REPORTING, permission=CONDUCT, effect=_on_report),
        Transition(name="reopen", label=gettext_lazy("Back on site"), sources=(S.REPORTING,), target=S.IN_PROGRESS,
                   permission=CONDUCT, reason_required=True, button="secondary"),
        Transition(name="close", label=gettext_lazy("Sign the report and close"), sources=(S.REPORTING,),
                   target=S.CLOSED, permission="audits.sign_audit_report",
                   guards=(NONCONFORMITIES_RECORDED, CONCLUSION_WRITTEN), signature=REPORT_SIGNED,
                   effect=_on_close, button="success"),
    ],
)


def register_workflow():
    register_meaning(REPORT_SIGNED, REPORT_SIGNED_LABEL)
    return register(WORKFLOW)


def audit_transition(*, acting_user, audit, name, reason="", password="", data=None):
    """Take transition ``name`` (notify, start, report, reopen, close) through the workflow engine:
    state, permission, guards, reason and signature are checked there."""
    if not can(acting_user, "view", audit):
        raise PermissionDenied
    return WORKFLOW.perform(audit, name, acting_user=acting_user, reason=reason, password=password, data=data)


def entries_open_for(unit, year):
    """The programme entries an audit of ``unit`` in ``year`` may carry out."""
    return (ProgrammeEntry.objects.filter(programme__year=year, unit__path__startswith=unit.path)
            .select_related("unit", "programme"))


# Who may be put forward as lead auditor or team member: the internal auditors, and for an external
# audit the ISO officer or management representative who accompanies the certification body.
AUDITING_ROLES = (AUDITOR_ROLE, "document_controller", "management_representative")


@people_source
def people_to_choose(user):
    """The people a planner may put on an audit: the active people they may see."""
    return User.objects.restrict(user, "view").filter(is_active=True).order_by("full_name", "username")


@people_source
def auditors_to_choose(user):
    """The people a planner may name lead auditor or team member: those they may see who hold an
    auditing role now (a form keeps the people already on the audit with the picker's ``also``)."""
    holders = RoleAssignment.objects.current().filter(role__code__in=AUDITING_ROLES, unit__is_active=True)
    return people_to_choose(user).filter(pk__in=holders.values("user_id"))


@people_source
def auditees_to_choose(user, audit):
    """The people a planner may name auditees of ``audit`` (its id): the people of the unit audited
    and those already named (a long list kept short)."""
    named = Audit.auditees.through.objects.filter(audit_id=audit).values("user_id")
    path = Audit.objects.filter(pk=audit).values_list("unit__path", flat=True).first()
    if path is None:
        return User.objects.none()
    return people_to_choose(user).filter(Q(primary_unit__path__startswith=path) | Q(pk__in=named))
