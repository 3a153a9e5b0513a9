"""What happens to an effective procedure afterwards, as people do it in the browser: a staff member
proposes a change on a phone; the document controller declines one proposal with a reason and
accepts another, which opens the next draft; the controller records a periodic review; a law the
procedure rests on is repealed in the legal register, which flags the procedure "review required"
and lists it on the law's page."""

import re

import pytest
from playwright.sync_api import expect

from documents.models import ChangeRequest, Document, LegalDocument, PeriodicReview, Revision
from tests.documents.factories import doc_setup, effective_document, legal
from tests.e2e.conftest import assert_fits_the_screen, open_menu, sign_in, sign_out

pytestmark = pytest.mark.e2e


def _propose(page, document, text):
    page.goto(f"/documents/{document.pk}/")
    page.get_by_role("link", name="Propose a change").click()
    page.fill("#id_reason", text)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Your proposal was sent")


def test_change_requests_periodic_review_and_a_repealed_law(open_page):
    s = doc_setup()
    law = legal(number=f"{s.prefix}19/2014/QĐ-TTg")
    document = effective_document(s, title="Quy trình giải quyết khiếu nại", legal_refs=[law])
    assert not document.review_required

    # A staff member of a sub-unit proposes two changes from a phone.
    phone = open_page("phone")
    sign_in(phone, s.staff.username, s.password)
    _propose(phone, document, "Bổ sung bước lấy ý kiến người dân.")
    _propose(phone, document, "Rút ngắn thời hạn thẩm định xuống 5 ngày.")
    assert_fits_the_screen(phone)
    first, second = ChangeRequest.objects.filter(document=document).order_by("pk")

    # The document controller declines the first: a reason is required and the form keeps it.
    page = open_page("desktop")
    sign_in(page, s.author.username, s.password)
    page.goto(f"/documents/change-requests/{first.pk}/")
    page.get_by_role("link", name="Decline").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("This field is required.")  # refused without a reason
    assert ChangeRequest.objects.get(pk=first.pk).status == ChangeRequest.Status.OPEN
    page.fill("#id_reason", "Đã có trong quy trình tiếp công dân.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Declined")
    assert ChangeRequest.objects.get(pk=first.pk).status == ChangeRequest.Status.DECLINED

    # ... and accepts the second, which opens rev. 02 as a draft.
    page.goto(f"/documents/change-requests/{second.pk}/")
    page.get_by_role("link", name="Accept and open a new draft").click()
    page.locator("main form button[type=submit]").click()
    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.ACCEPTED and second.new_revision is not None
    assert second.new_revision.number == 2 and second.new_revision.status == Revision.Status.DRAFT
    page.goto(f"/documents/change-requests/{second.pk}/")
    expect(page.locator("main")).to_contain_text("Accepted")
    # The page of the document lists both proposals and the open draft.
    page.goto(f"/documents/{document.pk}/")
    expect(page.locator("main")).to_contain_text("Bổ sung bước lấy ý kiến người dân.")
    expect(page.get_by_role("link", name=re.compile(r"Rev\. 02 \(Draft\)"))).to_be_visible()

    # The periodic review: the procedure is still valid.
    page.get_by_role("link", name="Periodic review").click()
    page.get_by_label("Still valid").check()
    page.fill("#id_notes", "Rà soát năm 2026: vẫn phù hợp.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The periodic review was recorded.")
    review = PeriodicReview.objects.get(document=document)
    assert review.outcome == PeriodicReview.Outcome.VALID and review.reviewed_by == s.author
    expect(page.locator("main")).to_contain_text("Rà soát năm 2026: vẫn phù hợp.")

    # The law is repealed in the legal register (reached from the navigation).
    open_menu(page)
    page.locator("nav .dropdown-toggle", has_text="Documents").click()
    page.locator("nav .dropdown-menu").get_by_role("link", name="Legal register").click()
    page.wait_for_url(re.compile(r"/documents/legal/$"))
    page.get_by_role("link", name=law.number).click()
    page.get_by_role("link", name="Edit").click()
    page.select_option("#id_status", value=LegalDocument.Status.REPEALED)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The legal document was saved.")
    # Its page lists the procedure that rests on it, flagged; so does the procedure's own page.
    expect(page.locator("main li", has_text=document.code)).to_contain_text("Review required")
    assert Document.objects.get(pk=document.pk).review_required
    page.locator("main li", has_text=document.code).get_by_role("link").click()
    expect(page.locator("main h1")).to_contain_text("Review required")
    sign_out(page)
