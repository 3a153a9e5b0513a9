"""The programme entries' register (plan part): every line of the audit programmes in the reader's
scope, the page the steering committee's dashboard links its programme figures to."""

from django.utils.translation import gettext_lazy

from qms_portal.links import pk_url
from qms_portal.views.generic import ScopedListView

from .. import cached
from ..forms.plan import MONTHS
from ..forms.programme_register import ProgrammeEntryFilter
from ..models import ProgrammeEntry
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
        """The page's rows, each with its month's name and the addresses of its programme and its
        audits (``pk_url``: no URL resolving per row)."""
        ctx = super().get_context_data(**kwargs)
        months = dict(MONTHS)
        for entry in ctx["object_list"]:
            entry.month_label = months.get(entry.planned_month, entry.planned_month)
            entry.programme_url = pk_url("audits:programme_detail", entry.programme_id)
            entry.audit_rows = list(entry.audits.all())
            for audit in entry.audit_rows:
                audit.url = pk_url("audits:audit_detail", audit.pk)
        return ctx
