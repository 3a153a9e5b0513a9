"""Job kinds for the tests of the core's background jobs (the core's own tests know no area)."""

from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from qms_portal import jobs
from qms_portal.models import Job

SAMPLE = "tests.sample"  # anyone signed in may ask for it
GUARDED = "tests.guarded"  # needs qms_portal.view_unit


def write_sample(job):
    """A small file: one line per item, reporting progress as it goes."""
    total = int(job.params.get("items", 3))
    job.progress(0, total, force=True)
    for n in range(total):
        job.out.write(f"item {n + 1}\n".encode())
        job.progress(n + 1)
    return jobs.Output("sample.txt", "text/plain; charset=utf-8")


def fail_sample(job):
    raise jobs.JobError("Nothing to list with these filters.")


def crash_sample(job):
    raise RuntimeError("database went away")


def sample_kind(name=SAMPLE, run=write_sample, permission=""):
    return jobs.JobKind(name, "Sample export", run=run, permission=permission)


@contextmanager
def registered(*kinds):
    """Register job kinds for the duration of a block (the registry is the process's)."""
    kinds = kinds or (sample_kind(), sample_kind(GUARDED, permission="qms_portal.view_unit"))
    for kind in kinds:
        jobs.KINDS.pop(kind.name, None)
    jobs.register_kinds("tests", kinds)
    try:
        yield kinds
    finally:
        for kind in kinds:
            jobs.KINDS.pop(kind.name, None)


def done_job(user, kind=SAMPLE, content=b"item 1\n", filename="sample.txt"):
    """A finished job of ``user`` with its file stored, as ``job_run`` leaves it."""
    now = timezone.now()
    job = Job.objects.create(kind=kind, requested_by=user, state=Job.State.DONE, attempts=1, progress=1, total=1,
                             filename=filename, content_type="text/plain", size=len(content), finished_at=now,
                             heartbeat_at=now)
    job.file.name = default_storage.save(f"jobs/tests/{job.pk}-{filename}", ContentFile(content))
    job.save(update_fields=["file"])
    return job
