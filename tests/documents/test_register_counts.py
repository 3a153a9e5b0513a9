"""The register as an auditor reads it: a category column and filter, the counts by level and by
category of procedure with the total above the list ("3 + 2 + 3 + 1 + 1 = 10"), for the filters
in effect and within the reader's scope, and the list sorted by level then code (the quality
manual, policy and objectives first, the forms last)."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse

from documents import exports
from documents.models import Document
from documents.selectors import REGISTER_ORDER
from tests.documents.factories import effective_document, new_document
from tests.factories import make_superuser
from tests.helpers import listed_codes

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REGISTER = reverse("documents:register")


@pytest.fixture
def doc_set(ds):
    """The department's set (effective unless said), a procedure of its office, and documents of
    another department that the author may not see (only their own staff, ``ds.outsider``)."""
    root = make_superuser()
    return {
        "form": effective_document(ds, type_code="BM", title="Biểu mẫu tiếp nhận"),  # its code sorts first
        "policy": effective_document(ds, type_code="CS", title="Chính sách chất lượng"),
        "manual": effective_document(ds, type_code="STCL", title="Sổ tay chất lượng"),
        "objectives": effective_document(ds, type_code="MT", title="Mục tiêu chất lượng"),
        "mandatory": effective_document(ds, title="Kiểm soát tài liệu", category="mandatory"),
        "mandatory2": effective_document(ds, title="Kiểm soát hồ sơ", category="mandatory"),
        "operational": effective_document(ds, title="Cấp giấy phép xây dựng", category="operational"),
        "support": effective_document(ds, title="Quản lý thiết bị", category="support"),
        "instruction": effective_document(ds, type_code="HD", title="Hướng dẫn tiếp nhận hồ sơ"),
        "pending": new_document(ds, title="Quy trình mới", category="operational"),
        "in_office": new_document(ds, unit=ds.office, title="Quy trình của văn phòng", category="operational"),
        "other1": new_document(ds, unit=ds.other, author=root, category="mandatory"),
        "other2": new_document(ds, unit=ds.other, author=root, category="mandatory"),
        "other3": new_document(ds, unit=ds.other, author=root, type_code="HD"),
    }


def counts_block(response):
    """The counts above the list, as text: ``(["Mandatory procedures: 2", …], "Total: 2 + 1 = 3")``."""
    page = response.content.decode()
    found = re.search(r'data-testid="register-counts">(.*?)</div>', page, re.S)
    if found is None:
        return [], ""
    block = found.group(1)
    items = [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
             for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)]
    total = " ".join(unescape(re.sub(r"<[^>]+>", "", re.search(r"<p[^>]*>(.*?)</p>", block, re.S).group(1))).split())
    return items, total


def test_the_register_filters_by_category(ds, client_for, doc_set):
    d = doc_set
    client = client_for(ds.author)

    def get(**params):
        return set(listed_codes(client.get(REGISTER, {"status": "all", **params})))

    assert get(category="mandatory") == {d["mandatory"].code, d["mandatory2"].code}  # not the other unit's
    assert get(category="operational") == {d["operational"].code, d["pending"].code, d["in_office"].code}
    assert get(category="support", unit=ds.dept.pk) == {d["support"].code}
    assert get(category="operational", unit=ds.office.pk) == {d["in_office"].code}
    assert get(category="anything") == set()  # not a category: refused, nothing listed


def test_each_procedure_shows_its_category_in_the_list(ds, client_for, doc_set):
    page = client_for(ds.author).get(REGISTER, {"level": 2}).content.decode()
    assert "<th class=\"d-none d-md-table-cell\">Category</th>" in page
    row = re.search(rf'<tr data-code="{re.escape(doc_set["support"].code)}".*?</tr>', page, re.S).group(0)
    assert row.count("Support procedure") == 2  # its column, and under its title on a phone


def test_the_counts_by_level_and_category_and_the_total_are_shown_above_the_list(ds, client_for, doc_set):
    client = client_for(ds.author)
    items, total = counts_block(client.get(REGISTER))  # a writer: effective and in preparation
    assert items == ["Level 1 — manual, policy, objectives: 3", "Mandatory procedures: 2",
                     "Operational procedures: 3", "Support procedures: 1", "Level 3 — work instructions: 1",
                     "Level 4 — forms and record templates: 1"]
    assert total == "Total: 3 + 2 + 3 + 1 + 1 + 1 = 11"
    # They follow the filters: all the pages' documents are counted, not the one page.
    assert counts_block(client.get(REGISTER, {"level": 2})) == (
        ["Mandatory procedures: 2", "Operational procedures: 3", "Support procedures: 1"], "Total: 2 + 3 + 1 = 6")
    assert counts_block(client.get(REGISTER, {"level": 2, "status": "effective"}))[1] == "Total: 2 + 1 + 1 = 4"
    assert counts_block(client.get(REGISTER, {"category": "operational", "unit": ds.office.pk})) == (
        ["Operational procedures: 1"], "Total: 1")
    assert counts_block(client.get(REGISTER, {"q": "no such document anywhere"})) == ([], "")


def test_a_reader_counts_only_the_documents_in_their_scope(ds, client_for, doc_set):
    # The author's register is cached first: the outsider's, with the same filters, is their own.
    author = counts_block(client_for(ds.author).get(REGISTER, {"status": "all", "level": 2}))
    outsider = counts_block(client_for(ds.outsider).get(REGISTER, {"status": "all", "level": 2}))
    assert author == (["Mandatory procedures: 2", "Operational procedures: 3", "Support procedures: 1"],
                      "Total: 2 + 3 + 1 = 6")
    assert outsider == (["Mandatory procedures: 2"], "Total: 2")
    assert counts_block(client_for(ds.outsider).get(REGISTER, {"status": "all"}))[1] == "Total: 2 + 1 = 3"
    # A member of the office (staff there) reads what was distributed to the office: the
    # department's effective documents, never the other department's, nor drafts of the department.
    office = counts_block(client_for(ds.staff).get(REGISTER, {"status": "all"}))
    assert office[1] == "Total: 3 + 2 + 2 + 1 + 1 + 1 = 10"  # 9 of the department, 1 of the office itself


def test_the_counts_are_kept_with_the_cached_register_and_follow_a_new_document(ds, client_for, doc_set):
    client = client_for(ds.author)
    assert counts_block(client.get(REGISTER, {"level": 1}))[1] == "Total: 3"
    assert counts_block(client.get(REGISTER, {"level": 1}))[1] == "Total: 3"  # from the cache
    new_document(ds, type_code="MT", title="Mục tiêu chất lượng năm sau")
    assert counts_block(client.get(REGISTER, {"level": 1}))[1] == "Total: 4"


def test_the_register_is_sorted_by_level_then_code(ds, client_for, doc_set):
    client = client_for(ds.author)
    listed = listed_codes(client.get(REGISTER, {"status": "all"}))
    d = doc_set
    assert listed[:3] == sorted(d[k].code for k in ("manual", "policy", "objectives"))  # level 1 first
    assert listed[-2:] == [d["instruction"].code, d["form"].code]  # the form last, though its code sorts first
    expected = Document.objects.restrict(ds.author, "view").order_by(*REGISTER_ORDER).values_list("code", flat=True)
    assert listed == list(expected)
    levels = [Document.objects.get(unit__in=[ds.dept, ds.office], code=code).doc_type.level for code in listed]
    assert levels == sorted(levels)


def test_the_quality_manual_is_on_the_first_page_of_a_long_register(ds, client_for):
    for i in range(26):
        new_document(ds, title=f"Quy trình {i}", category="operational")
    manual = new_document(ds, type_code="STCL", title="Sổ tay chất lượng")  # created last, and its code sorts last
    cache.clear()
    first_page = listed_codes(client_for(ds.author).get(REGISTER))
    assert len(first_page) == 25 and first_page[0] == manual.code


def test_the_master_list_takes_the_registers_category_filter(ds, doc_set):
    params = exports.master_list_params({"category": "mandatory", "page": "2"})
    assert params == {"category": "mandatory"}
    assert ("Category", "Mandatory procedure") in exports.describe_master_list(params, ds.author)
    listed = set(exports.master_list_documents(ds.author, params).values_list("code", flat=True))
    assert listed == {doc_set["mandatory"].code, doc_set["mandatory2"].code}


def test_a_document_keeps_its_types_level_and_follows_a_change_of_the_type(ds, doc_set):
    from documents.models import DocumentType

    manual = doc_set["manual"]
    assert manual.level == manual.doc_type.level == 1
    procedure = doc_set["mandatory"]
    assert procedure.level == 2
    kind = procedure.doc_type
    kind.level = DocumentType.Level.INSTRUCTION
    kind.save()
    assert set(Document.objects.filter(doc_type=kind).values_list("level", flat=True)) == {3}
    procedure.doc_type = manual.doc_type
    procedure.save()
    procedure.refresh_from_db()
    assert procedure.level == 1


@pytest.mark.postgres
def test_on_postgresql_the_registers_pages_are_read_in_order_from_an_index(ds, doc_set):
    from django.db import connection

    from tests.helpers import need

    need(connection.vendor == "postgresql", "the plan is PostgreSQL's", "QMS_REQUIRE_POSTGRES")
    rows = Document.objects.filter(is_withdrawn=False).order_by(*REGISTER_ORDER)[:26]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_level_order" in plan and "Sort" not in plan, plan


@pytest.mark.postgres
def test_on_postgresql_the_counts_of_a_whole_tree_reader_or_of_a_level_are_read_from_an_index_alone(ds, doc_set):
    from django.db import connection

    from documents.selectors import counts
    from tests.helpers import need

    need(connection.vendor == "postgresql", "the plan is PostgreSQL's", "QMS_REQUIRE_POSTGRES")
    effective = Document.objects.filter(is_withdrawn=False, current_revision__isnull=False)
    for documents in (effective, effective.filter(level=2)):
        rows = documents.order_by().values_list("level", "category").annotate(n=Count("pk"))
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            # (A test's few rows have no statistics: only the shape of the plan is checked.)
            for setting in ("seqscan", "bitmapscan", "sort", "incremental_sort", "hashagg"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Only Scan using document_level_counts" in plan, plan
        groups, total = counts(documents)
        assert total == documents.count()
