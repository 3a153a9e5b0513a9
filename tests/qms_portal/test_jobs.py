"""Background jobs (qms_portal/jobs.py): queued → running → done / failed with a message, in the
requester's language; only the requester sees and downloads the file; a job whose worker died is
queued again (a bounded number of times) by beat; old files are purged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from qms_portal import areas, jobs, services
from qms_portal import tasks as _tasks  # noqa: F401 - registers the core's tasks with the Celery app
from qms_portal.celery import app
from qms_portal.models import Job, Notification, OutboxMessage, RoleAssignment
from tests import factories
from tests.qms_portal.jobkinds import GUARDED, SAMPLE, crash_sample, done_job, fail_sample, registered, sample_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kinds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with registered():
        yield


@pytest.fixture
def person(tree):
    return tree.ward1_staff


def queued(job):
    return list(OutboxMessage.objects.filter(task=jobs.TASK, kwargs__job_id=job.pk).values_list("kwargs", flat=True))


def read(job):
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return handle.read()


# --- The lifecycle ------------------------------------------------------------------------------------


def test_starting_a_job_writes_it_queued_and_sends_the_task_after_the_commit(person,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 4})
    assert (job.state, job.attempts, job.requested_by, job.params) == ("queued", 1, person, {"items": 4})
    assert queued(job) == [{"job_id": job.pk, "attempt": 1}]
    # dispatched to the broker only once the row is committed (the others renew cached pieces)
    assert [c for c in callbacks if "enqueue" in c.__qualname__] == callbacks[-1:]


def test_a_job_runs_from_queued_to_done_with_its_file_progress_and_a_message(person,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 4})  # eager in tests: it runs
    job.refresh_from_db()
    assert job.state == "done" and job.finished_at and job.started_at
    assert (job.progress, job.total, job.percent) == (4, 4, 100)
    assert read(job) == b"item 1\nitem 2\nitem 3\nitem 4\n"
    assert (job.filename, job.content_type, job.size) == ("sample.txt", "text/plain; charset=utf-8", 28)
    message = Notification.objects.get(recipient=person, kind="job_done")
    assert message.url == reverse("job_detail", args=[job.pk]) and str(message) == "Ready to download: Sample export"


def test_a_second_click_joins_the_same_waiting_job_but_other_filters_make_another(person):
    first = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 2})
    assert jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 2}) == first
    other = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 3})
    assert other != first
    assert Job.objects.filter(requested_by=person).count() == 2


def test_a_job_needs_the_permission_of_its_kind(tree):
    nobody = factories.make_user(f"{tree.prefix}nobody", tree.ward1)
    with pytest.raises(PermissionDenied):
        jobs.job_start(acting_user=nobody, kind=GUARDED, params={})
    assert jobs.job_start(acting_user=tree.ward1_staff, kind=GUARDED, params={}).state == "queued"
    with pytest.raises(ValueError, match="Unknown"):
        jobs.job_start(acting_user=tree.ward1_staff, kind="tests.nothing", params={})


def test_a_job_runs_in_the_language_of_the_person_who_asked(tree):
    seen = []

    def note_language(job):
        seen.append(translation.get_language())
        return jobs.Output("x.txt", "text/plain")

    reader = factories.make_user(f"{tree.prefix}vi", tree.ward1, language="vi")
    with registered(sample_kind("tests.language", run=note_language)):
        with translation.override("vi"):  # the portal as this person sees it (their language)
            job = jobs.job_start(acting_user=reader, kind="tests.language", params={}, queue=False)
        assert job.language == "vi"
        assert jobs.job_run(job_id=job.pk, attempt=1)  # a worker, in the default language
    assert seen == ["vi"]


def test_a_failure_the_kind_explains_is_shown_as_it_is(person):
    with registered(sample_kind("tests.empty", run=fail_sample)):
        job = jobs.job_start(acting_user=person, kind="tests.empty", params={}, queue=False)
        assert jobs.job_run(job_id=job.pk, attempt=1) is False
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "Nothing to list with these filters.")
    assert not job.file and job.finished_at
    assert Notification.objects.filter(recipient=person, kind="job_failed").count() == 1


def test_an_unexpected_failure_is_logged_and_the_person_told_without_the_details(person, caplog):
    with registered(sample_kind("tests.crash", run=crash_sample)):
        job = jobs.job_start(acting_user=person, kind="tests.crash", params={}, queue=False)
        assert jobs.job_run(job_id=job.pk, attempt=1) is False
    job.refresh_from_db()
    assert job.state == "failed" and "could not be made" in job.error and "database" not in job.error
    assert "database went away" in caplog.text


def test_only_the_task_of_the_current_attempt_runs_a_job(person):
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={}, queue=False)
    assert jobs.job_run(job_id=job.pk, attempt=2) is False  # a message of an attempt that is not this one
    assert Job.objects.get(pk=job.pk).state == "queued"
    assert jobs.job_run(job_id=job.pk, attempt=1) is True
    assert jobs.job_run(job_id=job.pk, attempt=1) is False  # delivered twice: runs once
    assert Job.objects.get(pk=job.pk).state == "done"


def test_a_run_that_was_superseded_meanwhile_stops_and_keeps_no_file(person):
    def slow(job):
        job.progress(0, 10, force=True)
        job.out.write(b"partial")
        Job.objects.filter(pk=job.job.pk).update(attempts=2, state="queued")  # beat queued it again
        job.progress(5, force=True)
        return jobs.Output("never.txt")

    with registered(sample_kind("tests.slow", run=slow)):
        job = jobs.job_start(acting_user=person, kind="tests.slow", params={}, queue=False)
        assert jobs.job_run(job_id=job.pk, attempt=1) is False
    job.refresh_from_db()
    assert (job.state, job.attempts, job.file.name) == ("queued", 2, "")


def test_the_task_calls_job_run_with_a_time_limit():
    task = app.tasks[jobs.TASK]
    from django.conf import settings

    assert task.soft_time_limit == settings.QMS_JOB_TIME_LIMIT and task.time_limit > task.soft_time_limit


# --- Recovery of stalled jobs -------------------------------------------------------------------------


def stall(job, minutes, state="running"):
    Job.objects.filter(pk=job.pk).update(state=state, heartbeat_at=timezone.now() - timedelta(minutes=minutes))


def test_a_job_whose_worker_died_is_queued_again_as_a_new_attempt_and_then_finishes(person, settings):
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 2}, queue=False)
    Job.objects.filter(pk=job.pk).update(state="running", progress=1, total=2)  # the worker was killed here
    fresh = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 5}, queue=False)
    stall(job, settings.QMS_JOB_STALLED_MINUTES + 1)
    stall(fresh, 1, state="queued")

    assert jobs.jobs_recover_stalled() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 2)
    assert queued(job) == [{"job_id": job.pk, "attempt": 2}]
    assert Job.objects.get(pk=fresh.pk).attempts == 1  # still fresh: left alone
    assert jobs.job_run(job_id=job.pk, attempt=1) is False  # the old message, redelivered late
    assert jobs.job_run(job_id=job.pk, attempt=2) is True
    assert read(job) == b"item 1\nitem 2\n"


def test_a_job_that_keeps_stalling_fails_with_a_message_after_the_last_attempt(person, settings):
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={}, queue=False)
    for attempt in range(1, settings.QMS_JOB_MAX_ATTEMPTS):
        stall(job, settings.QMS_JOB_STALLED_MINUTES + 1)
        assert jobs.jobs_recover_stalled() == {"requeued": 1, "failed": 0}
        assert Job.objects.get(pk=job.pk).attempts == attempt + 1
    stall(job, settings.QMS_JOB_STALLED_MINUTES + 1)
    assert jobs.jobs_recover_stalled() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == "failed" and f"stopped {settings.QMS_JOB_MAX_ATTEMPTS} times" in job.error
    assert Notification.objects.filter(recipient=person, kind="job_failed").exists()
    assert jobs.jobs_recover_stalled() == {"requeued": 0, "failed": 0}


def test_a_lost_message_leaves_the_job_waiting_only_until_beat_sends_it_again(person, settings):
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={}, queue=False)  # its message never arrived
    stall(job, settings.QMS_JOB_STALLED_MINUTES + 1, state="queued")
    assert jobs.jobs_recover_stalled()["requeued"] == 1
    assert queued(job) == [{"job_id": job.pk, "attempt": 2}]


def test_beat_recovers_stalled_jobs_every_five_minutes_and_purges_at_night():
    schedule = app.conf.beat_schedule
    assert schedule["jobs-recover-stalled"]["task"] == "qms_portal.tasks.recover_stalled_jobs"
    assert str(schedule["jobs-recover-stalled"]["schedule"]._orig_minute) == "*/5"
    assert schedule["jobs-purge"]["task"] == "qms_portal.tasks.purge_jobs"
    assert {"qms_portal.tasks.recover_stalled_jobs", "qms_portal.tasks.purge_jobs"} <= set(app.tasks)


def test_old_jobs_and_their_files_are_purged_and_recent_ones_kept(person, settings):
    old, recent = done_job(person), done_job(person)
    waiting = jobs.job_start(acting_user=person, kind=SAMPLE, params={}, queue=False)
    long_ago = timezone.now() - timedelta(days=settings.QMS_JOB_KEEP_DAYS + 1)
    Job.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=long_ago)
    assert default_storage.exists(old.file.name)

    assert jobs.jobs_purge() == 1
    assert not default_storage.exists(old.file.name) and not Job.objects.filter(pk=old.pk).exists()
    assert default_storage.exists(recent.file.name)
    assert Job.objects.filter(pk=waiting.pk).exists()  # still active: recovery decides its fate


# --- Registration ---------------------------------------------------------------------------------------


def test_an_area_registers_its_job_kinds_with_its_other_parts():
    assert jobs.KINDS["documents.master_list_xlsx"].permission == "documents.export_document"
    assert {k.name for k in areas.get("documents").jobs} == {"documents.master_list_xlsx", "documents.master_list_csv",
                                                               "documents.master_list_pdf"}


def test_a_job_kind_is_named_after_its_area_and_registered_once(monkeypatch):
    monkeypatch.setattr(jobs, "KINDS", {})
    with pytest.raises(ValueError, match="must start with 'audits.'"):
        jobs.register_kinds("audits", [sample_kind("documents.report")])
    jobs.register_kinds("audits", [sample_kind("audits.report")])
    with pytest.raises(ValueError, match="twice"):
        jobs.register_kinds("audits", [sample_kind("audits.report")])


def test_areas_register_passes_the_job_kinds_to_the_registry(monkeypatch, settings):
    monkeypatch.setattr(jobs, "KINDS", {})
    monkeypatch.setattr(areas, "_AREAS", {})
    settings.QMS_AREAS = ["audits"]
    areas.register("audits", jobs=[sample_kind("audits.findings_xlsx")])
    assert list(jobs.KINDS) == ["audits.findings_xlsx"]


# --- Pages: the list, the progress page, the download -----------------------------------------------------


def test_my_exports_lists_my_own_jobs_only(tree, person, client_for):
    mine, theirs = done_job(person), done_job(tree.outsider)
    page = client_for(person).get(reverse("job_list"))
    assert page.status_code == 200
    listed = [job.pk for job in page.context["jobs"]]
    assert listed == [mine.pk] and theirs.pk not in listed
    assert reverse("job_download", args=[mine.pk]) in page.content.decode()


def test_the_progress_page_polls_while_the_job_runs_then_offers_the_download(person, client_for):
    client = client_for(person)
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={"items": 4}, queue=False)
    status_url = reverse("job_status", args=[job.pk])
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert page.status_code == 200 and f'hx-get="{status_url}"' in page.content.decode()
    assert "Waiting for its turn" in page.content.decode()

    Job.objects.filter(pk=job.pk).update(state="running", progress=1, total=4)
    running = client.get(status_url).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="25"' in running and "1 of 4 (25%)" in running

    assert jobs.job_run(job_id=job.pk, attempt=2) is False
    Job.objects.filter(pk=job.pk).update(state="queued")
    assert jobs.job_run(job_id=job.pk, attempt=1)
    done = client.get(status_url).content.decode()
    assert "hx-trigger" not in done  # polling stops
    assert reverse("job_download", args=[job.pk]) in done and "sample.txt" in done


def test_a_failed_job_shows_its_message_and_stops_polling(person, client_for):
    with registered(sample_kind("tests.empty", run=fail_sample)):
        job = jobs.job_start(acting_user=person, kind="tests.empty", params={}, queue=False)
        jobs.job_run(job_id=job.pk, attempt=1)
        body = client_for(person).get(reverse("job_status", args=[job.pk])).content.decode()
    assert "Nothing to list with these filters." in body and "hx-trigger" not in body


def test_only_the_person_who_asked_downloads_the_file(tree, person, client_for):
    job = done_job(person, content=b"item 1\n", filename="danh-muc.txt")
    response = client_for(person).get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"item 1\n"
    assert response["Content-Disposition"] == 'attachment; filename="danh-muc.txt"'
    for other in (tree.outsider, tree.ward1_mr, tree.superuser):  # even an administrator: 404
        client = client_for(other)
        for name in ("job_detail", "job_status", "job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)


def test_a_requester_who_lost_the_permission_gets_403(tree, person, client_for):
    job = done_job(person, kind=GUARDED)
    client = client_for(person)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 200
    services.role_assignment_end(acting_user=tree.superuser, assignment=RoleAssignment.objects.get(user=person))
    client = client_for(type(person).objects.get(pk=person.pk))
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 403, name


def test_a_file_not_made_yet_or_gone_is_not_found(person, client_for):
    job = jobs.job_start(acting_user=person, kind=SAMPLE, params={}, queue=False)
    client = client_for(person)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    finished = done_job(person)
    default_storage.delete(finished.file.name)
    assert client.get(reverse("job_download", args=[finished.pk])).status_code == 404


def test_a_job_of_a_kind_no_longer_offered_is_not_found(person, client_for):
    job = done_job(person, kind="tests.retired")
    assert client_for(person).get(reverse("job_detail", args=[job.pk])).status_code == 404


def test_the_broker_delivers_long_work_deliberately(settings):
    """Acknowledged when done; a task whose pool process was killed is not handed straight to
    another (beat recovers it, bounded); with Redis, a message comes back only after the longest
    job could have finished, and sooner than Redis's default hour."""
    import json
    import os
    import subprocess
    import sys

    assert app.conf.task_acks_late is True and app.conf.task_reject_on_worker_lost is False
    assert app.conf.worker_prefetch_multiplier == 1 and app.conf.worker_max_memory_per_child > 0
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps([settings.CELERY_BROKER_TRANSPORT_OPTIONS, settings.QMS_JOB_TIME_LIMIT]))")
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/9", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "qms_portal.settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    options, limit = json.loads(out.strip().splitlines()[-1])
    assert limit + 60 < options["visibility_timeout"] < 3600
