"""What the certificates part registers (merged by ``audits.apps``): the certificate register's
permissions, the reminders' message and beat entry, the dashboard's figures, the scale builder and
the bench pages (this part names ``scale`` and ``bench`` for the whole area)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure, MenuLink
from qms_portal.links import unit_register

CERT_READ = ["audits.view_certificate", "audits.view_surveillancevisit"]
CERT_KEEP = ["audits.add_certificate", "audits.change_certificate", "audits.change_surveillancevisit"]


def _findings_link(unit, period):

    return unit_register("audits:finding_list", unit, open="true")


def _entries_link(*, state="", yearly=False):
    """The programme entries' register filtered to exactly the rows a programme figure counts for a
    unit's subtree: the entries of the programmes of the unit and the units below it (the roll-up's
    unit, ``ProgrammeEntry.unit_field``), in ``state`` (``selectors.programme_register``); a figure
    of the period's year (``yearly``) takes the year as ``Figure`` does (the period's last day's;
    without a period, this year's)."""

    from django.utils import timezone

    def link(unit, period):
        query = {}
        if yearly:
            query["year"] = period.end.year if period is not None else timezone.localdate().year
        if state:
            query["state"] = state
        return unit_register("audits:programme_entry_list", unit, **query)

    return link


def _figures():
    from django.urls import reverse_lazy

    from ..models import Finding
    from ..selectors import certificates as s

    figures_url = reverse_lazy("audits:figures")

    def grade(value):
        return lambda user: s.findings_of_grade(user, value)

    return [
        # The programme's coverage: this year's entries audited, out of this year's entries (as of now).
        # (of the programme of the period's year: a month of 2025 reads 2025's programme)
        Figure("audits.programme_coverage", _("Audit programme coverage, the period's year"), s.programme_entries_done,
               figures_url, "good", kind="rate", denominator=s.programme_entries, limits=(0.8, 0.5), yearly=True,
               link=_entries_link(state="done", yearly=True)),
        Figure("audits.programme_entries", _("Programme entries, the period's year"), s.programme_entries,
               figures_url, "good", column=False, yearly=True, link=_entries_link(yearly=True)),
        Figure("audits.programme_entries_done", _("Programme entries audited, the period's year"),
               s.programme_entries_done, figures_url, "good", column=False, yearly=True,
               link=_entries_link(state="done", yearly=True)),
        Figure("audits.programme_entries_behind", _("Programme entries behind their month"),
               s.programme_entries_behind, figures_url, limits=(0, 2), link=_entries_link(state="behind")),
        Figure("audits.planned", _("Audits planned this year"), s.audits_planned, figures_url, "good", column=False),
        Figure("audits.done", _("Audits done this year"), s.audits_done, figures_url, "good", column=False),
        # For the annual ISO report (qms_portal.steering): internal audits closed, by their start.
        Figure("audits.internal_done", _("Internal audits done in the period"), s.internal_audits_done, figures_url,
               "good", period_field="starts_on", column=False),
        Figure("audits.findings_major", _("Major nonconformity findings in the past 12 months"),
               grade(Finding.Grade.MAJOR), figures_url, column=False),
        Figure("audits.findings_minor", _("Minor nonconformity findings in the past 12 months"),
               grade(Finding.Grade.MINOR), figures_url, column=False),
        Figure("audits.findings_observation", _("Observations in the past 12 months"),
               grade(Finding.Grade.OBSERVATION), figures_url, column=False),
        Figure("audits.findings_open", _("Open nonconformity findings"), s.open_findings, figures_url,
               limits=(0, 3), link=_findings_link),
    ]


def _kinds():
    from ..services.certificates_reminders import KINDS

    return KINDS


PART = {
    "menu_links": [
        MenuLink(_("Certificates"), "audits:certificate_list", "audits.view_certificate"),
        MenuLink(_("Surveillance audits due"), "audits:surveillance_due", "audits.view_certificate"),
        MenuLink(_("Audit figures"), "audits:figures", "audits.view_audit"),
    ],
    "roles": {
        "steering_committee": list(CERT_READ),
        "management_representative": [*CERT_READ, *CERT_KEEP],
        "document_controller": [*CERT_READ, *CERT_KEEP],  # the unit's ISO officer
        "department_head": list(CERT_READ),
        "internal_auditor": list(CERT_READ),
    },
    "beat": {
        "audits-reminders": {"task": "audits.tasks_certificates.send_reminders",
                             "schedule": crontab(minute=15, hour=6)},
    },
    "scale": "audits.scale.AuditsScale",
    "bench": "audits.bench.AuditsBench",
}


def ready():
    from .. import tasks_certificates  # noqa: F401 - registers the task with the worker
    from ..selectors.certificates_mywork import certificate_work

    PART["notification_kinds"] = _kinds()
    PART["my_work"] = [certificate_work]
    PART["dashboard"] = _figures()
