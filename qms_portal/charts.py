"""Charts as SVG made on the server: the same picture in a page and in a PDF (WeasyPrint draws
inline SVG), with its data as a real table beside it for people who cannot see the picture.

    chart = charts.bar([_("Ward 1"), _("Ward 2")], {_("Open"): [3, 0], _("Closed"): [5, 2]},
                       title=_("Nonconformities per unit"))
    {% include "generic/chart.html" with chart=chart %}

Four kinds: ``bar`` (vertical, or horizontal for many or long categories), ``line`` (with an
optional target line), ``stacked_bar`` and ``heatmap`` (rows × columns of levels). Each returns a
``Chart`` with ``.svg`` (a safe string) and ``.table`` (caption, headers, rows of formatted cells).

Hand-made rather than a library: pygal writes ``<style>`` and ``<script>`` elements into its SVG
and matplotlib ``style=`` attributes, which the Content Security Policy forbids. Here the output
uses presentation attributes only (``fill``, ``font-size``…): no ``style=``, no ``<style>``, no
script. Every text is escaped; long labels are clipped with an ellipsis and keep their full text
in a ``<title>``. Sizes suit a 390 px phone (the viewBox is 400 units wide, text 13–15 units);
the palette passes WCAG 2.1 non-text contrast (every colour ≥ 4.5:1 against white, so white text
on it is readable too), and text is dark grey (≥ 8:1).

Input is plain Python: labels are strings or lazy translations (rendered in the active
language), values are numbers or None (missing: no bar, "no data" in the table). Negative values
are not supported (counts and rates never are): they raise ``ValueError``. Numbers are formatted
with ``formats.number_format`` in the active language, when the chart is built.
"""

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Categorical colours (darkened Okabe–Ito hues), each ≥ 4.5:1 against white.
PALETTE = ("#0b62a4", "#c2410c", "#0f7a5c", "#a3427a", "#8a6100", "#6d28d9", "#4b5563", "#9f1239")
# Heat-map tones, light to dark (viridis-like: they differ in lightness, not only in hue), ≥ 4.5:1.
HEAT_TONES = ("#1d7f6e", "#1a6e8c", "#33508f", "#482878", "#2e1a47")
TEXT, MUTED, AXIS, GRID, WHITE = "#212529", "#495057", "#6c757d", "#dee2e6", "#ffffff"

WIDTH = 400  # viewBox units; on a 390 px phone one unit is about 0.9 px
FONT, SMALL = 15, 13
PAD = 8
PLOT_H = 180
MAX_VERTICAL = 6  # more categories than this are drawn as horizontal bars
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple  # the first names the row headers' column
    rows: tuple  # of Row: a label and its formatted cells
    numeric: bool = True  # cells are numbers (aligned right)


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    summary: str
    svg: str
    table: Table
    wide: bool = False  # wider than a phone: the template lets it scroll sideways

    @property
    def is_empty(self):
        return not self.table.rows

    def __html__(self):
        return self.svg

    def __str__(self):
        return self.svg


@dataclass(frozen=True)
class _Series:
    name: str
    values: tuple


# --- text ------------------------------------------------------------------------------------

def _label(value):
    return " ".join(str(value if value is not None else "").split())


def _char_width(ch):
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in "il.,:;|!'()[] ":
        return 0.32
    if ch.isupper() or ch in "mwMW%@":
        return 0.72
    return 0.56


def text_width(text, size):
    """An estimate of the width of ``text`` at ``size`` (no font metrics on the server: Latin
    letters about half an em, Chinese characters a full em)."""
    return sum(_char_width(ch) for ch in text) * size


def clip(text, max_width, size):
    """``text`` cut with an ellipsis to fit ``max_width``."""
    if text_width(text, size) <= max_width:
        return text
    limit = max_width - text_width("…", size)
    kept, width = [], 0.0
    for ch in text:
        width += _char_width(ch) * size
        if width > limit:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…"


def _n(value):
    """A coordinate: at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _text(x, y, text, *, size=FONT, anchor="start", fill=TEXT, max_width=None, bold=False, rotate=False):
    full = _label(text)
    shown = clip(full, max_width, size) if max_width else full
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    if rotate:
        attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
    element = f"<text {attrs}>{escape(shown)}</text>"
    return f"<g><title>{escape(full)}</title>{element}</g>" if shown != full else element


def number(value, decimals=None):
    """A value as the reader's locale writes it ("1,234.5", "1.234,5"); "" for None."""
    if value is None:
        return ""
    if decimals is not None:
        return formats.number_format(value, decimal_pos=decimals, force_grouping=True)
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # no grouping, no decimals: every locale writes it so (a chart has hundreds)
    if isinstance(value, float):
        value = round(value, 2)
    if isinstance(value, float | Decimal) and value == int(value):
        value = int(value)
    elif isinstance(value, Decimal):
        value = value.normalize()
    return formats.number_format(value, force_grouping=True)


# --- input -----------------------------------------------------------------------------------

def _check_value(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"a chart value must be a number or None, not {value!r}")
    if value < 0:
        raise ValueError("charts do not draw negative values")
    return value


def _series(series, count, default_name):
    """``{name: values}``, ``[(name, values), …]`` or one plain list of values."""
    if isinstance(series, Mapping):
        pairs = list(series.items())
    else:
        series = list(series)
        if not any(isinstance(item, tuple | list) for item in series):
            pairs = [(default_name, series)]
        else:
            pairs = [tuple(pair) for pair in series]
    result = []
    for name, values in pairs:
        values = tuple(_check_value(v) for v in values)
        if len(values) != count:
            raise ValueError(f"series {name!s} has {len(values)} values for {count} categories")
        result.append(_Series(_label(name), values))
    return result


def _keyed(items):
    """Row or column labels, each a label or a ``(key, label)`` pair → [(key, label)]."""
    out = []
    for item in items:
        key, label = item if isinstance(item, tuple) and len(item) == 2 else (item, item)
        out.append((key, _label(label)))
    return out


def _no_data_table(title, headers):
    return Table(caption=_label(title), headers=tuple(headers), rows=())


# --- shared pieces ---------------------------------------------------------------------------

def _svg(width, height, summary, body, wide=False, role="img"):
    # (a picture with links in it is a group: an image's content is not reachable)
    klass = "qms-chart-svg qms-chart-wide" if wide else "qms-chart-svg"
    return mark_safe(  # noqa: S308 - every text inside is escaped by _text/escape
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'role="{role}" aria-label="{escape(summary)}" class="{klass}" focusable="false">'
        f'<title>{escape(summary)}</title>'
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="{WHITE}"/>'
        + "".join(body) + "</svg>"
    )


def _empty(kind, title, headers):
    summary = _("%(title)s: no data.") % {"title": _label(title)}
    svg = _svg(WIDTH, 60, summary, [_text(WIDTH / 2, 36, _("No data"), anchor="middle", fill=MUTED)])
    return Chart(kind=kind, title=_label(title), summary=summary, svg=svg, table=_no_data_table(title, headers))


def _is_empty(series):
    return not series or all(v is None for s in series for v in s.values)


def _swatch(kind, x, y, colour, index=0):
    if kind == "line":
        return (f'<line x1="{_n(x)}" y1="{_n(y + 6)}" x2="{_n(x + 18)}" y2="{_n(y + 6)}" stroke="{colour}" '
                f'stroke-width="2.5"/>' + _marker(index, x + 9, y + 6, colour))
    if kind == "target":
        return (f'<line x1="{_n(x)}" y1="{_n(y + 6)}" x2="{_n(x + 18)}" y2="{_n(y + 6)}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="5 3"/>')
    if kind == "none":
        return (f'<rect x="{_n(x + 3)}" y="{_n(y)}" width="12" height="12" fill="{WHITE}" stroke="{AXIS}" '
                f'stroke-width="1"/>')
    return f'<rect x="{_n(x + 3)}" y="{_n(y)}" width="12" height="12" fill="{colour}"/>'


def _legend(items, x0, y0, width):
    """Legend entries ``(swatch kind, colour, label)`` that wrap onto as many lines as they need.
    Returns (svg parts, height)."""
    parts, x, y, line_h = [], x0, y0, FONT + 8
    for index, (kind, colour, label) in enumerate(items):
        label = _label(label)
        shown = min(text_width(label, SMALL), width - 24)
        item_w = 24 + shown + 14
        if x > x0 and x + item_w > x0 + width:
            x, y = x0, y + line_h
        parts.append(_swatch(kind, x, y + 2, colour, index))
        parts.append(_text(x + 24, y + 12, label, size=SMALL, max_width=width - 24))
        x += item_w
    return parts, (y - y0 + line_h) if items else 0


def _scale(low, high, integer, ticks=4):
    """A nice axis from ``low`` to ``high``: (bottom, top, tick values)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.ceil(step))
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    count = round((top - bottom) / step)
    return bottom, top, [round(bottom + i * step, 10) for i in range(count + 1)]


def _all_integers(*groups):
    return all(v is None or v == int(v) for group in groups for v in group)


def _marker(index, x, y, colour):
    shape = MARKERS[index % len(MARKERS)]
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        points = ((x, y - 5), (x + 5, y + 4), (x - 5, y + 4))
    else:
        points = ((x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y))
    d = " ".join(f"{'L' if i else 'M'}{_n(px)},{_n(py)}" for i, (px, py) in enumerate(points))
    return f'<path d="{d} z" fill="{colour}"/>'


def _value_table(title, category_label, categories, series, decimals, unit_label, extra=()):
    """Categories as rows, series as columns (plus ``extra`` columns: (header, values))."""
    suffix = f" ({_label(unit_label)})" if unit_label else ""
    headers = [category_label or _("Category")] + [s.name + suffix for s in series] + [h for h, _v in extra]
    no_data = _("no data")
    rows = []
    for i, category in enumerate(categories):
        cells = [number(s.values[i], decimals) if s.values[i] is not None else no_data for s in series]
        cells += [number(values[i], decimals) if values[i] is not None else no_data for _h, values in extra]
        rows.append(Row(category, tuple(cells)))
    return Table(caption=_label(title), headers=tuple(_label(h) for h in headers), rows=tuple(rows))


def _horizontal(categories, horizontal, left):
    if horizontal is not None:
        return horizontal
    if len(categories) > MAX_VERTICAL:
        return True
    slot = (WIDTH - left - PAD) / max(1, len(categories))
    return any(text_width(c, SMALL) > slot - 4 for c in categories)


def _series_legend(series, kind="bar"):
    return [(kind, PALETTE[i % len(PALETTE)], s.name) for i, s in enumerate(series)] if len(series) > 1 else []


# --- bar and stacked bar ---------------------------------------------------------------------

def bar(categories, series, *, title, unit_label="", horizontal=None, category_label="", decimals=None):
    """Bars per category, one bar per series (grouped). ``series`` is ``{name: values}``, a list
    of ``(name, values)`` pairs, or one plain list of values. ``horizontal=None`` chooses
    horizontal bars for more than six categories or labels too long to stand under a bar."""
    return _bars("bar", categories, series, title=title, unit_label=unit_label, horizontal=horizontal,
                 category_label=category_label, decimals=decimals, stacked=False)


def stacked_bar(categories, series, *, title, unit_label="", horizontal=None, category_label="", decimals=None):
    """One bar per category made of the series stacked (e.g. nonconformities per unit by
    status), its total at the end; the table adds a Total column."""
    return _bars("stacked_bar", categories, series, title=title, unit_label=unit_label, horizontal=horizontal,
                 category_label=category_label, decimals=decimals, stacked=True)


def _bars(kind, categories, series, *, title, unit_label, horizontal, category_label, decimals, stacked):
    categories = [_label(c) for c in categories]
    series = _series(series, len(categories), _label(unit_label) or _label(title))
    if not categories or _is_empty(series):
        return _empty(kind, title, [category_label or _("Category")])
    totals = [sum(v for v in values if v is not None) for values in zip(*(s.values for s in series), strict=True)]
    extra = [(_("Total"), totals)] if stacked else []
    table = _value_table(title, category_label, categories, series, decimals, unit_label, extra)
    peak = max(totals) if stacked else max(v for s in series for v in s.values if v is not None)
    integer = _all_integers(*(s.values for s in series))
    bottom, top, ticks = _scale(0, peak, integer)
    tick_labels = [number(t) for t in ticks]
    y_axis_w = max(text_width(t, SMALL) for t in tick_labels) + 8
    horizontal = _horizontal(categories, horizontal, y_axis_w + PAD)
    legend, legend_h = _legend(_series_legend(series), PAD, PAD, WIDTH - 2 * PAD)
    draw = _draw_horizontal if horizontal else _draw_vertical
    body, height = draw(categories, series, totals, top, ticks, tick_labels, legend_h, decimals, stacked)
    summary = _bar_summary(kind, title, categories, series, totals, decimals, stacked, unit_label)
    return Chart(kind=kind, title=_label(title), summary=summary, svg=_svg(WIDTH, height, summary, legend + body),
                 table=table)


def _bar_summary(kind, title, categories, series, totals, decimals, stacked, unit_label):
    title = _label(title)
    if stacked:
        text = ngettext("%(title)s: stacked bars for %(count)s category", "%(title)s: stacked bars for %(count)s "
                        "categories", len(categories)) % {"title": title, "count": len(categories)}
        values = totals
    else:
        text = ngettext("%(title)s: bars for %(count)s category", "%(title)s: bars for %(count)s categories",
                        len(categories)) % {"title": title, "count": len(categories)}
        values = series[0].values if len(series) == 1 else None
    if values is not None:
        best = max(range(len(categories)), key=lambda i: values[i] if values[i] is not None else -1)
        value = number(values[best], decimals) + (f" {_label(unit_label)}" if unit_label else "")
        text += "; " + _("highest: %(label)s, %(value)s") % {"label": categories[best], "value": value}
    return text + "."


def _bar_rect(x, y, width, height, colour, tip):
    """One bar (or segment), with its category, series and value as a tooltip; a white edge
    keeps stacked segments apart."""
    return (f'<g><title>{escape(tip)}</title><rect class="qms-chart-bar" x="{_n(x)}" y="{_n(y)}" '
            f'width="{_n(width)}" height="{_n(height)}" fill="{colour}" stroke="{WHITE}" stroke-width="1"/></g>')


def _segments(series, i, stacked):
    """(series index, start, value) for category ``i``: side by side, or stacked."""
    start = 0
    for index, s in enumerate(series):
        value = s.values[i]
        if value is None:
            continue
        yield index, (start if stacked else 0), value
        if stacked:
            start += value


def _draw_vertical(categories, series, totals, top, ticks, tick_labels, legend_h, decimals, stacked):
    left = max(text_width(t, SMALL) for t in tick_labels) + 8 + PAD
    plot_top = PAD + legend_h + SMALL + 6
    plot_w, plot_bottom = WIDTH - left - PAD, plot_top + PLOT_H
    parts = []

    def y_of(value):
        return plot_bottom - PLOT_H * value / top

    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(WIDTH - PAD)}" y2="{_n(y)}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(_text(left - 6, y + SMALL * 0.35, label, size=SMALL, anchor="end", fill=MUTED))
    slot = plot_w / len(categories)
    group_w = slot * 0.72
    bar_w = group_w if stacked else group_w / len(series)
    for i, category in enumerate(categories):
        x0 = left + slot * i + (slot - group_w) / 2
        for index, start, value in _segments(series, i, stacked):
            colour = PALETTE[index % len(PALETTE)]
            x = x0 if stacked else x0 + index * bar_w
            y1, y2 = y_of(start + value), y_of(start)
            tip = f"{category} · {series[index].name}: {number(value, decimals)}"
            if value:
                parts.append(_bar_rect(x + 0.5, y1, max(bar_w - 1, 1), y2 - y1, colour, tip))
            label = number(value, decimals)
            if stacked:
                if value and y2 - y1 >= SMALL + 4 and text_width(label, SMALL) <= bar_w - 4:
                    parts.append(_text(x + bar_w / 2, (y1 + y2) / 2 + SMALL * 0.35, label, size=SMALL,
                                       anchor="middle", fill=WHITE))
            elif text_width(label, SMALL) <= bar_w + 6:
                parts.append(_text(x + bar_w / 2, y1 - 4, label, size=SMALL, anchor="middle", fill=TEXT))
        if stacked:
            parts.append(_text(x0 + group_w / 2, y_of(totals[i]) - 4, number(totals[i], decimals), size=SMALL,
                               anchor="middle", bold=True))
        parts.append(_text(left + slot * (i + 0.5), plot_bottom + SMALL + 6, category, size=SMALL,
                           anchor="middle", max_width=slot - 4))
    parts.append(f'<line x1="{_n(left)}" y1="{_n(plot_bottom)}" x2="{_n(WIDTH - PAD)}" y2="{_n(plot_bottom)}" '
                 f'stroke="{AXIS}" stroke-width="1"/>')
    return parts, plot_bottom + SMALL + 14


def _draw_horizontal(categories, series, totals, top, ticks, tick_labels, legend_h, decimals, stacked):
    label_w = min(max(text_width(c, SMALL) for c in categories), WIDTH * 0.38)
    left = PAD + label_w + 8
    end_labels = totals if stacked else [v for s in series for v in s.values if v is not None]
    right = max(text_width(number(v, decimals), SMALL) for v in end_labels) + 8 + PAD
    plot_w = WIDTH - left - right
    bar_h = 18 if stacked or len(series) == 1 else max(10, 26 // len(series))
    row_h = (bar_h if stacked else bar_h * len(series)) + 10
    plot_top = PAD + legend_h + 4
    plot_bottom = plot_top + row_h * len(categories)
    parts = []

    def x_of(value):
        return left + plot_w * value / top

    for tick, label in zip(ticks, tick_labels, strict=True):
        x = x_of(tick)
        parts.append(f'<line x1="{_n(x)}" y1="{_n(plot_top)}" x2="{_n(x)}" y2="{_n(plot_bottom)}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(_text(x, plot_bottom + SMALL + 4, label, size=SMALL, anchor="middle", fill=MUTED))
    for i, category in enumerate(categories):
        y0 = plot_top + row_h * i + 5
        parts.append(_text(left - 6, plot_top + row_h * (i + 0.5) + SMALL * 0.35, category, size=SMALL,
                           anchor="end", max_width=label_w))
        for index, start, value in _segments(series, i, stacked):
            colour = PALETTE[index % len(PALETTE)]
            y = y0 if stacked else y0 + index * bar_h
            x1, x2 = x_of(start), x_of(start + value)
            tip = f"{category} · {series[index].name}: {number(value, decimals)}"
            if value:
                parts.append(_bar_rect(x1, y + 0.5, x2 - x1, bar_h - 1, colour, tip))
            label = number(value, decimals)
            if stacked:
                if value and text_width(label, SMALL) <= x2 - x1 - 4 and bar_h >= SMALL:
                    parts.append(_text((x1 + x2) / 2, y + bar_h / 2 + SMALL * 0.35, label, size=SMALL,
                                       anchor="middle", fill=WHITE))
            elif bar_h >= SMALL - 2:
                parts.append(_text(x2 + 4, y + bar_h / 2 + SMALL * 0.35, label, size=SMALL))
        if stacked:
            parts.append(_text(x_of(totals[i]) + 4, y0 + bar_h / 2 + SMALL * 0.35, number(totals[i], decimals),
                               size=SMALL, bold=True))
    parts.append(f'<line x1="{_n(left)}" y1="{_n(plot_top)}" x2="{_n(left)}" y2="{_n(plot_bottom)}" '
                 f'stroke="{AXIS}" stroke-width="1"/>')
    return parts, plot_bottom + SMALL + 12


# --- line ------------------------------------------------------------------------------------

def line(x_labels, series, *, title, target=None, target_label=None, unit_label="", y_min=0,
         category_label="", decimals=None):
    """Lines over ``x_labels`` (e.g. months), a marker of its own shape on each point; a missing
    value (None) breaks the line. ``target`` is one number (a dashed horizontal line) or one
    value per x label (a dashed line that may change); it is in the legend and the table.
    ``y_min`` is where the axis starts (0 unless a KPI near 100 % reads better from e.g. 90)."""
    x_labels = [_label(x) for x in x_labels]
    series = _series(series, len(x_labels), _label(unit_label) or _label(title))
    target_label = _label(target_label) if target_label else _("Target")
    if not x_labels or _is_empty(series):
        return _empty("line", title, [category_label or _("Category")])
    if target is not None and not isinstance(target, list | tuple):
        targets = [_check_value(target)] * len(x_labels)
    elif target is not None:
        targets = [_check_value(t) for t in target]
        if len(targets) != len(x_labels):
            raise ValueError("the target needs one value per x label")
    else:
        targets = None
    table = _value_table(title, category_label, x_labels, series, decimals, unit_label,
                         [(target_label, targets)] if targets else [])
    values = [v for s in series for v in s.values if v is not None] + [t for t in targets or () if t is not None]
    bottom, top, ticks = _scale(min(min(values), y_min), max(values), _all_integers(values))
    tick_labels = [number(t) for t in ticks]
    left = max(text_width(t, SMALL) for t in tick_labels) + 8 + PAD
    items = _series_legend(series, "line") if len(series) > 1 else []
    if targets:
        items = (items or [("line", PALETTE[0], series[0].name)]) + [("target", MUTED, target_label)]
    legend, legend_h = _legend(items, PAD, PAD, WIDTH - 2 * PAD)
    plot_top = PAD + legend_h + 6
    plot_w, plot_bottom = WIDTH - left - PAD, plot_top + PLOT_H
    slot = plot_w / len(x_labels)
    parts = list(legend)

    def x_of(i):
        return left + slot * (i + 0.5)

    def y_of(value):
        return plot_bottom - PLOT_H * (value - bottom) / (top - bottom)

    for tick, label in zip(ticks, tick_labels, strict=True):
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y_of(tick))}" x2="{_n(WIDTH - PAD)}" y2="{_n(y_of(tick))}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y_of(tick) + SMALL * 0.35, label, size=SMALL, anchor="end", fill=MUTED))
    parts.append(f'<line x1="{_n(left)}" y1="{_n(plot_bottom)}" x2="{_n(WIDTH - PAD)}" y2="{_n(plot_bottom)}" '
                 f'stroke="{AXIS}" stroke-width="1"/>')
    widest = max(text_width(x, SMALL) for x in x_labels)
    every = next(k for k in range(1, len(x_labels) + 1) if widest <= slot * k - 4 or k == len(x_labels))
    for i, x_label in enumerate(x_labels):
        if i % every == 0:
            parts.append(_text(x_of(i), plot_bottom + SMALL + 6, x_label, size=SMALL, anchor="middle",
                               max_width=slot * every - 4))
    if targets:
        parts.append(f'<path class="qms-chart-target" d="{_path(targets, x_of, y_of)}" fill="none" '
                     f'stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 4"/>')
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<path class="qms-chart-line" d="{_path(s.values, x_of, y_of)}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.5" '
                     f'stroke-linejoin="round"/>')
        for i, value in enumerate(s.values):
            if value is not None:
                tip = f"{x_labels[i]} · {s.name}: {number(value, decimals)}"
                parts.append(f'<g class="qms-chart-point"><title>{escape(tip)}</title>'
                             f"{_marker(index, x_of(i), y_of(value), colour)}</g>")
    summary = _line_summary(title, x_labels, series, targets, target_label, decimals)
    return Chart(kind="line", title=_label(title), summary=summary,
                 svg=_svg(WIDTH, plot_bottom + SMALL + 14, summary, parts), table=table)


def _path(values, x_of, y_of):
    """A polyline through the values; None breaks it (a new "M" after the gap)."""
    d, pen = [], False
    for i, value in enumerate(values):
        if value is None:
            pen = False
            continue
        d.append(f"{'L' if pen else 'M'}{_n(x_of(i))},{_n(y_of(value))}")
        pen = True
    return " ".join(d)


def _line_summary(title, x_labels, series, targets, target_label, decimals):
    text = ngettext("%(title)s: lines over %(count)s point", "%(title)s: lines over %(count)s points",
                    len(x_labels)) % {"title": _label(title), "count": len(x_labels)}
    if targets:
        text += "; " + _("with a target line")
    for s in series:
        last = next((i for i in reversed(range(len(s.values))) if s.values[i] is not None), None)
        if last is not None:
            text += "; " + _("%(series)s at %(label)s: %(value)s") % {
                "series": s.name, "label": x_labels[last], "value": number(s.values[last], decimals)}
            if targets and targets[last] is not None:
                text += " (" + _("%(target)s: %(value)s") % {
                    "target": target_label, "value": number(targets[last], decimals)} + ")"
    return text + "."


# --- heat map --------------------------------------------------------------------------------

def heatmap(rows, columns, cells, *, title, legend, category_label="", texts=None, links=None):
    """A grid of levels: ``rows`` and ``columns`` are labels or ``(key, label)`` pairs, ``cells``
    maps ``(row key, column key)`` to a level key, ``legend`` lists the levels in order as
    ``(key, label)`` or ``(key, label, mark)`` (a short text drawn in the cell, e.g. "✓"), at most
    five. Tones go from light to dark in the legend's order (e.g. gap, planned, done). A cell
    without a level is drawn empty and reads "no data". ``texts`` maps a cell to a short text of
    its own drawn instead of the level's mark (a count, "before"), also in its tooltip and table
    cell; ``links`` maps a cell to a URL the cell links to (a list filtered to that cell)."""
    texts, links = texts or {}, links or {}
    rows, columns = _keyed(rows), _keyed(columns)
    levels = [(entry[0], _label(entry[1]), entry[2] if len(entry) > 2 else "") for entry in legend]
    if len(levels) > len(HEAT_TONES):
        raise ValueError(f"a heat map shows at most {len(HEAT_TONES)} levels")
    known = {key for key, _l, _m in levels}
    for key, level in cells.items():
        if level is not None and level not in known:
            raise ValueError(f"cell {key!r} has the level {level!r}, which the legend does not name")
    corner = _label(category_label) or _("Row")
    if not rows or not columns or not any(cells.get((r, c)) is not None for r, _lr in rows for c, _lc in columns):
        return _empty("heatmap", title, [corner])
    tone_index = _tones(len(levels))
    tone = {key: HEAT_TONES[tone_index[i]] for i, (key, _l, _m) in enumerate(levels)}
    label_of = {key: label for key, label, _m in levels}
    mark_of = {key: mark for key, _l, mark in levels}
    no_data = _("no data")

    def said(key):
        """A cell's level, and its own text when it has one."""
        text = _label(texts.get(key, ""))
        level = label_of.get(cells.get(key), no_data)
        return f"{level} ({text})" if text else level

    table = Table(caption=_label(title), headers=tuple([corner] + [label for _k, label in columns]),
                  rows=tuple(Row(r_label, tuple(said((r, c)) for c, _l in columns))
                             for r, r_label in rows), numeric=False)

    label_w = min(max(text_width(label, SMALL) for _k, label in rows), 150)
    left = PAD + label_w + 8
    cell = max(24, min(44, (WIDTH - left - PAD) / len(columns)))
    width = max(WIDTH, left + cell * len(columns) + PAD)
    widest_column = max(text_width(label, SMALL) for _k, label in columns)
    rotate = widest_column > cell - 4
    header_h = (min(widest_column, 96) if rotate else SMALL) + 10
    top = PAD + header_h
    parts = []
    for j, (_key, label) in enumerate(columns):
        x = left + cell * (j + 0.5)
        if rotate:
            parts.append(_text(x + SMALL * 0.35, top - 6, label, size=SMALL, max_width=96, rotate=True))
        else:
            parts.append(_text(x, top - 6, label, size=SMALL, anchor="middle"))
    for i, (row_key, row_label) in enumerate(rows):
        y = top + cell * i
        parts.append(_text(left - 6, y + cell / 2 + SMALL * 0.35, row_label, size=SMALL, anchor="end",
                           max_width=label_w))
        for j, (column_key, column_label) in enumerate(columns):
            level = cells.get((row_key, column_key))
            x = left + cell * j
            key = (row_key, column_key)
            tip = f"{row_label} · {column_label}: {said(key)}"
            mark = _label(texts[key]) if key in texts else mark_of.get(level, "")
            if level is None:
                shape = (f'<rect x="{_n(x + 1.5)}" y="{_n(y + 1.5)}" width="{_n(cell - 3)}" height="{_n(cell - 3)}" '
                         f'fill="{WHITE}" stroke="{AXIS}" stroke-width="1" class="qms-heat-empty"/>')
            else:
                shape = (f'<rect class="qms-heat-cell" x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(cell - 2)}" '
                         f'height="{_n(cell - 2)}" fill="{tone[level]}"/>')
                if mark:
                    shape += _text(x + cell / 2, y + cell / 2 + SMALL * 0.35, mark, size=SMALL,
                                   anchor="middle", fill=WHITE, bold=True, max_width=cell - 4)
            if links.get(key):
                parts.append(f'<a href="{escape(links[key])}" aria-label="{escape(tip)}" class="qms-heat-link">'
                             f"<title>{escape(tip)}</title>{shape}</a>")
            else:
                parts.append(f"<g><title>{escape(tip)}</title>{shape}</g>")
    grid_bottom = top + cell * len(rows)
    items = [("heat", tone[key], f"{mark} {label}" if mark else label) for key, label, mark in levels]
    if any(cells.get((r, c)) is None for r, _lr in rows for c, _lc in columns):
        items.append(("none", WHITE, no_data))
    legend_parts, legend_h = _legend(items, PAD, grid_bottom + 10, width - 2 * PAD)
    summary = _heat_summary(title, rows, columns, cells, levels)
    wide = width > WIDTH * 1.2
    svg = _svg(width, grid_bottom + 10 + legend_h + PAD, summary, parts + legend_parts, wide=wide,
               role="group" if any(links.values()) else "img")
    return Chart(kind="heatmap", title=_label(title), summary=summary, svg=svg, table=table, wide=wide)


def _tones(count):
    """Indexes into HEAT_TONES spread from light to dark for ``count`` levels."""
    if count <= 1:
        return [len(HEAT_TONES) - 1]
    last = len(HEAT_TONES) - 1
    return [round(i * last / (count - 1)) for i in range(count)]


def _heat_summary(title, rows, columns, cells, levels):
    text = _("%(title)s: a grid of %(rows)s × %(columns)s") % {
        "title": _label(title), "rows": len(rows), "columns": len(columns)}
    counts = {key: 0 for key, _l, _m in levels}
    for r, _lr in rows:
        for c, _lc in columns:
            level = cells.get((r, c))
            if level is not None:
                counts[level] += 1
    text += "; " + ", ".join(f"{label}: {number(counts[key])}" for key, label, _m in levels)
    return text + "."


# --- timeline (planned and actual spans) -----------------------------------------------------

def timeline(rows, *, title, today, planned_label, actual_label, category_label=""):
    """A row per step (a rollout's phases): its planned span as an outlined bar and its actual span
    as a solid one below it, on one time axis, with today marked. ``rows`` are ``(label, planned
    start, planned end, actual start, actual end, late)`` dates or None; an actual span without an
    end runs to ``today`` (under way); a late row's actual bar is red."""
    rows = [(_label(label), *dates) for label, *dates in rows]
    headers = [category_label or _("Step"), _("Planned start"), _("Planned end"), _("Actual start"), _("Actual end")]
    spans = [d for _l, ps, pe, s, e, _late in rows for d in (ps, pe, s, e) if d is not None]
    if not spans:
        return _empty("timeline", title, headers)
    low, high = min([*spans, today]), max([*spans, today])
    days = max((high - low).days, 1)
    left, right, row_h = 128, WIDTH - PAD, 34
    top = FONT + PAD

    def x(day):
        return left + (right - left) * (day - low).days / days

    body = [_text(left, FONT, formats.date_format(low, "SHORT_DATE_FORMAT"), size=SMALL, fill=MUTED),
            _text(right, FONT, formats.date_format(high, "SHORT_DATE_FORMAT"), size=SMALL, fill=MUTED,
                  anchor="end")]
    for index, (label, planned_start, planned_end, start, end, late) in enumerate(rows):
        y = top + index * row_h
        body.append(_text(PAD, y + 21, label, size=SMALL, max_width=left - 2 * PAD))
        if planned_end is not None:
            begin = x(planned_start or planned_end)
            body.append(f'<rect x="{_n(begin)}" y="{_n(y + 4)}" width="{_n(max(x(planned_end) - begin, 2))}" '
                        f'height="11" fill="{WHITE}" stroke="{PALETTE[0]}" stroke-width="1.5"/>')
        if start is not None:
            begin, finish = x(start), x(end or today)
            colour = PALETTE[7] if late else PALETTE[2]
            body.append(f'<rect x="{_n(begin)}" y="{_n(y + 18)}" width="{_n(max(finish - begin, 2))}" '
                        f'height="11" fill="{colour}"/>')
    bottom = top + len(rows) * row_h
    body.append(f'<line x1="{_n(x(today))}" y1="{_n(top)}" x2="{_n(x(today))}" y2="{_n(bottom)}" '
                f'stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="4 3"/>')
    legend, legend_h = _legend([("none", PALETTE[0], planned_label), ("bar", PALETTE[2], actual_label),
                                ("bar", PALETTE[7], _("Late")), ("target", TEXT, _("Today"))],
                               PAD, bottom + PAD, WIDTH - 2 * PAD)
    summary = _("%(title)s: planned and actual dates of %(count)s steps.") % {"title": _label(title),
                                                                               "count": len(rows)}

    def day(value):
        return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"

    table = Table(caption=_label(title), headers=tuple(headers), numeric=False, rows=tuple(
        Row(label, (day(ps), day(pe), day(s), day(e) if e or s is None else _("under way")))
        for label, ps, pe, s, e, _late in rows))
    svg = _svg(WIDTH, bottom + PAD + legend_h + PAD, summary, [*body, *legend])
    return Chart(kind="timeline", title=_label(title), summary=summary, svg=svg, table=table)
