"""The main menu, as two people use it on a desktop and on a phone: a staff member finds what they
read and ask for, and no Administration menu they could do nothing in; the management
representative finds Administration → Units, People, Role assignments. Each opens every page their
menus offer (each checked with axe-core at both widths, as every page a browser test visits)."""

import pytest
from playwright.sync_api import expect

from tests.documents.factories import doc_setup, effective_document
from tests.e2e.conftest import open_menu, sign_in, sign_out

pytestmark = pytest.mark.e2e

TOP = "#nav .navbar-nav.me-auto > .nav-item > .nav-link"


def menu_entries(page, name):
    """Open the dropdown ``name`` of the main menu and read its entries."""
    open_menu(page)
    toggle = page.locator("#nav .dropdown-toggle", has_text=name)
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    items = page.locator("#nav .dropdown-menu.show .dropdown-item")
    expect(items.first).to_be_visible()
    return items.all_inner_texts()


def visit_each(page, menu, entries):
    """Open every entry of ``menu`` in turn, through the menu; each page has a heading."""
    for entry in entries:
        menu_entries(page, menu)
        with page.expect_navigation():  # the next menu is opened on the page the link opens
            page.locator("#nav .dropdown-menu.show").get_by_role("link", name=entry, exact=True).click()
        expect(page.locator("main h1")).to_be_visible()
        open_menu(page)
        expect(page.locator("#nav .dropdown-toggle.active")).to_have_text(menu)  # where they are


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_each_person_sees_the_menus_they_have_a_use_for(kind, open_page):
    s = doc_setup()
    document = effective_document(s, title="Quy trình tiếp công dân")
    page = open_page(kind)

    sign_in(page, s.staff.username, s.password)
    open_menu(page)
    # staff see the audit findings about their unit (Audits), and their units' risks and the
    # indicators they may be named to enter (Objectives), and their own training record (Training)
    expect(page.locator(TOP)).to_have_text(["My work", "Documents", "Nonconformities", "Audits", "Objectives",
                                            "Training", "Access requests"])
    visit_each(page, "Objectives", menu_entries(page, "Objectives"))
    training = menu_entries(page, "Training")
    assert "My training" in training, training
    visit_each(page, "Training", training)
    assert menu_entries(page, "Documents") == ["Register", "Legal register"]
    visit_each(page, "Documents", ["Legal register", "Register"])
    expect(page.locator("main")).to_contain_text(document.code)  # the register lists what they read
    entries = menu_entries(page, "Nonconformities")
    assert entries == ["Register", "Raise a nonconformity", "My actions", "Figures", "Nonconforming outputs",
                       "Feedback links for files"]
    visit_each(page, "Nonconformities", entries)
    sign_out(page)

    sign_in(page, s.mr.username, s.password)
    open_menu(page)
    expect(page.locator(TOP)).to_have_text(["My work", "Documents", "Nonconformities", "Audits", "Objectives",
                                            "Training", "Dashboard", "Administration", "Access requests"])
    training = menu_entries(page, "Training")
    assert {"My training", "Training sessions", "Training plans"} <= set(training), training
    visit_each(page, "Training", training)
    objectives = menu_entries(page, "Objectives")
    assert {"Quality objectives", "Indicators", "Satisfaction surveys", "Risks and opportunities",
            "Management reviews"} <= set(objectives), objectives
    visit_each(page, "Objectives", objectives)
    desk = menu_entries(page, "Nonconformities")[-3:]
    assert desk == ["Nonconforming outputs", "Citizen feedback", "Feedback links for files"]
    visit_each(page, "Nonconformities", desk)
    dashboard = menu_entries(page, "Dashboard")
    assert dashboard == ["Figures per unit", "Rollout board", "Annual ISO reports", "Evaluations of units",
                         "Evaluation sheets"]
    visit_each(page, "Dashboard", dashboard)
    administration = menu_entries(page, "Administration")
    assert administration == ["Units", "People", "Role assignments"]
    visit_each(page, "Administration", administration)
    menu_entries(page, "Administration")
    page.locator("#nav .dropdown-menu.show").get_by_role("link", name="Units").click()
    expect(page.locator("main table")).to_contain_text(s.office.code)
    expect(page.locator("main table")).not_to_contain_text(s.other.code)  # outside their agency
    page.locator("main table").get_by_role("link", name=s.office.code).click()
    expect(page.locator("#roles")).to_be_visible()  # who holds which role there

    # Their own menu: preferences and password.
    for entry in ("Preferences", "Change password"):
        open_menu(page)
        page.click("nav .navbar-nav:not(.me-auto) .dropdown-toggle")
        page.locator("#nav .dropdown-menu.show").get_by_role("link", name=entry).click()
        expect(page.locator("main h1")).to_be_visible()
