"""Nonconforming outputs (8.7): recording a late file, its disposition (a concession names who
authorised it), the requirement taken from the procedure's legal time limit, the working days
late, the apology letter in the citizen's language, and the monthly late files per procedure."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from nonconformities.models import NonconformingOutput, add_working_days, working_days_late
from nonconformities.selectors_desk import late_files_by_procedure
from nonconformities.services import desk
from nonconformities.views.desk_outputs import apology_letter_pdf
from qms_portal.pdf import weasyprint_problem
from tests.factories import assign, make_user
from tests.nonconformities.desk_factories import iso_officer, output, procedure

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def test_working_days_skip_weekends():
    friday = date(2026, 3, 20)
    assert add_working_days(friday, 1) == date(2026, 3, 23)  # Monday
    assert add_working_days(friday, 5) == date(2026, 3, 27)
    assert working_days_late(friday, date(2026, 3, 25)) == 3  # Mon, Tue, Wed
    assert working_days_late(friday, date(2026, 3, 22)) == 0  # the weekend only
    assert working_days_late(friday, friday) == 0
    assert working_days_late(date(2026, 3, 2), date(2026, 3, 30)) == 20


def test_a_late_file_is_recorded_with_its_days_late_and_history(tree):
    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer)
    assert recorded.recorded_by == officer and recorded.unit == tree.ward1
    assert recorded.days_late == 3
    record = recorded.history.get()
    assert record.history_user == officer


def test_staff_record_late_files_only_on_their_own_units(tree):
    output(tree.ward1, acting_user=tree.ward1_staff)
    with pytest.raises(PermissionDenied):
        output(tree.ward2, acting_user=tree.ward1_staff)
    with pytest.raises(PermissionDenied):
        output(tree.ward1, acting_user=tree.admin)  # the administrator handles no files


def test_an_empty_requirement_takes_the_procedures_legal_time_limit(tree):
    officer = iso_officer(tree)
    qt = procedure(tree.ward1, days=15)
    recorded = output(tree.ward1, acting_user=officer, procedure=qt, requirement="")
    assert recorded.requirement == "The legal time limit of 15 working days"
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        output(tree.ward1, acting_user=officer, procedure=procedure(tree.ward1, days=None), requirement="")
    assert "requirement" in refused.value.message_dict


def test_a_concession_needs_who_authorised_it_and_they_must_be_allowed_to(tree):
    officer = iso_officer(tree)
    before = NonconformingOutput.objects.count()
    with pytest.raises(ValidationError) as missing:
        output(tree.ward1, acting_user=officer, disposition="concession")
    assert missing.value.message_dict["authorised_by"] == ["A concession needs the person who authorised it."]
    with pytest.raises(ValidationError) as not_allowed:
        output(tree.ward1, acting_user=officer, disposition="concession", authorised_by=tree.ward1_staff)
    assert "may not authorise" in not_allowed.value.message_dict["authorised_by"][0]
    assert NonconformingOutput.objects.count() == before  # nothing half-saved
    granted = output(tree.ward1, acting_user=officer, disposition="concession", authorised_by=tree.ward1_mr)
    assert granted.authorised_by == tree.ward1_mr


def test_other_dispositions_keep_no_authoriser(tree):
    officer = iso_officer(tree)
    for disposition in ("correction", "apology", "redone"):
        recorded = output(tree.ward1, acting_user=officer, disposition=disposition, authorised_by=tree.ward1_mr)
        assert recorded.authorised_by is None and recorded.disposition == disposition


def test_dates_out_of_order_are_refused(tree):
    officer = iso_officer(tree)
    with pytest.raises(ValidationError) as refused:
        output(tree.ward1, acting_user=officer, received=date(2026, 3, 10), due=date(2026, 3, 1),
               delivered=date(2026, 3, 5))
    assert set(refused.value.message_dict) == {"due_on", "delivered_on"}


def test_an_update_is_checked_again_and_recorded(tree):
    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer)
    with pytest.raises(ValidationError):
        desk.output_update(acting_user=officer, output=recorded, disposition="concession")
    updated = desk.output_update(acting_user=officer, output=recorded, disposition="redone", notes="Làm lại")
    assert updated.disposition == "redone"
    assert updated.history.count() == 2
    with pytest.raises(PermissionDenied):
        desk.output_update(acting_user=tree.ward1_staff, output=recorded, notes="x")  # staff: add, not change


# ---- the apology letter ----------------------------------------------------------------------------
def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


GREETINGS = {"vi": "Trần Thị Bình", "zh-hans": "王小明", "zh-hant": "陳大文", "en": "John Smith"}


@pytest.mark.skipif(weasyprint_problem() is not None, reason="WeasyPrint libraries are not installed")
@pytest.mark.parametrize("language", ["vi", "zh-hans", "zh-hant", "en"])
def test_the_apology_letter_is_written_in_the_citizens_language_not_the_readers(tree, language):
    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer, citizen_language=language, citizen_name=GREETINGS[language],
                      procedure=procedure(tree.ward1))
    with translation.override("en"):  # the reader's language
        text = pdf_text(apology_letter_pdf(recorded, today=date(2026, 4, 1)))
    compact = "".join(text.split())
    with translation.override(language):
        greeting = translation.gettext("Dear %(name)s,") % {"name": GREETINGS[language]}
        late = translation.ngettext("It was delivered on %(delivered)s, %(days)s working day late.",
                                    "It was delivered on %(delivered)s, %(days)s working days late.", 3)
    assert "".join(greeting.split()) in compact
    assert "3" in late or "%(days)s" in late
    assert recorded.case_reference in compact
    # dates as the citizen's language writes them
    expected_date = {"vi": "Ngày01tháng04năm2026", "zh-hans": "2026年4月1日", "zh-hant": "2026年4月1日",
                     "en": "1April2026"}[language]
    assert expected_date in compact
    if language == "vi":
        assert "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM" in compact


def test_the_letter_needs_the_permission_to_print_it(tree, client):
    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer)
    client.force_login(tree.ward1_staff)  # sees the register, prints no letters
    response = client.get(f"/nonconformities/outputs/{recorded.pk}/apology-letter.pdf")
    assert response.status_code == 403


# ---- late files per procedure (for the objectives area's on-time KPI) ------------------------------
def test_late_files_by_procedure_counts_each_month_in_the_readers_scope(tree):
    officer = iso_officer(tree)
    other_officer = iso_officer(tree, unit=tree.division)
    qt1, qt2 = procedure(tree.ward1, title="QT A"), procedure(tree.ward1, title="QT B")
    output(tree.ward1, acting_user=officer, procedure=qt1, due=date(2026, 3, 20), delivered=date(2026, 3, 25))
    output(tree.ward1, acting_user=officer, procedure=qt1, due=date(2026, 3, 10), delivered=date(2026, 3, 11))
    output(tree.ward1, acting_user=officer, procedure=qt1, due=date(2026, 4, 10), delivered=date(2026, 4, 14))
    output(tree.ward1, acting_user=officer, procedure=qt2, due=date(2026, 4, 10), delivered=None)  # still open
    output(tree.ward1, acting_user=officer, procedure=qt2, due=date(2026, 4, 10), delivered=date(2026, 4, 10),
           requirement="Thiếu chữ ký")  # on time: failed another requirement
    output(tree.ward1, acting_user=officer, procedure=None, received=date(2025, 4, 1), due=date(2025, 4, 10),
           delivered=date(2025, 4, 14))
    output(tree.division, acting_user=other_officer, due=date(2026, 3, 20), delivered=date(2026, 3, 25))

    rows = late_files_by_procedure(officer, year=2026)
    assert [(r["procedure"], r["month"], r["count"]) for r in rows] == [(qt1.pk, 3, 2), (qt1.pk, 4, 1), (qt2.pk, 4, 1)]
    assert rows[0]["code"] == qt1.code and rows[0]["title"] == "QT A"
    assert [(r["month"], r["count"]) for r in late_files_by_procedure(officer, year=2026, month=4)] == [(4, 1), (4, 1)]
    assert late_files_by_procedure(make_user(f"{tree.prefix}nobody", tree.agency), year=2026) == []
    steering = tree.district_steering
    assert sum(r["count"] for r in late_files_by_procedure(steering, year=2026)) == 4


def test_late_files_by_procedure_is_one_query_whatever_the_data(tree):
    officer = iso_officer(tree)
    qt = procedure(tree.ward1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            late_files_by_procedure(officer, year=2026)
        return len(captured)

    output(tree.ward1, acting_user=officer, procedure=qt)
    small = queries()
    for month in range(1, 13):
        output(tree.ward1, acting_user=officer, procedure=procedure(tree.ward1), due=date(2026, month, 10),
               received=date(2026, month, 1), delivered=date(2026, month, 20))
    assert queries() == small


def test_the_objectives_kpi_reads_outputs_of_an_assigned_unit_only(tree):
    officer = iso_officer(tree)
    output(tree.ward1, acting_user=officer, due=date(2026, 3, 20))
    ward2_head = make_user(f"{tree.prefix}w2head", tree.ward2)
    assign(ward2_head, "department_head", tree.ward2)
    assert late_files_by_procedure(ward2_head, year=2026) == []


# ---- raising a nonconformity from an output (through nonconformity_create) --------------------------
def test_a_nonconformity_is_raised_from_an_output_once_and_linked_both_ways(tree):
    from nonconformities.models import Nonconformity
    from nonconformities.selectors import nonconformities_of

    officer = iso_officer(tree)
    qt = procedure(tree.ward1)
    recorded = output(tree.ward1, acting_user=officer, procedure=qt)
    nc = desk.output_raise_nonconformity(acting_user=officer, output=recorded)
    assert nc.source == Nonconformity.Source.NONCONFORMING_OUTPUT and nc.source_object == recorded
    assert nc.unit == tree.ward1 and nc.procedure == qt and nc.reported_by == officer
    assert nc.title == f"Late file {recorded.case_reference}"
    assert "(3 working days late)" in nc.description and recorded.requirement in nc.description
    assert nc.detected_on == recorded.delivered_on
    assert list(nonconformities_of(recorded)) == [nc]
    with pytest.raises(ValidationError) as again:
        desk.output_raise_nonconformity(acting_user=officer, output=recorded)
    assert nc.number in again.value.messages[0]
    assert Nonconformity.objects.count() == 1


def test_raising_from_an_output_needs_the_right_to_raise_nonconformities(tree):
    from nonconformities.models import Nonconformity

    recorded = output(tree.ward1, acting_user=iso_officer(tree))
    with pytest.raises(PermissionDenied):
        desk.output_raise_nonconformity(acting_user=tree.admin, output=recorded)
    assert not Nonconformity.objects.exists()


def test_the_output_page_raises_the_nonconformity_and_links_to_it(tree, client):
    from nonconformities.models import Nonconformity

    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer)
    client.force_login(officer)
    page = client.get(recorded.get_absolute_url()).content.decode()
    assert f'action="/nonconformities/outputs/{recorded.pk}/raise/"' in page
    response = client.post(f"/nonconformities/outputs/{recorded.pk}/raise/")
    nc = Nonconformity.objects.get()
    assert response.status_code == 302 and response["Location"] == nc.get_absolute_url()
    page = client.get(recorded.get_absolute_url()).content.decode()
    assert f'href="{nc.get_absolute_url()}"' in page and "/raise/" not in page
    register = client.get("/nonconformities/outputs/").content.decode()
    assert '<td class="d-none d-md-table-cell">Yes</td>' in register
