"""Test data of the certificates part: certificates through their services; audits written directly
(their planning and numbering are the plan part's; here they are only what a certificate, a reminder
or a figure reads)."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from audits.models import Audit, Certificate
from audits.services import certificates as services
from tests import factories

_numbers = itertools.count(1)


def make_audit(unit, *, kind=Audit.Kind.INTERNAL, starts_on=None, days=2, status=Audit.Status.PLANNED,
               lead=None, auditees=(), title="Đánh giá nội bộ", **fields):
    starts_on = starts_on or timezone.localdate() + timedelta(days=30)
    audit = Audit(number=f"T-AUD-{next(_numbers):05}-{unit.code}", unit=unit, kind=kind, title=title,
                  starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1), status=status,
                  lead_auditor=lead, **fields)
    if kind in Audit.EXTERNAL_KINDS and not audit.certification_body:
        audit.certification_body = "QUACERT"
    audit._history_user = factories._acting()
    audit.save()
    if auditees:
        audit.auditees.set(auditees)
    return audit


def make_certificate(unit, *, acting_user=None, number=None, issued_on=None, expires_on=None, surveillance=None,
                     body="QUACERT", standard=Certificate.Standard.TCVN, audit=None):
    issued_on = issued_on or date(2025, 6, 1)
    expires_on = expires_on or issued_on.replace(year=issued_on.year + 3) - timedelta(days=1)
    return services.certificate_create(
        acting_user=acting_user or factories._acting(), unit=unit, body=body,
        number=number or f"HT {next(_numbers):04}/{unit.code}", standard=standard,
        scope="Cung cấp dịch vụ hành chính công theo cơ chế một cửa", issued_on=issued_on, expires_on=expires_on,
        audit=audit, surveillance=surveillance)
