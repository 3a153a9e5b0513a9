"""The steering committee's dashboard page and its PDF. The view parses (unit, period), the
selectors read; the permission is the core's ``qms_portal.view_dashboard``, and every figure counts
only rows its reader may see."""

from html import escape as _escape

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import charts
from ..jobs import job_start
from ..links import pk_url
from ..periods import KINDS, Period
from . import pdf as steering_pdf
from . import selectors


class DashboardMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(selectors.PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_root(self):
        """The unit asked for (``?unit=``) within the reader's scope (404 outside it), else the
        reader's first top unit."""
        scope = selectors.scope(self.request.user)
        asked = self.request.GET.get("unit", "")
        if asked:
            root = scope.filter(pk=asked).first() if asked.isdigit() else None
            if root is None:
                raise Http404
            return root
        if not self.tops:
            raise PermissionDenied
        return scope.get(pk=self.tops[0])

    pdf = False

    def dashboard_context(self, with_trends=True):
        period = Period.parse(self.request.GET)
        self.tops = selectors.tops(self.request.user)
        root = self.get_root()
        board = selectors.dashboard(self.request.user, root, period, with_trends=with_trends)
        words = {"green": escape(_("Green")), "amber": escape(_("Amber")), "red": escape(_("Red"))}
        late = escape(_("late against plan"))
        drill = (escape(_("Open the dashboard of this unit")),
                 f"period={period.kind}&amp;on={period.start.isoformat()}")
        heads = {}
        for row in board.rows:
            row.html = mark_safe(unit_html(row, drill, self.pdf) + phase_html(row, late, self.pdf)  # noqa: S308 - escaped above
                                 + "".join(cell_html(cell, words, self.pdf, heads) for cell in row.cells))
        trend_charts = [
            (trend, charts.line([m.label for m in trend.months],
                                {trend.figure.label: [_percent(trend.figure, v) for v in trend.values]},
                                title=trend.figure.label,
                                unit_label="%" if trend.figure.kind == "rate" else ""))
            for trend in board.trends]
        return {"board": board, "root": root, "period": period, "trend_charts": trend_charts,
                "kinds": KINDS.items(), "top_id": self.tops[0] if self.tops else None,
                "previous": period.previous(), "next": period.next(),
                "period_query": f"period={period.kind}&on={period.start.isoformat()}"}


def cell_html(cell, words, pdf, heads):
    """One cell of the table, written here rather than by the template engine: a 250-unit
    dashboard has some 5,000 cells, and the template's tags cost a second for them. The texts are
    plain strings (numbers, codes, addresses): escaped with the standard library's ``html.escape``,
    which does what Django's ``escape`` does to them without its check for lazy text on every call
    (a tenth of the page's time). ``heads`` keeps each figure's opening tag per light, written once
    per figure instead of once per cell."""
    light = cell.light
    key = (cell.figure.key, light)
    head = heads.get(key)
    if head is None:
        head = (f'<td class="text-end text-nowrap{f" qms-light-{light}" if light else ""}" '
                f'data-figure="{_escape(cell.figure.key)}">')
        if light:
            head += (f'<span class="qms-light" aria-hidden="true"></span><span class="visually-hidden">'
                     f'{words[light]}:</span> ')
        heads[key] = head
    text = _escape(cell.text)
    if cell.url and not pdf:
        text = f'<a href="{_escape(cell.url)}" data-rows="{cell.linked}">{text}</a>'
    detail = cell.detail
    if detail:
        return f'{head}{text}<span class="d-block small text-body-secondary">{_escape(detail)}</span></td>'
    return f"{head}{text}</td>"


def unit_html(row, drill, pdf=False):
    """The row's heading: the unit's code (below the top unit, a link to its own dashboard for the
    same period: ``drill`` is the link's title and the period's query) and its name."""
    title, period_query = drill
    code, name = _escape(row.unit.code), _escape(row.unit.name)
    if row.level and not pdf:
        code = f'<a href="?unit={row.unit.id}&amp;{period_query}" title="{title}">{code}</a>'
    return (f'<th scope="row" class="qms-steering-unit qms-level-{min(row.level, 5)}">{code} '
            f'<span class="fw-normal">{name}</span></th>')


def phase_html(row, late_words, pdf=False):
    """The unit's rollout phase (linked to its rollout), red with "late against plan" when late."""
    label = escape(row.phase)
    if not pdf:
        label = f'<a href="{pk_url("rollout_detail", row.unit.id)}">{label}</a>'
    if row.late:
        return (f'<td class="small qms-light-red"><span class="qms-light" aria-hidden="true"></span>{label}'
                f'<span class="d-block text-danger">{late_words}</span></td>')
    return f'<td class="small">{label}</td>'


def _percent(figure, value):
    if value is None:
        return None
    return round(value * 100, 1) if figure.kind == "rate" else round(value, 1)


class DashboardView(DashboardMixin, TemplateView):
    template_name = "steering/dashboard.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.dashboard_context(),
                "page_title": _("Steering committee's dashboard")}


class DashboardPdfView(DashboardMixin, View):
    """POST only: prepare the dashboard as a PDF for the committee's meeting, in the reader's
    language, in the background (``steering/pdf.py``); the person follows it on the job's page."""

    def post(self, request, *args, **kwargs):
        self.tops = selectors.tops(request.user)
        root = self.get_root()
        period = Period.parse(request.GET)
        job = job_start(acting_user=request.user, kind=steering_pdf.KIND,
                        params={"unit": root.pk, **period.query()})
        return HttpResponseRedirect(job.get_absolute_url())
