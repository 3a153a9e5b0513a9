from django.conf import settings


def portal(request):
    """The unread count for the navigation (one COUNT query) and the languages for the switcher."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_count": unread, "portal_languages": settings.LANGUAGES}
