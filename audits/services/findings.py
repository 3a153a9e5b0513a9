"""Findings, the audit report and the certification body's response (the findings part).

* A finding is recorded by an auditor of the audit (``audits.conduct_audit`` on it: the lead and the
  team, through plan's single-object grants) while the audit is in progress or reporting, from a
  checklist item or directly. A nonconformity grade needs its clause.
* Whoever may see the audit's findings: the auditors (through their grant on the audit:
  ``Finding.scope_extra``, nothing written here), and through roles on the finding's unit the
  auditees (department head, staff), the ISO officer, the management representative and the
  steering committee.
* A major or minor finding becomes a nonconformity record (``nonconformity_create``, its source the
  finding), linked both ways; one raised earlier (a certification body's report typed in by the ISO
  officer) is linked instead (``finding_link_nonconformity``). An observation or an opportunity for
  improvement may lead to an improvement action, planned by whoever manages the unit's actions.
* The report's summary and conclusion are the lead auditor's (``audits.sign_audit_report``); the
  lead signs the report by closing the audit (plan's "close" transition).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nonconformities.models import Nonconformity
from qms_portal.notifications import notify
from qms_portal.permissions import can, users_who_can
from qms_portal.services import require_can, save_tracked

from ..models import Audit, ChecklistItem, Finding

G = Finding.Grade
S = Audit.Status
# What a person records about a finding (the rest is the service's: number, audit, links).
FINDING_FIELDS = ("grade", "unit", "clause", "procedure", "requirement", "evidence", "description")
# The links that fix a finding's grade, unit and clause once its nonconformity exists.
FIXED_ONCE_RAISED = ("grade", "unit", "clause")
RECORDING_STATUSES = (S.IN_PROGRESS, S.REPORTING)
REPORT_STATUSES = (S.IN_PROGRESS, S.REPORTING)
IMPROVEMENT_GRADES = (G.OBSERVATION, G.OPPORTUNITY)


# --- who ---------------------------------------------------------------------------------------------


def auditors_of(audit):
    """The lead auditor and the team, as users (the lead first)."""
    people = [audit.lead_auditor] if audit.lead_auditor_id else []
    people += [u for u in audit.team.all() if u.pk != audit.lead_auditor_id]
    return [u for u in people if u.is_active]


def may_record(user, audit):
    return audit.status in RECORDING_STATUSES and can(user, "audits.conduct_audit", audit)


def may_write_report(user, audit):
    return audit.status in REPORT_STATUSES and can(user, "audits.sign_audit_report", audit)


def may_manage_response(user, audit):
    """The response to the certification body is kept by who manages the audit (the ISO officer, the
    management representative: ``change`` on it)."""
    return audit.is_external and can(user, "change", audit)


# --- checks ------------------------------------------------------------------------------------------


def _in_scope(audit, unit):
    """The audited unit must be the audit's unit or below it, or one of the units it audits."""
    if unit is None or not unit.is_active:
        return False
    if unit.pk == audit.unit_id or unit.path.startswith(audit.unit.path):
        return True
    return audit.scope_units.filter(pk=unit.pk).exists()


def _clean(audit, fields):
    errors = {}
    grade = fields.get("grade")
    if grade not in G.values:
        errors["grade"] = _("Choose the grade of the finding.")
    if grade in Finding.NONCONFORMITY_GRADES and fields.get("clause") is None:
        errors["clause"] = _("A nonconformity needs the ISO 9001 clause it does not meet.")
    if not _in_scope(audit, fields.get("unit")):
        errors["unit"] = _("Choose a unit this audit covers.")
    if not " ".join(str(fields.get("description") or "").split()):
        errors["description"] = _("Describe what was found.")
    if errors:
        raise ValidationError(errors)


def _lock_audit(audit):
    return Audit.objects.select_for_update().select_related("unit").get(pk=audit.pk)


def _lock_finding(finding):
    return Finding.objects.select_for_update(of=("self",)).select_related("audit", "audit__unit", "unit").get(
        pk=finding.pk)


# --- findings ----------------------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, acting_user, audit, checklist_item=None, photos=(), **fields):
    """Record a finding of ``audit`` (numbered within it: 1, 2, …), from ``checklist_item`` or
    directly; ``photos``: uploads checked by the core's attachments (a refused file leaves nothing
    saved and consumes no number)."""
    unknown = sorted(set(fields) - set(FINDING_FIELDS))
    if unknown:
        raise TypeError(f"finding_create() got unexpected fields: {', '.join(unknown)}")
    audit = _lock_audit(audit)
    require_can(acting_user, "audits.conduct_audit", audit)
    if audit.status not in RECORDING_STATUSES:
        raise ValidationError(_("Findings are recorded while the audit is in progress or being reported."))
    if checklist_item is not None and checklist_item.audit_id != audit.pk:
        raise ValidationError({"checklist_item": _("That question is not on this audit's checklist.")})
    _clean(audit, fields)
    number = (audit.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding(audit=audit, number=number, checklist_item=checklist_item, recorded_by=acting_user,
                      **fields)
    save_tracked(finding, acting_user)
    if photos:
        from qms_portal.attachments import attachment_add

        for upload in photos:
            attachment_add(acting_user=acting_user, target=finding, upload=upload)
    if finding.grade in IMPROVEMENT_GRADES:
        _tell_unit(finding, acting_user)
    return finding


def _tell_unit(finding, acting_user):
    """Who manages the unit's actions hears of an observation about it (once per finding)."""
    people = [u for u in users_who_can("nonconformities.add_correctiveaction", finding) if u.pk != acting_user.pk]
    notify(people, "finding_observation", params={"object": finding}, url=finding.get_absolute_url(),
           key=f"finding:{finding.pk}:observation")


@transaction.atomic
def finding_update(*, acting_user, finding, **fields):
    """Correct a finding while its audit is open. Once its nonconformity exists, the grade, unit and
    clause stay as the nonconformity has them."""
    unknown = sorted(set(fields) - set(FINDING_FIELDS))
    if unknown:
        raise TypeError(f"finding_update() got unexpected fields: {', '.join(unknown)}")
    finding = _lock_finding(finding)
    require_can(acting_user, "change", finding)
    if finding.audit.status == S.CLOSED:
        raise ValidationError(_("The audit is closed: its findings can no longer be changed."))
    if finding.nonconformity_id:
        changed = [name for name in FIXED_ONCE_RAISED
                   if name in fields and _value(getattr(finding, name)) != _value(fields[name])]
        if changed:
            raise ValidationError(_("This finding is already the nonconformity %(number)s: its grade, unit and "
                                    "clause can no longer be changed.") % {"number": finding.nonconformity.number})
    merged = {name: getattr(finding, name) for name in FINDING_FIELDS}
    merged.update(fields)
    _clean(finding.audit, merged)
    for name, value in fields.items():
        setattr(finding, name, value)
    return save_tracked(finding, acting_user)


def _value(value):
    return value.pk if hasattr(value, "pk") else value


def _nc_source(audit):
    return Nonconformity.Source.EXTERNAL_AUDIT if audit.is_external else Nonconformity.Source.INTERNAL_AUDIT


def _nc_text(finding):
    first = " ".join(finding.description.split())
    title = f"{finding.audit.number}/{finding.number}: {first}"
    if len(title) > 300:
        title = title[:299] + "…"
    parts = [finding.description.strip()]
    if finding.requirement.strip():
        parts.append(f"{_('Requirement')}: {finding.requirement.strip()}")
    if finding.evidence.strip():
        parts.append(f"{_('Evidence')}: {finding.evidence.strip()}")
    return title, "\n\n".join(parts)


@transaction.atomic
def finding_raise_nonconformity(*, acting_user, finding):
    """Turn a major or minor finding into a nonconformity of its unit (its source: this finding;
    the finding keeps the link back), raised in the auditor's name: the finding vouches for the
    auditors of its audit (``Finding.may_raise_nonconformity``), who usually hold no role in the
    unit they audit; they follow it as its reporter."""
    finding = _lock_finding(finding)
    require_can(acting_user, "change", finding)  # the auditors of the audit (their grant on the audit)
    if not finding.is_nonconformity:
        raise ValidationError(_("Only a major or minor nonconformity becomes a nonconformity record."))
    if finding.nonconformity_id:
        raise ValidationError(_("This finding is already the nonconformity %(number)s.")
                              % {"number": finding.nonconformity.number})
    if finding.audit.status == S.CLOSED:
        raise ValidationError(_("The audit is closed."))
    if finding.clause_id is None:
        raise ValidationError({"clause": _("A nonconformity needs the ISO 9001 clause it does not meet.")})
    from nonconformities.services import nonconformity_create


    title, description = _nc_text(finding)
    detected = min(timezone.localdate(finding.created_at), timezone.localdate())
    nc = nonconformity_create(
        acting_user=acting_user, unit=finding.unit, source=_nc_source(finding.audit), source_object=finding,
        title=title, description=description, detected_on=detected, grade=finding.grade,
        clause=finding.clause, procedure=finding.procedure if finding.procedure_id and can(
            acting_user, "view", finding.procedure) else None,
    )
    finding.nonconformity = nc
    save_tracked(finding, acting_user)
    return nc


@transaction.atomic
def findings_raise_nonconformities(*, acting_user, audit):
    """Every major and minor finding of ``audit`` without its nonconformity becomes one (the step
    the close needs). Returns the nonconformities raised."""
    audit = _lock_audit(audit)
    require_can(acting_user, "audits.conduct_audit", audit)
    raised = []
    for finding in audit.findings.filter(grade__in=Finding.NONCONFORMITY_GRADES, nonconformity__isnull=True):
        raised.append(finding_raise_nonconformity(acting_user=acting_user, finding=finding))
    return raised


@transaction.atomic
def finding_link_nonconformity(*, acting_user, finding, nonconformity):
    """Link a major or minor finding to a nonconformity raised before it was recorded (the ISO
    officer typed in the certification body's report): same unit, an audit as its source, no other
    source record; the nonconformity's source becomes this finding."""
    finding = _lock_finding(finding)
    require_can(acting_user, "change", finding)
    nc = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
    if not can(acting_user, "view", nc):
        raise ValidationError({"nonconformity": _("Choose a nonconformity you can see.")})
    if not finding.is_nonconformity:
        raise ValidationError(_("Only a major or minor nonconformity becomes a nonconformity record."))
    if finding.nonconformity_id:
        raise ValidationError(_("This finding is already the nonconformity %(number)s.")
                              % {"number": finding.nonconformity.number})
    if nc.unit_id != finding.unit_id:
        raise ValidationError({"nonconformity": _("Choose a nonconformity of the finding's unit.")})
    if nc.source not in (Nonconformity.Source.INTERNAL_AUDIT, Nonconformity.Source.EXTERNAL_AUDIT):
        raise ValidationError({"nonconformity": _("Choose a nonconformity that came from an audit.")})
    if nc.source_type_id is not None or Finding.objects.filter(nonconformity=nc).exists():
        raise ValidationError({"nonconformity": _("That nonconformity already comes from another record.")})
    nc.source_type = ContentType.objects.get_for_model(Finding)
    nc.source_id = finding.pk
    save_tracked(nc, acting_user)
    finding.nonconformity = nc
    save_tracked(finding, acting_user)
    return nc


@transaction.atomic
def finding_improvement_create(*, acting_user, finding, description, owner, due):
    """An observation (or an opportunity for improvement) leads to an improvement action of the
    finding's unit, planned by whoever manages that unit's actions (the department head); the owner
    is told and follows it, as with any corrective action."""
    from nonconformities.services import improvement_action_create

    finding = _lock_finding(finding)
    require_can(acting_user, "view", finding)
    if finding.grade not in IMPROVEMENT_GRADES:
        raise ValidationError(_("Improvement actions follow observations and opportunities for improvement; a "
                                "nonconformity gets its actions in its own record."))
    if finding.improvement_action_id:
        raise ValidationError(_("This finding already has its improvement action."))
    action = improvement_action_create(acting_user=acting_user, unit=finding.unit, description=description,
                                       owner=owner, due=due)
    finding.improvement_action = action
    save_tracked(finding, acting_user)
    return action


# --- the report and the response -------------------------------------------------------------------


@transaction.atomic
def audit_report_update(*, acting_user, audit, summary, conclusion):
    """The lead auditor writes the report's summary and conclusion while the audit is in progress
    or being reported (the close signs it and locks it)."""
    audit = _lock_audit(audit)
    require_can(acting_user, "audits.sign_audit_report", audit)
    if audit.status not in REPORT_STATUSES:
        raise ValidationError(_("The report is written while the audit is in progress or being reported."))
    audit.summary = (summary or "").strip()
    audit.conclusion = (conclusion or "").strip()
    save_tracked(audit, acting_user)
    return audit


@transaction.atomic
def audit_response_update(*, acting_user, audit, response_due):
    """The date the response (corrections, causes, actions) is due to the certification body."""
    audit = _lock_audit(audit)
    if not audit.is_external:
        raise ValidationError(_("Only an external audit owes a response to a certification body."))
    if not may_manage_response(acting_user, audit):
        raise PermissionDenied
    if response_due is None:
        raise ValidationError({"response_due": _("Give the date the response is due.")})
    if response_due < audit.ends_on:
        raise ValidationError({"response_due": _("The response is due after the audit ends.")})
    audit.response_due = response_due
    return save_tracked(audit, acting_user)


def checklist_item_for_finding(user, audit, item_id):
    """The checklist item of ``audit`` a finding starts from (None if there is no such item)."""
    if not item_id or not str(item_id).isdigit():
        return None
    return ChecklistItem.objects.filter(audit=audit, pk=int(item_id)).select_related("clause", "procedure").first()
