"""The desk's lists (nonconforming outputs, citizen feedback, the feedback links handed out for
files) keep their content in the cache (``nonconformities/cached.py``): every row they show retires
them when it changes (recorded by ``tests/fragment_check.py``), a cached visit reads none of their
rows, and what people do — a citizen through the desk's token page included — shows at once."""

from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents import services as document_services
from nonconformities.models import CaseFeedbackRequest, CitizenFeedback, NonconformingOutput
from nonconformities.services import desk, desk_feedback
from nonconformities.views.desk_cases import CaseRequestListView
from qms_portal import services as core
from qms_portal.models import PublicLink, Role, Unit, User
from qms_portal.services import save_tracked
from tests import factories
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row
from tests.nonconformities.desk_factories import desk_link, feedback, iso_officer, output, procedure

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

OUTPUTS = reverse("nonconformities:output_list")
FEEDBACK = reverse("nonconformities:feedback_list")
CASES = reverse("nonconformities:case_request_list")
LISTS = [
    (OUTPUTS, {}, NonconformingOutput), (OUTPUTS, {"disposition": "apology"}, NonconformingOutput),
    (FEEDBACK, {}, CitizenFeedback), (FEEDBACK, {"show": "all"}, CitizenFeedback),
    (CASES, {}, CaseFeedbackRequest), (CASES, {"answered": "no"}, CaseFeedbackRequest),
]
ANSWER = {"rating": "1", "comment": "Phải chờ ba tiếng mới được tiếp.", "citizen_name": "", "contact": "",
          "case_reference": "", "website": ""}
RAISED = '<td class="d-none d-md-table-cell">Yes</td>'
RATED = '<span class="badge text-bg-success">Rated</span>'
EXPIRED = '<span class="badge text-bg-light border">Expired</span>'


def visit(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def d(tree):
    """Ward 1's desk: its ISO officer, a procedure with a legal time limit, two late files (one
    with its nonconformity raised), a bad review through the desk's QR code and a file's feedback
    link handed out."""
    tree.officer = iso_officer(tree)
    tree.procedure = procedure(tree.ward1, days=15)
    tree.late = output(tree.ward1, acting_user=tree.officer, procedure=tree.procedure)
    tree.raised = output(tree.ward1, acting_user=tree.officer, disposition="correction")
    desk.output_raise_nonconformity(acting_user=tree.officer, output=tree.raised)
    tree.feedback = feedback(tree.ward1, tree.officer, rating=2, comment="Chờ quá lâu.")
    tree.case, tree.case_url = desk_feedback.case_link_create(acting_user=tree.officer, unit=tree.ward1,
                                                              case_reference="HS-2026-0815",
                                                              procedure=tree.procedure)
    return tree


# --- what each list shows retires it -------------------------------------------------------------------


def test_every_row_the_desk_lists_show_retires_them_when_it_changes(d, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    for person in (d.officer, d.ward1_mr, d.district_steering):
        client = client_for(person)
        for url, params, _model in LISTS:
            visit(client, url, params)
    assert recorder.problems() == []
    assert recorder.models_seen() >= {
        "nonconformities.NonconformingOutput", "nonconformities.CitizenFeedback",
        "nonconformities.CaseFeedbackRequest", "qms_portal.PublicLink", "documents.Document", "qms_portal.Unit",
        "qms_portal.User"}


@pytest.mark.parametrize(("url", "params", "model"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(url, params, model, d, client_for):
    assert_cached_visit_reads_no_row(client_for(d.ward1_mr), url, params, model._meta.db_table)


# --- what people do shows at once ----------------------------------------------------------------------


def test_a_new_file_a_raised_nonconformity_and_a_renamed_procedure_show_at_once(d, client_for):
    client = client_for(d.officer)
    page = visit(client, OUTPUTS)
    assert d.late.case_reference in page and page.count(RAISED) == 1 and d.procedure.code in page
    desk.output_raise_nonconformity(acting_user=d.officer, output=d.late)  # the output itself is not saved
    assert visit(client, OUTPUTS).count(RAISED) == 2
    document_services.document_update(acting_user=factories._acting(), document=d.procedure,
                                      code=f"{d.prefix}QT-MOI")
    assert f"{d.prefix}QT-MOI" in visit(client, OUTPUTS)
    fresh = output(d.ward1, acting_user=d.officer, case_reference="HS-MOI-01")
    assert fresh.case_reference in visit(client, OUTPUTS)
    desk.output_update(acting_user=d.officer, output=fresh, disposition="redone")
    assert '<td class="d-none d-md-table-cell">Done again</td>' in visit(client, OUTPUTS)


def test_a_citizens_feedback_through_the_token_page_and_its_triage_show_at_once(d, client_for):
    client = client_for(d.officer)
    page = visit(client, FEEDBACK)
    assert "Chờ quá lâu." in page and "New: 1" in page
    _link, path = desk_link(d.ward1, d.officer)
    assert Client().post(path, ANSWER).status_code == 200  # a citizen, no account
    page = visit(client, FEEDBACK)
    assert ANSWER["comment"] in page and "New: 2" in page
    desk_feedback.feedback_transition(acting_user=d.officer, feedback=CitizenFeedback.objects.get(pk=d.feedback.pk),
                                      name="answer", reason="Đã gọi điện xin lỗi công dân.")
    page = visit(client, FEEDBACK)
    assert "Chờ quá lâu." not in page and "Answered: 1" in page
    assert "Chờ quá lâu." in visit(client, FEEDBACK, {"show": "all"})


def test_a_rated_file_and_an_expired_link_show_at_once(d, client_for):
    client = client_for(d.officer)
    page = visit(client, CASES)
    assert "HS-2026-0815" in page and RATED not in page
    assert Client().post(path_of(d.case_url), {**ANSWER, "rating": "5"}).status_code == 200  # the citizen rates it
    assert RATED in visit(client, CASES)
    other, _url = desk_feedback.case_link_create(acting_user=d.officer, unit=d.ward1, case_reference="HS-2026-0900")
    assert "HS-2026-0900" in visit(client, CASES)
    link = PublicLink.objects.get(pk=other.link_id)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    save_tracked(link, d.officer)
    assert EXPIRED in visit(client, CASES)


def test_a_link_expires_within_the_minute_the_list_is_kept():
    """A link expires at the hour it was made (no save marks it): the list is kept a minute at most."""
    assert CaseRequestListView.cache_seconds <= 60


def test_a_renamed_unit_and_a_renamed_person_show_at_once(d, client_for):
    client = client_for(d.ward1_mr)
    for url in (OUTPUTS, FEEDBACK, CASES):
        visit(client, url)
    core.unit_update(acting_user=factories._acting(), unit=Unit.objects.get(pk=d.ward1.pk), name="Phường Mới")
    core.user_update(acting_user=factories._acting(), user=User.objects.get(pk=d.officer.pk), full_name="Cán bộ Mới")
    for url in (OUTPUTS, FEEDBACK, CASES):
        assert "Phường Mới" in visit(client, url), url
    assert "Cán bộ Mới" in visit(client, CASES)


# --- rights beyond the list's own permission are in the key --------------------------------------------


def test_the_desk_qr_button_follows_the_readers_unit_not_the_cache(d, client_for):
    """The button names the reader's own unit, where they may print its QR code: moved to a unit
    where they may not, they no longer see it."""
    client = client_for(d.ward1_mr)
    assert reverse("nonconformities:desk_qr", args=[d.ward1.pk]) in visit(client, FEEDBACK)
    core.user_update(acting_user=factories._acting(), user=User.objects.get(pk=d.ward1_mr.pk), primary_unit=d.agency)
    assert reverse("nonconformities:desk_qr", args=[d.ward1.pk]) not in visit(client, FEEDBACK)


def test_the_procedure_filter_follows_the_readers_documents_not_the_cache(d, client_for):
    """A role that opens another unit's documents (not its late files) offers its procedures at once."""
    other = procedure(d.ward2, days=10)
    client = client_for(d.ward1_mr)
    assert other.title not in visit(client, OUTPUTS)
    reader = Role.objects.create(code=f"{d.prefix}doc-reader".lower(), name="Document reader")
    reader.permissions.add(Permission.objects.get(codename="view_document", content_type__app_label="documents"))
    factories.assign(d.ward1_mr, reader, d.ward2, include_subunits=False)
    assert other.title in visit(client, OUTPUTS)


def test_the_create_buttons_follow_the_permission_not_the_cache(d, client_for):
    create = reverse("nonconformities:case_link_create")
    assert create in visit(client_for(d.officer), CASES)
    assert create not in visit(client_for(d.district_steering), CASES)
