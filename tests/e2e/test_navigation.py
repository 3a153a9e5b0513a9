"""The main menu, as two people use it on a desktop and on a phone: a ward officer finds what they
read and ask for, and no Administration menu they could do nothing in; a district steering member
opens Administration → Units and sees the wards below."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import open_menu, sign_in, sign_out

pytestmark = pytest.mark.e2e


def menu_entries(page, name):
    """Open the dropdown ``name`` of the main menu and read its entries."""
    page.locator("#nav .dropdown-toggle", has_text=name).click()
    items = page.locator("#nav .dropdown-menu.show .dropdown-item")
    expect(items.first).to_be_visible()
    return items.all_inner_texts()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_each_person_sees_the_menus_they_have_a_use_for(kind, open_page):
    tree = factories.small_tree()
    page = open_page(kind)

    sign_in(page, tree.ward1_staff.username, tree.password)
    open_menu(page)
    top = page.locator("#nav .navbar-nav.me-auto > .nav-item > .nav-link")
    expect(top).to_have_text(["My work", "Documents", "Access requests"])
    assert menu_entries(page, "Documents") == ["Register", "Legal register"]
    sign_out(page)

    sign_in(page, tree.district_steering.username, tree.password)
    open_menu(page)
    expect(top).to_have_text(["My work", "Documents", "Administration", "Access requests"])
    assert menu_entries(page, "Administration") == ["Units", "People", "Role assignments", "Roles"]
    page.locator("#nav .dropdown-menu.show").get_by_role("link", name="Units").click()
    expect(page.locator("main h1")).to_have_text("Units")
    expect(page.locator("main table")).to_contain_text(tree.ward1.code)
    expect(page.locator("main table")).not_to_contain_text(tree.agency.code)  # outside the district
    open_menu(page)
    expect(page.locator("#nav .dropdown-toggle.active")).to_have_text("Administration")  # where they are
