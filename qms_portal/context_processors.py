from django.conf import settings

from . import fragments

UNREAD_SECONDS = 300


def unread_generation(user_id):
    return f"unread:{user_id}"


def forget_unread(user_ids):
    """The unread counts of these people changed (``notify`` and ``notification_mark_read`` write
    in bulk, so they say so themselves; a single notification saved or deleted is tracked)."""
    fragments.bump(*(unread_generation(pk) for pk in user_ids))


def unread_piece(user):
    """How many of ``user``'s notifications are unread: a COUNT kept in the cache until one arrives
    or is read. A view that reads pieces of its own adds this one to the same round trip and hands
    the figure to the navigation with ``remember_unread``."""
    return fragments.Piece(
        fragments.entry_key("unread", user.pk), (unread_generation(user.pk),),
        lambda: user.notifications.filter(read_at__isnull=True).count(), UNREAD_SECONDS,
    )


def unread_count(user):
    return fragments.cached_many({"unread": unread_piece(user)})["unread"]


def remember_unread(request, count):
    request.qms_unread_count = count


def portal(request):
    """The unread count for the navigation and the languages for the switcher."""
    user = getattr(request, "user", None)
    unread = getattr(request, "qms_unread_count", None)
    if unread is None:
        unread = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"unread_count": unread, "portal_languages": settings.LANGUAGES}
