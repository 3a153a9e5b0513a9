import json
import resource
import time
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError

from qms_portal import jobs, notifications
from qms_portal.models import Job, User


class Command(BaseCommand):
    help = (
        "Start one background job and run it in this process, as a Celery worker would (no broker), then "
        "print one line of JSON: its state, time (wall and CPU), rows, size, pages (PDF) and this process's "
        "peak memory. "
        "Used by `manage.py bench` to measure a job in a process of its own; also handy to make an export "
        "by hand. With --discard the file and the job are deleted afterwards and no message is sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="The job kind, e.g. documents.master_list_xlsx.")
        parser.add_argument("--user", required=True, help="Who asks (their permissions and scope apply).")
        parser.add_argument("--params", default="{}", help="The job's parameters, as JSON.")
        parser.add_argument("--language", default="", help="The language to make it in (default: the user's).")
        parser.add_argument("--discard", action="store_true", help="Delete the job and its file afterwards.")

    def handle(self, *args, kind, user, params, language, discard, **options):
        from django.utils import translation

        person = User.objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(f"No active user {user!r}.")
        if jobs.get_kind(kind) is None:
            raise CommandError(f"Unknown job kind {kind!r}; known: {', '.join(sorted(jobs.KINDS))}.")
        with translation.override(language or person.language), notifications.muted() if discard else nullcontext():
            job = jobs.job_start(acting_user=person, kind=kind, params=json.loads(params), queue=False)
            start, cpu = time.perf_counter(), time.process_time()
            jobs.job_run(job_id=job.pk, attempt=job.attempts)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        job = Job.objects.get(pk=job.pk)
        result = {"job": job.pk, "kind": kind, "state": job.state, "seconds": round(seconds, 3),
                  "cpu_seconds": round(cpu, 3), "rows": job.total,
                  "bytes": job.size, "filename": job.filename, "error": job.error,
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
        if job.state == Job.State.DONE and job.content_type == "application/pdf":
            from pypdf import PdfReader

            with job.file.open("rb") as handle:
                result["pages"] = len(PdfReader(handle).pages)
        if discard:
            if job.file:
                job.file.delete(save=False)
            job.delete()
        self.stdout.write(json.dumps(result))
        if job.state != Job.State.DONE:
            raise CommandError(f"The job failed: {job.error}")

