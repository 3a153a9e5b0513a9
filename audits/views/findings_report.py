"""The audit report (summary and conclusion by the lead auditor; the PDF with signatures) and the
response to the certification body (deadline and countdown, each finding's correction, cause and
action status; the response dossier PDF)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from qms_portal.views.generic import ObjectFormView, ObjectMixin, ObjectPdfView

from ..forms.findings import ReportForm, ResponseDueForm
from ..models import Audit
from ..selectors import findings as selectors
from ..selectors import findings_report as report
from ..services import findings as services


class AuditReportView(ObjectFormView):
    """The lead auditor writes the report's summary and conclusion (then signs it by closing the
    audit: plan's "close" transition)."""

    model = Audit
    action = "audits.sign_audit_report"
    form_class = ReportForm
    template_name = "audits/findings/report_form.html"
    title = _("Audit report")
    success_message = _("The report was saved.")
    related = ("unit", "lead_auditor")

    def get_initial(self):
        return {"summary": self.object.summary, "conclusion": self.object.conclusion}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        audit = self.object
        ctx["audit"] = audit
        ctx["writable"] = audit.status in services.REPORT_STATUSES
        ctx["missing"] = list(selectors.missing_nonconformities(audit).select_related("unit"))
        ctx["counts"] = selectors.grade_counts(selectors.visible_findings(self.request.user, audit))
        return ctx

    def perform(self, form):
        return services.audit_report_update(acting_user=self.request.user, audit=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("audits:audit_report", args=[self.object.pk])


class AuditPdfView(ObjectPdfView):
    model = Audit
    action = "view"
    related = ("unit", "lead_auditor")
    external_only = False

    def get_object(self, queryset=None):
        audit = super().get_object(queryset)
        if self.external_only and not audit.is_external:
            raise Http404
        return audit


class AuditReportPdfView(AuditPdfView):
    """The audit report: scope, criteria, team, summary, findings by clause, conclusion, signatures."""

    pdf_template = "audits/findings/pdf_report.html"

    def pdf_context(self, audit):
        return report.report_context(audit, self.request.user)

    def pdf_filename(self, audit):
        return f"{audit.number}-report.pdf"


class AuditResponsePdfView(AuditPdfView):
    """The response dossier for the certification body: findings, actions, evidence, signatures."""

    pdf_template = "audits/findings/pdf_response.html"
    external_only = True

    def pdf_context(self, audit):
        return report.response_context(audit, self.request.user)

    def pdf_filename(self, audit):
        return f"{audit.number}-response.pdf"


class AuditResponseView(ObjectMixin, View):
    """An external audit's response: the deadline with its countdown, and where each finding's
    correction, cause and actions stand (read from its nonconformity)."""

    model = Audit
    action = "view"
    related = ("unit", "lead_auditor")

    def get(self, request, pk):
        audit = self.get_object()
        if not audit.is_external:
            raise Http404
        ctx = report.response_context(audit, request.user)
        ctx.update(object=audit, may_manage=services.may_manage_response(request.user, audit),
                   missing=list(selectors.missing_nonconformities(audit)))
        return render(request, "audits/findings/response.html", ctx)


class AuditResponseDueView(ObjectFormView):
    """The date the response is due to the certification body."""

    model = Audit
    action = "change"
    form_class = ResponseDueForm
    title = _("Response due to the certification body")
    success_message = _("The response's due date was saved.")
    related = ("unit",)

    def get_object(self, queryset=None):
        audit = super().get_object(queryset)
        if not audit.is_external:
            raise Http404
        return audit

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        return {"response_due": self.object.response_due}

    def perform(self, form):
        return services.audit_response_update(acting_user=self.request.user, audit=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("audits:audit_response", args=[self.object.pk])
