"""The register, raising a nonconformity, its page (the whole story in order), its cause analysis
and its action plan (nc-core)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from qms_portal import fragments
from qms_portal.permissions import can
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached, selectors, services
from ..filters import ActionFilter, NonconformityFilter
from ..forms import ActionFormSet, ActionLinkForm, AnalysisForm, NonconformityEditForm, NonconformityForm
from ..models import CorrectiveAction, Nonconformity


class RegisterView(ScopedListView):
    """Open nonconformities in the reader's scope by default; filters by unit (with its sub-units),
    source, grade, status, overdue actions, age and clause, and a search on number and title. Above
    the list, how many the filters select in each status (one GROUP BY query). Paged by cursor in
    detection order (newest first), read from the ``nc_register_order`` index."""

    model = Nonconformity
    filterset_class = NonconformityFilter
    content_template = "nonconformities/register_content.html"
    table_template = "nonconformities/register_rows.html"
    title = gettext_lazy("Nonconformities")
    create_url = "nonconformities:nonconformity_create"
    keyset = ("-detected_on", "-pk")
    cache_generations = cached.LIST_GENERATIONS

    def content_key_parts(self):  # the export button
        return (*super().content_key_parts(), self.request.user.has_perm("nonconformities.export_nonconformity"))

    def get_base_queryset(self):
        # What the rows show, and their unit's name (the filters and the scope are SQL only).
        return selectors.register_queryset(self.request.user, overdue=False).select_related(None).select_related(
            "unit").only("pk", "number", "title", "grade", "status", "detected_on", "unit_id", "unit__name")

    def get_queryset(self):
        return self.get_base_queryset()

    def complete_rows(self, rows):
        return selectors.mark_overdue(rows)  # ncscale: on the page's rows only (one query on their keys)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = register_rows(ctx["object_list"])
        filterset = ctx.get("filter")
        counts = selectors.status_counts(filterset.qs) if filterset is not None and filterset.is_valid() else {}
        ctx["counts"] = [(value, label, counts[value]) for value, label in Nonconformity.Status.choices
                         if counts.get(value)]
        ctx["total"] = sum(counts.values())
        return ctx


def register_rows(nonconformities):
    """The register table's rows, written in Python: the template engine took longer over a page
    of rows than the database took to find them (a first visit renders them all). The same HTML
    as a template loop would write, every value escaped."""
    fragments.shows(nonconformities, "number", "title", "is_overdue", "unit__name", "grade", "status", "detected_on")
    overdue = f' <span class="badge text-bg-danger">{conditional_escape(gettext("Overdue"))}</span>'
    rows = []
    for nc in nonconformities:
        rows.append(
            f'<tr><td class="text-nowrap"><a href="{conditional_escape(nc.get_absolute_url())}">'
            f"{conditional_escape(nc.number)}</a></td>"
            f"<td>{conditional_escape(nc.title)}{overdue if nc.is_overdue else ''}</td>"
            f"<td>{conditional_escape(nc.unit.name)}</td>"
            f'<td>{conditional_escape(choice_label(nc, "grade"))}</td>'
            f'<td>{conditional_escape(choice_label(nc, "status"))}</td>'
            f'<td class="text-nowrap">{conditional_escape(date_format(nc.detected_on, "SHORT_DATE_FORMAT"))}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class NonconformityCreateView(ServiceFormView):
    """Raise a nonconformity (a staff member, often on a phone), with photos of what was found."""

    model = Nonconformity
    action = "add"
    form_class = NonconformityForm
    template_name = "nonconformities/nonconformity_form.html"
    title = gettext_lazy("Raise a nonconformity")
    success_message = gettext_lazy("The nonconformity was recorded. The unit's ISO officer was told.")

    def get_initial(self):
        unit = self.request.user.primary_unit
        return {"unit": unit.pk} if unit is not None and can(
            self.request.user, "nonconformities.add_nonconformity", unit) else {}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("photo", None)
        data.pop("files", None)
        return services.nonconformity_create(acting_user=self.request.user, **data)


class NonconformityDetailView(ScopedDetailView):
    """The whole story in order: the finding, its containment, the cause (five whys, fishbone, root
    cause), the actions with their original and current due dates, the verification and the
    signatures; the transitions open to the reader; similar nonconformities beside it."""

    model = Nonconformity
    template_name = "nonconformities/nonconformity_detail.html"
    related = ("unit", "clause", "procedure", "reported_by", "verified_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        nc, user = self.object, self.request.user
        ctx["actions"] = list(selectors.actions_of(nc).prefetch_related(
            Prefetch("nonconformities", queryset=Nonconformity.objects.only("pk", "number"))))
        ctx["similar"] = selectors.similar_nonconformities(nc, user)
        ctx["may_change"] = can(user, "change", nc)
        ctx["may_analyse"] = ctx["may_change"] and nc.status in (Nonconformity.Status.CAUSE_ANALYSIS,
                                                                 Nonconformity.Status.ACTION_PLAN)
        ctx["may_plan"] = ctx["may_change"] and nc.status in services.actions.PLANNING_STATUSES
        ctx["source_link"] = _source_link(nc, user)
        return ctx


def _source_link(nc, user):
    """The record the nonconformity came from, linked when the reader may open it."""
    source = nc.source_object if nc.source_type_id else None
    if source is None or not hasattr(source, "get_absolute_url"):
        return None
    return source if can(user, "view", source) else None


class NonconformityHistoryView(HistoryView):
    model = Nonconformity


class NonconformityTransitionView(TransitionView):
    model = Nonconformity
    service = services.nonconformity_transition
    object_kwarg = "nonconformity"


class NonconformityEditView(ObjectFormView):
    """Correct what was recorded when it was raised, while it is open."""

    model = Nonconformity
    form_class = NonconformityEditForm
    template_name = "nonconformities/edit_form.html"
    title = gettext_lazy("Correct the record")
    success_message = gettext_lazy("The nonconformity was saved.")

    def get_initial(self):
        nc = self.object
        return {"title": nc.title, "description": nc.description, "containment": nc.containment,
                "grade": nc.grade, "detected_on": nc.detected_on, "clause": nc.clause_id,
                "procedure": nc.procedure_id}

    def perform(self, form):
        return services.nonconformity_update(acting_user=self.request.user, nonconformity=self.object,
                                             **form.cleaned_data)


class AnalysisView(ObjectFormView):
    """The cause analysis: five whys, the fishbone's categories, the root cause."""

    model = Nonconformity
    form_class = AnalysisForm
    template_name = "nonconformities/analysis_form.html"
    title = gettext_lazy("Cause analysis")
    success_message = gettext_lazy("The cause analysis was saved.")

    def get_initial(self):
        return AnalysisForm.initial_for(self.object)

    def perform(self, form):
        return services.nonconformity_update_analysis(acting_user=self.request.user, nonconformity=self.object,
                                                      **form.analysis())


class PlanView(ObjectFormView):
    """The action plan: new actions in a formset (what, type, owner, due date), saved together;
    the actions already planned listed above it."""

    model = Nonconformity
    form_class = ActionLinkForm
    formset_classes = {"actions": ActionFormSet}
    template_name = "nonconformities/plan_form.html"
    title = gettext_lazy("Action plan")
    success_message = gettext_lazy("The action plan was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["nonconformity"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["action"].required = False
        return form

    def get_formset_kwargs(self, name):
        return {**super().get_formset_kwargs(name), "candidates": services.owner_scope(self.object.unit),
                "user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["actions"] = list(selectors.actions_of(self.object))
        ctx["formset"] = self.get_formsets()["actions"]
        return ctx

    def perform(self, form):
        user, nc = self.request.user, self.object
        rows = self.formsets["actions"].actions()
        linked = form.cleaned_data.get("action")
        if not rows and linked is None:
            raise ValidationError(gettext_lazy("Describe at least one action, or choose an existing one."))
        for row in rows:
            services.action_create(acting_user=user, nonconformity=nc, description=row["description"],
                                   kind=row["kind"], owner=row["owner"], due=row["due"])
        if linked is not None:
            services.action_link(acting_user=user, action=linked, nonconformity=nc)
        return nc


class ActionListView(ScopedListView):
    """My actions and the actions in my scope still to do, by due date."""

    model = CorrectiveAction
    template_name = "generic/list.html"
    table_template = "nonconformities/action_rows.html"
    title = gettext_lazy("Corrective actions")
    keyset = ("due", "pk")
    filterset_class = ActionFilter
    cache_generations = cached.LIST_GENERATIONS

    def get_base_queryset(self):
        return selectors.action_register(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()
