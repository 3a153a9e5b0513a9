"""ncreports: the nonconformities' figures page — open ones by unit and age, and for the past 12
months the on-time closure rate, the average days to close and the recurrence rate, per unit rolled
up the tree (``selectors.figures``), as an SVG chart with its data and a table. A unit may be
chosen: its direct sub-units are then compared (by default the top of the reader's scope)."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from qms_portal import charts
from qms_portal.unit_picker import UnitChoiceField, UnitScope
from qms_portal.views.generic import ScopedMixin

from ..models import Nonconformity
from ..selectors import AGE_BUCKETS
from ..selectors import figures as selectors


class FiguresForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit (with its sub-units)"), required=False,
                           scope=UnitScope("nonconformities.view_nonconformity"), help_text="")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(user)


def _shown(nodes, root):
    """(the unit whose sub-units are compared or None, the nodes compared): the chosen unit's
    children; else, from the top of the reader's scope, the first unit with rows of its own or more
    than one sub-unit with rows, and its children; else (several tops) the top units."""
    if not nodes:
        return None, []
    children = {}
    for node in nodes:
        children.setdefault(node.unit.parent_id, []).append(node)
    if root is None:
        top_depth = min(n.unit.depth for n in nodes)
        tops = [n for n in nodes if n.unit.depth == top_depth]
        if len(tops) > 1:
            return None, tops
        focus = tops[0]
        while not _own(focus) and len(children.get(focus.unit.id, [])) == 1:
            focus = children[focus.unit.id][0]
    else:
        focus = next((n for n in nodes if n.unit.id == root.pk), None)
        if focus is None:
            return None, []
    return focus, children.get(focus.unit.id, [])


def _own(node):
    own = node.own
    return own.closed if hasattr(own, "closed") else own


def _percent(value):
    return "—" if value is None else formats.number_format(value * 100, decimal_pos=0) + " %"


def _days(value):
    return "—" if value is None else formats.number_format(value, decimal_pos=1)


class FiguresView(ScopedMixin, TemplateView):
    model = Nonconformity
    template_name = "nonconformities/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = FiguresForm(self.request.GET or None, user=user)
        root = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
        open_nodes = selectors.open_by_unit_and_age(user, root=root)
        focus, shown = _shown(open_nodes, root)
        bars = [(n.unit.name, n.total_by) for n in shown]
        if focus is not None and focus.own:
            bars.insert(0, (_("%(unit)s itself") % {"unit": focus.unit.name}, focus.own_by))
        categories = [name for name, _counts in bars]
        series = {str(label): [counts.get(key, 0) for _name, counts in bars]
                  for key, (label, _low, _high) in AGE_BUCKETS.items()}
        ctx["open_chart"] = charts.stacked_bar(categories, series, title=_("Open nonconformities by unit and age"),
                                               category_label=_("Unit"))
        ctx["open_total"] = focus.total if focus is not None else sum(n.total for n in shown)
        closure_nodes = selectors.closure_figures(user, root=root)
        closure_focus, closure_shown = _shown(closure_nodes, root)
        rows = [(n.unit.name, n.total, False) for n in closure_shown]
        if closure_focus is not None:
            if closure_focus.own.closed:
                rows.insert(0, (_("%(unit)s itself") % {"unit": closure_focus.unit.name}, closure_focus.own, False))
            rows.append((_("%(unit)s with its sub-units") % {"unit": closure_focus.unit.name},
                         closure_focus.total, True))
        ctx["closure_rows"] = [
            {"label": label, "closed": counts.closed, "on_time": _percent(counts.on_time_rate),
             "days": _days(counts.average_days), "recurrence": _percent(counts.recurrence_rate), "is_total": total}
            for label, counts, total in rows]
        ctx.update(form=form, focus=focus, title=_("Nonconformities: figures"))
        return ctx
