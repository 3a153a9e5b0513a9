"""Attachments on proposed changes: the official who proposes a change attaches a photo or a scan
of the marked-up page. Who may add: the requester and whoever may decide the proposal, while it is
open; who may withdraw: the one who added it, and the deciders any of them; once decided, the
attachments stay as they were (the decision rested on them)."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from documents import services
from documents.models import ChangeRequest
from qms_portal.attachments import attachment_add, attachment_withdraw, attachments_for, rights
from tests.documents.factories import doc_setup, effective_document
from tests.qms_portal.images import photo_upload, upload

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def s(db):
    return doc_setup()


@pytest.fixture
def proposal(s):
    """A change proposed by a staff member of the office below the owning unit: they see it as its
    requester, not through a role on the document's unit."""
    document = effective_document(s)
    return services.change_request_create(acting_user=s.staff, document=document,
                                          reason="Trang 3: bổ sung bước lấy ý kiến người dân.")


def attach(user, proposal, name="trang-3.jpg"):
    return attachment_add(acting_user=user, target=proposal, upload=photo_upload(name), caption="Trang 3")


def add_url(proposal):
    return reverse("attachment_add", args=["documents.changerequest", proposal.pk])


def test_the_requester_attaches_a_photo_of_the_marked_up_page(s, proposal):
    attachment = attach(s.staff, proposal)
    assert attachment.is_image and attachment.target == proposal
    assert attachment.unit == proposal.document.unit  # the document's unit, copied for SQL scoping
    assert list(attachments_for(proposal)) == [attachment]


def test_whoever_may_decide_adds_too_but_other_readers_do_not(s, proposal):
    for decider in (s.author, s.approver, s.mr):
        assert attach(decider, proposal).uploaded_by == decider
    assert rights(s.reviewer1, proposal).view  # a staff member of the owning unit reads the proposal…
    with pytest.raises(PermissionDenied):
        attach(s.reviewer1, proposal)  # …but it is not theirs to add to


def test_the_pages_answer_403_404_and_302(s, proposal, client_for):
    data = lambda: {"files": photo_upload(), "caption": "Trang 3"}  # noqa: E731
    assert client_for(s.staff).post(add_url(proposal), data()).status_code == 302
    assert client_for(s.reviewer1).post(add_url(proposal), data()).status_code == 403  # sees it, may not add
    assert client_for(s.outsider).post(add_url(proposal), data()).status_code == 404  # another unit's
    assert client_for(s.nobody).post(add_url(proposal), data()).status_code == 403  # no permission anywhere
    assert client_for(s.staff).get(add_url(proposal)).status_code == 405
    [attachment] = attachments_for(proposal)
    download = reverse("attachment_download", args=[attachment.pk])
    assert client_for(s.reviewer1).get(download).status_code == 200
    assert client_for(s.outsider).get(download).status_code == 404
    assert client_for(s.nobody).get(download).status_code == 403


def test_the_requester_withdraws_their_own_and_the_deciders_any(s, proposal):
    mine = attach(s.staff, proposal)
    theirs = attach(s.author, proposal, name="ghi-chu.jpg")
    with pytest.raises(PermissionDenied):
        attachment_withdraw(acting_user=s.staff, attachment=theirs, reason="Không đúng trang")
    attachment_withdraw(acting_user=s.staff, attachment=mine, reason="Ảnh mờ, chụp lại")
    again = attach(s.staff, proposal, name="chup-lai.jpg")
    attachment_withdraw(acting_user=s.approver, attachment=again, reason="Có số điện thoại của người dân")
    assert [a.original_name for a in attachments_for(proposal)] == ["ghi-chu.jpg"]


def test_once_decided_the_attachments_stay_as_they_were(s, proposal, client_for):
    photo = attach(s.staff, proposal)
    services.change_request_transition(acting_user=s.author, change_request=proposal, name="decline",
                                       reason="Đã có trong quy trình tiếp công dân.")
    proposal = ChangeRequest.objects.get(pk=proposal.pk)
    with pytest.raises(ValidationError, match="closed"):
        attach(s.staff, proposal)
    with pytest.raises(ValidationError, match="closed"):
        attachment_withdraw(acting_user=s.author, attachment=photo, reason="x")
    page = unescape(client_for(s.staff).get(proposal.get_absolute_url()).content.decode())
    assert reverse("attachment_thumbnail", args=[photo.pk]) in page
    assert "attachments can no longer be added or withdrawn" in page and 'capture="environment"' not in page
    response = client_for(s.staff).post(add_url(proposal), {"files": photo_upload()})
    assert response.status_code == 302 and len(attachments_for(proposal)) == 1


def test_the_proposal_page_offers_the_camera_to_the_requester(s, proposal, client_for):
    page = unescape(client_for(s.staff).get(proposal.get_absolute_url()).content.decode())
    assert 'capture="environment"' in page and add_url(proposal) in page
    assert ".pdf" in page and ".docx" in page  # a scan or the proposed wording may be attached too
    reader_page = unescape(client_for(s.reviewer1).get(proposal.get_absolute_url()).content.decode())
    assert "Attachments" in reader_page and add_url(proposal) not in reader_page


def test_a_scan_as_pdf_is_accepted_and_an_executable_is_not(s, proposal):
    scan = attachment_add(acting_user=s.staff, target=proposal,
                          upload=upload("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
    assert scan.mime_type == "application/pdf"
    with pytest.raises(ValidationError):
        attachment_add(acting_user=s.staff, target=proposal, upload=upload("virus.exe", b"MZ\x90\x00"))
