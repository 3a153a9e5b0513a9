"""The announcement of conformity's pages: the three permission cases of each (403 without the
permission anywhere, 200 in scope, 404 out of scope), the form and the signing through the pages,
and the register's constant number of queries at two data sizes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import Announcement, Document
from qms_portal import fragments
from qms_portal.models import Unit
from tests import factories
from tests.documents.factories import document_in, effective_document
from tests.factories import PASSWORD, assign, make_superuser, make_unit, make_user
from tests.fragment_check import PieceRecorder
from tests.viewtests import PermissionCases

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

MR = "management_representative"


def announcement_on(unit, *, announced=False):
    """A draft announcement of ``unit`` (an effective procedure there), signed when ``announced``."""
    author = make_superuser("ann-view-author")
    document_in(unit, author=author, reviewer=make_superuser("ann-view-reviewer"),
                approver=make_superuser("ann-view-approver"))
    announcement = services.announcement_create(acting_user=author, unit=unit, decision_number=f"3/QĐ-{unit.code}",
                                                decision_date=timezone.localdate(), scope="Thủ tục hành chính")
    if announced:
        services.announcement_transition(acting_user=author, announcement=announcement, name="announce",
                                         password=PASSWORD)
    return announcement


class TestRegisterAccess(PermissionCases):
    url_name = "documents:announcement_register"
    role = "steering_committee"
    lacking_role = "staff"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestCreateAccess(PermissionCases):
    url_name = "documents:announcement_create"
    role = MR
    lacking_role = "steering_committee"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestDetailAccess(PermissionCases):
    url_name = "documents:announcement_detail"
    role = "steering_committee"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return announcement_on(unit, announced=True)


class TestEditAccess(PermissionCases):
    url_name = "documents:announcement_edit"
    role = MR
    visible_only_role = "steering_committee"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return announcement_on(unit)


class TestHistoryAccess(PermissionCases):
    url_name = "documents:announcement_history"
    role = "administrator"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return announcement_on(unit, announced=True)


class TestSignAccess(PermissionCases):
    url_name = "documents:announcement_transition"
    role = MR
    visible_only_role = "steering_committee"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return announcement_on(unit)

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "announce"}


class TestPdfAccess(PermissionCases):
    url_name = "documents:announcement_pdf"
    role = "steering_committee"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return announcement_on(unit, announced=True)


# --- the pages at work ------------------------------------------------------------------------------


def test_the_management_representative_drafts_edits_and_signs_through_the_pages(ds, client_for):
    effective_document(ds, title="Quy trình tiếp nhận hồ sơ")
    client = client_for(ds.mr)
    response = client.post(reverse("documents:announcement_create"), {
        "unit": ds.dept.pk, "decision_number": "45/QĐ-SNV", "decision_date": timezone.localdate().isoformat(),
        "scope": "Giải quyết thủ tục hành chính"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    announcement = Announcement.objects.get(unit=ds.dept)
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert "Quy trình tiếp nhận hồ sơ" in page and "Sign and announce" in page
    response = client.post(reverse("documents:announcement_edit", args=[announcement.pk]), {
        "decision_number": "46/QĐ-SNV", "decision_date": timezone.localdate().isoformat(), "scope": "Phạm vi mới"})
    assert response.status_code == 302
    url = reverse("documents:announcement_transition", args=[announcement.pk, "announce"])
    assert client.post(url, {"password": "wrong"}).status_code == 200  # the signature refused, on the form
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    announcement.refresh_from_db()
    assert (announcement.status, announcement.decision_number) == ("announced", "46/QĐ-SNV")
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert "Announced" in page and ds.mr.full_name in page  # the signature: who, what it means
    history = client.get(reverse("documents:announcement_history", args=[announcement.pk])).content.decode()
    assert "46/QĐ-SNV" in history
    response = client.post(reverse("documents:announcement_edit", args=[announcement.pk]), {
        "decision_number": "47/QĐ-SNV", "decision_date": timezone.localdate().isoformat(), "scope": "x"})
    assert response.status_code == 200 and "Only a draft" in response.content.decode()


def test_the_pdf_lists_the_documents_covered_under_the_national_heading(ds, client_for, monkeypatch):
    seen = {}

    def fake(template, context, progress=None):
        from django.template.loader import render_to_string

        seen["html"] = render_to_string(template, {"language": "vi", "page_counter": "", **context})
        return b"%PDF-1.4 fake"

    monkeypatch.setattr("qms_portal.pdf.render_pdf", fake)
    document = effective_document(ds, title="Quy trình cấp giấy phép")
    announcement = services.announcement_create(acting_user=ds.mr, unit=ds.dept, decision_number="9/QĐ-SNV",
                                                decision_date=timezone.localdate(), scope="Phạm vi")
    services.announcement_transition(acting_user=ds.mr, announcement=announcement, name="announce",
                                     password=PASSWORD)
    response = client_for(ds.mr).get(reverse("documents:announcement_pdf", args=[announcement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "SOCIALIST REPUBLIC OF VIETNAM" in seen["html"] and document.code in seen["html"]
    assert "Quy trình cấp giấy phép" in seen["html"]


def test_the_real_pdf_is_made(ds, client_for):
    from qms_portal.pdf import weasyprint_problem

    if weasyprint_problem():
        pytest.skip("WeasyPrint is not installed here")
    effective_document(ds)
    announcement = services.announcement_create(acting_user=ds.mr, unit=ds.dept, decision_number="9/QĐ-SNV",
                                                decision_date=timezone.localdate(), scope="Phạm vi")
    response = client_for(ds.mr).get(reverse("documents:announcement_pdf", args=[announcement.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- constant queries -------------------------------------------------------------------------------


def effective_in(unit, author):
    document_in(unit, author=author, reviewer=make_superuser("ann-q-reviewer"),
                approver=make_superuser("ann-q-approver"))


def _units(root, n, start, su):
    """``n`` agencies under ``root``, each with an effective procedure; every other one announced,
    every third of those with a procedure added since."""
    for i in range(start, start + n):
        unit = make_unit(root, f"Q{start}-{i}", name=f"Sở {i}", runs_own_qms=True)
        effective_in(unit, su)
        if i % 2 == 0:
            announcement = services.announcement_create(acting_user=su, unit=unit, decision_number=f"{i}/QĐ",
                                                        decision_date=timezone.localdate(), scope="x")
            services.announcement_transition(acting_user=su, announcement=announcement, name="announce",
                                             password=PASSWORD)
            if i % 3 == 0:
                effective_in(unit, su)


def _count(client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("documents:announcement_register"))
    assert response.status_code == 200
    return len(queries), response.content.decode().count("data-unit="), [q["sql"] for q in queries.captured_queries]


def test_the_register_reads_the_same_number_of_queries_whatever_the_number_of_units(client_for):
    root = factories.make_root(f"QROOT{factories._unique()}")
    su = make_superuser("ann-q-author")
    reader = make_user(f"ann-q-reader-{factories._unique()}", root)
    assign(reader, "steering_committee", root)
    client = client_for(reader)
    _units(root, 3, 0, su)
    small, rows_small, _sql = _count(client)
    _units(root, 12, 10, su)
    large, rows_large, sql = _count(client)
    assert (rows_small, rows_large) == (3, 15)
    assert small == large, "\n".join(sql)


# --- the register's cached content ------------------------------------------------------------------


def _register_reader():
    root = factories.make_root(f"QC{factories._unique()}")
    reader = make_user(f"ann-c-reader-{factories._unique()}", root)
    assign(reader, "steering_committee", root)
    return root, reader


def _statuses(client, **params):
    page = client.get(reverse("documents:announcement_register"), params).content.decode()
    return dict(re.findall(r'data-unit="([^"]+)" data-status="([^"]+)"', page))


def test_every_row_the_cached_register_shows_retires_it_when_it_changes(client_for, monkeypatch):
    root, reader = _register_reader()
    su = make_superuser("ann-c-author")
    _units(root, 6, 0, su)  # current, scope changed (one added), never announced
    withdrawn = Announcement.objects.filter(unit__code__endswith="-2").get().unit
    covered = Document.objects.filter(unit=withdrawn).get()
    effective_in(withdrawn, su)
    services.announcement_transition(
        acting_user=su, name="announce", password=PASSWORD, announcement=services.announcement_create(
            acting_user=su, unit=withdrawn, decision_number="2b/QĐ", decision_date=timezone.localdate(), scope="x"))
    services.revision_transition(acting_user=su, revision=covered.current_revision, name="withdraw", reason="Bãi bỏ")
    recorder = PieceRecorder(monkeypatch)
    client = client_for(reader)
    statuses = _statuses(client)
    for params in ({"status": "changed"}, {"q": "Sở"}, {"page": "1"}):
        _statuses(client, **params)
    assert set(statuses.values()) == {"current", "changed", "never"}, statuses
    # The units' rows. What the rows say is read as grouped values, which the recorder does not see:
    # the next test changes each kind of row they are read from.
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"qms_portal.Unit"}


def test_a_cached_register_reads_no_announcement_and_shows_a_signing_or_a_new_document_at_once(client_for):
    root, reader = _register_reader()
    su = make_superuser("ann-c2-author")
    _units(root, 2, 1, su)  # the first never announced, the second announced and current
    client = client_for(reader)
    first, second = (u.code for u in Unit.objects.filter(parent=root).order_by("code"))
    assert _statuses(client) == {first: "never", second: "current"}
    with CaptureQueriesContext(connection) as queries:
        assert _statuses(client) == {first: "never", second: "current"}
    assert not [q for q in queries.captured_queries if "documents_announcement" in q["sql"]]
    announcement = services.announcement_create(acting_user=su, unit=Unit.objects.get(code=first),
                                                decision_number="7/QĐ", decision_date=timezone.localdate(), scope="x")
    services.announcement_transition(acting_user=su, announcement=announcement, name="announce", password=PASSWORD)
    assert _statuses(client) == {first: "current", second: "current"}
    effective_in(Unit.objects.get(code=second), su)  # a procedure added to its scope since
    assert _statuses(client) == {first: "current", second: "changed"}


def test_without_the_announcements_generation_the_register_would_show_a_signing_late(client_for, monkeypatch):
    """The test above fails when the register does not depend on the announcements."""
    from documents import cached
    from documents.views.announcements import AnnouncementRegisterView

    root, reader = _register_reader()
    su = make_superuser("ann-c3-author")
    _units(root, 1, 1, su)
    monkeypatch.setattr(AnnouncementRegisterView, "cache_generations", (cached.REGISTER_GENERATION, fragments.UNITS))
    client = client_for(reader)
    unit = Unit.objects.get(parent=root)
    assert _statuses(client) == {unit.code: "never"}
    announcement = services.announcement_create(acting_user=su, unit=unit, decision_number="8/QĐ",
                                                decision_date=timezone.localdate(), scope="x")
    services.announcement_transition(acting_user=su, announcement=announcement, name="announce", password=PASSWORD)
    assert _statuses(client) == {unit.code: "never"}  # stale
