"""On a phone: an administrator goes through the people list a page at a time, searched, with
*Next*, *Previous* and *First page* (keyset pages: the links carry a cursor and keep the search);
each page is checked with axe-core like every page a browser test visits."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_the_people_list_pages_forward_and_back_on_a_phone(open_page, monkeypatch):
    monkeypatch.setattr("qms_portal.views.people.UserListView.paginate_by", 2)
    tree = factories.small_tree()
    for n in range(5):
        factories.make_user(f"{tree.prefix}hoa{n}", tree.ward2, full_name=f"Lê Thị Hoa {n}")
    page = open_page("phone")
    sign_in(page, tree.admin.username, tree.password)
    page.goto("/admin/people/?q=le+thi+hoa")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1")
    expect(page.locator("main table")).to_contain_text("Lê Thị Hoa 0")
    assert_fits_the_screen(page)

    pages.get_by_role("link", name="Next").tap()
    expect(pages).to_contain_text("Page 2")
    expect(page.locator("main table")).to_contain_text("Lê Thị Hoa 2")
    expect(page.locator("main table")).not_to_contain_text("Lê Thị Hoa 0")
    assert "q=le+thi+hoa" in page.url and "cursor=" in page.url
    pages.get_by_role("link", name="Next").tap()
    expect(pages).to_contain_text("Page 3")
    expect(pages.get_by_role("link", name="Next")).to_have_count(0)
    assert_fits_the_screen(page)
    screenshot(page, "keyset-people-phone")

    pages.get_by_role("link", name="Previous").tap()
    expect(pages).to_contain_text("Page 2")
    pages.get_by_role("link", name="First page").tap()
    expect(pages).to_contain_text("Page 1")
    expect(page.locator("main table")).to_contain_text("Lê Thị Hoa 0")
    assert "cursor=" not in page.url and "q=le+thi+hoa" in page.url
