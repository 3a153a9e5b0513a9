"""Long tables as PDF, drawn directly: exports of thousands of rows (the master list at province scale).

Every other PDF of the portal is made by WeasyPrint (``pdf.py``), which lays out each table cell
through the whole CSS box model: about 8 ms of CPU a row for a 12-column table, so 10,000 rows take
80 s or more even when rendered in chunks and joined. A long list needs none of that: ``TablePdf``
draws it itself — a heading, short paragraphs, then tables with fixed columns, text wrapped within
each cell, the header row repeated on every page, a running header and footer and "Page X of Y" —
at a fraction of a millisecond a row. Each page is written to the output as soon as it is full
(memory stays flat whatever the number of rows); the fonts come last: the system fonts the other
PDFs use, found through fontconfig by language (Noto Sans CJK SC/TC for Chinese), with a fallback
per character, embedded as subsets (fontTools), with ToUnicode maps so the text can be searched
and copied::

    with open(path, "wb") as out:
        pdf = TablePdf(out, language="vi", title="Danh mục tài liệu", header="…", footer="In lúc … bởi …")
        pdf.heading("Danh mục tài liệu")
        pdf.paragraph("Bộ lọc: …")
        pdf.table([Column("", 60), Column("", 12, "right")], [["Cấp 1", "3"], ["Tổng", "35"]], header=False,
                  width=300)
        pdf.table([Column("Mã", 9), Column("Tên", 30), …], rows, progress=callback)
        pages = pdf.close()
"""

import os
import re
import shutil
import subprocess
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from hashlib import md5

from django.utils import timezone
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

# Line breaks: after a space, a hyphen or a slash, and around Chinese characters (but never before
# closing punctuation).
NO_BREAK_BEFORE = set("，。、；：？！）」』】〉》”’%,.;:!?)]}")


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


def _is_cjk(char):
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x2FFFF)


_SPACES = re.compile(r"\s+")


def _clean(text):
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", "".join(c for c in text if c >= " " or c in "\t\n\r")).strip()


def _tokens(text):
    """Pieces of text between break opportunities, each with its trailing space (if any)."""
    start = 0
    last = len(text) - 1
    for i, char in enumerate(text):
        if i == last:
            break
        after = text[i + 1]
        if char == " ":
            yield text[start:i], True
            start = i + 1
        elif after != " " and after not in NO_BREAK_BEFORE and (
                char in "-/" or _is_cjk(char) or _is_cjk(after)):
            yield text[start:i + 1], False
            start = i + 1
    if start <= last:
        yield text[start:], False


class _Face:
    """One font file: its character map and advance widths, and the glyphs used so far."""

    def __init__(self, path, index, number):
        from fontTools.ttLib import TTFont

        self.path, self.index, self.number = path, index, number
        font = TTFont(path, fontNumber=index, lazy=True)
        self.upem = font["head"].unitsPerEm
        head, hhea = font["head"], font["hhea"]
        scale = 1000 / self.upem
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent, self.descent = round(hhea.ascent * scale), round(hhea.descent * scale)
        self.cff = "CFF " in font
        cmap = font.getBestCmap() or {}
        gids = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
        advances = font["hmtx"].metrics
        self.glyphs = {code: (gids[name], advances[name][0] * scale) for code, name in cmap.items() if name in gids}
        self.notdef = (0, advances[font.getGlyphOrder()[0]][0] * scale)
        family = font["name"].getDebugName(6) or font["name"].getDebugName(1) or "Font"
        self.name = re.sub(r"[^A-Za-z0-9-]", "", family)[:60] or "Font"
        font.close()
        self.used = {}  # gid → the text it stands for (ToUnicode)
        self.widths = {}  # gid → width in 1/1000 of the font size

    def subset(self):
        """The font program with only the used glyphs (glyph ids kept: the content uses them): by
        HarfBuzz when its subsetting library is installed (``libharfbuzz-subset0``: a fraction of a
        second), else by fontTools (seconds for a few thousand Chinese characters)."""
        gids = sorted({0, *self.used})
        program = _harfbuzz_subset(self.path, self.index, gids)
        return program if program else self._fonttools_subset(gids)

    def _fonttools_subset(self, gids):
        import io
        import logging

        from fontTools import subset
        from fontTools.ttLib import TTFont

        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        options = subset.Options(retain_gids=True, ignore_missing_glyphs=True, hinting=False, desubroutinize=True,
                                 notdef_outline=True, name_IDs=[0, 1, 2, 3, 4, 5, 6])
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "SVG ", "DSIG", "vhea", "vmtx", "VORG",
                                "kern", "morx", "feat", "FFTM"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=gids)
        font = TTFont(self.path, fontNumber=self.index)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        font.close()
        return out.getvalue()


HARFBUZZ = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file (const char *file_name);
unsigned int hb_blob_get_length (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy (hb_blob_t *blob);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_face_destroy (hb_face_t *face);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
void hb_subset_input_destroy (hb_subset_input_t *input);
void hb_set_add (hb_set_t *set, unsigned int codepoint);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
# hb-subset.h: no hinting, keep glyph ids, desubroutinize, keep the outline of .notdef.
HB_SUBSET_FLAGS = 0x01 | 0x02 | 0x04 | 0x40


@lru_cache(maxsize=1)
def _harfbuzz():
    """HarfBuzz's subsetting library through cffi, or None where it is not installed."""
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(HARFBUZZ)
        for name in ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset.0.dylib"):
            try:
                return ffi, ffi.dlopen(name)
            except OSError:
                continue
    except Exception:  # noqa: BLE001 - no cffi, or an old library without these functions
        return None
    return None


def _harfbuzz_subset(path, index, gids):
    """The subset font program made by HarfBuzz, or None (not installed, or it could not)."""
    found = _harfbuzz()
    if found is None:
        return None
    ffi, hb = found
    blob = hb.hb_blob_create_from_file(os.fsencode(path))
    face = hb.hb_face_create(blob, index)
    wanted = hb.hb_subset_input_create_or_fail()
    subset = result = None
    try:
        if wanted == ffi.NULL or hb.hb_blob_get_length(blob) == 0:
            return None
        glyphs = hb.hb_subset_input_glyph_set(wanted)
        for gid in gids:
            hb.hb_set_add(glyphs, gid)
        hb.hb_subset_input_set_flags(wanted, HB_SUBSET_FLAGS)
        subset = hb.hb_subset_or_fail(face, wanted)
        if subset == ffi.NULL:
            return None
        result = hb.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(result, length)
        return bytes(ffi.buffer(data, length[0])) if length[0] else None
    finally:
        if result is not None:
            hb.hb_blob_destroy(result)
        if subset is not None and subset != ffi.NULL:
            hb.hb_face_destroy(subset)
        if wanted != ffi.NULL:
            hb.hb_subset_input_destroy(wanted)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


class TablePdf:
    """A PDF of headings, paragraphs and long tables, written page by page to ``out`` (a binary file
    opened for writing). See the module docstring."""

    def __init__(self, out, *, language="en", title="", header="", footer="", page_size=A4_LANDSCAPE,
                 margins=(16 * MM, 10 * MM, 14 * MM, 10 * MM), font_size=7.5, max_lines=6):
        try:
            import fontTools  # noqa: F401
        except ImportError as error:
            raise PdfUnavailable(_("PDF output is not available on this server. Ask the administrator to install: "
                                   "%(packages)s") % {"packages": "fonttools"}) from error
        self.files = font_files(FAMILIES.get((language or "").lower(), DEFAULT_FAMILIES))
        if not self.files:
            raise PdfUnavailable(_("PDF output is not available on this server. Ask the administrator to install: "
                                   "%(packages)s") % {"packages": INSTALL_HINT})
        self.out, self.title, self.header, self.footer = out, title, header, footer
        self.width, self.height = page_size
        self.top, self.right, self.bottom, self.left = margins
        self.font_size, self.max_lines = font_size, max_lines
        self.faces = []  # loaded on first need, in the order of ``self.files``
        self._glyph_cache = {}
        self._offsets = {}
        self._next_object = 5  # 1 catalog, 2 page tree, 3 resources, 4 information
        self.pages = []  # object numbers of each page's content
        self.ops = None
        self.y = 0
        self._repeat = None  # the header of the table being drawn, repeated on each new page
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    # --- fonts and text ------------------------------------------------------------------------------

    def _face(self, n):
        while len(self.faces) <= n:
            path, index = self.files[len(self.faces)]
            self.faces.append(_Face(path, index, len(self.faces)))
        return self.faces[n]

    def _glyph(self, char):
        """(face number, glyph id, width per 1000) of a character: the first font that has it."""
        hit = self._glyph_cache.get(char)
        if hit is None:
            code = ord(char)
            for n in range(len(self.files)):
                found = self._face(n).glyphs.get(code)
                if found is not None:
                    hit = (n, found[0], found[1], char)
                    break
            else:
                hit = (0, *self._face(0).notdef, char)
            self._glyph_cache[char] = hit
        return hit

    def measure(self, text, size):
        return sum(self._glyph(c)[2] for c in _clean(text)) * size / 1000

    def wrap(self, text, width, size, max_lines=None):
        """``text`` in lines no wider than ``width`` points: lists of glyphs. A word longer than the
        width is broken between characters; text beyond ``max_lines`` ends with an ellipsis."""
        text = _clean(text)
        if not text:
            return []
        max_lines = max_lines or self.max_lines
        scale = size / 1000
        space = self._glyph(" ")
        lines, line, line_width, pending = [], [], 0.0, False
        for word, spaced in _tokens(text):
            glyphs = [self._glyph(c) for c in word]
            word_width = sum(g[2] for g in glyphs) * scale
            gap = space[2] * scale if pending and line else 0.0
            if line and line_width + gap + word_width > width:
                lines.append(line)
                line, line_width, gap = [], 0.0, 0.0
            if gap:
                line.append(space)
                line_width += gap
            if not line and word_width > width:
                for glyph in glyphs:
                    advance = glyph[2] * scale
                    if line and line_width + advance > width:
                        lines.append(line)
                        line, line_width = [], 0.0
                    line.append(glyph)
                    line_width += advance
            else:
                line.extend(glyphs)
                line_width += word_width
            pending = spaced
            if len(lines) > max_lines:
                break
        if line:
            lines.append(line)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            ellipsis = self._glyph("…")
            last = lines[-1]
            while last and (sum(g[2] for g in last) + ellipsis[2]) * scale > width:
                last.pop()
            lines[-1] = [*last, ellipsis]
        return lines

    def _draw_line(self, glyphs, x, y, size, width=None, align="left"):
        if not glyphs:
            return
        if align != "left" and width is not None:
            used = sum(g[2] for g in glyphs) * size / 1000
            x += (width - used) if align == "right" else (width - used) / 2
        parts = [f"BT {x:.2f} {y:.2f} Td".encode()]
        face, run = None, []
        for glyph in glyphs:
            number, gid, advance, char = glyph
            if number != face:
                if run:
                    parts.append(b"<" + "".join(run).encode() + b"> Tj")
                    run = []
                face = number
                parts.append(f"/F{number} {size:g} Tf".encode())
            used = self.faces[number]
            if gid not in used.used:
                used.used[gid] = char
                used.widths[gid] = advance
            run.append(f"{gid:04x}")
        parts.append(b"<" + "".join(run).encode() + b"> Tj ET")
        self.ops.append(b" ".join(parts))

    def text(self, text, x, y, size, width=None, align="left", gray=0.0):
        """One line of text at (x, y), cut to fit ``width`` if given."""
        lines = self.wrap(text, width or self.width, size, max_lines=1)
        if lines:
            if gray:
                self.ops.append(f"{gray:g} g".encode())
            self._draw_line(lines[0], x, y, size, width, align)
            if gray:
                self.ops.append(b"0 g")

    # --- pages ----------------------------------------------------------------------------------------

    @property
    def content_width(self):
        return self.width - self.left - self.right

    def _new_page(self):
        self._end_page()
        self.ops = []
        header_y = self.height - self.top + 4 * MM
        if self.header:
            self.text(self.header, self.left, header_y, 7.5, width=self.content_width, gray=0.3)
        if self.footer:
            self.text(self.footer, self.left, self.bottom - 7 * MM, 7, width=self.content_width * 0.75, gray=0.3)
        self.y = self.height - self.top
        if self._repeat is not None:
            self._repeat()

    def _end_page(self):
        if self.ops is None:
            return
        self.pages.append(self._stream(b"\n".join(self.ops)))
        self.ops = None

    def _room(self, height):
        """Start a new page unless ``height`` points still fit above the bottom margin."""
        if self.ops is None or self.y - height < self.bottom:
            self._new_page()

    # --- blocks ---------------------------------------------------------------------------------------

    def heading(self, text, size=14):
        self.paragraph(text, size=size, space_after=size * 0.6)

    def paragraph(self, text, size=8.5, space_after=4, gray=0.0):
        leading = size * 1.3
        for line in self.wrap(text, self.content_width, size, max_lines=50):
            self._room(leading)
            self.y -= size
            if gray:
                self.ops.append(f"{gray:g} g".encode())
            self._draw_line(line, self.left, self.y, size)
            if gray:
                self.ops.append(b"0 g")
            self.y -= leading - size
        self.y -= space_after

    def space(self, points):
        self.y -= points

    def table(self, columns, rows, *, header=True, width=None, size=None, progress=None, every=250):
        """Draw ``rows`` (an iterable of sequences of values, read as it goes) under a header row
        repeated on every page. Column widths are the columns' weights shared out over ``width``
        (the page's content width by default). ``progress(rows drawn)`` is called every ``every``
        rows and at the end. Returns the number of rows."""
        size = size or self.font_size
        width = width or self.content_width
        total_weight = sum(c.weight for c in columns) or 1
        widths = [width * c.weight / total_weight for c in columns]
        lefts = [self.left + sum(widths[:i]) for i in range(len(columns))]
        pad, leading = 1.6, size * 1.25
        right = self.left + width

        def draw_row(cells, background=None, bold=False):
            heights = [len(lines) for lines in cells]
            height = max([1, *heights]) * leading + 2 * pad
            self._room(height)
            top = self.y
            if background is not None:
                self.ops.append(f"{background:g} g {self.left:.2f} {top - height:.2f} {width:.2f} {height:.2f} re f 0 g"
                                .encode())
            if bold:  # the regular font, filled and outlined: no second font to embed
                self.ops.append(b"2 Tr 0.25 w 0 G")
            for lines, x, w, column in zip(cells, lefts, widths, columns, strict=True):
                y = top - pad - size
                for line in lines:
                    self._draw_line(line, x + pad, y, size, w - 2 * pad, column.align)
                    y -= leading
            if bold:
                self.ops.append(b"0 Tr")
            self.ops.append(f"0.7 G 0.4 w {self.left:.2f} {top - height:.2f} m {right:.2f} {top - height:.2f} l S"
                            .encode())
            self.y = top - height

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
        self.y -= 3 * MM
        return count

    # --- the file -------------------------------------------------------------------------------------

    def _write(self, data):
        self.out.write(data)

    def _object(self, body, number=None):
        number = number or self._allocate()
        self._offsets[number] = self.out.tell()
        self._write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        return number

    def _allocate(self):
        number = self._next_object
        self._next_object += 1
        return number

    def _stream(self, data, extra=b"", compress=True):
        if compress:
            data = zlib.compress(data, 6)
            extra += b" /Filter /FlateDecode"
        return self._object(b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream")

    def _page_numbers(self):
        total = len(self.pages)
        numbers = []
        for n in range(1, total + 1):
            self.ops = []
            label = _("Page %(n)s of %(total)s") % {"n": n, "total": total}
            self.text(label, self.width - self.right - 60 * MM, self.bottom - 7 * MM, 7, width=60 * MM,
                      align="right", gray=0.3)
            numbers.append(self._stream(b"\n".join(self.ops)))
        self.ops = None
        return numbers

    def _font(self, face):
        tag = "".join(chr(65 + b % 26) for b in md5(f"{face.path}{face.index}{sorted(face.used)}".encode(),
                                                    usedforsecurity=False).digest()[:6])
        name = f"/{tag}+{face.name}".encode()
        program = face.subset()
        if face.cff:
            file_key, extra = b"/FontFile3", b" /Subtype /OpenType"
        else:
            file_key, extra = b"/FontFile2", b" /Length1 %d" % len(program)
        font_file = self._stream(program, extra)
        descriptor = self._object(
            b"<< /Type /FontDescriptor /FontName " + name + b" /Flags 4 /FontBBox [%d %d %d %d]" % tuple(face.bbox)
            + b" /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 " % (face.ascent, face.descent,
                                                                                     face.ascent)
            + file_key + b" %d 0 R >>" % font_file)
        widths = []
        for gid in sorted(face.widths):
            widths.append(b"%d [%d]" % (gid, round(face.widths[gid])))
        subtype = b"/CIDFontType0" if face.cff else b"/CIDFontType2 /CIDToGIDMap /Identity"
        cid_font = self._object(
            b"<< /Type /Font /Subtype " + subtype + b" /BaseFont " + name
            + b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R"
            % descriptor + b" /W [" + b" ".join(widths) + b"] >>")
        cmap = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
                b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
                b"1 begincodespacerange <0000> <ffff> endcodespacerange"]
        items = sorted(face.used.items())
        for start in range(0, len(items), 100):
            chunk = items[start:start + 100]
            cmap.append(b"%d beginbfchar" % len(chunk))
            cmap += [f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>".encode() for gid, text in chunk]
            cmap.append(b"endbfchar")
        cmap.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
        to_unicode = self._stream(b"\n".join(cmap))
        return self._object(b"<< /Type /Font /Subtype /Type0 /BaseFont " + name + b" /Encoding /Identity-H"
                            + b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode))

    def close(self):
        """Finish the last page, add the page numbers and the fonts, and end the file. Returns the
        number of pages."""
        if self.ops is None and not self.pages:
            self._new_page()
        self._end_page()
        numbers = self._page_numbers()
        fonts = {face.number: self._font(face) for face in self.faces if face.used}
        self._object(b"<< /Font << " + b" ".join(b"/F%d %d 0 R" % item for item in fonts.items()) + b" >> >>",
                     number=3)
        kids = []
        media = b"[0 0 %.2f %.2f]" % (self.width, self.height)
        for content, number in zip(self.pages, numbers, strict=True):
            kids.append(self._object(b"<< /Type /Page /Parent 2 0 R /MediaBox " + media
                                     + b" /Resources 3 0 R /Contents [%d 0 R %d 0 R] >>" % (content, number)))
        self._object(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                     + b"] /Count %d >>" % len(kids), number=2)
        self._object(b"<< /Type /Catalog /Pages 2 0 R >>", number=1)
        created = timezone.now().strftime("D:%Y%m%d%H%M%SZ").encode()
        title = ("\ufeff" + (self.title or "")).encode("utf-16-be").hex().encode()
        self._object(b"<< /Title <" + title + b"> /Producer (QMS Portal) /CreationDate (" + created + b") >>",
                     number=4)
        xref = self.out.tell()
        count = self._next_object
        lines = [b"xref", b"0 %d" % count, b"0000000000 65535 f "]
        lines += [b"%010d 00000 n " % self._offsets[n] for n in range(1, count)]
        self._write(b"\n".join(lines) + b"\n")
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))
        return len(self.pages)
