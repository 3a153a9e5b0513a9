"""The register of risks and opportunities (ISO 9001 6.1): recording one, correcting it, recording
its review (the residual rating after the actions, the next review date, its status), and the
actions on it — its own, or a corrective action of the nonconformities area (an improvement action
planned through ``nonconformities.services.improvement_action_create``, tracked, reminded and
escalated there) when the person recording it says so.

Rules (each with a message for the person who typed it, nothing saved):

* likelihood and impact (or benefit, for an opportunity) are 1 to 5; a residual rating is both
  numbers or neither;
* the next review date and an action's due date cannot be in the past when they are given (a
  date already passed is not a plan); a date that passes later is what the reminders are for;
* the owner of a risk or of an action works in the risk's unit (or below), or sees its risks
  through a role there or above.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import notify
from qms_portal.numbering import next_number
from qms_portal.permissions import ancestor_paths, can
from qms_portal.search import searchable
from qms_portal.services import require_can, save_tracked

from ..models import Risk, RiskAction

NUMBER_KIND = "objectives:RO"
NUMBER_PATTERN = "{unit}-RO-{n:03}"
ADD, CHANGE = "objectives.add_risk", "change"
RISK_FIELDS = ("kind", "process", "title", "description", "cause", "consequence", "likelihood", "impact", "owner",
               "review_on")
REVIEW_FIELDS = ("residual_likelihood", "residual_impact", "review_on", "status")


def owner_candidates(unit):
    """Who may own a risk of ``unit`` or an action on it: the active people who work in the unit or
    below it, or who see its risks through a role on it (or above it, with its sub-units)."""
    roles = RoleAssignment.objects.current().filter(
        unit__is_active=True, role__permissions__codename="view_risk",
        role__permissions__content_type__app_label="objectives",
    ).filter(Q(unit_id=unit.pk) | Q(include_subunits=True, unit__path__in=ancestor_paths(unit.path)))
    return User.objects.filter(is_active=True).filter(
        Q(primary_unit__path__startswith=unit.path) | Q(pk__in=roles.values("user_id"))
    ).exclude(username="system")


def _check_owner(owner, unit, field="owner"):
    if owner is not None and not owner_candidates(unit).filter(pk=owner.pk).exists():
        raise ValidationError({field: _("Choose an owner who works in %(unit)s or sees its risks.") % {"unit": unit}})


def _check_future(day, field):
    if day is not None and day < timezone.localdate():
        raise ValidationError({field: _("This date has already passed: give today or a later date.")})


def _check_scale(values):
    errors = {}
    for field, value in values.items():
        if value is not None and not (1 <= value <= 5):
            errors[field] = _("Give a number from 1 to 5.")
    if errors:
        raise ValidationError(errors)


def _check_residual(likelihood, impact):
    if (likelihood is None) != (impact is None):
        raise ValidationError({"residual_impact" if impact is None else "residual_likelihood":
                               _("Give both numbers of the residual rating, or neither.")})


def _check_process(user, process):
    if process is not None and not can(user, "view", process):
        raise ValidationError({"process": _("Choose a process or procedure you can see.")})


def _search_key(risk):
    return searchable(f"{risk.number} {risk.title}")[:800]


def _tell_owner(obj, acting_user, kind, key):
    if obj.owner_id and obj.owner_id != acting_user.pk and obj.owner.is_active:
        notify([obj.owner], kind, params={"object": obj}, url=obj.get_absolute_url(), key=key)


@transaction.atomic
def risk_create(*, acting_user, unit, title, likelihood, impact, kind=Risk.Kind.RISK, process=None, description="",
                cause="", consequence="", owner=None, review_on=None):
    """Record a risk or an opportunity of ``unit``, numbered ``{unit}-RO-{n:03}``. Its owner is told."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    require_can(acting_user, ADD, unit)
    _check_scale({"likelihood": likelihood, "impact": impact})
    _check_future(review_on, "review_on")
    _check_owner(owner, unit)
    _check_process(acting_user, process)
    risk = Risk(unit=unit, kind=kind, process=process, title=(title or "").strip(), description=description,
                cause=cause, consequence=consequence, likelihood=likelihood, impact=impact, owner=owner,
                review_on=review_on)
    risk.number = "-"  # validated with the rest, then numbered: a refused form consumes no number
    risk.full_clean(exclude=["number"])
    risk.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN,
                              taken=lambda text: Risk.objects.filter(number=text).exists())
    risk.search_key = _search_key(risk)
    save_tracked(risk, acting_user)
    _tell_owner(risk, acting_user, "risk_owned", f"risk:{risk.pk}:owner:{risk.owner_id}")
    return risk


def _lock(risk):
    return Risk.objects.select_for_update().select_related("unit").get(pk=risk.pk)


@transaction.atomic
def risk_update(*, acting_user, risk, **fields):
    """Correct what was recorded (``RISK_FIELDS``). A new review date must not be in the past; a new
    owner is told."""
    unknown = sorted(set(fields) - set(RISK_FIELDS))
    if unknown:
        raise TypeError(f"risk_update() got unexpected fields: {', '.join(unknown)}")
    risk = _lock(risk)
    require_can(acting_user, CHANGE, risk)
    _check_scale({k: fields[k] for k in ("likelihood", "impact") if k in fields})
    if "review_on" in fields and fields["review_on"] != risk.review_on:
        _check_future(fields["review_on"], "review_on")
    if "owner" in fields:
        _check_owner(fields["owner"], risk.unit)
    if "process" in fields and fields["process"] != risk.process:
        _check_process(acting_user, fields["process"])
    previous_owner = risk.owner_id
    for name, value in fields.items():
        setattr(risk, name, value.strip() if name == "title" and isinstance(value, str) else value)
    risk.search_key = _search_key(risk)
    save_tracked(risk, acting_user)
    if risk.owner_id != previous_owner:
        _tell_owner(risk, acting_user, "risk_owned", f"risk:{risk.pk}:owner:{risk.owner_id}")
    return risk


@transaction.atomic
def risk_review(*, acting_user, risk, residual_likelihood, residual_impact, review_on, status, note=""):
    """Record a review of the risk: its residual rating after the actions (both numbers or neither),
    the next review date (none once it is closed), its status; ``note`` is the review's conclusion,
    shown on the History tab. A new review date starts its reminders again."""
    risk = _lock(risk)
    require_can(acting_user, CHANGE, risk)
    _check_scale({"residual_likelihood": residual_likelihood, "residual_impact": residual_impact})
    _check_residual(residual_likelihood, residual_impact)
    if status not in Risk.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == Risk.Status.CLOSED:
        review_on = None
    elif review_on is None:
        raise ValidationError({"review_on": _("Give the date of the next review (a closed risk needs none).")})
    else:
        _check_future(review_on, "review_on")
    risk.residual_likelihood, risk.residual_impact = residual_likelihood, residual_impact
    risk.review_on, risk.status = review_on, status
    return save_tracked(risk, acting_user, reason=(note or "").strip())


# --- actions ---------------------------------------------------------------------------------------

def _check_action(risk, description, owner, due_on):
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("Say what will be done.")
    if due_on is None:
        errors["due_on"] = _("Give a due date.")
    if errors:
        raise ValidationError(errors)
    _check_future(due_on, "due_on")
    _check_owner(owner, risk.unit)


@transaction.atomic
def risk_action_create(*, acting_user, risk, description, owner, due_on, as_corrective_action=False):
    """Plan an action on ``risk`` with its owner and due date. With ``as_corrective_action`` it is
    planned in the nonconformities area as an improvement action of the risk's unit (tracked,
    reminded and escalated there; the action here follows it), which needs the right to plan the
    unit's corrective actions; otherwise it is the register's own. The owner is told."""
    risk = _lock(risk)
    require_can(acting_user, CHANGE, risk)
    if risk.status == Risk.Status.CLOSED:
        raise ValidationError(_("The risk is closed: reopen it through a review before planning actions."))
    description = (description or "").strip()
    _check_action(risk, description, owner, due_on)
    if owner is None:
        raise ValidationError({"owner": _("Choose who will do it.")})
    corrective = None
    if as_corrective_action:
        from nonconformities.services import improvement_action_create

        if not can(acting_user, "nonconformities.add_correctiveaction", risk.unit):
            raise ValidationError({"as_corrective_action": _(
                "You may not plan corrective actions for %(unit)s: record the action here instead.")
                % {"unit": risk.unit}})
        try:
            corrective = improvement_action_create(acting_user=acting_user, unit=risk.unit, description=description,
                                                   owner=owner, due=due_on)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "owner" in error.error_dict:
                raise ValidationError({"owner": error.error_dict["owner"]}) from error
            raise
    action = RiskAction(risk=risk, description=description, owner=owner, due_on=due_on, corrective_action=corrective)
    save_tracked(action, acting_user)
    if corrective is None:  # (the corrective action told its owner already)
        _tell_owner(action, acting_user, "risk_action_assigned", f"riskaction:{action.pk}:owner:{action.owner_id}")
    return action


def may_complete(user, action):
    """The action's owner, or whoever may change the risk, records it done or cancels it (an action
    tracked as a corrective action is recorded there)."""
    return action.corrective_action_id is None and action.status == RiskAction.Status.OPEN and (
        action.owner_id == user.pk or can(user, CHANGE, action.risk))


def _lock_action(action, user):
    action = RiskAction.objects.select_for_update().select_related("risk__unit").get(pk=action.pk)
    if action.corrective_action_id is not None:
        raise ValidationError(_("This action is tracked as a corrective action: record its progress there."))
    if action.status != RiskAction.Status.OPEN:
        raise ValidationError(_("This action is no longer open."))
    if not may_complete(user, action):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return action


@transaction.atomic
def risk_action_complete(*, acting_user, action, note, done_on=None):
    """Record an own action done (on ``done_on``, by default today: not in the future), saying what
    was done."""
    action = _lock_action(action, acting_user)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    action.status, action.done_on, action.note = RiskAction.Status.DONE, done_on, note.strip()
    return save_tracked(action, acting_user)


@transaction.atomic
def risk_action_cancel(*, acting_user, action, reason):
    """Cancel an own action that is no longer needed, with the reason."""
    action = _lock_action(action, acting_user)
    if not (reason or "").strip():
        raise ValidationError({"note": _("Say why the action is no longer needed.")})
    action.status, action.note = RiskAction.Status.CANCELLED, reason.strip()
    return save_tracked(action, acting_user, reason=reason.strip())
