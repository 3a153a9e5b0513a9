"""The annual audit programme (ISO 9001 9.2.2 a): a unit that runs its own quality management
system plans which of its units, processes and clauses are audited in which month; the management
representative approves it with their signature. While it is a draft its entries may be changed;
an approved programme is revised (back to a draft, with a reason) before it changes again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal.notifications import notify
from qms_portal.permissions import can, users_who_can
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..models import AuditProgramme, ProgrammeEntry

P = AuditProgramme.Status
APPROVE = "audits.approve_auditprogramme"


@transaction.atomic
def programme_create(*, acting_user, unit, year, title="", notes=""):
    """A draft programme for ``unit`` (a unit that runs its own QMS) and ``year``."""
    require_can(acting_user, "audits.add_auditprogramme", unit)
    if not unit.runs_own_qms:
        raise ValidationError({"unit": _("Only a unit that runs its own quality management system has an "
                                         "audit programme.")})
    if AuditProgramme.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(unit)s already has a programme for %(year)s.") % {
            "unit": unit.name, "year": year}})
    programme = AuditProgramme(unit=unit, year=year, title=title, notes=notes)
    return save_tracked(programme, acting_user)


@transaction.atomic
def programme_update(*, acting_user, programme, title, notes):
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    require_can(acting_user, "change", programme)
    _must_be_draft(programme)
    programme.title, programme.notes = title, notes
    return save_tracked(programme, acting_user)


def _must_be_draft(programme):
    if programme.status != P.DRAFT:
        raise ValidationError(_("An approved programme cannot be changed: revise it first."))


def _check_entry(acting_user, programme, unit, procedures):
    errors = {}
    if not unit.is_active or not unit.path.startswith(programme.unit.path):
        errors["unit"] = _("Choose an active unit of %(unit)s.") % {"unit": programme.unit.name}
    if any(not can(acting_user, "view", document) for document in procedures):
        errors["procedures"] = _("Choose procedures you can see.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_entry_add(*, acting_user, programme, unit, planned_month, clauses=(), procedures=(), note=""):
    """A line of the programme: ``unit`` (in the programme unit's tree) audited in ``planned_month``
    on ``clauses`` and ``procedures``."""
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    require_can(acting_user, "change", programme)
    _must_be_draft(programme)
    _check_entry(acting_user, programme, unit, procedures)
    entry = ProgrammeEntry(programme=programme, unit=unit, planned_month=planned_month, note=note)
    return save_tracked(entry, acting_user, m2m={"clauses": list(clauses), "procedures": list(procedures)})


@transaction.atomic
def programme_entry_update(*, acting_user, entry, unit, planned_month, clauses=(), procedures=(), note=""):
    programme = AuditProgramme.objects.select_for_update().get(pk=entry.programme_id)
    require_can(acting_user, "change", programme)
    _must_be_draft(programme)
    _check_entry(acting_user, programme, unit, procedures)
    entry = ProgrammeEntry.objects.get(pk=entry.pk)
    entry.unit, entry.planned_month, entry.note = unit, planned_month, note
    return save_tracked(entry, acting_user, m2m={"clauses": list(clauses), "procedures": list(procedures)})


@transaction.atomic
def programme_entry_remove(*, acting_user, entry):
    """Take a line out of a draft programme (its history stays); an audit that carried it out keeps
    its other links."""
    programme = AuditProgramme.objects.select_for_update().get(pk=entry.programme_id)
    require_can(acting_user, "change", programme)
    _must_be_draft(programme)
    if entry.audits.exists():
        raise ValidationError(_("An audit carries out this entry: it stays in the programme."))
    entry._history_user = acting_user
    entry.delete()
    return programme


# --- Workflow ---------------------------------------------------------------------------------------


def _has_entries(programme, user):
    return programme.entries.exists()


HAS_ENTRIES = Guard(_has_entries, gettext_lazy("Plan at least one audit in the programme before approving it."))


def _on_approve(programme, user, reason, data):
    from django.utils import timezone

    programme.approved_by = user
    programme.approved_at = timezone.now()
    save_tracked(programme, user)
    people = {u.pk: u for u in users_who_can("change", programme)}
    people.pop(user.pk, None)
    notify(people.values(), "programme_approved", params={"object": programme},
           url=programme.get_absolute_url(), key=f"programme:{programme.pk}:approved:{programme.approved_at:%s}")


def _on_revise(programme, user, reason, data):
    programme.approved_by = None
    programme.approved_at = None
    save_tracked(programme, user)


def _on_submit(programme, user, reason, data):
    people = users_who_can(APPROVE, programme).exclude(pk=user.pk)
    notify(people, "programme_to_approve", params={"object": programme}, url=programme.get_absolute_url())


WORKFLOW = Workflow(
    model=AuditProgramme,
    waiting={P.DRAFT: APPROVE},
    transitions=[
        Transition(name="approve", label=gettext_lazy("Approve the programme"), sources=(P.DRAFT,),
                   target=P.APPROVED, permission=APPROVE, guards=(HAS_ENTRIES,), signature="approved",
                   effect=_on_approve, button="success"),
        Transition(name="revise", label=gettext_lazy("Revise the programme"), sources=(P.APPROVED,),
                   target=P.DRAFT, permission=APPROVE, reason_required=True, effect=_on_revise,
                   button="secondary"),
    ],
)


def register_workflow():
    return register(WORKFLOW)


def programme_transition(*, acting_user, programme, name, reason="", password="", data=None):
    """Approve (signed, meaning "approved") or revise the programme through the workflow engine."""
    return WORKFLOW.perform(programme, name, acting_user=acting_user, reason=reason, password=password, data=data)


@transaction.atomic
def programme_submit(*, acting_user, programme):
    """Ask the management representative(s) to approve the programme (a message, no change of state)."""
    require_can(acting_user, "change", programme)
    _must_be_draft(programme)
    if not programme.entries.exists():
        raise ValidationError(HAS_ENTRIES.message)
    _on_submit(programme, acting_user, "", {})
    return programme
