"""The evaluation of units in a browser: a steering committee member of the district opens
"Evaluations of units" from the menu, drafts this year's evaluation of the wards (unit picked),
keeps three of the default criteria and opens it for scoring; ward 1's management representative,
on a phone, finds the ward's sheet under "Evaluation sheets" (ward 2's is not listed), scores it (a
score above the maximum sent back with what was typed kept) and submits it; the committee member
appraises it, signs with the password (a wrong one refused) and sees the ward ranked first on the
ranking page, ward 2 unranked. The committee member's pages run on a desktop and on a phone; every
page passes axe, the phone's fit the screen."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation
from tests import factories
from tests.e2e.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    open_menu_entry,
    pick_unit,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e
YEAR = timezone.localdate().year


@pytest.fixture
def no_broker(monkeypatch):
    """The messages stay in the portal's outbox: no broker in these tests."""
    monkeypatch.setattr("qms_portal.outbox.dispatch", lambda message_id: False)
    monkeypatch.setattr("qms_portal.notifications.dispatch", lambda message_id: False)


def _checked(page, kind):
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)


def _press(page, kind, locator):
    with page.expect_navigation():
        locator.tap() if kind == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_ward_scores_itself_on_a_phone_and_the_committee_signs_and_ranks_it(open_page, no_broker, kind):
    tree = factories.small_tree()
    steering, mr = tree.district_steering, tree.ward1_mr
    page = open_page(kind)

    # The steering committee member drafts the evaluation of the district's wards…
    sign_in(page, steering.username, factories.PASSWORD)
    open_menu_entry(page, "Dashboard", "Evaluations of units")
    expect(page.locator("main h1")).to_have_text("Evaluations of units")
    _checked(page, kind)
    _press(page, kind, page.locator("main").get_by_role("link", name="New"))
    pick_unit(page, "id_unit", tree.district.code, tree.district)
    expect(page.get_by_label("Year")).to_have_value(str(YEAR))
    page.get_by_label("Title").fill("Đánh giá HTQLCL các phường")
    _checked(page, kind)
    _press(page, kind, page.get_by_role("button", name="Save"))
    expect(page.locator("main h1")).to_contain_text(tree.district.code)
    expect(page.locator("main [data-status]")).to_have_text("Draft")
    evaluation = Evaluation.objects.get(unit=tree.district, year=YEAR)
    # …keeps the first three default criteria (30 points)…
    _press(page, kind, page.locator("main").get_by_role("link", name="Change the criteria"))
    _checked(page, kind)
    for i in range(3, 9):
        page.locator(f"#id_criteria-{i}-DELETE").check()
    _press(page, kind, page.get_by_role("button", name="Save"))
    expect(page.locator("main")).to_contain_text("Criteria (30.0 points)")
    assert [c.code for c in evaluation.criteria.all()] == ["1", "2", "3"]
    # …and opens it for scoring.
    _press(page, kind, page.locator("main").get_by_role("link", name="Open for scoring"))
    _checked(page, kind)
    _press(page, kind, page.locator("main form").get_by_role("button", name="Open for scoring"))
    expect(page.locator("main [data-status]")).to_have_text("Open")
    expect(page.locator("main")).to_contain_text("2 in self-assessment, 0 waiting for appraisal, 0 signed.")
    _checked(page, kind)
    sheet = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    other = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward2)

    # Ward 1's management representative scores the ward's sheet on a phone and submits it.
    phone = open_page("phone")
    sign_in(phone, mr.username, factories.PASSWORD)
    open_menu_entry(phone, "Dashboard", "Evaluation sheets")
    expect(phone.locator(f'main a[href="{sheet.get_absolute_url()}"]')).to_be_visible()
    expect(phone.locator(f'main a[href="{other.get_absolute_url()}"]')).to_have_count(0)
    _checked(phone, "phone")
    _press(phone, "phone", phone.locator(f'main a[href="{sheet.get_absolute_url()}"]'))
    _press(phone, "phone", phone.locator("main").get_by_role("link", name="Score the criteria"))
    _checked(phone, "phone")
    phone.locator("#id_score_0").fill("12")  # above the criterion's 10 points
    phone.locator("#id_text_0").fill("Quyết định 12/QĐ-UBND ban hành chính sách chất lượng")
    phone.locator("#id_score_1").fill("9.5")
    phone.locator("#id_text_1").fill("Sổ theo dõi đọc tài liệu")
    phone.locator("#id_score_2").fill("7")
    phone.get_by_label("The unit's summary").fill("Lãnh đạo quan tâm; cần đào tạo thêm.")
    _press(phone, "phone", phone.get_by_role("button", name="Save"))
    expect(phone.locator("#id_score_0")).to_have_value("12")  # sent back as typed
    expect(phone.locator("#id_text_1")).to_have_value("Sổ theo dõi đọc tài liệu")
    expect(phone.locator("#id_score_0_error")).to_be_visible()
    _checked(phone, "phone")
    phone.locator("#id_score_0").fill("8")
    _press(phone, "phone", phone.get_by_role("button", name="Save"))
    expect(phone.locator("main [data-self-total]")).to_contain_text("24.5 / 30.0")
    _press(phone, "phone", phone.locator("main").get_by_role("link", name="Submit for appraisal"))
    _checked(phone, "phone")
    _press(phone, "phone", phone.locator("main form").get_by_role("button", name="Submit for appraisal"))
    expect(phone.locator("main [data-status]")).to_have_text("Waiting for appraisal")
    _checked(phone, "phone")
    screenshot(phone, f"evaluation-sheet-phone-{kind}")

    # The committee member appraises the sheet and signs with their password.
    page.goto(sheet.get_absolute_url())
    expect(page.locator("main [data-criterion='1']")).to_contain_text("Quyết định 12/QĐ-UBND")
    _press(page, kind, page.locator("main").get_by_role("link", name="Appraise"))
    _checked(page, kind)
    page.locator("#id_score_0").fill("7")
    page.locator("#id_text_0").fill("Chưa phổ biến đến bộ phận một cửa")
    page.locator("#id_score_1").fill("9.5")
    page.locator("#id_score_2").fill("7")
    page.get_by_label("The evaluators' conclusion").fill("Đạt yêu cầu.")
    _press(page, kind, page.get_by_role("button", name="Save"))
    expect(page.locator("main [data-appraisal-total]")).to_contain_text("23.5 / 30.0")
    _press(page, kind, page.locator("main").get_by_role("link", name="Sign the appraisal"))
    page.get_by_label("Your password (to sign)").fill("not-my-password")
    _press(page, kind, page.locator("main form").get_by_role("button", name="Sign the appraisal"))
    expect(page.locator("main form .alert-danger")).to_be_visible()
    assert UnitEvaluation.objects.get(pk=sheet.pk).status == "submitted"
    page.get_by_label("Your password (to sign)").fill(factories.PASSWORD)
    _checked(page, kind)
    _press(page, kind, page.locator("main form").get_by_role("button", name="Sign the appraisal"))
    expect(page.locator("main [data-status]")).to_have_text("Appraised and signed")
    expect(page.locator("main .signature")).to_contain_text(steering.full_name)
    _checked(page, kind)

    # The ranking: ward 1 first with its index (23.5 of 30 points), ward 2 not yet ranked.
    page.goto(evaluation.get_absolute_url())
    _press(page, kind, page.locator("main .nav-tabs").get_by_role("link", name="Ranking"))
    page.wait_for_url(re.compile(r"/ranking/$"))
    ranked = page.locator(f"main tr[data-unit='{tree.ward1.code}']")
    expect(ranked.locator("[data-rank]")).to_have_text("1")
    expect(ranked.locator("[data-index]")).to_have_text("78.3")
    expect(page.locator(f"main tr[data-unit='{tree.ward2.code}'] [data-rank]")).to_have_text("Self-assessment")
    expect(page.locator("main")).to_contain_text("1 of 2 units ranked.")
    _checked(page, kind)
    screenshot(page, f"evaluation-ranking-{kind}")
