"""The legal register, change requests, and the master list exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qms_portal.exports import export_response
from qms_portal.pdf import PdfUnavailable, pdf_response
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import services
from ..filters import DocumentFilter
from ..forms import ChangeRequestForm, LegalDocumentForm
from ..models import ChangeRequest, Document, LegalDocument


class LegalListView(ScopedListView):
    model = LegalDocument
    template_name = "documents/legal_list.html"
    title = gettext_lazy("Legal register")
    create_url = "documents:legal_create"
    filterset_fields = ["status"]
    related = ("replaced_by",)


class LegalDetailView(ScopedDetailView):
    model = LegalDocument
    template_name = "documents/legal_detail.html"
    history_url_name = "documents:legal_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["affected"] = services.affected_documents(self.object).filter(
            pk__in=Document.objects.restrict(self.request.user, "view").values("pk"))
        ctx["replaces"] = self.object.replaces.all()
        return ctx


class LegalHistoryView(HistoryView):
    model = LegalDocument
    history_url_name = "documents:legal_history"


class LegalFormView(ServiceFormView):
    model = LegalDocument
    action = "change"
    form_class = LegalDocumentForm
    title = gettext_lazy("Legal document")
    success_message = gettext_lazy("The legal document was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(LegalDocument, pk=kwargs["pk"]) if "pk" in kwargs else None
        if self.object is None:
            self.action = "add"
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.legal_document_save(acting_user=self.request.user, legal=self.object, **form.cleaned_data)


class ChangeRequestCreateView(ObjectMixin, ServiceFormView):
    """Anyone who can see an effective document may propose a change."""

    model = Document
    action = "view"
    form_class = ChangeRequestForm
    title = gettext_lazy("Propose a change")
    success_message = gettext_lazy("Your proposal was sent to the document's owner.")

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        ctx["cancel_url"] = ctx["object"].get_absolute_url()
        return ctx

    def perform(self, form):
        return services.change_request_create(acting_user=self.request.user, document=self.get_object(),
                                              reason=form.cleaned_data["reason"])


class ChangeRequestDetailView(ScopedDetailView):
    model = ChangeRequest
    template_name = "documents/changerequest_detail.html"
    related = ("document", "requester", "new_revision")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The draft opened from the request is linked only for who may open it (not for someone
        # who proposed a change to a document that was only distributed to them).
        new = self.object.new_revision
        ctx["new_revision_link"] = new is not None and can(self.request.user, "view", new)
        return ctx


class ChangeRequestHistoryView(HistoryView):
    model = ChangeRequest


class ChangeRequestTransitionView(TransitionView):
    model = ChangeRequest
    service = services.change_request_transition
    object_kwarg = "change_request"


class MasterListView(View):
    """The master list of documents (what auditors ask for first), as XLSX or PDF, with the filters
    of the register."""

    def get(self, request, fmt):
        if fmt not in ("xlsx", "csv", "pdf"):
            raise Http404
        if not request.user.has_perm("documents.export_document"):
            raise PermissionDenied
        documents = DocumentFilter(
            request.GET, queryset=Document.objects.restrict(request.user, "view").select_related(
                "unit", "doc_type", "current_revision", "process_owner"),
            request=request, default_status="effective",
        ).qs.order_by("unit__path", "code")
        stamp = timezone.localdate().isoformat()
        if fmt == "pdf":
            try:
                return pdf_response("pdf/master_list.html", {"documents": documents, "printed_by": request.user,
                                                             "printed_at": timezone.now()},
                                    filename=f"master-list-{stamp}.pdf")
            except PdfUnavailable as error:
                messages.error(request, str(error))
                return HttpResponseRedirect("/documents/")
        headers = [_("Code"), _("Title"), _("Type"), _("Unit"), _("Revision"), _("Effective since"),
                   _("Next review"), _("Status"), _("Process owner")]
        rows = (
            [d.code, d.title, str(d.doc_type), d.unit.code,
             d.current_revision.label if d.current_revision else "", d.effective_since, d.next_review_date,
             str(d.status_label), str(d.process_owner)]
            for d in documents
        )
        return export_response(fmt, f"master-list-{stamp}", headers, rows, title=_("Master list"))
