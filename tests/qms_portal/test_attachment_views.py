"""The attachment pages: add (several files, or a photo from the camera), download, thumbnail,
withdraw — the three permission cases each, the headers a file goes out with, and the panel on a
record's page. The record is a unit: see and download with "view unit", add and withdraw with
"change unit" (an administrator); a staff member sees the unit and its attachments only."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal import permissions
from qms_portal.attachments import attachment_add, attachment_withdraw
from qms_portal.models import Attachment
from tests import factories
from tests.qms_portal.images import photo_upload, upload
from tests.qms_portal.test_uploads import PDF
from tests.viewtests import PermissionCases, holder

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_on(tree, unit, **kw):
    return attachment_add(acting_user=tree.superuser, target=unit, upload=photo_upload(**kw), caption="Biển hiệu")


def text(response):
    return unescape(response.content.decode())


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


# ---- the three permission cases ------------------------------------------------------------------------
class TestDownloadAccess(PermissionCases):
    url_name = "attachment_download"
    role = "staff"

    def make_object(self, tree, unit):
        return photo_on(tree, unit)


class TestThumbnailAccess(TestDownloadAccess):
    url_name = "attachment_thumbnail"


class TestAddAccess(PermissionCases):
    url_name = "attachment_add"
    role = "administrator"
    visible_only_role = "staff"
    method = "post"
    ok_status = 302

    def url_kwargs(self, obj):
        return {"target": "qms_portal.unit", "pk": obj.pk}

    def post_data(self, obj):
        return {"files": photo_upload(), "caption": "Quyết định công bố HTQLCL"}


class TestWithdrawAccess(PermissionCases):
    url_name = "attachment_withdraw"
    role = "administrator"
    visible_only_role = "staff"
    method = "post"
    ok_status = 302
    data = {"reason": "Ảnh chụp nhầm"}

    def make_object(self, tree, unit):
        return photo_on(tree, unit)


# ---- download ------------------------------------------------------------------------------------------
def test_an_image_is_served_inline_with_its_checked_type_and_nosniff(tree, client_for):
    attachment = photo_on(tree, tree.ward1, name="Ảnh hiện trường.jpg")
    response = client_for(tree.ward1_staff).get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E1%BA%A2nh" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_file_is_served_as_a_download(tree, client_for):
    attachment = attachment_add(acting_user=tree.superuser, target=tree.ward1, upload=upload("qd.pdf", PDF))
    response = client_for(tree.ward1_staff).get(reverse("attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # …and has no thumbnail.
    assert client_for(tree.ward1_staff).get(reverse("attachment_thumbnail", args=[attachment.pk])).status_code == 404


def test_the_thumbnail_is_a_webp(tree, client_for):
    attachment = photo_on(tree, tree.ward1)
    response = client_for(tree.ward1_staff).get(reverse("attachment_thumbnail", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_withdrawn_attachment_is_for_the_records_moderators_only(tree, client_for):
    attachment = photo_on(tree, tree.ward1)
    attachment_withdraw(acting_user=tree.admin, attachment=attachment, reason="Có thông tin cá nhân")
    url = reverse("attachment_download", args=[attachment.pk])
    assert client_for(tree.ward1_staff).get(url).status_code == 403
    assert client_for(tree.admin).get(url).status_code == 200


def test_a_named_grant_on_the_record_opens_its_attachments(tree, client_for):
    attachment = photo_on(tree, tree.division)
    person = holder(tree)  # no role anywhere
    client = client_for(person)
    url = reverse("attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 403
    permissions.grant(person, "view", tree.division)
    assert client.get(url).status_code == 200
    other = photo_on(tree, tree.ward1)
    assert client.get(reverse("attachment_download", args=[other.pk])).status_code == 404


def test_an_unknown_attachment_or_record_type_is_404(tree, client_for):
    client = client_for(tree.admin)
    assert client.get(reverse("attachment_download", args=[999999])).status_code == 404
    url = reverse("attachment_add", args=["qms_portal.role", tree.roles["staff"].pk])  # roles take none
    assert client.post(url, {"files": photo_upload()}).status_code == 404
    assert client.post(reverse("attachment_add", args=["nosuch.model", 1])).status_code == 404


# ---- add -----------------------------------------------------------------------------------------------
def test_several_files_are_attached_at_once_and_the_page_is_shown_again(tree, client_for):
    url = reverse("attachment_add", args=["qms_portal.unit", tree.ward1.pk])
    response = client_for(tree.admin).post(url, {
        "photo": photo_upload("camera.jpg"), "files": [upload("qd.pdf", PDF), photo_upload("scan.jpg")],
        "caption": "Quyết định số 12",
    })
    assert response.status_code == 302
    assert response["Location"] == tree.ward1.get_absolute_url() + "#attachments"
    rows = Attachment.objects.filter(object_id=tree.ward1.pk).order_by("pk")
    assert [r.original_name for r in rows] == ["camera.jpg", "qd.pdf", "scan.jpg"]
    assert {r.caption for r in rows} == {"Quyết định số 12"} and {r.uploaded_by for r in rows} == {tree.admin}
    assert "3 files were attached." in messages_of(response)


def test_one_bad_file_attaches_none_and_says_which(tree, client_for, media):
    url = reverse("attachment_add", args=["qms_portal.unit", tree.ward1.pk])
    response = client_for(tree.admin).post(url, {
        "files": [photo_upload("ok.jpg"), upload("gia.jpg", b"not an image at all")],
    })
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]  # the first file, stored, was removed again
    [message] = messages_of(response)
    assert "Nothing was attached." in message and "“gia.jpg”" in message and "not an image" in message


def test_an_empty_form_says_what_to_do(tree, client_for):
    url = reverse("attachment_add", args=["qms_portal.unit", tree.ward1.pk])
    response = client_for(tree.admin).post(url, {"caption": "x"})
    assert response.status_code == 302
    assert messages_of(response) == ["Choose a file or take a photo to attach."]


def test_too_many_files_at_once_are_refused(tree, client_for, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    url = reverse("attachment_add", args=["qms_portal.unit", tree.ward1.pk])
    response = client_for(tree.admin).post(url, {"files": [photo_upload(), photo_upload(), photo_upload()]})
    assert messages_of(response) == ["At most 2 files can be attached at once."]
    assert not Attachment.objects.exists()


# ---- withdraw ------------------------------------------------------------------------------------------
def test_withdrawing_from_the_page_needs_a_reason(tree, client_for):
    attachment = photo_on(tree, tree.ward1)
    url = reverse("attachment_withdraw", args=[attachment.pk])
    client = client_for(tree.admin)
    client.post(url, {"reason": ""})
    assert not Attachment.objects.get(pk=attachment.pk).is_withdrawn
    response = client.post(url, {"reason": "Trùng ảnh"})
    assert response["Location"] == tree.ward1.get_absolute_url() + "#attachments"
    assert Attachment.objects.get(pk=attachment.pk).withdrawal_reason == "Trùng ảnh"


# ---- the panel on the record's page --------------------------------------------------------------------
def test_the_unit_page_shows_thumbnails_files_and_the_form_to_who_may_add(tree, client_for):
    photo = photo_on(tree, tree.ward1)
    attachment_add(acting_user=tree.superuser, target=tree.ward1, upload=upload("Quyết định.pdf", PDF))
    page = text(client_for(tree.admin).get(tree.ward1.get_absolute_url()))
    assert f'src="{reverse("attachment_thumbnail", args=[photo.pk])}" alt="Biển hiệu"' in page
    assert "Quyết định.pdf" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="caption"' in page
    assert reverse("attachment_withdraw", args=[photo.pk]) in page

    staff_page = text(client_for(tree.ward1_staff).get(tree.ward1.get_absolute_url()))
    assert f'src="{reverse("attachment_thumbnail", args=[photo.pk])}"' in staff_page
    assert 'capture="environment"' not in staff_page
    assert reverse("attachment_withdraw", args=[photo.pk]) not in staff_page


def test_withdrawn_attachments_are_listed_apart_with_who_and_why(tree, client_for):
    photo = photo_on(tree, tree.ward1)
    attachment_withdraw(acting_user=tree.admin, attachment=photo, reason="Ảnh mờ")
    staff_page = text(client_for(tree.ward1_staff).get(tree.ward1.get_absolute_url()))
    assert "1 withdrawn attachment" in staff_page and "Ảnh mờ" in staff_page and str(tree.admin) in staff_page
    assert reverse("attachment_thumbnail", args=[photo.pk]) not in staff_page
    assert reverse("attachment_download", args=[photo.pk]) not in staff_page  # not for them to open
    admin_page = text(client_for(tree.admin).get(tree.ward1.get_absolute_url()))
    assert reverse("attachment_download", args=[photo.pk]) in admin_page


def test_the_panel_costs_the_same_queries_for_one_attachment_as_for_many(tree, client_for):
    client = client_for(tree.admin)
    url = tree.ward1.get_absolute_url()
    photo_on(tree, tree.ward1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        attachment_add(acting_user=factories.make_superuser(f"att-uploader-{n}"), target=tree.ward1,
                       upload=upload(f"f{n}.pdf", PDF))
    photo_on(tree, tree.ward1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
