"""What every page's layout shows: the unread count in the navigation, the languages, the
navigation bar."""

import functools

from django.conf import settings

from . import fragments
from .navigation import navigation_html

UNREAD_SECONDS = 300


def unread_generation(user_id):
    return f"unread:{user_id}"


# Everyone's unread count at once: renewed instead of one generation per person when a bulk write
# (a reminder sweep, a message to a whole province) tells more people than this.
UNREAD_ALL = "unread:all"
BULK_UNREAD = 200


def forget_unread(user_ids):
    """The unread counts of these people changed (``notify`` and ``notification_mark_read`` write
    in bulk, so they say so themselves; a single notification saved or deleted is tracked). For
    more than ``BULK_UNREAD`` people one shared generation is renewed, not thousands of keys."""
    user_ids = list(user_ids)
    if len(user_ids) > BULK_UNREAD:
        fragments.bump(UNREAD_ALL)
    else:
        fragments.bump(*(unread_generation(pk) for pk in user_ids))


def unread_piece(user):
    """How many of ``user``'s notifications are unread: a COUNT kept in the cache until one arrives
    or is read."""
    return fragments.Piece(
        fragments.entry_key("unread", user.pk), (unread_generation(user.pk), UNREAD_ALL),
        lambda: user.notifications.filter(read_at__isnull=True).count(), UNREAD_SECONDS,
    )


def request_unread_piece(request):
    """The signed-in reader's unread count, as a request piece (``fragments.request_piece``,
    registered from the core's ``ready``): read with the first pieces a view reads, in the same
    round trip, or alone on a page that reads none."""
    user = getattr(request, "user", None)
    return unread_piece(user) if user is not None and user.is_authenticated else None


def unread_count(user):
    return fragments.cached_many({"unread": unread_piece(user)})["unread"]


def portal(request):
    """The unread count, the languages for the switcher, and the signed-in reader's navigation bar
    (``navigation.navigation_html``: written when the layout shows it, not for a fragment)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0, "portal_languages": settings.LANGUAGES}
    unread = fragments.request_value(request, "unread") or 0
    return {"unread_count": unread, "portal_languages": settings.LANGUAGES,
            "navigation": functools.partial(navigation_html, request, unread)}
