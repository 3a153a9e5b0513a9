import gc
import json

from django.core.management.base import BaseCommand, CommandError

from qms_portal.bench.report import format_table
from qms_portal.bench.runner import bench_tools, default_pages, run_bench
from qms_portal.bench.scale import BENCH_ADMIN
from qms_portal.models import User


class Command(BaseCommand):
    help = (
        "Measure each main page in-process (django.test.Client, whole middleware stack) beside the "
        "framework floor: p50/p95 wall time, SQL queries and the ratio to the floor; a second, shorter pass "
        "with every cached piece retired before each request (first visits; the cache is never emptied, so "
        "queued tasks in a Redis it shares with the broker are safe); then, apart, what each area "
        "measures on its own (the documents area: the "
        "controlled-copy PDF of the showcase procedure, first render and cached download). Exits non-zero "
        "only when a page does not answer 200 or something an area measures fails."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.tools = bench_tools()
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first (default 3).")
        parser.add_argument("--user", default=BENCH_ADMIN, help=f"Who browses (default {BENCH_ADMIN}).")
        parser.add_argument("--output", default="bench-results.json", help="Where to write the JSON results.")
        parser.add_argument("--unit-q", default="Phường", help="Search term for the filtered unit list.")
        parser.add_argument("--user-q", default="Nguyễn", help="Search term for the searched user list.")
        parser.add_argument("--goal", type=float, default=4.0, help="Target ratio to the floor (reported only).")
        for _area, tool in self.tools:
            tool.add_arguments(parser)

    def handle(self, *args, **options):
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}: run `manage.py seed_scale` first.")
        pages = default_pages(user, options, self.tools)
        # As a web worker does once loaded (qms_portal/wsgi.py): what is loaded now is left out of
        # the garbage collector's full collections, which otherwise walk it during some requests.
        gc.freeze()
        report = run_bench(user=user, pages=pages, runs=options["runs"], warmup=options["warmup"], tools=self.tools,
                           options=options)
        report["goal"] = options["goal"]
        self.stdout.write(format_table(report, goal=options["goal"], tools=self.tools))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                json.dump(report, fh, ensure_ascii=False, indent=2)
            self.stdout.write(f"\nSaved to {options['output']}.")
        failed = [row for row in report["pages"] if row["status"] != 200]
        problems = [f"{row['page']} ({row['status']}{': ' + row['error'] if row.get('error') else ''})"
                    for row in failed]
        for area, tool in self.tools:
            if area.label in report["extras"]:
                problems += tool.problems(report["extras"][area.label])
        if problems:
            raise CommandError("Not answering as expected: " + ", ".join(problems))
