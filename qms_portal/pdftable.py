"""Long tables as PDF: exports of thousands of rows (the master list at province scale), made by fpdf2.

Every other PDF of the portal is made by WeasyPrint (``pdf.py``), which lays out each table cell
through the whole CSS box model: about 8 ms of CPU a row for a 12-column table, so 10,000 rows take
80 s or more even when rendered in chunks and joined. A long list needs none of that: ``TablePdf``
draws it with fpdf2 — a heading, short paragraphs, then tables with fixed columns, text wrapped
within each cell, the header row repeated on every page, a running header and footer and
"Page X of Y". The rows are read as they are drawn (an iterator that fetches in batches keeps memory
bounded); fpdf2 embeds only the glyphs used (subsets, with ToUnicode maps, so the text can be
searched and copied). The fonts are the system fonts the other PDFs use, found through fontconfig
by language (Noto Sans CJK SC for Simplified, TC for Traditional Chinese), the next ones as fpdf2's
fallback fonts for the characters the first lacks::

    with open(path, "wb") as out:
        pdf = TablePdf(out, language="vi", title="Danh mục tài liệu", header="…", footer="In lúc … bởi …")
        pdf.heading("Danh mục tài liệu")
        pdf.paragraph("Bộ lọc: …")
        pdf.table([Column("", 60), Column("", 12, "right")], [["Cấp 1", "3"], ["Tổng", "35"]], header=False,
                  width=300)
        pdf.table([Column("Mã", 9), Column("Tên", 30), …], rows, progress=callback)
        pages = pdf.close()
"""

import logging
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from .pdf import INSTALL_HINT, PdfUnavailable

MM = 72 / 25.4
A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)

# The families of pdf.css, by language; fontconfig gives the file of each (or its closest match).
FAMILIES = {
    "zh-hans": ("Noto Sans CJK SC", "Noto Sans", "DejaVu Sans"),
    "zh-hant": ("Noto Sans CJK TC", "Noto Sans", "DejaVu Sans"),
}
DEFAULT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Noto Sans CJK SC")
FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
ALIGN = {"left": "L", "right": "R", "center": "C"}


@dataclass(frozen=True)
class Column:
    label: str
    weight: float = 1
    align: str = "left"  # left, right, center


@lru_cache(maxsize=16)
def font_files(families):
    """``((path, index), …)`` of the fonts fontconfig picks for ``families``, in order, once each."""
    fc_match = shutil.which("fc-match")
    found = []
    for family in families if fc_match else ():
        out = subprocess.run([fc_match, "-f", "%{file}\t%{index}", family], capture_output=True, text=True,  # noqa: S603
                             check=False).stdout
        path, _tab, index = out.partition("\t")
        if path.lower().endswith(FONT_FILES) and os.path.exists(path):
            key = (path, int(index or 0))
            if key not in found:
                found.append(key)
    return tuple(found)


_SPACES = re.compile(r"\s+")


def _clean(text):
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", "".join(c for c in text if c >= " " or c in "\t\n\r")).strip()


def _document_class():
    from fpdf import FPDF

    class Document(FPDF):
        """fpdf2's document, calling back its ``TablePdf`` for the running header and footer."""

        owner = None

        def header(self):
            self.owner._page_header()

        def footer(self):
            self.owner._page_footer()

    return Document


def printed_line(user):
    """The footer of a printed list: when, by whom, and that a printed copy is uncontrolled."""
    from django.utils import formats, timezone

    return _("Printed %(when)s by %(who)s — uncontrolled when printed") % {
        "when": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        "who": user.full_name or user.username}


class TablePdf:
    """A PDF of headings, paragraphs and long tables, written to ``out`` (a binary file opened for
    writing) on ``close()``. See the module docstring."""

    def __init__(self, out, *, language="en", title="", header="", footer="", page_size=A4_LANDSCAPE,
                 margins=(16 * MM, 10 * MM, 14 * MM, 10 * MM), font_size=7.5, max_lines=6):
        try:
            document = _document_class()
        except ImportError as error:
            raise PdfUnavailable(_("PDF output is not available on this server. Ask the administrator to install: "
                                   "%(packages)s") % {"packages": "fpdf2"}) from error
        files = font_files(FAMILIES.get((language or "").lower(), DEFAULT_FAMILIES))
        if not files:
            raise PdfUnavailable(_("PDF output is not available on this server. Ask the administrator to install: "
                                   "%(packages)s") % {"packages": INSTALL_HINT})
        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        self.out, self.header, self.footer = out, _clean(header), _clean(footer)
        self.width, self.height = page_size
        self.top, self.right, self.bottom, self.left = margins
        self.font_size, self.max_lines = font_size, max_lines
        self._wrapped = {}  # (text, width, size, max_lines) → lines
        self._repeat = None  # the header row of the table being drawn, repeated on each new page
        pdf = self.pdf = document(unit="pt", format=(self.width, self.height))
        pdf.owner = self
        names = []
        for n, (path, index) in enumerate(files):
            names.append(f"f{n}")
            pdf.add_font(names[-1], fname=path, collection_font_number=index)
        pdf.set_font(names[0], size=font_size)
        pdf.set_fallback_fonts(names[1:])
        pdf.set_margins(self.left, self.top, self.right)
        pdf.set_auto_page_break(True, margin=self.bottom)
        pdf.c_margin = 0
        pdf.set_title(_clean(title))
        pdf.set_lang(language or "en")
        pdf.set_creator("QMS Portal")
        pdf.set_producer("QMS Portal (fpdf2)")
        pdf.alias_nb_pages("{nb}")

    # --- text ----------------------------------------------------------------------------------------

    def measure(self, text, size):
        self.pdf.set_font_size(size)
        return self.pdf.get_string_width(_clean(text))

    def wrap(self, text, width, size, max_lines=None):
        """``text`` in lines (strings) no wider than ``width`` points, as fpdf2 wraps it: between words,
        a word longer than the width between characters. Text beyond ``max_lines`` ends with an
        ellipsis."""
        text = _clean(text)
        if not text:
            return []
        max_lines = max_lines or self.max_lines
        key = (text, width, size, max_lines)
        lines = self._wrapped.get(key)
        if lines is None:
            if len(self._wrapped) > 4096:  # the same units, types, people and dates recur: keep the last few
                self._wrapped.clear()
            lines = self._wrapped[key] = self._wrap(text, width, size, max_lines)
        return list(lines)

    def _wrap(self, text, width, size, max_lines):
        pdf = self.pdf
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width:  # most cells: one line, no wrapping to do
            return [text]
        if pdf.page == 0:  # fpdf2 wraps text on a page
            pdf.add_page()
        lines = pdf.multi_cell(width, size, text, dry_run=True, output="LINES", align="L")
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1].rstrip()
            while last and pdf.get_string_width(last + "…") > width:
                last = last[:-1]
            lines[-1] = last + "…"
        return lines

    def _line(self, text, x, y, size, width, align="left"):
        """One line of text whose baseline is at ``y`` points from the top."""
        pdf = self.pdf
        pdf.set_font_size(size)
        pdf.set_xy(x, y - size * 0.86)
        pdf.cell(width, size, text, align=ALIGN.get(align, "L"))

    def text(self, text, x, y, size, width=None, align="left", gray=0.0):
        """One line of text at (x, y) (from the top, y the baseline), cut to fit ``width`` if given."""
        lines = self.wrap(text, width or self.content_width, size, max_lines=1)
        if lines:
            self.pdf.set_text_color(round(gray * 255))
            self._line(lines[0], x, y, size, width or self.content_width, align)
            self.pdf.set_text_color(0)

    # --- pages ----------------------------------------------------------------------------------------

    @property
    def content_width(self):
        return self.width - self.left - self.right

    @property
    def y(self):
        return self.pdf.get_y()

    def _page_header(self):
        pdf = self.pdf
        auto, pdf.auto_page_break = pdf.auto_page_break, False
        if self.header:
            self.text(self.header, self.left, self.top - 4 * MM, 7.5, width=self.content_width, gray=0.3)
        pdf.set_y(self.top)
        pdf.auto_page_break = auto
        if self._repeat is not None:
            self._repeat()

    def _page_footer(self):
        pdf = self.pdf
        y = self.height - self.bottom + 7 * MM
        if self.footer:
            self.text(self.footer, self.left, y, 7, width=self.content_width * 0.75, gray=0.3)
        label = _("Page %(n)s of %(total)s") % {"n": pdf.page_no(), "total": pdf.str_alias_nb_pages}
        self.text(label, self.width - self.right - 60 * MM, y, 7, width=60 * MM, align="right", gray=0.3)

    def _room(self, height):
        """Start a new page unless ``height`` points still fit above the bottom margin."""
        if self.pdf.page == 0 or self.pdf.will_page_break(height):
            self.pdf.add_page()

    # --- blocks ---------------------------------------------------------------------------------------

    def heading(self, text, size=14):
        self.paragraph(text, size=size, space_after=size * 0.6)

    def paragraph(self, text, size=8.5, space_after=4, gray=0.0):
        leading = size * 1.3
        self.pdf.set_text_color(round(gray * 255))
        for line in self.wrap(text, self.content_width, size, max_lines=50):
            self._room(leading)
            top = self.pdf.get_y()
            self._line(line, self.left, top + size, size, self.content_width)
            self.pdf.set_y(top + leading)
        self.pdf.set_text_color(0)
        self.space(space_after)

    def space(self, points):
        if self.pdf.page == 0:
            self.pdf.add_page()
        self.pdf.set_y(self.pdf.get_y() + points)

    def table(self, columns, rows, *, header=True, width=None, size=None, progress=None, every=250):
        """Draw ``rows`` (an iterable of sequences of values, read as it goes) under a header row
        repeated on every page. Column widths are the columns' weights shared out over ``width``
        (the page's content width by default). ``progress(rows drawn)`` is called every ``every``
        rows and at the end. Returns the number of rows."""
        from fpdf.enums import TextMode

        pdf = self.pdf
        size = size or self.font_size
        width = width or self.content_width
        total_weight = sum(c.weight for c in columns) or 1
        widths = [width * c.weight / total_weight for c in columns]
        lefts = [self.left + sum(widths[:i]) for i in range(len(columns))]
        pad, leading = 1.6, size * 1.25

        def draw_row(cells, background=None, bold=False):
            height = max([1, *(len(lines) for lines in cells)]) * leading + 2 * pad
            self._room(height)
            top = pdf.get_y()
            if background is not None:
                pdf.set_fill_color(round(background * 255))
                pdf.rect(self.left, top, width, height, style="F")
            if bold:  # the regular font, filled and outlined: no second font to embed
                pdf.text_mode, pdf.line_width = TextMode.FILL_STROKE, 0.25
            for lines, x, w, column in zip(cells, lefts, widths, columns, strict=True):
                for n, line in enumerate(lines):
                    self._line(line, x + pad, top + pad + size + n * leading, size, w - 2 * pad, column.align)
            if bold:
                pdf.text_mode = TextMode.FILL
            pdf.set_draw_color(179)
            pdf.set_line_width(0.4)
            pdf.line(self.left, top + height, self.left + width, top + height)
            pdf.set_y(top + height)

        head = None
        if header:
            head = [self.wrap(c.label, w - 2 * pad, size, max_lines=3) for c, w in zip(columns, widths, strict=True)]
            head_height = max([1, *(len(lines) for lines in head)]) * leading + 2 * pad
            self._room(head_height + leading + 2 * pad)  # the header never ends a page alone
            draw_row(head, background=0.9, bold=True)
            self._repeat = lambda: draw_row(head, background=0.9, bold=True)
        count = 0
        try:
            for row in rows:
                cells = [self.wrap("" if value is None else value, w - 2 * pad, size)
                         for value, w in zip(row, widths, strict=False)]
                cells += [[]] * (len(columns) - len(cells))
                draw_row(cells)
                count += 1
                if progress is not None and count % every == 0:
                    progress(count)
        finally:
            self._repeat = None
        if progress is not None:
            progress(count)
        self.space(3 * MM)
        return count

    # --- the file -------------------------------------------------------------------------------------

    @property
    def pages(self):
        return self.pdf.page

    def close(self):
        """Finish the document and write it to ``out``. Returns the number of pages."""
        if self.pdf.page == 0:
            self.pdf.add_page()
        self._repeat = None
        self.out.write(self.pdf.output())
        return self.pdf.page
