from django.core.management.base import BaseCommand, CommandError

from qms_portal import areas
from qms_portal.demo import LANGUAGES, seed_demo


class Command(BaseCommand):
    help = (
        "Build the demo city (construction bureau with 16 divisions, department of home affairs, a district "
        "with 12 offices and 18 wards), one person per role and a pending access request. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", default="en", choices=LANGUAGES,
                            help="Names of units and people, and the people's preferred language.")

    def handle(self, *args, **options):
        try:
            summary = seed_demo(language=options["language"])
        except ValueError as error:
            raise CommandError(str(error))
        out = self.stdout
        out.write(f"Demo ({summary['language']}): {summary['units_total']} units in the demo city.")
        for label, key in [
            ("units created", "units_created"), ("units renamed", "units_updated"),
            ("people created", "users_created"), ("people updated", "users_updated"),
            ("roles assigned", "assignments_created"), ("access requests", "access_requests_created"),
        ]:
            items = summary[key]
            shown = ", ".join(items[:8]) + (f", … (+{len(items) - 8})" if len(items) > 8 else "")
            out.write(f"  {label}: {len(items)}" + (f" — {shown}" if items else ""))
        if not any(summary[k] for k in ("units_created", "units_updated", "users_created", "users_updated",
                                         "assignments_created", "access_requests_created")):
            out.write("  Nothing to do: the demo was already in place.")
        # Each area adds its own demo data (``areas.register(demo=…)``), after the people exist.
        for area, seed in areas.tools("demo"):
            out.write(f"  {area.verbose_name}: {seed(language=options['language'])} created")
        # The steering committee's annual ISO reports, last: their frozen figures count the areas' records.
        from qms_portal.steering.report_demo import seed_reports

        out.write(f"  Annual ISO reports: {seed_reports(language=options['language'])} created")
        # The district's evaluation of its offices and wards, last year's closed and this year's open.
        from qms_portal.steering.evaluation_demo import seed_evaluations

        out.write(f"  Evaluations of units: {seed_evaluations(language=options['language'])} created")
        out.write("\nDemo logins (username / password — who):")
        for username, password, description in summary["logins"]:
            out.write(f"  {username:<14} {password:<16} {description}")
