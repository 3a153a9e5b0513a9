"""The management representative follows up the training a new revision needs, on a desktop and on
a phone: Training → Training on revisions lists everyone the revision was distributed to, trained
(linked to the session attended) or not yet; the "State" filter keeps those still to train; the
document's training coverage links there. Every page passes axe-core and fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.documents.factories import doc_setup
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in
from tests.training import matrix_factories as mf

pytestmark = pytest.mark.e2e


@pytest.fixture
def trained():
    s = doc_setup()
    s.revision = mf.revision_needing_training(s, title="Quy trình tiếp nhận và trả kết quả hồ sơ")
    s.course = mf.course(s.revision, code="TH-QT-02")
    s.held = mf.session(s.course, s.dept)
    mf.attend(s.held, s.reviewer1)
    mf.attend(s.held, s.staff)
    mf.attend(s.held, s.reviewer2, "absent")
    return s


def activate(page, locator):
    locator.tap() if page.portal_kind == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_training_on_revisions_is_opened_from_the_menu_and_filtered(open_page, trained, kind):
    s = trained
    page = open_page(kind)
    sign_in(page, s.mr.username, s.password)
    open_menu_entry(page, "Training", "Training on revisions")
    page.wait_for_url(re.compile(r"/training/revision-trainings/$"))
    expect(page.get_by_role("heading", name="Training on revisions")).to_be_visible()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(7)  # the department and its office
    expect(page.locator("main tbody")).to_contain_text(s.revision.document.code)
    expect(page.locator("main tbody a.text-success")).to_have_count(2)  # trained: the session attended
    assert_accessible(page)
    assert_fits_the_screen(page)
    screenshot(page, f"training-on-revisions-{kind}")

    page.get_by_label("State").select_option("waiting")
    with page.expect_navigation():
        activate(page, page.locator("form[role=search] button[type=submit]"))
    assert "state=waiting" in page.url
    expect(rows).to_have_count(5)
    expect(page.locator("main tbody")).not_to_contain_text(s.staff.full_name)
    expect(page.locator("main tbody")).to_contain_text(s.reviewer2.full_name)  # absent: not trained
    assert_accessible(page)
    assert_fits_the_screen(page)

    # from the document's coverage panel to its people
    page.goto(s.revision.document.get_absolute_url())
    panel = page.get_by_test_id("training-coverage")
    with page.expect_navigation():
        activate(page, panel.get_by_role("link", name="Who has been trained, person by person"))
    assert f"document={s.revision.document.code}" in page.url
    expect(rows).to_have_count(7)
    link = page.locator("main tbody a.text-success").first
    with page.expect_navigation():
        activate(page, link)
    expect(page.locator("main h1")).to_contain_text(s.course.title)
