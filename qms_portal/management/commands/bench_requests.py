import json
import resource
from contextlib import nullcontext

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from qms_portal import notifications, outbox
from qms_portal.models import Job, OutboxMessage, User


class Command(BaseCommand):
    help = (
        "Serve a few requests in this process as a web worker would (the WSGI application, the whole "
        "middleware stack) and print one line of JSON: each request's status and size, and this process's "
        "peak memory. Used by `manage.py bench` to measure the web worker's memory while it asks for an "
        "export and downloads it. Nothing is sent to the broker: jobs queued by these requests are deleted "
        "at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Who browses.")
        parser.add_argument("--get", action="append", default=[], dest="requests", type=lambda url: ("GET", url),
                            help="A page to GET (repeatable, in order).")
        parser.add_argument("--post", action="append", default=[], dest="requests", type=lambda url: ("POST", url),
                            help="A URL to POST to; a redirect is followed by a GET (repeatable, in order).")

    def handle(self, *args, user, requests, **options):
        from qms_portal.wsgi import application  # noqa: F401 - loaded as a web worker loads it

        person = User.objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(f"No active user {user!r}.")
        started = timezone.now()
        hosts = list(settings.ALLOWED_HOSTS)
        test_host = nullcontext() if "testserver" in hosts else override_settings(ALLOWED_HOSTS=[*hosts, "testserver"])
        results = []
        original = outbox.dispatch, notifications.dispatch
        outbox.dispatch = notifications.dispatch = lambda message_id: False  # queued, never sent
        try:
            with test_host:
                client = Client()
                client.force_login(person)
                secure = bool(settings.SECURE_SSL_REDIRECT)
                pending = list(requests)
                while pending:
                    method, url = pending.pop(0)
                    response = getattr(client, method.lower())(url, secure=secure)
                    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else \
                        len(response.content)
                    results.append({"method": method, "url": url, "status": response.status_code, "bytes": size})
                    if method == "POST" and response.status_code == 302:
                        pending.insert(0, ("GET", response["Location"]))
        finally:
            outbox.dispatch, notifications.dispatch = original
            queued = Job.objects.filter(requested_by=person, created_at__gte=started, state=Job.State.QUEUED)
            ids = list(queued.values_list("pk", flat=True))
            OutboxMessage.objects.filter(task="qms_portal.tasks.run_job", kwargs__job_id__in=ids).delete()
            queued.delete()
        self.stdout.write(json.dumps({"requests": results, "discarded_jobs": len(ids),
                                      "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
