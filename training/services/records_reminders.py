"""The records part's reminder: the effectiveness checks falling due, through the core's ONE sweep
(``qms_portal.reminders``).

One run (``effectiveness_reminders_send``, every morning from beat) sends each department head ONE
message listing every check of their people that is due within 14 days ("soon") or whose date has
passed ("late"): the heads of the participant's unit (or, where it has none, the nearest unit above
it whose head holds the role with its sub-units). Each check is reminded once per stage and due
date: beat firing twice, or a worker that died after claiming, sends nothing twice."""

from datetime import timedelta

from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind
from qms_portal.reminders import Sweep

from ..models import EffectivenessCheck
from ..selectors.records import SOON_DAYS

MESSAGE = "training_effectiveness_due"
KIND = "training_effectiveness_due"  # the claims' name (stable)
DEPARTMENT_HEAD = "department_head"

NOTES = {"soon": _("effectiveness check due"), "late": _("effectiveness check overdue")}

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("%(count)s training effectiveness check due",
                            "%(count)s training effectiveness checks due", "count"),
        text=_("Some months after a training session, say whether it worked for each of your people listed "
               "(ISO 9001 7.2 c): effective, partly effective or not effective, with a note."),
    ),
}


def due_checks(today):
    return (EffectivenessCheck.objects.filter(checked_on__isnull=True, participant__unit__isnull=False,
                                              due_on__lte=today + timedelta(days=SOON_DAYS)))


def _heads(batch):
    from nonconformities.services.escalation import nearest_holders

    units = {c.participant.unit_id: c.participant.unit for c in batch}
    heads = nearest_holders(DEPARTMENT_HEAD, list(units.values()))
    return {c.pk: list(heads.get(c.participant.unit_id, ())) for c in batch}


def _item(row):
    return Item(row, note=[NOTES[row._sweep_stage], row._sweep_due])


def effectiveness_reminders_send(*, today=None, now=None, batch_size=1000):
    """Remind the heads of the effectiveness checks falling due (see the module's text): ONE message
    per head. Returns the sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    run = Sweep(message=MESSAGE, url=reverse("training:effectiveness_list"), now=now or timezone.now(),
                batch_size=batch_size)
    run.collect(due_checks(today), kind=KIND,
                stage=Case(When(due_on__lt=today, then=Value("late")), default=Value("soon")), due="due_on",
                recipients=_heads, item=_item,
                related=("participant__unit", "participant__user", "participant__session__course"))
    return run.send()


def due_rows(today=None):
    return due_checks(today or timezone.localdate()).count()
