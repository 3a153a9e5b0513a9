"""A satisfaction survey, end to end on a phone: the management representative prints single-use
links for the city leaders; a leader opens one (no account) in Vietnamese, is told which line is
missing, rates every line and signs nothing; the same link opened again is refused with a clear
message; the representative reads the results (chart, tables, comment). Every page passes axe's
WCAG 2.1 AA checks and fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from objectives.models import SurveyResponse
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in
from tests.objectives.surveys_factories import make_survey

pytestmark = pytest.mark.e2e


def test_a_leader_answers_through_a_printed_link_on_a_phone_and_the_link_is_then_refused(open_page):
    tree = factories.small_tree()
    survey = make_survey(tree.ward1_mr, tree.ward1, title="Khảo sát mức độ hài lòng 6 tháng đầu năm",
                         groups=[("Lãnh đạo thành phố", 7), ("Các sở, ngành", 23)])

    # The representative prints links for the leaders, on a phone
    mr = open_page("phone")
    sign_in(mr, tree.ward1_mr.username, tree.password)
    mr.goto(survey.get_absolute_url())
    assert_accessible(mr)
    assert_fits_the_screen(mr)
    mr.locator("main a", has_text="Print single-use links").tap()
    mr.fill("#id_count", "2")
    mr.select_option("#id_language", "vi")
    mr.locator("main form button[type=submit]").tap()
    expect(mr.locator(".survey-slip")).to_have_count(2)
    assert_accessible(mr)
    assert_fits_the_screen(mr)
    addresses = mr.locator(".survey-slip .font-monospace").all_inner_texts()
    assert len(addresses) == 2 and all("?lang=vi" in a for a in addresses)
    path = re.sub(r"^https?://[^/]+", "", addresses[0])

    # A leader opens the first one on their phone: Vietnamese, the survey's own lines
    leader = open_page("phone")
    leader.goto(path)
    expect(leader.locator("html")).to_have_attribute("lang", "vi")
    expect(leader.locator("main h1")).to_have_text(survey.title)
    dims = list(survey.dimensions.order_by("position", "id"))
    expect(leader.locator("main fieldset")).to_have_count(len(dims))
    assert_accessible(leader)
    assert_fits_the_screen(leader)

    # Sent with a line missing: told beside that line, what was typed kept
    for d in dims[1:]:
        leader.locator(f"label[for=id_d{d.pk}_0]").tap()
    leader.fill("#id_comment", "Cán bộ nhiệt tình.")
    leader.locator("main form button[type=submit]").tap()
    expect(leader.locator(f"#id_d{dims[0].pk}-err")).to_be_visible()
    expect(leader.locator("#id_comment")).to_have_value("Cán bộ nhiệt tình.")
    assert_accessible(leader)
    leader.locator(f"label[for=id_d{dims[0].pk}_1]").tap()  # basically satisfied
    leader.locator("main form button[type=submit]").tap()
    expect(leader.locator("main h1")).to_have_text(re.compile(r"\S"))
    expect(leader.locator("main")).not_to_contain_text(survey.title)
    assert_accessible(leader)
    screenshot(leader, "survey-answered-phone")
    sheet = SurveyResponse.objects.get(survey=survey)
    assert sheet.signed_name == "" and sheet.comment == "Cán bộ nhiệt tình."
    assert sorted(sheet.answers.values_list("rating", flat=True)) == [1, 1, 1, 1, 2]

    # The same link again: refused, clearly, and nothing more is taken
    leader.goto(path)
    expect(leader.locator("main h1")).to_be_visible()
    expect(leader.locator("main form")).to_have_count(0)
    expect(leader.locator("main")).to_contain_text("đã được sử dụng")
    assert_accessible(leader)
    assert_fits_the_screen(leader)
    screenshot(leader, "survey-link-reused-phone")
    assert SurveyResponse.objects.filter(survey=survey).count() == 1

    # The representative reads the results on the phone
    mr.goto(f"/objectives/surveys/{survey.pk}/results/")
    expect(mr.locator("main")).to_contain_text("Cán bộ nhiệt tình.")
    expect(mr.locator("main svg").first).to_be_visible()
    assert_accessible(mr)
    assert_fits_the_screen(mr)
    screenshot(mr, "survey-results-phone")


def test_the_representative_writes_a_survey_and_invites_by_e_mail(open_page):
    tree = factories.small_tree()
    page = open_page("desktop")
    sign_in(page, tree.ward1_mr.username, tree.password)
    page.goto("/")
    open_menu_entry(page, "Objectives", "Satisfaction surveys")
    expect(page.locator("main h1")).to_have_text("Satisfaction surveys")
    assert_accessible(page)
    page.locator("main a", has_text="New").click()
    page.fill("#id_title", "Khảo sát sự hài lòng quý IV")
    page.fill("#id_period_start", "2026-10-01")
    page.fill("#id_period_end", "2026-12-31")
    page.fill("#id_groups", "Người dân; nhiều")  # not a number: said by its line, the text kept
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Line 1")
    expect(page.locator("#id_groups")).to_have_value("Người dân; nhiều")
    assert_accessible(page)
    page.fill("#id_groups", "Người dân; 200")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("saved as a draft")
    expect(page.locator("main section:has(#dims-h) ol li")).to_have_count(5)  # the five default dimensions
    page.locator("main a", has_text="Open for answers").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .badge").first).to_have_text("Open for answers")
    assert_accessible(page)
    page.locator("main a", has_text="Invite by e-mail").click()
    page.fill("#id_recipients", "a@example.vn vi\nb@example.cn zh-hans")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("2 invitations are on their way.")
    assert_accessible(page)
