"""Planning an audit, on a phone and on a desktop: the ISO officer opens "Plan an audit" from the
menu, is refused overlapping dates for an auditor (the message beside the team, what was typed
kept), plans it, and sends the plan; each auditee finds it in their messages and on My work; the
lead auditor starts it. Then the management representative approves the programme with their
password and reads its coverage heat map. Every page passes the checks of ``tests/e2e/checks.py``
(axe-core, fits 390 px)."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Audit, AuditProgramme
from qms_portal.models import Notification
from tests.audits.plan_factories import days, make_audit, make_programme, plan_world
from tests.e2e.conftest import assert_fits_the_screen, open_menu, pick_person, pick_unit, screenshot, sign_in

pytestmark = pytest.mark.e2e


def tap(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


def take(page, audit_or_programme, label):
    page.goto(audit_or_programme.get_absolute_url())
    tap(page, page.get_by_role("link", name=label))
    page.wait_for_url(re.compile(r"/do/\w+/$"))
    tap(page, page.get_by_role("button", name=label))
    expect(page.locator(".alert-success")).to_contain_text("Recorded")


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_iso_officer_plans_an_audit_and_sends_the_plan(open_page, kind):
    w = plan_world()
    busy = make_audit(w, start=30, length=2, lead="auditor2", team=(), auditees=("head2",), title="Đợt trước")

    iso = open_page(kind)
    sign_in(iso, w.iso.username, w.password)
    iso.goto("/")
    open_menu(iso)
    tap(iso, iso.get_by_role("button", name="Audits").or_(iso.get_by_role("link", name="Audits")).first)
    tap(iso, iso.get_by_role("link", name="Plan an audit"))
    iso.wait_for_url(re.compile(r"/audits/new/$"))
    pick_unit(iso, "id_unit", w.agency.code, w.agency)
    iso.get_by_label("Title").fill("Đánh giá nội bộ Phòng Cải cách hành chính")
    iso.get_by_label("Starts on").fill(days(31).isoformat())
    iso.get_by_label("Ends on").fill(days(31).isoformat())
    # the units audited: the same unit picker, holding as many units as needed
    pick_unit(iso, "id_scope_units", w.dept2.code, w.dept2)
    pick_unit(iso, "id_scope_units", w.dept1.code, w.dept1, keep=1)
    tap(iso, iso.get_by_role("button", name=f"Remove {w.dept1}"))
    expect(iso.locator("select#id_scope_units option:checked")).to_have_count(1)
    # people: the people picker, typed and picked as units are
    pick_person(iso, "id_lead_auditor", w.auditor1.username, w.auditor1)
    pick_person(iso, "id_team", w.auditor2.username, w.auditor2)
    pick_person(iso, "id_auditees", w.auditee1.username, w.auditee1)
    pick_person(iso, "id_auditees", w.auditee2.username, w.auditee2, keep=1)
    assert_fits_the_screen(iso)
    tap(iso, iso.get_by_role("button", name="Save"))

    # auditor2 is on another audit that day: refused, beside the team, nothing lost
    expect(iso.locator("main")).to_contain_text(busy.number)
    expect(iso.get_by_label("Title")).to_have_value("Đánh giá nội bộ Phòng Cải cách hành chính")
    expect(iso.locator("select#id_scope_units option:checked")).to_have_count(1)
    assert iso.locator("select#id_scope_units").input_value() == str(w.dept2.pk)
    assert Audit.objects.count() == 1
    screenshot(iso, f"audit-plan-refused-{kind}")
    iso.get_by_label("Starts on").fill(days(40).isoformat())
    iso.get_by_label("Ends on").fill(days(41).isoformat())
    tap(iso, iso.get_by_role("button", name="Save"))
    expect(iso.locator(".alert-success")).to_contain_text("The audit was planned")
    audit = Audit.objects.get(title="Đánh giá nội bộ Phòng Cải cách hành chính")
    assert list(audit.scope_units.all()) == [w.dept2]
    expect(iso.locator("main")).to_contain_text(audit.number)
    assert_fits_the_screen(iso)
    screenshot(iso, f"audit-planned-{kind}")

    take(iso, audit, "Send the plan to the auditees")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.NOTIFIED
    assert Notification.objects.filter(kind="audit_plan").count() == 2

    auditee = open_page("phone")
    sign_in(auditee, w.auditee1.username, w.password)
    auditee.goto("/")
    expect(auditee.locator("main")).to_contain_text(audit.number)
    tap(auditee, auditee.get_by_role("link", name=re.compile(re.escape(audit.number))).first)
    expect(auditee.locator("main")).to_contain_text(w.dept2.name)
    expect(auditee.get_by_role("link", name="Start the audit on site")).to_have_count(0)
    assert_fits_the_screen(auditee)

    lead = open_page(kind)
    sign_in(lead, w.auditor1.username, w.password)
    take(lead, audit, "Start the audit on site")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS


def test_the_management_representative_approves_the_programme_on_a_phone(open_page):
    w = plan_world()
    programme = make_programme(w, entries=[(w.dept1, 3, ["7.5"]), (w.dept2, 11, ["8.2", "8.5"])])
    mr = open_page("phone")
    sign_in(mr, w.mr.username, w.password)
    mr.goto(programme.get_absolute_url())
    expect(mr.locator("main figure svg").first).to_be_visible()
    assert_fits_the_screen(mr)
    tap(mr, mr.get_by_role("link", name="Approve the programme"))
    mr.get_by_label("Your password (to sign)").fill(w.password)
    tap(mr, mr.get_by_role("button", name="Approve the programme"))
    expect(mr.locator(".alert-success")).to_contain_text("Recorded")
    expect(mr.locator("main")).to_contain_text("Approved")
    assert_fits_the_screen(mr)
    programme.refresh_from_db()
    assert programme.status == AuditProgramme.Status.APPROVED
    screenshot(mr, "programme-approved-phone")
