"""Quality objectives and indicators (kpi part): the objectives list with the quality policy's link,
the cascade as a tree, an objective's page with its plan, the indicators list, an indicator's page
with its trend chart and table (and the same as a PDF), its roll-up across the tree, and the forms
that create and correct them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from qms_portal import charts, fragments
from qms_portal.models import Unit
from qms_portal.pdf import han_variant
from qms_portal.permissions import can, scope_fingerprint
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ServiceFormView,
)

from .. import cached
from ..forms.kpi import IndicatorFilter, IndicatorForm, ObjectiveFilter, ObjectiveForm
from ..models import Indicator, QualityObjective
from ..selectors import kpi as selectors
from ..selectors.kpi_math import period_start, status_of
from ..services import kpi as services
from ..templatetags.kpi_badges import OBJECTIVE_COLOURS, status_badge


def _default_unit(user):
    unit = user.primary_unit
    return unit if unit is not None and can(user, "view", unit) else None


class ObjectiveListView(ScopedListView):
    """The quality objectives in the reader's scope, newest year first, with the link to the
    quality policy that applies to the reader's unit (the register's effective level-1 document)."""

    model = QualityObjective
    filterset_class = ObjectiveFilter
    content_template = "objectives/kpi/objective_list_content.html"
    table_template = "objectives/kpi/objective_rows.html"
    title = gettext_lazy("Quality objectives")
    create_url = "objectives:objective_create"
    cache_generations = cached.OBJECTIVE_LIST

    def content_key_parts(self):
        # The quality policy it links: among the documents the reader may read, the one of the
        # filter's unit or, without one, of the reader's own unit.
        user = self.request.user
        return (*super().content_key_parts(), scope_fingerprint(user, "documents.view_document"),
                user.primary_unit_id)

    def get_base_queryset(self):
        return selectors.objectives_of(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = getattr(self.filterset.form, "cleaned_data", {}).get("unit") or self.request.user.primary_unit
        ctx["policy"] = selectors.policy_for(self.request.user, unit)
        ctx["year"] = timezone.localdate().year
        ctx["rows"] = objective_rows(ctx["object_list"])
        return ctx


def objective_rows(objectives):
    """The objectives table's rows, written in Python: the template engine took longer over a page
    of rows than the database took to find them (a first visit renders them all). The same HTML as
    a template loop would write, every value escaped."""
    fragments.shows(objectives, "code", "title", "parent_id", "unit__name", "year", "responsible__full_name",
                    "status")
    breaks_down = conditional_escape(gettext("Breaks down an objective above"))
    breaks_down = f'<div class="small text-body-secondary">{breaks_down}</div>'
    rows = []
    for o in objectives:
        code = f"{conditional_escape(o.code)} · " if o.code else ""
        year = conditional_escape(o.year)
        responsible = o.responsible
        colour = OBJECTIVE_COLOURS.get(o.status, "text-bg-secondary")
        rows.append(
            f'<tr><td><a href="{conditional_escape(o.get_absolute_url())}">{code}{conditional_escape(o.title)}</a>'
            f'{breaks_down if o.parent_id else ""}</td>'
            f'<td>{conditional_escape(o.unit.name)}<div class="d-md-none small text-body-secondary">{year}</div></td>'
            f'<td class="d-none d-md-table-cell">{year}</td>'
            f'<td class="d-none d-md-table-cell">'
            f'{conditional_escape(responsible.full_name) if responsible and responsible.full_name else "—"}</td>'
            f'<td><span class="badge {colour}">{conditional_escape(choice_label(o, "status"))}</span></td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


TREE_DEPTH = 2


class ObjectiveTreeView(ScopedMixin, TemplateView):
    """The cascade of one year's objectives: each agency objective with the department objectives
    that break it down, each with its status."""

    model = QualityObjective
    template_name = "objectives/kpi/objective_tree.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        years = selectors.objective_years(user)
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else timezone.localdate().year
        unit = None
        if self.request.GET.get("unit", "").isdigit():
            unit = Unit.objects.filter(pk=int(self.request.GET["unit"])).first()
            if unit is not None and not can(user, "view", unit):
                raise Http404
        nodes = selectors.objective_tree(user, year=year, unit=unit)
        # A province's cascade runs to hundreds of units: two levels at a time, each node opening
        # the cascade of its own unit for the levels below.
        shown = [n for n in nodes if n.depth < TREE_DEPTH]
        ctx.update(year=year, years=years, unit=unit, nodes=shown, hidden=len(nodes) - len(shown),
                   policy=selectors.policy_for(user, unit or user.primary_unit),
                   may_create=user.has_perm("objectives.add_qualityobjective"))
        return ctx


class ObjectiveDetailView(ScopedDetailView):
    model = QualityObjective
    template_name = "objectives/kpi/objective_detail.html"
    related = ("unit", "parent__unit", "responsible")
    history_url_name = "objectives:objective_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, objective = self.request.user, self.object
        ctx["children"] = list(selectors.objectives_of(user).filter(parent=objective).order_by("unit__path", "code"))
        ctx["parent_visible"] = objective.parent_id is not None and can(user, "view", objective.parent)
        ctx["indicators"] = selectors.with_status(list(selectors.indicators_of(user).filter(objective=objective)))
        ctx["may_change"] = can(user, "change", objective)
        ctx["policy"] = selectors.policy_for(user, objective.unit)
        return ctx


class ObjectiveHistoryView(HistoryView):
    model = QualityObjective
    related = ("unit",)
    history_url_name = "objectives:objective_history"


class ObjectiveCreateView(ServiceFormView):
    model = QualityObjective
    action = "add"
    form_class = ObjectiveForm
    title = gettext_lazy("New quality objective")
    success_message = gettext_lazy("The objective was saved.")

    def get_initial(self):
        initial = {}
        unit = _default_unit(self.request.user)
        if unit is not None and can(self.request.user, "objectives.add_qualityobjective", unit):
            initial["unit"] = unit.pk
        parent = self.request.GET.get("parent", "")
        if parent.isdigit():
            found = QualityObjective.objects.filter(pk=int(parent)).select_related("unit").first()
            if found is not None and can(self.request.user, "view", found):
                initial.update(parent=found.pk, year=found.year)
        return initial

    def perform(self, form):
        fields = form.service_fields()
        unit, title, year = fields.pop("unit"), fields.pop("title"), fields.pop("year")
        return services.objective_create(acting_user=self.request.user, unit=unit, title=title, year=year, **fields)


class ObjectiveEditView(ObjectFormView):
    model = QualityObjective
    form_class = ObjectiveForm
    title = gettext_lazy("Edit the quality objective")
    success_message = gettext_lazy("The objective was saved.")

    def perform(self, form):
        return services.objective_update(acting_user=self.request.user, objective=self.object,
                                         **form.service_fields())


# --- indicators ---------------------------------------------------------------------------------
class IndicatorListView(ScopedListView):
    model = Indicator
    filterset_class = IndicatorFilter
    table_template = "objectives/kpi/indicator_rows.html"
    content_template = "objectives/kpi/indicator_list_content.html"
    title = gettext_lazy("Indicators")
    create_url = "objectives:indicator_create"
    cache_generations = cached.INDICATOR_LIST

    def content_key_parts(self):  # the buttons "Enter values" and "Import"
        return (*super().content_key_parts(), self.request.user.has_perm(services.ENTER))

    def get_base_queryset(self):
        return selectors.indicators_of(self.request.user).filter(is_active=True)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = indicator_rows(selectors.with_status(ctx["object_list"]))
        user = self.request.user
        ctx["may_enter"] = user.has_perm(services.ENTER)
        ctx["may_import"] = user.has_perm(services.ENTER)
        return ctx


def indicator_rows(indicators):
    """The indicators table's rows, written in Python: the template engine took longer over a page
    of rows than the database took to find them (a first visit renders them all). The same HTML as
    a template loop would write, every value escaped; ``latest_value`` and ``latest_status`` are
    those ``selectors.with_status`` gave each indicator."""
    fragments.shows(indicators, "name", "code", "frequency", "unit__name", "direction", "target", "alert_threshold",
                    "unit_of_measure", "latest_value", "latest_status")
    badges = {}
    rows = []
    for i in indicators:
        uom = conditional_escape(i.unit_of_measure)
        sign = "≤" if i.direction == "lower" else "≥"
        latest = "—" if i.latest_value is None else f"{conditional_escape(floatformat(i.latest_value, '-2'))} {uom}"
        badge = badges.get(i.latest_status)
        if badge is None:
            badge = badges[i.latest_status] = conditional_escape(status_badge(i.latest_status))
        rows.append(
            f'<tr><td><a href="{conditional_escape(i.get_absolute_url())}">{conditional_escape(i.name)}</a>'
            f'<div class="small text-body-secondary">{conditional_escape(i.code)} · '
            f"{conditional_escape(choice_label(i, 'frequency'))}</div></td>"
            f"<td>{conditional_escape(i.unit.name)}</td>"
            f'<td class="d-none d-md-table-cell text-nowrap">{sign} {conditional_escape(floatformat(i.target, "-2"))}'
            f" {uom}</td>"
            f'<td class="d-none d-md-table-cell text-nowrap">{latest}</td>'
            f"<td>{badge}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class IndicatorDetailView(ScopedDetailView):
    """An indicator: its definition, the trend of its last 24 periods as a line with the target
    line and the same values in a table beside it, each period's status, and — for a missed period
    — the offer to raise a nonconformity."""

    model = Indicator
    template_name = "objectives/kpi/indicator_detail.html"
    related = ("unit", "reporter", "objective__unit", "survey__unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, indicator = self.request.user, self.object
        ctx.update(trend_context(indicator, user))
        ctx["may_enter"] = (indicator.is_active and not services.is_from_survey(indicator)
                            and can(user, services.ENTER, indicator))
        ctx["may_change"] = can(user, "change", indicator)
        ctx["from_survey"] = services.is_from_survey(indicator)
        ctx["survey_visible"] = indicator.survey_id is not None and can(user, "view", indicator.survey)
        if ctx["from_survey"] and indicator.survey_id is not None:
            ctx["survey_period"] = services.period_label(period_start(indicator.survey.period_end,
                                                                      indicator.frequency), indicator.frequency)
        ctx["objective_visible"] = indicator.objective_id is not None and can(user, "view", indicator.objective)
        ctx["rate"] = services.is_rate(indicator)
        return ctx


def trend_context(indicator, user, offer=True):
    """The trend of an indicator's last 24 periods, for its page and its PDF: ``rows`` (newest
    first: period, label, measurement, status, whether a nonconformity is offered) and ``chart``."""
    periods = selectors.chart_periods(indicator)
    found = selectors.series(indicator, periods)
    rows = []
    for period in reversed(periods):
        m = found.get(period)
        status = status_of(m.value if m else None, indicator.target, indicator.alert_threshold, indicator.direction)
        rows.append({"period": period, "label": services.period_label(period, indicator.frequency), "m": m,
                     "status": status,
                     "offer_nc": offer and m is not None and services.may_raise_nonconformity(user, m)})
    return {"rows": rows, "chart": trend_chart(indicator, periods, found)}


class IndicatorPdfView(ObjectPdfView):
    """An indicator's trend as a PDF: its definition, the chart of its last 24 periods with the
    target line (the same SVG as on its page) and the table of values and statuses."""

    model = Indicator
    related = ("unit", "reporter", "objective__unit", "survey")
    pdf_template = "objectives/kpi/indicator_pdf.html"

    def pdf_context(self, indicator):
        user = self.request.user
        return {"object": indicator, "indicator": indicator, **trend_context(indicator, user, offer=False),
                "rate": services.is_rate(indicator) or services.is_from_survey(indicator),
                "han": han_variant(indicator.name, indicator.unit.name),
                "printed_by": user, "printed_at": timezone.now()}

    def pdf_filename(self, indicator):
        return f"{indicator.unit.code}-{indicator.code}.pdf"


def trend_chart(indicator, periods, found):
    labels = [services.period_label(p, indicator.frequency) for p in periods]
    values = [_f(found[p].value) if p in found else None for p in periods]
    return charts.line(labels, {indicator.name: values}, title=indicator.name, target=_f(indicator.target),
                       unit_label=indicator.unit_of_measure, y_min=trend_floor(indicator, values),
                       category_label=gettext("Period"))


class IndicatorHistoryView(HistoryView):
    model = Indicator
    related = ("unit",)


class IndicatorCreateView(ServiceFormView):
    model = Indicator
    action = "add"
    form_class = IndicatorForm
    title = gettext_lazy("New indicator")
    success_message = gettext_lazy("The indicator was saved.")

    def get_initial(self):
        initial = {}
        unit = _default_unit(self.request.user)
        if unit is not None and can(self.request.user, "objectives.add_indicator", unit):
            initial["unit"] = unit.pk
        objective = self.request.GET.get("objective", "")
        if objective.isdigit():
            found = QualityObjective.objects.filter(pk=int(objective)).select_related("unit").first()
            if found is not None and can(self.request.user, "view", found):
                initial["objective"] = found.pk
        return initial

    def perform(self, form):
        fields = form.service_fields()
        return services.indicator_create(acting_user=self.request.user, unit=fields.pop("unit"),
                                         code=fields.pop("code"), name=fields.pop("name"),
                                         target=fields.pop("target"), **fields)


class IndicatorEditView(ObjectFormView):
    model = Indicator
    form_class = IndicatorForm
    title = gettext_lazy("Edit the indicator")
    success_message = gettext_lazy("The indicator was saved.")

    def perform(self, form):
        return services.indicator_update(acting_user=self.request.user, indicator=self.object,
                                         **form.service_fields())


class IndicatorRollupView(ScopedDetailView):
    """One indicator code across the subtree of a unit (the indicator's own unit, or ``?unit=``
    a unit above it the reader may see): each period's value for the subtree, and each branch's —
    rates as summed numerators over summed denominators."""

    model = Indicator
    template_name = "objectives/kpi/indicator_rollup.html"
    related = ("unit",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, indicator = self.request.user, self.object
        root = indicator.unit
        wanted = self.request.GET.get("unit", "")
        if wanted.isdigit() and int(wanted) != root.pk:
            candidate = get_object_or_404(Unit, pk=int(wanted))
            if not can(user, "view", candidate):
                raise Http404
            root = candidate
        periods = selectors.chart_periods(indicator, count=12)
        totals, rows = selectors.rollup(user, code=indicator.code, root=root, periods=periods)
        rate, percent = services.is_rate(indicator), services.is_percent(indicator)
        labels = [services.period_label(p, indicator.frequency) for p in periods]
        values = [totals[p].value(rate=rate, percent=percent) if p in totals else None for p in periods]
        ctx.update(root=root, periods=periods, labels=labels, rate=rate, percent=percent,
                   ancestors=list(Unit.objects.filter(path__in=_ancestors(indicator.unit)).exclude(
                       pk=indicator.unit_id).order_by("path").only("pk", "name", "path")),
                   summed=values,
                   lines=[{"unit": row.unit, "own": row.own,
                           "cells": [row.totals[p].value(rate=rate, percent=percent) if p in row.totals else None
                                     for p in periods]} for row in rows],
                   statuses=[status_of(v, indicator.target, indicator.alert_threshold, indicator.direction)
                             for v in values])
        ctx["latest"] = [{"label": label, "value": value, "total": totals.get(p), "status": status}
                         for p, label, value, status in zip(periods, labels, values, ctx["statuses"],
                                                            strict=True)][::-1]
        title = gettext("%(indicator)s, %(unit)s and below") % {"indicator": indicator.name, "unit": root.name}
        ctx["chart"] = charts.line(labels, {root.name: [_f(v) for v in values]}, title=title,
            target=_f(indicator.target),
            unit_label=indicator.unit_of_measure, category_label=gettext("Period"),
            y_min=trend_floor(indicator, values))
        return ctx


def _ancestors(unit):
    from qms_portal.permissions import ancestor_paths

    return ancestor_paths(unit.path)


def trend_floor(indicator, values):
    known = [v for v in values if v is not None] + [indicator.target]
    low = min(known)
    if low <= 0 or indicator.unit_of_measure.strip() != "%":
        return 0
    return max(0, int(low) - int(low) % 5 - 5)


def _f(value):
    """A number for the chart (which works in floats)."""
    return float(value) if value is not None else None
