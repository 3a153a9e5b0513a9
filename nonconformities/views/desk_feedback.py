"""Citizen feedback: the triage list, a feedback's page, History tab and triage actions, and the
desk's QR code (its page, SVG and PNG, the printable poster, making and withdrawing it)."""

import io

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from qms_portal.models import Unit
from qms_portal.permissions import can, scope_fingerprint
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectMixin,
    ScopedDetailView,
    ScopedListView,
    TransitionView,
)

from .. import cached, selectors_desk
from ..forms.desk import FeedbackFilter
from ..models import CitizenFeedback
from ..models.desk import CITIZEN_LANGUAGES
from ..services import desk_feedback as services

DESK_QR = services.DESK_QR


class FeedbackListView(ScopedListView):
    """The triage list: new feedback first to answer, overdue bad reviews marked. Kept in the cache
    per reader and day ("overdue"), retired by any feedback saved, a citizen's included (``cached.py``)."""

    model = CitizenFeedback
    filterset_class = FeedbackFilter
    content_template = "nonconformities/desk/feedback_list_content.html"
    title = gettext_lazy("Citizen feedback")
    related = ("unit",)
    keyset = ("-received_at", "-pk")
    cache_generations = cached.FEEDBACK_GENERATIONS

    def content_key_parts(self):
        # The desk's QR code button: the filtered unit (in the query string) or the reader's own
        # unit, offered where they may print the desk's QR code.
        user = self.request.user
        return (*super().content_key_parts(), user.primary_unit_id, scope_fingerprint(user, DESK_QR))

    def get_base_queryset(self):
        return super().get_base_queryset().defer("reply", "dismiss_reason", "unit__search_key")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = CitizenFeedback.objects.restrict(self.request.user, "view")
        unit = self.filterset.form.cleaned_data.get("unit") if self.filterset.form.is_valid() else None
        if unit is not None:
            scope = scope.filter(unit__path__startswith=unit.path)
        ctx["counts"] = selectors_desk.feedback_counts(scope)
        ctx["statuses"] = [(value, label, ctx["counts"][value]) for value, label in CitizenFeedback.Status.choices]
        ctx["satisfaction"] = selectors_desk.satisfaction(scope)
        desk_unit = unit or self.request.user.primary_unit
        ctx["desk_unit"] = desk_unit if desk_unit is not None and can(self.request.user, DESK_QR, desk_unit) else None
        return ctx


class FeedbackDetailView(ScopedDetailView):
    model = CitizenFeedback
    template_name = "nonconformities/desk/feedback_detail.html"
    related = ("unit", "answered_by")
    history_url_name = "nonconformities:citizenfeedback_history"

    def get_context_data(self, **kwargs):
        from ..services.desk import raised_from

        ctx = super().get_context_data(**kwargs)
        ctx["nonconformities"] = raised_from(self.object).restrict(self.request.user, "view")
        return ctx


class FeedbackHistoryView(HistoryView):
    model = CitizenFeedback
    history_url_name = "nonconformities:citizenfeedback_history"


class FeedbackTransitionView(TransitionView):
    model = CitizenFeedback
    service = services.feedback_transition
    object_kwarg = "feedback"


# ---- the desk's QR code --------------------------------------------------------------------------------
class DeskMixin(ObjectMixin):
    """A page about one unit's desk, for who may print its QR code there."""

    model = Unit
    action = DESK_QR

    def desk(self):
        """``(unit, link, url, language)``: ``?lang=`` (one of the citizens' languages) sets the
        language the poster is printed in and the page opens in."""
        unit = self.get_object()
        language = self.request.GET.get("lang", "")
        if language not in dict(CITIZEN_LANGUAGES):
            language = services.desk_language(unit)
        link, url = services.desk_link_url(acting_user=self.request.user, unit=unit, language=language)
        return unit, link, url, language


def qr_code(url):
    return segno.make(url, error="m")


class DeskQrView(DeskMixin, View):
    def get(self, request, pk):
        unit, link, url, language = self.desk()
        return render(request, "nonconformities/desk/desk_qr.html", {
            "unit": unit, "link": link, "url": url, "language": language, "languages": CITIZEN_LANGUAGES,
            "qr_svg": qr_code(url).svg_inline(omitsize=True, title=str(unit.name)) if url else "",
            "triage_url": reverse("nonconformities:feedback_list") + f"?unit={unit.pk}",
        })


class DeskQrImageView(DeskMixin, View):
    """The QR code alone, as SVG (to print at any size) or PNG."""

    FORMATS = {"svg": "image/svg+xml", "png": "image/png"}

    def get(self, request, pk, fmt):
        if fmt not in self.FORMATS:
            raise Http404
        unit, _link, url, language = self.desk()
        if not url:
            raise Http404
        out = io.BytesIO()
        qr_code(url).save(out, kind=fmt, scale=12 if fmt == "png" else 10, border=4)
        response = HttpResponse(out.getvalue(), content_type=self.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="feedback-qr-{unit.code}-{language}.{fmt}"'
        return response


class DeskPosterView(DeskMixin, View):
    """The poster for the desk, printed from the browser: the unit's name, a short instruction in
    the unit's language, the QR code."""

    def get(self, request, pk):
        unit, _link, url, language = self.desk()
        if not url:
            raise Http404
        return render(request, "nonconformities/desk/poster.html", {
            "unit": unit, "url": url, "poster_language": language,
            "qr_svg": qr_code(url).svg_inline(omitsize=True, title=str(unit.name)),
            "back_url": reverse("nonconformities:desk_qr", args=[unit.pk]) + f"?lang={language}",
        })


class DeskLinkCreateView(ActionView):
    model = Unit
    action = DESK_QR
    success_message = gettext_lazy("A new QR code was made. Print it: any earlier one no longer works.")

    def perform(self, unit):
        return services.desk_link_create(acting_user=self.request.user, unit=unit)

    def get_success_url(self, unit, result):
        return reverse("nonconformities:desk_qr", args=[unit.pk])

    def get_failure_url(self, unit):
        return reverse("nonconformities:desk_qr", args=[unit.pk])


class DeskLinkRevokeView(DeskLinkCreateView):
    success_message = gettext_lazy("The QR code was withdrawn: citizens who scan it are told it no longer works.")

    def perform(self, unit):
        return services.desk_link_revoke(acting_user=self.request.user, unit=unit)
