"""The controlled copy as printed: the watermark (the revision's status) in the printing language, the
footer ("uncontrolled when printed", who printed it and when, "Page X of Y") translated and on one
line in every language, and Chinese text in its own face of Noto Sans CJK — Simplified (SC) or
Traditional (TC) as the text is written — never the Japanese one (JP), even in the English
interface. Read from the PDF itself: pdftotext's word boxes, pdffonts, and the font of each piece
of text (pypdf)."""

import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from django.utils import translation

from documents.models import Revision
from documents.pdf import pdf_context
from qms_portal.pdf import render_pdf
from tests.documents.factories import draft_of, new_document, save_draft, step
from tests.helpers import need

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

LANGUAGES = ("en", "vi", "zh-hans", "zh-hant")
TRADITIONAL = "品質管理系統文件控制程序"
SIMPLIFIED = "质量管理体系文件控制程序"


def needs_tools():
    from qms_portal.pdf import cjk_fonts_missing, weasyprint_problem

    need(weasyprint_problem() is None and not cjk_fonts_missing(), "WeasyPrint or Noto Sans CJK missing here",
         "QMS_REQUIRE_BROWSER")
    need(shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils is not installed",
         "QMS_REQUIRE_BROWSER")


def render(revision, language, user=None, status=None):
    if status:
        revision.status = status  # in memory only: the copy as it prints for that status
    with translation.override(language):
        return render_pdf("pdf/controlled_copy.html", pdf_context(revision, user))


def texts_by_font(data):
    """``{font name: [text drawn with it, …]}`` over every page."""
    from pypdf import PdfReader

    found = {}

    def visit(text, _cm, _tm, font, _size):
        if font is not None and text.strip():
            found.setdefault(str(font["/BaseFont"]), []).append(unicodedata.normalize("NFC", text.strip()))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


def embedded_fonts(data):
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603,S607
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def words(data, page=1):
    """``[(x_min, y_min, y_max, word), …]`` of one page, as pdftotext lays them out (points, from the
    top), and the page's height."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=data,  # noqa: S603,S607
                         capture_output=True, check=True).stdout.decode()
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    found = [(float(x0), float(y0), float(y1), unicodedata.normalize("NFC", text))
             for x0, y0, _x1, y1, text in re.findall(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    return found, height


@pytest.fixture
def draft(ds):
    ds.author.full_name = "Nguyễn Thị Phương Thảo Hoàng Long"  # a long name: the footer still fits
    ds.author.save()
    revision = save_draft(ds, draft_of(new_document(ds, title="Quy trình kiểm soát tài liệu")),
                          steps=[step("Tiếp nhận hồ sơ", 1)])
    return revision


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", [Revision.Status.DRAFT, Revision.Status.SUPERSEDED, Revision.Status.OBSOLETE])
def test_the_watermark_is_the_status_in_the_printing_language(ds, draft, language, status):
    needs_tools()
    with translation.override(language):
        expected = str(Revision.Status(status).label).upper()
    if language != "en":
        assert expected.isascii() is False  # translated: the catalogue has these labels
    data = render(draft, language, ds.author, status=status)
    drawn = " ".join(text for texts in texts_by_font(data).values() for text in texts)
    assert expected in drawn
    english = {"draft": "DRAFT", "superseded": "SUPERSEDED", "obsolete": "OBSOLETE"}[status]
    assert (english in drawn) == (language == "en")


def test_an_effective_revision_has_no_watermark(ds, draft):
    needs_tools()
    drawn = " ".join(t for texts in texts_by_font(render(draft, "en", status=Revision.Status.EFFECTIVE)).values()
                     for t in texts)
    assert not any(word in drawn for word in ("DRAFT", "SUPERSEDED", "OBSOLETE"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_footer_is_translated_and_fits_on_one_line(ds, draft, language):
    needs_tools()
    data = render(draft, language, ds.author)
    found, height = words(data)
    footer = [w for w in found if w[1] > height - 20 * 72 / 25.4]  # in the bottom margin (20 mm)
    assert footer, "no footer"
    text = " ".join(w[3] for w in sorted(footer))
    with translation.override(language):
        uncontrolled = translation.gettext("Uncontrolled when printed.")
        page = translation.gettext("Page %(n)s of %(total)s") % {"n": 1, "total": 1}
    squeeze = "".join  # Chinese has no spaces between words: compare without them
    assert squeeze(uncontrolled.split()) in squeeze(text.split())
    assert squeeze(page.split()) in squeeze(text.split())
    assert "Hoàng Long" in text
    lines = {round(w[1]) for w in footer}
    assert max(lines) - min(lines) <= 2, f"the footer takes {len(lines)} lines: {text}"


@pytest.mark.parametrize(("title", "face", "other"), [(TRADITIONAL, "CJK-TC", "CJK-SC"),
                                                      (SIMPLIFIED, "CJK-SC", "CJK-TC")])
def test_a_chinese_title_prints_in_its_own_chinese_face_in_the_english_interface(ds, title, face, other):
    needs_tools()
    revision = save_draft(ds, draft_of(new_document(ds, title=f"{title} · Quy trình")),
                          steps=[step("Tiếp nhận hồ sơ", 1)])
    data = render(revision, "en", ds.author)
    fonts = embedded_fonts(data)
    assert not any("JP" in name or "KR" in name for name in fonts), fonts
    by_font = texts_by_font(data)
    title_fonts = {name for name, texts in by_font.items() if any(title in text for text in texts)}
    assert title_fonts and all(face in name for name in title_fonts), by_font
    assert not any(other in name for name in fonts), fonts  # nothing else Chinese on this English page


def test_a_traditional_title_in_the_simplified_interface_keeps_its_traditional_face(ds):
    needs_tools()
    revision = save_draft(ds, draft_of(new_document(ds, title=TRADITIONAL)), steps=[step("Tiếp nhận hồ sơ", 1)])
    by_font = texts_by_font(render(revision, "zh-hans", ds.author))
    assert all("CJK-TC" in name for name, texts in by_font.items() if any(TRADITIONAL in t for t in texts))
    # the interface's own words stay Simplified
    with translation.override("zh-hans"):
        steps_label = translation.gettext("Steps")
    assert any("CJK-SC" in name for name, texts in by_font.items() if steps_label in texts)
