"""A document controller follows up who has read the effective procedures, on a desktop and on a
phone: Documents → Acknowledgements lists, newest first, who was asked to read each current
revision (the superseded revision's readers left out), and the "State" filter keeps those who have
acknowledged it. Every page passes axe-core and fits 390 px."""

import re

import pytest
from playwright.sync_api import expect

from documents import services
from tests.documents.factories import doc_setup, effective_document, next_revision
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu_entry, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def acknowledged():
    s = doc_setup()
    procedure = effective_document(s, title="Quy trình tiếp công dân")
    superseded = procedure.current_revision
    services.revision_acknowledge(acting_user=s.reviewer2, revision=superseded)
    current = next_revision(s, procedure)
    for person in (s.reviewer1, s.staff):
        services.revision_acknowledge(acting_user=person, revision=current)
    return s, procedure, current, superseded


def row_people(page):
    return page.locator("main tbody tr td:nth-child(3)").all_inner_texts()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_register_of_acknowledgements_is_opened_from_the_menu_and_filtered(open_page, acknowledged, kind):
    s, procedure, current, superseded = acknowledged
    page = open_page(kind)
    sign_in(page, s.author.username, s.password)
    open_menu_entry(page, "Documents", "Acknowledgements")
    page.wait_for_url(re.compile(r"/documents/acknowledgements/$"))
    expect(page.get_by_role("heading", name="Acknowledgements")).to_be_visible()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(7)  # rev. 02 asked of the department and its office
    expect(page.locator(f'main tbody tr[data-revision="{superseded.pk}"]')).to_have_count(0)
    expect(page.locator("main tbody")).to_contain_text(procedure.code)
    expect(page.locator("main tbody")).to_contain_text("Not yet acknowledged")
    assert_accessible(page)
    assert_fits_the_screen(page)
    screenshot(page, f"acknowledgements-{kind}")

    page.get_by_label("State").select_option("acknowledged")
    submit = page.locator("form[role=search] button[type=submit]")
    with page.expect_navigation():
        submit.tap() if kind == "phone" else submit.click()
    assert "state=acknowledged" in page.url
    expect(rows).to_have_count(2)
    people = " ".join(row_people(page))
    assert s.reviewer1.full_name in people and s.staff.full_name in people
    expect(page.locator("main tbody")).not_to_contain_text("Not yet acknowledged")
    # the document's link opens its page
    link = page.locator("main tbody tr").first.get_by_role("link", name=procedure.code)
    expect(link).to_have_attribute("href", procedure.get_absolute_url())
    assert_accessible(page)
    assert_fits_the_screen(page)
    screenshot(page, f"acknowledgements-given-{kind}")
