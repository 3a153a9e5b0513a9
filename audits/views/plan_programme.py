"""The annual audit programmes: list, create, the programme's page with its coverage heat map,
its entries, approval and History (plan part)."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy

from qms_portal.permissions import can
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from ..forms.plan import MONTHS, EntryForm, ProgrammeFilter, ProgrammeForm
from ..models import AuditProgramme, ProgrammeEntry
from ..selectors import plan as selectors
from ..selectors import plan_cache as cached
from ..services import plan_programme as services
from .plan import on_fields

HISTORY = "audits:programme_history"


class ProgrammeListView(ScopedListView):
    model = AuditProgramme
    filterset_class = ProgrammeFilter
    template_name = "generic/list.html"
    table_template = "audits/plan/programme_rows.html"
    title = gettext_lazy("Audit programmes")
    create_url = "audits:programme_create"
    keyset = ("-year", "pk")
    cache_generations = cached.LIST_GENERATIONS

    def get_base_queryset(self):
        return selectors.programme_list_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()


class ProgrammeCreateView(ServiceFormView):
    model = AuditProgramme
    action = "add"
    form_class = ProgrammeForm
    template_name = "generic/form.html"
    title = gettext_lazy("New audit programme")
    success_message = gettext_lazy("The programme was created. Add the audits it plans.")

    def get_initial(self):
        initial = {"year": timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0)}
        unit = self.request.user.primary_unit
        while unit is not None and not unit.runs_own_qms:
            unit = unit.parent
        if unit is not None and can(self.request.user, "audits.add_auditprogramme", unit):
            initial["unit"] = unit.pk
        return initial

    def perform(self, form):
        return on_fields(form, services.programme_create, acting_user=self.request.user, **form.cleaned_data)


class ProgrammeEditView(ObjectFormView):
    model = AuditProgramme
    form_class = ProgrammeForm
    template_name = "generic/form.html"
    title = gettext_lazy("Change the programme")
    success_message = gettext_lazy("The programme was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.object}

    def get_initial(self):
        return {"title": self.object.title, "notes": self.object.notes}

    def perform(self, form):
        return on_fields(form, services.programme_update, acting_user=self.request.user, programme=self.object,
                         **form.cleaned_data)


class ProgrammeDetailView(ScopedDetailView):
    """The programme: its entries by month, the coverage heat map (units × main clauses: not
    planned, planned, late, audited) with the gaps listed, planned against audited by month, and
    the approval's signature."""

    model = AuditProgramme
    template_name = "audits/plan/programme_detail.html"
    lines_on_one_page = 40
    related = ("unit", "approved_by")
    history_url_name = HISTORY

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        programme, user = self.object, self.request.user
        months = dict(MONTHS)
        ctx["entries"] = entries = selectors.entries_with_audits(programme)
        cov = selectors.coverage(programme, entries=entries)
        ctx["coverage"] = cov
        ctx["heatmap"] = selectors.coverage_chart(programme, cov)
        ctx["by_month"] = selectors.month_chart(cov)
        ctx.update(self.month_of_lines(programme, entries))
        for entry in ctx["shown_entries"]:
            entry.month_label = months.get(entry.planned_month, entry.planned_month)
        ctx["may_change"] = can(user, "change", programme) and programme.status == AuditProgramme.Status.DRAFT
        ctx["may_plan_audit"] = user.has_perm("audits.add_audit")
        return ctx

    def month_of_lines(self, programme, entries):
        """A long programme (a province's: a line per unit) lists its lines a month at a time, the
        current month first (``?month=all`` lists them all); a short one lists them all at once."""
        if len(entries) <= self.lines_on_one_page:
            return {"shown_entries": entries, "month_links": [], "month": "all"}
        counts = Counter(e.planned_month for e in entries)
        wanted, today = self.request.GET.get("month", ""), timezone.localdate()
        if wanted == "all":
            month = "all"
        elif wanted.isdigit() and int(wanted) in counts:
            month = int(wanted)
        elif programme.year == today.year and today.month in counts:
            month = today.month
        else:
            month = min(counts)
        labels = dict(MONTHS)
        return {
            "shown_entries": entries if month == "all" else [e for e in entries if e.planned_month == month],
            "month_links": [(m, labels.get(m, m), counts[m], m == month) for m in sorted(counts)],
            "month": month,
        }


class ProgrammeHistoryView(HistoryView):
    """The programme's History tab, and below it every change to its lines (added, changed, taken
    out), newest first, in one query."""

    model = AuditProgramme
    history_url_name = HISTORY
    entry_changes_shown = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        months = dict(MONTHS)
        rows = list(ProgrammeEntry.history.filter(programme_id=self.object.pk).select_related("unit", "history_user")
                    .order_by("-history_date", "-history_id")[:self.entry_changes_shown])
        for row in rows:
            row.month_label = months.get(row.planned_month, row.planned_month)
        ctx["entry_changes"] = rows
        return ctx


class ProgrammeTransitionView(TransitionView):
    model = AuditProgramme
    service = services.programme_transition
    object_kwarg = "programme"


class ProgrammeSubmitView(ActionView):
    """Ask the management representative to approve the programme."""

    model = AuditProgramme
    action = "change"
    success_message = gettext_lazy("The management representative was asked to approve the programme.")

    def perform(self, obj):
        return services.programme_submit(acting_user=self.request.user, programme=obj)


class EntryCreateView(ObjectFormView):
    """Add a line to a draft programme: a unit, the month, its clauses and procedures."""

    model = AuditProgramme
    form_class = EntryForm
    template_name = "generic/form.html"
    title = gettext_lazy("Plan an audit in the programme")
    success_message = gettext_lazy("The entry was added to the programme.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.object}

    def perform(self, form):
        on_fields(form, services.programme_entry_add, acting_user=self.request.user, programme=self.object,
                  **form.cleaned_data)
        return self.object


class EntryEditView(ObjectFormView):
    model = ProgrammeEntry
    form_class = EntryForm
    template_name = "generic/form.html"
    title = gettext_lazy("Change the programme entry")
    success_message = gettext_lazy("The entry was saved.")
    related = ("programme__unit",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.object.programme}

    def get_initial(self):
        e = self.object
        return {"unit": e.unit_id, "planned_month": e.planned_month, "note": e.note,
                "clauses": list(e.clauses.values_list("pk", flat=True)),
                "procedures": list(e.procedures.values_list("pk", flat=True))}

    def perform(self, form):
        return on_fields(form, services.programme_entry_update, acting_user=self.request.user, entry=self.object,
                         **form.cleaned_data)


class EntryRemoveView(ActionView):
    model = ProgrammeEntry
    action = "change"
    success_message = gettext_lazy("The entry was taken out of the programme.")

    def perform(self, obj):
        return services.programme_entry_remove(acting_user=self.request.user, entry=obj)

    def get_success_url(self, obj, result):
        return result.get_absolute_url()
