import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qms_portal.bench import BENCH_ADMIN, BENCH_PASSWORD, BENCH_WARD, ScaleExists, analyze, build_scale


class Command(BaseCommand):
    help = (
        "Build a province-sized benchmark dataset in seconds (bulk inserts with history rows): a root unit, "
        "agencies and districts with their divisions, offices and wards, people with roles, pending access "
        f"requests and an inbox for {BENCH_ADMIN}. Does nothing if the root code already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=250, help="Units, the root included (default 250).")
        parser.add_argument("--users", type=int, default=5000,
                            help=f"People, {BENCH_ADMIN} and {BENCH_WARD} included (default 5000).")
        parser.add_argument("--prefix", default="PROV", help="Code of the root unit and of everything below.")
        parser.add_argument("--notifications", type=int, default=200, help=f"Inbox messages for {BENCH_ADMIN}.")
        parser.add_argument("--access-requests", type=int, default=50, help="Pending access requests.")
        parser.add_argument("--documents", type=int, default=10000,
                            help="Controlled documents owned by the agencies, offices and wards (default 10000; "
                                 "0: none).")
        parser.add_argument("--revisions", type=int, default=40000,
                            help="Revisions in all, at least one per document (default 40000).")
        parser.add_argument("--acknowledgements", type=int, default=100000,
                            help="Read-and-acknowledge rows over the effective revisions (default 100000; 0: none).")

    def handle(self, *args, **options):
        if options["units"] < 1 or options["users"] < 0:
            raise CommandError("--units must be at least 1 and --users at least 0.")
        if len(options["prefix"]) > 20:
            raise CommandError("--prefix must be at most 20 characters (unit codes have 32).")
        documents, revisions, acks = options["documents"], options["revisions"], options["acknowledgements"]
        if min(documents, revisions, acks) < 0:
            raise CommandError("--documents, --revisions and --acknowledgements cannot be negative.")
        if documents and revisions < documents:
            raise CommandError("--revisions must be at least --documents: every document has a first revision.")
        if documents and not options["users"]:
            raise CommandError("Documents need people (their owners and authors): give --users.")
        started = time.perf_counter()
        try:
            with transaction.atomic():
                summary = build_scale(
                    units=options["units"], users=options["users"], prefix=options["prefix"],
                    notifications=options["notifications"], access_requests=options["access_requests"],
                )
                docs = self._documents(summary, documents, revisions, acks)
        except ValueError as error:  # from build_documents: numbers it cannot honour
            raise CommandError(str(error))
        except ScaleExists:
            self.stdout.write(f"A unit with the code {options['prefix']} already exists: nothing to do. "
                              "Use another --prefix or a fresh database.")
            return
        built = time.perf_counter() - started  # the commit included
        tick = time.perf_counter()
        tables = analyze()
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
        if docs["documents"]:
            d, dt = docs, docs["timings"]
            self.stdout.write(
                f"Documents: {d['documents']} ({d['withdrawn']} withdrawn, {d['open_drafts']} with an open draft, "
                f"{d['pending']} not yet effective) owned by {d['owners']} units, {d['revisions']} revisions, "
                f"{d['steps']} procedure steps, {d['acknowledgements']} acknowledgements, {d['legal_documents']} "
                "legal documents (with history rows)."
            )
            showcase = d["showcase"]
            self.stdout.write(
                f"Showcase procedure (the bench's document page, compare page and controlled copy): "
                f"{showcase.code} (document {showcase.pk}, revision {d['showcase_revision'].pk})."
            )
            self.stdout.write(
                f"Time: {d['seconds']:.2f} s (" + ", ".join(f"{k} {v:.2f} s" for k, v in dt.items()) + ")."
            )
        if tables:
            self.stdout.write(f"VACUUM ANALYZE of {len(tables)} tables (statistics, visibility map): {analyzed:.2f} s.")
        self.stdout.write(f"Total: {built + analyzed:.2f} s (core and documents, commit and VACUUM ANALYZE included).")

    def _documents(self, summary, documents, revisions, acks):
        from documents.scale import build_documents

        return build_documents(root=summary["root"], documents=documents, revisions=revisions,
                               acknowledgements=acks, rng=random.Random(2027))
