"""The legal register, change requests, and the master list (prepared in the background)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views import View

from qms_portal.jobs import job_start
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached, selectors, services
from ..exports import describe_master_list, master_list_filter, master_list_params
from ..forms import ChangeRequestForm, LegalDocumentForm
from ..models import ChangeRequest, Document, LegalDocument


class LegalListView(ScopedListView):
    model = LegalDocument
    content_template = "documents/legal_list_content.html"
    title = gettext_lazy("Legal register")
    create_url = "documents:legal_create"
    filterset_fields = ["status"]
    related = ("replaced_by",)
    cache_generations = (cached.LEGAL,)


class LegalDetailView(ScopedDetailView):
    model = LegalDocument
    template_name = "documents/legal_detail.html"
    history_url_name = "documents:legal_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["affected"] = selectors.affected_documents(self.object).filter(
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
    """The master list of documents (what auditors ask for first), with the register's filters, as
    XLSX, CSV or PDF. The page says what it will list; asking for it (POST) queues a background job
    (documents/exports.py) and opens its progress page, where the file is downloaded when ready."""

    FORMATS = ("xlsx", "csv", "pdf")

    def dispatch(self, request, fmt):
        if fmt not in self.FORMATS:
            raise Http404
        if not request.user.has_perm("documents.export_document"):
            raise PermissionDenied
        return super().dispatch(request, fmt)

    def get(self, request, fmt, status=200):
        params = master_list_params(request.GET)
        documents = master_list_filter(request.user, params)
        return render(request, "documents/master_list.html", {
            "fmt": fmt, "formats": self.FORMATS, "query": urlencode(params),
            "errors": None if documents.is_valid() else documents.form.errors,
            "details": describe_master_list(params, request.user),
        }, status=status)

    def post(self, request, fmt):
        params = master_list_params(request.GET)
        if not master_list_filter(request.user, params).is_valid():
            return self.get(request, fmt, status=400)
        job = job_start(acting_user=request.user, kind=f"documents.master_list_{fmt}", params=params)
        return HttpResponseRedirect(job.get_absolute_url())
