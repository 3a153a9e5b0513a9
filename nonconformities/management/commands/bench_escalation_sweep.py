"""Run the corrective actions' escalation sweep once, as the daily task does, and print what it cost
as JSON: the actions due, the time, this process's peak memory, the messages written and the
e-mails sent (``qms_portal.bench.sweeps``). The area's bench (``nonconformities.bench``) starts it
in a process of its own, so the peak memory it reads is the sweep's alone. Unless ``--keep``, the
run's claims, messages and outbox rows are deleted afterwards, so the next run finds the same
actions due."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from qms_portal.bench import sweeps


class Command(BaseCommand):
    help = "Run the corrective actions' escalation sweep once and print its time, peak memory and messages."

    def add_arguments(self, parser):
        sweeps.add_arguments(parser)

    def handle(self, *args, **options):
        from ...models import ACTIVE_ACTION_STATUSES, CorrectiveAction
        from ...services.escalation import MESSAGE, SOON_DAYS, actions_escalate

        due = CorrectiveAction.objects.filter(status__in=ACTIVE_ACTION_STATUSES,
                                              due__lte=timezone.localdate() + timedelta(days=SOON_DAYS))
        sweeps.measure_in_this_process(due=due, sweep=actions_escalate, message_kind=MESSAGE, options=options,
                                       stdout=self.stdout)
