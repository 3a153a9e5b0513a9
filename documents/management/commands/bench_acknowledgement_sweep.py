"""Run the acknowledgement reminder sweep once, as the 6-hourly task does, and print what it cost as
JSON: the rows due, the time, this process's peak memory, the messages written and the e-mails
sent (``qms_portal.bench.sweeps``). The documents area's bench (``documents.bench``) starts it in a
process of its own, so the peak memory it reads is the sweep's alone. Unless ``--keep``, the run's
claims, messages and outbox rows are deleted afterwards, so the next run finds the same rows due."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from qms_portal.bench import sweeps


class Command(BaseCommand):
    help = "Run the acknowledgement reminder sweep once and print its time, peak memory, messages and e-mails."

    def add_arguments(self, parser):
        sweeps.add_arguments(parser)

    def handle(self, *args, **options):
        from ...models import Acknowledgement
        from ...services import acknowledgements_remind

        due = Acknowledgement.objects.filter(
            acknowledged_at__isnull=True, user__is_active=True, revision__status="effective",
            created_at__lte=timezone.now() - timezone.timedelta(days=settings.QMS_ACK_REMINDER_DAYS))
        sweeps.measure_in_this_process(due=due, sweep=acknowledgements_remind, message_kind="acknowledgements_overdue",
                                       options=options, stdout=self.stdout)
