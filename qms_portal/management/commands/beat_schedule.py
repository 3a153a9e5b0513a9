from django.core.management.base import BaseCommand

from qms_portal.celery import app


class Command(BaseCommand):
    help = "Print the whole beat schedule: the core's scheduled tasks and those each area registered."

    def handle(self, *args, **options):
        for name, entry in sorted(app.conf.beat_schedule.items()):
            self.stdout.write(f"{name:<34} {entry['task']:<48} {entry['schedule']}")
