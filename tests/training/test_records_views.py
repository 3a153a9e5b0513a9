"""The records part's pages: the attendance sheet and certificates as PDFs (their text read back),
the certificate in the participant's language, a refused certificate's message, the feedback form
and its results on the session's panel, the effectiveness list (scope, query count at two sizes)
and form, and the three permission cases of each page."""

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms_portal.pdf import weasyprint_problem
from tests import factories
from tests.helpers import need
from tests.training import records_factories as rf
from tests.training.records_helpers import session_page  # noqa: F401
from tests.viewtests import PermissionCases, holder
from training.models import Participant

A = Participant.Attendance


def needs_pdf():
    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")


def pdf_text(data):
    from pypdf import PdfReader

    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _coordinator(tree, unit=None):
    return holder(tree, "training_coordinator", unit or tree.district)


def _head(tree, unit):
    return holder(tree, "department_head", unit, name=f"{tree.prefix}head-{unit.code}".lower())


# ---- PDFs -------------------------------------------------------------------------------------------
def test_the_attendance_sheet_lists_everyone_absentees_with_reasons_and_walk_ins(tree, client_for):
    needs_pdf()
    session = rf.make_session(tree.ward1, rf.make_course("Nhận thức ISO 9001:2015"), trainer=tree.ward1_mr)
    rf.add_participant(session, rf.person("Nguyễn Văn An", tree.ward1, position="Phó phòng"))
    rf.add_participant(session, rf.person("Trần Thị Bình", tree.ward2), attendance=A.ABSENT, reason="Đi công tác")
    rf.add_participant(session, rf.person("Lê Hoa", tree.ward1), via=Participant.Via.WALK_IN)
    response = client_for(_coordinator(tree)).get(reverse("training:session_attendance_sheet", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("NhậnthứcISO9001:2015", "NguyễnVănAn", "Phóphòng", "TrầnThịBình", "Đicôngtác", "LêHoa",
                     "Walk-in", "Signature", session.number.replace(" ", ""), "WardMR"[:0] + "Ward1MR"):
        assert expected in text, expected


def test_a_chinese_attendance_sheet_prints_in_chinese(tree, client_for):
    needs_pdf()
    session = rf.make_session(tree.ward1, rf.make_course("ISO 9001 内审员培训"), place="三楼会议室")
    rf.add_participant(session, rf.person("王小明", tree.ward1, language="zh-hans"))
    reader = _coordinator(tree)
    reader.language = "zh-hans"
    reader.save()
    text = pdf_text(client_for(reader).get(reverse("training:session_attendance_sheet", args=[session.pk])).content)
    assert "王小明" in text and "三楼会议室" in text and "第1页" in text


def test_a_certificate_is_in_the_participants_language_whoever_downloads_it(tree, client_for):
    needs_pdf()
    session = rf.make_session(tree.ward1, rf.make_course("Kiểm soát tài liệu"))
    p = rf.add_participant(session, rf.person("Phạm Văn Đức", tree.ward1, language="vi"))
    response = client_for(_coordinator(tree)).get(reverse("training:participant_certificate", args=[p.pk]))
    assert response.status_code == 200
    p.refresh_from_db()
    text = pdf_text(response.content)
    assert "PhạmVănĐức" in text and p.certificate_number in text
    assert "Sốgiấychứngnhận" in text and "Trang1/1" in text  # the participant's language, not the reader's


def test_the_participant_downloads_their_own_certificate_and_an_absentee_is_told_why_not(tree, client_for):
    session = rf.make_session(tree.ward1)
    absent = rf.add_participant(session, tree.ward1_staff, attendance=A.ABSENT, reason="Đi công tác")
    client = client_for(tree.ward1_staff)
    response = client.get(reverse("training:participant_certificate", args=[absent.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse("training:my_records")
    assert "was absent from this session" in response.content.decode()
    absent.refresh_from_db()
    assert absent.certificate_number == ""


def test_all_certificates_of_a_session_in_one_pdf_leave_out_the_absentees(tree, client_for):
    needs_pdf()
    session = rf.make_session(tree.ward1)
    a = rf.add_participant(session, rf.person("Nguyễn An", tree.ward1, language="en"))
    b = rf.add_participant(session, rf.person("王芳", tree.ward1, language="zh-hans"))
    c = rf.add_participant(session, rf.person("Lê Vắng", tree.ward1), attendance=A.ABSENT, reason="Ốm")
    response = client_for(_coordinator(tree)).get(reverse("training:session_certificates", args=[session.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    for p in (a, b, c):
        p.refresh_from_db()
    assert a.certificate_number in text and b.certificate_number in text and c.certificate_number == ""
    assert "Certificatenumber" in text and "证书编号" in text and "LêVắng" not in text


# ---- feedback -------------------------------------------------------------------------------------------
def test_a_participant_gives_feedback_and_the_results_show_on_the_session_panel(tree, client_for):
    session = rf.make_session(tree.ward1)
    p = rf.add_participant(session, tree.ward1_staff)
    url = reverse("training:participant_feedback", args=[p.pk])
    client = client_for(tree.ward1_staff)
    assert 'name="relevance"' in client.get(url).content.decode()
    missing = client.post(url, {"relevance": 5, "content": 4, "trainer": 5, "comment": "Rất thiết thực"})
    assert missing.status_code == 200 and "Choose a rating from 1 to 5." in missing.content.decode()
    assert client.post(url, {"relevance": 5, "content": 4, "trainer": 5, "overall": 4,
                             "comment": "Rất thiết thực"}).status_code == 302
    other = rf.add_participant(session, rf.person("Đào Mai", tree.ward1))
    from training.services.records import feedback_submit

    feedback_submit(acting_user=other.user, participant=other, relevance=3, content=3, trainer=4, overall=3)
    html = Template("{% load training_records %}{% records_panel session user %}").render(
        Context({"session": session, "user": tree.ward1_mr}))
    assert "2 answers from 2 present." in html and "3.5 / 5" in html and "Rất thiết thực" in html
    outside = Template("{% load training_records %}{% records_panel session user %}").render(
        Context({"session": session, "user": tree.outsider}))
    assert "Rất thiết thực" not in outside and "attendance-sheet" not in outside


def test_someone_else_reading_the_participation_cannot_send_its_feedback(tree, client_for):
    session = rf.make_session(tree.ward1)
    p = rf.add_participant(session, tree.ward1_staff)
    client = client_for(tree.ward1_mr)
    page = client.get(reverse("training:participant_feedback", args=[p.pk])).content.decode()
    assert "has not given feedback yet" in page and 'name="relevance"' not in page
    assert client.post(reverse("training:participant_feedback", args=[p.pk]),
                       {"relevance": 1, "content": 1, "trainer": 1, "overall": 1}).status_code == 403


def test_my_certificates_lists_only_my_sessions_held(tree, client_for):
    mine = rf.add_participant(rf.make_session(tree.ward1, rf.make_course("Khóa của tôi")), tree.ward1_staff)
    rf.add_participant(rf.make_session(tree.ward1, rf.make_course("Khóa của người khác")), tree.ward1_mr)
    body = client_for(tree.ward1_staff).get(reverse("training:my_records")).content.decode()
    assert "Khóa của tôi" in body and "Khóa của người khác" not in body
    assert reverse("training:participant_certificate", args=[mine.pk]) in body


# ---- effectiveness -------------------------------------------------------------------------------------
def test_the_effectiveness_list_shows_the_heads_people_only(tree, client_for):
    session = rf.make_session(tree.ward1)
    mine = rf.make_check(rf.add_participant(session, rf.person("Người phường 1", tree.ward1)))
    theirs = rf.make_check(rf.add_participant(session, rf.person("Người khối khác", tree.division)))
    later = rf.make_check(rf.add_participant(session, rf.person("Người sau này", tree.ward1)), due_in_days=60)
    head = client_for(_head(tree, tree.ward1))
    body = head.get(reverse("training:effectiveness_list")).content.decode()
    detail = reverse("training:effectivenesscheck_detail", args=[mine.pk])
    assert detail in body and reverse("training:effectivenesscheck_detail", args=[theirs.pk]) not in body
    assert reverse("training:effectivenesscheck_detail", args=[later.pk]) not in body  # not due yet
    body = head.get(reverse("training:effectiveness_list") + "?state=upcoming")
    assert reverse("training:effectivenesscheck_detail", args=[later.pk]) in body.content.decode()


def _list_queries(client):
    client.get(reverse("training:effectiveness_list"))
    cache.clear()  # the SQL is under test, not the cached content
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("training:effectiveness_list")).status_code == 200
    return len(queries)


def test_the_effectiveness_list_reads_in_the_same_number_of_queries_for_2_and_12_checks(tree, client_for):
    client = client_for(_head(tree, tree.district))
    session = rf.make_session(tree.ward1)
    for i in range(2):
        rf.make_check(rf.add_participant(session, rf.person(f"A{i}", tree.ward1)))
    few = _list_queries(client)
    other = rf.make_session(tree.ward2)
    for i in range(10):
        rf.make_check(rf.add_participant(other, rf.person(f"B{i}", tree.ward2)), due_in_days=-i)
    assert _list_queries(client) == few


def test_a_head_records_the_check_and_is_told_what_is_missing(tree, client_for):
    check = rf.make_check(rf.add_participant(rf.make_session(tree.ward1), rf.person("Cao Văn Sơn", tree.ward1)))
    client = client_for(_head(tree, tree.ward1))
    url = reverse("training:effectiveness_record", args=[check.pk])
    page = client.post(url, {"rating": "not_effective", "note": ""})
    assert page.status_code == 200 and "Say what did not work" in page.content.decode()
    response = client.post(url, {"rating": "effective", "note": "Áp dụng đúng quy trình"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.rating == "effective" and check.checked_on == timezone.localdate()
    detail = client.get(reverse("training:effectivenesscheck_detail", args=[check.pk])).content.decode()
    assert "Áp dụng đúng quy trình" in detail
    history = client.get(reverse("training:effectivenesscheck_history", args=[check.pk]))
    assert history.status_code == 200


def test_my_work_lists_the_checks_due_and_the_feedback_to_give(tree):
    from training.selectors.records import records_work

    head = _head(tree, tree.ward1)
    session = rf.make_session(tree.ward1)
    rf.make_check(rf.add_participant(session, rf.person("Đinh Quang", tree.ward1)), due_in_days=-2)
    rf.add_participant(session, head)
    sections = records_work(head)
    assert [len(s.items) for s in sections] == [1, 1]
    assert "Late" in sections[0].items[0][2]


# ---- the permission cases --------------------------------------------------------------------------
def _participant(tree, unit):
    return rf.add_participant(rf.make_session(unit), factories.make_user(
        f"{tree.prefix}p-{unit.code}-{Participant.objects.count()}".lower(), unit, full_name="Người học"))


class TestAttendanceSheetAccess(PermissionCases):
    url_name = "training:session_attendance_sheet"
    role = "department_head"

    def make_object(self, tree, unit):
        return rf.make_session(unit)

    def request(self, user, obj):
        if weasyprint_problem() is not None:
            pytest.skip("WeasyPrint cannot render here")
        return super().request(user, obj)


class TestSessionCertificatesAccess(PermissionCases):
    url_name = "training:session_certificates"
    role = "training_coordinator"
    visible_only_role = "department_head"
    ok_status = 302  # nobody present yet: told so, back to the session

    def make_object(self, tree, unit):
        return rf.make_session(unit)


class TestEffectivenessRecordAccess(PermissionCases):
    url_name = "training:effectiveness_record"
    role = "department_head"
    visible_only_role = "management_representative"

    def make_object(self, tree, unit):
        return rf.make_check(_participant(tree, unit))


class TestEffectivenessListAccess(PermissionCases):
    url_name = "training:effectiveness_list"
    role = "department_head"
    lacking_role = "training_coordinator"
    scoped = False

    def make_object(self, tree, unit):
        return None
