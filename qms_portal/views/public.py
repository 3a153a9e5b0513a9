"""The one page a token opens (``/p/<token>/``): the purpose's form, then a thank-you page.

Public (``@login_not_required``), and nothing more: it never signs anyone in and writes nothing to
the session (only the CSRF cookie and, if the visitor switches language, the language cookie);
its templates extend ``public/base.html``, which has no navigation and no link into the portal.
A GET shows the form and consumes nothing; a valid POST consumes one use
(``public_links.public_link_use``). Every request counts against the rate limit first.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..public_links import PublicLinkInvalid, over_the_limit, public_link_resolve, public_link_use, purpose_of


def activate_requested_language(request):
    """``?lang=vi`` (from the e-mail or the QR code) wins for this page; the visitor's own choice
    through the switcher is kept in the language cookie, and the switcher returns to the page
    without ``?lang=``."""
    requested = (request.GET.get("lang") or "").lower()
    if not requested:
        return
    try:
        language = translation.get_supported_language_variant(requested)
    except LookupError:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


def message_page(request, status, heading, message, unit=None):
    response = render(request, "public/message.html",
                      {"heading": heading, "message": message, "unit": unit}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def too_many_requests(request):
    response = message_page(request, 429, _("Too many requests"),
                            _("Please wait a minute, then try again."))
    response["Retry-After"] = "60"
    return response


def refused(request, refusal):
    return message_page(request, refusal.status, _("This link cannot be used"), refusal.message)


@login_not_required
@never_cache  # the page's address holds the token: no shared cache keeps it
@require_http_methods(["GET", "HEAD", "POST"])
def public_link(request, token):
    activate_requested_language(request)
    if over_the_limit(request, token):
        return too_many_requests(request)
    try:
        link = public_link_resolve(token)
    except PublicLinkInvalid as refusal:
        return refused(request, refusal)
    purpose = purpose_of(link)
    form = purpose.form(link, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = public_link_use(link=link, cleaned_data=form.cleaned_data)
        except PublicLinkInvalid as refusal:  # used up by another submission meanwhile
            return refused(request, refusal)
        except ValidationError as error:  # the handler refused the answer: nothing was consumed
            form.add_error(None, error)
        else:
            message = purpose.done_message
            if callable(message):
                message = message(link, result)
            return message_page(request, 200, _("Thank you"), message, unit=link.unit)
    response = render(request, purpose.template, {"form": form, "purpose": purpose, "unit": link.unit})
    response["X-Robots-Tag"] = "noindex"
    return response
