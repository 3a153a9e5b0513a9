"""The documents pages: the register and its filters and search, a document's page, the draft
editor, comparison, exports and controlled copies, acknowledging, My work, and who may open what."""

import re
import shutil
import subprocess
import unicodedata

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Clause, ControlledCopy, Document, Revision
from tests.documents.factories import (
    EXE,
    accept_all,
    draft_of,
    effective_document,
    new_document,
    next_revision,
    save_draft,
    step,
    submit,
)
from tests.factories import PASSWORD
from tests.helpers import listed_codes, need

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def codes(response):
    return set(listed_codes(response))


def needs_pdf():
    from qms_portal.pdf import weasyprint_problem

    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")


def pdf_text(data):
    need(shutil.which("pdftotext"), "pdftotext is not installed", "QMS_REQUIRE_BROWSER")
    # -raw keeps the rotated watermark, which the layout mode leaves out
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603,S607
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())  # lines wrap anywhere


# --- The register -------------------------------------------------------------------------------


@pytest.fixture
def register_set(ds):
    effective = effective_document(ds, title="Quy trình hiệu lực")
    pending = new_document(ds, title="Quy trình đang soạn")
    withdrawn = effective_document(ds, title="Quy trình đã bãi bỏ")
    services.revision_transition(acting_user=ds.author, revision=withdrawn.current_revision, name="withdraw",
                                 reason="Bãi bỏ")
    return effective, pending, withdrawn


class TestRegister:
    def test_staff_see_effective_documents_by_default(self, ds, client_for, register_set):
        effective, pending, withdrawn = register_set
        client = client_for(ds.reviewer1)  # staff of the owning unit
        assert codes(client.get("/documents/")) == {effective.code}
        assert codes(client.get("/documents/", {"status": "all"})) == {effective.code, pending.code, withdrawn.code}
        assert codes(client.get("/documents/", {"status": "obsolete"})) == {withdrawn.code}
        assert codes(client.get("/documents/", {"status": "pending"})) == {pending.code}

    def test_a_writer_also_sees_documents_in_preparation_but_not_obsolete_ones(self, ds, client_for, register_set):
        effective, pending, withdrawn = register_set
        response = client_for(ds.author).get("/documents/")
        assert codes(response) == {effective.code, pending.code}
        page = response.content.decode()
        assert "Quy trình đang soạn" in page and "Quy trình đã bãi bỏ" not in page

    def test_filters_by_level_type_unit_and_clause(self, ds, client_for):
        procedure = new_document(ds, clauses=[Clause.objects.get(number="7.5")])
        instruction = new_document(ds, type_code="HD")
        form = new_document(ds, type_code="BM")
        in_office = new_document(ds, unit=ds.office)
        client = client_for(ds.author)

        def get(**params):
            return codes(client.get("/documents/", {"status": "all", **params}))

        assert get(level=3) == {instruction.code}
        assert get(level=2) == {procedure.code, in_office.code}
        assert get(doc_type=form.doc_type_id) == {form.code}
        assert get(unit=ds.office.pk) == {in_office.code}
        assert get(unit=ds.dept.pk) == {procedure.code, instruction.code, form.code, in_office.code}  # sub-units
        assert get(clause=Clause.objects.get(number="7.5").pk) == {procedure.code}

    def test_someone_else_in_another_unit_sees_none_of_it(self, ds, client_for, register_set):
        assert codes(client_for(ds.outsider).get("/documents/", {"status": "all"})) == set()


def test_search_finds_vietnamese_and_chinese_substrings_in_titles_content_and_codes(ds, client_for):
    library = {
        "vi-title": effective_document(ds, title="Quy trình kiểm soát tài liệu", content="<p>Nội dung chung</p>"),
        "vi-content": effective_document(ds, title="Quy trình tiếp nhận hồ sơ",
                                         content="<p>Việc kiểm soát hồ sơ đầu vào</p>"),
        "zh-title": effective_document(ds, title="文件控制程序", content="<p>总则</p>"),
        "zh-content": effective_document(ds, title="Procedure four", content="<p>本程序规定了文件控制的要求</p>"),
        "other": effective_document(ds, title="Quy trình đánh giá nội bộ", content="<p>内部审核</p>"),
    }
    client = client_for(ds.reviewer1)

    def search(text):
        return {key for key, d in library.items() if d.code in codes(client.get("/documents/", {"q": text}))}

    assert search("kiểm soát") == {"vi-title", "vi-content"}
    assert search("文件控制") == {"zh-title", "zh-content"}
    # typed with combining accents (a Vietnamese keyboard in "Unicode tổ hợp" mode): the same result
    decomposed = unicodedata.normalize("NFD", "kiểm soát")
    assert decomposed != "kiểm soát"
    assert search(decomposed) == {"vi-title", "vi-content"}
    assert search(library["other"].code[-5:]) == {"other"}
    assert search("  ") == set(library)  # an empty query filters nothing
    # the content of a draft in preparation is not what staff search
    draft = services.revision_create_draft(acting_user=ds.author, document=library["other"], reason="Sửa")
    save_draft(ds, draft, content="<p>bí mật chưa ban hành</p>", reason="Sửa")
    assert search("bí mật") == set()


def test_on_postgresql_the_search_is_served_by_trigram_indexes(ds, client_for):
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from documents.filters import DocumentFilter

    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'documents_%%_trgm'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"documents_doc_key_trgm", "documents_rev_current_trgm"}
    assert all("gin_trgm_ops" in definition for definition in indexes.values())
    # Only current revisions are searched, so only they are indexed.
    assert "WHERE" in indexes["documents_rev_current_trgm"]
    effective_document(ds, title="Quy trình kiểm soát tài liệu", content="<p>Văn bản về 文件控制</p>")
    request = RequestFactory().get("/documents/", {"q": "文件控制", "status": "all"})
    request.user = ds.reviewer1
    with CaptureQueriesContext(connection) as queries:
        assert list(DocumentFilter(request.GET, queryset=Document.objects.restrict(ds.reviewer1, "view"),
                                   request=request).qs)
    # The long texts are matched first, through their index, by the query the register writes; the
    # short code-and-title key is checked on the rows the unit scope leaves.
    text_query = next(q["sql"] for q in queries if 'FROM "documents_revision"' in q["sql"] and "LIKE" in q["sql"])
    # With so few rows PostgreSQL would rather scan; forbid that to see that the index can serve
    # the very expression the register writes.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + text_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on documents_rev_current_trgm" in plan, plan


def test_a_broad_search_on_postgresql_finds_the_same_documents_through_a_subquery(ds, client_for, monkeypatch):
    from django.db import connection

    from documents import filters

    if connection.vendor != "postgresql":
        pytest.skip("the id list and the subquery are the PostgreSQL path")
    wanted = {effective_document(ds, title=f"Quy trình {n}", content=f"<p>Hồ sơ lưu trữ số {n}</p>").pk
              for n in range(3)}
    effective_document(ds, title="Quy trình khác", content="<p>Không liên quan</p>")
    client = client_for(ds.reviewer1)

    def found():
        cache.clear()  # the SQL is under test, not the cached table
        response = client.get(reverse("documents:register"), {"q": "lưu trữ", "status": "all"})
        # The register pages by cursor (a list of the page's rows) and counts what it lists above it.
        return {d.pk for d in response.context["object_list"]}, response.context["total"]

    assert found() == (wanted, 3)  # three matches: passed as a list of ids
    monkeypatch.setattr(filters, "SEARCH_IDS_INLINE", 2)
    assert found() == (wanted, 3)  # more than the list takes: the same answer through a subquery


def test_search_ignores_case_in_vietnamese_on_every_database(ds, client_for):
    shouting = effective_document(ds, title="QUY TRÌNH KIỂM SOÁT HỒ SƠ", content="<p>ĐÁNH GIÁ NỘI BỘ</p>")
    client = client_for(ds.reviewer1)
    for query in ("kiểm soát hồ sơ", "Đánh giá nội bộ", "KIỂM SOÁT"):
        assert shouting.code in codes(client.get("/documents/", {"q": query})), query


# --- A document's page --------------------------------------------------------------------------


class TestDocumentPage:
    def test_it_shows_the_steps_total_the_over_limit_warning_and_the_flow(self, ds, client_for):
        document = effective_document(ds, legal_time_limit_days=5, steps=[
            step("Tiếp nhận hồ sơ", 3, responsible_unit=ds.office), step("Thẩm định", 2),
            step("Ký duyệt", 16, "hours", responsible_position="Giám đốc Sở"),
        ])
        response = client_for(ds.reviewer1).get(document.get_absolute_url())
        assert response.status_code == 200
        ctx = response.context
        assert (ctx["total_days"], ctx["total_hours"], ctx["over_limit"], ctx["legal_limit"]) == (5, 16, True, 5)
        page = response.content.decode()
        assert "5 working days, 16 working hours" in page
        # the warning names both totals; the limit is among the document's facts
        assert ("The steps take 5 working days, 16 working hours, longer than the legal time limit of "
                "5 working days.") in page
        assert re.search(r"Legal time limit</dt>\s*<dd[^>]*>5 working days</dd>", page)
        assert "<svg" in page and "Thẩm định" in ctx["flow"] and "Giám đốc Sở" in ctx["flow"]

    def test_a_total_in_days_alone_says_nothing_of_hours(self, ds, client_for):
        document = effective_document(ds, steps=[step("Tiếp nhận", 3), step("Giải quyết", 6)])
        page = client_for(ds.reviewer1).get(document.get_absolute_url()).content.decode()
        assert "9 working days" in page and "working hours" not in page

    def test_step_text_is_escaped_in_the_table_and_the_flow(self, ds, client_for):
        evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        document = effective_document(ds, steps=[step(evil, 1, responsible_position=evil, output=evil)])
        response = client_for(ds.reviewer1).get(document.get_absolute_url())
        page, flow = response.content.decode(), response.context["flow"]
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in flow and "<script" not in flow and "<img" not in flow

    def test_no_warning_within_the_legal_time_limit(self, ds, client_for):
        document = effective_document(ds, legal_time_limit_days=10, steps=[step("Tiếp nhận", 3), step("Giải quyết", 6)])
        response = client_for(ds.reviewer1).get(document.get_absolute_url())
        assert bool(response.context["over_limit"]) is False
        assert "legal time limit" not in response.content.decode()

    def test_it_shows_coverage_per_unit(self, ds, client_for):
        document = effective_document(ds)
        services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)
        response = client_for(ds.author).get(document.get_absolute_url())
        rows = {r["unit__code"]: (r["done"], r["total"]) for r in response.context["coverage"]}
        assert rows == {ds.dept.code: (0, 6), ds.office.code: (1, 1)}
        assert "Read and acknowledged" in response.content.decode()
        # a summary, and the units furthest behind first
        assert (response.context["coverage_done"], response.context["coverage_total"]) == (1, 7)
        assert [r["unit__code"] for r in response.context["coverage"]] == [ds.dept.code, ds.office.code]

    def test_a_long_coverage_list_shows_the_units_furthest_behind_and_a_link_to_all(self, ds, client_for,
                                                                                     monkeypatch):
        monkeypatch.setattr("documents.views.register.COVERAGE_ROWS", 1)
        document = effective_document(ds)
        services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)
        client = client_for(ds.author)
        short = client.get(document.get_absolute_url())
        assert [r["unit__code"] for r in short.context["coverage"]] == [ds.dept.code]
        assert 'href="?coverage=all#coverage"' in short.content.decode()
        full = client.get(document.get_absolute_url(), {"coverage": "all"})
        assert len(full.context["coverage"]) == 2 and 'href="?coverage=all#coverage"' not in full.content.decode()

    def test_the_acknowledge_button(self, ds, client_for):
        document = effective_document(ds)
        client = client_for(ds.staff)
        page = client.get(document.get_absolute_url()).content.decode()
        form = f'action="{reverse("documents:document_acknowledge", args=[document.pk])}"'
        # Above the text, and again at its end (after the steps and signatures, before the coverage).
        assert page.count(form) == 2
        assert page.index("Signatures") < page.rindex(form) < page.index("Read and acknowledged")
        response = client.post(reverse("documents:document_acknowledge", args=[document.pk]), follow=True)
        assert response.redirect_chain[-1][0] == document.get_absolute_url()
        page = response.content.decode()
        assert "Your acknowledgement was recorded" in page
        assert response.context["my_acknowledgement"].acknowledged_at is not None
        assert "You acknowledged this revision" in page and "I have read and understood it" not in page

    def test_acknowledging_what_was_not_distributed_to_you_says_so(self, ds, client_for):
        document = new_document(ds)
        services.distribution_add(acting_user=ds.author, document=document, person=ds.reviewer1)
        from tests.documents.factories import drive_to_effective

        revision = drive_to_effective(ds, draft_of(document))
        client = client_for(ds.approver)  # the department head sees it, but it was not sent to them
        page = client.get(document.get_absolute_url()).content.decode()
        assert "I have read and understood it" not in page
        response = client.post(reverse("documents:document_acknowledge", args=[document.pk]), follow=True)
        assert "This revision was not distributed to you." in response.content.decode()
        assert list(revision.acknowledgements.values_list("user", flat=True)) == [ds.reviewer1.pk]


# --- The draft editor ---------------------------------------------------------------------------


def edit_data(revision, *, lock_version, content="<p>Nội dung</p>", reason="", steps=(), **extra):
    data = {"lock_version": lock_version, "content": content, "reason": reason, "effective_date": "",
            "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(steps):
        for key, value in row.items():
            data[f"steps-{index}-{key}"] = value
    return data | extra


class TestDraftEditor:
    def test_a_save_goes_through_and_redirects(self, ds, client_for):
        draft = draft_of(new_document(ds))
        url = reverse("documents:revision_edit", args=[draft.pk])
        response = client_for(ds.author).post(url, edit_data(draft, lock_version=0, content="<p>Mới</p>", steps=[
            {"title": "Tiếp nhận", "time_limit": "1", "time_unit": "days"}]))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.content, draft.lock_version, draft.steps.count()) == ("<p>Mới</p>", 1, 1)

    def test_a_conflict_keeps_what_was_typed_and_explains(self, ds, client_for):
        draft = draft_of(new_document(ds))
        url = reverse("documents:revision_edit", args=[draft.pk])
        client = client_for(ds.author)
        opened = client.get(url).context["form"].initial["lock_version"]
        save_draft(ds, draft, content="<p>Bản của đồng nghiệp</p>", author=ds.approver)  # meanwhile
        response = client.post(url, edit_data(draft, lock_version=opened, content="<p>Văn bản tôi đã gõ</p>",
                                              steps=[{"title": "Bước tôi thêm", "time_limit": "2",
                                                      "time_unit": "days"}]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone else saved this draft while you were editing" in page
        assert "&lt;p&gt;Văn bản tôi đã gõ&lt;/p&gt;" in page  # in the textarea, as typed
        assert 'value="Bước tôi thêm"' in page
        assert "Bản của đồng nghiệp" in page  # the other person's version, to compare
        assert response.context["form"]["lock_version"].value() == 1
        draft.refresh_from_db()
        assert (draft.content, draft.lock_version) == ("<p>Bản của đồng nghiệp</p>", 1)
        # saving again from the page (now on the new version) goes through
        response = client.post(url, edit_data(draft, lock_version=1, content="<p>Văn bản tôi đã gõ</p>"))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.content == "<p>Văn bản tôi đã gõ</p>"

    def test_a_negative_time_limit_shows_the_field_error_and_keeps_the_other_rows(self, ds, client_for):
        draft = save_draft(ds, draft_of(new_document(ds)), steps=[step("Cũ", 1)])
        url = reverse("documents:revision_edit", args=[draft.pk])
        response = client_for(ds.author).post(url, edit_data(draft, lock_version=draft.lock_version, steps=[
            {"title": "Tiếp nhận hồ sơ", "time_limit": "1", "time_unit": "days"},
            {"title": "Thẩm định", "time_limit": "-2", "time_unit": "days"},
        ]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "A time limit cannot be negative." in page
        assert 'value="Tiếp nhận hồ sơ"' in page and 'value="Thẩm định"' in page
        assert response.context["steps"].errors[1] == {"time_limit": ["A time limit cannot be negative."]}
        assert list(Revision.objects.get(pk=draft.pk).steps.values_list("title", flat=True)) == ["Cũ"]

    def test_every_mistake_is_shown_at_once(self, ds, client_for):
        document = effective_document(ds)
        draft = services.revision_create_draft(acting_user=ds.author, document=document)
        url = reverse("documents:revision_edit", args=[draft.pk])
        response = client_for(ds.author).post(url, edit_data(draft, lock_version=0, reason="", steps=[
            {"title": "Thẩm định", "time_limit": "-1", "time_unit": "days"}]))
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]  # required from the second revision on
        assert response.context["steps"].errors[0]["time_limit"]

    @pytest.mark.parametrize("name, data, message", [
        ("quy-trinh.docx", EXE, "not a valid DOCX"),
        ("setup.exe", EXE, "are not accepted"),
    ])
    def test_a_bad_upload_shows_the_message_and_saves_nothing(self, ds, client_for, name, data, message):
        draft = draft_of(new_document(ds))
        url = reverse("documents:revision_edit", args=[draft.pk])
        response = client_for(ds.author).post(url, edit_data(
            draft, lock_version=0, content="<p>Mới</p>", source=SimpleUploadedFile(name, data)))
        assert response.status_code == 200
        assert message in response.content.decode()
        draft.refresh_from_db()
        assert (draft.content, draft.lock_version, bool(draft.source_file)) == ("", 0, False)

    def test_an_oversized_upload_shows_the_limit(self, ds, client_for, settings):
        settings.UPLOAD_MAX_BYTES = 100
        draft = draft_of(new_document(ds))
        response = client_for(ds.author).post(reverse("documents:revision_edit", args=[draft.pk]), edit_data(
            draft, lock_version=0, source=SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"x" * 500)))
        assert "The file is too large" in response.content.decode()
        assert Revision.objects.get(pk=draft.pk).lock_version == 0

    def test_an_effective_revision_has_no_editor(self, ds, client_for):
        document = effective_document(ds)
        url = reverse("documents:revision_edit", args=[document.current_revision_id])
        client = client_for(ds.author)
        assert client.get(url).status_code == 404
        assert client.post(url, edit_data(None, lock_version=1, content="<p>x</p>")).status_code == 404


# --- Signing through the pages ------------------------------------------------------------------


def test_approval_through_the_page_asks_for_the_password(ds, client_for):
    revision = save_draft(ds, draft_of(new_document(ds)), effective_date=None)
    services.revision_save_draft(acting_user=ds.author, revision=revision, lock_version=revision.lock_version,
                                 content="<p>x</p>", effective_date="2030-01-01")
    submit(ds, revision)
    accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
    url = reverse("documents:revision_transition", args=[revision.pk, "approve"])
    client = client_for(ds.approver)
    page = client.get(url).content.decode()
    assert "You are signing as" in page and ds.approver.full_name in page
    response = client.post(url, {"password": "wrong-password-1"})
    assert response.status_code == 200
    assert "The password is not correct" in response.content.decode()
    assert Revision.objects.get(pk=revision.pk).status == "in_review"
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert Revision.objects.get(pk=revision.pk).status == "approved"
    detail = client.get(revision.get_absolute_url()).content.decode()
    assert ds.approver.full_name in detail and ds.reviewer1.full_name in detail


# --- Comparison ---------------------------------------------------------------------------------


def test_the_compare_page_shows_removed_and_added_lines_of_text_and_steps(ds, client_for):
    document = effective_document(ds, content="<p>Dòng A</p><p>Dòng B</p><p>Dòng C</p>",
                                  steps=[step("Tiếp nhận", 1), step("Thẩm định", 3)])
    rev1 = document.current_revision
    rev2 = next_revision(ds, document, content="<p>Dòng A</p><p>Dòng C</p><p>Dòng D</p>",
                         steps=[step("Tiếp nhận", 1), step("Thẩm định", 3), step("Trả kết quả", 1)])
    client = client_for(ds.reviewer1)
    response = client.get(reverse("documents:revision_compare", args=[rev2.pk]))
    assert response.status_code == 200
    assert (response.context["old"], response.context["new"]) == (rev1, rev2)
    text = response.context["text_diff"]
    assert ("removed", "Dòng B", "") in text and ("added", "", "Dòng D") in text
    assert ("equal", "Dòng A", "Dòng A") in text
    kinds = [kind for kind, _old, _new in response.context["step_diff"]]
    assert kinds == ["equal", "equal", "added"]
    assert "Trả kết quả" in response.context["step_diff"][2][2]
    page = response.content.decode()
    assert "<del>Dòng B</del>" in page and "<ins>Dòng D</ins>" in page
    # the older one asked from the newer page, or the other way round, gives the same order
    again = client.get(reverse("documents:revision_compare", args=[rev1.pk]), {"with": rev2.pk})
    assert (again.context["old"], again.context["new"]) == (rev1, rev2)


def test_a_long_text_folds_its_unchanged_lines_around_the_changes_and_shows_them_all_on_request(ds, client_for):
    paragraphs = [f"Đoạn {n:02d}" for n in range(1, 41)]
    document = effective_document(ds, content="".join(f"<p>{p}</p>" for p in paragraphs))
    changed = list(paragraphs)
    changed[19] = "Đoạn 20 đã sửa"
    rev2 = next_revision(ds, document, content="".join(f"<p>{p}</p>" for p in changed))
    client = client_for(ds.reviewer1)
    response = client.get(reverse("documents:revision_compare", args=[rev2.pk]))
    rows = response.context["text_diff"]
    # 19 unchanged lines above the change: 16 folded, 3 shown; the same below (20 lines: 17 folded).
    assert rows == [
        ("skip", 16, ""), *[("equal", p, p) for p in paragraphs[16:19]],
        ("changed", "Đoạn 20", "Đoạn 20 đã sửa"),
        *[("equal", p, p) for p in paragraphs[20:23]], ("skip", 17, ""),
    ]
    page = response.content.decode()
    assert "16 unchanged lines" in page and "17 unchanged lines" in page
    assert "Đoạn 01" not in page and "<ins>Đoạn 20 đã sửa</ins>" in page
    assert f"?with={document.current_revision_id}&amp;full=1" in page
    full = client.get(reverse("documents:revision_compare", args=[rev2.pk]),
                      {"with": document.current_revision_id, "full": "1"})
    assert len(full.context["text_diff"]) == 40 and "Đoạn 01" in full.content.decode()
    assert "Show the changes only" in full.content.decode()


def test_an_unchanged_text_says_so_in_one_folded_row(ds, client_for):
    document = effective_document(ds, content="<p>Một</p><p>Hai</p><p>Ba</p><p>Bốn</p><p>Năm</p>",
                                  steps=[step("Tiếp nhận", 1)])
    rev2 = next_revision(ds, document, content="<p>Một</p><p>Hai</p><p>Ba</p><p>Bốn</p><p>Năm</p>",
                         steps=[step("Tiếp nhận", 2)])
    response = client_for(ds.reviewer1).get(reverse("documents:revision_compare", args=[rev2.pk]))
    assert response.context["text_diff"] == [("skip", 5, "")]
    assert "The text did not change." in response.content.decode()
    assert [kind for kind, _a, _b in response.context["step_diff"]] == ["changed"]


def test_comparing_the_first_revision_says_there_is_nothing_to_compare(ds, client_for):
    document = effective_document(ds)
    response = client_for(ds.reviewer1).get(reverse("documents:revision_compare", args=[document.current_revision_id]),
                                            follow=True)
    assert "nothing to compare" in response.content.decode()


# --- Master list: tests/documents/test_master_list.py ------------------------------------------


# --- Controlled copies --------------------------------------------------------------------------


def test_a_draft_pdf_carries_the_draft_watermark(ds, client_for):
    needs_pdf()
    draft = save_draft(ds, draft_of(new_document(ds, title="Quy trình kiểm soát tài liệu")),
                       steps=[step("Tiếp nhận", 1)])
    response = client_for(ds.author).get(reverse("documents:revision_pdf", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DRAFT" in text and "Uncontrolled when printed" in text
    assert not ControlledCopy.objects.exists()  # drafts are not stored


def test_an_effective_revision_is_rendered_once_and_then_served_from_storage(
        ds, client_for, monkeypatch, django_capture_on_commit_callbacks):
    needs_pdf()
    import documents.pdf

    real, calls = documents.pdf.render_pdf, []

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(documents.pdf, "render_pdf", counting)
    document = effective_document(ds, title="Quy trình kiểm soát tài liệu · 文件控制程序",
                                  steps=[step("Tiếp nhận hồ sơ", 1)])
    revision = document.current_revision
    url = reverse("documents:revision_pdf", args=[revision.pk])
    client = client_for(ds.staff)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 200 and "Preparing the controlled copy" in first.content.decode()
    assert calls.count("pdf/controlled_copy.html") == 1
    copy = ControlledCopy.objects.get(revision=revision)
    assert (copy.state, copy.progress, copy.revision_status) == ("ready", 100, "effective")

    with django_capture_on_commit_callbacks(execute=True):
        second = client.get(url)
        third = client_for(ds.reviewer1).get(url)
    assert calls.count("pdf/controlled_copy.html") == 1  # served from storage, not rendered again
    assert second["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(second.streaming_content))
    assert "Quy trình kiểm soát tài liệu" in text and "文件控制程序" in text
    assert "DRAFT" not in text and "Uncontrolled when printed" in text
    # every download carries who printed it and when, on every page
    def printed_by(name):
        return re.compile(rf"Printed [^\n]* by {re.escape(name)} — uncontrolled when printed")

    assert printed_by(ds.staff.full_name).search(text) and not printed_by(ds.reviewer1.full_name).search(text)
    other = pdf_text(b"".join(third.streaming_content))
    assert printed_by(ds.reviewer1.full_name).search(other) and not printed_by(ds.staff.full_name).search(other)
    pages = [p for p in text.split("\f") if p.strip()]
    assert all(printed_by(ds.staff.full_name).search(page) for page in pages)
    # the stamped copy is kept for that person and day: a second download is the same file
    again = client.get(url)
    assert b"".join(again.streaming_content) == b"".join(client.get(url).streaming_content)
    assert calls.count("pdf/controlled_copy.html") == 1


def test_a_copy_is_made_in_the_readers_language(ds, client_for, django_capture_on_commit_callbacks):
    needs_pdf()
    revision = effective_document(ds, title="Quy trình kiểm soát tài liệu").current_revision
    client = client_for(ds.staff)
    url = reverse("documents:revision_pdf", args=[revision.pk])
    client.cookies["django_language"] = "vi"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    copies = dict(ControlledCopy.objects.filter(revision=revision).values_list("language", "state"))
    assert copies.get("vi") == "ready"
    text = pdf_text(b"".join(client.get(url).streaming_content))
    from django.utils import translation

    with translation.override("vi"):
        footer = translation.gettext("Uncontrolled when printed.")
    assert footer != "Uncontrolled when printed." and footer in text


def test_the_progress_page_polls_until_the_copy_is_ready(ds, client_for, monkeypatch, no_pdf):
    queued = []
    monkeypatch.setattr("documents.pdf.enqueue", lambda task, **kw: queued.append((task, kw)))
    revision = effective_document(ds).current_revision
    client = client_for(ds.reviewer1)
    status_url = reverse("documents:revision_pdf_status", args=[revision.pk])
    response = client.get(reverse("documents:revision_pdf", args=[revision.pk]))
    assert response.status_code == 200
    assert status_url in response.content.decode()
    assert queued == [("documents.tasks.render_controlled_copy", {"revision_id": revision.pk, "language": "en"})]
    client.get(reverse("documents:revision_pdf", args=[revision.pk]))
    assert len(queued) == 1  # a second visit while it renders queues nothing more
    waiting = client.get(status_url)
    assert waiting.status_code == 200 and "HX-Redirect" not in waiting
    assert "<progress" in waiting.content.decode()

    from documents.pdf import render_controlled_copy

    assert render_controlled_copy(revision.pk)
    ready = client.get(status_url)
    assert ready.status_code == 204
    assert ready["HX-Redirect"] == reverse("documents:revision_pdf", args=[revision.pk])


def test_a_withdrawn_revision_gets_a_new_copy_with_the_obsolete_watermark(ds, django_capture_on_commit_callbacks,
                                                                          no_pdf):
    document = effective_document(ds)
    revision = document.current_revision
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_transition(acting_user=ds.author, revision=revision, name="withdraw", reason="Bãi bỏ")
    copy = ControlledCopy.objects.get(revision=revision)
    assert (copy.state, copy.revision_status) == ("ready", "obsolete")
    from documents.pdf import pdf_context

    assert pdf_context(Revision.objects.get(pk=revision.pk))["watermark"] == "OBSOLETE"


# --- My work ------------------------------------------------------------------------------------


def items(response, title):
    section = next(s for s in response.context["sections"] if str(s.title) == title)
    return [url for _label, url, _detail in section.items]


def test_my_work_lists_what_to_read_review_and_approve(ds, client_for):
    effective = effective_document(ds)
    revision = save_draft(ds, draft_of(new_document(ds)))
    submit(ds, revision)
    to_read = client_for(ds.staff).get("/")
    assert items(to_read, "To read and acknowledge") == [effective.get_absolute_url()]
    reviewer = client_for(ds.reviewer1).get("/")
    assert items(reviewer, "Waiting for my review") == [revision.get_absolute_url()]
    assert items(client_for(ds.approver).get("/"), "Waiting for my approval") == []
    accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
    assert items(client_for(ds.reviewer1).get("/"), "Waiting for my review") == []
    assert items(client_for(ds.approver).get("/"), "Waiting for my approval") == [revision.get_absolute_url()]
    services.revision_acknowledge(acting_user=ds.staff, revision=effective.current_revision)
    assert items(client_for(ds.staff).get("/"), "To read and acknowledge") == []


def test_my_work_does_not_offer_the_author_their_own_revision_to_approve(ds, client_for):
    document = new_document(ds, author=ds.approver)
    revision = save_draft(ds, draft_of(document))
    submit(ds, revision, [ds.reviewer1])
    accept_all(ds, revision, [ds.reviewer1])
    assert items(client_for(ds.approver).get("/"), "Waiting for my approval") == []
    assert items(client_for(ds.mr).get("/"), "Waiting for my approval") == [revision.get_absolute_url()]


# --- Legal register pages -----------------------------------------------------------------------


def test_the_legal_page_lists_the_affected_documents(ds, client_for):
    from tests.documents.factories import legal

    law = legal(number="19/2014/QĐ-TTg")
    citing = effective_document(ds, legal_refs=[law], title="Quy trình ISO")
    other = effective_document(ds, title="Quy trình khác")
    response = client_for(ds.author).post(reverse("documents:legal_edit", args=[law.pk]), {
        "number": law.number, "title": law.title, "issuer": law.issuer, "issue_date": law.issue_date.isoformat(),
        "status": "amended",
    })
    assert response.status_code == 302
    assert Document.objects.get(pk=citing.pk).review_required
    page = client_for(ds.reviewer1).get(law.get_absolute_url())
    assert list(page.context["affected"]) == [citing]
    assert citing.code in page.content.decode() and other.code not in page.content.decode()
    assert "Review required" in client_for(ds.reviewer1).get(citing.get_absolute_url()).content.decode()


# --- Who may open what (the full matrix is tests/qms_portal/test_access_matrix.py) -------------

from tests.qms_portal import test_access_matrix as matrix  # noqa: E402

world = matrix.world  # the matrix's data, built once per module


@pytest.fixture(scope="module")
def world_media(world):
    """Where the world's files were stored (built before each test moves MEDIA_ROOT to its own)."""
    from django.conf import settings

    return settings.MEDIA_ROOT

SPOT = [
    # (url name, identity, scope, method, variant, status)
    ("documents:register", "no_role", "-", "GET", None, 403),
    ("documents:register", "staff", "-", "GET", None, 200),
    ("documents:document_detail", "no_role", "in", "GET", None, 403),
    ("documents:document_detail", "staff", "in", "GET", None, 200),
    ("documents:document_detail", "staff", "out", "GET", None, 404),
    ("documents:document_edit", "staff", "in", "GET", None, 403),
    ("documents:document_edit", "document_controller", "in", "GET", None, 200),
    ("documents:document_edit", "document_controller", "out", "GET", None, 404),
    ("documents:revision_detail", "internal_auditor", "in", "GET", None, 200),
    ("documents:revision_detail", "internal_auditor", "out", "GET", None, 404),
    ("documents:revision_edit", "department_head", "in", "GET", None, 200),
    ("documents:revision_edit", "management_representative", "in", "GET", None, 403),
    ("documents:revision_pdf", "staff", "in", "GET", None, 200),
    ("documents:revision_pdf", "staff", "out", "GET", None, 404),
    ("documents:revision_source", "staff", "in", "GET", None, 200),
    ("documents:revision_transition", "department_head", "in", "GET", "approve", 200),
    ("documents:revision_transition", "document_controller", "in", "GET", "approve", 403),
    ("documents:revision_transition", "staff", "in", "GET", "submit", 403),
    ("documents:revision_transition", "department_head", "out", "GET", "approve", 404),
    ("documents:document_new_revision", "document_controller", "in", "POST", None, 302),
    ("documents:document_new_revision", "document_controller", "in", "GET", None, 405),
    ("documents:document_new_revision", "staff", "in", "POST", None, 403),
    ("documents:changerequest_transition", "management_representative", "in", "GET", "decline", 200),
    ("documents:changerequest_transition", "staff", "in", "GET", "decline", 403),
    ("documents:master_list", "staff", "-", "GET", None, 403),
    ("documents:master_list", "internal_auditor", "-", "GET", None, 200),
    ("documents:legal_edit", "administrator", "global", "GET", None, 200),
    ("documents:legal_edit", "staff", "global", "GET", None, 403),
    ("documents:legal_detail", "no_role", "global", "GET", None, 403),
]


def test_the_documents_rows_of_the_matrix_cover_every_documents_url():
    from tests.documents.access import ROWS
    from tests.viewtests import walk_urls

    names = {name for name, _route, _kw in walk_urls() if name and name.startswith("documents:")}
    assert names == set(ROWS)


@pytest.mark.parametrize("spot", SPOT, ids=lambda s: "-".join(str(x) for x in s[:5]))
def test_who_may_open_what(spot, world, world_media, settings, db):
    from django.test import Client

    settings.MEDIA_ROOT = world_media
    name, who, scope, method, variant, status = spot
    case = matrix.Case(name, who, scope, method, variant)
    client = Client()
    client.force_login(world["people"][who])
    url = matrix.build_url(name, case, world)
    response = getattr(client, method.lower())(url, matrix.POST_DATA.get(name, {}))
    assert response.status_code == status, f"{method} {url} as {who} ({scope})"


def test_a_stalled_rendering_is_queued_again(ds, monkeypatch, no_pdf):
    """A lost task or a worker that died leaves a copy "queued" or "rendering": after a while the
    next request queues it again instead of waiting for ever."""
    from datetime import timedelta

    from django.utils import timezone

    from documents.pdf import STALLED_AFTER, ensure_rendering

    queued = []
    monkeypatch.setattr("documents.pdf.enqueue", lambda task, **kw: queued.append(kw))
    revision = effective_document(ds).current_revision
    ensure_rendering(revision, "en")
    ensure_rendering(revision, "en")
    assert len(queued) == 1  # still fresh: nothing more
    ControlledCopy.objects.filter(revision=revision).update(
        state="rendering", updated_at=timezone.now() - STALLED_AFTER - timedelta(seconds=1))
    ensure_rendering(revision, "en")
    assert len(queued) == 2


def test_beat_queues_a_stalled_rendering_again_without_waiting_for_a_request(ds, monkeypatch, no_pdf, settings):
    """A worker killed while rendering left the copy at "rendering 5%": the beat task queues it again
    (a bounded number of times, then marks it failed) instead of leaving it until someone asks."""
    from datetime import timedelta

    from django.utils import timezone

    from documents.pdf import STALLED_AFTER, ensure_rendering, recover_stalled_copies, render_controlled_copy
    from qms_portal.celery import app

    beat = app.conf.beat_schedule["documents-recover-stalled-copies"]
    assert beat["task"] == "documents.tasks.recover_stalled_copies"
    queued = []
    monkeypatch.setattr("documents.pdf.enqueue", lambda task, **kw: queued.append(kw))
    revision = effective_document(ds).current_revision
    other = effective_document(ds).current_revision
    ensure_rendering(revision, "en")
    ensure_rendering(other, "en")
    long_ago = timezone.now() - STALLED_AFTER - timedelta(seconds=1)
    ControlledCopy.objects.filter(revision=revision).update(state="rendering", progress=5, updated_at=long_ago)
    assert recover_stalled_copies() == {"requeued": 1, "failed": 0}  # the other one is still fresh
    copy = ControlledCopy.objects.get(revision=revision)
    assert (copy.state, copy.progress, copy.attempts) == ("queued", 0, 2)
    assert queued[-1] == {"revision_id": revision.pk, "language": "en"} and len(queued) == 3

    for _attempt in range(2, settings.QMS_JOB_MAX_ATTEMPTS):
        ControlledCopy.objects.filter(revision=revision).update(state="rendering", updated_at=long_ago)
        assert recover_stalled_copies()["requeued"] == 1
    ControlledCopy.objects.filter(revision=revision).update(state="rendering", updated_at=long_ago)
    assert recover_stalled_copies() == {"requeued": 0, "failed": 1}
    assert ControlledCopy.objects.get(revision=revision).state == "failed"
    ensure_rendering(revision, "en")  # someone asks again: a fresh start
    assert ControlledCopy.objects.get(revision=revision).attempts == 1
    assert render_controlled_copy(revision.pk, "en")
    assert ControlledCopy.objects.get(revision=revision).attempts == 0
