import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from qms_portal.uploads import read_rows, storage_name, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"


def docx_bytes(extra=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document '
                   'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                   "<w:t>Quy trình kiểm soát tài liệu</w:t></w:r></w:p></w:body></w:document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["code", "name"])
    book.active.append(["QT-01", "Kiểm soát tài liệu"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def messages(error):
    return " ".join(error.value.messages)


def test_a_valid_pdf_docx_and_xlsx_are_accepted():
    for name, content in (("a.pdf", PDF), ("b.docx", docx_bytes()), ("c.xlsx", xlsx_bytes())):
        f = upload(name, content)
        assert validate_upload(f) is f
        assert f.tell() == 0  # handed back rewound, ready to store


def test_an_executable_renamed_to_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("report.pdf", EXE))
    assert "not a PDF" in messages(error)


def test_an_executable_renamed_to_docx_is_refused():
    with pytest.raises(ValidationError, match="not a valid DOCX"):
        validate_upload(upload("report.docx", EXE))


@pytest.mark.parametrize("name", ["setup.exe", "macro.docm", "page.html", "script.svg", "noextension", "x.pdf.exe"])
def test_types_outside_the_allowlist_are_refused(name):
    with pytest.raises(ValidationError, match="not accepted"):
        validate_upload(upload(name, PDF))


def test_an_uppercase_extension_is_recognised():
    validate_upload(upload("REPORT.PDF", PDF))


def test_an_oversize_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    content = PDF + b"0" * 2000
    with pytest.raises(ValidationError, match="too large"):
        validate_upload(upload("big.pdf", content))
    with pytest.raises(ValidationError, match="too large"):
        validate_upload(upload("big.pdf", PDF + b"0" * 200), max_bytes=100)
    validate_upload(upload("small.pdf", PDF))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(upload("empty.pdf", b""))


@pytest.mark.parametrize("content", [
    b"PK\x03\x04" + b"\x00garbage" * 50,  # a zip header and nothing behind it
    docx_bytes()[:-40],  # truncated: the central directory is cut off
])
def test_a_corrupt_docx_is_refused(content):
    with pytest.raises(ValidationError, match="not a valid DOCX"):
        validate_upload(upload("broken.docx", content))


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError, match="not a valid DOCX"):
        validate_upload(upload("renamed.docx", out.getvalue()))
    with pytest.raises(ValidationError, match="not a valid XLSX"):
        validate_upload(upload("document.xlsx", docx_bytes()))


def test_a_damaged_entry_inside_the_zip_is_refused():
    content = bytearray(docx_bytes(extra={"word/media/blob.bin": b"A" * 200 + bytes(range(256)) * 4}))
    # flip bytes inside the stored data of the last entry: the CRC check must catch it
    index = content.rfind(b"word/media/blob.bin", 0, content.find(b"PK\x01\x02"))
    content[index + 40:index + 48] = b"\xff" * 8
    with pytest.raises(ValidationError):
        validate_upload(upload("damaged.docx", bytes(content)))


def test_a_zip_bomb_is_refused(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    path = tmp_path / "bomb.docx"
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("word/document.xml", "<w:document/>")
        with z.open("word/media/image1.bin", "w", force_zip64=True) as entry:
            for _ in range(150):  # 150 MB of zeros, written in chunks
                entry.write(chunk)
    size = path.stat().st_size
    assert size < 1024 * 1024  # it is small on the wire…
    with open(path, "rb") as handle:
        bomb = UploadedFile(handle, name="bomb.docx", size=size)
        with pytest.raises(ValidationError, match="zip bomb"):
            validate_upload(bomb)


def test_too_many_zip_entries_are_refused():
    from qms_portal import uploads

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(uploads, "MAX_ZIP_ENTRIES", 10)
        many = docx_bytes(extra={f"word/part{i}.xml": "<x/>" for i in range(20)})
        with pytest.raises(ValidationError, match="too many parts"):
            validate_upload(upload("many.docx", many))


def test_text_uploads_must_be_utf8_text():
    validate_upload(upload("people.csv", "username,full_name\nanh,Nguyễn Văn Ánh\n".encode()), allowed=("csv",))
    with pytest.raises(ValidationError, match="not a text file"):
        validate_upload(upload("people.csv", EXE), allowed=("csv",))
    with pytest.raises(ValidationError, match="UTF-8"):
        validate_upload(upload("people.csv", "Café;Crème".encode("latin-1")), allowed=("csv",))


@pytest.mark.parametrize("original", [
    "Báo cáo đánh giá nội bộ.pdf", "../../etc/passwd.pdf", "secret plans.docx", "<script>.xlsx", "a.b.c.PDF",
])
def test_the_storage_name_never_contains_the_original_name(original):
    name = storage_name("documents", original)
    stem = original.rsplit(".", 1)[0]
    assert re.fullmatch(r"documents/[0-9a-f]{32}\.(pdf|docx|xlsx)", name), name
    assert stem not in name
    assert storage_name("documents", original) != name  # a fresh name every time


def test_read_rows_reads_csv_and_xlsx_alike():
    csv_file = upload("p.csv", "\ufeffUsername, Full_Name\nanh,Nguyễn Văn Ánh\n,\nbao,Trần Bảo\n".encode())
    header, rows = read_rows(csv_file)
    assert header == ["username", "full_name"]
    assert rows == [(2, {"username": "anh", "full_name": "Nguyễn Văn Ánh"}),
                    (4, {"username": "bao", "full_name": "Trần Bảo"})]
    header, rows = read_rows(upload("c.xlsx", xlsx_bytes()))
    assert header == ["code", "name"]
    assert rows == [(2, {"code": "QT-01", "name": "Kiểm soát tài liệu"})]


# --- Office documents with macros ------------------------------------------------------------------


def _with_entries(data, entries, content_types=None):
    """``data`` (an Office zip) with ``entries`` added and, if given, its content types replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_types is not None:
                body = content_types
            target.writestr(item.filename, body)
        for name, body in entries.items():
            target.writestr(name, body)
    return out.getvalue()


MACRO_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               b'<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled'
               b'.main+xml"/></Types>')


@pytest.mark.parametrize(("name", "data"), [
    ("quy-trinh.docx", _with_entries(docx_bytes(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})),
    ("bang-tinh.xlsx", _with_entries(xlsx_bytes(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})),
    ("bang-tinh.xlsx", _with_entries(xlsx_bytes(), {"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})),
    ("quy-trinh.docx", _with_entries(docx_bytes(), {"word/activeX/activeX1.xml": b"<ax:ocx/>"})),
    ("quy-trinh.docx", _with_entries(docx_bytes(), {}, content_types=MACRO_TYPES)),  # a .docm renamed
], ids=["docx-vba", "xlsx-vba", "xlsx-macrosheet", "docx-activex", "docm-renamed"])
def test_it_refuses_an_office_document_that_carries_macros(name, data):
    with pytest.raises(ValidationError, match="macros"):
        validate_upload(upload(name, data), allowed=("docx", "xlsx"))


def test_it_accepts_the_same_documents_without_macros():
    validate_upload(upload("quy-trinh.docx", docx_bytes()), allowed=("docx",))
    validate_upload(upload("bang-tinh.xlsx", xlsx_bytes()), allowed=("xlsx",))
