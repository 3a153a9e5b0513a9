"""The lead auditor builds an audit's checklist on a desktop — from the audit's clauses, a question
added by hand, moved up — and keeps it as a template; on a phone without JavaScript a team member
still answers with the plain form."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import ChecklistItem, ChecklistTemplate
from tests.audits.factories_checklist import checklist_world, clauses
from tests.e2e.conftest import assert_fits_the_screen, sign_in

pytestmark = pytest.mark.e2e


def test_the_lead_auditor_builds_the_checklist_and_keeps_it_as_a_template(open_page):
    w = checklist_world()
    clauses("7.5")  # the catalogue (emptied between browser tests)
    desk = open_page("desktop")
    sign_in(desk, w.lead.username, w.tree.password)
    desk.goto(f"/audits/{w.audit.pk}/checklist/")
    expect(desk.get_by_text("The checklist has no questions yet.")).to_be_visible()
    desk.get_by_role("link", name="Build from the scope").click()
    expect(desk.get_by_label("7.5", exact=False).first).to_be_checked()  # the audit's clauses are ticked
    desk.get_by_role("button", name="Save").click()
    expect(desk.locator(".alert-success")).to_contain_text("2 questions added.")
    desk.get_by_role("link", name="Add a question").click()
    desk.get_by_label("Question").fill("Biên bản họp giao ban tuần có được lưu đủ không?")
    desk.get_by_role("button", name="Save").click()
    expect(desk.locator(".alert-success")).to_contain_text("The question was added.")
    desk.get_by_role("link", name="Arrange the questions").click()
    added = w.audit.items.get(question__startswith="Biên bản họp")
    desk.locator(f"#item-{added.pk}").get_by_role("button", name=re.compile("Move up")).click()
    expect(desk.locator(".checklist-item").nth(1)).to_contain_text("Biên bản họp")
    desk.get_by_role("link", name="Done arranging").click()
    desk.get_by_role("link", name="Save as a template for next year").click()
    desk.get_by_label("Template name").fill("Đánh giá phường — mẫu 2027")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Đánh giá phường — mẫu 2027")
    template = ChecklistTemplate.objects.get(name="Đánh giá phường — mẫu 2027")
    assert list(template.items.order_by("position").values_list("question", flat=True))[1].startswith("Biên bản")


def test_without_javascript_a_team_member_answers_with_the_plain_form(open_page):
    w = checklist_world()
    from audits.services import checklist as services

    [item] = services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("9.2"))
    phone = open_page("phone", javascript=False)
    sign_in(phone, w.member.username, w.tree.password)
    phone.goto(f"/audits/{w.audit.pk}/checklist/")
    phone.locator(f"label[for='a-{item.pk}-observation']").tap()
    phone.get_by_label("Notes").fill("Chưa lập kế hoạch đánh giá năm sau")
    phone.locator(f"#item-{item.pk}").get_by_role("button", name="Save").tap()
    expect(phone.locator(".alert-success")).to_contain_text("Answer saved.")
    assert_fits_the_screen(phone)
    item = ChecklistItem.objects.get(pk=item.pk)
    assert (item.answer, item.notes, item.version) == ("observation", "Chưa lập kế hoạch đánh giá năm sau", 1)
