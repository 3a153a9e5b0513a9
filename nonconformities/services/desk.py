"""Nonconforming outputs (ISO 9001 8.7): a citizen's file that failed its requirement — usually
its legal time limit — and what was done about it.

Every write is here: ``output_record``, ``output_update`` and ``output_raise_nonconformity``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from documents.time_limits import working_days
from qms_portal.permissions import can
from qms_portal.services import require_can, save_tracked

from ..models import NonconformingOutput

FIELDS = ("unit", "procedure", "case_reference", "delivered", "requirement", "received_on", "due_on",
          "delivered_on", "citizen_name", "citizen_language", "citizen_address", "disposition",
          "authorised_by", "notes")


def legal_requirement(procedure):
    """The requirement a late file missed, as the procedure states it ("The legal time limit of 15
    working days"), or "" when the procedure gives no legal time limit."""
    if procedure is None or not procedure.legal_time_limit_days:
        return ""
    return _("The legal time limit of %(limit)s") % {"limit": working_days(procedure.legal_time_limit_days)}


def _check(output, acting_user):
    errors = {}
    if output.procedure_id and not can(acting_user, "view", output.procedure):
        errors["procedure"] = _("Choose a procedure you can see.")
    if output.received_on and output.due_on and output.due_on < output.received_on:
        errors["due_on"] = _("The due date cannot be before the file was received.")
    if output.received_on and output.delivered_on and output.delivered_on < output.received_on:
        errors["delivered_on"] = _("The file cannot be delivered before it was received.")
    if output.disposition == NonconformingOutput.Disposition.CONCESSION:
        if output.authorised_by is None:
            errors["authorised_by"] = _("A concession needs the person who authorised it.")
        elif not can(output.authorised_by, "nonconformities.authorise_concession", output.unit):
            errors["authorised_by"] = _("This person may not authorise a concession for this unit.")
    elif output.authorised_by_id:
        output.authorised_by = None  # only a concession is authorised
    if not output.requirement:
        output.requirement = legal_requirement(output.procedure)
        if not output.requirement:
            errors["requirement"] = _("Say which requirement was missed: this procedure has no legal time limit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def output_record(*, acting_user, unit, **fields):
    """Record a nonconforming output on ``unit``. A concession names who authorised it (someone
    who may authorise concessions on that unit); an empty requirement takes the procedure's legal
    time limit."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    output = NonconformingOutput(unit=unit, recorded_by=acting_user, **fields)
    require_can(acting_user, "nonconformities.add_nonconformingoutput", unit)
    _check(output, acting_user)
    return save_tracked(output, acting_user)


@transaction.atomic
def output_update(*, acting_user, output, **fields):
    """Change a recorded output (the same checks as when it was recorded)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    output = NonconformingOutput.objects.select_for_update().get(pk=output.pk)
    require_can(acting_user, "change", output)
    for name, value in fields.items():
        setattr(output, name, value)
    if "unit" in fields:
        require_can(acting_user, "nonconformities.add_nonconformingoutput", output.unit)
    _check(output, acting_user)
    return save_tracked(output, acting_user)
