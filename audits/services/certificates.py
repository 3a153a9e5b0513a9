"""Certificates of conformity and their surveillance audits (certificates part).

Every write is here: ``certificate_create``, ``certificate_update``, ``certificate_withdraw``,
``surveillance_update``. A certificate is issued for a cycle (three years as a rule) and needs a
surveillance audit every year of it: when no dates are given, the visits are proposed 12 and 24
months after the issue date (``proposed_surveillance``). A visit is done when its surveillance
audit is linked to it and closed; until then it is "due" and reminded (``certificates_reminders``).

Certificates are never deleted: a certificate the body withdrew or suspended, or that the next
cycle replaced, is withdrawn with a date and a reason (its History tab keeps the rest).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qms_portal.permissions import can
from qms_portal.services import require_can, save_tracked

from ..models import Audit, Certificate, SurveillanceVisit

ADD = "audits.add_certificate"
FIELDS = ("body", "number", "standard", "scope", "issued_on", "expires_on", "audit")
CYCLE_YEARS = 3


def add_years(day, years):
    """``day`` ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, day.month, 28)


def proposed_surveillance(issued_on, expires_on):
    """The surveillance audits a cycle needs: one a year after the issue date, while before the
    expiry (a three-year certificate: 12 and 24 months; the third year is the recertification's)."""
    days = [add_years(issued_on, year) for year in range(1, CYCLE_YEARS)]
    return [day for day in days if day < expires_on]


def _check(certificate, acting_user, surveillance):
    errors = {}
    if certificate.issued_on and certificate.expires_on and certificate.expires_on <= certificate.issued_on:
        errors["expires_on"] = _("The expiry date must be after the issue date.")
    if certificate.audit_id is not None:
        audit = certificate.audit
        if audit.kind not in Audit.EXTERNAL_KINDS:
            errors["audit"] = _("Choose a certification or recertification audit, not an internal one.")
        elif not can(acting_user, "view", audit):
            errors["audit"] = _("Choose an audit you can see.")
        elif not certificate.unit.path.startswith(audit.unit.path) and not audit.unit.path.startswith(
                certificate.unit.path):
            errors["audit"] = _("The audit must be of the certificate's unit.")
    for day in surveillance or ():
        if certificate.issued_on and certificate.expires_on and not (
                certificate.issued_on < day < certificate.expires_on):
            errors["surveillance"] = _("A surveillance audit must fall between the issue and the expiry date.")
            break
    duplicate = Certificate.objects.filter(body__iexact=certificate.body.strip(),
                                           number__iexact=certificate.number.strip()).exclude(pk=certificate.pk)
    if certificate.body and certificate.number and duplicate.exists():
        errors["number"] = _("This certification body already has a certificate with this number in the register.")
    if errors:
        raise ValidationError(errors)


def _set_surveillance(certificate, days, acting_user):
    """Make the certificate's pending visits (those without a linked audit) the ``days`` given:
    kept where the day is the same, moved, added or removed; a visit with its audit stays."""
    visits = list(certificate.surveillance.select_for_update().order_by("due_on", "pk"))
    pending = [v for v in visits if v.audit_id is None]
    done_days = {v.due_on for v in visits if v.audit_id is not None}
    wanted = sorted({d for d in days if d not in done_days})
    keep = {v.due_on: v for v in pending if v.due_on in wanted}
    spare = [v for v in pending if v.due_on not in keep]
    for day in wanted:
        if day in keep:
            continue
        visit = spare.pop(0) if spare else SurveillanceVisit(certificate=certificate)
        visit.due_on = day
        save_tracked(visit, acting_user)
    for visit in spare:  # not a controlled record of its own: a date of the certificate's plan
        visit._history_user = acting_user
        visit.delete()


@transaction.atomic
def certificate_create(*, acting_user, unit, surveillance=None, **fields):
    """Record a certificate ``unit`` holds. ``surveillance``: the due dates of its surveillance
    audits (``None``: proposed, a year apart)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require_can(acting_user, ADD, unit)
    certificate = Certificate(unit=unit, **fields)
    certificate.body, certificate.number = certificate.body.strip(), certificate.number.strip()
    if surveillance is None and certificate.issued_on and certificate.expires_on:
        surveillance = proposed_surveillance(certificate.issued_on, certificate.expires_on)
    _check(certificate, acting_user, surveillance)
    certificate = save_tracked(certificate, acting_user)
    _set_surveillance(certificate, surveillance or [], acting_user)
    return certificate


@transaction.atomic
def certificate_update(*, acting_user, certificate, surveillance=None, **fields):
    """Correct a certificate (a withdrawn one is kept as it was). ``surveillance``: the due dates
    of the visits still to come (``None``: unchanged)."""
    unknown = set(fields) - set(FIELDS) - {"unit"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    certificate = Certificate.objects.select_for_update().select_related("unit").get(pk=certificate.pk)
    require_can(acting_user, "change", certificate)
    if certificate.is_withdrawn:
        raise ValidationError(_("A withdrawn certificate is kept as it was: record the new certificate instead."))
    for name, value in fields.items():
        setattr(certificate, name, value)
    if "unit" in fields:
        require_can(acting_user, ADD, certificate.unit)
    certificate.body, certificate.number = certificate.body.strip(), certificate.number.strip()
    _check(certificate, acting_user, surveillance)
    certificate = save_tracked(certificate, acting_user)
    if surveillance is not None:
        _set_surveillance(certificate, surveillance, acting_user)
    return certificate


@transaction.atomic
def certificate_withdraw(*, acting_user, certificate, reason, withdrawn_on=None):
    """Withdraw a certificate (withdrawn or suspended by its body, or replaced by the next cycle's):
    it leaves the current register and its reminders stop; it is not deleted."""
    from django.utils import timezone

    certificate = Certificate.objects.select_for_update().select_related("unit").get(pk=certificate.pk)
    require_can(acting_user, "change", certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is withdrawn.")})
    if certificate.is_withdrawn:
        raise ValidationError(_("This certificate was already withdrawn."))
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on < certificate.issued_on:
        raise ValidationError({"withdrawn_on": _("A certificate cannot be withdrawn before it was issued.")})
    certificate.is_withdrawn, certificate.withdrawn_on, certificate.withdrawal_reason = True, withdrawn_on, reason
    return save_tracked(certificate, acting_user, reason=reason)


@transaction.atomic
def surveillance_update(*, acting_user, visit, due_on, audit=None):
    """Move a surveillance visit, or link the surveillance audit that carries it out (an audit of
    the certificate's unit, of the surveillance or recertification kind)."""
    visit = SurveillanceVisit.objects.select_for_update().select_related("certificate__unit").get(pk=visit.pk)
    certificate = visit.certificate
    require_can(acting_user, "change", certificate)
    errors = {}
    if certificate.is_withdrawn:
        raise ValidationError(_("The certificate was withdrawn: its surveillance audits are no longer due."))
    if not (certificate.issued_on < due_on < certificate.expires_on):
        errors["due_on"] = _("A surveillance audit must fall between the issue and the expiry date.")
    if audit is not None:
        if audit.kind not in (Audit.Kind.SURVEILLANCE, Audit.Kind.RECERTIFICATION):
            errors["audit"] = _("Choose a surveillance audit.")
        elif not can(acting_user, "view", audit):
            errors["audit"] = _("Choose an audit you can see.")
        elif not certificate.unit.path.startswith(audit.unit.path) and not audit.unit.path.startswith(
                certificate.unit.path):
            errors["audit"] = _("The audit must be of the certificate's unit.")
        elif SurveillanceVisit.objects.filter(audit=audit).exclude(pk=visit.pk).exists():
            errors["audit"] = _("This audit already carries out another surveillance visit.")
    if errors:
        raise ValidationError(errors)
    visit.due_on, visit.audit = due_on, audit
    return save_tracked(visit, acting_user)
