"""The programme entries' register (plan part): every line of the audit programmes in the reader's
scope, the page the steering committee's dashboard links its programme figures to."""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from qms_portal import fragments
from qms_portal.links import pk_url
from qms_portal.views.generic import ScopedListView

from .. import cached
from ..forms.plan import MONTHS
from ..forms.programme_register import ProgrammeEntryFilter
from ..models import Audit, ProgrammeEntry
from ..selectors import programme_register as selectors


class ProgrammeEntryListView(ScopedListView):
    """The programme entries the reader may see (those of the programmes of their units), newest
    programme first and its lines by month, 25 a page (by cursor). Filters: unit (the programme's,
    with its sub-units, as the dashboard rolls them up), year, state (done, not done, behind its
    month: the dashboard figures' rules) and a main clause. Four queries whatever the rows. Its
    content is kept per reader and day (the state turns on today's month), retired by any change
    to an entry, its programme or an audit (their status decides *done*), and by the names shown
    (``audits/cached.py``)."""

    model = ProgrammeEntry
    filterset_class = ProgrammeEntryFilter
    table_template = "audits/plan/programme_entry_rows.html"
    title = gettext_lazy("Audit programme entries")
    keyset = selectors.REGISTER_ORDER
    cache_generations = cached.ENTRY_GENERATIONS

    def get_base_queryset(self):
        return selectors.programme_register(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        entries = ctx["object_list"]
        ctx["rows"] = entry_rows(entries, selectors.entry_details(entries))
        return ctx


def entry_rows(entries, details):
    """The register table's rows, written in Python: the template engine took longer over a page
    of entries, each looping twice over its clauses and audits (phone and desktop cells), than the
    database took to find them. The same HTML as the template loop wrote, every value escaped.
    Each row with its month's name and the addresses of its programme and its audits (``pk_url``:
    no URL resolving per row); ``details``: ``selectors.entry_details`` of the entries."""
    months = dict(MONTHS)
    all_clauses = conditional_escape(gettext("all"))
    clauses_label = conditional_escape(gettext("ISO 9001 clauses"))
    done, behind, not_done = (conditional_escape(label) for label in (
        gettext("Done"), gettext("Behind its month"), gettext("Not done")))
    badges = {selectors.DONE: f'<span class="badge text-bg-success">{done}</span>',
              selectors.BEHIND: f'<span class="badge text-bg-danger">{behind}</span>'}
    other_badge = f'<span class="badge text-bg-light border">{not_done}</span>'
    fragments.shows(entries, "unit__name", "note", "programme__title", "programme__unit__code",
                    "programme__unit__name", "programme__year", "planned_month", "state")
    statuses = {value: conditional_escape(label) for value, label in Audit.Status.choices}  # in the reader's language
    rows = []
    for e in entries:
        clause_numbers, procedure_codes, audit_rows = details[e.pk]
        programme = e.programme
        programme_link = (f'<a href="{conditional_escape(pk_url("audits:programme_detail", e.programme_id))}">'
                          f"{conditional_escape(programme.title or programme.unit.code)}</a>")
        year = conditional_escape(programme.year)
        clauses = ", ".join(conditional_escape(number) for number in clause_numbers) or all_clauses
        procedures = ", ".join(conditional_escape(code) for code in procedure_codes) or "—"
        audits = [f'<a href="{conditional_escape(pk_url("audits:audit_detail", a["pk"]))}">'
                  f'{conditional_escape(a["number"])}</a> ({statuses[a["status"]]})'
                  for a in audit_rows]
        note = f'<div class="small text-body-secondary">{conditional_escape(e.note)}</div>' if e.note else ""
        rows.append(
            f"<tr><td>{conditional_escape(e.unit.name)}{note} "
            f'<div class="d-md-none small">{programme_link} · {clauses_label}: {clauses} '
            f'{"".join("<br>" + a for a in audits)}</div></td>'
            f'<td class="d-none d-md-table-cell">{programme_link} '
            f'<div class="small text-body-secondary">{conditional_escape(programme.unit.name)} · {year}</div></td>'
            f'<td class="d-none d-lg-table-cell">{clauses}</td>'
            f'<td class="d-none d-lg-table-cell">{procedures}</td>'
            f'<td class="text-nowrap">{conditional_escape(months.get(e.planned_month, e.planned_month))} {year}</td>'
            f'<td class="d-none d-md-table-cell">{"<br>".join(audits) or "—"}</td>'
            f"<td>{badges.get(e.state, other_badge)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
