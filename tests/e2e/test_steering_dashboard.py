"""The steering committee's dashboard in a browser: a committee member opens it from the menu on a
desktop and on a phone, drills from the top unit to a department and a ward, and opens the register
behind a number, which lists exactly that many rows. Every page passes axe; the phone's fits."""

import re

import pytest
from playwright.sync_api import expect

from qms_portal.periods import Period
from qms_portal.steering import selectors
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in
from tests.factories import PASSWORD
from tests.qms_portal.steering.conftest import seed

pytestmark = pytest.mark.e2e


def _a_ward_with_documents(world):
    """The deepest unit with effective documents, and the units from the top down to it."""
    board = selectors.dashboard(world["steering"], world["root"], Period.of("month"), with_trends=False)
    index = [f.key for f in board.figures].index("documents.effective")
    rows = [row for row in board.rows if row.cells[index].rows and row.level >= 2]
    ward = max(rows, key=lambda row: row.level)
    chain = [row for row in board.rows if ward.unit.path.startswith(row.unit.path) and row.level]
    return chain, ward.cells[index].rows, index


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_the_committee_drills_from_the_top_unit_to_a_ward_and_into_a_register(open_page, kind):
    world = seed("small")
    chain, documents, _index = _a_ward_with_documents(world)
    page = open_page(kind)
    sign_in(page, world["steering"].username, PASSWORD)
    open_menu_entry(page, "Dashboard", "Figures per unit")
    expect(page.locator("main h1")).to_contain_text("Steering committee's dashboard")
    expect(page.locator("main")).to_contain_text(world["root"].name)
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)
    screenshot(page, f"steering-dashboard-{kind}")
    page.get_by_label("Period", exact=True).select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Q\d \d{4}"))
    for row in chain:  # department, then the ward
        page.locator("table.qms-steering-table tbody th a", has_text=row.unit.code).first.click()
        expect(page.locator("table.qms-steering-table tbody tr").first).to_contain_text(row.unit.code)
    assert page.locator("table.qms-steering-table tbody tr").count() == 1  # a ward: its own row
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)
    number = page.locator("td[data-figure='documents.effective'] a")
    expect(number).to_have_text(str(documents))
    number.click()
    expect(page).to_have_url(re.compile(r"/documents/\?status=effective&unit=\d+"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(min(documents, 25))
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_the_committee_opens_last_months_files_handled_late_behind_a_number(open_page, kind):
    """The top unit's "procedures with files handled late" opens the register of monthly files per
    procedure filtered to exactly those rows; a row opens its page; the menu leads there too."""
    world = seed("small")
    board = selectors.dashboard(world["steering"], world["root"], Period.of("month"), with_trends=False)
    index = [f.key for f in board.figures].index("objectives.procedures_late")
    late = board.rows[0].cells[index].rows
    assert late > 0  # the scale data has files handled late last month
    page = open_page(kind)
    sign_in(page, world["steering"].username, PASSWORD)
    open_menu_entry(page, "Dashboard", "Figures per unit")
    number = page.locator("table.qms-steering-table tbody tr").first.locator(
        "td[data-figure='objectives.procedures_late'] a")
    expect(number).to_have_text(str(late))
    number.click()
    expect(page).to_have_url(re.compile(r"/objectives/on-time/files/\?.*late=true"))
    expect(page.locator("main h1")).to_contain_text("Monthly files per procedure")
    expect(page.locator("main table tbody tr")).to_have_count(min(late, 25))
    expect(page.get_by_label("Only files handled late")).to_be_checked()
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)
    screenshot(page, f"timeliness-register-{kind}")
    page.locator("main table tbody tr a").first.click()
    expect(page.locator("main h1")).to_contain_text("Files of")
    expect(page.locator("main")).to_contain_text("Handled late")
    assert_accessible(page)
    open_menu_entry(page, "Objectives", "Monthly files per procedure")
    expect(page.locator("main h1")).to_contain_text("Monthly files per procedure")
    assert_accessible(page)
