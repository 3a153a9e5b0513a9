"""Escalation of corrective actions by their due date (the core's ONE sweep, ``qms_portal.reminders``).

Stages, each sent once per action, stage and due date (a due-date extension gives a new due date,
so the reminders start again for it):

* ``7`` and ``1`` — due within 7 days, then due tomorrow (or today): the action's owner;
* ``overdue`` — past its due date: the owner and the department head of the action's unit;
* ``14`` — 14 days or more past its due date: the management representative of the action's unit.

"The department head" and "the management representative" of a unit are the current holders of
that role on the unit itself or, where it has none, on the nearest unit above it holding it with
its sub-units (``nearest_holders``). One run is one ``Sweep``: each person gets ONE message listing
every action due for them, each with its stage and due date, rendered in the reader's language.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.models import RoleAssignment
from qms_portal.notifications import Item, Ref
from qms_portal.permissions import ancestor_paths
from qms_portal.reminders import Sweep

from ..models import ACTIVE_ACTION_STATUSES, CorrectiveAction

MESSAGE = "actions_escalated"
SOON_DAYS, LAST_DAYS, ESCALATE_DAYS = 7, 1, 14
DEPARTMENT_HEAD, MANAGEMENT_REPRESENTATIVE = "department_head", "management_representative"

# What each listed action says beside it (with its due date).
STAGE_NOTES = {
    "7": _("due within 7 days"),
    "1": _("due tomorrow"),
    "overdue": _("overdue"),
    "14": _("overdue 14 days or more"),
}
# The claims' names (stable: renaming one would remind everything again).
KIND_DUE, KIND_OVERDUE, KIND_ESCALATED = "nc_action_due", "nc_action_overdue", "nc_action_escalated"


def nearest_holders(role_code, units):
    """``{unit pk: [user ids]}``: the active current holders of the role ``role_code`` on each of
    ``units``, or — where a unit has none — on the nearest unit above it that holds it with its
    sub-units. One query, whatever the number of units."""
    units = {unit.pk: unit for unit in units}
    chains = {pk: ancestor_paths(unit.path) for pk, unit in units.items()}
    wanted = {path for chain in chains.values() for path in chain}
    found = defaultdict(list)
    if wanted:
        rows = (RoleAssignment.objects.current().filter(role__code=role_code, user__is_active=True,
                                                        unit__path__in=wanted)
                .order_by("user_id").values_list("unit__path", "unit_id", "include_subunits", "user_id"))
        for path, unit_id, subunits, user_id in rows:
            found[path].append((unit_id, subunits, user_id))
    answer = {}
    for pk, chain in chains.items():
        for path in reversed(chain):  # the unit itself first, then up the tree
            people = [user for unit_id, subunits, user in found.get(path, ()) if unit_id == pk or subunits]
            if people:
                answer[pk] = list(dict.fromkeys(people))
                break
    return answer


def _active():
    return CorrectiveAction.objects.filter(status__in=ACTIVE_ACTION_STATUSES).only("pk", "due", "owner_id", "unit_id",
                                                                                 "unit__path")


def _item(action):
    """The action (its text read in bulk by the sweep), its stage and due date beside it."""
    return Item(Ref(CorrectiveAction, action.pk), note=[STAGE_NOTES[action._sweep_stage], action.due])


def _owners(batch):
    return {a.pk: [a.owner_id] for a in batch}


def _owners_and_heads(batch):
    heads = nearest_holders(DEPARTMENT_HEAD, {a.unit_id: a.unit for a in batch}.values())
    return {a.pk: list(dict.fromkeys([a.owner_id, *heads.get(a.unit_id, ())])) for a in batch}


def _representatives(batch):
    reps = nearest_holders(MANAGEMENT_REPRESENTATIVE, {a.unit_id: a.unit for a in batch}.values())
    return {a.pk: reps.get(a.unit_id, []) for a in batch}


def actions_escalate(*, today=None, now=None, batch_size=1000):
    """Remind and escalate the open and running corrective actions by their due date (see the
    module's text): one sweep, ONE message per person. Returns the sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    run = Sweep(message=MESSAGE, url=reverse("nonconformities:action_list"), now=now or timezone.now(),
                batch_size=batch_size)
    soon = _active().filter(due__gte=today, due__lte=today + timedelta(days=SOON_DAYS))
    run.collect(soon, kind=KIND_DUE,
                stage=Case(When(due__lte=today + timedelta(days=LAST_DAYS), then=Value("1")), default=Value("7")),
                due="due", recipients=_owners, item=_item, related=("unit",))
    run.collect(_active().filter(due__lt=today), kind=KIND_OVERDUE, stage="overdue", due="due",
                recipients=_owners_and_heads, item=_item, related=("unit",))
    run.collect(_active().filter(due__lte=today - timedelta(days=ESCALATE_DAYS)), kind=KIND_ESCALATED, stage="14",
                due="due", recipients=_representatives, item=_item, related=("unit",))
    return run.send()
