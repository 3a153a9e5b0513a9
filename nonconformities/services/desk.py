"""Nonconforming outputs (ISO 9001 8.7): a citizen's file that failed its requirement — usually
its legal time limit — and what was done about it.

Every write is here: ``output_record``, ``output_update`` and ``output_raise_nonconformity`` (through
the area's one entry point, ``nonconformity_create``, linked back to the output as its source)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
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


def raised_from(record):
    """The nonconformities raised from ``record`` (an output or a feedback), oldest first."""
    from ..selectors import nonconformities_of

    return nonconformities_of(record).order_by("created_at", "pk")


@transaction.atomic
def output_raise_nonconformity(*, acting_user, output, title="", grade=None):
    """Raise a nonconformity from a nonconforming output (source "nonconforming output", linked to
    it), once: the file, its procedure, the requirement missed and what was done go into its
    description, in the acting person's language."""
    from ..models import Nonconformity
    from . import nonconformity_create

    # (the lock on the output's own row: PostgreSQL refuses FOR UPDATE on an outer join's nullable side)
    output = (NonconformingOutput.objects.select_for_update(of=("self",)).select_related("unit", "procedure")
              .get(pk=output.pk))
    require_can(acting_user, "view", output)
    already = raised_from(output).first()
    if already is not None:
        raise ValidationError(_("A nonconformity was already raised from this output: %(number)s.")
                              % {"number": already.number})
    late = output.days_late
    lines = [
        _("File %(case)s: %(delivered)s") % {"case": output.case_reference, "delivered": output.delivered},
        _("Requirement missed: %(requirement)s") % {"requirement": output.requirement},
        _("Received on %(received)s, due on %(due)s, delivered on %(delivered)s (%(late)s working days late).") % {
            "received": date_format(output.received_on, "SHORT_DATE_FORMAT"),
            "due": date_format(output.due_on, "SHORT_DATE_FORMAT"),
            "delivered": date_format(output.delivered_on, "SHORT_DATE_FORMAT") if output.delivered_on else "—",
            "late": late},
        _("Disposition: %(disposition)s") % {"disposition": output.get_disposition_display()},
    ]
    fields = {"title": title or _("Late file %(case)s") % {"case": output.case_reference},
              "description": "\n".join(lines), "procedure": output.procedure,
              "detected_on": min(output.delivered_on or timezone.localdate(), timezone.localdate())}
    if grade:
        fields["grade"] = grade
    return nonconformity_create(acting_user=acting_user, unit=output.unit,
                                source=Nonconformity.Source.NONCONFORMING_OUTPUT, source_object=output, **fields)
