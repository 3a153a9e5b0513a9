"""A procedure's time limits (documents/time_limits.py): the words ("1 working day", "8 working
days", never "8.0"), the total against the legal time limit, and where they are shown — the
document and revision pages, the draft editor while the steps are typed, the compare page, the
flow diagram and the PDF of a draft."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from documents.time_limits import StepTotal, number, step_total, steps_typed, working_days, working_hours
from tests.documents.factories import draft_of, effective_document, new_document, next_revision, save_draft, step
from tests.documents.test_views import edit_data, needs_pdf, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

# --- Words and numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "days", "hours"), [
    (1, "1 working day", "1 working hour"),
    (Decimal("1.0"), "1 working day", "1 working hour"),
    (Decimal("8.0"), "8 working days", "8 working hours"),
    (Decimal("0.5"), "0.5 working days", "0.5 working hours"),
    (Decimal("1.5"), "1.5 working days", "1.5 working hours"),
    (0, "0 working days", "0 working hours"),
])
def test_time_limits_read_as_whole_numbers_with_one_in_the_singular(value, days, hours):
    assert working_days(value) == days
    assert working_hours(value) == hours


def test_a_fraction_is_written_with_the_readers_decimal_separator():
    with translation.override("vi"):
        assert number(Decimal("2.5")) == "2,5"
        assert number(Decimal("8.0")) == "8"
    assert number(Decimal("2.5")) == "2.5"


def test_the_total_adds_days_and_hours_apart_and_counts_eight_hours_a_working_day():
    total = step_total([step("A", Decimal("3.0")), step("B", Decimal("0.5")), step("C", Decimal("4.0"), "hours")],
                       limit=10)
    assert (total.days, total.hours, total.in_days) == (Decimal("3.5"), Decimal("4.0"), Decimal("4.0"))
    assert total.text == "3.5 working days, 4 working hours" and not total.over_limit and total.warning == ""
    assert StepTotal(days=Decimal(10), hours=Decimal(8), limit=10).over_limit  # 11 days
    assert not StepTotal(days=Decimal(10), hours=Decimal(0), limit=10).over_limit  # exactly the limit
    assert StepTotal(days=Decimal(1)).text == "1 working day" and StepTotal(hours=Decimal(1)).text == "1 working hour"
    assert not StepTotal(days=Decimal(99)).over_limit  # no legal limit, no warning


def test_the_warning_names_the_steps_total_and_the_legal_limit():
    total = StepTotal(days=Decimal("12.0"), hours=Decimal("4.0"), limit=10)
    assert total.warning == ("The steps take 12 working days, 4 working hours, longer than the legal time "
                             "limit of 10 working days.")
    assert StepTotal(days=Decimal(2), limit=1).warning == (
        "The steps take 2 working days, longer than the legal time limit of 1 working day.")


def test_steps_being_typed_count_as_the_editor_would_save_them():
    data = edit_data(None, lock_version=0, steps=[
        {"title": "Tiếp nhận", "time_limit": "2.5", "time_unit": "days"},
        {"title": "Thẩm định", "time_limit": "4", "time_unit": "hours"},
        {"title": "", "time_limit": "30", "time_unit": "days"},  # no title: skipped, as on save
        {"title": "Bỏ", "time_limit": "30", "time_unit": "days", "DELETE": "on"},  # removed
        {"title": "Đang gõ", "time_limit": "", "time_unit": "days"},  # no number yet
        {"title": "Sai", "time_limit": "abc", "time_unit": "days"},
        {"title": "Âm", "time_limit": "-3", "time_unit": "days"},
    ])
    assert steps_typed(data) == [{"time_limit": Decimal("2.5"), "time_unit": "days"},
                                 {"time_limit": Decimal("4"), "time_unit": "hours"}]
    assert steps_typed({"steps-TOTAL_FORMS": "x"}) == [] and steps_typed({}) == []


# --- Pages -----------------------------------------------------------------------------------------


def test_the_document_and_revision_pages_show_the_legal_limit_and_singular_days(ds, client_for):
    document = effective_document(ds, legal_time_limit_days=1, steps=[step("Tiếp nhận", 1), step("Trả", 1, "hours")])
    client = client_for(ds.reviewer1)
    page = client.get(document.get_absolute_url()).content.decode()
    assert re.search(r"Legal time limit</dt>\s*<dd[^>]*>1 working day</dd>", page)
    assert "1 working day, 1 working hour" in page and "1 working days" not in page
    assert "longer than the legal time limit of 1 working day." in page
    revision_page = client.get(document.current_revision.get_absolute_url()).content.decode()
    assert re.search(r"Legal time limit</dt>\s*<dd[^>]*>1 working day</dd>", revision_page)
    assert "1 working days" not in revision_page


def test_a_document_without_a_legal_limit_shows_none(ds, client_for):
    document = effective_document(ds, steps=[step("Tiếp nhận", 3)])
    page = client_for(ds.reviewer1).get(document.get_absolute_url()).content.decode()
    assert "Legal time limit" not in page


def test_the_compare_page_and_the_flow_write_whole_numbers_and_singulars(ds, client_for):
    document = effective_document(ds, steps=[step("Tiếp nhận", 8), step("Thẩm định", 1)])
    new = next_revision(ds, document, steps=[step("Tiếp nhận", 8), step("Thẩm định", 2), step("Ký", 1, "hours")])
    response = client_for(ds.reviewer1).get(reverse("documents:revision_compare", args=[new.pk]))
    lines = [old or new for _kind, old, new in response.context["step_diff"]]
    assert any(line.endswith("— 8 working days") for line in lines), lines
    assert any(line.endswith("— 1 working day") for line in lines) and any("1 working hour" in line for line in lines)
    assert not any("8.0" in line or "1 working days" in line for line in lines)
    flow = client_for(ds.reviewer1).get(document.get_absolute_url()).context["flow"]
    assert "8 working days" in flow and "1 working hour<" in flow and "8.0" not in flow


class TestTheDraftEditor:
    def test_it_shows_the_saved_steps_total_the_legal_limit_and_the_warning(self, ds, client_for):
        draft = save_draft(ds, draft_of(new_document(ds, legal_time_limit_days=10)),
                           steps=[step("Tiếp nhận", 12), step("Ký", 4, "hours")])
        page = client_for(ds.author).get(reverse("documents:revision_edit", args=[draft.pk])).content.decode()
        total = re.search(r'<div id="steps-total" aria-live="polite">(.*?)</div>\s*</div>', page, re.S).group(1)
        assert "12 working days, 4 working hours" in total and "10 working days" in total
        assert ("The steps take 12 working days, 4 working hours, longer than the legal time limit of "
                "10 working days.") in total

    def test_saved_time_limits_are_offered_as_whole_numbers(self, ds, client_for):
        draft = save_draft(ds, draft_of(new_document(ds)),
                           steps=[step("Tiếp nhận", 8), step("Ký", Decimal("2.5"), "hours")])
        page = client_for(ds.author).get(reverse("documents:revision_edit", args=[draft.pk])).content.decode()
        assert re.search(r'name="steps-0-time_limit" value="8"', page)
        assert re.search(r'name="steps-1-time_limit" value="2.5"', page)

    def test_while_the_steps_are_typed_the_page_asks_for_the_total_without_a_script_of_its_own(self, ds, client_for):
        draft = draft_of(new_document(ds, legal_time_limit_days=10))
        page = client_for(ds.author).get(reverse("documents:revision_edit", args=[draft.pk])).content.decode()
        url = reverse("documents:revision_steps_total", args=[draft.pk])
        editor = re.search(r'<div id="steps-editor"([^>]*)>', page).group(1)
        assert f'hx-get="{url}"' in editor and 'hx-trigger="input delay:400ms"' in editor
        assert 'hx-include="this"' in editor and 'hx-target="#steps-total"' in editor
        # the step fields are inside it, the file and the text outside (a GET never sends them)
        inside = page[page.index('<div id="steps-editor"'):page.index('<div id="steps-total"')]
        assert 'name="steps-0-time_limit"' in inside and 'name="steps-TOTAL_FORMS"' in inside
        assert 'name="source"' not in inside and 'name="content"' not in inside
        assert "<script>" not in page and "<script " not in page.replace('<script src="', "")

    def test_the_total_as_typed_names_both_totals_before_anything_is_saved(self, ds, client_for):
        draft = draft_of(new_document(ds, legal_time_limit_days=10))
        url = reverse("documents:revision_steps_total", args=[draft.pk])
        typed = edit_data(draft, lock_version=0, steps=[
            {"title": "Tiếp nhận", "time_limit": "12", "time_unit": "days"},
            {"title": "Ký", "time_limit": "4", "time_unit": "hours"}])
        response = client_for(ds.author).get(url, typed)
        assert response.status_code == 200
        text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
        assert "Total of the steps: 12 working days, 4 working hours · Legal time limit: 10 working days" in text
        assert ("The steps take 12 working days, 4 working hours, longer than the legal time limit of "
                "10 working days.") in text
        assert draft.steps.count() == 0  # nothing saved
        within = client_for(ds.author).get(url, edit_data(draft, lock_version=0, steps=[
            {"title": "Tiếp nhận", "time_limit": "1", "time_unit": "days"}])).content.decode()
        assert "1 working day " in within and "alert" not in within

    def test_a_form_sent_back_with_errors_shows_the_total_as_typed(self, ds, client_for):
        draft = draft_of(new_document(ds, legal_time_limit_days=2))
        url = reverse("documents:revision_edit", args=[draft.pk])
        response = client_for(ds.author).post(url, edit_data(draft, lock_version=0, steps=[
            {"title": "Tiếp nhận", "time_limit": "3", "time_unit": "days"},
            {"title": "Sai", "time_limit": "-1", "time_unit": "days"}]))
        assert response.status_code == 200
        assert response.context["total"].days == 3 and response.context["total"].over_limit

    def test_the_total_is_asked_only_of_a_draft(self, ds, client_for):
        document = effective_document(ds, legal_time_limit_days=10)
        url = reverse("documents:revision_steps_total", args=[document.current_revision.pk])
        assert client_for(ds.author).get(url).status_code == 404


# --- The PDF of a draft ------------------------------------------------------------------------------


def test_the_pdf_of_a_draft_prints_the_legal_limit_and_the_warning(ds, client_for):
    needs_pdf()
    draft = save_draft(ds, draft_of(new_document(ds, legal_time_limit_days=10)),
                       steps=[step("Tiếp nhận", 12), step("Ký", 4, "hours"), step("Trả", 1)])
    response = client_for(ds.author).get(reverse("documents:revision_pdf", args=[draft.pk]))
    text = pdf_text(response.content)
    assert "Legal time limit 10 working days" in text
    assert ("The steps take 13 working days, 4 working hours, longer than the legal time limit of 10 working "
            "days.") in text
    assert "1 working day " in text and "12 working days" in text and "12.0" not in text


def test_a_stored_copy_of_an_effective_revision_leaves_the_legal_limit_to_the_page(ds):
    from documents.pdf import pdf_context

    document = effective_document(ds, legal_time_limit_days=1, steps=[step("Tiếp nhận", 3)])
    assert pdf_context(document.current_revision)["shows_legal_limit"] is False
    assert pdf_context(draft_of(new_document(ds)))["shows_legal_limit"] is True
