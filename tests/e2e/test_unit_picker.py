"""The unit picker as people use it: an administrator assigns a role on a ward found by typing a
few letters of its name without tone marks, with the keyboard on a desktop and by tapping on a
phone; the register is filtered the same way; without JavaScript the typed name is resolved by
the server. Every page and the open list are checked with axe-core (conftest: before each action)."""

import pytest
from playwright.sync_api import expect

from qms_portal import services
from qms_portal.models import RoleAssignment
from tests import factories
from tests.e2e.conftest import pick_unit, screenshot, sign_in

pytestmark = pytest.mark.e2e


def _tree():
    tree = factories.small_tree()
    acting = factories._acting()
    services.unit_update(acting_user=acting, unit=tree.ward1, name="Phường Thuận Hòa")
    services.unit_update(acting_user=acting, unit=tree.ward2, name="Phường Đông Ba")
    for n in range(30):  # more units than the list shows at once
        factories.make_unit(tree.agency, f"{tree.prefix}T{n:02d}", kind="division", name=f"Tổ công tác {n}")
    return tree


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_unit_is_found_without_tone_marks_and_picked(open_page, kind):
    tree = _tree()
    page = open_page(kind)
    sign_in(page, tree.admin.username, tree.password)
    page.goto("/admin/assignments/new/")
    page.fill("#id_user", tree.outsider.username)
    page.select_option("#id_role", label="Internal auditor")
    # The page holds no list of units: only what the server sends as one types.
    assert page.locator("#id_unit option").count() <= 1
    box = page.locator("#id_unit-ts-control")
    expect(box).to_have_attribute("role", "combobox")
    if kind == "desktop":  # the keyboard alone: type, arrow down to the ward, Enter
        box.focus()
        box.press_sequentially("thuan hoa", delay=30)
        option = page.locator(f"#id_unit-ts-dropdown [data-value='{tree.ward1.pk}']")
        expect(option).to_contain_text(tree.district.name)  # its place in the tree
        expect(page.locator("#id_unit-ts-dropdown [data-selectable]")).to_have_count(1)
        if option.get_attribute("aria-selected") != "true":  # the first option is active as one types
            box.press("ArrowDown")
        box.press("Enter")
        assert page.locator("select#id_unit").input_value() == str(tree.ward1.pk)
    else:
        box.tap()
        box.press_sequentially("phuong", delay=30)
        expect(page.locator("#id_unit-ts-dropdown [data-selectable]")).to_have_count(2)
        screenshot(page, "unit-picker-open-phone")
        box.fill("")
        pick_unit(page, "id_unit", "thuan", tree.ward1)
    screenshot(page, f"unit-picker-{kind}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The role was assigned.")
    assert RoleAssignment.objects.filter(user=tree.outsider, unit=tree.ward1, ended_at__isnull=True).exists()


def test_a_long_list_is_cut_and_the_register_is_filtered_with_the_picker(open_page):
    # On a phone: the register's filters are behind "More filters" (at the desktop width, where the
    # checks also look at each page, they stay in view, so the open list keeps the focus).
    tree = _tree()
    page = open_page("phone")
    sign_in(page, tree.admin.username, tree.password)
    page.goto("/documents/")
    page.get_by_role("button", name="More filters").tap()
    control = page.locator(".ts-control:has(#id_unit-ts-control)")
    control.tap()
    box = page.locator("#id_unit-ts-control")
    box.press_sequentially("to cong tac", delay=30)
    dropdown = page.locator("#id_unit-ts-dropdown")
    expect(dropdown).to_contain_text("Tổ công tác 19")
    expect(dropdown).to_contain_text("More units match")
    expect(dropdown).not_to_contain_text(f"{tree.prefix}CITY")  # the list shown on focus is gone
    expect(dropdown.locator("[data-selectable]")).to_have_count(20)
    screenshot(page, "unit-picker-open-register-phone")
    box.fill("")
    pick_unit(page, "id_unit", "dong ba", tree.ward2)
    page.locator("main form[role=search] button[type=submit]:visible").tap()
    page.wait_for_url(f"**unit={tree.ward2.pk}**")
    expect(page.locator(".ts-control .item")).to_have_text(f"{tree.ward2.code} · Phường Đông Ba")
    # an optional unit is emptied with its button
    page.get_by_role("button", name="More filters").tap()
    clear = page.get_by_role("button", name="Clear the unit")
    clear.tap()
    assert page.locator("select#id_unit").input_value() == ""
    expect(clear).to_be_hidden()


def test_without_javascript_the_typed_name_is_found_by_the_server(open_page):
    tree = _tree()
    page = open_page("phone", javascript=False)
    sign_in(page, tree.admin.username, tree.password)
    page.goto("/admin/assignments/new/")
    page.fill("#id_user", tree.outsider.username)
    page.select_option("#id_role", label="Internal auditor")
    page.fill("#id_unit", "phuong")  # two wards match: the form says which, and keeps the text
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_unit_error")).to_contain_text("Several units match")
    expect(page.locator("#id_unit_error")).to_contain_text(tree.ward2.code)
    expect(page.locator("#id_unit")).to_have_value("phuong")
    page.fill("#id_unit", "dong ba")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The role was assigned.")
    assert RoleAssignment.objects.filter(user=tree.outsider, unit=tree.ward2, ended_at__isnull=True).exists()
