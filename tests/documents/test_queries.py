"""The register and a document's page make the same number of SQL queries whatever the amount of
data (no N+1): each is requested at a small and a large data size and the counts are compared."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.models import Clause, Document
from tests.documents.factories import (
    draft_of,
    drive_to_effective,
    effective_document,
    legal,
    new_document,
    step,
)
from tests.factories import assign, make_unit, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def count(client, url, params=None):
    # The cold path: filter options, coverage and a revision's text come from the cache once read.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries], response


def assert_same(small, large, what):
    (n_small, sql_small, _), (n_large, sql_large, _) = small, large
    assert n_small == n_large, (
        f"{what}: {n_small} queries with little data, {n_large} with more — a query per row?\n"
        + "\n".join(sql for sql in sql_large if sql not in sql_small)
    )


def documents_of(ds, n, start):
    """``n`` documents of varied types, units and states: one in three effective, one withdrawn."""
    made = []
    units = [ds.dept, ds.office]
    types = ["QT", "HD", "BM", "STCL"]
    for i in range(start, start + n):
        kwargs = {"unit": units[i % 2], "type_code": types[i % 4], "title": f"Tài liệu {i} · 文件 {i}"}
        if i % 3 == 0:
            made.append(effective_document(ds, **kwargs))
        else:
            made.append(new_document(ds, **kwargs))
    withdrawn = effective_document(ds, title=f"Đã bãi bỏ {start}")
    services.revision_transition(acting_user=ds.author, revision=withdrawn.current_revision, name="withdraw",
                                 reason="Bãi bỏ")
    return made + [withdrawn]


VIEWS = [
    ("author", {}),  # a writer: effective and in preparation
    ("author", {"status": "all"}),
    ("author", {"level": "2", "unit": "dept"}),
    ("author", {"category": "operational", "status": "all"}),
    ("reviewer1", {}),  # staff: effective only
    ("staff", {"status": "all", "q": "Tài liệu"}),  # a reader of a sub-unit (sees through distribution)
]


def test_the_register_does_not_grow_with_the_documents(ds, client_for):
    def measure():
        results = []
        for who, params in VIEWS:
            params = {k: (ds.dept.pk if v == "dept" else v) for k, v in params.items()}
            results.append(count(client_for(getattr(ds, who)), "/documents/", params))
        return results

    documents_of(ds, 3, 0)
    small = measure()
    documents_of(ds, 27, 3)
    large = measure()
    for (who, params), before, after in zip(VIEWS, small, large, strict=True):
        assert len(after[2].context["object_list"]) > len(before[2].context["object_list"]), (who, params)
        # The counts by level and category above the list: one GROUP BY, whatever the documents.
        assert after[2].context["total"] > before[2].context["total"] > 0, (who, params)
        assert_same(before, after, f"the register as {who} {params}")


def busy_document(ds, n):
    """An effective procedure whose page has ``n`` of everything that is listed: steps (with
    responsible units, roles and forms), clauses, legal references, recipients in many units,
    acknowledgements, change requests."""
    forms = [effective_document(ds, type_code="BM", title=f"Biểu mẫu {i}") for i in range(min(n, 3))]
    units = [make_unit(ds.dept, f"{ds.prefix}U{n}-{i}") for i in range(n)]
    people = []
    for i, unit in enumerate(units):
        person = make_user(f"{ds.prefix}p{n}-{i}".lower(), unit)
        assign(person, ds.roles["staff"], unit)
        people.append(person)
    document = new_document(ds, clauses=Clause.objects.all()[:n], legal_time_limit_days=3)
    for unit in units:
        services.distribution_add(acting_user=ds.author, document=document, unit=unit)
    services.distribution_add(acting_user=ds.author, document=document, unit=ds.dept)
    steps = [step(f"Bước {i}", 1, responsible_unit=units[i], responsible_role=ds.roles["staff"],
                  output_form=forms[i % len(forms)], output=f"Phiếu {i}") for i in range(n)]
    drive_to_effective(ds, draft_of(document), steps=steps, legal_refs=[legal() for _ in range(n)])
    document = Document.objects.get(pk=document.pk)
    for person in people:
        services.revision_acknowledge(acting_user=person, revision=document.current_revision)
        services.change_request_create(acting_user=person, document=document, reason=f"Đề xuất của {person}")
    return document


def test_the_document_and_revision_pages_do_not_grow_with_steps_recipients_and_requests(ds, client_for):
    small_doc, large_doc = busy_document(ds, 2), busy_document(ds, 12)
    for who in ("author", "staff", "reviewer1"):
        client = client_for(getattr(ds, who))
        small = count(client, small_doc.get_absolute_url())
        large = count(client, large_doc.get_absolute_url())
        assert len(large[2].context["steps"]) == 12 and large[2].context["coverage_units"] > 12
        assert_same(small, large, f"the document page as {who}")
    client = client_for(ds.author)
    small = count(client, reverse("documents:revision_detail", args=[small_doc.current_revision_id]))
    large = count(client, reverse("documents:revision_detail", args=[large_doc.current_revision_id]))
    assert len(large[2].context["steps"]) == 12
    assert_same(small, large, "the revision page")
