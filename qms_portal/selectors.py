"""Reads of the core that several views, services and tasks share (services write; selectors read)."""

from django.contrib.auth.models import Permission
from django.db.models import Q

from . import areas
from .models import AccessRequest, Notification
from .permissions import restrict


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
