"""The ranking table's rows, written in Python: the ranking of a province's evaluation lists 250
sheets with their points per criterion, and the template engine took about two thirds of the page
over them. The same HTML as the template loop wrote: every value escaped, numbers localised as the
template showed them (``|default:"—"``: a zero or nothing is a dash)."""

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def _shown(value):
    return conditional_escape(localize(value)) if value else "—"


def ranking_rows(ranking):
    """The ``<tr>`` of ``ranking.rows`` (``evaluation_selectors.Ranking``)."""
    escape = conditional_escape
    rows = []
    for row in ranking.rows:
        sheet, unit = row.sheet, row.unit
        if row.rank:
            rank = escape(localize(row.rank))
        else:
            rank = f'<span class="small">{escape(sheet.get_status_display())}</span>'
        muted = "" if row.rank is not None else ' class="text-body-secondary"'
        change = "—"
        if row.change is not None:
            change = ("+" if row.change > 0 else "") + escape(localize(row.change))
            if row.previous_rank:
                previous = escape(gettext("rank %(rank)s") % {"rank": localize(row.previous_rank)})
                change += f' <span class="small">({previous})</span>'
        points = "".join(f'<td class="text-end">{_shown(value)}</td>' for value in row.per_criterion)
        rows.append(
            f'<tr{muted} data-unit="{escape(unit.code)}">'
            f"<td data-rank>{rank}</td>"
            f'<th scope="row" class="fw-normal"><a href="{escape(sheet.get_absolute_url())}">'
            f"{escape(unit.code)} · {escape(unit.name)}</a></th>"
            f'<td class="text-end fw-semibold" data-index>{_shown(row.index)}</td>'
            f'<td class="text-end">{_shown(row.self_index)}</td>'
            f'<td class="text-end text-nowrap">{change}</td>{points}</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
