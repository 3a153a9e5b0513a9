"""A qualification's state badge, written by a filter (not an include on each row of the list): its
colour and its state in words."""

import pytest

from training.templatetags.training_badges import state_badge


@pytest.mark.parametrize("state, css, words", [
    ("valid", "text-bg-success", "Valid"), ("expiring", "text-bg-warning", "Expiring"),
    ("expired", "text-bg-danger", "Expired"), ("withdrawn", "text-bg-secondary", "Withdrawn"),
])
def test_a_qualification_s_badge_says_its_state_in_words(state, css, words):
    assert state_badge(state) == f'<span class="badge {css}">{words}</span>'
