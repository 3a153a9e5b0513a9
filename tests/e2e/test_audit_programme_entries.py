"""The programme entries' register, on a desktop and on a phone: the management representative
opens *Audits → Audit programme entries* from the menu, reads every line of the agency's programme
with its audit and a done / behind badge, keeps those behind their month with the state filter, and
opens a line's programme. Every page passes the checks of ``tests/e2e/checks.py`` (axe-core, fits
390 px)."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.audits.plan_factories import audit_in, close_audit, make_programme, plan_world
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in

pytestmark = pytest.mark.e2e


def tap(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_the_management_representative_reads_the_programme_entries_from_the_menu(open_page, kind, monkeypatch):
    fixed = date(timezone.localdate().year, 7, 15)  # mid-July: March and May have passed, November has not
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: fixed)
    w = plan_world()
    programme = make_programme(w, entries=[(w.dept1, 3, ["7.5"]), (w.office1, 5, []), (w.dept2, 11, ["9.2"])])
    done, behind, _later = programme.entries.order_by("planned_month")
    closed = audit_in(w, "reporting", start=-120, programme_entry=done, scope=[w.dept1], lead="auditor3", team=())
    close_audit(w, closed)

    page = open_page(kind)
    sign_in(page, w.mr.username, w.password)
    open_menu_entry(page, "Audits", "Audit programme entries")
    page.wait_for_url(re.compile(r"/audits/programme-entries/$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Audit programme entries")).to_be_visible()
    expect(main.locator("tbody tr")).to_have_count(3)
    expect(main).to_contain_text(w.office1.name)
    expect(main.locator("tbody .badge", has_text=re.compile(r"^\s*Done\s*$"))).to_have_count(1)
    expect(main.locator("tbody .badge", has_text="Behind its month")).to_have_count(1)
    expect(main.get_by_role("link", name=closed.number).first).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, f"programme-entries-{kind}")

    # Only the lines behind their month.
    page.get_by_label("State").select_option("behind")
    with page.expect_navigation():
        tap(page, main.get_by_role("button", name="Filter"))
    expect(main.locator("tbody tr")).to_have_count(1)
    expect(main.locator("tbody tr")).to_contain_text(w.office1.name)
    expect(main.locator("tbody tr")).not_to_contain_text(w.dept1.name)
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The line's programme, one tap away (on a phone, under the unit audited).
    tap(page, main.locator("tbody tr").get_by_role("link", name=programme.title).locator("visible=true").first)
    page.wait_for_url(re.compile(rf"/audits/programmes/{programme.pk}/$"))
    expect(page.locator("main")).to_contain_text(w.office1.name)
    assert behind.programme_id == programme.pk
