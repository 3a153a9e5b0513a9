"""Pages of the annual ISO report: the list (the reports within the reader's scope), drafting one,
its page (rows, totals, sections, signatures; History tab), editing a draft, its workflow, and its
XLSX and PDF (background jobs). Permissions are the report's own (``qms_portal.*_annualreport``), on
its unit, through the generic views; the services write."""

import django_filters
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy

from ..jobs import job_start
from ..views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)
from . import cached, report_exports, report_forms, report_selectors, report_services
from .report_models import AnnualReport


class AnnualReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("Year"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=AnnualReport.Status.choices)

    class Meta:
        model = AnnualReport
        fields = ["year", "status"]


class AnnualReportListView(ScopedListView):
    model = AnnualReport
    filterset_class = AnnualReportFilter
    table_template = "steering/annualreport_table.html"
    title = gettext_lazy("Annual ISO reports")
    create_url = "annualreport_create"
    related = ("unit", "drafted_by")
    cache_generations = cached.REPORT_LIST_GENERATIONS

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "unit__path", "pk")


class AnnualReportCreateView(ServiceFormView):
    model = AnnualReport
    action = "add"
    form_class = report_forms.AnnualReportCreateForm
    title = gettext_lazy("New annual ISO report")
    success_message = gettext_lazy("The report was drafted: write its sections, then submit it for review.")

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")}

    def perform(self, form):
        return report_services.annual_report_create(acting_user=self.request.user, **form.cleaned_data)


class AnnualReportDetailView(ScopedDetailView):
    model = AnnualReport
    template_name = "steering/annualreport_detail.html"
    related = ("unit", "drafted_by", "submitted_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        table = report_selectors.table_of(report, user)
        yes, no = gettext_lazy("Yes"), gettext_lazy("No")
        ctx.update(table=table, sections=report_exports.sections(report),
                   lines=[(row, report_exports._certified(row), table.texts(row.values)) for row in table.rows],
                   totals=table.texts(table.totals), yes=yes, no=no,
                   may_edit=report.editable and user.has_perm(report_selectors.CHANGE, report))
        return ctx


class AnnualReportHistoryView(HistoryView):
    model = AnnualReport


class AnnualReportUpdateView(ObjectFormView):
    model = AnnualReport
    form_class = report_forms.AnnualReportForm
    title = gettext_lazy("Edit the annual ISO report")
    success_message = gettext_lazy("The report was saved.")
    related = ("unit",)

    def perform(self, form):
        return report_services.annual_report_update(acting_user=self.request.user, report=self.object,
                                                    **form.cleaned_data)


class AnnualReportTransitionView(TransitionView):
    model = AnnualReport
    service = report_services.annual_report_transition
    object_kwarg = "report"
    related = ("unit",)


class AnnualReportExportView(ActionView):
    """POST only: prepare the report as XLSX or PDF in the reader's language, in the background; the
    person follows it on the job's page."""

    model = AnnualReport
    related = ("unit",)
    kind = report_exports.XLSX

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        job = job_start(acting_user=request.user, kind=self.kind, params={"report": report.pk})
        return HttpResponseRedirect(job.get_absolute_url())


class AnnualReportPdfView(AnnualReportExportView):
    kind = report_exports.PDF
