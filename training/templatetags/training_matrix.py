"""``user|reads_training_matrix``: whether the menu offers the training matrix (training.view_qualification
held through a role, not only on one's own qualifications). No query: the reader's role grants are
read once per request."""

from django import template

from qms_portal.permissions import role_grants

from ..selectors.matrix import PERMISSION

register = template.Library()


@register.filter
def reads_training_matrix(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(role_grants(user).get(PERMISSION))


@register.filter
def matrix_cell(cell):
    """One cell of the matrix as HTML, a word and a symbol (never colour alone): what
    ``training/matrix/cell.html`` says, without an include per cell (a page has hundreds)."""
    from django.utils import formats
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from ..selectors import matrix as selectors

    day = formats.date_format(cell.until, "SHORT_DATE_FORMAT") if cell.until else ""
    if cell.state == selectors.NOT_REQUIRED:
        return format_html('<span class="text-body-secondary" title="{0}">—<span class="visually-hidden"> {0}</span>'
                           "</span>", _("Not required"))
    badge, symbol, word = {
        selectors.VALID: ("success", "✔", _("Valid")),
        selectors.EXPIRING: ("warning", "⏳", _("Expires soon")),
        selectors.EXPIRED: ("danger", "✖", _("Expired")),
        selectors.MISSING: ("danger", "✖", _("Missing")),
    }[cell.state]
    date_html = format_html(' <span class="small text-nowrap">{}</span>', day) if day else ""
    return format_html('<span class="badge text-bg-{}">{} {}</span>{}', badge, symbol, word, date_html)
