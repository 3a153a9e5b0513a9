from django.conf import settings

from . import fragments

UNREAD_SECONDS = 300


def unread_generation(user_id):
    return f"unread:{user_id}"


def forget_unread(user_ids):
    """The unread counts of these people changed (``notify`` and ``notification_mark_read`` write
    in bulk, so they say so themselves; a single notification saved or deleted is tracked)."""
    fragments.bump(*(unread_generation(pk) for pk in user_ids))


def unread_count(user):
    """How many of ``user``'s notifications are unread: a COUNT kept in the cache until one arrives
    or is read."""
    return fragments.cached(
        fragments.entry_key("unread", user.pk), (unread_generation(user.pk),),
        lambda: user.notifications.filter(read_at__isnull=True).count(), UNREAD_SECONDS,
    )


def portal(request):
    """The unread count for the navigation and the languages for the switcher."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = unread_count(user)
    return {"unread_count": unread, "portal_languages": settings.LANGUAGES}
