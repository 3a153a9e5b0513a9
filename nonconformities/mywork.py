"""The nonconformities area's part of "My work" (nc-core): my corrective actions still to do, the
nonconformities waiting for my step, and the due-date extensions waiting for my decision. A fixed
number of queries whatever the data size."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from qms_portal.mywork import Section
from qms_portal.permissions import restrict

from .models import ACTIVE_ACTION_STATUSES, CorrectiveAction, DueDateExtension, Nonconformity

SHOWN = 10


def steps():
    """``[(permission, [states it is waited on in])]``, read from the workflow's ``waiting``."""
    by_permission = {}
    for state, perm in Nonconformity.workflow.waiting.items():
        by_permission.setdefault(perm, []).append(state)
    return list(by_permission.items())


def nonconformity_work(user):
    sections = []
    held = user.has_perm
    if held("nonconformities.view_correctiveaction"):
        mine = (CorrectiveAction.objects.filter(owner=user, status__in=ACTIVE_ACTION_STATUSES)
                .only("pk", "description", "due", "status", "kind").order_by("due", "pk")[:SHOWN])
        sections.append(Section(
            _("My corrective actions"),
            [(str(a), a.get_absolute_url(), _("Due %(date)s") % {"date": _short(a.due)}
              + (" · " + _("Overdue") if a.is_overdue else "")) for a in mine],
            _("No corrective action waits for you."), reverse("nonconformities:action_list") + "?mine=true"))
    condition = Q(pk__in=[])
    waited_on = steps()
    for perm, states in waited_on:
        if held(perm):
            waiting = restrict(Nonconformity.objects.filter(status__in=states), user, perm)
            if perm.endswith("verify_nonconformity"):
                waiting = waiting.exclude(actions__owner=user)
            condition |= Q(pk__in=waiting.values("pk"))
    if any(held(perm) for perm, _states in waited_on):
        rows = (Nonconformity.objects.filter(condition).only("pk", "number", "title", "status")
                .order_by("detected_on", "pk")[:SHOWN])
        sections.append(Section(
            _("Nonconformities waiting for my step"),
            [(f"{nc.number} · {nc.title}", nc.get_absolute_url(), nc.get_status_display()) for nc in rows],
            _("No nonconformity waits for you."), reverse("nonconformities:register")))
    if held("nonconformities.decide_extension"):
        pending = (restrict(DueDateExtension.objects.filter(status=DueDateExtension.Status.PENDING), user,
                            "nonconformities.decide_extension")
                   .exclude(requested_by=user).select_related("action").order_by("created_at", "pk")[:SHOWN])
        sections.append(Section(
            _("Due date extensions to decide"),
            [(str(e.action), e.get_absolute_url(), f"{_short(e.previous_due)} → {_short(e.requested_due)}")
             for e in pending],
            _("No extension waits for your decision.")))
    return sections


def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")
