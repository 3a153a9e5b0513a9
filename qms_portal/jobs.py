"""Long work as background jobs: exports and other files that grow with the data.

A request never does long work: gunicorn kills a worker after 30 s, and a web worker that builds a
10,000-row file holds all of it in memory. Instead an area registers the *kinds* of job it offers,
a view calls ``job_start``, a Celery worker makes the file while reporting progress, and the
person who asked follows it on the job's page (``/jobs/<id>/``, polled with htmx) and downloads it
there. Nobody else can: the job's pages answer 404 to anyone but the requester, and 403 when the
requester has since lost the permission the kind needs.

An area registers its kinds with its other parts::

    from qms_portal import areas
    from qms_portal.jobs import JobKind

    areas.register("documents", jobs=[
        JobKind("documents.master_list_xlsx", _("Master list (XLSX)"),
                run="documents.exports.master_list_xlsx", permission="documents.export_document",
                describe="documents.exports.describe_master_list"),
    ])

``run(job)`` (a dotted path, imported only in the worker) gets a ``JobRun``: ``job.user`` (who
asked), ``job.params`` (the JSON parameters), ``job.out`` (a binary file to write the result to;
``job.path`` is its name) and ``job.progress(done, total)``; it returns ``Output(filename,
content_type)``. It runs in the requester's language, reads the data in batches restricted to
what ``job.user`` may see, and streams its output. A ``JobError`` carries a message for the
requester; any other exception is logged and the requester is told the file could not be made.
``describe(params, user)``, optional, gives the ``(label, value)`` lines the job's page shows.

Lifecycle: queued → running → done | failed. ``job_start`` writes the row and queues the task
through the outbox (dispatched after the commit). Each queueing is an *attempt*; only the task
sent for the current attempt may run the job, so a redelivered or duplicated message does nothing.
A job whose heartbeat stops for ``QMS_JOB_STALLED_MINUTES`` (its worker was killed, its message
was lost) is queued again by ``jobs_recover_stalled`` (beat, every five minutes) up to
``QMS_JOB_MAX_ATTEMPTS`` times, then marked failed with a message. ``jobs_purge`` (nightly)
deletes the files and rows older than ``QMS_JOB_KEEP_DAYS``.
"""

import json
import logging
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job
from .notifications import enqueue, notify

log = logging.getLogger(__name__)

TASK = "qms_portal.tasks.run_job"
PROGRESS_EVERY = 1.0  # seconds between two writes of the progress (the heartbeat)


@dataclass(frozen=True)
class JobKind:
    """A kind of job an area offers. ``name`` starts with the area's label and a dot; ``permission``
    is the Django permission the requester must hold (somewhere) to start it and to download its
    file ("" for anyone signed in); ``run`` and ``describe`` are callables or dotted paths."""

    name: str
    title: object
    run: object
    permission: str
    describe: object = None

    def function(self, attribute="run"):
        value = getattr(self, attribute)
        return import_string(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Output:
    """What ``run`` made: the name the download gets and its content type."""

    filename: str
    content_type: str = "application/octet-stream"


class JobError(Exception):
    """A failure whose message is for the requester (already in their language)."""


class JobSuperseded(Exception):
    """This run no longer owns its job: it was recovered and queued again meanwhile."""


KINDS = {}


def register_kinds(label, kinds):
    """Add an area's job kinds (``areas.register(jobs=…)``). A name is registered once."""
    for kind in kinds:
        if not kind.name.startswith(f"{label}."):
            raise ValueError(f"The job kind {kind.name!r} of {label!r} must start with {label + '.'!r}.")
        if kind.name in KINDS:
            raise ValueError(f"The job kind {kind.name!r} registered twice.")
        KINDS[kind.name] = kind


def get_kind(name):
    return KINDS.get(name)


def title_of(name):
    kind = KINDS.get(name)
    return kind.title if kind is not None else name


def may_run(user, kind):
    """May ``user`` start a job of ``kind`` (and download what it made)?"""
    if not user.is_active:
        return False
    return not kind.permission or user.has_perm(kind.permission)


def describe(job, user):
    """The ``(label, value)`` lines the job's page shows about its parameters."""
    kind = KINDS.get(job.kind)
    if kind is None or not kind.describe:
        return []
    try:
        return kind.function("describe")(job.params, user)
    except Exception:  # noqa: BLE001 - a description is never worth a broken page
        log.warning("Could not describe job %s", job.pk, exc_info=True)
        return []


def _language(user):
    language = (translation.get_language() or user.language or settings.LANGUAGE_CODE).lower()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- Services ----------------------------------------------------------------------------------------


def job_start(*, acting_user, kind, params=None, queue=True):
    """Queue a job of ``kind`` for ``acting_user`` and return it. The same request while an
    identical job of theirs is still waiting or running returns that one (a second click). With
    ``queue=False`` no task is sent: the caller runs it (``job_run(job_id=job.pk, attempt=1)``) in
    its own process (``manage.py run_job``)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"Unknown job kind {kind!r}")
    if not may_run(acting_user, spec):
        raise PermissionDenied
    params = json.loads(json.dumps(params or {}))  # JSON only, and as it will be read back
    with transaction.atomic():
        for job in Job.objects.select_for_update().filter(requested_by=acting_user, kind=kind,
                                                          state__in=Job.ACTIVE):
            if job.params == params:
                return job
        now = timezone.now()
        job = Job.objects.create(kind=kind, params=params, requested_by=acting_user, language=_language(acting_user),
                                 attempts=1, created_at=now, heartbeat_at=now)
        if queue:
            enqueue(TASK, job_id=job.pk, attempt=1)
    return job


class JobRun:
    """What a job kind's ``run`` works with (see the module docstring)."""

    def __init__(self, job, attempt):
        self.job, self.attempt = job, attempt
        self.user, self.params, self.language = job.requested_by, job.params, job.language
        self.out = self.path = None
        self.done, self.total = 0, None
        self._written = float("-inf")

    def progress(self, done, total=None, *, force=False):
        """Report ``done`` items out of ``total``; written at most once a second (it is also the
        job's heartbeat). Raises ``JobSuperseded`` when the job was queued again meanwhile."""
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not force and now - self._written < PROGRESS_EVERY:
            return
        self._written = now
        updated = Job.objects.filter(pk=self.job.pk, attempts=self.attempt, state=Job.State.RUNNING).update(
            progress=done, total=self.total, heartbeat_at=timezone.now())
        if not updated:
            raise JobSuperseded


def _failure_message(error):
    from celery.exceptions import SoftTimeLimitExceeded

    from .pdf import PdfUnavailable

    if isinstance(error, JobError | PdfUnavailable):
        return str(error)
    if isinstance(error, SoftTimeLimitExceeded):
        return _("This took too long and was stopped. Narrow the filters and try again.")
    return _("The file could not be made. The administrator has been told; try again later.")


def _storage_name(job, filename):
    extension = os.path.splitext(filename)[1].lower()[:10]
    return Job._meta.get_field("file").generate_filename(job, f"{job.pk}-{secrets.token_hex(6)}{extension}")


def job_run(*, job_id, attempt):
    """Run one attempt of a job (the Celery task calls this). Claims the job (queued → running)
    only if this is its current attempt; returns True when the file was made."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, attempts=attempt, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, progress=0, total=None, error="")
    if not claimed:
        log.info("Job %s attempt %s: not queued for this attempt, nothing to do", job_id, attempt)
        return False
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    spec = KINDS.get(job.kind)
    run = JobRun(job, attempt)
    stored = None
    with translation.override(job.language):
        try:
            if spec is None:
                raise JobError(_("This kind of file can no longer be made."))
            if not may_run(job.requested_by, spec):
                raise JobError(_("You no longer have the permission to get this file."))
            with tempfile.TemporaryDirectory(prefix="qms-job-") as folder:
                run.path = os.path.join(folder, "output")
                with open(run.path, "w+b") as out:
                    run.out = out
                    output = spec.function()(run)
                    out.flush()
                    size = out.tell()
                    out.seek(0)
                    stored = default_storage.save(_storage_name(job, output.filename), File(out))
            finished = timezone.now()
            done = Job.objects.filter(pk=job.pk, attempts=attempt, state=Job.State.RUNNING).update(
                state=Job.State.DONE, file=stored, filename=output.filename[:200],
                content_type=output.content_type[:100], size=size, progress=run.done,
                total=run.total if run.total is not None else run.done, finished_at=finished, heartbeat_at=finished)
            if not done:
                raise JobSuperseded
        except JobSuperseded:
            if stored:
                default_storage.delete(stored)
            log.warning("Job %s attempt %s was superseded by a later attempt; its result is dropped", job.pk, attempt)
            return False
        except Exception as error:  # noqa: BLE001 - every failure ends the job with a message
            if stored:
                default_storage.delete(stored)
            if not isinstance(error, JobError):
                log.exception("Job %s (%s) failed", job.pk, job.kind)
            failed = Job.objects.filter(pk=job.pk, attempts=attempt, state=Job.State.RUNNING).update(
                state=Job.State.FAILED, error=_failure_message(error), finished_at=timezone.now())
            if failed:
                _tell(job, "job_failed")
            return False
    _tell(job, "job_done")
    return True


def _tell(job, kind):
    """One message to the requester: the file is ready, or could not be made."""
    with translation.override(None):  # the title's message id: shown in the reader's language
        title = str(title_of(job.kind))
    notify([job.requested_by], kind, params={"title": title}, url=job.get_absolute_url(), key=f"{kind}:{job.pk}")


def stalled_after():
    return timedelta(minutes=settings.QMS_JOB_STALLED_MINUTES)


def jobs_recover_stalled(*, now=None):
    """Queue again each job whose heartbeat stopped (its worker died, its message was lost), as a
    new attempt; after ``QMS_JOB_MAX_ATTEMPTS`` attempts, mark it failed with a message. Returns
    ``{"requeued": n, "failed": n}``. Safe to run twice at once: each job is locked and re-checked."""
    now = now or timezone.now()
    cutoff = now - stalled_after()
    stalled = Q(state__in=Job.ACTIVE) & (Q(heartbeat_at__lt=cutoff)
                                         | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    counts = {"requeued": 0, "failed": 0}
    for job_id in list(Job.objects.filter(stalled).order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(stalled, pk=job_id).first()
            if job is None:
                continue
            if job.attempts >= settings.QMS_JOB_MAX_ATTEMPTS:
                with translation.override(job.language):
                    job.error = _("The work stopped %(times)s times before it was finished. Try again later; if it "
                                  "happens again, tell the administrator.") % {"times": job.attempts}
                job.state, job.finished_at = Job.State.FAILED, now
                job.save(update_fields=["state", "error", "finished_at"])
                _tell(job, "job_failed")
                counts["failed"] += 1
                log.warning("Job %s (%s) stalled %s times: marked failed", job.pk, job.kind, job.attempts)
            else:
                job.attempts += 1
                job.state, job.heartbeat_at = Job.State.QUEUED, now
                job.save(update_fields=["attempts", "state", "heartbeat_at"])
                enqueue(TASK, job_id=job.pk, attempt=job.attempts)
                counts["requeued"] += 1
                log.warning("Job %s (%s) stalled: queued again (attempt %s)", job.pk, job.kind, job.attempts)
    return counts


def jobs_purge(*, now=None):
    """Delete the jobs (and their files) older than ``QMS_JOB_KEEP_DAYS``. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.QMS_JOB_KEEP_DAYS)
    old = Job.objects.filter(created_at__lt=cutoff).exclude(state__in=Job.ACTIVE)
    removed = 0
    while True:
        batch = list(old.order_by("pk").values_list("pk", "file")[:500])
        if not batch:
            return removed
        for _pk, name in batch:
            if name:
                default_storage.delete(name)
        removed += Job.objects.filter(pk__in=[pk for pk, _name in batch]).delete()[0]
