"""The on-time rate of administrative procedures (kpi part): a unit's rate per month, computed from
its procedures' files and rolled up its subtree, charted, with the late files the nonconformities
area recorded beside it and the unit's own files per procedure for a chosen month; each of those
rows' page with its History tab; and the page where a unit enters a month's files per procedure."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qms_portal import charts
from qms_portal.forms import ServiceForm
from qms_portal.models import Unit
from qms_portal.permissions import can, units_where
from qms_portal.views.generic import HistoryView, ScopedDetailView, ScopedListView, ScopedMixin, ServiceFormView

from .. import cached
from ..forms.kpi import period_choices
from ..forms.ontime import TimelinessFilter
from ..models import ProcedureTimeliness
from ..selectors import kpi_ontime as selectors
from ..selectors.kpi_math import parse_period, period_code, period_start, shift
from ..services import kpi_ontime as services
from ..services.kpi import period_label

VIEW = "objectives.view_proceduretimeliness"
MONTHS = 24


class OnTimeHomeView(ScopedMixin, View):
    """The on-time rate of the reader's own unit (or the first unit of their scope)."""

    model = ProcedureTimeliness

    def get(self, request):
        user = request.user
        unit = user.primary_unit
        if unit is None or not can(user, VIEW, unit):
            unit = units_where(user, VIEW).order_by("path").first() if not user.is_superuser else \
                Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if unit is None:
            raise Http404
        return HttpResponseRedirect(reverse("objectives:on_time", args=[unit.pk]))


class UnitMixin(ScopedMixin):
    model = ProcedureTimeliness
    unit_action = VIEW

    def get_unit(self):
        unit = get_object_or_404(Unit, pk=self.kwargs["pk"])
        if not can(self.request.user, self.unit_action, unit):
            if self.unit_action != VIEW and can(self.request.user, VIEW, unit):
                raise PermissionDenied
            raise Http404
        return unit


class OnTimeView(UnitMixin, TemplateView):
    template_name = "objectives/kpi/on_time.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, unit = self.request.user, self.get_unit()
        current = period_start(timezone.localdate(), "monthly")
        months = [shift(current, "monthly", -i) for i in reversed(range(MONTHS))]
        totals, rows = selectors.timeliness_rollup(user, unit=unit, months=months)
        late_outputs = {}
        for year in sorted({m.year for m in months}):
            for month, count in selectors.late_outputs_by_month(user, unit=unit, year=year).items():
                late_outputs[(year, month)] = count
        labels = [period_label(m, "monthly") for m in months]
        rates = [totals[m].rate if m in totals else None for m in months]
        plotted = [float(r) if r is not None else None for r in rates]
        ctx["chart"] = charts.line(labels, {gettext("On-time rate"): plotted},
                                   title=gettext("On-time rate of administrative procedures, %(unit)s") % {
                                       "unit": unit.name}, unit_label="%", category_label=gettext("Month"),
                                   y_min=_floor(rates))
        ctx["table"] = [{"label": label, "code": period_code(m, "monthly"), "files": totals.get(m), "rate": rate,
                         "late_outputs": late_outputs.get((m.year, m.month), 0)}
                        for m, label, rate in zip(months, labels, rates, strict=True)][::-1]
        recent = months[-12:]
        ctx["recent_labels"] = [period_label(m, "monthly") for m in recent]
        ctx["branches"] = [{"unit": ref, "own": own, "rates": [files[m].rate if m in files else None for m in recent],
                            "year": _sum([files.get(m) for m in recent])} for ref, files, own in rows]
        ctx["unit"] = unit
        ctx["ancestors"] = list(Unit.objects.filter(pk__in=_ancestor_ids(unit)).order_by("path").only("pk", "name"))
        ctx["may_enter"] = can(user, services.ADD, unit)
        # The unit's own files per procedure for one month (``?month=``; by default the latest
        # month it entered): each row opens its page, with its History tab.
        month = parse_period(self.request.GET.get("month", ""), "monthly")
        if month not in months:
            month = selectors.latest_month(user, unit=unit, months=months) or shift(current, "monthly", -1)
        ctx["month"], ctx["month_code"] = month, period_code(month, "monthly")
        ctx["month_label"] = period_label(month, "monthly")
        ctx["month_choices"] = [(period_code(m, "monthly"), label)
                                for m, label in zip(months, labels, strict=True)][::-1]
        ctx["procedure_rows"] = sorted(selectors.month_rows(user, unit=unit, month=month).values(),
                                       key=lambda r: (r.procedure.code, r.procedure_id))
        return ctx


def _ancestor_ids(unit):
    return [int(p) for p in unit.path.strip("/").split("/")[:-1] if p.isdigit()]


def _sum(files):
    total = selectors.Files()
    for f in files:
        if f is not None:
            total.add(f.received, f.on_time, f.late)
    return total


def _floor(rates):
    known = [r for r in rates if r is not None]
    if not known:
        return 0
    low = min(known)
    return max(0, int(low) - int(low) % 5 - 5)


class TimelinessForm(ServiceForm):
    """A month's files for each procedure of the unit: received, on time, late, comment."""

    def __init__(self, *args, procedures, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for procedure in procedures:
            names = {}
            record = existing.get(procedure.pk)
            for key, label in (("received", gettext_lazy("Files received")),
                               ("on_time", gettext_lazy("Handled on time")),
                               ("late", gettext_lazy("Handled late"))):
                name = f"{key}_{procedure.pk}"
                self.fields[name] = forms.IntegerField(label=label, min_value=0, required=False,
                                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
                if record is not None:
                    self.initial[name] = getattr(record, key)
                names[key] = name
            name = f"comment_{procedure.pk}"
            self.fields[name] = forms.CharField(label=gettext_lazy("Comment"), required=False)
            if record is not None:
                self.initial[name] = record.comment
            names["comment"] = name
            self.lines.append((procedure, names, record))

    def bound_lines(self):
        return [(procedure, {k: self[v] for k, v in names.items()}, record)
                for procedure, names, record in self.lines]

    def rows(self):
        return [{"procedure": procedure, **{k: self.cleaned_data.get(v) for k, v in names.items()}}
                for procedure, names, _record in self.lines]


class TimelinessEnterView(UnitMixin, ServiceFormView):
    template_name = "objectives/kpi/timeliness_form.html"
    form_class = TimelinessForm
    unit_action = services.ADD
    action = "add"
    title = gettext_lazy("Files handled per procedure")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(services.ADD):
            self.unit = self.get_unit()
        return super().dispatch(request, *args, **kwargs)

    def get_month(self):
        choices = period_choices("monthly")
        wanted = parse_period(self.request.GET.get("month", ""), "monthly")
        if wanted is None or wanted > period_start(timezone.localdate(), "monthly"):
            wanted = parse_period(choices[1][0], "monthly")
        return wanted, choices

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.month, self.choices = self.get_month()
        procedures = list(selectors.procedures_for(self.request.user, self.unit, self.month))
        kwargs.update(procedures=procedures,
                      existing=selectors.month_rows(self.request.user, unit=self.unit, month=self.month))
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(unit=self.unit, month=self.month, choices=self.choices,
                   month_code=period_code(self.month, "monthly"), label=period_label(self.month, "monthly"),
                   lines=ctx["form"].bound_lines())
        return ctx

    def perform(self, form):
        services.timeliness_enter(acting_user=self.request.user, unit=self.unit, month=self.month, rows=form.rows())
        return None

    def get_success_url(self):
        messages.success(self.request, gettext("The files of %(month)s were saved.") % {
            "month": period_label(self.month, "monthly")})
        return reverse("objectives:on_time", args=[self.unit.pk])


class TimelinessListView(ScopedListView):
    """The register of monthly files per procedure in the reader's scope, newest month first: the
    unit, the procedure, files received, handled on time and late, and the rate; filtered by unit
    (with its sub-units), months, procedure and "late". The dashboard's on-time figures link here."""

    model = ProcedureTimeliness
    filterset_class = TimelinessFilter
    table_template = "objectives/kpi/timeliness_rows.html"
    title = gettext_lazy("Monthly files per procedure")
    keyset = ("-period", "unit__path", "pk")
    cache_generations = cached.TIMELINESS_LIST

    def get_base_queryset(self):
        return selectors.timeliness_rows(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for row in ctx["object_list"]:
            row.files = selectors.Files(row.received, row.on_time, row.late)
            row.month_label = period_label(row.period, "monthly")
        return ctx


class TimelinessDetailView(ScopedDetailView):
    """One procedure's files of one month at one unit: received, on time, late, its rate, the
    comment and who entered them; **Correct** opens the month's entry page; History tab."""

    model = ProcedureTimeliness
    template_name = "objectives/kpi/timeliness_detail.html"
    related = ("unit", "procedure", "entered_by")
    history_url_name = "objectives:timeliness_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, row = self.request.user, self.object
        files = selectors.Files()
        files.add(row.received, row.on_time, row.late)
        ctx.update(files=files, label=period_label(row.period, "monthly"),
                   month_code=period_code(row.period, "monthly"),
                   procedure_visible=can(user, "view", row.procedure),
                   may_correct=can(user, services.ADD, row.unit))
        return ctx


class TimelinessHistoryView(HistoryView):
    model = ProcedureTimeliness
    related = ("unit", "procedure")
    history_url_name = "objectives:timeliness_history"
