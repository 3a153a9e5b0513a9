"""The rollout board in a browser: a steering committee member opens it from the menu on a desktop
and on a phone, moves a unit to the next phase from its card (and, on the desktop, drags it to the
phase after), opens the unit's rollout, ticks an
item by hand with a note, and reads the move in the History tab. Every page passes axe; the
phone's fit the screen."""

import pytest
from playwright.sync_api import expect

from qms_portal.steering.models import UnitRollout
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in

pytestmark = pytest.mark.e2e


def _checked(page, kind):
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_the_committee_moves_a_unit_on_the_board_and_ticks_its_checklist(open_page, kind):
    tree = factories.small_tree()
    page = open_page(kind)
    sign_in(page, tree.district_steering.username, factories.PASSWORD)
    open_menu_entry(page, "Dashboard", "Rollout board")
    expect(page.locator("main h1")).to_have_text("Rollout board")
    card = page.locator(f"li[data-unit='{tree.ward1.pk}']")
    expect(card).to_be_visible()
    expect(page.locator(f"li[data-unit='{tree.division.pk}']")).to_have_count(0)  # another branch
    _checked(page, kind)
    screenshot(page, f"rollout-board-{kind}")
    card.get_by_label(f"Move {tree.ward1.code} to").select_option("training")
    with page.expect_navigation():
        card.get_by_role("button", name="Move").click()
    expect(page.locator(".alert-success")).to_contain_text("is now in “Training”")
    moved = page.locator(f"#phase-training ~ ul li[data-unit='{tree.ward1.pk}']")
    expect(moved).to_be_visible()
    assert UnitRollout.objects.get(unit=tree.ward1).phase == "training"
    if kind == "desktop":  # dragged to another phase's column (on a phone, the select under the card)
        expect(page.locator("main")).to_contain_text("drag its card to another phase")
        with page.expect_navigation():
            moved.drag_to(page.locator(".qms-board-column[data-phase='planning']"))
        expect(page.locator(".alert-success")).to_contain_text("is now in “System planning”")
        moved = page.locator(f"#phase-planning ~ ul li[data-unit='{tree.ward1.pk}']")
        expect(moved).to_be_visible()
        assert UnitRollout.objects.get(unit=tree.ward1).phase == "planning"
        # A card dropped on its own column stays where it is, without a request.
        moved.drag_to(page.locator(".qms-board-column[data-phase='planning'] h2"))
        expect(moved).to_be_visible()
        assert UnitRollout.objects.get(unit=tree.ward1).phase == "planning"
    with page.expect_navigation():
        moved.get_by_role("link", name=tree.ward1.code, exact=False).click()
    expect(page.locator("main h1")).to_contain_text(tree.ward1.code)
    _checked(page, kind)
    with page.expect_navigation():
        page.locator("[data-item='leading_group']").get_by_role("link", name="Tick by hand").click()
    page.get_by_label("Note").fill("Quyết định số 15/QĐ-UBND thành lập ban chỉ đạo ISO")
    _checked(page, kind)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-item='leading_group']")).to_contain_text("Quyết định số 15/QĐ-UBND")
    with page.expect_navigation():
        page.get_by_role("link", name="History").click()
    expect(page.locator("main")).to_contain_text("Training")
    expect(page.locator("main")).to_contain_text(tree.district_steering.full_name)
    _checked(page, kind)
