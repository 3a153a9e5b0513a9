"""The annual ISO report: drafting (one per unit and year, in scope), its workflow (guards, return
with a reason, signing with the password and not by the person who submitted it), the snapshot
frozen at submission, the totals equal to the sum of the rows at two data sizes, and its XLSX and
PDF jobs."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from qms_portal import areas
from qms_portal.jobs import job_run, job_start
from qms_portal.models import Job, TransitionRecord
from qms_portal.steering import report_exports, report_selectors
from qms_portal.steering.models import Phase
from qms_portal.steering.report_models import AnnualReport
from qms_portal.steering.report_services import (
    annual_report_create,
    annual_report_transition,
    annual_report_update,
)
from qms_portal.steering.rollout_services import unit_rollout_move
from qms_portal.workflow import TransitionError
from tests import factories

LAST_YEAR = timezone.localdate().year - 1
SECTIONS = {"achievements": "Áp dụng HTQLCL tại 30 cơ quan.", "difficulties": "Thiếu chuyên gia đánh giá nội bộ.",
            "proposals": "Tổ chức đào tạo chuyên gia."}


@pytest.fixture
def people(tree):
    mr = factories.make_user(f"{tree.prefix}dist-mr", tree.district, full_name="Nguyễn Thị Thanh")
    factories.assign(mr, "management_representative", tree.district)
    return {"mr": mr, "steering": tree.district_steering}


def drafted(tree, people, **fields):
    return annual_report_create(acting_user=people["mr"], unit=tree.district, year=LAST_YEAR,
                                number="15/BC-UBND", recipient="Ban chỉ đạo ISO tỉnh", **fields)


def submitted(tree, people):
    report = drafted(tree, people, **SECTIONS)
    annual_report_transition(acting_user=people["mr"], report=report, name="submit")
    return AnnualReport.objects.get(pk=report.pk)


# --- drafting -------------------------------------------------------------------------------------------


def test_a_report_is_drafted_once_per_unit_and_year_with_history(tree, people):
    report = drafted(tree, people)
    assert (report.status, report.drafted_by, report.snapshot) == ("draft", people["mr"], None)
    assert report.history.latest("history_date").history_user == people["mr"]
    with pytest.raises(ValidationError) as error:
        drafted(tree, people)
    assert "year" in error.value.message_dict


def test_only_someone_who_may_draft_on_the_unit_drafts_and_only_for_a_past_or_this_year(tree, people):
    with pytest.raises(PermissionDenied):  # the steering committee reviews; it does not draft
        annual_report_create(acting_user=people["steering"], unit=tree.district, year=LAST_YEAR)
    with pytest.raises(PermissionDenied):  # out of the drafter's scope
        annual_report_create(acting_user=people["mr"], unit=tree.agency, year=LAST_YEAR)
    with pytest.raises(ValidationError):
        annual_report_create(acting_user=people["mr"], unit=tree.district, year=LAST_YEAR + 2)


# --- workflow -------------------------------------------------------------------------------------------


def test_submitting_needs_the_three_sections(tree, people):
    report = drafted(tree, people, achievements="Đạt")
    with pytest.raises(TransitionError):
        annual_report_transition(acting_user=people["mr"], report=report, name="submit")
    annual_report_update(acting_user=people["mr"], report=report, **SECTIONS)
    annual_report_transition(acting_user=people["mr"], report=report, name="submit")
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == ("submitted", people["mr"])


def test_a_submitted_report_cannot_be_changed(tree, people):
    report = submitted(tree, people)
    with pytest.raises(ValidationError):
        annual_report_update(acting_user=people["mr"], report=report, proposals="Khác")


def test_the_snapshot_is_frozen_at_submission_in_codes_and_numbers(tree, people):
    report = submitted(tree, people)
    data = report.snapshot
    assert data["year"] == LAST_YEAR and data["root"]["code"] == tree.district.code
    codes = [row["unit"]["code"] for row in data["rows"]]  # the tree's order: the district, then its wards
    assert codes[0] == tree.district.code and sorted(codes[1:]) == sorted([tree.ward1.code, tree.ward2.code])
    assert {row["phase"] for row in data["rows"]} == {"preparation"}  # a code, not a label
    # A unit that moves on after the submission does not change the submitted report.
    unit_rollout_move(acting_user=people["steering"], unit=tree.ward1, phase=Phase.IMPLEMENTATION)
    table = report_selectors.table_of(AnnualReport.objects.get(pk=report.pk), people["steering"])
    assert table.frozen and table.applying == 0
    live = report_selectors.compute(people["steering"], tree.district, LAST_YEAR)
    assert not live.frozen and live.applying == 1


def test_the_committee_returns_it_with_a_reason_and_the_figures_read_live_again(tree, people):
    report = submitted(tree, people)
    with pytest.raises(ValidationError):  # a reason is required
        annual_report_transition(acting_user=people["steering"], report=report, name="return")
    with pytest.raises(PermissionDenied):  # the drafter cannot return (nor sign) it
        annual_report_transition(acting_user=people["mr"], report=report, name="return", reason="x")
    annual_report_transition(acting_user=people["steering"], report=report, name="return",
                             reason="Bổ sung số liệu đào tạo")
    report.refresh_from_db()
    assert (report.status, report.snapshot) == ("draft", None)
    record = TransitionRecord.objects.filter(object_id=report.pk, transition="return").get()
    assert record.reason == "Bổ sung số liệu đào tạo"


def test_the_signers_are_told_of_a_submitted_report_and_the_drafter_of_its_return_and_signature(tree, people):
    from qms_portal.models import Notification

    report = submitted(tree, people)
    told = Notification.objects.filter(kind="annualreport_submitted")
    told = set(told.values_list("recipient", flat=True))  # whoever may sign it (the committee, an administrator)
    assert people["steering"].pk in told and people["mr"].pk not in told
    annual_report_transition(acting_user=people["steering"], report=report, name="return", reason="Thiếu số liệu")
    assert list(Notification.objects.filter(kind="annualreport_returned").values_list("recipient", flat=True)) == [
        people["mr"].pk]
    annual_report_transition(acting_user=people["mr"], report=report, name="submit")
    annual_report_transition(acting_user=people["steering"], report=report, name="sign", password=tree.password)
    assert list(Notification.objects.filter(kind="annualreport_signed").values_list("recipient", flat=True)) == [
        people["mr"].pk]
    assert not Notification.objects.filter(recipient=people["steering"]).exclude(
        kind="annualreport_submitted").exists()


def test_certified_or_announced_is_dated_by_the_certificate_else_by_the_rollout(tree, people):
    from datetime import date

    from tests.audits.factories_certificates import make_certificate

    make_certificate(tree.ward1, issued_on=date(LAST_YEAR, 3, 2),
                     expires_on=date(LAST_YEAR + 3, 3, 1))  # valid today
    unit_rollout_move(acting_user=people["steering"], unit=tree.ward2, phase=Phase.MAINTAINED)
    table = report_selectors.compute(people["steering"], tree.district, LAST_YEAR)
    rows = {row.unit["code"]: row for row in table.rows}
    assert rows[tree.ward1.code].certified_on == date(LAST_YEAR, 3, 2)  # the certificate's issue
    ward2 = rows[tree.ward2.code]
    assert ward2.certified and ward2.certified_on == timezone.localdate()  # the board's completed phase
    assert not rows[tree.district.code].certified


def test_signing_asks_for_the_password_and_not_the_person_who_submitted(tree, people):
    report = submitted(tree, people)
    # The management representative of the district, given the right to sign as well, still may not
    # sign what they submitted.
    factories.assign(people["mr"], "steering_committee", tree.district)
    with pytest.raises(TransitionError):
        annual_report_transition(acting_user=people["mr"], report=report, name="sign", password=tree.password)
    with pytest.raises(ValidationError):
        annual_report_transition(acting_user=people["steering"], report=report, name="sign", password="wrong")
    annual_report_transition(acting_user=people["steering"], report=report, name="sign", password=tree.password)
    report.refresh_from_db()
    assert report.status == "signed" and report.signed_at is not None
    record = TransitionRecord.objects.get(object_id=report.pk, transition="sign")
    assert (record.signature_meaning, record.actor) == ("report_signed", people["steering"])
    assert str(record.meaning_label) == "Report signed"


# --- rows and totals ------------------------------------------------------------------------------------


def _sums(table):
    sums = [[0, 0, 0, 0] for _column in table.columns]
    for row in table.rows:
        for column, values in enumerate(row.values):
            for part, value in enumerate(values):
                sums[column][part] += value
    return sums


def test_the_totals_equal_the_sum_of_the_rows(world):
    """At two data sizes (the province of ``seed_scale``): every figure of the report, rows and
    denominators (and the quantities behind a rate), for this year and last year."""
    steering, root = world["steering"], world["root"]
    for year in (LAST_YEAR, LAST_YEAR + 1):
        table = report_selectors.compute(steering, root, year)
        assert [c.figure.key for c in table.columns] == [key for key in report_selectors.REPORT_FIGURES
                                                         if key in {f.key for _a, f in areas.dashboard_figures()}]
        assert len(table.rows) > 5
        sums = _sums(table)
        for column, total, summed in zip(table.columns, table.totals, sums, strict=True):
            assert [round(v, 4) for v in summed] == [round(v, 4) for v in total], column.figure.key
        assert any(total[0] for total in table.totals), "the scale data gives the report something to count"
        assert all(value >= 0 for row in table.rows for values in row.values for value in values)


def test_a_frozen_report_reads_back_the_same_rows_and_totals(world):
    table = report_selectors.compute(world["steering"], world["root"], LAST_YEAR + 1)
    back = report_selectors.from_snapshot(report_selectors.snapshot(table))
    assert [row.values for row in back.rows] == [row.values for row in table.rows]
    assert back.totals == table.totals
    assert [c.figure.key for c in back.columns] == [c.figure.key for c in table.columns]


def test_a_figure_of_the_year_counts_that_year_only(world):
    steering, root = world["steering"], world["root"]
    far = report_selectors.compute(steering, root, 2001)
    for column, total in zip(far.columns, far.totals, strict=True):
        if column.of_year:
            assert total[0] == 0 and total[2] == 0, column.figure.key


# --- the files ------------------------------------------------------------------------------------------


def _run(user, kind, report, language):
    with translation.override(language):
        job = job_start(acting_user=user, kind=kind, params={"report": report.pk}, queue=False)
    assert job_run(job_id=job.pk, attempt=job.attempts), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return job, handle.read()


def test_the_xlsx_is_in_the_national_layout_of_the_readers_language_and_injection_safe(tree, people):
    from openpyxl import load_workbook

    report = submitted(tree, people)
    job, data = _run(people["steering"], report_exports.XLSX, report, "vi")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert report_exports.VN_STATE in cells and report_exports.VN_MOTTO in cells
    assert "BÁO CÁO" in cells and any(c.endswith("Ban chỉ đạo ISO tỉnh") for c in cells)  # Kính gửi: …
    assert tree.ward1.code in cells and SECTIONS["proposals"] in cells
    job, data = _run(people["steering"], report_exports.XLSX, report, "zh-hans")
    cells = [str(c) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert report_exports.VN_STATE not in cells and "BÁO CÁO" not in cells
    assert any(c.endswith("Ban chỉ đạo ISO tỉnh") for c in cells)  # 主送：…


def test_a_formula_typed_in_a_section_stays_text_in_the_xlsx(tree, people):
    from openpyxl import load_workbook

    report = drafted(tree, people, achievements='=HYPERLINK("http://x")', difficulties="a", proposals="b")
    _job, data = _run(people["mr"], report_exports.XLSX, report, "en")
    cells = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells


def test_the_pdf_is_made_in_the_background(tree, people):
    pytest.importorskip("fpdf")
    report = submitted(tree, people)
    try:
        job, data = _run(people["steering"], report_exports.PDF, report, "vi")
    except AssertionError as error:  # no fonts on this machine
        if "PDF" in str(error):
            pytest.skip(str(error))
        raise
    assert data.startswith(b"%PDF") and job.filename.endswith(".pdf")


def test_someone_who_no_longer_sees_the_report_gets_no_file(tree, people):
    report = drafted(tree, people)
    with translation.override("en"):
        job = job_start(acting_user=people["mr"], kind=report_exports.XLSX, params={"report": report.pk},
                        queue=False)
    AnnualReport.objects.filter(pk=report.pk).update(unit=tree.agency)  # moved out of their reach (test only)
    assert not job_run(job_id=job.pk, attempt=job.attempts)
    assert "no longer" in Job.objects.get(pk=job.pk).error


def test_the_demo_district_has_last_years_report_signed_and_this_years_in_draft(db):
    from qms_portal.demo import seed_demo
    from qms_portal.steering.report_demo import seed_reports

    seed_demo(language="vi")
    assert seed_reports(language="vi") == 2
    reports = {r.year: r for r in AnnualReport.objects.filter(unit__code="DIST")}
    signed, draft = reports[LAST_YEAR], reports[LAST_YEAR + 1]
    assert (signed.status, draft.status) == ("signed", "draft")
    assert len(signed.snapshot["rows"]) == 31  # the district, its 12 offices and 18 wards
    assert signed.number == "12/BC-UBND" and signed.signed_at.date().year == LAST_YEAR + 1
    assert seed_reports(language="vi") == 0  # a second run makes nothing


@pytest.mark.parametrize("key", ["nonconformities.raised", "audits.internal_done", "training.trained"])
def test_the_figures_areas_added_for_the_report_count_a_period_and_stay_off_the_dashboard(key):
    from qms_portal.steering import selectors

    figures = {figure.key: figure for _area, figure in areas.dashboard_figures()}
    if key.split(".")[0] not in {area.label for area in areas.registered()}:
        pytest.skip("area not installed")
    figure = figures[key]
    assert figure.period_field and not figure.column and figure.kind == "count"
    assert key not in {f.key for group in selectors.figures_by_area() for f in group.figures}
    assert key in report_selectors.REPORT_FIGURES
