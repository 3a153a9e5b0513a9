"""The desk's QR code, end to end: the ISO officer makes the code and opens its poster; a citizen
scans it on a phone (no account), rates the service "Not satisfied" with a comment and a phone
number, and sees the thank-you page; the officer finds the bad review in the triage list on a
phone and records the reply. Every page passes axe's WCAG 2.1 AA checks and fits the screen."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from nonconformities.models import CitizenFeedback
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_citizen_rates_the_desk_on_a_phone_and_the_iso_officer_answers(open_page):
    tree = factories.small_tree()
    officer = factories.make_user(f"{tree.prefix}iso", tree.ward1, full_name="Hoàng Minh Châu")
    factories.assign(officer, "document_controller", tree.ward1)

    # The ISO officer makes the desk's QR code from the triage page (desktop)
    desk = open_page("desktop")
    sign_in(desk, officer.username, tree.password)
    desk.goto("/nonconformities/feedback/")
    desk.locator("main a", has_text="QR code of the desk").click()
    desk.locator("main form button", has_text="Make the QR code").click()
    expect(desk.locator(".alert-success")).to_contain_text("A new QR code was made.")
    expect(desk.locator("main .desk-qr svg")).to_be_visible()
    assert_accessible(desk)
    address = re.search(r"(https?://\S+/p/\S+)", desk.locator("main").inner_text()).group(1)
    desk.locator("main a", has_text="Poster to print").click()
    expect(desk.locator("html")).to_have_attribute("lang", "vi")
    expect(desk.locator("main")).to_contain_text(tree.ward1.name)
    expect(desk.locator("main svg")).to_be_visible()
    assert_accessible(desk)
    screenshot(desk, "desk-poster")

    # A citizen scans it on a phone
    parts = urlsplit(address)
    citizen = open_page("phone")
    citizen.goto(f"{parts.path}?{parts.query}")
    expect(citizen.locator("header")).to_contain_text(tree.ward1.name)
    expect(citizen.locator("nav, .navbar")).to_have_count(0)
    assert_fits_the_screen(citizen)
    assert_accessible(citizen)
    citizen.select_option("header select[name=language]", "en")
    expect(citizen.locator("main h1")).to_have_text("How was our service?")
    honeypot = citizen.locator("div[aria-hidden=true]:has(#id_website)").bounding_box()  # clipped to 1 px
    assert honeypot["width"] <= 1 and honeypot["height"] <= 1, honeypot
    citizen.locator("label", has_text=re.compile(r"^Not satisfied$")).tap()
    citizen.fill("#id_comment", "Phải chờ hai tiếng mới được tiếp nhận.")
    citizen.fill("#id_contact", "0912 345 678")
    citizen.locator("main form button[type=submit]").tap()
    expect(citizen.locator("main h1")).to_have_text("Thank you")
    expect(citizen.locator("main")).to_contain_text("we will contact you within 5 working days")
    assert_fits_the_screen(citizen)
    assert_accessible(citizen)
    screenshot(citizen, "desk-feedback-done-phone")
    item = CitizenFeedback.objects.get(unit=tree.ward1)
    assert item.rating == 2 and item.contact == "0912 345 678"

    # The officer triages it on a phone
    phone = open_page("phone")
    sign_in(phone, officer.username, tree.password)
    open_menu(phone)
    phone.locator("nav .dropdown-toggle", has_text="Nonconformities").tap()
    phone.locator("nav .dropdown-item", has_text="Citizen feedback").tap()
    expect(phone.locator("main table")).to_contain_text("Phải chờ hai tiếng")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    phone.locator("main table a").first.tap()
    expect(phone.locator("main")).to_contain_text("0912 345 678")
    assert_accessible(phone)
    phone.locator("main a.btn", has_text="Answer").tap()
    phone.fill("#id_reason", "Đã gọi điện xin lỗi và hướng dẫn nộp hồ sơ trực tuyến.")
    phone.locator("main form button[type=submit]").tap()
    expect(phone.locator(".alert-success")).to_be_visible()
    expect(phone.locator("main dl")).to_contain_text("Answered")
    expect(phone.locator("main dl")).to_contain_text("Đã gọi điện xin lỗi")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "desk-feedback-answered-phone")
    item.refresh_from_db()
    assert item.status == "answered" and item.answered_by == officer


def test_a_clerk_hands_a_citizen_the_link_of_their_file_and_it_works_once(open_page):
    """One file, one rating (一事一评): the clerk who returns a file makes its single-use link on a
    phone; the citizen rates the file (its number shown, not asked); the link then says it was used."""
    tree = factories.small_tree()
    clerk = factories.make_user(f"{tree.prefix}clerk", tree.ward1, full_name="Trần Thị Bình")
    factories.assign(clerk, "staff", tree.ward1)

    phone = open_page("phone")
    sign_in(phone, clerk.username, tree.password)
    open_menu(phone)
    phone.locator("nav .dropdown-toggle", has_text="Nonconformities").tap()
    phone.locator("nav .dropdown-item", has_text="Feedback links for files").tap()
    expect(phone.locator("main h1")).to_have_text("Feedback links for files")
    assert_accessible(phone)
    phone.locator("main a.btn", has_text="Feedback link for a citizen's file").tap()
    expect(phone.locator("main h1")).to_have_text("Feedback link for a citizen's file")
    phone.fill("#id_case_reference", "HS-2026-0815")
    phone.locator("main form button[type=submit]").tap()
    expect(phone.locator("main h1")).to_contain_text("HS-2026-0815")
    expect(phone.locator("main .desk-qr svg")).to_be_visible()
    expect(phone.locator("main .alert-warning")).to_contain_text("it cannot be shown again")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "case-feedback-slip-phone")
    parts = urlsplit(phone.locator("#case-link-url").input_value())

    citizen = open_page("phone")
    citizen.goto(f"{parts.path}?{parts.query}")
    citizen.select_option("header select[name=language]", "en")
    expect(citizen.locator("main h1")).to_have_text("How did we handle your file?")
    expect(citizen.locator("main")).to_contain_text("Your file: HS-2026-0815")
    expect(citizen.locator("#id_case_reference")).to_have_count(0)
    assert_fits_the_screen(citizen)
    assert_accessible(citizen)
    citizen.locator("label", has_text=re.compile(r"^Very satisfied$")).tap()
    citizen.locator("main form button[type=submit]").tap()
    expect(citizen.locator("main h1")).to_have_text("Thank you")
    item = CitizenFeedback.objects.get(unit=tree.ward1)
    assert item.rating == 5 and item.case_reference == "HS-2026-0815"

    citizen.goto(parts.path)  # without ?lang=vi: in the language the citizen chose
    expect(citizen.locator("main")).to_contain_text("it has already been used")
    assert_accessible(citizen)
    assert CitizenFeedback.objects.count() == 1
