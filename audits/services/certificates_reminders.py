"""The audits area's reminders (certificates part), through the core's ONE sweep (``qms_portal.reminders``).

One run (``audit_reminders_send``, every morning from beat) collects four sources and sends each
person ONE message listing everything due for them, each line with what is due and its date:

* a certificate (not withdrawn) 90 and then 30 days before it expires — the management
  representative and the ISO officer (document controller) of its unit (``nearest_holders``: the
  role on the unit itself or, where it has none, on the nearest unit above holding it with its
  sub-units);
* a surveillance audit of a current certificate 90 and then 30 days before it is due, until the
  audit that carries it out is linked and closed — the same people;
* an audit (planned or with its auditees notified) 14 and then 7 days before it starts — its
  auditees;
* an audit's report overdue — past ``report_due``, or ``REPORT_DAYS`` after the audit ended when no
  date was set — while it is on site or being reported and unsigned: its lead auditor.

Each record is reminded once per stage and due date (a moved expiry, visit, audit date or report
date starts its reminders again): a second run, beat firing twice, or a worker that died after
claiming, sends nothing twice (the sweep's claims).
"""

from datetime import timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind, Ref
from qms_portal.reminders import Sweep

from ..models import Audit, Certificate, SurveillanceVisit

MESSAGE = "audits_due"
EARLY_DAYS, LATE_DAYS = 90, 30  # certificates and surveillance audits
AUDITEE_EARLY, AUDITEE_LATE = 14, 7  # auditees before an audit
REPORT_DAYS = 14  # a report is due this many days after the audit ends, unless the plan says
MANAGEMENT_REPRESENTATIVE, ISO_OFFICER = "management_representative", "document_controller"

# The claims' names (stable: renaming one would remind everything again).
KIND_EXPIRY, KIND_SURVEILLANCE = "audit_certificate_expiry", "audit_surveillance_due"
KIND_AUDITEES, KIND_REPORT = "audit_coming", "audit_report_overdue"

NOTES = {
    (KIND_EXPIRY, "90"): _("certificate expires within 90 days"),
    (KIND_EXPIRY, "30"): _("certificate expires within 30 days"),
    (KIND_SURVEILLANCE, "90"): _("surveillance audit due within 90 days"),
    (KIND_SURVEILLANCE, "30"): _("surveillance audit due within 30 days"),
    (KIND_AUDITEES, "14"): _("audit of your unit starts within 14 days"),
    (KIND_AUDITEES, "7"): _("audit of your unit starts within 7 days"),
    (KIND_REPORT, "overdue"): _("audit report overdue"),
}

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("%(count)s audit date coming or overdue", "%(count)s audit dates coming or overdue",
                            "count"),
        text=_("Each line says what is due and when: a certificate to renew, a surveillance audit to arrange, an "
               "audit of your unit to prepare for, or an audit report to write and sign."),
    ),
}

AUDITEE_STATUSES = (Audit.Status.PLANNED, Audit.Status.NOTIFIED)
REPORTING_STATUSES = (Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)


def _stage(field, today, late, early):
    """``late`` as text where ``field`` falls within ``late`` days, else ``early``."""
    return Case(When(**{f"{field}__lte": today + timedelta(days=late)}, then=Value(str(late))),
                default=Value(str(early)))


def due_certificates(today):
    return (Certificate.objects.filter(is_withdrawn=False, expires_on__gte=today,
                                       expires_on__lte=today + timedelta(days=EARLY_DAYS))
            .only("pk", "expires_on", "unit_id", "unit__path"))


def due_visits(today):
    """Surveillance audits still to carry out (no audit linked, or its audit not closed yet) of
    current certificates, due within 90 days."""
    done = Audit.objects.filter(pk=OuterRef("audit_id"), status=Audit.Status.CLOSED)
    return (SurveillanceVisit.objects.filter(certificate__is_withdrawn=False, due_on__gte=today,
                                             due_on__lte=today + timedelta(days=EARLY_DAYS))
            .filter(~Exists(done)).only("pk", "due_on", "certificate_id", "certificate__unit_id",
                                        "certificate__unit__path"))


def coming_audits(today):
    return (Audit.objects.filter(status__in=AUDITEE_STATUSES, starts_on__gte=today,
                                 starts_on__lte=today + timedelta(days=AUDITEE_EARLY)).only("pk", "starts_on"))


def overdue_reports(today):
    late = Q(report_due__lt=today) | Q(report_due__isnull=True, ends_on__lt=today - timedelta(days=REPORT_DAYS))
    return (Audit.objects.filter(late, status__in=REPORTING_STATUSES, report_signed_at__isnull=True,
                                 lead_auditor__isnull=False).only("pk", "report_due", "ends_on", "lead_auditor_id"))


def report_due_on(audit):
    """The day ``audit``'s report is due: its plan's date, or ``REPORT_DAYS`` after it ended."""
    return audit.report_due or (audit.ends_on + timedelta(days=REPORT_DAYS))


def _keepers(units):
    """``{unit pk: [user ids]}``: who keeps a unit's certificates (its management representative and
    ISO officer, the nearest holders of each role)."""
    from nonconformities.services.escalation import nearest_holders

    units = list(units)
    reps, officers = nearest_holders(MANAGEMENT_REPRESENTATIVE, units), nearest_holders(ISO_OFFICER, units)
    return {u.pk: list(dict.fromkeys([*reps.get(u.pk, ()), *officers.get(u.pk, ())])) for u in units}


def _certificate_keepers(batch):
    keepers = _keepers({c.unit_id: c.unit for c in batch}.values())
    return {c.pk: keepers.get(c.unit_id, []) for c in batch}


def _visit_keepers(batch):
    keepers = _keepers({v.certificate.unit_id: v.certificate.unit for v in batch}.values())
    return {v.pk: keepers.get(v.certificate.unit_id, []) for v in batch}


def _auditees(batch):
    through = Audit.auditees.through
    told = {a.pk: [] for a in batch}
    rows = (through.objects.filter(audit_id__in=list(told), user__is_active=True).order_by("user_id")
            .values_list("audit_id", "user_id"))
    for audit_id, user_id in rows:
        told[audit_id].append(user_id)
    return told


def _leads(batch):
    return {a.pk: [a.lead_auditor_id] for a in batch}


def _item(model, kind):
    return lambda row: Item(Ref(model, row.pk), note=[NOTES[kind, row._sweep_stage], row._sweep_due])


def audit_reminders_send(*, today=None, now=None, batch_size=1000):
    """Send the audits area's due-date reminders (see the module's text): one sweep, ONE message per
    person. Returns the sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    run = Sweep(message=MESSAGE, url=reverse("home"), now=now or timezone.now(), batch_size=batch_size)
    run.collect(due_certificates(today), kind=KIND_EXPIRY, stage=_stage("expires_on", today, LATE_DAYS, EARLY_DAYS),
                due="expires_on", recipients=_certificate_keepers, item=_item(Certificate, KIND_EXPIRY),
                related=("unit",))
    run.collect(due_visits(today), kind=KIND_SURVEILLANCE, stage=_stage("due_on", today, LATE_DAYS, EARLY_DAYS),
                due="due_on", recipients=_visit_keepers, item=_item(SurveillanceVisit, KIND_SURVEILLANCE),
                related=("certificate__unit",))
    run.collect(coming_audits(today), kind=KIND_AUDITEES,
                stage=_stage("starts_on", today, AUDITEE_LATE, AUDITEE_EARLY), due="starts_on",
                recipients=_auditees, item=_item(Audit, KIND_AUDITEES))
    run.collect(overdue_reports(today), kind=KIND_REPORT, stage="overdue",
                due=Coalesce(F("report_due"), F("ends_on")), recipients=_leads,
                item=lambda a: Item(Ref(Audit, a.pk), note=[NOTES[KIND_REPORT, "overdue"], report_due_on(a)]))
    return run.send()


def due_rows(today=None):
    """How many records are due in some way today (the benchmark's "due" figure)."""
    today = today or timezone.localdate()
    return (due_certificates(today).count() + due_visits(today).count() + coming_audits(today).count()
            + overdue_reports(today).count())
