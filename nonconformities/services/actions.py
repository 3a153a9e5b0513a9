"""Corrective actions (correction, corrective, preventive, improvement) and their due-date extensions.

An action is planned for one nonconformity and may serve others too (a systemic fix:
``action_link``). Its owner gets single-object grants: they see the action and the nonconformities
it serves, and record its progress, whatever their roles. Every due date it ever had is in its
history; ``original_due`` keeps the first."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal import permissions
from qms_portal.history import reason as reason_for
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import notify
from qms_portal.people_picker import PeopleScope, people_source
from qms_portal.permissions import ancestor_paths, can, users_who_can
from qms_portal.services import require_can, save_tracked

from ..models import ACTIVE_ACTION_STATUSES, CorrectiveAction, DueDateExtension, Nonconformity

S = Nonconformity.Status
A = CorrectiveAction.Status
# While a nonconformity takes new actions (or new links to existing ones).
PLANNING_STATUSES = (S.ACTION_PLAN, S.IN_PROGRESS)
OWNER_PERMISSIONS = ("view", "nonconformities.complete_correctiveaction")


def owner_candidates(unit):
    """Who may own an action of ``unit``: the active people who work in the unit or below it, or
    who see its nonconformities through a role on it (or above it, with its sub-units)."""
    roles = RoleAssignment.objects.current().filter(
        unit__is_active=True, role__permissions__codename="view_nonconformity",
        role__permissions__content_type__app_label="nonconformities",
    ).filter(Q(unit_id=unit.pk) | Q(include_subunits=True, unit__path__in=ancestor_paths(unit.path)))
    return User.objects.filter(is_active=True).filter(
        Q(primary_unit__path__startswith=unit.path) | Q(pk__in=roles.values("user_id"))
    ).exclude(username="system")


@people_source
def owners_of(user, unit):
    """The people picker's source for an action's owner: ``owner_candidates`` of the unit with id
    ``unit`` (the form that names it was opened by someone who may plan its actions)."""
    found = Unit.objects.filter(pk=unit).only("pk", "path").first()
    return owner_candidates(found) if found is not None else User.objects.none()


def owner_scope(unit):
    """The people an action of ``unit`` may be given to, as a people picker's scope."""
    return PeopleScope(f"{__name__}.owners_of", params=(("unit", unit.pk),))


def _check_owner(owner, unit):
    if owner is None or not owner_candidates(unit).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose an owner who works in %(unit)s or sees its nonconformities.")
                               % {"unit": unit}})


def _check_due(due, field="due"):
    if due is None:
        raise ValidationError({field: _("Give a due date.")})
    if due < timezone.localdate():
        raise ValidationError({field: _("The due date cannot be in the past.")})


def _lock_nc(nonconformity):
    return Nonconformity.objects.select_for_update().select_related("unit").get(pk=nonconformity.pk)


def _lock_action(action):
    return CorrectiveAction.objects.select_for_update().select_related("unit", "owner").get(pk=action.pk)


def _grant_owner(owner, action, nonconformities):
    for perm in OWNER_PERMISSIONS:
        permissions.grant(owner, perm, action)
    for nc in nonconformities:
        permissions.grant(owner, "view", nc)


def _revoke_owner(owner, action):
    for perm in OWNER_PERMISSIONS:
        permissions.revoke(owner, perm, action)
    for nc in action.nonconformities.all():
        # Still following the nonconformity when they reported it or own another of its actions.
        if nc.reported_by_id != owner.pk and not nc.actions.filter(owner=owner).exclude(pk=action.pk).exists():
            permissions.revoke(owner, "view", nc)


def _tell_owner(action, acting_user):
    if action.owner_id != acting_user.pk:
        notify([action.owner], "action_assigned", params={"object": action, "due": action.due},
               url=action.get_absolute_url(), key=f"action:{action.pk}:owner:{action.owner_id}")


@transaction.atomic
def action_create(*, acting_user, nonconformity, description, owner, due, kind=CorrectiveAction.Kind.CORRECTIVE):
    """Plan an action for ``nonconformity`` (during the action plan, or later while the actions are
    in progress). The owner is told."""
    nc = _lock_nc(nonconformity)
    require_can(acting_user, "change", nc)
    require_can(acting_user, "nonconformities.add_correctiveaction", nc.unit)
    if nc.status not in PLANNING_STATUSES:
        raise ValidationError(_("Actions are planned after the cause analysis, while the nonconformity is in its "
                                "action plan or its actions are in progress."))
    _check_due(due)
    _check_owner(owner, nc.unit)
    action = CorrectiveAction(unit=nc.unit, kind=kind, description=(description or "").strip(), owner=owner,
                              original_due=due, due=due)
    save_tracked(action, acting_user, m2m={"nonconformities": [nc]})
    _grant_owner(owner, action, [nc])
    _tell_owner(action, acting_user)
    return action


@transaction.atomic
def improvement_action_create(*, acting_user, unit, description, owner, due):
    """An improvement action of ``unit`` that serves no nonconformity (an audit's observation or
    opportunity for improvement leads to it), planned by whoever manages the unit's actions. The
    owner is told and follows it, and it is reminded and escalated like any corrective action."""
    require_can(acting_user, "nonconformities.add_correctiveaction", unit)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what will be done.")})
    _check_due(due)
    _check_owner(owner, unit)
    action = CorrectiveAction(unit=unit, kind=CorrectiveAction.Kind.IMPROVEMENT, description=description,
                              owner=owner, original_due=due, due=due)
    save_tracked(action, acting_user)
    _grant_owner(owner, action, [])
    _tell_owner(action, acting_user)
    return action


@transaction.atomic
def action_update(*, acting_user, action, description=None, owner=None, due=None, kind=None):
    """Change an open or running action: what is done, who owns it, its type, its due date. (The
    owner moves the due date by asking for an extension.)"""
    action = _lock_action(action)
    require_can(acting_user, "change", action)
    if not action.is_active:
        raise ValidationError(_("A done or cancelled action cannot be changed."))
    if due is not None and due != action.due:
        _check_due(due)
        action.due = due
    if description is not None:
        action.description = description.strip()
    if kind is not None:
        action.kind = kind
    previous_owner = action.owner
    if owner is not None and owner.pk != action.owner_id:
        _check_owner(owner, action.unit)
        action.owner = owner
    save_tracked(action, acting_user)
    if action.owner_id != previous_owner.pk:
        _revoke_owner(previous_owner, action)
        _grant_owner(action.owner, action, action.nonconformities.all())
        _tell_owner(action, acting_user)
    return action


@transaction.atomic
def action_link(*, acting_user, action, nonconformity):
    """Let an existing action serve another nonconformity too (a systemic fix)."""
    action = _lock_action(action)
    nc = _lock_nc(nonconformity)
    require_can(acting_user, "change", nc)
    require_can(acting_user, "view", action)
    if nc.status not in PLANNING_STATUSES:
        raise ValidationError(_("Actions are planned after the cause analysis, while the nonconformity is in its "
                                "action plan or its actions are in progress."))
    if action.status == A.CANCELLED:
        raise ValidationError(_("A cancelled action cannot serve another nonconformity."))
    current = list(action.nonconformities.all())
    if nc in current:
        raise ValidationError(_("This action already serves that nonconformity."))
    save_tracked(action, acting_user, m2m={"nonconformities": [*current, nc]},
                 reason=reason_for(gettext_noop("Now also serves %(number)s"), number=nc.number))
    permissions.grant(action.owner, "view", nc)
    return action


@transaction.atomic
def action_start(*, acting_user, action):
    """The owner (or who manages the action) says the work has begun."""
    action = _lock_action(action)
    require_can(acting_user, "nonconformities.complete_correctiveaction", action)
    if action.status != A.OPEN:
        raise ValidationError(_("Only an open action can be started."))
    action.status = A.IN_PROGRESS
    return save_tracked(action, acting_user)


@transaction.atomic
def action_complete(*, acting_user, action, completion_note, evidence=()):
    """Done: what was done (required) and the evidence (uploads, checked by the core's attachments;
    a refused file leaves nothing saved)."""
    from qms_portal.attachments import attachment_add

    action = _lock_action(action)
    require_can(acting_user, "nonconformities.complete_correctiveaction", action)
    if not action.is_active:
        raise ValidationError(_("This action is already done or cancelled."))
    note = (completion_note or "").strip()
    if not note:
        raise ValidationError({"completion_note": _("Say what was done.")})
    for upload in evidence:  # before the action is locked for attachments by its new status
        attachment_add(acting_user=acting_user, target=action, upload=upload)
    action.status = A.DONE
    action.completion_note = note
    action.completed_at = timezone.now()
    save_tracked(action, acting_user)
    _decline_pending(action, acting_user)
    return action


@transaction.atomic
def action_cancel(*, acting_user, action, reason):
    """Cancel an action that is no longer needed; the reason is required and kept."""
    action = _lock_action(action)
    require_can(acting_user, "change", action)
    if not action.is_active:
        raise ValidationError(_("This action is already done or cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling the action.")})
    action.status = A.CANCELLED
    action.cancel_reason = reason
    save_tracked(action, acting_user, reason=reason)
    _decline_pending(action, acting_user)
    return action


def _decline_pending(action, user):
    """A finished action has no extension to decide any more."""
    for extension in action.extensions.filter(status=DueDateExtension.Status.PENDING):
        extension.status = DueDateExtension.Status.DECLINED
        extension.decided_at = timezone.now()
        extension.decision_note = _("The action was finished before a decision.")
        save_tracked(extension, user)


# --- Due-date extensions ----------------------------------------------------------------------


@transaction.atomic
def extension_request(*, acting_user, action, requested_due, reason):
    """The owner asks to move the due date, with a reason; the management representative decides."""
    action = _lock_action(action)
    require_can(acting_user, "nonconformities.complete_correctiveaction", action)
    if not action.is_active:
        raise ValidationError(_("This action is already done or cancelled."))
    if action.extensions.filter(status=DueDateExtension.Status.PENDING).exists():
        raise ValidationError(_("An extension of this action is already waiting for a decision."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    _check_due(requested_due, "requested_due")
    if requested_due <= action.due:
        raise ValidationError({"requested_due": _("The new due date must be later than the current one (%(due)s).")
                               % {"due": action.due}})
    extension = save_tracked(DueDateExtension(action=action, requested_by=acting_user, previous_due=action.due,
                                              requested_due=requested_due, reason=reason), acting_user)
    deciders = users_who_can("nonconformities.decide_extension", extension).exclude(pk=acting_user.pk)
    notify(deciders, "extension_requested", params={"object": action, "due": requested_due},
           url=extension.get_absolute_url(), key=f"extension:{extension.pk}")
    return extension


@transaction.atomic
def extension_decide(*, acting_user, extension, approve, note=""):
    """Approve (the action's due date moves; its original due date stays) or decline (with a note)."""
    extension = DueDateExtension.objects.select_for_update().select_related("action").get(pk=extension.pk)
    require_can(acting_user, "nonconformities.decide_extension", extension)
    if extension.status != DueDateExtension.Status.PENDING:
        raise ValidationError(_("This extension was already decided."))
    if extension.requested_by_id == acting_user.pk:
        raise PermissionDenied(_("You cannot decide on your own request."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for declining.")})
    action = _lock_action(extension.action)
    extension.decided_by = acting_user
    extension.decided_at = timezone.now()
    extension.decision_note = note
    if approve:
        if action.status not in ACTIVE_ACTION_STATUSES:
            raise ValidationError(_("This action is already done or cancelled."))
        extension.status = DueDateExtension.Status.APPROVED
        save_tracked(extension, acting_user)
        action.due = extension.requested_due
        save_tracked(action, acting_user, reason=reason_for(gettext_noop("Due date extended to %(due)s"),
                                                            due=action.due.isoformat()))
        notify([extension.requested_by], "extension_approved", params={"object": action, "due": action.due},
               url=action.get_absolute_url())
    else:
        extension.status = DueDateExtension.Status.DECLINED
        save_tracked(extension, acting_user)
        notify([extension.requested_by], "extension_declined", params={"object": action, "reason": note},
               url=action.get_absolute_url())
    return extension


def may_complete(user, action):
    return can(user, "nonconformities.complete_correctiveaction", action)
