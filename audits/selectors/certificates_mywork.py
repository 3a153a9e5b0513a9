"""The certificates part of "My work": for the people who keep a unit's certificates (the management
representative, the ISO officer), the certificates expiring within 90 days and the surveillance
audits due within 90 days or late, soonest first. Two queries whatever the data size."""

from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qms_portal.mywork import Section

from ..models import Certificate, SurveillanceVisit
from .certificates import SOON_DAYS, done_audit_q

SHOWN = 10
KEEP = "audits.change_certificate"


def certificate_work(user):
    if not user.has_perm(KEEP):
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    expiring = (Certificate.objects.restrict(user, "change").filter(is_withdrawn=False, expires_on__gte=today,
                                                                   expires_on__lte=soon)
                .only("pk", "number", "body", "expires_on").order_by("expires_on", "pk")[:SHOWN])
    visits = (SurveillanceVisit.objects.restrict(user, "change").filter(certificate__is_withdrawn=False,
                                                                        due_on__lte=soon)
              .exclude(done_audit_q()).select_related("certificate").only(
                  "pk", "due_on", "certificate__id", "certificate__number", "certificate__body")
              .order_by("due_on", "pk")[:SHOWN])
    rows = [(day, f"{c.number} · {c.body}", c.get_absolute_url(), _("Expires %(date)s") % {"date": _short(day)})
            for c in expiring for day in [c.expires_on]]
    rows += [(v.due_on, f"{v.certificate.number} · {v.certificate.body}", v.certificate.get_absolute_url(),
              _("Surveillance audit due %(date)s") % {"date": _short(v.due_on)}
              + (" · " + _("Late") if v.due_on < today else "")) for v in visits]
    rows.sort(key=lambda row: row[0])
    return [Section(_("Certificates and surveillance audits to prepare"), [row[1:] for row in rows[:SHOWN]],
                    _("Nothing expires or is due in the next 90 days."), reverse("audits:surveillance_due"))]


def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")
