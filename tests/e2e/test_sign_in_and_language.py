"""Flow a: sign in, see "My work", switch the portal to Vietnamese, sign out."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, open_menu, screenshot, sign_out

pytestmark = pytest.mark.e2e


def vi(message):
    with translation.override("vi"):
        translated = translation.gettext(message)
    assert translated != message, f"no Vietnamese translation of {message!r} (compile the catalogue: make messages)"
    return translated


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_sign_in_switch_to_vietnamese_and_sign_out(kind, open_page):
    tree = factories.small_tree()
    page = open_page(kind)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert_assets_loaded(page)
    page.fill("#id_username", tree.ward1_staff.username)
    page.fill("#id_password", tree.password)
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_have_text("My work")
    assert_assets_loaded(page)

    nav = page.locator("#nav")
    if kind == "phone":
        expect(nav).to_be_hidden()  # collapsed behind the toggler
        expect(page.locator("button.navbar-toggler")).to_be_visible()
    open_menu(page)
    expect(nav).to_be_visible()

    # portal.js submits the switcher as soon as a language is chosen
    page.select_option("#nav select[name=language]", "vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("main h1")).to_have_text(vi("My work"))
    open_menu(page)
    expect(nav.locator(".nav-link").first).to_have_text(vi("My work"))
    expect(nav).to_contain_text(vi("Inbox"))
    expect(nav).to_contain_text(vi("Access requests"))
    assert_fits_the_screen(page)
    screenshot(page, f"a-vietnamese-{kind}")

    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "vi")  # the choice outlives the session
    expect(page.locator("#id_username")).to_be_visible()


def test_the_language_button_works_without_javascript(open_page):
    tree = factories.small_tree()
    page = open_page("desktop", javascript=False)
    page.goto("/accounts/login/")
    # signed out, the switcher sits in the footer
    page.select_option("footer select[name=language]", "zh-hant")
    page.click("footer .language-switcher button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    page.fill("#id_username", tree.ward1_mr.username)
    page.fill("#id_password", tree.password)
    page.click("main form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    page.select_option("#nav select[name=language]", "vi")
    page.click("#nav .language-switcher button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("main h1")).to_have_text(vi("My work"))
