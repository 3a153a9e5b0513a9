import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qms_portal import areas, fragments
from qms_portal.bench.scale import BENCH_ADMIN, BENCH_PASSWORD, BENCH_WARD, ScaleExists, analyze, build_scale
from qms_portal.bench.scale_evaluation import analyze_models as evaluation_models
from qms_portal.bench.scale_evaluation import build_evaluations


class Command(BaseCommand):
    help = (
        "Build a province-sized benchmark dataset in seconds (bulk inserts with history rows): a root unit, "
        "agencies and districts with their divisions, offices and wards, people with roles, pending access "
        f"requests and an inbox for {BENCH_ADMIN}; then each area's own data (its scale builder, with the "
        "options below). Does nothing if the root code already exists."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.builders = [(area, builder()) for area, builder in areas.tools("scale")]
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=250, help="Units, the root included (default 250).")
        parser.add_argument("--users", type=int, default=5000,
                            help=f"People, {BENCH_ADMIN} and {BENCH_WARD} included (default 5000).")
        parser.add_argument("--prefix", default="PROV", help="Code of the root unit and of everything below.")
        parser.add_argument("--notifications", type=int, default=200, help=f"Inbox messages for {BENCH_ADMIN}.")
        parser.add_argument("--access-requests", type=int, default=50, help="Pending access requests.")
        parser.add_argument("--no-evaluations", dest="evaluations", action="store_false",
                            help="Leave out the evaluation of units (last year's and this year's, by the root).")
        parser.add_argument("--only", default="",
                            help="Build only these areas, or parts of an area built in parts, besides the core "
                                 "(comma-separated: 'objectives,training.sessions'); default every area.")
        for _area, builder in self.builders:
            builder.add_arguments(parser)

    def handle(self, *args, **options):
        if options["units"] < 1 or options["users"] < 0:
            raise CommandError("--units must be at least 1 and --users at least 0.")
        if len(options["prefix"]) > 20:
            raise CommandError("--prefix must be at most 20 characters (unit codes have 32).")
        self.builders = self.chosen(options)
        try:
            for _area, builder in self.builders:
                builder.check(options)
        except ValueError as error:
            raise CommandError(str(error))
        started = time.perf_counter()
        built_areas = []
        try:
            with transaction.atomic():
                summary = build_scale(
                    units=options["units"], users=options["users"], prefix=options["prefix"],
                    notifications=options["notifications"], access_requests=options["access_requests"],
                )
                for area, builder in self.builders:
                    built_areas.append((area, builder, builder.build(root=summary["root"], options=options,
                                                                     acting_user=None)))
                # The core's evaluation of units, after the areas: its criteria scored from the data
                # count their records.
                evaluations = build_evaluations(root=summary["root"]) if options["evaluations"] else None
        except ValueError as error:  # from a builder: numbers it cannot honour
            raise CommandError(str(error))
        except ScaleExists:
            self.stdout.write(f"A unit with the code {options['prefix']} already exists: nothing to do. "
                              "Use another --prefix or a fresh database.")
            return
        built = time.perf_counter() - started  # the commit included
        # Bulk inserts send no signals: a shared cache (Redis) would keep pieces read before this.
        fragments.forget_all()
        tick = time.perf_counter()
        tables = analyze([model for _area, builder in self.builders for model in builder.analyze_models()]
                         + (evaluation_models() if evaluations else []))
        analyzed = time.perf_counter() - tick
        t = summary["timings"]
        self.stdout.write(
            f"Created under {summary['root'].code}: {summary['units']} units, {summary['users']} people, "
            f"{summary['assignments']} role assignments, {summary['access_requests']} pending access requests, "
            f"{summary['notifications']} notifications (with history rows for units, people, assignments and "
            "requests)."
        )
        if summary["bench_users"]:
            self.stdout.write(f"Benchmark logins: {', '.join(summary['bench_users'])} / {BENCH_PASSWORD} "
                              f"({BENCH_ADMIN}: administrator of {summary['root'].code} and below; {BENCH_WARD}: "
                              "staff of one ward). Every generated person has the same password.")
        if summary["skipped_users"]:
            self.stdout.write(f"Already there, left as they were: {', '.join(summary['skipped_users'])}.")
        self.stdout.write(
            f"Time: {summary['seconds']:.2f} s (units {t['units']:.2f} s, people {t['users']:.2f} s, "
            f"assignments {t['assignments']:.2f} s, access requests {t['access_requests']:.2f} s, "
            f"notifications {t['notifications']:.2f} s)."
        )
        for area, builder, result in built_areas:
            for line in builder.describe(result):
                self.stdout.write(f"{area.verbose_name}: {line}")
        if evaluations:
            t = evaluations["timings"]
            self.stdout.write(
                f"Evaluations of units: {evaluations['evaluations']} (last year closed, this year open), "
                f"{evaluations['sheets']} sheets, {evaluations['signed']} signed, {evaluations['waiting']} waiting "
                f"for appraisal: {evaluations['seconds']:.2f} s (drafting and opening last year's "
                f"{t['open']:.2f} s, last year {t['last year']:.2f} s, this year {t['this year']:.2f} s).")
        if tables:
            self.stdout.write(f"VACUUM ANALYZE of {len(tables)} tables (statistics, visibility map): {analyzed:.2f} s.")
        self.stdout.write(f"Total: {built + analyzed:.2f} s (core and areas, commit and VACUUM ANALYZE included).")

    def chosen(self, options):
        """The builders ``--only`` names (all by default); the parts it names go in
        ``options["only_parts"]`` (``{area: {part, ...}}``) for ``ScaleParts`` to read."""
        if not options.get("only"):
            return self.builders
        whole, some = set(), {}  # areas named whole; {area: the parts named}
        for name in (n.strip() for n in options["only"].split(",") if n.strip()):
            label, _dot, part = name.partition(".")
            if part:
                some.setdefault(label, set()).add(part)
            else:
                whole.add(label)
        wanted = whole | set(some)
        labels = {area.label for area, _builder in self.builders}
        unknown = sorted(set(wanted) - labels)
        if unknown:
            raise CommandError(f"--only: no area builds scale data under {', '.join(unknown)} "
                               f"(areas: {', '.join(sorted(labels))}).")
        options["only_parts"] = {}
        for area, builder in self.builders:
            parts = some.get(area.label) if area.label not in whole else None
            if parts:
                known = {name for name, _b in builder.builders()} if hasattr(builder, "builders") else set()
                if parts - known:
                    raise CommandError(f"--only: {area.label} has no part {', '.join(sorted(parts - known))} "
                                       f"(parts: {', '.join(sorted(known)) or 'none'}).")
                options["only_parts"][area.label] = parts
        return [(area, builder) for area, builder in self.builders if area.label in wanted]
