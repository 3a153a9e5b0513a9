"""The plan part of "My work": programmes waiting for my approval, the audits I lead or am on, and
the audits coming up about my work (as an auditee). A fixed number of queries whatever the data."""

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qms_portal.mywork import Section
from qms_portal.permissions import restrict

from ..models import Audit, AuditProgramme, ProgrammeEntry
from .plan import DONE_STATUSES, audits_of_user

SHOWN = 10


def _when(audit):
    return f"{_short(audit.starts_on)} – {_short(audit.ends_on)} · {audit.get_status_display()}"


def plan_work(user):
    sections = []
    if user.has_perm("audits.approve_auditprogramme"):
        drafts = (restrict(AuditProgramme.objects.filter(status=AuditProgramme.Status.DRAFT, entries__isnull=False),
                           user, "audits.approve_auditprogramme").distinct().select_related("unit")
                  .order_by("year", "pk")[:SHOWN])
        sections.append(Section(
            _("Audit programmes to approve"),
            [(str(p), p.get_absolute_url(), str(p.year)) for p in drafts],
            _("No audit programme waits for your approval."), reverse("audits:programme_list") + "?status=draft"))
    if user.has_perm("audits.change_auditprogramme"):
        late = late_programme_entries(user)
        if late:
            sections.append(Section(
                _("Programme audits past their month"),
                [(str(p), p.get_absolute_url(), ngettext("%(n)s audit not done", "%(n)s audits not done", n) % {"n": n})
                 for p, n in late], ""))
    if user.has_perm("audits.view_audit"):
        mine = (audits_of_user(user).exclude(status=Audit.Status.CLOSED)
                .only("pk", "number", "title", "starts_on", "ends_on", "status").order_by("starts_on", "pk")[:SHOWN])
        mine = list(mine)
        if mine or user.has_perm("audits.conduct_audit"):
            sections.append(Section(
                _("Audits I lead or am on"),
                [(f"{a.number} · {a.title}", a.get_absolute_url(), _when(a)) for a in mine],
                _("You are on no open audit."), reverse("audits:audit_list") + "?mine=true&status=open"))
        today = timezone.localdate()
        coming = (Audit.Status.NOTIFIED, Audit.Status.IN_PROGRESS)
        about_me = list(Audit.objects.filter(auditees=user, status__in=coming, ends_on__gte=today)
                        .only("pk", "number", "title", "starts_on", "ends_on", "status")
                        .order_by("starts_on", "pk")[:SHOWN])
        if about_me:
            sections.append(Section(
                _("Audits of my work coming up"),
                [(f"{a.number} · {a.title}", a.get_absolute_url(), _when(a)) for a in about_me],
                ""))
    return sections


def late_programme_entries(user, today=None):
    """This year's programmes ``user`` keeps whose planned audits are past their month with no audit
    reporting or closed: ``[(programme, how many)]`` in two queries, the gaps to close before the
    year ends."""
    today = today or timezone.localdate()
    done = Audit.objects.filter(programme_entry=OuterRef("pk"), status__in=DONE_STATUSES)
    rows = (restrict(ProgrammeEntry.objects.filter(programme__year=today.year, planned_month__lt=today.month),
                     user, "audits.change_auditprogramme")
            .exclude(Exists(done)).order_by().values("programme_id").annotate(n=Count("pk")))
    counts = {row["programme_id"]: row["n"] for row in rows[:SHOWN]}
    programmes = AuditProgramme.objects.select_related("unit").in_bulk(list(counts))
    return [(programmes[pk], n) for pk, n in counts.items() if pk in programmes]


def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")
