"""ncreports: the fishbone (Ishikawa) diagram drawn on the server from a nonconformity's categories
and root cause: translated labels, long texts wrapped then cut with the full text kept in a
<title>, accessible (role, label, title, description), safe (escaped, no style or script), shown
in the cause section of the nonconformity's page."""

import re

from django.utils import translation

from nonconformities import services
from nonconformities.fishbone import WIDTH, fishbone_svg, wrap
from qms_portal.charts import text_width
from tests.nonconformities.factories import analysed, raise_nc

LONG = ("Cán bộ tiếp nhận không kiểm tra thời hạn giải quyết trên phần mềm một cửa trước khi chuyển hồ sơ "
        "sang phòng chuyên môn, nên không ai biết hồ sơ sắp trễ hạn cho đến ngày trả kết quả")


def analysed_with(ns, fishbone, root_cause="Quy trình không có bước kiểm tra thời hạn.", title=None):
    nc = raise_nc(ns, title=title or "Hồ sơ đất đai trả chậm")
    nc = analysed(ns, nc, root_cause=root_cause)
    services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause=root_cause,
                                           fishbone=fishbone)
    nc.refresh_from_db()
    return nc


def texts(svg):
    """Every text element's words as shown (its wrapped lines joined by a space), not the titles."""
    return [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", inner)) if "<tspan" in inner else inner
            for inner in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_a_long_text_is_wrapped_into_lines_that_fit_and_cut_with_an_ellipsis_after_the_last():
    lines, cut = wrap(LONG, 150, 12, 3)
    assert len(lines) == 3 and cut and lines[-1].endswith("…")
    assert all(text_width(line, 12) <= 150 for line in lines)
    assert " ".join(lines).replace("…", "") in LONG.replace("\n", " ")
    assert wrap("Thiếu biểu mẫu", 150, 12, 3) == (["Thiếu biểu mẫu"], False)


def test_chinese_text_without_spaces_is_broken_between_characters():
    lines, cut = wrap("受理人员在将案卷转交业务科室之前没有在一站式软件上检查办理期限", 100, 12, 2)
    assert len(lines) == 2 and cut
    assert all(text_width(line, 12) <= 100 for line in lines)


def test_the_diagram_shows_each_category_its_causes_the_problem_and_the_root_cause(ns):
    nc = analysed_with(ns, {"people": ["Thiếu cán bộ"], "method": ["Không có bước kiểm tra hạn"],
                            "measurement": ["Không có chỉ số theo dõi"]})
    svg = str(fishbone_svg(nc))
    shown = texts(svg)
    for label in ("People", "Method", "Equipment", "Materials", "Environment", "Measurement", "Problem",
                  "Root cause"):
        assert label in shown
    for cause in ("Thiếu cán bộ", "Không có bước kiểm tra hạn", "Không có chỉ số theo dõi"):
        assert cause in shown
    assert "Hồ sơ đất đai trả chậm" in shown
    assert "Quy trình không có bước kiểm tra thời hạn." in shown


def test_it_is_accessible_and_scales_to_the_width_of_a_phone(ns):
    nc = analysed_with(ns, {"method": ["Không có bước kiểm tra hạn"]})
    svg = str(fishbone_svg(nc))
    assert svg.startswith("<svg") and f'viewBox="0 0 {WIDTH} ' in svg and 'width="100%"' in svg
    assert 'role="img"' in svg and f'aria-label="Fishbone (Ishikawa) diagram of {nc.number}"' in svg
    assert f"<title>Fishbone (Ishikawa) diagram of {nc.number}</title>" in svg
    desc = re.search(r"<desc>(.*?)</desc>", svg).group(1)
    assert "Method: Không có bước kiểm tra hạn." in desc and "People: —." in desc
    # the Content Security Policy forbids inline styles and scripts
    assert "style" not in svg and "<script" not in svg


def test_a_cause_too_long_for_its_lines_is_cut_and_keeps_its_full_text_in_a_title(ns):
    nc = analysed_with(ns, {"people": [LONG]})
    svg = str(fishbone_svg(nc))
    assert f"<title>{LONG}</title>" in svg
    assert any(t.endswith("…") for t in texts(svg))
    assert LONG not in texts(svg)


def test_the_labels_are_in_the_readers_language(ns):
    nc = analysed_with(ns, {"equipment": ["Máy tính cũ"]})
    for language in ("vi", "zh-hans", "zh-hant"):
        with translation.override(language):
            shown = texts(str(fishbone_svg(nc)))
            people, problem = translation.gettext("People"), translation.gettext("Problem")
        assert people != "People"  # in the catalogue already: the label follows the language
        assert people in shown and "People" not in shown and problem in shown


def test_text_from_the_record_is_escaped(ns):
    nc = analysed_with(ns, {"materials": ['<script>alert("x")</script> & mẫu']}, root_cause="a < b")
    svg = str(fishbone_svg(nc))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &lt; b" in svg


def test_no_diagram_without_fishbone_causes(ns):
    nc = analysed(ns)
    services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause="Chỉ có nguyên nhân",
                                           fishbone={})
    nc.refresh_from_db()
    assert fishbone_svg(nc) == ""


def test_the_nonconformitys_page_draws_the_fishbone_in_the_cause_section(ns, client_for):
    nc = analysed_with(ns, {"environment": ["Trụ sở chật"]})
    body = client_for(ns.head).get(nc.get_absolute_url()).content.decode()
    cause = body[body.index('id="cause-h"'):body.index('id="actions-h"')]
    assert 'data-testid="fishbone"' in cause and 'class="nc-fishbone"' in cause and "Trụ sở chật" in cause
