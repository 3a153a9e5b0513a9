"""The rollout board's cards, written in Python: a province's board shows 250 cards, each with its
move form and a choice of nine phases, and the template engine took about 115 ms over them (two
thirds of the page). The same HTML as the template loop wrote, every value escaped."""

from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..links import pk_url


def _date(day):
    return conditional_escape(date_format(day, "SHORT_DATE_FORMAT"))


def _phase_options(phases, current):
    return "".join(f'<option value="{value}"{" selected" if value == current else ""}>{label}</option>'
                   for value, label in phases)


def column_cards(column, *, phases, csrf_input, next_url):
    """The ``<li>`` of ``column``'s cards (or its "No unit" line). ``phases``: (value, label) of
    every phase, already escaped; ``csrf_input``: the form's hidden token field."""
    escape = conditional_escape
    if not column.cards:
        no_unit = escape(gettext("No unit"))
        return mark_safe(f'<li class="small text-body-secondary">{no_unit}</li>')  # noqa: S308 - escaped
    next_field = f'<input type="hidden" name="next" value="{escape(next_url)}">'
    move, late_against_plan = escape(gettext("Move")), escape(gettext("Late against plan"))
    items = []
    for card in column.cards:
        parent = f'<div class="small text-body-secondary">{escape(card.parent_name)}</div>' if card.parent_name else ""
        since = (" · " + escape(gettext("since %(since)s") % {"since": date_format(card.since, "SHORT_DATE_FORMAT")})
                 if card.since else "")
        late = ""
        if card.late:
            planned = f" ({_date(card.planned_end)})" if card.planned_end else ""
            late = f'<div class="small text-danger fw-semibold">{late_against_plan}{planned}</div>'
        form = ""
        if card.may_move:
            label = escape(gettext("Move %(unit)s to") % {"unit": card.code})
            form = (f'<form method="post" action="{pk_url("rollout_move", card.id)}" class="d-flex gap-1 mt-1">'
                    f'{csrf_input}{next_field}'
                    f'<label class="visually-hidden" for="move-{card.id}">{label}</label>'
                    f'<select class="form-select form-select-sm" name="phase" id="move-{card.id}">'
                    f'{_phase_options(phases, card.phase)}</select>'
                    f'<button class="btn btn-sm btn-outline-primary" type="submit">{move}</button></form>')
        checklist = escape(gettext("Checklist %(done)s / %(items)s") % {"done": card.done, "items": card.items})
        items.append(
            f'<li class="card mb-2{" border-danger" if card.late else ""}" data-unit="{card.id}"'
            f'{" data-movable" if card.may_move else ""}><div class="card-body p-2">'
            f'<a class="fw-semibold" href="{pk_url("rollout_detail", card.id)}">'
            f"{escape(card.code)} · {escape(card.name)}</a>{parent}"
            f'<div class="small">{checklist}{since}</div>{late}{form}</div></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped above
