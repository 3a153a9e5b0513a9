import json

from django.core.management.base import BaseCommand, CommandError

from documents.scale import SEARCH_VI, SEARCH_ZH, showcase_revision
from qms_portal.bench import BENCH_ADMIN, default_pages, format_table, run_bench
from qms_portal.models import User


class Command(BaseCommand):
    help = (
        "Measure each main page in-process (django.test.Client, whole middleware stack) beside the "
        "framework floor: p50/p95 wall time, SQL queries and the ratio to the floor; a second, shorter pass "
        "with the cache emptied before each request (first visits: it empties the configured cache, so give "
        "it a cache of its own); then, apart, the "
        "controlled-copy PDF of the showcase procedure (first render, cached download). Exits non-zero "
        "only when a page does not answer 200 or the PDF cannot be made or downloaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first (default 3).")
        parser.add_argument("--user", default=BENCH_ADMIN, help=f"Who browses (default {BENCH_ADMIN}).")
        parser.add_argument("--output", default="bench-results.json", help="Where to write the JSON results.")
        parser.add_argument("--unit-q", default="Phường", help="Search term for the filtered unit list.")
        parser.add_argument("--user-q", default="Nguyễn", help="Search term for the searched user list.")
        parser.add_argument("--doc-q-vi", default=SEARCH_VI, help="Vietnamese search term for the register.")
        parser.add_argument("--doc-q-zh", default=SEARCH_ZH, help="Chinese search term for the register.")
        parser.add_argument("--goal", type=float, default=4.0, help="Target ratio to the floor (reported only).")
        parser.add_argument("--pdf-renders", type=int, default=2,
                            help="Renders of the controlled copy from scratch (default 2: the first in this "
                                 "process, and one more); 0 skips the PDF.")

    def handle(self, *args, **options):
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}: run `manage.py seed_scale` first.")
        showcase = showcase_revision(user)
        pages = default_pages(user, unit_q=options["unit_q"], user_q=options["user_q"], doc_q_vi=options["doc_q_vi"],
                              doc_q_zh=options["doc_q_zh"], showcase=showcase)
        report = run_bench(user=user, pages=pages, runs=options["runs"], warmup=options["warmup"],
                           pdf_revision=showcase if options["pdf_renders"] > 0 else None,
                           pdf_renders=options["pdf_renders"])
        report["goal"] = options["goal"]
        self.stdout.write(format_table(report, goal=options["goal"]))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                json.dump(report, fh, ensure_ascii=False, indent=2)
            self.stdout.write(f"\nSaved to {options['output']}.")
        failed = [row for row in report["pages"] if row["status"] != 200]
        problems = [f"{row['page']} ({row['status']}{': ' + row['error'] if row.get('error') else ''})"
                    for row in failed]
        pdf = report.get("pdf") or {}
        if pdf.get("error") and not pdf.get("unavailable"):
            problems.append(f"controlled copy ({pdf['error']})")
        elif pdf and not pdf.get("unavailable") and "error" in (pdf.get("download") or {}):
            problems.append(f"controlled copy download ({pdf['download']['error']})")
        if problems:
            raise CommandError("Not answering as expected: " + ", ".join(problems))
