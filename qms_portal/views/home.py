"""My work, the inbox, preferences and the framework floor."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from .. import fragments, selectors, services
from ..context_processors import UNREAD_ALL, unread_generation
from ..forms import PreferencesForm
from ..models import Notification
from ..mywork import sections_for
from ..notifications import render_many, shown_by
from ..pagination import keyset_page
from .generic import csrf_placeholder, safe_url, with_csrf_token


class MyWorkView(TemplateView):
    """What waits for me: decisions I can take, my open requests, my unread messages."""

    template_name = "qms_portal/my_work.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["waiting"] = selectors.access_requests_to_decide(user)
        ctx["my_requests"] = selectors.my_open_access_requests(user)
        unread = selectors.unread_notifications(user)
        ctx["reminders"] = render_many(unread)
        ctx["sections"] = sections_for(user)
        return ctx


class InboxView(TemplateView):
    """A person's messages, newest first, a page at a time. The page of messages is read (one
    query, by cursor through the index notification_inbox; nothing is counted); the list rendered
    from them, in the reader's language, is kept in the cache under those messages and whether
    each was read, until a record they refer to changes (``notifications.shown_by``): a rendered
    page loads the records its messages name, one query per model."""

    template_name = "qms_portal/inbox.html"
    content_seconds = 300

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        rows = user.notifications.all()
        if request.GET.get("unread"):
            rows = rows.filter(read_at__isnull=True)
        page = keyset_page(rows, ("-created_at", "-pk"), 25, request.GET, salt="inbox")
        notifications = list(page.object_list)
        key = fragments.entry_key(
            "inbox", user.pk, [(n.pk, n.read_at is None) for n in notifications], page.number, page.has_next(),
            page.has_previous(), sorted(request.GET.lists()), get_language(), timezone.get_current_timezone_name(),
        )
        # (The messages themselves are in the key; a change to one bumps its reader's unread count.)
        shown = fragments.rows_generations(shown_by(notifications))
        build = partial(self.render_content, page, notifications)
        if shown is None:  # a message names a record no generation follows: rendered each time
            content = build()
        else:
            content = fragments.cached(key, [unread_generation(user.pk), UNREAD_ALL, *shown], build,
                                       self.content_seconds)
        ctx["content"] = with_csrf_token(request, content)
        return ctx

    def render_content(self, page, notifications):
        context = {"page_obj": page, "items": render_many(notifications), "request": self.request,
                   "csrf_token": csrf_placeholder()}
        return render_to_string("qms_portal/inbox_content.html", context)


@require_POST
def inbox_read(request, pk=None):
    notification = None
    if pk is not None:
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    if notification is not None and notification.url and request.POST.get("open"):
        return HttpResponseRedirect(safe_url(request, notification.url))
    return redirect("inbox")


class PreferencesView(FormView):
    template_name = "qms_portal/preferences.html"
    form_class = PreferencesForm

    def get_initial(self):
        user = self.request.user
        return {"language": user.language, "notification_mode": user.notification_mode, "phone": user.phone}

    def form_valid(self, form):
        services.user_set_preferences(acting_user=self.request.user, **form.cleaned_data)
        response = HttpResponseRedirect(reverse("preferences"))
        from django.conf import settings

        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
        messages.success(self.request, _("Your preferences were saved."))
        return response


def floor(request):
    """The framework floor for benchmarks: a logged-in view through the same middleware, no work."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required  # on the sign-in page and on token pages too
@require_POST
def switch_language(request):
    """The language switcher: remembers the choice in a cookie and on the person's profile."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.POST.get("language")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user = request.user
            services.user_set_preferences(
                acting_user=user, language=language, notification_mode=user.notification_mode, phone=user.phone
            )
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600)
    return response
