"""What a reader a document was only distributed to may open (ISO 9001 clause 7.5.3): its effective
revision, never a superseded or withdrawn one, nor a draft. Superseded revisions are for those who
hold ``documents.view_revision`` through a role on the document's unit (controllers, auditors).

An acknowledgement stays after its revision is superseded (the record of who read what), so the
reader of rev. 02 still holds one for rev. 01: it must not open rev. 01 again."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Acknowledgement, Document, Revision
from qms_portal.permissions import can
from tests.documents.factories import (
    draft_of,
    drive_to_effective,
    effective_document,
    legal,
    new_document,
    next_revision,
    small_pdf,
)

pytestmark = pytest.mark.django_db


def received_twice(ds):
    """A document of ds.dept distributed to ds.outsider (staff of another branch), with rev. 01
    (a source file) superseded by the effective rev. 02: the outsider holds an acknowledgement of
    each."""
    document = new_document(ds, title="Quy trình liên thông")
    services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
    first = drive_to_effective(ds, draft_of(document), upload=small_pdf())
    second = next_revision(ds, Document.objects.get(pk=document.pk), upload=small_pdf("lan-2.pdf"))
    first.refresh_from_db()
    assert (first.status, second.status) == (Revision.Status.SUPERSEDED, Revision.Status.EFFECTIVE)
    assert Acknowledgement.objects.filter(user=ds.outsider, revision__in=[first, second]).count() == 2
    return Document.objects.get(pk=document.pk), first, second


def pages_of(revision):
    """Every page of one revision, and its content's history compared on its own page."""
    latest = revision.history.order_by("-history_date", "-history_id").first()
    return {
        "page": revision.get_absolute_url(),
        "pdf": reverse("documents:revision_pdf", args=[revision.pk]),
        "pdf status": reverse("documents:revision_pdf_status", args=[revision.pk]),
        "source": reverse("documents:revision_source", args=[revision.pk]),
        "history": reverse("documents:revision_history", args=[revision.pk]),
        "history compare": reverse("history_compare", kwargs={
            "app_label": "documents", "model": "revision", "pk": revision.pk, "history_id": latest.history_id,
            "field": "content"}),
    }


def test_a_recipient_opens_the_effective_revision_and_none_it_superseded(ds, client_for):
    document, first, second = received_twice(ds)
    client = client_for(ds.outsider)
    assert {name: client.get(url).status_code for name, url in pages_of(second).items()} == {
        "page": 200, "pdf": 200, "pdf status": 200, "source": 200, "history": 200, "history compare": 200}
    assert {name: client.get(url).status_code for name, url in pages_of(first).items()} == {
        name: 404 for name in pages_of(first)}
    compare = reverse("documents:revision_compare", args=[second.pk])
    assert client.get(compare, {"with": first.pk}).status_code == 404
    assert client.get(reverse("documents:revision_compare", args=[first.pk]), {"with": second.pk}).status_code == 404
    assert can(ds.outsider, "view", second) and not can(ds.outsider, "view", first)
    assert list(Revision.objects.restrict(ds.outsider, "view").filter(document=document)) == [second]


def test_without_a_revision_to_compare_with_the_recipient_is_told_so(ds, client_for):
    _document, _first, second = received_twice(ds)
    response = client_for(ds.outsider).get(reverse("documents:revision_compare", args=[second.pk]), follow=True)
    page = response.content.decode()
    assert "no other revision of this document that you may open" in page
    assert "This is the first revision" not in page


def test_a_role_on_the_unit_still_opens_and_compares_the_superseded_revisions(ds, client_for):
    _document, first, second = received_twice(ds)
    client = client_for(ds.reviewer1)  # staff on the owning unit
    assert {name: client.get(url).status_code for name, url in pages_of(first).items()} == {
        "page": 200, "pdf": 200, "pdf status": 200, "source": 200, "history": 200, "history compare": 200}
    compare = client.get(reverse("documents:revision_compare", args=[second.pk]), {"with": first.pk})
    assert compare.status_code == 200 and (compare.context["old"], compare.context["new"]) == (first, second)


def test_the_pages_link_the_recipient_to_the_effective_revision_only(ds, client_for):
    document, first, second = received_twice(ds)
    client = client_for(ds.outsider)
    page = client.get(document.get_absolute_url()).content.decode()
    assert f'href="{second.get_absolute_url()}"' in page
    assert f'href="{reverse("documents:revision_pdf", args=[second.pk])}"' in page
    assert first.get_absolute_url() not in page and reverse("documents:revision_pdf", args=[first.pk]) not in page
    revision_page = client.get(second.get_absolute_url())
    assert list(revision_page.context["other_revisions"]) == []
    assert reverse("documents:revision_compare", args=[second.pk]) not in revision_page.content.decode()
    colleague = client_for(ds.reviewer1).get(second.get_absolute_url()).content.decode()
    assert reverse("documents:revision_compare", args=[second.pk]) in colleague


def test_a_withdrawn_document_shows_its_recipient_no_text_and_no_copy(ds, client_for):
    document = new_document(ds, title="Quy trình sẽ bãi bỏ")
    services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
    revision = drive_to_effective(ds, draft_of(document), content="<p>Văn bản đã bãi bỏ</p>")
    services.revision_transition(acting_user=ds.author, revision=revision, name="withdraw", reason="Hết hiệu lực")
    client = client_for(ds.outsider)
    response = client.get(document.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and "Obsolete" in page  # the document stays listed as withdrawn
    assert "Văn bản đã bãi bỏ" not in page and "This document was withdrawn." in page
    assert reverse("documents:revision_pdf", args=[revision.pk]) not in page
    assert revision.get_absolute_url() not in page
    assert client.get(revision.get_absolute_url()).status_code == 404
    assert "Văn bản đã bãi bỏ" in client_for(ds.reviewer1).get(document.get_absolute_url()).content.decode()


def test_a_recipient_taken_off_the_list_keeps_the_document_but_not_the_next_revision(ds, client_for):
    document = new_document(ds, title="Quy trình đổi danh sách")
    entry = services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
    first = drive_to_effective(ds, draft_of(document), content="<p>Lần một</p>")
    services.distribution_remove(acting_user=ds.author, entry=entry)
    second = next_revision(ds, Document.objects.get(pk=document.pk), content="<p>Lần hai</p>")
    client = client_for(ds.outsider)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Lần hai" not in page and "The effective revision was not distributed to you." in page
    assert second.get_absolute_url() not in page and reverse("documents:revision_pdf", args=[second.pk]) not in page
    assert client.get(second.get_absolute_url()).status_code == 404
    assert client.get(first.get_absolute_url()).status_code == 404


def test_a_recipient_who_proposed_a_change_follows_it_without_a_link_to_the_draft(ds, client_for):
    document, _first, _second = received_twice(ds)
    request = services.change_request_create(acting_user=ds.outsider, document=document, reason="Thêm bước 4")
    services.change_request_transition(acting_user=ds.author, change_request=request, name="accept")
    request.refresh_from_db()
    draft = request.new_revision
    page = client_for(ds.outsider).get(request.get_absolute_url())
    assert page.status_code == 200 and str(draft) in page.content.decode()  # named
    assert draft.get_absolute_url() not in page.content.decode()  # not linked: not theirs to open
    assert client_for(ds.outsider).get(draft.get_absolute_url()).status_code == 404
    assert draft.get_absolute_url() in client_for(ds.author).get(request.get_absolute_url()).content.decode()


def test_a_reader_without_a_role_sees_the_legal_basis_named_not_linked(ds, client_for):
    basis = legal(number="19/2014/QĐ-TTg")
    document = effective_document(ds, legal_refs=[basis])  # distributed to its unit: ds.nobody too
    link = f'href="{basis.get_absolute_url()}"'
    reader = client_for(ds.nobody)  # a member of the unit without any role
    for url in (document.get_absolute_url(), document.current_revision.get_absolute_url()):
        page = reader.get(url).content.decode()
        assert "19/2014/QĐ-TTg" in page and link not in page, url
        assert link in client_for(ds.reviewer1).get(url).content.decode(), url
    assert reader.get(basis.get_absolute_url()).status_code == 403
