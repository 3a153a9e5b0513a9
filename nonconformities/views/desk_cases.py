"""One file, one rating (一事一评): an official hands the citizen a single-use feedback link for
their file (a QR code printed on the receipt, or the address sent by SMS or e-mail), and sees which
of the files handed out were rated."""

import segno
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from qms_portal.views.generic import ScopedListView, ServiceFormView

from .. import cached
from ..forms.desk import CaseLinkForm, CaseRequestFilter
from ..models import CaseFeedbackRequest
from ..services import desk_feedback as services


class CaseLinkCreateView(ServiceFormView):
    """The form, then (not a redirect: the address holds the only copy of its token) the slip to
    print or the address to send."""

    model = CaseFeedbackRequest
    action = services.CASE_LINK
    form_class = CaseLinkForm
    title = gettext_lazy("Feedback link for a citizen's file")
    template_name = "nonconformities/desk/case_link_form.html"

    def get_initial(self):
        return {"unit": self.request.user.primary_unit_id}

    def perform(self, form):
        self.case_request, self.url = services.case_link_create(acting_user=self.request.user, **form.cleaned_data)
        return self.case_request

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code != 302:  # refused: the form again, with what was typed
            return response
        case = self.case_request
        return render(self.request, "nonconformities/desk/case_link_slip.html", {
            "case": case, "url": self.url, "days": services.case_link_days(),
            "qr_svg": segno.make(self.url, error="m").svg_inline(omitsize=True, title=case.case_reference),
        })

    def get_success_url(self):
        return self.request.path


class CaseRequestListView(ScopedListView):
    """The links handed out, newest first, and whether each file was rated. Kept in the cache a
    minute: a link expires at the hour it was made (``cached.CASE_SECONDS``)."""

    model = CaseFeedbackRequest
    filterset_class = CaseRequestFilter
    content_template = "nonconformities/desk/case_request_list_content.html"
    title = gettext_lazy("Feedback links for files")
    related = ("unit", "link", "procedure", "issued_by")
    keyset = ("-created_at", "-pk")
    create_url = "nonconformities:case_link_create"
    create_permission = services.CASE_LINK
    cache_generations = cached.CASE_GENERATIONS
    cache_seconds = cached.CASE_SECONDS
