"""Error pages in the portal's style."""

from django.shortcuts import render
from django.utils.translation import gettext as _

# Public pages whose failures are shown on the public layout (no navigation, no link into the portal).
PUBLIC_VIEWS = frozenset({"public_link"})


def csrf_failure(request, reason=""):
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in PUBLIC_VIEWS:
        return render(request, "public/message.html", {
            "heading": _("Session expired"),
            "message": _("The form was open too long or cookies are blocked. Go back, reload the page and try "
                         "again; what you typed may need to be entered again."),
        }, status=403)
    return render(request, "errors/csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
