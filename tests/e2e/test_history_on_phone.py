"""On a phone: a management representative ends a role assignment with a reason, finds it among the
ended ones and on the roster of the day; an auditor reads a revision's History tab (a list, field
labels, "changed" with a link) and compares the two versions of its text."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents.models import Revision
from qms_portal.models import RoleAssignment
from tests import factories
from tests.documents.factories import doc_setup, draft_of, new_document, save_draft
from tests.e2e.conftest import assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_an_assignment_is_ended_with_a_reason_on_a_phone(open_page):
    tree = factories.small_tree()
    page = open_page("phone")
    sign_in(page, tree.ward1_mr.username, tree.password)
    page.goto(tree.ward1.get_absolute_url())
    row = page.locator("main table tr", has_text=tree.ward1_staff.full_name)
    row.locator("text=End").tap()
    expect(page.locator("main h1")).to_have_text("End a role assignment")
    assert_fits_the_screen(page)
    page.fill("#id_reason", "Chuyển công tác sang phường 2.")
    page.locator("main form button[type=submit]").tap()
    expect(page.locator(".alert-success")).to_contain_text("The role assignment was ended.")
    expect(page.locator("main table")).not_to_contain_text(tree.ward1_staff.full_name)
    assert RoleAssignment.objects.get(user=tree.ward1_staff, unit=tree.ward1).ended_by == tree.ward1_mr

    page.locator("main >> text=Show ended assignments").tap()
    ended = page.locator("#ended + ul")
    expect(ended).to_contain_text(tree.ward1_staff.full_name)
    expect(ended).to_contain_text("Chuyển công tác sang phường 2.")
    assert_fits_the_screen(page)

    page.fill("input[name=on]", timezone.localdate().isoformat())
    page.locator("#on-date + form button[type=submit]").tap()
    expect(page.locator("#on-date ~ ul").last).to_contain_text(tree.ward1_staff.full_name)
    assert_fits_the_screen(page)
    screenshot(page, "h-ended-assignment-phone")


def test_a_revisions_history_reads_as_a_list_and_compares_its_text_on_a_phone(open_page):
    s = doc_setup()
    document = new_document(s)
    draft = save_draft(s, draft_of(document), content="<p>Bước 1: tiếp nhận hồ sơ.</p><p>Bước 2: thẩm định.</p>",
                       reason="Lần đầu")
    save_draft(s, Revision.objects.get(pk=draft.pk),
               content="<p>Bước 1: tiếp nhận hồ sơ.</p><p>Bước 2: thẩm định trong 3 ngày.</p>", reason="Lần đầu")
    page = open_page("phone")
    sign_in(page, s.author.username, s.password)
    page.goto(f"/documents/revisions/{draft.pk}/history/")
    history = page.locator("main ol.history")
    expect(history).to_contain_text("Content: changed")
    expect(history).not_to_contain_text("lock_version")
    expect(history).not_to_contain_text("<p>")
    assert_fits_the_screen(page)
    screenshot(page, "h-revision-history-phone")
    history.locator("text=compare the two versions").first.tap()
    expect(page.locator("main table.diff")).to_contain_text("thẩm định trong 3 ngày")
    expect(page.locator("main table.diff ins")).to_contain_text("thẩm định trong 3 ngày")
    screenshot(page, "h-history-compare-phone")
