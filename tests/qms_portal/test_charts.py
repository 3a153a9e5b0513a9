"""Server-side SVG charts: their structure, safety (CSP, escaping), accessibility (summary, table,
contrast), the template that places them, and the same charts in a PDF."""

import copy
import itertools
import math
import re
from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from qms_portal import charts, pdf
from tests.helpers import need

SVG = "{http://www.w3.org/2000/svg}"
UNITS = ["Ward 1", "Ward 2", "Office of Home Affairs"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
HOSTILE = '<script>alert("x")</script>'


def parse(chart):
    return ElementTree.fromstring(str(chart.svg))


def elements(chart, tag, klass=None):
    found = parse(chart).iter(SVG + tag)
    return [e for e in found if klass is None or klass in (e.get("class") or "").split()]


def texts(chart):
    return [e.text for e in parse(chart).iter(SVG + "text")]


def every_kind(label=UNITS[0], title="Chart"):
    """One chart of each kind, with ``label`` as a category/row and a series name."""
    return [
        charts.bar([label, "B"], {label: [3, 1]}, title=title, horizontal=False),
        charts.bar([label, "B"], [3, 1], title=title, horizontal=True),
        charts.line([label, "B", "C"], {label: [1, 2, 3]}, title=title, target=2),
        charts.stacked_bar([label, "B"], {label: [1, 2], "Closed": [3, 4]}, title=title),
        charts.heatmap([("r", label)], [("c", label)], {("r", "c"): "done"}, title=title,
                       legend=[("done", label)]),
    ]


# --- structure -------------------------------------------------------------------------------

def test_a_bar_chart_draws_one_bar_per_value_and_none_for_missing_or_zero_values():
    chart = charts.bar(UNITS, {"Open": [3, 0, 5], "Closed": [2, None, 1]}, title="Nonconformities",
                       horizontal=False)
    assert len(elements(chart, "rect", "qms-chart-bar")) == 4
    # a zero still says "0" on the chart; a missing value says nothing there, "no data" in the table
    assert texts(chart).count("0") >= 2  # the axis and the zero bar
    assert chart.table.rows[1].cells == ("0", "no data")


def test_a_bar_chart_turns_horizontal_for_many_categories_or_long_labels():
    many = charts.bar([f"U{i}" for i in range(8)], list(range(8)), title="Many")
    few = charts.bar(["A", "B", "C"], [1, 2, 3], title="Few")
    long = charts.bar(["A very long name of a specialist office", "B"], [1, 2], title="Long")

    def horizontal(chart):
        bars = elements(chart, "rect", "qms-chart-bar")
        return all(float(b.get("height")) < float(b.get("width")) for b in bars)

    assert horizontal(many) and horizontal(long)
    assert not horizontal(few)
    assert not horizontal(charts.bar(["A", "B"], [10, 20], title="Forced", horizontal=False))


def test_bar_heights_are_proportional_to_the_values():
    chart = charts.bar(["A", "B"], [10, 20], title="Proportional", horizontal=False)
    small, big = (float(b.get("height")) for b in elements(chart, "rect", "qms-chart-bar"))
    assert big == pytest.approx(2 * small, rel=0.02)


def test_a_line_chart_draws_its_target_line_and_breaks_at_missing_values():
    chart = charts.line(MONTHS, {"On time": [96, 97, None, 98, 98.5, 99]}, title="On time", target=98,
                        unit_label="%", y_min=90)
    target = elements(chart, "path", "qms-chart-target")
    assert len(target) == 1
    assert target[0].get("stroke-dasharray")
    (line,) = elements(chart, "path", "qms-chart-line")
    assert line.get("d").count("M") == 2  # the gap in March starts a new stroke
    assert len(elements(chart, "g", "qms-chart-point")) == 5
    assert "Target" in texts(chart)  # in the legend
    assert chart.table.headers == ("Category", "On time (%)", "Target")
    assert chart.table.rows[2].cells == ("no data", "98")
    assert "with a target line" in chart.summary


def test_a_line_chart_without_target_has_no_target_line_and_a_varying_target_follows_its_values():
    assert not elements(charts.line(MONTHS[:3], [1, 2, 3], title="No target"), "path", "qms-chart-target")
    chart = charts.line(MONTHS[:3], [1, 2, 3], title="Varying", target=[1, 2, 3], target_label="Plan")
    (target,) = elements(chart, "path", "qms-chart-target")
    ys = [float(point.split(",")[1]) for point in re.findall(r"[ML]([\d.]+,[\d.]+)", target.get("d"))]
    assert ys[0] > ys[1] > ys[2]  # rising values: smaller y
    assert chart.table.headers[-1] == "Plan"


def test_a_line_chart_axis_starts_at_y_min_but_never_hides_a_lower_value():
    chart = charts.line(["a", "b"], [95, 99], title="KPI", y_min=90)
    assert texts(chart)[:1] != []
    assert "90" in texts(chart) and "0" not in texts(chart)
    lower = charts.line(["a", "b"], [85, 99], title="KPI", y_min=90)
    assert min(float(t) for t in texts(lower) if t.isdigit()) <= 85


def test_a_stacked_bar_chart_stacks_the_series_and_totals_each_category():
    chart = charts.stacked_bar(UNITS, {"Open": [3, 0, 5], "In progress": [1, 1, None], "Closed": [5, 2, 1]},
                               title="By status", horizontal=False)
    assert len(elements(chart, "rect", "qms-chart-bar")) == 7  # the zero and the missing value draw nothing
    assert chart.table.headers == ("Category", "Open", "In progress", "Closed", "Total")
    assert [row.cells[-1] for row in chart.table.rows] == ["9", "3", "6"]
    assert {"9", "3", "6"} <= set(texts(chart))
    # the segments of one category sit on top of each other
    first = sorted((float(b.get("y")), float(b.get("height")))
                   for b in elements(chart, "rect", "qms-chart-bar")
                   if b.get("x") == elements(chart, "rect", "qms-chart-bar")[0].get("x"))
    for (y1, h1), (y2, _h2) in itertools.pairwise(first):
        assert y1 + h1 == pytest.approx(y2, abs=0.2)


def test_a_heat_map_draws_one_cell_per_row_and_column_with_its_levels_tone():
    legend = [("gap", "Gap"), ("planned", "Planned"), ("done", "Done", "✓")]
    cells = {("w1", 4): "done", ("w1", 5): "planned", ("w2", 4): "gap"}
    chart = charts.heatmap([("w1", "Ward 1"), ("w2", "Ward 2")], [(4, "4"), (5, "5"), (6, "6")], cells,
                           title="Audit coverage", legend=legend, category_label="Unit")
    filled = elements(chart, "rect", "qms-heat-cell")
    assert len(filled) == 3
    assert len(elements(chart, "rect", "qms-heat-empty")) == 3
    tones = charts.HEAT_TONES
    assert sorted(r.get("fill") for r in filled) == sorted([tones[0], tones[2], tones[4]])
    assert "✓" in texts(chart)
    assert chart.table.headers == ("Unit", "4", "5", "6")
    assert chart.table.rows[0] == charts.Row("Ward 1", ("Done", "Planned", "no data"))
    assert "Gap: 1, Planned: 1, Done: 1" in chart.summary


def test_a_heat_map_refuses_a_level_its_legend_does_not_name():
    with pytest.raises(ValueError, match="legend"):
        charts.heatmap(["a"], ["b"], {("a", "b"): "unknown"}, title="T", legend=[("done", "Done")])


def test_a_heat_map_with_many_columns_turns_their_labels_and_is_marked_wide():
    columns = [(i, f"Clause {i} of the standard") for i in range(20)]
    chart = charts.heatmap(["Ward 1"], columns, {("Ward 1", 0): "done"}, title="Wide", legend=[("done", "Done")])
    assert chart.wide
    assert any("rotate(-90" in (t.get("transform") or "") for t in parse(chart).iter(SVG + "text"))


def test_a_legend_wraps_onto_more_lines_when_its_entries_do_not_fit():
    series = {f"A rather long status name {i}": [1, 2] for i in range(6)}
    chart = charts.bar(["A", "B"], series, title="Legend")
    legend_lines = {t.get("y") for t in parse(chart).iter(SVG + "text") if (t.text or "").startswith("A rather")}
    assert len(legend_lines) >= 3
    # and the plot starts below the legend's last line
    tallest = min(float(b.get("y")) for b in elements(chart, "rect", "qms-chart-bar"))
    assert tallest > max(float(y) for y in legend_lines)


def test_empty_data_says_no_data():
    for chart in [charts.bar([], [], title="Empty"), charts.bar(["A"], [None], title="Missing"),
                  charts.line(MONTHS, {"x": [None] * 6}, title="Empty line"),
                  charts.stacked_bar(["A"], {}, title="Nothing"),
                  charts.heatmap(["a"], ["b"], {}, title="Empty map", legend=[("done", "Done")])]:
        assert "No data" in texts(chart)
        assert chart.is_empty and chart.table.rows == ()
        assert "no data" in parse(chart).get("aria-label")


def test_all_zero_values_draw_an_axis_and_zero_labels_not_no_data():
    chart = charts.bar(["A", "B"], [0, 0], title="Zero", horizontal=False)
    assert "No data" not in texts(chart)
    assert texts(chart).count("0") == 3  # the axis and each bar
    assert not chart.is_empty


def test_negative_values_and_mismatched_series_are_refused():
    with pytest.raises(ValueError, match="negative"):
        charts.bar(["A"], [-1], title="Negative")
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        charts.bar(["A", "B", "C"], {"Open": [1, 2]}, title="Short")
    with pytest.raises(TypeError):
        charts.bar(["A"], ["3"], title="Text")


# --- safety and accessibility ----------------------------------------------------------------

@pytest.mark.parametrize("index", range(5))
def test_every_kind_is_an_accessible_image_with_a_viewbox_and_no_style_or_script(index):
    chart = every_kind(title="Open NCs")[index]
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert root.get("aria-label", "").startswith("Open NCs")
    assert root.find(SVG + "title").text == root.get("aria-label")
    svg = str(chart.svg)
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg.lower()
    assert "on" + "load" not in svg.lower() and "href" not in svg


@pytest.mark.parametrize("index", range(5))
def test_labels_titles_and_series_names_are_escaped(index):
    chart = every_kind(label=HOSTILE, title=HOSTILE)[index]
    svg = str(chart.svg)
    assert "<script" not in svg.lower()
    assert "&lt;script&gt;" in svg
    parse(chart)  # still well-formed XML
    html = render_to_string("generic/chart.html", {"chart": chart})
    assert "<script" not in html.lower()


def test_a_long_label_is_clipped_with_an_ellipsis_and_keeps_its_full_text_in_a_title():
    name = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận Hai Bà Trưng"
    chart = charts.bar([name, "Ward 2"], [4, 2], title="Clipped", horizontal=True)
    shown = [t for t in texts(chart) if t and t.endswith("…")]
    assert shown and name.startswith(shown[0][:-1])
    titles = [t.text for t in parse(chart).iter(SVG + "title")]
    assert name in titles
    assert chart.table.rows[0].label == name


def test_lazy_translations_are_rendered_in_the_active_language():
    chart_vi = None
    with translation.override("vi"):
        chart_vi = charts.bar([gettext_lazy("Pending")], [1.5], title=gettext_lazy("Pending"))
    chart_en = charts.bar([gettext_lazy("Pending")], [1.5], title=gettext_lazy("Pending"))
    assert chart_en.title == "Pending"
    assert chart_vi.table.rows[0].cells == ("1,5",)  # Vietnamese writes a decimal comma
    assert chart_en.table.rows[0].cells == ("1.5",)


def test_numbers_follow_the_readers_locale():
    chart = charts.bar(["A"], [12345.5], title="Big")
    assert chart.table.rows[0].cells == ("12,345.5",)
    assert "12,345.5" in texts(chart)
    with translation.override("vi"):
        assert charts.number(12345.5).endswith(",5")
    assert charts.number(98.25, decimals=1) in {"98.2", "98.3"}
    assert charts.number(None) == ""


def test_small_whole_numbers_are_written_as_the_locale_would_write_them():
    """``number`` skips the locale's formatter for whole numbers below a thousand (a chart has
    hundreds of them): what it writes is what the formatter writes, in every language."""
    from django.utils import formats

    for language in ("en", "vi", "zh-hans", "zh-hant"):
        with translation.override(language):
            for value in (0, 7, 42, 999, -999, 1000, 12345):
                assert charts.number(value) == formats.number_format(value, force_grouping=True), (language, value)
            assert charts.number(5, decimals=1) == formats.number_format(5, decimal_pos=1, force_grouping=True)


def _luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _lab(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_the_palette_passes_non_text_contrast_and_the_text_colours_text_contrast():
    for colour in charts.PALETTE + charts.HEAT_TONES:
        # 3:1 is WCAG's non-text minimum; 4.5:1 also makes white value labels on the bars readable
        assert _contrast(colour, charts.WHITE) >= 4.5, colour
    for colour in (charts.TEXT, charts.MUTED, charts.AXIS):
        assert _contrast(colour, charts.WHITE) >= 4.5, colour


def test_the_palette_colours_stay_distinguishable():
    for a, b in itertools.combinations(charts.PALETTE, 2):
        assert math.dist(_lab(a), _lab(b)) >= 30, (a, b)
    tones = charts.HEAT_TONES
    for a, b in itertools.pairwise(tones):
        assert math.dist(_lab(a), _lab(b)) >= 20, (a, b)
        assert _luminance(a) > _luminance(b)  # light to dark: the order reads without hue


# --- the template ----------------------------------------------------------------------------

def test_the_template_shows_the_chart_and_its_data_as_a_table():
    chart = charts.stacked_bar(UNITS, {"Open": [3, 0, 5], "Closed": [1, None, 2]}, title="NCs <b>by</b> status",
                               category_label="Unit")
    html = render_to_string("generic/chart.html", {"chart": chart})
    assert html.count("<svg") == 1
    assert re.search(r"<figcaption[^>]*>NCs &lt;b&gt;by&lt;/b&gt; status</figcaption>", html)
    assert re.search(r"<details class=\"qms-chart-data\">\s*<summary>Show the data</summary>", html)
    assert "<caption>NCs &lt;b&gt;by&lt;/b&gt; status</caption>" in html
    assert re.findall(r'<th scope="col">([^<]*)</th>', html) == ["Unit", "Open", "Closed", "Total"]
    assert re.findall(r'<th scope="row">([^<]*)</th>', html) == UNITS
    assert '<td class="text-end">no data</td>' in html
    assert "style=" not in html


def test_the_template_can_open_the_table_and_leave_out_the_title():
    chart = charts.bar(["A"], [1], title="Shown elsewhere")
    html = render_to_string("generic/chart.html", {"chart": chart, "open": True, "hide_title": True})
    assert "<details class=\"qms-chart-data\" open>" in html
    assert "<figcaption" not in html


def test_the_template_of_an_empty_chart_has_no_table():
    html = render_to_string("generic/chart.html", {"chart": charts.line([], [], title="Nothing")})
    assert "No data" in html and "<details" not in html


def test_a_wide_chart_scrolls_in_a_focusable_labelled_region():
    columns = [(i, f"Clause {i}") for i in range(24)]
    chart = charts.heatmap(["Ward 1"], columns, {("Ward 1", 0): "done"}, title="Wide", legend=[("done", "Done")])
    html = render_to_string("generic/chart.html", {"chart": chart})
    assert 'class="qms-chart qms-chart-wide"' in html
    assert 'tabindex="0" role="region" aria-label="Wide"' in html


# --- PDF -------------------------------------------------------------------------------------

@pytest.fixture
def chart_page(tmp_path, settings):
    """A PDF page with each chart: its SVG alone (``svg_only``), or through the template with its
    table open."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    (tmp_path / "charts_page.html").write_text(
        '{% extends "pdf/base.html" %}{% block body %}{% for chart in charts %}'
        '{% if svg_only %}<div class="qms-chart-picture">{{ chart.svg }}</div>'
        '{% else %}{% include "generic/chart.html" with chart=chart open=True %}{% endif %}'
        '{% endfor %}{% endblock %}',
        encoding="utf-8",
    )
    return "charts_page.html"


def _pdf_text(data):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_every_kind_of_chart_renders_in_a_pdf_with_its_labels(chart_page):
    problem = pdf.weasyprint_problem()
    need(problem is None, problem or "", "QMS_REQUIRE_BROWSER")
    drawn = [
        charts.bar(["Quangninh", "Haibatrung"], [12, 7], title="Barvertical", horizontal=False),
        charts.bar([f"Ward{i}" for i in range(8)], list(range(8)), title="Barhorizontal"),
        charts.line(MONTHS, {"Ontime": [96, 97, None, 98, 98.5, 99]}, title="Linekpi", target=98,
                    target_label="Goalline", y_min=90),
        charts.stacked_bar(["Dalian", "Shaoxing"], {"Openstatus": [3, 1], "Closedstatus": [2, 5]},
                           title="Stackedbars"),
        charts.heatmap([("w", "Wardrow")], [("c", "Clausecol")], {("w", "c"): "done"}, title="Heatmapchart",
                       legend=[("done", "Donelevel")]),
    ]
    labels = ["Quangninh", "Haibatrung", "Ward7", "Jun", "Goalline", "Dalian", "Openstatus", "Wardrow",
              "Clausecol", "Donelevel"]
    # the SVGs alone: every label in the PDF was drawn by the chart itself
    data = pdf.render_pdf(chart_page, {"charts": drawn, "svg_only": True})
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    for label in labels:
        assert label in text, label
    assert "Barvertical" not in text  # the title is the figure's caption, not drawn twice
    # through the template: the chart, its caption and its table
    text = _pdf_text(pdf.render_pdf(chart_page, {"charts": drawn}))
    for label in [*labels, "Barvertical", "Heatmapchart", "Category"]:
        assert label in text, label
