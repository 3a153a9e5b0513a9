"""Reads of the core that several views, services and tasks share (services write; selectors read):
the permissions roles may carry, what waits for a person, and who held which role, when."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import areas
from .models import AccessRequest, Notification, Role, RoleAssignment
from .permissions import ancestor_paths, permission_id, restrict


def assignable_permissions():
    """The permissions a role may carry: the core's and the areas' (``settings.QMS_AREAS``), not
    Django's internals nor the history tables'."""
    return Permission.objects.filter(content_type__app_label__in=areas.labels()).exclude(
        content_type__model__startswith="historical").select_related("content_type")


def access_requests_to_decide(user, limit=20):
    """Pending access requests ``user`` may decide (not their own)."""
    return (
        restrict(AccessRequest.objects.all(), user, "qms_portal.decide_accessrequest")
        .filter(status=AccessRequest.Status.PENDING)
        .exclude(requester=user)
        .select_related("requester", "role", "unit")[:limit]
    )


def my_open_access_requests(user, limit=20):
    return AccessRequest.objects.filter(requester=user, status=AccessRequest.Status.PENDING).select_related(
        "role", "unit")[:limit]


def visible_access_requests(user):
    """The access requests ``user`` may list: within their scope, and their own wherever they are."""
    from .permissions import scope_q

    if user.is_superuser:
        return AccessRequest.objects.all()
    return AccessRequest.objects.filter(scope_q(AccessRequest, user, "qms_portal.view_accessrequest")
                                        | Q(requester=user))


def unread_notifications(user, limit=10):
    return list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit])


def day_bounds(day):
    """The first and the last moment of ``day`` (a date) in the portal's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - timedelta(microseconds=1)
    return start, end


def roles_giving(perm, at=None):
    """The ids of the roles that gave ``perm`` ("app_label.codename") at ``at`` (None: now).

    A role's permissions at a past moment are read from its history (each historical record of a
    role keeps its set of permissions): the role's last record made by ``at``. A role without such a
    record, or whose record keeps no set (recorded before permissions were tracked), is taken with
    its permissions as they are now."""
    pid = permission_id(perm)
    if pid is None:
        return set()
    now = set(Role.permissions.through.objects.filter(permission_id=pid).values_list("role_id", flat=True))
    if at is None:
        return now
    history = Role.history.model
    last = history.objects.filter(id=OuterRef("pk"), history_date__lte=at).order_by("-history_date", "-history_id")
    records = dict(Role.objects.annotate(record=Subquery(last.values("history_id")[:1])).values_list("pk", "record"))
    sets = HistoricalRecords.m2m_models[Role._meta.get_field("permissions")]
    known = [r for r in records.values() if r is not None]
    kept = set(sets.objects.filter(history_id__in=known).values_list("history_id", flat=True).distinct())
    giving = set(sets.objects.filter(history_id__in=known, permission_id=pid).values_list("history_id", flat=True))
    giving_then = set()
    for role_id, record in records.items():
        if record in kept:
            if record in giving:
                giving_then.add(role_id)
        elif role_id in now:
            giving_then.add(role_id)
    return giving_then


def holders(*, perm, unit, at):
    """The people who held ``perm`` on ``unit`` at the moment ``at``: through an assignment begun by
    then and not yet ended, on the unit itself or on a unit above it with its sub-units, of a role
    that gave ``perm`` then (``roles_giving``). The unit tree and the people's and units' active
    flags are read as they are now."""
    assignments = (
        RoleAssignment.objects.held_at(at)
        .filter(role_id__in=roles_giving(perm, at))
        .filter(Q(unit=unit) | Q(include_subunits=True, unit__path__in=ancestor_paths(unit.path)))
    )
    return get_user_model().objects.filter(pk__in=assignments.values("user_id"))


def assignments_held(queryset, day):
    """The assignments of ``queryset`` held at some moment of ``day`` (a date), for a roster on a date."""
    start, end = day_bounds(day)
    return queryset.held_during(start, end)
