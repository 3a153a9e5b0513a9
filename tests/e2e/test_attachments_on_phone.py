"""A staff member proposes a change on a phone and attaches a photo of the marked-up page (taken
with the phone turned, with its GPS position in it); the page shows it upright as a thumbnail; the
document controller opens it on a desktop, attaches a scan of their own, and the staff member
withdraws their photo with a reason."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from documents import services
from documents.models import ChangeRequest
from qms_portal.models import Attachment
from tests.documents.factories import doc_setup, effective_document
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, screenshot, sign_in, sign_out
from tests.qms_portal.images import phone_jpeg

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_of_the_marked_up_page_is_attached_to_a_proposed_change_on_a_phone(open_page, tmp_path):
    s = doc_setup()
    document = effective_document(s, title="Quy trình cấp giấy phép xây dựng")
    proposal = services.change_request_create(acting_user=s.staff, document=document,
                                              reason="Trang 3: bổ sung bước lấy ý kiến người dân.")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(phone_jpeg(width=640, height=480, orientation=6))

    # The staff member, on a phone: the proposal's page has a camera button.
    phone = open_page("phone")
    sign_in(phone, s.staff.username, s.password)
    phone.goto(proposal.get_absolute_url())
    assert_assets_loaded(phone)
    camera = phone.get_by_label("Take a photo")
    expect(camera).to_have_attribute("capture", "environment")
    camera.set_input_files(str(photo))
    phone.get_by_label("Caption").fill("Trang 3, đoạn 2")
    phone.get_by_role("button", name="Attach").tap()
    expect(phone.locator(".alert-success")).to_contain_text("1 file was attached.")
    phone.wait_for_url(re.compile(rf"/change-requests/{proposal.pk}/#attachments$"))

    # The thumbnail is shown (really loaded, upright: taller than wide), with the caption as its text.
    thumbnail = phone.get_by_role("img", name="Trang 3, đoạn 2")
    expect(thumbnail).to_be_visible()
    # (decode() waits until the image has loaded: visible is not yet loaded)
    size = thumbnail.evaluate("img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])")
    assert size[0] > 0 and size[1] > size[0], size
    assert_fits_the_screen(phone)
    screenshot(phone, "attachments-change-request-phone")
    attachment = Attachment.objects.get()
    stored = Image.open(io.BytesIO(attachment.file.open("rb").read()))
    assert stored.size == (480, 640) and not stored.getexif()  # upright, and no GPS position kept

    # The document controller, on a desktop, opens the photo and attaches a scan.
    desk = open_page("desktop")
    sign_in(desk, s.author.username, s.password)
    desk.goto(proposal.get_absolute_url())
    with desk.expect_response(re.compile(r"/attachments/\d+/$")) as opened:
        desk.get_by_role("link", name="Trang 3, đoạn 2").click()
    response = opened.value
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    desk.goto(proposal.get_absolute_url())
    scan = tmp_path / "Bản chụp trang 3.pdf"
    scan.write_bytes(PDF)
    desk.get_by_label("Or choose files").set_input_files(str(scan))
    desk.get_by_role("button", name="Attach").click()
    expect(desk.locator("main .list-group")).to_contain_text("Bản chụp trang 3.pdf")
    sign_out(desk)

    # The staff member withdraws their photo (the scan is the controller's: no button for them).
    phone.goto(proposal.get_absolute_url())
    withdraw = phone.locator("summary", has_text="Withdraw")
    expect(withdraw).to_have_count(1)
    withdraw.tap()
    phone.get_by_label("Reason for withdrawing").fill("Chụp lại cho rõ hơn")
    phone.get_by_role("button", name="Withdraw the attachment").tap()
    expect(phone.locator(".alert-success")).to_contain_text("was withdrawn")
    expect(phone.get_by_role("img", name="Trang 3, đoạn 2")).to_have_count(0)
    phone.locator("summary", has_text="1 withdrawn attachment").tap()
    expect(phone.locator(".attachments-withdrawn")).to_contain_text("Chụp lại cho rõ hơn")
    assert_fits_the_screen(phone)
    assert ChangeRequest.objects.get(pk=proposal.pk).status == ChangeRequest.Status.OPEN
