"""ncreports: a nonconformity's PDF report, and the register as an XLSX file made in the
background."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from qms_portal.jobs import job_start
from qms_portal.views.generic import ObjectPdfView

from ..exports import EXPORT_PERMISSION, JOB_KIND, describe_register, register_filter, register_params
from ..models import Nonconformity
from ..report import report_response


class NonconformityReportView(ObjectPdfView):
    """The nonconformity's story as a PDF, for whoever may see the nonconformity."""

    model = Nonconformity
    action = "view"
    related = ("unit", "clause", "procedure", "reported_by", "verified_by")

    def pdf_response(self, nc):
        return report_response(nc, self.request.user)


class RegisterExportView(View):
    """The register as XLSX, with the register's filters: the page says what it will list; asking
    for it (POST) queues a background job (nonconformities/exports.py) and opens its progress page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, status=200):
        params = register_params(request.GET)
        filtered = register_filter(request.user, params)
        return render(request, "nonconformities/register_export.html", {
            "query": urlencode(params),
            "errors": None if filtered.is_valid() else filtered.form.errors,
            "details": describe_register(params, request.user),
        }, status=status)

    def post(self, request):
        params = register_params(request.GET)
        if not register_filter(request.user, params).is_valid():
            return self.get(request, status=400)
        job = job_start(acting_user=request.user, kind=JOB_KIND, params=params)
        return HttpResponseRedirect(job.get_absolute_url())
