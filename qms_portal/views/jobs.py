"""The person's own background jobs: the list ("My exports"), a job's progress page (polled with
htmx), and the download of what it made. A job is seen by the person who asked for it only: 404
for anyone else (an administrator included), 403 when the requester has since lost the
permission its kind needs."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views import View

from ..jobs import describe, get_kind, may_run
from ..models import Job


def owned_job(request, pk):
    job = Job.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    kind = get_kind(job.kind)
    if kind is None:
        raise Http404
    if not may_run(request.user, kind):
        raise PermissionDenied
    return job


class JobListView(View):
    """My exports: what I asked for in the last days, newest first, with their state."""

    def get(self, request):
        jobs = Job.objects.filter(requested_by=request.user).defer("params", "error")
        page = Paginator(jobs, 25).get_page(request.GET.get("page"))
        return render(request, "qms_portal/job_list.html", {"page_obj": page, "jobs": page.object_list,
                                                            "keep_days": settings.QMS_JOB_KEEP_DAYS})


class JobDetailView(View):
    """The progress page of one job; the download button once it is ready."""

    def get(self, request, pk):
        job = owned_job(request, pk)
        return render(request, "qms_portal/job_detail.html", {"job": job, "details": describe(job, request.user),
                                                              "keep_days": settings.QMS_JOB_KEEP_DAYS})


class JobStatusView(View):
    """Polled by the progress page every second (htmx): the bar, then the download button."""

    def get(self, request, pk):
        return render(request, "qms_portal/job_status.html", {"job": owned_job(request, pk),
                                                              "keep_days": settings.QMS_JOB_KEEP_DAYS})


class JobDownloadView(View):
    def get(self, request, pk):
        job = owned_job(request, pk)
        if job.state != Job.State.DONE or not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.filename,
                            content_type=job.content_type or "application/octet-stream")
