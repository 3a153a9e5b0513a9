"""The History tab of documents and revisions, as an auditor reads it: clauses and legal basis
added and removed, no internal columns, long texts as "changed" with a page comparing the two
versions, transitions with their states' labels, and reasons in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents import services
from documents.models import Clause, Document, Revision
from qms_portal.history import history_entries
from tests import factories
from tests.documents.factories import (
    document_in,
    draft_of,
    effective_document,
    legal,
    new_document,
    next_revision,
    save_draft,
)
from tests.viewtests import PermissionCases

pytestmark = pytest.mark.django_db


def clause(number):
    return Clause.objects.get(number=number)


def set_changes(entry):
    return {str(c["label"]): (c["added"], c["removed"]) for c in entry["changes"] if c["added"] or c["removed"]}


def labels(entry):
    return {str(c["label"]) for c in entry["changes"]}


def test_clauses_added_and_removed_are_one_entry_with_number_and_title(ds):
    document = new_document(ds, clauses=[clause("4.1"), clause("7.5")])
    created = history_entries(document)[-1]
    assert str(created["kind"]) == "Created"
    assert set_changes(created) == {"ISO 9001 clauses": (["4.1 Understanding the organization and its context",
                                                         "7.5 Documented information"], [])}
    services.document_update(acting_user=ds.author, document=document, title="Quy trình mới",
                             clauses=[clause("7.5"), clause("8.2"), clause("10")])
    last = history_entries(Document.objects.get(pk=document.pk))[0]
    assert last["user"] == ds.author
    added, removed = set_changes(last)["ISO 9001 clauses"]
    assert [a.split(" ")[0] for a in added] == ["8.2", "10"]  # numbers in their order, 8.2 before 10
    assert removed == ["4.1 Understanding the organization and its context"]
    assert "Title" in labels(last)  # the same save: one entry with the field and the set
    assert Document.history.filter(id=document.pk).count() == 2  # created, edited: no record per add/remove


def test_clause_titles_are_in_the_readers_language(ds):
    document = new_document(ds, clauses=[clause("7.5")])
    with translation.override("vi"):
        created = history_entries(document)[-1]
    assert set_changes(created)["ISO 9001 clauses"][0] == ["7.5 Thông tin dạng văn bản"]


def test_the_legal_basis_of_a_revision_is_recorded(ds):
    law, decree = legal(), legal()
    document = new_document(ds)
    draft = save_draft(ds, draft_of(document), legal_refs=[law])
    save_draft(ds, draft, legal_refs=[decree])
    last = history_entries(Revision.objects.get(pk=draft.pk))[0]
    assert set_changes(last)["Legal basis"] == ([str(decree)], [str(law)])


def test_a_new_draft_starts_with_the_legal_basis_of_the_effective_revision(ds):
    law = legal()
    document = effective_document(ds, legal_refs=[law])
    draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Cập nhật")
    created = history_entries(draft)[-1]
    assert set_changes(created)["Legal basis"] == ([str(law)], [])


def test_a_revision_hides_internal_columns_and_shows_its_long_text_as_changed(ds, client_for):
    document = new_document(ds)
    draft = save_draft(ds, draft_of(document), content="<p>Bước 1</p><p>Bước 2</p>", reason="Lần đầu")
    draft = save_draft(ds, draft, content="<p>Bước 1</p><p>Bước 2 đã sửa</p>", reason="Lần đầu")
    entries = history_entries(Revision.objects.get(pk=draft.pk))
    for entry in entries:
        assert not labels(entry) & {"Lock version", "Search text", "Source html", "lock version", "search text"}
    last = entries[0]
    [content] = [c for c in last["changes"] if str(c["label"]) == "Content"]
    assert content["long"] and content["old"] == content["new"] == "" and content["compare_url"]
    page = client_for(ds.author).get(reverse("documents:revision_history", args=[draft.pk])).content.decode()
    assert "&lt;p&gt;" not in page and "<p>Bước 2" not in page  # no raw HTML in the history
    assert "compare the two versions" in page and content["compare_url"] in page
    compare = client_for(ds.author).get(content["compare_url"])
    assert compare.status_code == 200
    assert ("changed", "Bước 2", "Bước 2 đã sửa") in compare.context["rows"]
    assert "<del>Bước 2</del>" in compare.content.decode() and "<ins>Bước 2 đã sửa</ins>" in compare.content.decode()
    assert compare.context["history_url"] == reverse("documents:revision_history", args=[draft.pk])


def test_a_short_reason_for_change_reads_in_place(ds):
    document = new_document(ds)
    draft = save_draft(ds, draft_of(document), reason="Theo Nghị định 30")
    last = history_entries(Revision.objects.get(pk=draft.pk))[0]
    [reason] = [c for c in last["changes"] if str(c["label"]) == "Reason for change"]
    assert not reason["long"] and reason["new"] == "Theo Nghị định 30"


def test_a_document_shows_its_meaningful_register_columns_and_hides_its_search_key(ds):
    document = effective_document(ds)
    shown = set().union(*(labels(e) for e in history_entries(document)))
    assert {"Current revision", "Effective since", "Next review"} <= shown
    assert not {"Search key", "search key"} & shown


def test_transitions_read_with_their_label_and_state_labels(ds):
    document = effective_document(ds)
    entries = history_entries(document.current_revision)
    submitted = next(e for e in entries if "transition" in e and e["transition"].transition == "submit")
    assert str(submitted["kind"]) == "Submit for review"
    assert (str(submitted["from_label"]), str(submitted["to_label"])) == ("Draft", "In review")
    published = next(e for e in entries if "transition" in e and e["transition"].transition == "publish")
    assert (str(published["from_label"]), str(published["to_label"])) == ("Approved", "Effective")


def test_portal_reasons_read_in_the_readers_language(ds):
    with translation.override("en"):  # the actor works in English
        document = effective_document(ds)
        rev1 = document.current_revision
        next_revision(ds, document)
    with translation.override("vi"):
        superseded = next(e for e in history_entries(rev1) if "transition" in e
                          and e["transition"].transition == "supersede")
        assert superseded["reason"] == "Được thay thế bằng lần ban hành 02"
        became = [e["reason"] for e in history_entries(Document.objects.get(pk=document.pk)) if e["reason"]]
        assert "Lần ban hành 02 bắt đầu có hiệu lực" in became
    with translation.override("en"):
        became = [e["reason"] for e in history_entries(Document.objects.get(pk=document.pk)) if e["reason"]]
        assert "Revision 02 became effective" in became


def test_a_periodic_review_reason_reads_in_the_readers_language(ds):
    document = effective_document(ds)
    services.periodic_review_record(acting_user=ds.author, document=document, outcome="valid")
    with translation.override("vi"):
        assert history_entries(Document.objects.get(pk=document.pk))[0]["reason"] == "Rà soát định kỳ: vẫn phù hợp"


def test_the_compare_page_refuses_hidden_fields_other_objects_and_untracked_models(ds, client_for):
    document = new_document(ds)
    draft = save_draft(ds, draft_of(document), content="<p>Một</p>")
    record = Revision.history.filter(id=draft.pk).order_by("-history_date", "-history_id").first()
    client = client_for(ds.author)

    def url(app_label="documents", model="revision", pk=draft.pk, history_id=record.history_id, field="content"):
        return reverse("history_compare", kwargs={"app_label": app_label, "model": model, "pk": pk,
                                                  "history_id": history_id, "field": field})

    assert client.get(url()).status_code == 200
    assert client.get(url(field="search_text")).status_code == 404  # internal: never shown
    assert client.get(url(field="lock_version")).status_code == 404
    assert client.get(url(field="nothing")).status_code == 404
    other = new_document(ds)
    assert client.get(url(pk=draft_of(other).pk)).status_code == 404  # a record of another object
    assert client.get(url(model="clause", pk=clause("7.5").pk)).status_code == 404  # not history-tracked
    assert client.get(url(app_label="auth", model="permission", pk=1)).status_code == 404
    assert client.get(url(app_label="nope", model="nothing")).status_code == 404


def test_the_compare_page_of_a_set_lists_its_members(ds, client_for):
    document = new_document(ds, clauses=[clause("4.1")])
    services.document_update(acting_user=ds.author, document=document, clauses=[clause("7.5")])
    record = Document.history.filter(id=document.pk).order_by("-history_date", "-history_id").first()
    response = client_for(ds.author).get(reverse("history_compare", kwargs={
        "app_label": "documents", "model": "document", "pk": document.pk, "history_id": record.history_id,
        "field": "clauses"}))
    assert response.status_code == 200
    assert ("changed", "4.1 Understanding the organization and its context", "7.5 Documented information") in (
        response.context["rows"])


class TestHistoryCompareAccess(PermissionCases):
    """Checked as the revision's own page: 403 held nowhere, 404 out of scope."""

    url_name = "history_compare"
    role = "staff"

    def make_object(self, tree, unit):
        boss = factories.make_superuser()
        document = document_in(unit, author=boss, reviewer=factories.make_superuser(),
                               approver=factories.make_superuser())
        return document.current_revision

    def url_kwargs(self, obj):
        record = obj.history.order_by("-history_date", "-history_id").first()
        return {"app_label": "documents", "model": "revision", "pk": obj.pk, "history_id": record.history_id,
                "field": "content"}





def test_a_reviewers_acceptance_with_a_comment_is_one_entry(ds):
    document = new_document(ds)
    draft = save_draft(ds, draft_of(document))
    services.revision_set_reviewers(acting_user=ds.author, revision=draft, reviewers=[ds.reviewer1])
    services.revision_transition(acting_user=ds.author, revision=draft, name="submit")
    services.revision_transition(acting_user=ds.reviewer1, revision=draft, name="accept", reason="Đồng ý.",
                                 password=factories.PASSWORD)
    entries = history_entries(Revision.objects.get(pk=draft.pk))
    with_comment = [e for e in entries if e["reason"] == "Đồng ý."]
    assert len(with_comment) == 1 and str(with_comment[0]["kind"]) == "Accept (reviewed)"
