"""The documents area's part of ``manage.py bench`` (registered as ``areas.register(bench=…)``):
the register (plain, a level filter, searched in Vietnamese and Chinese), the showcase procedure's
page and compare page, the legal register, the register of acknowledgements (plain, and as the
dashboard links it); and apart from the round robin, the showcase's
controlled copy (its first render and its cached download) and the master list exports of every
document (``bench_exports.py``: each a background job in a process of its own)."""

import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal.bench import sweeps
from qms_portal.bench.runner import _percentile
from qms_portal.bench.tools import BenchPages
from qms_portal.models import Unit

from .models import Acknowledgement, ControlledCopy, Document
from .pdf import ISSUED, PdfUnavailable, render_controlled_copy
from .scale import SEARCH_VI, SEARCH_ZH, showcase_revision


class DocumentsBench(BenchPages):
    def add_arguments(self, parser):
        parser.add_argument("--doc-q-vi", default=SEARCH_VI, help="Vietnamese search term for the register.")
        parser.add_argument("--doc-q-zh", default=SEARCH_ZH, help="Chinese search term for the register.")
        parser.add_argument("--no-sweep", action="store_true",
                            help="Skip the acknowledgement reminder sweep (run in a process of its own).")
        parser.add_argument("--pdf-renders", type=int, default=2,
                            help="Renders of the controlled copy from scratch (default 2: the first in this "
                                 "process, and one more); 0 skips the PDF.")
        parser.add_argument("--skip-exports", action="store_true",
                            help="Do not measure the master list exports (XLSX, CSV, PDF of every document).")

    def pages(self, user, options):
        """The register, the page and compare page of the showcase procedure (the effective
        procedure with the most acknowledgements, left out when there is none), the legal register."""
        register = reverse("documents:register")
        pages = [
            ("documents", register),
            ("documents ?level=2", register + "?" + urlencode({"level": 2, "status": "effective"})),
            ("documents ?q=vi", register + "?" + urlencode({"q": options.get("doc_q_vi") or SEARCH_VI,
                                                           "status": "all"})),
            ("documents ?q=zh", register + "?" + urlencode({"q": options.get("doc_q_zh") or SEARCH_ZH,
                                                           "status": "all"})),
        ]
        self.showcase = showcase_revision(user)
        if self.showcase is not None:
            pages += [
                ("document detail", reverse("documents:document_detail", args=[self.showcase.document_id])),
                ("revision compare", reverse("documents:revision_compare", args=[self.showcase.pk])),
            ]
        pages.append(("legal register", reverse("documents:legal_list")))
        # the register of acknowledgements (100,000 at a province's size), newest asked first, and as
        # the steering dashboard's figure links it: those given, on the reader's highest unit's subtree
        acknowledgements = reverse("documents:acknowledgement_list")
        top = Unit.objects.restrict(user, "view").order_by("depth", "path").only("pk").first()
        given = {"state": "acknowledged", **({"unit": top.pk} if top is not None else {})}
        pages += [
            ("acknowledgements", acknowledgements),
            ("acknowledgements ?acknowledged", acknowledgements + "?" + urlencode(given)),
        ]
        # one row per unit; filtered by status, every unit's standing is read (documents/announcements.py)
        announcements = reverse("documents:announcement_register")
        pages += [("announcements register", announcements),
                  ("announcements register ?late", announcements + "?status=late")]
        return pages

    def measure(self, *, user, options, runs, warmup, secure):
        result = {}
        if not options.get("no_sweep") and Acknowledgement.objects.exists():
            result["sweep"] = measure_sweep()
        renders = options.get("pdf_renders", 2)
        showcase = getattr(self, "showcase", None) or showcase_revision(user)
        if renders > 0 and showcase is not None:
            result["pdf"] = measure_pdf(user=user, revision=showcase, runs=runs, warmup=warmup, secure=secure,
                                        renders=renders)
        if not options.get("skip_exports") and Document.objects.exists():  # no documents: nothing to list
            from .bench_exports import measure_exports

            result["exports"] = measure_exports(user=user)
        return result or None

    def format(self, result):
        from .bench_exports import format_exports

        return format_sweep(result.get("sweep")) + format_pdf(result.get("pdf")) + format_exports(result.get("exports"))

    def problems(self, result):
        from .bench_exports import export_problems

        problems = export_problems(result.get("exports"))
        sweep = result.get("sweep") or {}
        if sweep.get("error"):
            problems.append(f"acknowledgement sweep ({sweep['error']})")
        pdf = result.get("pdf") or {}
        if pdf.get("error") and not pdf.get("unavailable"):
            return [f"controlled copy ({pdf['error']})", *problems]
        if pdf and not pdf.get("unavailable") and "error" in (pdf.get("download") or {}):
            return [f"controlled copy download ({pdf['download']['error']})", *problems]
        return problems


def measure_sweep():
    """The acknowledgement reminder sweep over the data as it is, in a process of its own."""
    return sweeps.measure_command("bench_acknowledgement_sweep")


def format_sweep(sweep):
    return sweeps.format_sweep(sweep, title="acknowledgement reminder sweep", command="bench_acknowledgement_sweep",
                               due="{due_rows} rows due, {claimed} claimed in {batches} batches")


PDF_RENDER_GOAL_S = 3.0
PDF_DOWNLOAD_GOAL_MS = 50.0


def pdf_pages(data):
    """(pages, how counted) of a PDF, read with pypdf."""
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages), "pypdf"


def _drop_copy(revision):
    for copy in ControlledCopy.objects.filter(revision=revision):
        if copy.file:
            copy.file.delete(save=False)
        copy.delete()


def measure_pdf(*, user, revision, runs=30, warmup=3, secure=False, renders=2):
    """(a) The first render of the controlled copy, as the task does it (``render_controlled_copy``
    after its ControlledCopy is deleted): the first render in this process (WeasyPrint loads its
    fonts then) and ``renders - 1`` more, each from scratch; the page count. (b) The cached download
    through the whole stack, p50/p95 over ``runs`` requests after ``warmup``."""
    url = reverse("documents:revision_pdf", args=[revision.pk])
    result = {"revision": revision.pk, "document": revision.document.code, "label": revision.label, "url": url,
              "render_goal_s": PDF_RENDER_GOAL_S, "download_goal_ms": PDF_DOWNLOAD_GOAL_MS}
    seconds = []
    language = user.language or settings.LANGUAGE_CODE
    try:
        for _ in range(max(1, renders)):
            _drop_copy(revision)
            start = time.perf_counter()
            render_controlled_copy(revision.pk, language)
            seconds.append(time.perf_counter() - start)
    except PdfUnavailable as error:
        return result | {"error": f"PDF unavailable: {error}", "unavailable": True}
    except Exception as error:  # noqa: BLE001 - reported; the command exits non-zero
        return result | {"error": f"{type(error).__name__}: {error}"[:500]}
    copy = ControlledCopy.objects.get(revision=revision, language=language)
    with copy.file.open("rb") as handle:
        data = handle.read()
    pages, counted_by = pdf_pages(data)
    result.update({
        "render_s": round(seconds[0], 3), "renders_s": [round(x, 3) for x in seconds],
        "render_again_s": round(statistics.median(seconds[1:]), 3) if len(seconds) > 1 else None,
        "pages": pages, "pages_counted_by": counted_by, "pdf_kb": round(len(data) / 1024, 1),
    })

    client = Client(raise_request_exception=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The first download of the day by this person lays the "printed on … by …" line over every
    # page and keeps that file; later downloads serve it as it is.
    try:
        for day in default_storage.listdir(ISSUED)[0]:
            for name in default_storage.listdir(f"{ISSUED}/{day}")[1]:
                if name.startswith(f"{revision.pk}-"):
                    default_storage.delete(f"{ISSUED}/{day}/{name}")
    except FileNotFoundError:
        pass
    start = time.perf_counter()
    first = client.get(url, secure=secure)
    first_body = b"".join(first.streaming_content) if first.streaming else first.content
    result["first_issue_ms"] = round((time.perf_counter() - start) * 1000, 1)
    times, queries = [], []
    for round_ in range(-warmup, runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, secure=secure)
            # Reading the streamed file to its end closes it (the test client then closes the
            # response, as a WSGI server would); closing it again would close the connection.
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - start) * 1000
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or kind != "application/pdf" or body != first_body \
                or not body.startswith(b"%PDF-") or len(body) < len(data) // 2:
            result["download"] = {"status": response.status_code,
                                  "error": f"not the stored controlled copy (HTTP {response.status_code}, {kind})"}
            return result
        if round_ >= 0:
            times.append(elapsed)
            queries.append(len(captured))
    result["download"] = {
        "status": 200, "bytes": len(body), "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2), "queries": int(statistics.median(queries)),
        "queries_min": min(queries), "queries_max": max(queries),
    }
    return result


def format_pdf(pdf):
    if not pdf:
        return []
    lines = ["", f"controlled copy: {pdf['document']} rev. {pdf['label']} (revision {pdf['revision']}), apart from "
                 "the round robin"]
    if "render_s" not in pdf:
        return [*lines, f"  {pdf.get('error', 'not measured')}"]
    pages = f"{pdf['pages']} pages ({pdf['pages_counted_by']})" if pdf["pages"] else "pages not counted"
    again = f"; again from scratch {pdf['render_again_s']:.2f} s" if pdf.get("render_again_s") is not None else ""
    flag = "  > goal" if pdf["render_s"] > pdf["render_goal_s"] else ""
    lines.append(f"  first render (render_controlled_copy): {pdf['render_s']:.2f} s{again}, goal ≤ "
                 f"{pdf['render_goal_s']:g} s — {pages}, {pdf['pdf_kb']:.0f} KB{flag}")
    download = pdf.get("download") or {}
    if "first_issue_ms" in pdf:
        lines.append(f"  first download of the day by a person (stamps \"printed on … by …\" on every page): "
                     f"{pdf['first_issue_ms']:.0f} ms")
    if "p50_ms" in download:
        queries = str(download["queries"]) if download["queries_min"] == download["queries_max"] else \
            f"{download['queries_min']}-{download['queries_max']}"
        flag = "  > goal" if download["p95_ms"] > pdf["download_goal_ms"] else ""
        lines.append(f"  cached download {pdf['url']}: p50 {download['p50_ms']:.1f} ms, p95 {download['p95_ms']:.1f} "
                     f"ms, {queries} queries, goal ≤ {pdf['download_goal_ms']:g} ms{flag}")
    else:
        lines.append(f"  cached download {pdf['url']}: {download.get('error', 'not measured')}")
    return lines
