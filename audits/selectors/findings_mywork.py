"""The findings part of "My work": the auditors' nonconformity findings still to raise as records
(the close waits for them), and, for who manages a unit's actions, the recent observations about it
that have no improvement action. A fixed number of queries whatever the data size."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms_portal.mywork import Section
from qms_portal.permissions import restrict

from ..models import Audit, Finding

SHOWN = 10
RECENT_DAYS = 90


def _label(finding):
    return f"{finding.audit.number}/{finding.number} · {finding.description[:80]}"


def findings_work(user):
    sections = []
    if user.has_perm("audits.change_finding"):
        rows = (restrict(Finding.objects.filter(grade__in=Finding.NONCONFORMITY_GRADES, nonconformity__isnull=True)
                         .exclude(audit__status=Audit.Status.CLOSED), user, "change")
                .select_related("audit").only("pk", "number", "description", "grade", "audit__number")
                .order_by("audit_id", "number")[:SHOWN])
        if rows:
            sections.append(Section(_("Findings to raise as nonconformities"),
                                    [(_label(f), f.get_absolute_url(), f.get_grade_display()) for f in rows],
                                    "", reverse("audits:finding_list") + "?open=true"))
    if user.has_perm("nonconformities.add_correctiveaction") and user.has_perm("audits.view_finding"):
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        candidates = Finding.objects.filter(grade__in=[Finding.Grade.OBSERVATION, Finding.Grade.OPPORTUNITY],
                                            improvement_action__isnull=True, audit__ends_on__gte=since)
        rows = (restrict(restrict(candidates, user, "nonconformities.add_correctiveaction"), user, "view")
                .select_related("audit").only("pk", "number", "description", "grade", "audit__number")
                .order_by("-audit__ends_on", "number")[:SHOWN])
        if rows:
            sections.append(Section(_("Audit observations about my units"),
                                    [(_label(f), f.get_absolute_url(), f.get_grade_display()) for f in rows],
                                    "", reverse("audits:finding_list") + "?grade=observation"))
    return sections
