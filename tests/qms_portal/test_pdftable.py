"""Long tables as PDF (qms_portal/pdftable.py, fpdf2): the header on every page, "Page X of Y" right
on every page and translated, text wrapped in its column, Vietnamese and Chinese text that can be
searched (Chinese in the Simplified or Traditional face of Noto Sans CJK by language), and the rows
read as they are drawn."""

import io
import shutil
import subprocess
import unicodedata

import pytest
from django.utils import translation
from pypdf import PdfReader

from qms_portal.pdftable import A4, Column, TablePdf, font_files
from tests.helpers import need

COLUMNS = [Column("Code", 10), Column("Title", 40), Column("Level", 5, "center"), Column("Owner", 15)]


def needs_fonts():
    need(font_files(("DejaVu Sans",)) and shutil.which("pdftotext"), "no system fonts or pdftotext here",
         "QMS_REQUIRE_BROWSER")


def pages_text(data):
    """The text of each page, as pdftotext reads it (lines joined by spaces)."""
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout  # noqa: S603,S607
    return [" ".join(unicodedata.normalize("NFC", page).split()) for page in out.decode().split("\f")[:-1]]


def make(rows, language="en", **kwargs):
    out = io.BytesIO()
    pdf = TablePdf(out, language=language, title="Master list", header="Master list of documents",
                   footer="Printed today by Nguyễn Văn An — uncontrolled when printed", **kwargs)
    pdf.heading("Master list of documents")
    pdf.paragraph("Status: Effective")
    pdf.table(COLUMNS, rows)
    pages = pdf.close()
    return out.getvalue(), pages


def test_every_page_carries_the_header_row_and_page_x_of_y():
    needs_fonts()
    data, pages = make([f"QT-{n:03d}", f"Quy trình số {n}", 2, "Nguyễn Văn An"] for n in range(1, 301))
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages > 3
    texts = pages_text(data)
    assert len(texts) == pages
    for number, text in enumerate(texts, start=1):
        assert text.endswith(f"Page {number} of {pages}") or f"Page {number} of {pages}" in text, number
        assert "Code Title Level Owner" in text, number
        assert "Printed today by Nguyễn Văn An" in text
    everything = " ".join(texts)
    assert all(f"QT-{n:03d} Quy trình số {n} 2 Nguyễn Văn An" in everything for n in range(1, 301))
    assert everything.count("QT-") == 300  # each row once: never split across pages, never repeated


def test_a_short_list_is_one_page_and_an_empty_one_still_a_valid_pdf():
    needs_fonts()
    data, pages = make([["QT-01", "Kiểm soát tài liệu", 2, "An"]])
    assert pages == 1 and "Page 1 of 1" in pages_text(data)[0]
    empty, pages = make([])
    assert pages == 1 and len(PdfReader(io.BytesIO(empty)).pages) == 1


def test_long_text_wraps_in_its_column_and_ends_with_an_ellipsis_beyond_the_line_limit():
    needs_fonts()
    out = io.BytesIO()
    pdf = TablePdf(out, page_size=A4)
    lines = pdf.wrap("Quy trình giải quyết thủ tục hành chính về cấp giấy phép xây dựng", 60, 8)
    assert len(lines) > 2 and all(pdf.measure(line, 8) <= 60 for line in lines)
    assert lines[0].startswith("Quy trình")
    long_code = pdf.wrap("SNV" * 12, 50, 8)  # no space: broken between characters
    assert len(long_code) > 1 and "".join(long_code) == "SNV" * 12
    cut = pdf.wrap("từ " * 200, 50, 8, max_lines=3)
    assert len(cut) == 3 and cut[-1].endswith("…") and pdf.measure(cut[-1], 8) <= 50
    assert pdf.wrap("QT-01", 50, 8) == ["QT-01"] and pdf.wrap(None, 50, 8) == []


def test_chinese_text_falls_back_to_the_cjk_font_and_can_be_searched():
    needs_fonts()
    need(any("CJK" in path for path, _index in font_files(("Noto Sans CJK SC",))), "Noto Sans CJK is not installed",
         "QMS_REQUIRE_BROWSER")
    data, _pages = make([["QT-01", "文件控制程序 và Kiểm soát hồ sơ", 2, "王小明"]])
    text = pages_text(data)[0]
    assert "文件控制程序 và Kiểm soát hồ sơ" in text and "王小明" in text
    fonts = fonts_of(data)
    assert any("CJK" in name for name in fonts) and len(fonts) == 2
    chinese, _pages = make([["QT-01", "文件控制程序", 2, "王小明"]], language="zh-hans")
    assert "文件控制程序" in pages_text(chinese)[0]


def test_rows_are_drawn_as_they_are_read():
    needs_fonts()
    pdf = TablePdf(io.BytesIO())
    pages_when_read = []

    def rows():
        for n in range(400):
            pages_when_read.append(pdf.pages)
            yield [f"QT-{n}", "Tiêu đề", 2, "An"]

    pdf.table(COLUMNS, rows())
    assert pdf.close() > 3
    # Pages were laid out while later rows were still being read (never a list of every row first).
    assert pages_when_read[0] < pages_when_read[200] < pages_when_read[399]


def fonts_of(data):
    return {str(font["/BaseFont"]) for page in PdfReader(io.BytesIO(data)).pages
            for font in page["/Resources"]["/Font"].values()}


@pytest.mark.parametrize(("language", "face", "page_label"), [
    ("zh-hans", "CJKSC", "第 1 页，共 1 页"), ("zh-hant", "CJKTC", "第 1 頁，共 1 頁")])
def test_chinese_prints_in_the_simplified_or_traditional_face_with_translated_page_numbers(language, face,
                                                                                           page_label):
    needs_fonts()
    need(any("CJK" in path for path, _index in font_files(("Noto Sans CJK SC",))), "Noto Sans CJK is not installed",
         "QMS_REQUIRE_BROWSER")
    with translation.override(language):
        data, pages = make([["QT-01", "文件控制程序 品質手冊", 2, "王小明"]], language=language)
    text = pages_text(data)[0]
    assert pages == 1 and "文件控制程序 品質手冊" in text and page_label in text
    fonts = fonts_of(data)
    assert any(face in name for name in fonts), fonts
    assert not any(other in name for name in fonts for other in {"CJKSC", "CJKTC", "CJKJP"} - {face}), fonts


def test_vietnamese_keeps_its_marks_and_the_page_numbers_are_translated():
    needs_fonts()
    with translation.override("vi"):
        data, pages = make([["QT-01", "Quy trình kiểm soát hồ sơ ưu tiên Đặng Thị Hường", 2, "Nguyễn Văn An"]],
                           language="vi")
    text = pages_text(data)[0]
    assert "Quy trình kiểm soát hồ sơ ưu tiên Đặng Thị Hường" in text and "Trang 1/1" in text


def test_progress_is_reported_as_rows_are_drawn():
    needs_fonts()
    seen = []
    pdf = TablePdf(io.BytesIO())
    assert pdf.table(COLUMNS, ([n, "x", 1, "y"] for n in range(600)), progress=seen.append, every=250) == 600
    assert seen == [250, 500, 600]


@pytest.mark.parametrize("problem", ["no_fonts"])
def test_without_fonts_the_pdf_is_unavailable_with_what_to_install(monkeypatch, problem):
    from qms_portal import pdftable
    from qms_portal.pdf import PdfUnavailable

    monkeypatch.setattr(pdftable, "font_files", lambda families: ())
    with pytest.raises(PdfUnavailable, match="fonts-noto-cjk"):
        TablePdf(io.BytesIO())
