"""The register's clause filter: every clause of the catalogue offered after an empty choice, in
the reader's language, and the documents that cite the chosen clause listed."""

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import Clause
from documents.services import document_update
from tests.documents.factories import doc_setup, effective_document

pytestmark = pytest.mark.django_db


def test_the_clause_filter_starts_empty_and_lists_the_documents_citing_the_clause():
    s = doc_setup()
    cited, other = effective_document(s, title="Quy trình kiểm soát tài liệu"), effective_document(s, title="Khác")
    clause = Clause.objects.get(number="7.5")
    document_update(acting_user=s.author, document=cited, clauses=[clause])
    client = Client()
    client.force_login(s.staff)
    page = client.get(reverse("documents:register")).content.decode()
    select = page[page.index('name="clause"'):]
    select = select[:select.index("</select>")]
    assert select.index('<option value=""') < select.index(f'<option value="{clause.pk}">7.5 ')
    assert select.count("<option") == Clause.objects.count() + 1
    listed = client.get(reverse("documents:register") + f"?clause={clause.pk}&status=all").content.decode()
    assert cited.code in listed and other.code not in listed
