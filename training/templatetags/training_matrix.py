"""``cell|matrix_cell``: one cell of the training matrix."""

from functools import lru_cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def matrix_cell(cell):
    """One cell of the matrix as HTML, a word and a symbol (never colour alone): what
    ``training/matrix/cell.html`` says, without an include per cell (a page has hundreds). Cells
    repeat (a state and a date, and each cell is shown twice: the table and the phone's list), so
    each one is written once per language."""
    return _cell_html(get_language(), cell.state, cell.until)


@lru_cache(maxsize=4096)
def _cell_html(language, state, until):
    from django.utils import formats
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from ..selectors import matrix as selectors

    day = formats.date_format(until, "SHORT_DATE_FORMAT") if until else ""
    if state == selectors.NOT_REQUIRED:
        return format_html('<span class="text-body-secondary" title="{0}">—<span class="visually-hidden"> {0}</span>'
                           "</span>", _("Not required"))
    badge, symbol, word = {
        selectors.VALID: ("success", "✔", _("Valid")),
        selectors.EXPIRING: ("warning", "⏳", _("Expires soon")),
        selectors.EXPIRED: ("danger", "✖", _("Expired")),
        selectors.MISSING: ("danger", "✖", _("Missing")),
    }[state]
    date_html = format_html(' <span class="small text-nowrap">{}</span>', day) if day else ""
    return format_html('<span class="badge text-bg-{}">{} {}</span>{}', badge, symbol, word, date_html)
