"""The risks part's reminders, through the core's ONE sweep (``qms_portal.reminders``).

One run (``risk_reminders_send``, every morning from beat) collects two sources and sends each
person ONE message listing everything due for them, each line with what is due and its date:

* a risk or opportunity (open or treated) whose next review is within 14 days, and again once the
  date has passed — its owner (or, when it has none, the nearest department head of its unit);
* an own action on a risk (open) past its due date — its owner (or the risk's owner). Actions
  tracked as corrective actions are reminded and escalated by the nonconformities area.

Each is reminded once per stage and date: a second run, beat firing twice, or a worker that died
after claiming sends nothing twice; a new review or due date starts its reminders again.
"""

from datetime import timedelta

from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind, Ref
from qms_portal.reminders import Sweep

from ..models import Risk, RiskAction
from ..selectors.risks import ACTIVE, REVIEW_SOON_DAYS

MESSAGE = "risks_due"
KIND_REVIEW, KIND_ACTION = "risk_review_due", "risk_action_overdue"  # the claims' names (stable)
DEPARTMENT_HEAD = "department_head"

NOTES = {
    (KIND_REVIEW, "soon"): _("review due within 14 days"),
    (KIND_REVIEW, "late"): _("review date passed"),
    (KIND_ACTION, "late"): _("action overdue"),
}

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("%(count)s risk review or action due", "%(count)s risk reviews or actions due", "count"),
        text=_("Each line says what is due and when: a risk or opportunity to review (its residual rating after the "
               "actions, and its next review date), or an action on a risk that is overdue."),
    ),
    "risk_owned": _("You own a risk or opportunity: %(object)s"),
    "risk_action_assigned": _("An action on a risk was given to you: %(object)s"),
}


def due_reviews(today):
    return (Risk.objects.filter(status__in=ACTIVE, review_on__isnull=False,
                                review_on__lte=today + timedelta(days=REVIEW_SOON_DAYS))
            .only("pk", "review_on", "owner_id", "unit_id", "unit__path"))


def overdue_actions(today):
    return (RiskAction.objects.filter(status=RiskAction.Status.OPEN, corrective_action__isnull=True,
                                      due_on__lt=today, risk__status__in=ACTIVE)
            .only("pk", "due_on", "owner_id", "risk_id", "risk__owner_id"))


def _heads(units):
    from nonconformities.services.escalation import nearest_holders

    return nearest_holders(DEPARTMENT_HEAD, list(units))


def _review_people(batch):
    ownerless = {r.unit_id: r.unit for r in batch if r.owner_id is None}
    heads = _heads(ownerless.values()) if ownerless else {}
    return {r.pk: [r.owner_id] if r.owner_id else list(heads.get(r.unit_id, ())) for r in batch}


def _action_people(batch):
    return {a.pk: [a.owner_id or a.risk.owner_id] if (a.owner_id or a.risk.owner_id) else [] for a in batch}


def _item(model, kind):
    return lambda row: Item(Ref(model, row.pk), note=[NOTES[kind, row._sweep_stage], row._sweep_due])


def risk_reminders_send(*, today=None, now=None, batch_size=1000):
    """Send the risks part's reminders (see the module's text): ONE message per person. Returns the
    sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    run = Sweep(message=MESSAGE, url=f"{reverse('objectives:risk_list')}?mine=true", now=now or timezone.now(),
                batch_size=batch_size)
    run.collect(due_reviews(today), kind=KIND_REVIEW,
                stage=Case(When(review_on__lt=today, then=Value("late")), default=Value("soon")), due="review_on",
                recipients=_review_people, item=_item(Risk, KIND_REVIEW), related=("unit",))
    run.collect(overdue_actions(today), kind=KIND_ACTION, stage="late", due="due_on", recipients=_action_people,
                item=_item(RiskAction, KIND_ACTION), related=("risk",))
    return run.send()


def due_rows(today=None):
    """How many records are due in some way today (the benchmark's "due" figure)."""
    today = today or timezone.localdate()
    return due_reviews(today).count() + overdue_actions(today).count()
