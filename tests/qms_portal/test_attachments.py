"""Attachments: the service (checks, images cleaned and thumbnailed, storage that follows the
transaction, withdrawal) and the rights, which are the record's. The record here is a unit (the
core's attachable record); the documents area tests its change requests in
``tests/documents/test_attachments.py``."""

import gc
import io
import re
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from qms_portal import permissions
from qms_portal.attachments import (
    attachment_add,
    attachment_withdraw,
    attachments_for,
    attachments_visible,
    rights,
)
from qms_portal.models import Attachment, Unit
from tests import factories
from tests.qms_portal.images import claimed_png, phone_jpeg, png_with_text, upload, webp_bytes
from tests.qms_portal.test_uploads import EXE, PDF, docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add(tree, content=None, name="anh.jpg", who=None, unit=None, **kw):
    data = phone_jpeg() if content is None else content
    return attachment_add(acting_user=who or tree.admin, target=unit or tree.ward1, upload=upload(name, data), **kw)


def stored(attachment, field="file"):
    with getattr(attachment, field).open("rb") as handle:
        return handle.read()


def refused(tree, *args, **kw):
    with pytest.raises(ValidationError) as error:
        add(tree, *args, **kw)
    return " ".join(error.value.messages)


# ---- images: what is stored ----------------------------------------------------------------------------
def test_a_phone_photo_is_stored_without_its_gps_position_camera_or_comment(tree):
    original = phone_jpeg()
    assert b"PhoneCo" in original and b"Tran Hung Dao" in original  # the test photo really carries them
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # …and a GPS block

    attachment = add(tree, original)

    data = stored(attachment)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info
    assert "comment" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
    assert b"PhoneCo" not in data and b"Tran Hung Dao" not in data and b"Exif" not in data
    assert attachment.kind == Attachment.Kind.IMAGE and attachment.mime_type == "image/jpeg"
    assert attachment.size == len(data) and (attachment.width, attachment.height) == (64, 48)


def test_a_photo_taken_with_the_phone_turned_is_stored_upright(tree):
    # The sensor's picture: red on the left, blue on the right; orientation 6 says "turn it 90° clockwise".
    attachment = add(tree, phone_jpeg(width=64, height=48, orientation=6))

    image = Image.open(io.BytesIO(stored(attachment))).convert("RGB")
    assert image.size == (48, 64) and (attachment.width, attachment.height) == (48, 64)
    top, bottom = image.getpixel((24, 8)), image.getpixel((24, 56))
    assert top[0] > 150 and top[2] < 100, top  # red is now on top
    assert bottom[2] > 150 and bottom[0] < 100, bottom
    assert not Image.open(io.BytesIO(stored(attachment))).getexif()  # no orientation left to apply twice


def test_a_thumbnail_is_made_at_upload(tree):
    attachment = add(tree, phone_jpeg(width=1200, height=900))

    thumb = Image.open(io.BytesIO(stored(attachment, "thumbnail")))
    assert thumb.format == "WEBP" and thumb.size == (320, 240)
    assert attachment.thumbnail.name != attachment.file.name


def test_a_png_keeps_its_transparency_and_loses_its_text_chunks(tree):
    attachment = add(tree, png_with_text(), name="so-do.png")

    data = stored(attachment)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA" and attachment.mime_type == "image/png"
    assert "Author" not in image.info and "Location" not in image.info
    assert b"Nguy" not in data


def test_a_webp_image_is_accepted(tree):
    attachment = add(tree, webp_bytes(), name="anh.webp")
    assert attachment.mime_type == "image/webp" and attachment.file.name.endswith(".webp")


def test_an_image_is_stored_in_its_real_format_whatever_its_name(tree):
    attachment = add(tree, png_with_text(), name="anh.jpg")
    assert attachment.mime_type == "image/png" and attachment.file.name.endswith(".png")
    assert attachment.original_name == "anh.jpg"


# ---- images: what is refused ---------------------------------------------------------------------------
def test_a_jpg_that_is_really_a_text_file_is_refused_and_nothing_is_stored(tree, media):
    message = refused(tree, "Đây là văn bản, không phải ảnh".encode(), name="anh.jpg")
    assert "not an image" in message
    assert not Attachment.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_truncated_image_is_refused(tree):
    assert "not an image" in refused(tree, phone_jpeg(width=400, height=300)[:600])


def test_an_image_over_the_size_limit_is_refused(tree, settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 500
    message = refused(tree, phone_jpeg(width=200, height=200))
    assert "too large" in message and "500" in message


def test_a_file_claiming_a_huge_picture_is_refused_before_it_is_decoded(tree):
    message = refused(tree, claimed_png(50_000, 50_000), name="bom.png")
    assert "decompression bomb" in message


def test_an_image_over_the_pixel_limit_is_refused(tree, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 20_000  # 0.02 megapixels
    message = refused(tree, phone_jpeg(width=200, height=150))
    assert "200 × 150 pixels" in message and "0.02 megapixels" in message
    # The header alone decides: a claimed size over the limit, under Pillow's own bomb threshold.
    assert "pixels" in refused(tree, claimed_png(400, 400), name="x.png")


def test_a_type_the_record_does_not_accept_is_refused(tree):
    from tests.qms_portal.test_uploads import xlsx_bytes

    message = refused(tree, xlsx_bytes(), name="bang.xlsx")  # a unit takes PDF, DOCX and images
    assert "not accepted" in message and "pdf" in message


def test_an_allowlist_given_by_the_caller_replaces_the_records(tree):
    with pytest.raises(ValidationError):
        add(tree, PDF, name="a.pdf", allowed=("jpg", "jpeg", "png"))
    assert add(tree, name="anh.jpg", allowed=("jpg",)).is_image


# ---- files ---------------------------------------------------------------------------------------------
def test_a_pdf_and_a_docx_are_stored_as_files_with_their_checked_content_type(tree):
    pdf = add(tree, PDF, name="quyet-dinh.pdf", caption="Quyết định thành lập Ban chỉ đạo ISO")
    assert pdf.kind == Attachment.Kind.FILE and pdf.mime_type == "application/pdf"
    assert stored(pdf) == PDF and pdf.size == len(PDF) and not pdf.thumbnail
    docx = add(tree, docx_bytes(), name="du-thao.docx")
    assert docx.mime_type.endswith("wordprocessingml.document")


def test_an_executable_renamed_to_pdf_is_refused(tree):
    assert "not a PDF" in refused(tree, EXE, name="quyet-dinh.pdf")


def test_the_file_is_stored_under_a_name_nobody_can_guess_and_the_original_name_is_kept_nfc(tree):
    decomposed = unicodedata.normalize("NFD", "Biên bản kiểm tra.pdf")
    attachment = add(tree, PDF, name=decomposed)
    assert attachment.original_name == unicodedata.normalize("NFC", "Biên bản kiểm tra.pdf")
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name), attachment.file.name


def test_the_records_unit_is_copied_onto_the_attachment(tree):
    attachment = add(tree, unit=tree.division)
    assert attachment.unit == tree.division and attachment.target == tree.division
    assert attachment.uploaded_by == tree.admin


# ---- storage follows the transaction -------------------------------------------------------------------
def test_a_rolled_back_transaction_removes_the_files_it_stored(tree):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        attachment = add(tree, phone_jpeg(width=400, height=300))
        names = [attachment.file.name, attachment.thumbnail.name]
        assert all(default_storage.exists(name) for name in names)
        raise Boom
    assert not any(default_storage.exists(name) for name in names)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_committed_attachment_keeps_its_files(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        attachment = add(tree)
    gc.collect()  # the callback is let go of after it ran: its finalizer must find the commit noted
    assert default_storage.exists(attachment.file.name) and default_storage.exists(attachment.thumbnail.name)


def test_a_failure_inside_the_service_leaves_no_file_behind(tree, media, monkeypatch):
    from qms_portal import attachments

    def broken_save(*args, **kwargs):
        raise ValidationError("the row could not be saved")

    monkeypatch.setattr(attachments, "_save", broken_save)
    with pytest.raises(ValidationError):
        add(tree)
    assert not [p for p in media.rglob("*") if p.is_file()]


# ---- withdrawal ----------------------------------------------------------------------------------------
def test_withdrawing_keeps_the_row_the_file_and_the_history(tree):
    attachment = add(tree, caption="Ảnh nhầm")
    withdrawn = attachment_withdraw(acting_user=tree.admin, attachment=attachment, reason="Chụp nhầm hồ sơ")

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == tree.admin
    assert withdrawn.withdrawal_reason == "Chụp nhầm hồ sơ"
    assert default_storage.exists(withdrawn.file.name)
    records = list(withdrawn.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[0].history_user == tree.admin and records[0].withdrawn_at is None
    assert records[1].history_user == tree.admin and records[1].history_change_reason == "withdrawn"
    assert list(attachments_for(tree.ward1)) == []
    assert list(attachments_for(tree.ward1, include_withdrawn=True)) == [withdrawn]


def test_withdrawing_needs_a_reason_and_happens_once(tree):
    attachment = add(tree)
    with pytest.raises(ValidationError, match="reason"):
        attachment_withdraw(acting_user=tree.admin, attachment=attachment, reason="  ")
    attachment_withdraw(acting_user=tree.admin, attachment=attachment, reason="Sai")
    with pytest.raises(ValidationError, match="already withdrawn"):
        attachment_withdraw(acting_user=tree.admin, attachment=attachment, reason="Sai")


# ---- rights: the record's ------------------------------------------------------------------------------
def test_who_may_only_view_the_record_may_not_add_or_withdraw(tree):
    with pytest.raises(PermissionDenied):
        add(tree, who=tree.ward1_staff)
    attachment = add(tree)
    with pytest.raises(PermissionDenied):
        attachment_withdraw(acting_user=tree.ward1_staff, attachment=attachment, reason="x")
    assert rights(tree.ward1_staff, tree.ward1).view


def test_out_of_scope_nobody_adds(tree):
    with pytest.raises(PermissionDenied):
        add(tree, who=tree.district_steering, unit=tree.division)
    local_admin = factories.make_user("local-admin", tree.district)
    factories.assign(local_admin, "administrator", tree.district)
    with pytest.raises(PermissionDenied):
        add(tree, who=local_admin, unit=tree.division)
    assert add(tree, who=local_admin, unit=tree.ward2).unit == tree.ward2


def test_a_single_object_grant_on_the_record_gives_its_rights(tree):
    person = factories.make_user("named-person", tree.agency)
    permissions.grant(person, "change", tree.ward1)
    permissions.grant(person, "view", tree.ward1)
    attachment = add(tree, who=person)
    assert rights(person, tree.ward1).moderate
    with pytest.raises(PermissionDenied):
        add(tree, who=person, unit=tree.ward2)
    attachment_withdraw(acting_user=person, attachment=attachment, reason="Thay ảnh khác")


def test_attachments_for_is_one_query(tree):
    for n in range(3):
        add(tree, caption=f"Ảnh {n}")
    Attachment.objects.filter(pk=0).exists()  # the content type is cached after the first use
    with CaptureQueriesContext(connection) as queries:
        rows = list(attachments_for(tree.ward1, include_withdrawn=True))
        [(row.uploaded_by.full_name, row.withdrawn_by) for row in rows]
    assert len(rows) == 3 and len(queries) == 1, [q["sql"] for q in queries]


def test_attachments_visible_are_those_of_records_in_scope_and_those_granted(tree):
    in_scope = add(tree, unit=tree.ward1)
    out_of_scope = add(tree, unit=tree.division)
    assert set(attachments_visible(tree.ward1_staff, Unit)) == {in_scope}
    assert set(attachments_visible(tree.admin, Unit)) == {in_scope, out_of_scope}
    person = factories.make_user("granted-reader", tree.agency)
    assert not attachments_visible(person, Unit).exists()
    permissions.grant(person, "view", tree.division)
    assert set(attachments_visible(person, Unit)) == {out_of_scope}
