"""The fishbone (Ishikawa) diagram of a nonconformity, as SVG made on the server: the same picture
on the page and in the PDF report (WeasyPrint draws inline SVG).

Drawn upright so that it reads on a phone: the spine runs down the middle to the head (the
problem: the nonconformity's title), the six categories (people, method, equipment, materials,
environment, measurement) branch off it, three on each side, each a coloured label over its
causes; the root cause is stated in a box under the head. The viewBox is 400 units wide
(``width="100%"``: it scales to the screen, one unit about one pixel on a 390 px phone) and grows
downwards with the causes.

Texts are wrapped onto lines that fit their column (by the same width estimate as
``qms_portal.charts``: Latin letters half an em, Chinese characters a full em); what still does not
fit in a cause's few lines is cut with an ellipsis, and the cause's full text stays in a ``<title>``
(a tooltip, and what a screen reader reads). The ``<svg>`` has ``role="img"``, an ``aria-label``
and a ``<title>``; its ``<desc>`` holds every category and cause in words. Like the core's charts:
presentation attributes only (no ``style=``, no ``<style>``, no script: the Content Security
Policy), every text escaped, colours that pass WCAG AA against white (and white text on them)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qms_portal.charts import PALETTE, _char_width, text_width

from .models import FISHBONE_CATEGORIES

WIDTH = 400
PAD = 8
SPINE_X = WIDTH / 2
GAP = 14  # between a side's column and the spine
LABEL_H = 24
FONT, SMALL = 13, 12
LINE_H = 16
CAUSE_LINES = 3  # lines of one cause before it is cut (the full text stays in its <title>)
HEAD_LINES = 3
ROOT_LINES = 5
TEXT, MUTED, SPINE, HEAD_FILL, ROOT_FILL = "#212529", "#495057", "#343a40", "#f1f3f5", "#fff3cd"
COLUMN_W = SPINE_X - GAP - PAD  # a side's width


def _plain(value):
    return " ".join(str(value if value is not None else "").split())


def _n(value):
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def wrap(text, max_width, size, max_lines):
    """``text`` on lines no wider than ``max_width`` at ``size``: broken at spaces, or between any
    two characters in a word too long for a line (Chinese has no spaces); at most ``max_lines``,
    the last cut with an ellipsis when text remains. Returns (lines, whether it was cut)."""
    text = _plain(text)
    lines, line, width = [], "", 0.0
    ellipsis = text_width("…", size)

    def push():
        nonlocal line, width
        lines.append(line.rstrip())
        line, width = "", 0.0

    for word in text.replace(" ", " \0").split("\0"):
        if line and width + text_width(word.rstrip(), size) > max_width:
            push()
            if len(lines) == max_lines:
                break
        if text_width(word.rstrip(), size) <= max_width - width:
            line, width = line + word, width + text_width(word, size)
            continue
        for ch in word:  # a word longer than the line: broken where it must be
            ch_w = _char_width(ch) * size
            if width + ch_w > max_width and line:
                push()
                if len(lines) == max_lines:
                    break
            line, width = line + ch, width + ch_w
        if len(lines) == max_lines:
            break
    if line.strip() and len(lines) < max_lines:
        push()
    shown = "".join(lines).replace(" ", "")
    cut = len(shown) < len(text.replace(" ", ""))
    if cut and lines:
        last = lines[-1]
        while last and text_width(last, size) + ellipsis > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines, cut


def _lines(x, y, lines, *, size, fill=TEXT, anchor="start", bold=False):
    attrs = f'font-size="{size}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    spans = "".join(f'<tspan x="{_n(x)}" dy="{0 if i == 0 else LINE_H}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{_n(x)}" y="{_n(y)}" {attrs}>{spans}</text>'


def _text_block(x, y, text, *, max_width, size, max_lines, fill=TEXT, anchor="start", bold=False):
    """Wrapped text from baseline ``y``; the full text in a <title> when it was cut. Returns
    (svg, number of lines)."""
    # No font metrics here: leave room for a face wider than the estimate (bold more so).
    lines, cut = wrap(text, max_width * (0.82 if bold else 0.9), size, max_lines)
    if not lines:
        return "", 0
    element = _lines(x, y, lines, size=size, fill=fill, anchor=anchor, bold=bold)
    if cut:
        element = f"<g><title>{escape(_plain(text))}</title>{element}</g>"
    return element, len(lines)


def _category_block(index, label, causes, top):
    """One category on its side of the spine, from ``top``: its label, its causes, and the bone
    from the label to the spine. Returns (svg parts, height)."""
    left = index % 2 == 0
    x0 = PAD if left else SPINE_X + GAP
    colour = PALETTE[index % len(PALETTE)]
    parts = [f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(COLUMN_W)}" height="{LABEL_H}" rx="4" fill="{colour}"/>']
    label_text, _count = _text_block(x0 + COLUMN_W / 2, top + LABEL_H / 2 + FONT * 0.35, label,
                                     max_width=COLUMN_W - 8, size=FONT, max_lines=1, fill="#ffffff",
                                     anchor="middle", bold=True)
    parts.append(label_text)
    y = top + LABEL_H + 6 + SMALL
    text_x, text_w = (x0 + 12, COLUMN_W - 30) if left else (x0 + 22, COLUMN_W - 26)
    if not causes:
        parts.append(f'<text x="{_n(text_x)}" y="{_n(y)}" font-size="{SMALL}" fill="{MUTED}">—</text>')
        y += LINE_H
    for cause in causes:
        parts.append(f'<circle cx="{_n(text_x - 6)}" cy="{_n(y - SMALL * 0.35)}" r="2" fill="{colour}"/>')
        block, count = _text_block(text_x, y, cause, max_width=text_w, size=SMALL, max_lines=CAUSE_LINES)
        parts.append(block)
        y += LINE_H * count + 4
    bottom = y - SMALL + 4
    # The bone: from the label's inner lower corner down to the spine, beside the causes.
    inner = x0 + COLUMN_W if left else x0
    parts.append(f'<line x1="{_n(inner - 2 if left else inner + 2)}" y1="{_n(top + LABEL_H)}" x2="{_n(SPINE_X)}" '
                 f'y2="{_n(bottom + 6)}" stroke="{colour}" stroke-width="2.5"/>')
    return parts, bottom - top + 6


def has_fishbone(nc):
    """Whether any cause was recorded in the fishbone's categories."""
    return any(nc.fishbone.get(key) for key in FISHBONE_CATEGORIES) if nc.fishbone else False


def description(nc):
    """The whole diagram in words (for ``<desc>`` and for readers who cannot see the picture)."""
    data = nc.fishbone or {}
    parts = [_("Problem: %(problem)s.") % {"problem": _plain(nc.title)}]
    for key, label in FISHBONE_CATEGORIES.items():
        causes = data.get(key) or []
        parts.append(f"{label}: " + ("; ".join(_plain(c) for c in causes) if causes else "—") + ".")
    if nc.root_cause:
        parts.append(_("Root cause: %(cause)s") % {"cause": _plain(nc.root_cause)})
    return " ".join(parts)


def fishbone_svg(nc, font_family=None):
    """The diagram of ``nc`` as a safe SVG string ("" when no cause was recorded in its fishbone).
    ``font_family`` (a CSS list) for its text where no page style reaches it (the PDF)."""
    if not has_fishbone(nc):
        return ""
    data = nc.fishbone or {}
    categories = list(FISHBONE_CATEGORIES.items())
    parts, y = [], PAD
    for row in range(0, len(categories), 2):
        heights = []
        for index in (row, row + 1):
            key, label = categories[index]
            block, height = _category_block(index, str(label), [_plain(c) for c in data.get(key) or []], y)
            parts += block
            heights.append(height)
        y += max(heights) + 10
    spine_end = y + 4
    # The spine, its arrow head, then the head: the problem.
    parts.insert(0, f'<line x1="{_n(SPINE_X)}" y1="{PAD}" x2="{_n(SPINE_X)}" y2="{_n(spine_end - 8)}" '
                    f'stroke="{SPINE}" stroke-width="3"/>')
    parts.append(f'<path d="M{_n(SPINE_X - 7)},{_n(spine_end - 10)} L{_n(SPINE_X + 7)},{_n(spine_end - 10)} '
                 f'L{_n(SPINE_X)},{_n(spine_end)} z" fill="{SPINE}"/>')
    head_lines, _cut = wrap(nc.title, (WIDTH - 2 * PAD - 16) * 0.82, FONT, HEAD_LINES)
    head_h = 10 + SMALL + 6 + LINE_H * max(1, len(head_lines)) + 4
    parts.append(f'<rect x="{PAD}" y="{_n(spine_end)}" width="{WIDTH - 2 * PAD}" height="{_n(head_h)}" rx="6" '
                 f'fill="{HEAD_FILL}" stroke="{SPINE}" stroke-width="1.5"/>')
    parts.append(f'<text x="{PAD + 8}" y="{_n(spine_end + 8 + SMALL)}" font-size="{SMALL}" fill="{MUTED}" '
                 f'font-weight="bold">{escape(_("Problem"))}</text>')
    block, _count = _text_block(PAD + 8, spine_end + 8 + SMALL + 6 + FONT, nc.title, max_width=WIDTH - 2 * PAD - 16,
                                size=FONT, max_lines=HEAD_LINES, bold=True)
    parts.append(block)
    y = spine_end + head_h + 10
    if nc.root_cause:
        lines, _cut = wrap(nc.root_cause, (WIDTH - 2 * PAD - 16) * 0.9, FONT, ROOT_LINES)
        root_h = 10 + SMALL + 6 + LINE_H * len(lines) + 4
        parts.append(f'<rect x="{PAD}" y="{_n(y)}" width="{WIDTH - 2 * PAD}" height="{_n(root_h)}" rx="6" '
                     f'fill="{ROOT_FILL}" stroke="#8a6100" stroke-width="1.5"/>')
        parts.append(f'<text x="{PAD + 8}" y="{_n(y + 8 + SMALL)}" font-size="{SMALL}" fill="{TEXT}" '
                     f'font-weight="bold">{escape(_("Root cause"))}</text>')
        block, _count = _text_block(PAD + 8, y + 8 + SMALL + 6 + FONT, nc.root_cause, max_width=WIDTH - 2 * PAD - 16,
                                    size=FONT, max_lines=ROOT_LINES)
        parts.append(block)
        y += root_h
    height = y + PAD
    label = _("Fishbone (Ishikawa) diagram of %(number)s") % {"number": nc.number}
    font = f' font-family="{escape(font_family)}"' if font_family else ""
    return mark_safe(  # noqa: S308 - every text inside is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
        f'aria-label="{escape(label)}" class="nc-fishbone" focusable="false"{font}>'
        f"<title>{escape(label)}</title><desc>{escape(description(nc))}</desc>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{_n(height)}" fill="#ffffff"/>'
        + "".join(parts) + "</svg>"
    )
