"""A citizen scans the QR code at the one-stop-shop desk: the token page opens on a phone in the
language of the link, switches language, refuses an answer without a rating and takes one with
it; every page passes axe's WCAG 2.1 AA checks, offers big touch targets and fits the screen."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from qms_portal.public_links import public_link_create
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, screenshot
from tests.public_purpose import NAME, RECEIVED

pytestmark = pytest.mark.e2e


def assert_tappable(locator, minimum=44):
    box = locator.bounding_box()
    assert box and box["height"] >= minimum and box["width"] >= minimum, f"too small to tap: {box}"


def assert_public_layout(page):
    """Bootstrap's CSS loaded, no navigation, and no link but the skip link and static files."""
    css = page.evaluate("getComputedStyle(document.body).getPropertyValue('--bs-primary').trim()")
    assert css == "#0d6efd"
    expect(page.locator("nav, .navbar")).to_have_count(0)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["#main"], hrefs


def test_a_citizen_rates_the_service_on_a_phone(open_page):
    RECEIVED.clear()
    tree = factories.small_tree()
    link, url = public_link_create(acting_user=tree.admin, purpose=NAME, unit=tree.ward1, language="vi")
    parts = urlsplit(url)
    page = open_page("phone")

    page.goto(f"{parts.path}?{parts.query}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("header")).to_contain_text(tree.ward1.name)
    assert_public_layout(page)
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The visitor prefers English: the switcher (submitted by portal.js) comes back without ?lang=
    page.select_option("header select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(parts.path)
    expect(page.locator("main h1")).to_have_text("Rate our service")

    # Sent without a rating: the error is shown next to the choice, and the page is still accessible
    send = page.locator("main form button[type=submit]")
    assert_tappable(send)
    page.fill("#id_comment", "Nhanh và thân thiện.")
    send.tap()
    expect(page.locator("#id_rating-err")).to_be_visible()
    expect(page.locator("#id_comment")).to_have_value("Nhanh và thân thiện.")
    assert_accessible(page)
    screenshot(page, "public-link-error-phone")

    four = page.locator("label[for=id_rating_3]")
    assert_tappable(four)
    four.tap()
    page.locator("main form button[type=submit]").tap()
    expect(page.locator("main h1")).to_have_text("Thank you")
    expect(page.locator("main")).to_contain_text("Thank you. Your rating was received.")
    assert_public_layout(page)
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "public-link-done-phone")
    answers = list(RECEIVED)
    assert answers == [(link.pk, {"rating": 4, "comment": "Nhanh và thân thiện."})]
