"""Run the audits area's reminder sweep once, as the morning task does, and print what it cost as
JSON: the records due, the time, this process's peak memory, the messages written and the e-mails
sent (``qms_portal.bench.sweeps``). The area's bench (``audits.bench``) starts it in a process of its
own. Unless ``--keep``, the run's claims, messages and outbox rows are deleted afterwards, so the
next run finds the same records due."""

from django.core.management.base import BaseCommand

from qms_portal.bench import sweeps


class _Due:
    """What ``measure_in_this_process`` counts first: every source of the sweep."""

    def count(self):
        from ...services.certificates_reminders import due_rows

        return due_rows()


class Command(BaseCommand):
    help = "Run the audits' reminder sweep once and print its time, peak memory and messages."

    def add_arguments(self, parser):
        sweeps.add_arguments(parser)

    def handle(self, *args, **options):
        from ...services.certificates_reminders import MESSAGE, audit_reminders_send

        sweeps.measure_in_this_process(due=_Due(), sweep=audit_reminders_send, message_kind=MESSAGE,
                                       options=options, stdout=self.stdout)
