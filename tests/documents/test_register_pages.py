"""The register is paged by cursor (keyset pages, ``qms_portal.pagination``): in code order, its
filters kept on every page, the cached content keyed by the cursor too."""

import html
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from documents.models import Document
from tests.documents.factories import new_document

pytestmark = pytest.mark.django_db
REGISTER = reverse("documents:register")


def _next(content):
    found = re.search(r'rel="next" href="\?([^"]*)"', content)
    return html.unescape(found.group(1)) if found else None


def test_the_register_pages_by_cursor_in_code_order_with_its_filters_kept(ds, client_for, monkeypatch):
    monkeypatch.setattr("documents.views.register.RegisterView.paginate_by", 2)
    for n in range(5):
        new_document(ds, title=f"Quy trình phân trang {n}")
    client = client_for(ds.author)
    query, codes, queries = "status=active&level=2", [], []
    while query is not None:
        response = client.get(f"{REGISTER}?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        codes += re.findall(r'<tr data-code="([^"]+)"', content)
        queries.append(query)
        query = _next(content)
        assert len(queries) < 20
    expected = list(Document.objects.restrict(ds.author, "view").filter(doc_type__level=2, is_withdrawn=False)
                    .order_by("code", "pk").values_list("code", flat=True))
    assert codes == expected and len(expected) >= 5 and len(queries) == -(-len(expected) // 2)
    for query in queries[1:]:
        params = QueryDict(query)
        assert params["status"] == "active" and params["level"] == "2" and params["cursor"]
    # Another unit's reader, with the author's cursor: none of these documents, only their own register.
    staff_codes = re.findall(r'<tr data-code="([^"]+)"', client_for(ds.outsider).get(
        f"{REGISTER}?{queries[1]}").content.decode())
    assert not set(staff_codes) & set(codes)
