"""The register of risks and opportunities (risks part): the list with its rating matrix, recording
and correcting a risk, its page (its place in the matrix before and after its actions, its
actions), recording its review, the History tab, and the actions: planning one (its own or a
corrective action), recording it done or cancelled."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from qms_portal import fragments
from qms_portal.jobs import job_start
from qms_portal.permissions import can
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ServiceFormView,
)

from .. import cached
from .. import exports_risks as exports
from ..forms.risks import ActionCancelForm, ActionDoneForm, RiskActionForm, RiskFilter, RiskForm, RiskReviewForm
from ..models import Risk, RiskAction
from ..selectors import risks as selectors
from ..services import risks as services
from ..templatetags.risk_badges import rating_badge


class RiskListView(ScopedListView):
    """The risks and opportunities in the reader's scope, newest first (open or treated by default);
    filters by unit (with its sub-units), process, kind, rating band, status, owner, a search on
    number and title, and a cell of the matrix. Above the list, the rating matrix of what the
    filters select (but for the cell), each cell counted in one GROUP BY and linked to the list
    filtered to it."""

    model = Risk
    filterset_class = RiskFilter
    content_template = "objectives/risks/risk_list_content.html"
    table_template = "objectives/risks/risk_rows.html"
    title = gettext_lazy("Risks and opportunities")
    create_url = "objectives:risk_create"
    keyset = ("-pk",)
    cache_generations = cached.RISK_LIST

    def get_base_queryset(self):
        return selectors.register_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        ctx["rows"] = risk_rows(ctx["object_list"], ctx["today"])
        filterset = ctx.get("filter")
        if filterset is not None and filterset.is_valid():
            counts = selectors.cell_counts(filterset.without_cell())
            query = {k: v for k, v in self.request.GET.lists() if v and v != [""]}
            ctx["matrix"] = selectors.matrix_chart(counts, lambda lk, im: selectors.cell_url(query, lk, im))
            data = filterset.form.cleaned_data
            if data.get("likelihood") and data.get("impact"):
                ctx["cell"] = (data["likelihood"], data["impact"])
        return ctx


def risk_rows(risks, today):
    """The register table's rows, written in Python: the template engine took longer over a page of
    rows than the database took to find them (a first visit renders them all). The same HTML as a
    template loop would write, every value escaped."""
    fragments.shows(risks, "number", "kind", "title", "unit__name", "likelihood", "impact", "residual_likelihood",
                    "residual_impact", "owner__full_name", "owner__username", "review_on", "status")
    opportunity = conditional_escape(gettext("Opportunity"))
    opportunity = f'<span class="badge text-bg-success">{opportunity}</span> '
    next_review = conditional_escape(gettext("Next review"))
    late = conditional_escape(gettext("Late"))
    late = f' <span class="badge text-bg-danger">{late}</span>'
    rows = []
    for r in risks:
        unit = conditional_escape(r.unit.name)
        review_on = conditional_escape(date_format(r.review_on, "SHORT_DATE_FORMAT")) if r.review_on else ""
        owner = r.owner
        rows.append(
            f'<tr><td class="text-nowrap"><a href="{conditional_escape(r.get_absolute_url())}">'
            f"{conditional_escape(r.number)}</a></td>"
            f'<td>{opportunity if r.kind == Risk.Kind.OPPORTUNITY else ""}{conditional_escape(r.title)}'
            f'<div class="d-md-none small text-body-secondary">{unit}'
            f'{f" · {next_review} {review_on}" if r.review_on else ""}</div></td>'
            f'<td class="d-none d-md-table-cell">{unit}</td>'
            f"<td>{conditional_escape(rating_badge(r.score))}</td>"
            f'<td class="d-none d-md-table-cell">{conditional_escape(rating_badge(r.residual_score))}</td>'
            f'<td class="d-none d-lg-table-cell">'
            f'{conditional_escape(owner.full_name or owner.username) if owner else "—"}</td>'
            f'<td class="d-none d-md-table-cell text-nowrap">{review_on or "—"}'
            f'{late if r.review_on and r.review_on < today and r.status != Risk.Status.CLOSED else ""}</td>'
            f'<td class="d-none d-sm-table-cell">{conditional_escape(choice_label(r, "status"))}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class RiskDetailView(ScopedDetailView):
    model = Risk
    template_name = "objectives/risks/risk_detail.html"
    related = ("unit", "owner", "process")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, risk = self.request.user, self.object
        ctx["today"] = timezone.localdate()
        ctx["position"] = selectors.position_chart(risk)
        ctx["actions"] = actions = list(selectors.actions_of(risk))
        ctx["may_change"] = can(user, "change", risk)
        ctx["may_plan"] = ctx["may_change"] and risk.status != Risk.Status.CLOSED
        for action in actions:
            action.risk = risk
            action.may_complete = services.may_complete(user, action)
            action.corrective_visible = action.corrective_action_id is not None and can(
                user, "view", action.corrective_action)
        return ctx


class RiskHistoryView(HistoryView):
    model = Risk
    related = ("unit",)


class RiskCreateView(ServiceFormView):
    model = Risk
    action = "add"
    form_class = RiskForm
    title = gettext_lazy("Record a risk or an opportunity")
    success_message = gettext_lazy("Recorded. Its owner is reminded of its reviews.")

    def get_initial(self):
        user = self.request.user
        unit = user.primary_unit
        initial = {"owner": user.pk, "kind": Risk.Kind.RISK}
        if unit is not None and can(user, services.ADD, unit):
            initial["unit"] = unit.pk
        return initial

    def perform(self, form):
        return services.risk_create(acting_user=self.request.user, **form.service_fields())


class RiskEditView(ObjectFormView):
    model = Risk
    form_class = RiskForm
    title = gettext_lazy("Correct the risk or opportunity")
    success_message = gettext_lazy("Saved.")

    def perform(self, form):
        return services.risk_update(acting_user=self.request.user, risk=self.object, **form.service_fields())


class RiskReviewView(ObjectFormView):
    model = Risk
    form_class = RiskReviewForm
    title = gettext_lazy("Record a review")
    success_message = gettext_lazy("The review was recorded.")

    def get_initial(self):
        risk = self.object
        return {"residual_likelihood": risk.residual_likelihood, "residual_impact": risk.residual_impact,
                "status": risk.status, "review_on": risk.review_on}

    def perform(self, form):
        return services.risk_review(acting_user=self.request.user, risk=self.object, **form.cleaned_data)


class RiskActionCreateView(ObjectFormView):
    """Plan an action on the risk (``change`` on the risk)."""

    model = Risk
    form_class = RiskActionForm
    title = gettext_lazy("Plan an action")
    success_message = gettext_lazy("The action was planned; its owner was told.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["risk"] = self.object
        return kwargs

    def perform(self, form):
        return services.risk_action_create(acting_user=self.request.user, risk=self.object, **form.cleaned_data)


class _ActionFormView(ObjectFormView):
    """An own action recorded done or cancelled by its owner (whatever their role) or by whoever may
    change the risk (and so holds ``change_riskaction``)."""

    model = RiskAction
    action = "view"
    related = ("risk__unit",)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        found = RiskAction.objects.filter(pk=kwargs["pk"]).select_related("risk__unit").first()
        is_owner = found is not None and user.is_authenticated and found.owner_id == user.pk
        if not (is_owner or user.has_perm("objectives.change_riskaction")):
            raise PermissionDenied
        self.object = found if is_owner else self.get_object()
        if not services.may_complete(user, self.object):
            raise PermissionDenied
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)


class RiskActionDoneView(_ActionFormView):
    form_class = ActionDoneForm
    title = gettext_lazy("Record the action done")
    success_message = gettext_lazy("The action was recorded done.")

    def perform(self, form):
        return services.risk_action_complete(acting_user=self.request.user, action=self.object, **form.cleaned_data)


class RiskActionCancelView(_ActionFormView):
    form_class = ActionCancelForm
    title = gettext_lazy("Cancel the action")
    success_message = gettext_lazy("The action was cancelled.")

    def perform(self, form):
        return services.risk_action_cancel(acting_user=self.request.user, action=self.object,
                                           reason=form.cleaned_data["note"])


class RiskExportView(ScopedMixin, View):
    """The register as XLSX, with the register's filters: the page says what it will list; asking
    for it (POST) queues a background job (``objectives/exports_risks.py``) and opens its progress
    page."""

    model = Risk

    def get(self, request, status=200):
        params = exports.register_params(request.GET)
        filtered = exports.register_filter(request.user, params)
        return render(request, "objectives/risks/register_export.html", {
            "query": urlencode(params),
            "errors": None if filtered.is_valid() else filtered.form.errors,
            "details": exports.describe_register(params, request.user),
        }, status=status)

    def post(self, request):
        params = exports.register_params(request.GET)
        if not exports.register_filter(request.user, params).is_valid():
            return self.get(request, status=400)
        job = job_start(acting_user=request.user, kind=exports.JOB_KIND, params=params)
        return HttpResponseRedirect(job.get_absolute_url())
