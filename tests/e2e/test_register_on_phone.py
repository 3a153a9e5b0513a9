"""An auditor's look at the register, on a phone and on a desktop: the documents sorted by level then
code (the quality manual first, the forms last), the counts by level and category of procedure with
the total above the list, and the category filter narrowing both. Every page passes axe-core and
fits 390 px (``tests/e2e/checks.py``)."""

import re

import pytest
from playwright.sync_api import expect

from tests.documents.factories import doc_setup, effective_document
from tests.e2e.conftest import assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def documents():
    s = doc_setup()
    made = {
        "form": effective_document(s, type_code="BM", title="Biểu mẫu phiếu tiếp nhận hồ sơ"),
        "procedure": effective_document(s, title="Quy trình cấp giấy phép thành lập hội", category="operational"),
        "mandatory": effective_document(s, title="Quy trình kiểm soát tài liệu", category="mandatory"),
        "mandatory2": effective_document(s, title="Quy trình kiểm soát hồ sơ", category="mandatory"),
        "manual": effective_document(s, type_code="STCL", title="Sổ tay chất lượng"),
    }
    return s, made


def row_codes(page):
    return page.locator("main tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_register_counts_and_filters_by_category(open_page, documents, kind):
    s, d = documents
    page = open_page(kind)
    sign_in(page, s.author.username, s.password)
    page.goto("/documents/")
    counts = page.get_by_test_id("register-counts")
    expect(counts).to_contain_text("Level 1 — manual, policy, objectives: 1")
    expect(counts).to_contain_text("Mandatory procedures: 2")
    expect(counts).to_contain_text("Operational procedures: 1")
    expect(counts).to_contain_text("Total: 1 + 2 + 1 + 1 = 5")
    codes = row_codes(page)
    assert codes[0] == d["manual"].code and codes[-1] == d["form"].code, codes
    assert_fits_the_screen(page)
    screenshot(page, f"register-counts-{kind}")

    if kind == "phone":
        page.get_by_role("button", name="More filters").tap()
    page.get_by_label("Category").select_option("mandatory")
    page.locator("form[role=search] button[type=submit]:visible").first.click()
    page.wait_for_url(re.compile(r"category=mandatory"))
    expect(page.locator("main tbody tr")).to_have_count(2)
    assert set(row_codes(page)) == {d["mandatory"].code, d["mandatory2"].code}
    expect(counts).to_have_text(re.compile(r"Mandatory procedures: 2\s+Total: 2"))
    expect(page.locator("main tbody")).to_contain_text("Mandatory procedure")
    assert_fits_the_screen(page)
    screenshot(page, f"register-category-{kind}")
