"""The badges the objectives' lists show on each row, written by filters (not an include per row):
each says in words what its colour says."""

import pytest


@pytest.mark.parametrize("score, css, words", [
    (4, "text-bg-light border", "Low (1–4)"), (5, "text-bg-info", "Medium (5–9)"),
    (14, "text-bg-warning", "High (10–14)"), (25, "text-bg-danger", "Very high (15–25)"),
])
def test_a_rating_s_badge_gives_its_band_in_colour_and_in_words(score, css, words):
    from objectives.templatetags.risk_badges import rating_badge

    assert rating_badge(score) == (f'<span class="badge {css}">{score}<span class="visually-hidden"> · {words}'
                                   "</span></span>")
    assert rating_badge(None) == rating_badge(0) == "—"


@pytest.mark.parametrize("status, css, words", [
    ("achieved", "text-bg-success", "Achieved"), ("at_risk", "text-bg-warning", "At risk"),
    ("missed", "text-bg-danger", "Missed"), (None, "text-bg-light border text-body-secondary", "No value"),
])
def test_an_indicator_s_status_badge_says_its_status_in_words(status, css, words):
    from objectives.templatetags.kpi_badges import status_badge

    assert status_badge(status) == f'<span class="badge {css}">{words}</span>'


@pytest.mark.parametrize("status, css", [("achieved", "text-bg-success"), ("not_achieved", "text-bg-danger"),
                                         ("active", "text-bg-primary"), ("draft", "text-bg-secondary")])
def test_a_quality_objective_s_badge_names_its_status(status, css):
    from objectives.models import QualityObjective
    from objectives.templatetags.kpi_badges import objective_badge

    objective = QualityObjective(status=status)
    assert objective_badge(objective) == f'<span class="badge {css}">{objective.get_status_display()}</span>'
