import hashlib

from django.conf import settings
from django.utils.translation import get_language

from . import areas, fragments
from .permissions import held_permissions

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
    or is read. A view that reads pieces of its own adds this one to the same round trip and hands
    the figure to the navigation with ``remember_unread``."""
    return fragments.Piece(
        fragments.entry_key("unread", user.pk), (unread_generation(user.pk), UNREAD_ALL),
        lambda: user.notifications.filter(read_at__isnull=True).count(), UNREAD_SECONDS,
    )


def unread_count(user):
    return fragments.cached_many({"unread": unread_piece(user)})["unread"]


def remember_unread(request, count):
    request.qms_unread_count = count


def menu_key(request, user):
    """What the main menu depends on: the permissions held (what it offers), the language and the
    area of the site the page is in (which entry is active)."""
    held = "*" if user.is_superuser else ",".join(sorted(held_permissions(user)))
    area = request.path.split("/", 2)[1]
    return hashlib.sha256(f"{held}|{get_language()}|{area}".encode()).hexdigest()


def portal(request):
    """The unread count and the key of the main menu for the navigation, and the languages for the
    switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0, "portal_languages": settings.LANGUAGES}
    unread = getattr(request, "qms_unread_count", None)
    if unread is None:
        unread = unread_count(user)
    return {"unread_count": unread, "menu_key": menu_key(request, user), "portal_languages": settings.LANGUAGES,
            "area_menus": areas.menus()}
