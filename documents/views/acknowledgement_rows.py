"""The rows of the register of acknowledgements, written in Python: the template engine took longer
over a page of 25 rows than the database took to find them (a first visit renders them all). The
same HTML as the template loop wrote, every value escaped. The training area's register of training
on revisions shows the same columns with its own last one (``state``)."""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from qms_portal import fragments
from qms_portal.templatetags.qms import local_date

SHOWN = ("revision_id", "revision__document__code", "revision__document__title", "revision__number",
         "user__full_name", "user__username", "unit__code", "unit__name", "created_at")


def acknowledged_state():
    """The register's last cell of each row (``state(acknowledgement)``): acknowledged when, or not yet."""
    waiting = (f'<span class="badge text-bg-warning text-wrap">{conditional_escape(gettext("Not yet acknowledged"))}'
               "</span>")

    def state(a):
        if a.acknowledged_at:
            when = conditional_escape(local_date(a.acknowledged_at, "SHORT_DATETIME_FORMAT"))
            return f'<span class="text-success">✔ {when}</span>'
        return waiting

    return state


def acknowledgement_rows(acknowledgements, state=None, shown=("acknowledged_at",)):
    """The ``<tr>`` of each acknowledgement: the document, the revision, the person and their unit,
    when it was asked, and ``state(acknowledgement)`` (the HTML of the last cell; by default
    whether and when it was acknowledged). ``shown``: the fields that cell shows."""
    fragments.shows(acknowledgements, *SHOWN, *shown)
    state = state or acknowledged_state()
    rows = []
    for a in acknowledgements:
        document, unit, user = a.revision.document, a.unit, a.user
        code = conditional_escape(document.code)
        unit_code = conditional_escape(unit.code) if unit is not None else ""
        their_unit = f"{unit_code} {conditional_escape(unit.name)}" if unit else "—"
        rows.append(
            f'<tr data-revision="{conditional_escape(a.revision_id)}"'
            f' data-acknowledgement="{conditional_escape(a.pk)}">'
            f'<td><a class="text-nowrap" href="{conditional_escape(document.get_absolute_url())}">{code}</a><br>'
            f"{conditional_escape(document.title)}</td>"
            f'<td class="d-none d-sm-table-cell">{conditional_escape(a.revision.label)}</td>'
            f"<td>{conditional_escape(user.full_name or user.username)}"
            f'<span class="d-block d-md-none small text-body-secondary">{unit_code}</span></td>'
            f'<td class="d-none d-md-table-cell">{their_unit}</td>'
            f'<td class="d-none d-lg-table-cell text-nowrap">{conditional_escape(local_date(a.created_at))}</td>'
            f"<td>{state(a)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
