"""Qualifications: granted from a session attended (the sessions part calls ``qualification_create``
when it closes a session) or recorded from an outside body, and withdrawn, never deleted."""

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qms_portal.services import require_can, save_tracked

from ..models import Qualification


def add_months(day, months):
    """``day`` plus ``months`` calendar months (31 January + 1 month → 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_until(competence, obtained_on, course=None):
    """Until when a qualification for ``competence`` obtained on ``obtained_on`` stays valid: the
    course's validity when it gives one, else the competence's; ``None`` when it does not expire."""
    months = (course.validity_months if course is not None else None) or competence.validity_months
    return add_months(obtained_on, months) if months else None


def qualification_create(*, acting_user, user, competence, obtained_on, valid_until=None, participant=None,
                         outside_body="", reference="", check=True):
    """Record that ``user`` holds ``competence`` from ``obtained_on``. ``valid_until`` defaults to the
    competence's (or the participant's course's) validity. ``check``: whether ``acting_user`` must
    hold "add qualification" over the person's unit (a service granting qualifications when a
    session closes has checked its own permission already)."""
    qualification = Qualification(user=user, competence=competence, obtained_on=obtained_on,
                                  participant=participant, outside_body=outside_body, reference=reference)
    if valid_until is None:
        course = participant.session.course if participant is not None else None
        valid_until = validity_until(competence, obtained_on, course)
    qualification.valid_until = valid_until
    _check_dates(obtained_on, valid_until)
    with transaction.atomic():
        if check:  # the person must be within the acting user's reach (their unit's qualifications)
            unit = user.primary_unit
            if unit is None:
                raise PermissionDenied
            require_can(acting_user, "training.add_qualification", unit)
        save_tracked(qualification, acting_user=acting_user)
    return qualification


# Fields a person corrects on a qualification (what it is, and from when to when).
EDITABLE = ("competence", "obtained_on", "valid_until", "outside_body", "reference")


def _check_dates(obtained_on, valid_until):
    if valid_until is not None and obtained_on is not None and valid_until < obtained_on:
        raise ValidationError({"valid_until": _("A qualification cannot expire before it was obtained.")})


def qualification_update(*, acting_user, qualification, **fields):
    """Correct a qualification (``EDITABLE`` fields). A withdrawn one is not changed any more.
    The person stays the same: a qualification of someone else is recorded anew."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise TypeError(f"qualification_update() got unexpected fields: {', '.join(unknown)}")
    with transaction.atomic():
        qualification = Qualification.objects.select_for_update(of=("self",)).select_related("user__primary_unit").get(
            pk=qualification.pk)
        require_can(acting_user, "change", qualification)
        if qualification.is_withdrawn:
            raise ValidationError(_("A withdrawn qualification is not changed any more."))
        for name, value in fields.items():
            setattr(qualification, name, value)
        _check_dates(qualification.obtained_on, qualification.valid_until)
        save_tracked(qualification, acting_user=acting_user)
    return qualification


def qualification_withdraw(*, acting_user, qualification, reason):
    """Withdraw a qualification (it no longer counts from now on), with the reason: shown on its
    page and on its History tab. Never deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the qualification is withdrawn.")})
    with transaction.atomic():
        qualification = Qualification.objects.select_for_update(of=("self",)).select_related("user__primary_unit").get(
            pk=qualification.pk)
        require_can(acting_user, "change", qualification)
        if qualification.is_withdrawn:
            raise ValidationError(_("This qualification was already withdrawn."))
        qualification.is_withdrawn = True
        qualification.withdrawn_reason = reason[:300]
        save_tracked(qualification, acting_user=acting_user, reason=reason)
    return qualification
