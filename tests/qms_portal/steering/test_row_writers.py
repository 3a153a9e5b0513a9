"""The rows the rollout board and the evaluation ranking write in Python: every value escaped, a
zero or nothing shown as a dash as the templates showed it, numbers and dates in the reader's
language."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from qms_portal.steering.evaluation_rows import ranking_rows
from qms_portal.steering.rollout_cards import column_cards
from qms_portal.steering.rollout_selectors import Card, Column

HOSTILE = '<script>alert("x")</script>'


def _sheet(pk, status="Draft"):
    return SimpleNamespace(get_status_display=lambda: status, get_absolute_url=lambda: f"/steering/sheets/{pk}/")


def _ranked(rank, index, per, *, code="W1", name="Phường 1", previous_index=None, previous_rank=None):
    row = SimpleNamespace(sheet=_sheet(1), unit=SimpleNamespace(code=code, name=name), rank=rank, index=index,
                          self_index=Decimal("80.5"), per_criterion=per, previous_rank=previous_rank)
    row.change = None if index is None or previous_index is None else index - previous_index
    return row


def test_the_ranking_rows_escape_names_dash_zeros_and_localise_decimals():
    ranking = SimpleNamespace(rows=[
        _ranked(1, Decimal("92.5"), [Decimal("9.5"), Decimal("0"), None], name=HOSTILE,
                previous_index=Decimal("90.0"), previous_rank=3),
        _ranked(None, None, [Decimal("4.0"), None, None], code="W2"),
    ])
    with translation.override("vi"):
        html = str(ranking_rows(ranking))
    assert HOSTILE not in html and "&lt;script&gt;" in html
    signed, unsigned = html.split("\n")
    assert '<td class="text-end fw-semibold" data-index>92,5</td>' in signed
    assert '<td class="text-end">9,5</td><td class="text-end">—</td><td class="text-end">—</td>' in signed
    assert "+2,5" in signed and "hạng 3" in signed
    assert unsigned.startswith('<tr class="text-body-secondary" data-unit="W2"><td data-rank><span class="small">Draft')
    assert '<td class="text-end fw-semibold" data-index>—</td>' in unsigned


def test_the_board_cards_escape_names_and_offer_the_move_form_only_to_who_may_move():
    card = Card(7, "W1", HOSTILE, "Quận 1", "training", date(2026, 3, 9), date(2026, 1, 31), True, True, 2, 5)
    still = Card(8, "W2", "Phường 2", "", "training", None, None, False, False)
    phases = [("preparation", "Organisational preparation"), ("training", "Training")]
    html = str(column_cards(Column("training", "Training", [card, still]), phases=phases,
                            csrf_input='<input type="hidden" name="csrfmiddlewaretoken" value="t">',
                            next_url='/steering/rollout/?unit=1&late=1'))
    assert HOSTILE not in html and "&lt;script&gt;" in html
    first, second = html.split("\n")
    assert 'data-unit="7" data-movable' in first and 'action="/steering/rollout/7/move/"' in first
    assert '<option value="training" selected>Training</option>' in first
    assert 'value="/steering/rollout/?unit=1&amp;late=1"' in first and "Late against plan" in first
    assert "Checklist 2 / 5" in first and "since" in first
    assert "<form" not in second and "data-movable" not in second and "since" not in second
    assert str(column_cards(Column("planning", "System planning"), phases=phases, csrf_input="", next_url="/")) == \
        '<li class="small text-body-secondary">No unit</li>'
