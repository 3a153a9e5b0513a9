"""A unit's annual training plan (ISO 9001 7.2): the plan for a unit and a year (its budget line
and note), its items (a need, a course or a title, the month, the people planned), the sessions held
for each item, and the management representative's approval (draft → awaiting approval → approved,
signed; the coordinator submits it and the people who may approve it are told; an approver may
also approve a draft directly, or return a submitted plan to draft with a reason).

Rules (each with a message for the person who typed it, nothing saved):

* one plan per unit and year; the year between 2000 and 2100;
* an item says what is planned: a course or a title; its month is 1–12 (or none); its people
  planned are not negative;
* the sessions linked to an item are sessions organised in the plan's unit or below it, starting
  in the plan's year, not cancelled;
* an item with sessions linked is not taken out (unlink them first): what was done stays in the plan;
* approving needs at least one item. An approved plan can still be changed (a plan follows the
  year): each change after the approval is recorded on the History tab with the reason
  "Changed after the plan was approved".
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qms_portal.history import reason
from qms_portal.models import Unit
from qms_portal.notifications import notify
from qms_portal.permissions import users_who_can
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..models import Course, PlanItem, Session, TrainingPlan

P = TrainingPlan.Status
ADD = "training.add_trainingplan"
APPROVE = "training.approve_trainingplan"
CHANGE = "training.change_trainingplan"
AFTER_APPROVAL = gettext_noop("Changed after the plan was approved")
PLAN_FIELDS = ("budget", "note")
ITEM_FIELDS = ("need", "course", "title", "month", "participants", "note")
# Sessions that count as done for an item: held or closed (planned, invited or cancelled do not).
DONE_SESSION_STATUSES = (Session.Status.HELD, Session.Status.CLOSED)


def _after_approval(plan):
    return reason(AFTER_APPROVAL) if plan.status == P.APPROVED else ""


def _lock(plan):
    return TrainingPlan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)


@transaction.atomic
def plan_create(*, acting_user, unit, year, budget="", note=""):
    """A draft plan for ``unit`` and ``year``."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    require_can(acting_user, ADD, unit)
    if year is None or not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if TrainingPlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(unit)s already has a training plan for %(year)s.") % {
            "unit": unit.name, "year": year}})
    plan = TrainingPlan(unit=unit, year=int(year), budget=(budget or "").strip(), note=(note or "").strip())
    return save_tracked(plan, acting_user)


@transaction.atomic
def plan_update(*, acting_user, plan, **fields):
    """Change the plan's budget line and note (``PLAN_FIELDS``)."""
    unknown = sorted(set(fields) - set(PLAN_FIELDS))
    if unknown:
        raise TypeError(f"plan_update() got unexpected fields: {', '.join(unknown)}")
    plan = _lock(plan)
    require_can(acting_user, "change", plan)
    for name, value in fields.items():
        setattr(plan, name, (value or "").strip())
    return save_tracked(plan, acting_user, reason=_after_approval(plan))


def _clean_item(fields):
    errors = {}
    course, title = fields.get("course"), (fields.get("title") or "").strip()
    fields["title"] = title
    if course is None and not title:
        errors["title"] = _("Say what is planned: choose a course or give a title.")
    if course is not None and not isinstance(course, Course):
        errors["course"] = _("Choose a course of the catalogue.")
    month = fields.get("month")
    if month is not None and not 1 <= int(month) <= 12:
        errors["month"] = _("Give a month from 1 to 12.")
    participants = fields.get("participants")
    if participants is None:
        fields["participants"] = 0
    elif int(participants) < 0:
        errors["participants"] = _("The number of people cannot be negative.")
    if fields.get("need") not in PlanItem.Need.values:
        errors["need"] = _("Choose what need the item answers.")
    if errors:
        raise ValidationError(errors)
    fields["note"] = (fields.get("note") or "").strip()
    return fields


@transaction.atomic
def plan_item_add(*, acting_user, plan, need, title="", course=None, month=None, participants=0, note=""):
    """Add an item to the plan: ``need`` (``PlanItem.Need``), a course or a title, the month, the
    people planned."""
    plan = _lock(plan)
    require_can(acting_user, "change", plan)
    fields = _clean_item({"need": need, "course": course, "title": title, "month": month,
                          "participants": participants, "note": note})
    item = PlanItem(plan=plan, **fields)
    save_tracked(item, acting_user, reason=_after_approval(plan))
    return item


@transaction.atomic
def plan_item_update(*, acting_user, item, **fields):
    """Correct an item (``ITEM_FIELDS``)."""
    unknown = sorted(set(fields) - set(ITEM_FIELDS))
    if unknown:
        raise TypeError(f"plan_item_update() got unexpected fields: {', '.join(unknown)}")
    plan = _lock(item.plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    item.plan = plan
    require_can(acting_user, "change", item)
    current = {name: getattr(item, name) for name in ITEM_FIELDS}
    fields = _clean_item({**current, **fields})
    for name, value in fields.items():
        setattr(item, name, value)
    return save_tracked(item, acting_user, reason=_after_approval(plan))


@transaction.atomic
def plan_item_remove(*, acting_user, item):
    """Take an item out of the plan (its history stays). An item with sessions linked stays."""
    plan = _lock(item.plan)
    item = PlanItem.objects.get(pk=item.pk)
    item.plan = plan
    require_can(acting_user, "change", item)
    if item.sessions.exists():
        raise ValidationError(_("Sessions are linked to this item: unlink them before taking it out."))
    item._history_user = acting_user
    after = _after_approval(plan)
    if after:
        item._change_reason = after
    item.delete()
    return plan


def sessions_for(plan):
    """The sessions that may be linked to the plan's items: organised in the plan's unit or below
    it, starting in the plan's year, not cancelled."""
    return (Session.objects.filter(unit__path__startswith=plan.unit.path, starts_at__year=plan.year)
            .exclude(status=Session.Status.CANCELLED))


@transaction.atomic
def plan_item_link_sessions(*, acting_user, item, sessions):
    """Set the sessions held for ``item`` (those of ``sessions_for(plan)`` only; none: unlinked)."""
    plan = _lock(item.plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    item.plan = plan
    require_can(acting_user, "change", item)
    sessions = list(sessions)
    allowed = set(sessions_for(plan).filter(pk__in=[s.pk for s in sessions]).values_list("pk", flat=True))
    if any(s.pk not in allowed for s in sessions):
        raise ValidationError({"sessions": _("Choose sessions organised in %(unit)s or below it in %(year)s.") % {
            "unit": plan.unit.name, "year": plan.year}})
    return save_tracked(item, acting_user, reason=_after_approval(plan), m2m={"sessions": sessions})


# --- the approval -------------------------------------------------------------------------------------


def _has_items(plan, user):
    return plan.items.exists()


HAS_ITEMS = Guard(_has_items, gettext_lazy("Add at least one item to the plan before approving it."))
HAS_ITEMS_TO_SUBMIT = Guard(_has_items, gettext_lazy("Add at least one item to the plan before submitting it."))


def _on_submit(plan, user, reason, data):
    """Tell the people who may approve the plan (the approving permission on its unit, through the
    core's permission mechanism), one message each, in their own language; not the submitter."""
    approvers = users_who_can(APPROVE, plan).exclude(pk=user.pk)
    notify(approvers, "trainingplan_submitted", params={"object": plan, "by": user.full_name or user.username},
           url=plan.get_absolute_url())


WORKFLOW = Workflow(
    model=TrainingPlan,
    transitions=[
        Transition(name="submit", label=gettext_lazy("Submit the training plan for approval"), sources=(P.DRAFT,),
                   target=P.SUBMITTED, permission=CHANGE, guards=(HAS_ITEMS_TO_SUBMIT,), effect=_on_submit),
        Transition(name="approve", label=gettext_lazy("Approve the training plan"), sources=(P.DRAFT, P.SUBMITTED),
                   target=P.APPROVED, permission=APPROVE, guards=(HAS_ITEMS,), signature="approved",
                   button="success"),
        Transition(name="return", label=gettext_lazy("Return the training plan to its author"),
                   sources=(P.SUBMITTED,), target=P.DRAFT, permission=APPROVE, reason_required=True,
                   button="warning"),
    ],
)


def register_workflow():
    return register(WORKFLOW)


def plan_transition(*, acting_user, plan, name, reason="", password="", data=None):
    """Submit the plan for approval (its approvers are told), approve it (signed, meaning
    "approved") or return it to draft (with a reason), through the workflow engine."""
    return WORKFLOW.perform(plan, name, acting_user=acting_user, reason=reason, password=password, data=data)


@transaction.atomic
def plan_item_add_suggested(*, acting_user, plan, key):
    """Add the need the data shows (``selectors.plan.suggestions``: ``gap:<competence>``,
    ``refresher:<competence>``, ``revision:<revision>``, ``new_staff``) as an item, as the data
    shows it now: its course or title, month and people."""
    from ..selectors.plan import suggestion

    found = suggestion(plan, key)
    if found is None:
        raise ValidationError(_("This need is no longer found in the data: add an item by hand if it is still "
                                "needed."))
    if found.planned:
        raise ValidationError(_("The plan already has an item for this need."))
    return plan_item_add(acting_user=acting_user, plan=plan, need=found.need, title=found.title, course=found.course,
                         month=found.month, participants=found.participants, note=found.detail[:300])
