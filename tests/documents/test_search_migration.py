"""The migration that writes the documents' search columns folded (search without tone marks):
documents and revisions saved before it are found by a query without marks after it, and going
back restores the earlier form.

The migration is found by the ending of its name, whatever number the integrator gives it."""

import pytest

from documents.models import Document, Revision
from documents.services.content import search_key_of, search_text_of
from qms_portal.search import search_form
from tests.documents.factories import doc_setup, effective_document
from tests.documents.test_numbering_migration import _before, _migrate, _named, executor_of_documents

pytestmark = pytest.mark.django_db(transaction=True)


def test_rows_saved_before_are_written_folded_and_back():
    ds = doc_setup()
    document = effective_document(ds, title="Thủ tục đăng ký hộ tịch", content="<p>Đánh giá nội bộ</p>")
    revision = document.current_revision
    executor = executor_of_documents()
    folded = _named(executor, "documents", "_search_without_marks")
    before = _before(executor, folded)
    latest = executor.loader.graph.leaf_nodes()
    try:
        _migrate([before])
        old_key, old_text = (Document.objects.values_list("search_key", flat=True).get(pk=document.pk),
                             Revision.objects.values_list("search_text", flat=True).get(pk=revision.pk))
        assert old_key == search_form(f"{document.code} Thủ tục đăng ký hộ tịch")
        assert "thủ tục đăng ký hộ tịch đánh giá nội bộ" in old_text and "thu tuc" not in old_text
        _migrate([folded])
        document.refresh_from_db(fields=["search_key"])  # the columns of that migration's time
        revision.refresh_from_db(fields=["search_text"])
        assert document.search_key == search_key_of(document.code, document.title)
        assert revision.search_text == search_text_of(document.code, document.title, revision.content)
        assert "thu tuc dang ky ho tich danh gia noi bo" in revision.search_text
    finally:
        _migrate(latest)
