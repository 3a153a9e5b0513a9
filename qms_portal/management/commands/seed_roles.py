from django.core.management.base import BaseCommand

from qms_portal.roles import ensure_system_roles


class Command(BaseCommand):
    help = "Create the seeded roles of a government QMS (idempotent)."

    def handle(self, *args, **options):
        roles = ensure_system_roles()
        self.stdout.write(f"{len(roles)} system roles ready.")
