"""Run the qualifications' expiry sweep once, as the daily task does, and print what it cost as JSON:
the qualifications due (within 90 days), the time, this process's peak memory, the messages written
and the e-mails sent (``qms_portal.bench.sweeps``). The competence part's bench
(``training.bench_competence``) starts it in a process of its own. Unless ``--keep``, the run's
claims, messages and outbox rows are deleted afterwards, so the next run finds the same rows due."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from qms_portal.bench import sweeps


class Command(BaseCommand):
    help = "Run the qualifications' expiry sweep once and print its time, peak memory and messages."

    def add_arguments(self, parser):
        sweeps.add_arguments(parser)

    def handle(self, *args, **options):
        from ...services.competence_reminders import MESSAGE, due_qualifications, qualification_reminders_send

        sweeps.measure_in_this_process(due=due_qualifications(timezone.localdate()),
                                       sweep=qualification_reminders_send, message_kind=MESSAGE, options=options,
                                       stdout=self.stdout)
