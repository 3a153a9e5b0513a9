"""A revision's content: sanitised rich text, uploaded source files (a DOCX shown as HTML), the
steps table, and optimistic locking — bad input gives a clear message and saves nothing."""

import io
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from documents import services
from documents.forms import StepForm, StepFormSet
from documents.models import ProcedureStep, Revision
from tests.documents.factories import (
    EXE,
    docx_bytes,
    docx_upload,
    draft_of,
    new_document,
    save_draft,
    step,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    return sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()) \
        if media_root.exists() else []


@pytest.fixture
def draft(ds):
    return draft_of(new_document(ds, title="Quy trình kiểm soát tài liệu"))


def fresh(revision):
    return Revision.objects.get(pk=revision.pk)


# --- Rich text ----------------------------------------------------------------------------------


def test_rich_text_is_sanitised_and_allowed_markup_kept(ds, draft):
    dirty = (
        '<h2>Mục đích</h2><p onclick="steal()">Quy định <strong>cách</strong> kiểm soát</p>'
        "<script>alert('x')</script><img src=x onerror=alert(1)>"
        '<a href="javascript:alert(1)">bấm</a> <a href="https://thuvienphapluat.vn/">luật</a>'
        "<table><tr><td colspan=\"2\">ô</td></tr></table><ul><li>một</li></ul><iframe src=//evil></iframe>"
    )
    revision = save_draft(ds, draft, content=dirty)
    content = fresh(revision).content
    for gone in ("<script", "alert(", "onerror", "onclick", "<img", "javascript:", "<iframe"):
        assert gone not in content
    for kept in ("<h2>Mục đích</h2>", "<strong>cách</strong>", '<td colspan="2">ô</td>', "<li>một</li>",
                 'href="https://thuvienphapluat.vn/"', 'rel="noopener noreferrer"'):
        assert kept in content


def test_text_is_stored_nfc_normalised_and_searchable(ds, draft):
    decomposed = unicodedata.normalize("NFD", "<p>Kiểm soát hồ sơ</p>")
    assert decomposed != "<p>Kiểm soát hồ sơ</p>"
    revision = fresh(save_draft(ds, draft, content=decomposed))
    assert revision.content == "<p>Kiểm soát hồ sơ</p>"
    # stored as the register's search matches it: NFC, case-folded and without marks, then the
    # words that carry marks, as typed
    folded, marked = revision.search_text.split("\n")
    assert "kiem soat ho so" in folded
    assert revision.document.code.casefold() in folded
    assert "quy trinh kiem soat tai lieu" in folded
    assert {"kiểm", "soát", "hồ", "sơ", "trình", "tài", "liệu"} == set(marked.split())


def test_a_save_counts_up_the_lock_version(ds, draft):
    assert draft.lock_version == 0
    save_draft(ds, draft)
    save_draft(ds, draft)
    assert fresh(draft).lock_version == 2


def test_someone_outside_the_unit_cannot_save_the_draft(ds, draft):
    from django.core.exceptions import PermissionDenied

    for user in (ds.staff, ds.outsider, ds.reviewer1):
        with pytest.raises(PermissionDenied):
            save_draft(ds, draft, author=user, content="<p>Không được</p>")
    assert fresh(draft).content == "" and fresh(draft).lock_version == 0


# --- Source files -------------------------------------------------------------------------------


def test_a_docx_is_shown_as_html(ds, draft, _media_in_tmp):
    revision = fresh(save_draft(ds, draft, content="", upload=docx_upload("Quy trình ISO.docx")))
    assert "<p>Quy trình kiểm soát tài liệu</p>" in revision.source_html
    assert "<p>文件控制程序</p>" in revision.source_html
    assert "文件控制程序" in revision.search_text and "quy trinh kiem soat tai lieu" in revision.search_text
    assert revision.source_name == "Quy trình ISO.docx"
    assert revision.source_file.name.startswith("documents/") and revision.source_file.name.endswith(".docx")
    assert "Quy" not in revision.source_file.name  # the original name never reaches the file system
    assert stored_files(_media_in_tmp) == [revision.source_file.name]


def test_mammoth_converts_the_docx_built_in_memory():
    html = services.docx_to_html(io.BytesIO(docx_bytes(paragraphs=("Một", "二"))))
    assert html == "<p>Một</p><p>二</p>"


def test_markup_inside_a_docx_is_sanitised(ds, draft):
    evil = docx_upload(paragraphs=("&lt;script&gt;alert(1)&lt;/script&gt;Văn bản",))
    revision = fresh(save_draft(ds, draft, upload=evil))
    assert "<script>" not in revision.source_html
    assert "Văn bản" in revision.source_html


def test_a_pdf_source_is_kept_without_html(ds, draft, _media_in_tmp):
    pdf = upload("quy-trinh.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                 "application/pdf")
    revision = fresh(save_draft(ds, draft, upload=pdf))
    assert revision.source_file and revision.source_html == ""
    assert len(stored_files(_media_in_tmp)) == 1


def assert_nothing_saved(draft, before, media_root):
    after = fresh(draft)
    assert after.lock_version == before.lock_version
    assert after.content == before.content
    assert not after.source_file and after.source_name == ""
    assert list(after.steps.values_list("title", flat=True)) == list(before.steps.values_list("title", flat=True))
    assert stored_files(media_root) == []


BAD_FILES = {
    "an executable": ("setup.exe", EXE, "not accepted"),
    "an executable renamed .docx": ("quy-trinh.docx", EXE, "not a valid DOCX"),
    "an executable renamed .pdf": ("quy-trinh.pdf", EXE, "not a PDF"),
    "an executable renamed .xlsx": ("bieu-mau.xlsx", EXE, "not a valid XLSX"),
    "a truncated docx": ("hong.docx", docx_bytes()[:300], "not a valid DOCX"),
    "a docx whose XML is broken": ("hong.docx", docx_bytes(document_xml="<w:document><w:body>"),
                                   "could not be read"),
    "a zip without a Word document inside": ("khac.docx", None, "not a valid DOCX"),
    "a zip bomb": ("bom.docx", docx_bytes(extra={"word/media/zeros.bin": b"\0" * (12 * 1024 * 1024)}),
                   "zip bomb"),
    "an empty file": ("rong.pdf", b"", "empty"),
}


def _zip_without_word():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return out.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_saved(ds, draft, _media_in_tmp, case):
    name, data, message = BAD_FILES[case]
    data = _zip_without_word() if data is None else data
    save_draft(ds, draft, content="<p>Bản đầu</p>", steps=[step("Tiếp nhận", 1)])
    before = fresh(draft)
    with pytest.raises(ValidationError) as error:
        services.revision_save_draft(
            acting_user=ds.author, revision=before, lock_version=before.lock_version, content="<p>Bản mới</p>",
            upload=upload(name, data), steps=[step("Bước mới", 2)],
        )
    assert message in " ".join(error.value.messages)
    assert_nothing_saved(draft, before, _media_in_tmp)


def test_a_file_over_the_size_limit_is_refused(ds, draft, settings, _media_in_tmp):
    settings.UPLOAD_MAX_BYTES = 1024
    data = docx_bytes(paragraphs=[f"Đoạn {i} — 文件控制 {i * 7919}" for i in range(200)])
    assert len(data) > 1024
    before = fresh(draft)
    with pytest.raises(ValidationError, match="too large"):
        save_draft(ds, draft, upload=upload("lon.docx", data))
    assert_nothing_saved(draft, before, _media_in_tmp)


# --- Steps --------------------------------------------------------------------------------------


def test_the_steps_are_saved_in_order(ds, draft):
    revision = save_draft(ds, draft, steps=[
        step("Tiếp nhận hồ sơ", 0.5, responsible_unit=ds.office, responsible_position="Chuyên viên một cửa"),
        step("Thẩm định", 3, responsible_role=ds.roles["department_head"], output="Phiếu thẩm định"),
        step("Trả kết quả", 4, "hours"),
    ])
    rows = list(revision.steps.values_list("order", "title", "time_limit", "time_unit"))
    assert rows == [(1, "Tiếp nhận hồ sơ", Decimal("0.5"), "days"), (2, "Thẩm định", Decimal("3.0"), "days"),
                    (3, "Trả kết quả", Decimal("4.0"), "hours")]
    assert revision.total_time() == (Decimal("3.5"), Decimal("4.0"))
    first = revision.steps.first()
    assert first.responsible == f"{ds.office}, Chuyên viên một cửa"


def test_a_zero_time_limit_is_allowed(ds, draft):
    assert save_draft(ds, draft, steps=[step("Ký số", 0)]).steps.get().time_limit == 0


def test_a_negative_time_limit_is_refused_and_the_steps_stay_as_they_were(ds, draft, _media_in_tmp):
    save_draft(ds, draft, content="<p>Bản đầu</p>", steps=[step("Tiếp nhận", 1), step("Thẩm định", 2)])
    before = fresh(draft)
    with pytest.raises(ValidationError, match="negative"):
        services.revision_save_draft(
            acting_user=ds.author, revision=before, lock_version=before.lock_version, content="<p>Bản mới</p>",
            steps=[step("Tiếp nhận", 1), step("Thẩm định", -2)], upload=docx_upload(),
        )
    after = fresh(draft)
    assert list(after.steps.values_list("title", "time_limit")) == [("Tiếp nhận", 1), ("Thẩm định", 2)]
    assert (after.content, after.lock_version) == ("<p>Bản đầu</p>", before.lock_version)
    assert stored_files(_media_in_tmp) == []  # the valid file sent with the bad step was not stored either


def test_the_database_refuses_a_negative_time_limit_too(ds, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureStep.objects.create(revision=draft, order=1, title="x", time_limit=-1)


def test_the_step_form_explains_a_negative_time_limit(ds):
    form = StepForm(data={"title": "Thẩm định", "time_limit": "-1", "time_unit": "days"}, user=ds.author)
    assert not form.is_valid()
    assert form.errors["time_limit"] == ["A time limit cannot be negative."]
    assert StepForm(data={"title": "Thẩm định", "time_limit": "0", "time_unit": "days"}, user=ds.author).is_valid()


def test_the_step_formset_keeps_the_good_rows_beside_the_bad_one(ds):
    data = {"steps-TOTAL_FORMS": "3", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-title": "Tiếp nhận", "steps-0-time_limit": "1", "steps-0-time_unit": "days",
            "steps-1-title": "Thẩm định", "steps-1-time_limit": "-3", "steps-1-time_unit": "days",
            "steps-2-title": "", "steps-2-time_limit": "", "steps-2-time_unit": "days"}
    formset = StepFormSet(data, user=ds.author, unit=ds.dept, prefix="steps")
    assert not formset.is_valid()
    assert formset.errors[1] == {"time_limit": ["A time limit cannot be negative."]}
    assert formset.forms[0].is_valid() and not formset.forms[2].has_changed()
    data["steps-1-time_limit"] = "3"
    formset = StepFormSet(data, user=ds.author, unit=ds.dept, prefix="steps")
    assert formset.is_valid()
    assert [s["title"] for s in formset.steps()] == ["Tiếp nhận", "Thẩm định"]


# --- Optimistic locking -------------------------------------------------------------------------


def test_a_save_on_an_outdated_version_is_a_conflict_and_writes_nothing(ds, draft):
    opened = fresh(draft).lock_version  # two people open the same draft
    services.revision_save_draft(acting_user=ds.author, revision=draft, lock_version=opened,
                                 content="<p>Bản của người thứ nhất</p>", steps=[step("Bước A", 1)])
    history_before = fresh(draft).history.count()
    with pytest.raises(services.EditConflict) as conflict:
        services.revision_save_draft(acting_user=ds.approver, revision=draft, lock_version=opened,
                                     content="<p>Bản của người thứ hai</p>", steps=[step("Bước B", 9)],
                                     upload=docx_upload())
    assert "Someone else saved" in conflict.value.messages[0]
    after = fresh(draft)
    assert after.content == "<p>Bản của người thứ nhất</p>"
    assert after.lock_version == opened + 1
    assert list(after.steps.values_list("title", flat=True)) == ["Bước A"]
    assert after.history.count() == history_before
    assert not after.source_file
    # saving again on the version now stored goes through
    services.revision_save_draft(acting_user=ds.approver, revision=draft, lock_version=after.lock_version,
                                 content="<p>Bản của người thứ hai</p>")
    assert fresh(draft).content == "<p>Bản của người thứ hai</p>"
