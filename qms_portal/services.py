"""Every change of state in the core. Views, tasks, commands and tests call these.

Each service takes keyword-only arguments and an ``acting_user``, checks that user's permission
through ``permissions.can`` and records history with that user as the author.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from . import outbox, permissions
from .history import reason as fixed_reason
from .models import AccessRequest, Notification, Role, RoleAssignment, Unit, User
from .notifications import notify
from .permissions import can, users_who_can
from .workflow import Guard, Transition, Workflow, not_the_author, register

# Reasons are stored untranslated and shown in the reader's language (qms_portal.history).
ACTIVE_REASON = {True: fixed_reason(gettext_noop("reactivated")), False: fixed_reason(gettext_noop("deactivated"))}


class EditConflict(ValidationError):
    """Someone else saved the record after this form was opened: nothing was written, and the form
    keeps what the user typed (``ServiceFormView.on_conflict``)."""


def require_can(user, action, obj):
    """Every service checks the acting user's permission through the one mechanism."""
    if not can(user, action, obj):
        raise PermissionDenied


def save_tracked(obj, acting_user, reason="", m2m=None):
    """Validate and save a history-tracked record in the acting user's name.

    ``reason`` is shown on the History tab in the reader's language: a fixed text through
    ``history.reason(msgid, **params)`` (or ``gettext_noop``), or what a person typed, as typed.
    ``m2m`` sets many-to-many fields in the same step (``{"clauses": [...]}``): the model lists them
    in ``history_m2m_fields``, and the save and the new sets make ONE historical record."""
    obj._history_user = acting_user
    if reason:
        obj._change_reason = reason
    obj.full_clean()
    if not m2m:
        obj.save()
        return obj
    history = getattr(type(obj), "_portal_history", None)
    if history is None:  # not a BaseModel: simple-history records the save and each change of a set
        obj.save()
        for name, values in m2m.items():
            getattr(obj, name).set(values)
        return obj
    created = obj._state.adding
    obj.skip_history_when_saving = True  # neither the save nor each set writes its own record
    try:
        obj.save()
        for name, values in m2m.items():
            getattr(obj, name).set(values)
    finally:
        del obj.skip_history_when_saving
    history.record(obj, created)
    return obj


# --- Units ----------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, acting_user, code, name, kind, parent=None, runs_own_qms=False):
    if parent is None:
        if not acting_user.is_superuser:
            raise PermissionDenied
    else:
        require_can(acting_user, "qms_portal.add_unit", parent)
    unit = Unit(code=code, name=name, kind=kind, parent=parent, runs_own_qms=runs_own_qms)
    unit.compute_path()
    return save_tracked(unit, acting_user)


@transaction.atomic
def unit_update(*, acting_user, unit, **fields):
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_can(acting_user, "change", unit)
    new_parent = fields.pop("parent", unit.parent)
    for name, value in fields.items():
        setattr(unit, name, value)
    save_tracked(unit, acting_user)
    if new_parent != unit.parent:
        unit_move(acting_user=acting_user, unit=unit, parent=new_parent)
        unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_move(*, acting_user, unit, parent):
    """Move a unit (and its sub-tree) under another parent. Every moved row keeps its history."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_can(acting_user, "change", unit)
    if parent is None:
        if not acting_user.is_superuser:
            raise PermissionDenied
    else:
        require_can(acting_user, "qms_portal.add_unit", parent)
        if parent.path.startswith(unit.path):
            raise ValidationError(_("A unit cannot be moved under itself or one of its sub-units."))
    old_path = unit.path
    unit.parent = parent
    unit.compute_path()
    save_tracked(unit, acting_user, reason=fixed_reason(gettext_noop("moved")))
    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
        child.path = unit.path + child.path[len(old_path):]
        child.depth = child.path.count("/") - 2
        save_tracked(child, acting_user, reason=fixed_reason(gettext_noop("moved with its parent unit")))
    return unit


@transaction.atomic
def unit_set_active(*, acting_user, unit, active):
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_can(acting_user, "change", unit)
    if not active and unit.children.filter(is_active=True).exists():
        raise ValidationError(_("Deactivate the sub-units first: this unit still has active sub-units."))
    if active and unit.parent and not unit.parent.is_active:
        raise ValidationError(_("Reactivate the parent unit first."))
    unit.is_active = active
    return save_tracked(unit, acting_user, reason=ACTIVE_REASON[active])


# --- Users ----------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, acting_user, username, full_name, email, primary_unit, position="", phone="",
                language="en", password=None, send_set_password_link=False, request=None):
    require_can(acting_user, "qms_portal.add_user", primary_unit)
    user = User(username=username, full_name=full_name, email=email, primary_unit=primary_unit,
                position=position, phone=phone, language=language)
    if password:
        user.set_password(password)
        user.must_change_password = True
    else:
        user.set_unusable_password()
    save_tracked(user, acting_user)
    if send_set_password_link and user.email:
        user_send_password_link(acting_user=acting_user, user=user, request=request)
    return user


def user_send_password_link(*, acting_user, user, request=None):
    """E-mail the user Django's own password-setting link (the same as "forgot password"), in their
    language. Only an outbox row is written here; the e-mail is built and sent by a task after the
    commit (``outbox.send_password_email``)."""
    if not (user.is_active and user.email):
        return None
    return outbox.queue_password_email(
        user_id=user.pk,
        domain=request.get_host() if request else _site_domain(),
        # without a request (imports, commands, tasks) the site address says which scheme to use
        use_https=request.is_secure() if request else _site_url().startswith("https://"),
    )


def _site_url():
    from django.conf import settings

    return settings.QMS_SITE_URL


def _site_domain():
    return _site_url().split("://", 1)[-1].rstrip("/")


@transaction.atomic
def user_update(*, acting_user, user, **fields):
    user = User.objects.select_for_update().get(pk=user.pk)
    require_can(acting_user, "change", user)
    if "primary_unit" in fields and fields["primary_unit"] != user.primary_unit:
        require_can(acting_user, "qms_portal.add_user", fields["primary_unit"])
    for name, value in fields.items():
        setattr(user, name, value)
    return save_tracked(user, acting_user)


@transaction.atomic
def user_set_active(*, acting_user, user, active):
    """Deactivate (never delete) or reactivate a person. A deactivated person's sessions end at
    their next request: the authentication backend no longer returns an inactive user."""
    user = User.objects.select_for_update().get(pk=user.pk)
    require_can(acting_user, "qms_portal.deactivate_user", user)
    if user.pk == acting_user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    return save_tracked(user, acting_user, reason=ACTIVE_REASON[active])


@transaction.atomic
def user_set_password(*, acting_user, user, password, temporary=True):
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk != acting_user.pk:
        require_can(acting_user, "qms_portal.deactivate_user", user)
    user.set_password(password)
    user.must_change_password = temporary and user.pk != acting_user.pk
    return save_tracked(user, acting_user, reason=fixed_reason(gettext_noop("password set")))


@transaction.atomic
def user_set_preferences(*, acting_user, language, notification_mode, phone):
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    user.language, user.notification_mode, user.phone = language, notification_mode, phone
    return save_tracked(user, acting_user)


# --- Roles ----------------------------------------------------------------------------------


def may_edit_roles(user, role=None):
    """What a role grants is the same in every unit: only those who administer the whole tree (or
    superusers) change it; the administrator of one branch assigns roles, never rewrites them."""
    return permissions.administers_whole_tree(user, "qms_portal.change_role" if role else "qms_portal.add_role")


@transaction.atomic
def role_save(*, acting_user, role=None, code, name, description="", permissions=()):
    if not may_edit_roles(acting_user, role):
        raise PermissionDenied
    role = role or Role()
    role.code, role.name, role.description = code, name, description
    return save_tracked(role, acting_user, m2m={"permissions": permissions})


def _check_separation_of_duties(acting_user, user, role, unit, include_subunits):
    """Nobody gives a role to themselves; and only someone who may give any role there (an
    administrator of that branch: ``assign_any_role``) gives a role carrying permissions they do not
    hold themselves on that unit (and below it, when the role reaches the sub-units). A management
    representative may appoint an internal auditor, not a document controller with rights they lack."""
    if user.pk == acting_user.pk:
        raise ValidationError(_("You cannot give a role to yourself: ask another person who manages roles here."))
    if permissions.holds_over(acting_user, "qms_portal.assign_any_role", unit, include_subunits):
        return
    missing = [p for p in role.permissions.select_related("content_type")
               if not permissions.holds_over(acting_user, f"{p.content_type.app_label}.{p.codename}", unit,
                                             include_subunits)]
    if missing:
        names = ", ".join(sorted({gettext(p.name) for p in missing})[:5]) + ("…" if len(missing) > 5 else "")
        raise ValidationError(
            _("You cannot give the role “%(role)s” on this unit: it carries permissions you do not hold there "
              "yourself (%(missing)s). Ask an administrator.") % {"role": role, "missing": names})


@transaction.atomic
def role_assign(*, acting_user, user, role, unit, include_subunits=True, notify_user=True):
    require_can(acting_user, "qms_portal.add_roleassignment", unit)
    if not acting_user.is_superuser:
        _check_separation_of_duties(acting_user, user, role, unit, include_subunits)
    if not unit.is_active:
        raise ValidationError(_("This unit is deactivated: a role on it would grant nothing."))
    if not user.is_active:
        raise ValidationError(_("This person is deactivated."))
    if RoleAssignment.objects.current().filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(_("This person already holds this role on this unit."))
    assignment = RoleAssignment(user=user, role=role, unit=unit, include_subunits=include_subunits,
                                granted_by=acting_user)
    save_tracked(assignment, acting_user)
    permissions.forget(user)
    if notify_user:
        notify([user], "role_assigned", params={"role": role, "unit": unit}, url=unit.get_absolute_url())
    return assignment


@transaction.atomic
def role_assignment_end(*, acting_user, assignment, reason=""):
    """End a role assignment now. It is kept (with who ended it, when and why) and grants nothing
    from now on; the person may be given the same role again later (a new assignment)."""
    assignment = RoleAssignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    require_can(acting_user, "delete", assignment)
    if assignment.ended_at is not None:
        raise ValidationError(_("This role assignment has already ended."))
    assignment.ended_at = timezone.now()
    assignment.ended_by = acting_user
    assignment.end_reason = reason.strip()
    save_tracked(assignment, acting_user,
                 reason=assignment.end_reason or fixed_reason(gettext_noop("role assignment ended")))
    permissions.forget(assignment.user)
    return assignment


# --- Access requests (the core's own workflow) -------------------------------------------------


@transaction.atomic
def access_request_create(*, acting_user, role, unit, include_subunits, justification):
    if not unit.is_active:
        raise ValidationError(_("This unit is deactivated."))
    request = save_tracked(
        AccessRequest(requester=acting_user, role=role, unit=unit, include_subunits=include_subunits,
                      justification=justification),
        acting_user,
    )
    # The requester follows their own request, wherever it is: single-object grants.
    permissions.grant(acting_user, "view", request)
    permissions.grant(acting_user, "qms_portal.withdraw_accessrequest", request)
    deciders = users_who_can("qms_portal.decide_accessrequest", request).exclude(pk=acting_user.pk)
    notify(deciders, "accessrequest_submitted", params={"object": request}, url=request.get_absolute_url(),
           key=f"accessrequest:{request.pk}:submitted")
    return request


def _grant_requested_role(request, user, reason, data):
    assignment = RoleAssignment.objects.current().filter(user=request.requester, role=request.role,
                                                         unit=request.unit).first()
    if assignment is None:
        assignment = role_assign(acting_user=user, user=request.requester, role=request.role, unit=request.unit,
                                 include_subunits=request.include_subunits, notify_user=False)
    request.assignment = assignment
    request._history_user = user
    request.save(update_fields=["assignment", "updated_at"])
    notify([request.requester], "accessrequest_approved", params={"object": request},
           url=request.get_absolute_url())


def _tell_requester_rejected(request, user, reason, data):
    notify([request.requester], "accessrequest_rejected", params={"object": request},
           url=request.get_absolute_url())


ACCESS_REQUEST_WORKFLOW = register(
    Workflow(
        model=AccessRequest,
        waiting={AccessRequest.Status.PENDING: "qms_portal.decide_accessrequest"},
        transitions=[
            Transition(
                name="approve", label=gettext_lazy("Approve"), sources=(AccessRequest.Status.PENDING,),
                target=AccessRequest.Status.APPROVED, permission="qms_portal.decide_accessrequest",
                guards=(not_the_author("requester"),), signature="approved", effect=_grant_requested_role,
                button="success",
            ),
            Transition(
                name="reject", label=gettext_lazy("Reject"), sources=(AccessRequest.Status.PENDING,),
                target=AccessRequest.Status.REJECTED, permission="qms_portal.decide_accessrequest",
                guards=(not_the_author("requester"),), reason_required=True, effect=_tell_requester_rejected,
                button="danger",
            ),
            Transition(
                name="withdraw", label=gettext_lazy("Withdraw"), sources=(AccessRequest.Status.PENDING,),
                target=AccessRequest.Status.WITHDRAWN, permission="qms_portal.withdraw_accessrequest",
                guards=(Guard(lambda obj, user: obj.requester_id == user.pk,
                              gettext_lazy("Only the person who asked can withdraw the request.")),),
                button="secondary",
            ),
        ],
    )
)


def access_request_transition(*, acting_user, access_request, name, reason="", password=None, data=None):
    return ACCESS_REQUEST_WORKFLOW.perform(access_request, name, acting_user=acting_user, reason=reason,
                                           password=password, data=data)


# --- Inbox ----------------------------------------------------------------------------------


def notification_mark_read(*, acting_user, notification=None):
    from django.utils import timezone

    from .context_processors import forget_unread

    # Notifications are not history-tracked records, so one UPDATE is right here.
    rows = Notification.objects.filter(recipient=acting_user, read_at__isnull=True)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    count = rows.update(read_at=timezone.now())
    forget_unread([acting_user.pk])
    return count


# --- The portal's own account, for scheduled work ------------------------------------------------


def system_user():
    """The account that scheduled tasks act as (publishing on the effective date…). It cannot sign
    in (no usable password) and appears in history as "QMS Portal (automatic)"."""
    user = User.objects.filter(username="system").first()
    if user is None:
        user = User(username="system", full_name="QMS Portal (automatic)", is_superuser=True, email="")
        user.set_unusable_password()
        user.save()
    return user
