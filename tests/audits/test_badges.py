"""A finding's grade badge, written by a filter (not an include on each row of the findings list)."""

import pytest

from audits.templatetags.audit_badges import grade_badge


@pytest.mark.parametrize("grade, colour", [("major", "danger"), ("minor", "warning"), ("observation", "info"),
                                           ("good_practice", "success"), ("other", "secondary")])
def test_a_finding_s_badge_is_coloured_by_its_grade_and_names_it(grade, colour):
    assert grade_badge(grade, "Nhỏ & <b>") == f'<span class="badge text-bg-{colour}">Nhỏ &amp; &lt;b&gt;</span>'
