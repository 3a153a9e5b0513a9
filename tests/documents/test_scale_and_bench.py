"""The province-sized document data (documents/scale.py through ``seed_scale``) and the document
pages of the benchmark (``bench``), on small numbers."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from documents.announcements import announcement_register, late_days, scope_documents
from documents.filters import DocumentFilter
from documents.models import (
    Acknowledgement,
    Announcement,
    AnnouncementItem,
    Document,
    DocumentType,
    LegalDocument,
    ProcedureStep,
    Revision,
)
from documents.scale import SEARCH_VI, SEARCH_ZH, showcase_revision
from documents.services import document_allocate_code
from documents.services.content import search_text_of
from qms_portal.bench.scale import BENCH_ADMIN
from qms_portal.models import Job, NumberSequence, TransitionRecord, Unit, User
from qms_portal.pdf import weasyprint_problem
from tests.helpers import listed_codes

pytestmark = pytest.mark.django_db

SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 20, "users": 100, "documents": 50, "revisions": 180, "acknowledgements": 400, "audits": 0,
         "nonconformities": 0, "actions": 0,
         "indicators": 0, "surveys": 0, "survey-responses": 0, "risks-per-unit": 0, "reviews": 0}
S = Revision.Status


def _seed(**overrides):
    options = SMALL | overrides
    out = io.StringIO()
    args = ["seed_scale"]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_exactly_the_documents_revisions_and_acknowledgements_asked_for():
    output = _seed()

    assert Document.objects.count() == 50
    assert Revision.objects.count() == 180
    assert Acknowledgement.objects.count() == 400
    assert "Documents: 50" in output and "Total:" in output
    # Owned by the agencies, offices and wards of the province.
    root = Unit.objects.get(code="PROV")
    assert not Document.objects.exclude(unit__path__startswith=root.path).exists()
    kinds = set(Document.objects.values_list("unit__kind", flat=True))
    assert Unit.Kind.AGENCY in kinds and kinds <= {Unit.Kind.AGENCY, Unit.Kind.OFFICE, Unit.Kind.WARD}
    assert Document.objects.values("unit").distinct().count() > 3


def test_codes_follow_the_default_pattern_unique_per_unit_and_the_counters_continue_after_them():
    _seed()
    documents = list(Document.objects.select_related("unit", "doc_type"))
    highest = {}
    for d in documents:
        found = re.fullmatch(rf"{re.escape(d.unit.code)}-{d.doc_type.code}-(\d{{2,}})", d.code)
        assert found, d.code
        key = (d.unit_id, f"documents:{d.doc_type.code}")
        highest[key] = max(highest.get(key, 0), int(found.group(1)))
    assert len({(d.unit_id, d.code) for d in documents}) == len(documents)
    assert {(s.unit_id, s.kind): s.last_number for s in NumberSequence.objects.filter(year=None)} == highest
    # The register goes on numbering after the generated documents.
    (unit_id, kind), last = next(iter(highest.items()))
    unit, doc_type = Unit.objects.get(pk=unit_id), DocumentType.objects.get(code=kind.split(":")[1])
    with transaction.atomic():
        assert document_allocate_code(unit=unit, doc_type=doc_type) == f"{unit.code}-{doc_type.code}-{last + 1:02d}"


def test_every_current_revision_is_the_documents_own_effective_one_with_superseded_ones_before_it():
    _seed()
    documents = list(Document.objects.select_related("current_revision").prefetch_related("revisions"))
    fates = {"effective": 0, "withdrawn": 0, "open draft": 0, "pending": 0}
    for d in documents:
        revisions = sorted(d.revisions.all(), key=lambda r: r.number)
        assert [r.number for r in revisions] == list(range(1, len(revisions) + 1)), d.code
        current = d.current_revision
        if current is None:  # a new document: only its first draft
            assert [r.status for r in revisions] == [S.DRAFT], d.code
            assert d.effective_since is None and not d.is_withdrawn
            fates["pending"] += 1
            continue
        assert current.document_id == d.pk
        assert d.effective_since == current.effective_date and d.next_review_date > d.effective_since
        assert {r.status for r in revisions if r.number < current.number} <= {S.SUPERSEDED}
        if d.is_withdrawn:  # as the "withdraw" transition leaves it
            assert current.status == S.OBSOLETE and current == revisions[-1]
            fates["withdrawn"] += 1
        else:
            assert current.status == S.EFFECTIVE, d.code
            after = [r.status for r in revisions if r.number > current.number]
            assert after in ([], [S.DRAFT]), d.code
            fates["open draft" if after else "effective"] += 1
    assert fates["effective"] > 30 and fates["withdrawn"] == 1 and fates["open draft"] >= 3 and fates["pending"] >= 1
    assert Revision.objects.filter(status=S.EFFECTIVE).count() == fates["effective"] + fates["open draft"]


def test_history_rows_exist_for_every_generated_row():
    _seed()
    assert Document.history.filter(history_type="+").count() == 50
    # The document's history row is written with its current revision (one row, the final state).
    assert Document.history.filter(current_revision__isnull=False).count() == \
        Document.objects.filter(current_revision__isnull=False).count()
    assert Revision.history.filter(history_type="+").count() == 180
    assert ProcedureStep.history.count() == ProcedureStep.objects.count() > 0
    assert Acknowledgement.history.count() == 400
    assert LegalDocument.history.count() == LegalDocument.objects.count() > 0
    # The review and approval signatures of the current revisions.
    assert TransitionRecord.objects.filter(signature_meaning="approved").count() == \
        Document.objects.filter(current_revision__isnull=False).count()
    # The documents' clauses and the revisions' legal basis are kept with their history rows too.
    for model, field in ((Document, "clauses"), (Revision, "legal_refs")):
        sets = getattr(model.history.model, field).model
        linked = getattr(model, field).through.objects.count()
        assert linked > 0 and sets.objects.count() == linked


def test_content_is_vietnamese_or_chinese_and_search_text_is_filled_as_the_services_fill_it():
    _seed()
    titles = list(Document.objects.values_list("title", flat=True))
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in titles)
    assert any(re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", t) for t in titles)
    for revision in Revision.objects.select_related("document"):
        d = revision.document
        assert revision.search_text == search_text_of(d.code, d.title, revision.content)
        assert revision.content.count("<p>") >= 3
    # Revisions of one document differ (the compare page has something to show).
    showcase = showcase_revision()
    previous = Revision.objects.get(document=showcase.document, number=showcase.number - 1)
    assert previous.content != showcase.content
    # Both search terms of the bench find documents, not all of them.
    for term in (SEARCH_VI, SEARCH_ZH):
        found = DocumentFilter({"q": term, "status": "all"}, queryset=Document.objects.all()).qs.count()
        assert 0 < found < 50, term


def test_procedures_have_four_to_six_steps_and_acknowledgements_go_to_people_of_the_province():
    _seed()
    procedures = Document.objects.filter(doc_type__code="QT", current_revision__isnull=False)
    assert procedures.exists()
    for d in procedures:
        assert 4 <= d.current_revision.steps.count() <= 6, d.code
    # Acknowledgements: effective revisions only, one per person, the unit is the person's own.
    acks = Acknowledgement.objects.all()
    assert not acks.exclude(revision__status=S.EFFECTIVE).exists()
    assert not acks.values("revision", "user").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not acks.exclude(unit=F("user__primary_unit")).exists()
    done = acks.filter(acknowledged_at__isnull=False).count()
    assert 0.55 * 400 < done < 0.85 * 400
    assert not acks.filter(acknowledged_at__lt=F("created_at")).exists()
    # The showcase is read across the province: its coverage table has a row per unit.
    showcase = showcase_revision()
    assert showcase.document.doc_type.has_steps
    assert not re.search(r"[\u4e00-\u9fff]", showcase.document.title + showcase.content)  # Vietnamese throughout
    root = Unit.objects.get(code="PROV")
    assert showcase.acknowledgements.count() == User.objects.filter(primary_unit__path__startswith=root.path).count()
    assert showcase.acknowledgements.values("unit").distinct().count() == 20


def test_zero_documents_disables_them_and_fewer_revisions_than_documents_is_refused():
    _seed(documents=0)
    assert not Document.objects.exists() and not Revision.objects.exists() and not Acknowledgement.objects.exists()
    with pytest.raises(CommandError, match="revisions"):
        _seed(prefix="OTHER", documents=10, revisions=5)


def test_bench_answers_200_on_every_page_including_the_documents_ones_and_writes_the_pdf_figures(tmp_path):
    _seed()
    target = tmp_path / "bench.json"
    out = io.StringIO()
    call_command("bench", "--runs", "2", "--warmup", "1", "--pdf-renders", "1", "--output", str(target),
                 stdout=out)

    report = json.loads(target.read_text(encoding="utf-8"))
    pages = {row["page"]: row for row in report["pages"]}
    assert {"documents", "documents ?level=2", "documents ?q=vi", "documents ?q=zh", "document detail",
            "revision compare", "legal register"} <= set(pages)
    for name, row in pages.items():
        assert row["status"] == 200, (name, row.get("error"))
        assert row["queries"] > 0 and row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"]
        # a first visit (cache emptied) reads at least what a repeat visit reads
        assert row["cold_p50_ms"] > 0 and row["cold_queries"] >= row["queries"], name
    register = pages["documents"]
    assert register["cold_queries"] > register["queries"]  # the repeat visit's table came from the cache
    showcase = showcase_revision(User.objects.get(username=BENCH_ADMIN))
    assert pages["document detail"]["url"] == f"/documents/{showcase.document_id}/"
    assert pages["revision compare"]["url"] == f"/documents/revisions/{showcase.pk}/compare/"
    assert report["data"]["documents"] == 50 and report["data"]["acknowledgements"] == 400

    # The searched register lists what it found; the document page shows the steps and coverage.
    client = Client()
    client.force_login(User.objects.get(username=BENCH_ADMIN))
    for name in ("documents ?q=vi", "documents ?q=zh"):
        assert listed_codes(client.get(pages[name]["url"])), name
    detail = client.get(pages["document detail"]["url"])
    assert detail.context["steps"] and detail.context["coverage_units"] == 20
    assert len(detail.context["coverage"]) == 10  # the units furthest behind; the rest behind a link

    # The master list of all 50 documents, as background jobs, and a web worker asking for one.
    exports = report["extras"]["documents"]["exports"]
    assert exports["documents"] == 50 and exports["in_process"]  # the tests' database: measured in process
    for fmt in ("xlsx", "csv", "pdf"):
        assert exports[fmt]["rows"] == 50 and exports[fmt]["seconds"] > 0 and exports[fmt]["kb"] > 0, fmt
    assert exports["pdf"]["pages"] >= 2
    statuses = [(r["method"], r["status"]) for r in exports["web"]["requests"]]
    assert statuses == [("GET", 200), ("GET", 200), ("POST", 302), ("GET", 200), ("GET", 200)]
    assert round(exports["web"]["requests"][-1]["bytes"] / 1024, 1) == exports["xlsx"]["kb"]  # the file downloaded
    assert not Job.objects.exists()  # the bench leaves no job behind
    table = out.getvalue()
    assert "master list exports of 50 documents" in table and "web worker" in table

    pdf = report["extras"]["documents"]["pdf"]
    assert pdf["revision"] == showcase.pk
    assert "50 documents, 180 revisions, 400 acknowledgements" in table and "controlled copy" in table
    if weasyprint_problem():
        assert pdf.get("unavailable")
        return
    assert pdf["render_s"] > 0 and pdf["pages"] >= 15 and pdf["pdf_kb"] > 0
    download = pdf["download"]
    assert download["status"] == 200 and download["p95_ms"] >= download["p50_ms"] > 0 and download["queries"] > 0
    assert "first render" in table and "cached download" in table


def test_seed_scale_leaves_as_many_acknowledgements_due_as_asked_and_the_bench_sweeps_them(tmp_path):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from qms_portal.models import Notification, ReminderClaim

    _seed(acknowledgements=400, **{"due-acknowledgements": 300})
    unread = Acknowledgement.objects.filter(acknowledged_at__isnull=True).count()
    assert 240 <= unread <= 360  # about 300
    due = Acknowledgement.objects.filter(
        acknowledged_at__isnull=True, user__is_active=True, revision__status=S.EFFECTIVE,
        created_at__lte=timezone.now() - timedelta(days=settings.QMS_ACK_REMINDER_DAYS)).count()

    target = tmp_path / "bench.json"
    out = io.StringIO()
    call_command("bench", "--runs", "1", "--warmup", "0", "--pdf-renders", "0", "--output", str(target), stdout=out)
    sweep = json.loads(target.read_text(encoding="utf-8"))["extras"]["documents"]["sweep"]
    assert sweep["due_rows"] == due > 0
    assert sweep["claimed"] == due
    people = Acknowledgement.objects.filter(acknowledged_at__isnull=True).values("user").distinct().count()
    assert 0 < sweep["messages"] <= people  # one message per person, whatever their number of rows
    assert sweep["emails_sent"] == sweep["emails_queued"] > 0
    assert sweep["sweep_s"] > 0 and sweep["peak_rss_mb"] > 0
    assert "acknowledgement reminder sweep" in out.getvalue() and "messages (one per person)" in out.getvalue()
    # the bench cleans up after itself: the next run finds the same rows due
    assert not ReminderClaim.objects.exists()
    assert not Notification.objects.filter(kind="acknowledgements_overdue").exists()


def _status_by_definition(unit, today):
    """The register's status of ``unit`` read straight from the rules (``documents/announcements.py``),
    row by row, to check the grouped reading against."""
    scope = {d.pk for d in scope_documents().filter(unit=unit)}
    announced = list(Announcement.objects.filter(unit=unit, status=Announcement.Status.ANNOUNCED))
    cutoff = today - timedelta(days=late_days())
    published = Revision.objects.filter(status__in=[S.EFFECTIVE, S.SUPERSEDED])
    if not announced:
        firsts = [r.effective_date for r in published.filter(document_id__in=scope)]
        return "late" if firsts and min(firsts) < cutoff else "never"
    last = max(announced, key=lambda a: (a.decision_date, a.pk))
    covered = set(last.items.values_list("document_id", flat=True))
    added, gone = scope - covered, covered - set(scope_documents().values_list("pk", flat=True))
    if not added and not gone:
        return "current"
    since = [r.effective_date for r in published.filter(document_id__in=added)]
    gone_revisions = Document.objects.filter(pk__in=gone).values_list("current_revision_id", flat=True)
    since += [timezone.localdate(t.at) for t in TransitionRecord.objects.filter(
        transition="withdraw", object_id__in=list(gone_revisions), content_type__model="revision")]
    return "late" if since and min(since) < cutoff else "changed"


def test_announcements_cover_what_was_effective_on_their_date_and_the_register_reads_every_status():
    _seed(documents=300, revisions=900)
    made = Announcement.objects.all()
    assert made.filter(status=Announcement.Status.ANNOUNCED).exists()
    assert made.filter(status=Announcement.Status.SUPERSEDED).exists()
    # One current announcement per unit; one that was superseded has a later one.
    assert not made.filter(status="announced").values("unit").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for earlier in made.filter(status=Announcement.Status.SUPERSEDED):
        later = made.get(unit=earlier.unit_id, status=Announcement.Status.ANNOUNCED)
        assert later.decision_date > earlier.decision_date
        assert TransitionRecord.objects.filter(object_id=earlier.pk, transition="supersede",
                                               content_type__model="announcement").count() == 1
    # What each covers was effective on its date, with the revision effective then.
    for item in AnnouncementItem.objects.select_related("announcement", "revision"):
        day = item.announcement.decision_date
        assert item.revision.document_id == item.document_id and item.revision.effective_date <= day
        assert not Revision.objects.filter(document=item.document_id, effective_date__gt=item.revision.effective_date,
                                           effective_date__lte=day).exclude(status=S.DRAFT).exists()
    signed = made.exclude(status=Announcement.Status.DRAFT)
    assert TransitionRecord.objects.filter(transition="announce", signature_meaning="announced",
                                           content_type__model="announcement").count() == signed.count()
    assert Announcement.history.count() == made.count() and AnnouncementItem.history.count() == \
        AnnouncementItem.objects.count() > 0
    # The register's grouped reading says what the rules say, unit by unit, over several statuses.
    today = timezone.localdate()
    reader = User.objects.get(username=BENCH_ADMIN)
    rows = announcement_register(reader, today=today)
    assert {u.pk: u.announcement_status for u in rows} == {u.pk: _status_by_definition(u, today) for u in rows}
    assert len({u.announcement_status for u in rows}) >= 3
