"""What the register and a document's page keep in the cache between requests: the register's
content with its filters (per reader and scope, retired when a document, unit, type or clause
changes), acknowledgement coverage (retired when someone acknowledges) and an effective revision's
text, steps and signatures (rendered again when the document changes). Each is checked for the
answer a reader must get, not only for fewer queries. (What retires each piece: also
test_cache_tracking.py.)"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from documents import services
from documents.models import LegalDocument, Revision
from tests.documents.factories import accept_all, approve, effective_document, legal, save_draft, step, submit
from tests.factories import make_superuser, make_unit
from tests.helpers import listed_codes

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REGISTER = reverse("documents:register")


def unit_options(html, client):
    """The units the register's unit filter offers: the page holds no list, its unit picker asks the
    search endpoint, with the scope the page was rendered with (signed for its reader: a page cached
    for someone else would be refused)."""
    from html import unescape

    url = unescape(re.search(r'data-unit-picker="([^"]*)"', html).group(1))
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return {row["value"] for row in response.json()["results"]}


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_each_reader_gets_the_units_of_their_own_scope(ds, client_for):
    author = client_for(ds.author)
    author_page, cold = get(author, REGISTER)
    again, warm = get(author, REGISTER)
    assert unit_options(author_page, author) == unit_options(again, author) == {str(ds.dept.pk), str(ds.office.pk)}
    assert warm < cold  # the page came from the cache
    # Someone with a narrower scope, right after: their own units, never the author's cached list.
    staff = client_for(ds.staff)
    staff_page, _ = get(staff, REGISTER)
    assert unit_options(staff_page, staff) == {str(ds.office.pk)}
    outsider = client_for(ds.outsider)
    outsider_page, _ = get(outsider, REGISTER)
    assert unit_options(outsider_page, outsider) == {str(ds.other.pk)}


def test_a_reader_who_may_see_more_units_is_offered_them_at_once(ds, client_for):
    """The unit filter offers the units the reader may see, which a role can widen without
    changing which documents they may read."""
    from django.contrib.auth.models import Permission

    from qms_portal import services as core
    from tests.factories import make_superuser

    client = client_for(ds.staff)
    assert unit_options(get(client, REGISTER)[0], client) == {str(ds.office.pk)}
    admin = make_superuser("caching-root")
    viewer = core.role_save(acting_user=admin, code="unit_viewer", name="Unit viewer",
                            permissions=[Permission.objects.get(codename="view_unit")])
    core.role_assign(acting_user=admin, user=ds.staff, role=viewer, unit=ds.other, notify_user=False)
    client = client_for(ds.staff)
    assert unit_options(get(client, REGISTER)[0], client) == {str(ds.office.pk), str(ds.other.pk)}


def test_a_chosen_unit_stays_selected(ds, client_for):
    client = client_for(ds.author)
    get(client, REGISTER)
    page, _ = get(client, REGISTER, {"unit": ds.office.pk})
    assert f'value="{escape(str(ds.office))}"' in page  # the chosen unit, in the picker's box
    assert f"&quot;value&quot;: &quot;{ds.office.pk}&quot;" in page
    assert str(ds.dept.pk) in unit_options(page, client)  # and the others are still offered


def test_a_new_unit_is_offered_at_once(ds, client_for):
    client = client_for(ds.author)
    before, _ = get(client, REGISTER)
    assert len(unit_options(before, client)) == 2
    unit = make_unit(ds.dept, f"{ds.prefix}NEW", kind="office", name="Phòng mới")
    after, _ = get(client, REGISTER)
    assert str(unit.pk) in unit_options(after, client)
    chosen, _ = get(client, REGISTER, {"unit": unit.pk})
    assert "Phòng mới" in chosen


def test_the_options_follow_the_language(ds, client_for):
    client = client_for(ds.author)
    english, _ = get(client, REGISTER)
    client.cookies["django_language"] = "vi"
    vietnamese, _ = get(client, REGISTER)
    assert "Context of the organization" in english
    assert "Bối cảnh của tổ chức" in vietnamese and "Context of the organization" not in vietnamese


def test_coverage_counts_an_acknowledgement_given_after_the_page_was_cached(
    ds, client_for, django_capture_on_commit_callbacks
):
    document = effective_document(ds, steps=[step("Tiếp nhận", 3)])
    client = client_for(ds.author)
    client.get(document.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(document.get_absolute_url())
    rows = {r["unit__code"]: (r["done"], r["total"]) for r in response.context["coverage"]}
    assert rows[ds.office.code] == (1, 1)
    # Only the coverage was rendered again: not the procedure, its steps or its lists.
    rendered = {t.name for t in response.templates}
    assert "documents/document_coverage.html" in rendered
    assert not rendered & {"documents/document_facts.html", "documents/document_lists.html",
                           "documents/revision_body.html"}
    read = " ".join(q["sql"] for q in queries)
    for table in ("documents_procedurestep", "documents_changerequest", "documents_periodicreview"):
        assert table not in read


def test_the_revision_text_is_rendered_once_and_again_when_the_document_changes(ds, client_for):
    document = effective_document(ds, legal_time_limit_days=10, steps=[step("Tiếp nhận", 3), step("Giải quyết", 6)])
    client = client_for(ds.reviewer1)
    first, cold = get(client, document.get_absolute_url())
    second, warm = get(client, document.get_absolute_url())
    assert warm < cold  # no steps, no signatures read
    assert "Giải quyết" in second and "longer than the legal time limit" not in second
    assert first.count("Giải quyết") == second.count("Giải quyết")
    services.document_update(acting_user=ds.author, document=document, legal_time_limit_days=5)
    third, _ = get(client, document.get_absolute_url())
    assert "The steps take 9 working days, longer than the legal time limit of 5 working days." in third


# --- The register's table, kept per reader ------------------------------------------------------


def listed(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER, params or {"status": "all"})
    return set(listed_codes(response)), [q["sql"] for q in queries]


def test_a_second_visit_neither_counts_nor_reads_the_documents(ds, client_for):
    document = effective_document(ds)
    client = client_for(ds.author)
    first, cold = listed(client)
    again, warm = listed(client)
    assert first == again and document.code in again
    assert any("COUNT(" in sql for sql in cold)
    assert not any("documents_document" in sql for sql in warm)
    # another page of the same list, another filter: each its own entry
    assert listed(client, {"status": "all", "q": "không có từ này"})[0] == set()


def test_a_new_or_renamed_document_shows_at_once(ds, client_for):
    client = client_for(ds.author)
    before, _ = listed(client)
    document = effective_document(ds, title="Quy trình mới")
    after, _ = listed(client)
    assert document.code not in before and document.code in after
    services.document_update(acting_user=ds.author, document=document, title="Quy trình đã đổi tên")
    assert "Quy trình đã đổi tên" in client.get(REGISTER, {"status": "all"}).content.decode()


def test_work_on_a_draft_keeps_the_register_and_its_publication_shows_at_once(ds, client_for):
    document = effective_document(ds)
    client = client_for(ds.author)
    listed(client)
    draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Cập nhật lần hai")
    save_draft(ds, draft, content="<p>Nội dung mới</p>", reason="Cập nhật lần hai")
    reviewers = submit(ds, draft)  # named reviewers get single-object grants on the draft
    codes, sql = listed(client)
    assert document.code in codes
    assert not any("documents_document" in q for q in sql)  # still the cached register
    accept_all(ds, draft, reviewers)
    approve(ds, draft)
    if Revision.objects.get(pk=draft.pk).status != Revision.Status.EFFECTIVE:
        services.revision_publish(revision=draft)
    row = re.search(rf'<tr data-code="{re.escape(document.code)}".*?</tr>',
                    client.get(REGISTER, {"status": "all"}).content.decode(), re.S).group(0)
    assert ">02<" in row  # rev. 02 is the current one


def test_a_reader_given_a_role_sees_the_documents_of_their_new_scope_at_once(ds, client_for):
    from qms_portal import services as core

    document = effective_document(ds)
    client = client_for(ds.outsider)
    assert listed(client)[0] == set()
    core.role_assign(acting_user=ds.mr, user=ds.outsider, role=ds.roles["staff"], unit=ds.dept, notify_user=False)
    assert document.code in listed(client_for(ds.outsider))[0]


def test_someone_a_document_is_distributed_to_finds_it_in_their_register_at_once(ds, client_for):
    client = client_for(ds.outsider)
    document = effective_document(ds)
    assert listed(client)[0] == set()
    services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
    services.acknowledgements_assign(acting_user=ds.author, revision=document.current_revision)
    assert listed(client_for(ds.outsider))[0] == {document.code}


def test_a_reader_given_the_export_permission_sees_the_master_list_at_once(ds, client_for):
    """The same units as before (their scope for reading is unchanged): only the export
    permission in the page's key can tell the two visits apart."""
    from qms_portal import services as core

    client = client_for(ds.staff)
    assert "Master list (XLSX)" not in client.get(REGISTER).content.decode()
    core.role_assign(acting_user=ds.mr, user=ds.staff, role=ds.roles["internal_auditor"], unit=ds.office,
                     notify_user=False)
    assert "Master list (XLSX)" in client_for(ds.staff).get(REGISTER).content.decode()


class CacheReads:
    """Counts the round trips to the cache (``get``, ``get_many``) while it is on."""

    def __init__(self, monkeypatch):
        from qms_portal import fragments

        self.calls, self.inside = [], False
        for name in ("get", "get_many"):
            original = getattr(fragments.cache, name)
            monkeypatch.setattr(fragments.cache, name, self._counting(name, original))

    def _counting(self, name, original):
        def counted(*args, **kwargs):
            if self.inside:  # the memory cache's ``get_many`` calls ``get`` for each key
                return original(*args, **kwargs)
            self.calls.append(name)
            self.inside = True
            try:
                return original(*args, **kwargs)
            finally:
                self.inside = False

        return counted


def test_a_cached_register_or_document_page_reads_the_cache_once(ds, client_for, monkeypatch):
    """Content, the reader's own pieces and the navigation's unread count (which the view does not
    name: a request piece): one round trip to the cache on a repeat visit."""
    document = effective_document(ds, steps=[step("Tiếp nhận", 3)])
    client = client_for(ds.author)  # whose role on the unit decides without a query
    for url in (REGISTER, document.get_absolute_url()):
        client.get(url)
        reads = CacheReads(monkeypatch)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert reads.calls == ["get_many"], url
        read = " ".join(q["sql"] for q in queries)
        for table in ("documents_procedurestep", "documents_acknowledgement", "documents_changerequest",
                      "documents_clause", "documents_documenttype", "qms_portal_notification"):
            assert table not in read, (url, table)
        monkeypatch.undo()


def test_readers_with_the_same_filters_never_share_a_table(ds, client_for):
    document = effective_document(ds)
    assert document.code in listed(client_for(ds.author))[0]
    assert listed(client_for(ds.outsider))[0] == set()  # another unit, the same address: nothing
    assert document.code in listed(client_for(ds.author))[0]


# --- A document's page ----------------------------------------------------------------------------


def test_the_page_lists_follow_each_change_to_the_document(ds, client_for):
    document = effective_document(ds)
    client = client_for(ds.author)
    url = document.get_absolute_url()
    client.get(url)
    services.change_request_create(acting_user=ds.staff, document=document, reason="Bổ sung biểu mẫu mới")
    assert "Bổ sung biểu mẫu mới" in client.get(url).content.decode()
    draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Cập nhật lần hai")
    page = client.get(url)
    assert page.context["open_revision"] == draft
    assert "Cập nhật lần hai" in page.content.decode()
    services.periodic_review_record(acting_user=ds.author, document=document, outcome="valid", notes="Vẫn phù hợp")
    assert "Vẫn phù hợp" in client.get(url).content.decode()


def test_the_page_body_is_shared_but_each_reader_gets_their_own_actions(ds, client_for):
    document = effective_document(ds, steps=[step("Tiếp nhận hồ sơ", 3)])
    url = document.get_absolute_url()
    author = client_for(ds.author).get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        staff = client_for(ds.staff).get(url).content.decode()
    assert not any("documents_procedurestep" in q["sql"] for q in queries)  # the body came from the cache
    assert "Tiếp nhận hồ sơ" in author and "Tiếp nhận hồ sơ" in staff
    edit = reverse("documents:document_edit", args=[document.pk])
    assert edit in author and edit not in staff
    assert "I have read and understood it" in staff
    assert client_for(ds.staff).post(reverse("documents:document_acknowledge", args=[document.pk])).status_code == 302
    assert "You acknowledged this revision" in client_for(ds.staff).get(url).content.decode()
    assert "You acknowledged this revision" not in client_for(ds.author).get(url).content.decode()


def test_a_reader_the_document_was_only_sent_to_sees_no_link_they_could_not_open(ds, client_for):
    document = effective_document(ds)
    services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
    services.acknowledgements_assign(acting_user=ds.author, revision=document.current_revision)
    request = services.change_request_create(acting_user=ds.staff, document=document, reason="Thêm biểu mẫu")
    draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Cập nhật")
    url = document.get_absolute_url()
    links = [draft.get_absolute_url(), document.current_revision.get_absolute_url(), request.get_absolute_url()]
    colleague = client_for(ds.reviewer1).get(url).content.decode()  # a role on the document's unit
    assert [link for link in links if f'href="{link}"' not in colleague] == []
    outsider = client_for(ds.outsider)
    page = outsider.get(url).content.decode()
    assert "Thêm biểu mẫu" in page and "Cập nhật" in page  # listed
    hidden = [draft.get_absolute_url(), request.get_absolute_url()]
    assert not any(f'href="{link}"' in page for link in hidden)  # not linked
    for link in hidden:  # and indeed not theirs to open
        assert outsider.get(link).status_code == 404
    assert f'href="{document.current_revision.get_absolute_url()}"' in page  # the one to read is
    assert outsider.get(document.current_revision.get_absolute_url()).status_code == 200
    again = client_for(ds.reviewer1).get(url).content.decode()  # after the outsider's visit: still theirs
    assert [link for link in links if f'href="{link}"' not in again] == []


def test_a_repealed_legal_basis_is_marked_at_once(ds, client_for):
    basis = legal()
    document = effective_document(ds, legal_refs=[basis])
    client = client_for(ds.author)
    assert "Repealed" not in client.get(document.get_absolute_url()).content.decode()
    services.legal_document_save(acting_user=make_superuser("factory-root"), legal=basis,
                                 status=LegalDocument.Status.REPEALED)
    assert "Repealed" in client.get(document.get_absolute_url()).content.decode()


def test_my_acknowledgement_changes_the_moment_i_give_it(ds, client_for):
    document = effective_document(ds)
    client = client_for(ds.staff)
    assert "I have read and understood it" in client.get(document.get_absolute_url()).content.decode()
    assert client.post(reverse("documents:document_acknowledge", args=[document.pk])).status_code == 302
    page = client.get(document.get_absolute_url()).content.decode()
    assert "I have read and understood it" not in page and "You acknowledged this revision" in page


@pytest.mark.redis
def test_a_document_pages_lists_round_trip_through_redis(ds):
    """The lists are model rows (some with deferred columns): pickled into Redis and back whole."""
    import os
    import uuid

    from documents import cached
    from qms_portal import fragments
    from qms_portal.cache import PortalRedisCache as RedisCache
    from qms_portal.settings import cache_url
    from tests.helpers import need

    url = os.environ.get("REDIS_URL")
    need(bool(url), "REDIS_URL is not set", "QMS_REQUIRE_REDIS")
    url = os.environ.get("CACHE_URL") or cache_url(url)  # the cache's database, not the broker's
    document = effective_document(ds, legal_refs=[legal()])
    services.change_request_create(acting_user=ds.staff, document=document, reason="Thêm bước kiểm tra")
    lists = fragments.cached_many({"lists": cached.lists_piece(document)})["lists"]
    redis, key = RedisCache(url, {}), f"qms-test-{uuid.uuid4().hex}"
    try:
        redis.set(key, lists, 30)
        back = redis.get(key)
    finally:
        redis.delete(key)
    assert {name: [row.pk for row in rows] for name, rows in back.items()} == \
        {name: [row.pk for row in rows] for name, rows in lists.items()}
    assert back["revisions"][0].label == lists["revisions"][0].label
    assert back["change_requests"][0].requester.full_name == ds.staff.full_name
