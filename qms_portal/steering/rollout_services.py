"""Writes of the rollout board: moving a unit to another phase, planning its phases, ticking a
checklist item by hand (with evidence) and withdrawing a tick. Each checks
``qms_portal.change_unitrollout`` on the unit, saves in the acting user's name (History tab) and
runs in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..attachments import attachment_add
from ..models import Unit
from ..services import require_can, save_tracked
from .models import ENDING, PHASES, Phase, RolloutTick, UnitRollout
from .rollout import ITEMS

PERMISSION = "qms_portal.change_unitrollout"


def _locked_rollout(unit):
    """The unit's rollout, locked (created in organisational preparation if it has none yet)."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one mover at a time, row or not
    rollout = UnitRollout.objects.select_for_update().filter(unit=unit).first()
    return rollout or UnitRollout(unit=unit)


@transaction.atomic
def unit_rollout_move(*, acting_user, unit, phase, reason="", on=None):
    """Move ``unit`` to ``phase``. Moving on completes the phases it leaves (their actual end is
    ``on``, today by default, where none was recorded); moving back re-opens the phase it returns
    to and those after it (their ends are cleared; the History tab keeps them)."""
    require_can(acting_user, PERMISSION, unit)
    if phase not in PHASES:
        raise ValidationError(_("Choose one of the phases."))
    on = on or timezone.localdate()
    rollout = _locked_rollout(unit)
    if rollout.pk and rollout.phase == phase:
        raise ValidationError(_("The unit is already in this phase."))
    old, new = PHASES.index(rollout.phase), PHASES.index(phase)
    for index, code in enumerate(ENDING):
        if old <= index < new and rollout.done_on(code) is None:
            setattr(rollout, f"done_{code}", on)
        elif index >= new:
            setattr(rollout, f"done_{code}", None)
    rollout.phase, rollout.phase_since = phase, on
    if rollout.started_on is None:
        rollout.started_on = on
    return save_tracked(rollout, acting_user, reason=reason.strip())


@transaction.atomic
def unit_rollout_plan(*, acting_user, unit, planned_start=None, started_on=None, planned=None, done=None):
    """Set the unit's plan: its planned start, the planned end of each phase (``{phase: date}``),
    and, for a rollout begun before the portal, the day it started and the day each phase it has
    left was completed (``done``). Dates follow the phases' order; nothing is completed later
    than today, nor a phase the unit has not left."""
    require_can(acting_user, PERMISSION, unit)
    rollout = _locked_rollout(unit)
    planned, done = planned or {}, done or {}
    errors = []
    current = PHASES.index(rollout.phase)
    today = timezone.localdate()
    for code in ENDING:
        if done.get(code) and PHASES.index(code) >= current:
            errors.append(_("“%(phase)s” is not completed: the unit has not moved past it.")
                          % {"phase": Phase(code).label})
        if done.get(code) and done[code] > today:
            errors.append(_("“%(phase)s” cannot be completed after today.") % {"phase": Phase(code).label})
    errors += _order_errors(planned_start, [(code, planned.get(code)) for code in ENDING], _("planned"))
    errors += _order_errors(started_on, [(code, done.get(code)) for code in ENDING], _("completed"))
    if errors:
        raise ValidationError(errors)
    rollout.planned_start, rollout.started_on = planned_start, started_on
    for code in ENDING:
        setattr(rollout, f"planned_{code}", planned.get(code))
        if PHASES.index(code) < current:
            setattr(rollout, f"done_{code}", done.get(code))
    return save_tracked(rollout, acting_user)


def _order_errors(start, ends, which):
    """A message for each date earlier than one before it (start first, then the phases' ends)."""
    errors, last, last_label = [], start, _("the start")
    for code, end in ends:
        if end is None:
            continue
        if last is not None and end < last:
            errors.append(_("The %(which)s end of “%(phase)s” is before %(earlier)s.")
                          % {"which": which, "phase": Phase(code).label, "earlier": last_label})
        last, last_label = end, _("the end of “%(phase)s”") % {"phase": Phase(code).label}
    return errors


@transaction.atomic
def rollout_item_tick(*, acting_user, unit, item, note, evidence=None):
    """Tick ``item`` of the checklist for ``unit`` by hand, with a note and, if given, a file as
    evidence (``qms_portal.attachments``: validated, stored with the tick)."""
    require_can(acting_user, PERMISSION, unit)
    if item not in {i.code for i in ITEMS}:
        raise ValidationError(_("There is no such checklist item."))
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    if RolloutTick.objects.filter(unit=unit, item=item, withdrawn_at=None).exists():
        raise ValidationError(_("This item is already ticked for the unit."))
    tick = save_tracked(RolloutTick(unit=unit, item=item, note=note.strip(), ticked_by=acting_user), acting_user)
    if evidence is not None:
        attachment_add(acting_user=acting_user, target=tick, upload=evidence)
    return tick


@transaction.atomic
def rollout_tick_withdraw(*, acting_user, tick, reason):
    """Withdraw a hand tick (the item is open again); the tick, its evidence and the reason stay."""
    tick = RolloutTick.objects.select_for_update().get(pk=tick.pk)
    require_can(acting_user, PERMISSION, tick.unit)
    if tick.withdrawn_at is not None:
        raise ValidationError(_("This tick was already withdrawn."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for withdrawing the tick."))
    tick.withdrawn_at, tick.withdrawn_by, tick.withdrawal_reason = timezone.now(), acting_user, reason.strip()
    return save_tracked(tick, acting_user, reason=reason.strip())
