"""Pages of the evaluation of units: the evaluations (list, new, page with its criteria and sheets,
criteria while a draft, open and close, the ranking with its breakdown and the change from last
year, XLSX and PDF as background jobs) and each unit's sheet (page with History tab and evidence,
the unit's scores, the evaluators' scores, submit, return and sign). Permissions are the models'
own, on their unit, through the generic views; the services write."""

import django_filters
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy

from ..jobs import job_start
from ..links import pk_url
from ..views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)
from . import cached, evaluation_exports, evaluation_rows
from . import evaluation_forms as forms
from . import evaluation_selectors as sel
from . import evaluation_services as services
from .evaluation_models import Evaluation, UnitEvaluation


class EvaluationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("Year"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Evaluation.Status.choices)

    class Meta:
        model = Evaluation
        fields = ["year", "status"]


class EvaluationListView(ScopedListView):
    model = Evaluation
    filterset_class = EvaluationFilter
    table_template = "steering/evaluation_table.html"
    title = gettext_lazy("Evaluations of units")
    create_url = "evaluation_create"
    related = ("unit",)
    cache_generations = cached.EVALUATION_LIST_GENERATIONS

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "unit__path", "pk")


class EvaluationCreateView(ServiceFormView):
    model = Evaluation
    action = "add"
    form_class = forms.EvaluationCreateForm
    title = gettext_lazy("New evaluation of units")
    success_message = gettext_lazy("The evaluation was drafted with last year's criteria or the default set: "
                                   "check them, then open it for scoring.")

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")}

    def perform(self, form):
        return services.evaluation_create(acting_user=self.request.user, **form.cleaned_data)


class EvaluationTabsMixin:
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ranking_url"] = pk_url("evaluation_ranking", self.object.pk)
        ctx["tabs_template"] = "steering/evaluation_tabs.html"
        return ctx


class EvaluationDetailView(EvaluationTabsMixin, ScopedDetailView):
    model = Evaluation
    template_name = "steering/evaluation_detail.html"
    related = ("unit", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        evaluation, user = self.object, self.request.user
        criteria = list(evaluation.criteria.all())
        sheets = list(UnitEvaluation.objects.restrict(user, "view").filter(evaluation=evaluation)
                      .select_related("unit").order_by("unit__path"))
        top = sel.maximum(criteria)
        ctx.update(criteria_rows=[(c, sel.figure_label(c.figure)) for c in criteria], top=top,
                   sheets=[(s, sel.index(s.self_total, top), sel.index(s.appraisal_total, top)) for s in sheets],
                   may_edit=evaluation.editable and user.has_perm(sel.CHANGE, evaluation),
                   counts={status: sum(1 for s in sheets if s.status == status) for status in UnitEvaluation.Status})
        return ctx


class EvaluationHistoryView(EvaluationTabsMixin, HistoryView):
    model = Evaluation


class EvaluationRankingView(EvaluationTabsMixin, ScopedDetailView):
    """The signed sheets ranked, each criterion's points, last year's index and rank, and the units
    not yet signed below them."""

    model = Evaluation
    template_name = "steering/evaluation_ranking.html"
    related = ("unit",)
    tab = "ranking"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ranking"] = sel.ranking(self.object, self.request.user)
        ctx["ranking_rows"] = evaluation_rows.ranking_rows(ctx["ranking"])
        return ctx


class EvaluationUpdateView(ObjectFormView):
    model = Evaluation
    form_class = forms.EvaluationForm
    formset_classes = {"criteria": forms.CriterionFormSet}
    template_name = "steering/evaluation_form.html"
    title = gettext_lazy("Change the evaluation and its criteria")
    success_message = gettext_lazy("The evaluation was saved.")
    related = ("unit",)

    def get_formset_initial(self, name):
        return [{"criterion": c.pk, "code": c.code, "title": c.title, "clause": c.clause, "points": c.points,
                 "figure": c.figure, "guidance": c.guidance, "ORDER": position}
                for position, c in enumerate(self.object.criteria.all(), start=1)]

    def perform(self, form):
        formset = self.formsets["criteria"]
        rows = []
        ordered = formset.ordered_forms if formset.can_order else formset.forms
        for sub in ordered:
            data = sub.cleaned_data
            if data and not data.get("DELETE"):
                rows.append({"id": data.get("criterion"), "delete": False,
                             **{name: data.get(name) for name in services.CRITERION_FIELDS}})
        rows += [{"id": sub.cleaned_data.get("criterion"), "delete": True} for sub in formset.deleted_forms
                 if sub.cleaned_data.get("criterion")]
        fields = {name: form.cleaned_data[name] for name in services.FIELDS}
        return services.evaluation_update(acting_user=self.request.user, evaluation=self.object, criteria=rows,
                                          **fields)


class EvaluationTransitionView(TransitionView):
    model = Evaluation
    service = services.evaluation_transition
    object_kwarg = "evaluation"
    related = ("unit",)


class EvaluationExportView(ActionView):
    """POST only: the ranking and its breakdown as XLSX or PDF in the reader's language, in the
    background; the person follows it on the job's page."""

    model = Evaluation
    action = "view"
    related = ("unit",)
    kind = evaluation_exports.XLSX

    def post(self, request, *args, **kwargs):
        evaluation = self.get_object()
        job = job_start(acting_user=request.user, kind=self.kind, params={"evaluation": evaluation.pk})
        return HttpResponseRedirect(job.get_absolute_url())


class EvaluationPdfView(EvaluationExportView):
    kind = evaluation_exports.PDF


# --- a unit's sheet ---------------------------------------------------------------------------------------


class SheetFilter(django_filters.FilterSet):
    evaluation__year = django_filters.NumberFilter(label=gettext_lazy("Year"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=UnitEvaluation.Status.choices)

    class Meta:
        model = UnitEvaluation
        fields = ["evaluation__year", "status"]


class SheetListView(ScopedListView):
    model = UnitEvaluation
    filterset_class = SheetFilter
    table_template = "steering/unitevaluation_table.html"
    title = gettext_lazy("Evaluation sheets")
    related = ("unit", "evaluation", "evaluation__unit")
    cache_generations = cached.SHEET_LIST_GENERATIONS

    def get_queryset(self):
        return super().get_queryset().order_by("-evaluation__year", "unit__path", "pk")


def sheet_lines(sheet, user):
    criteria = list(sheet.evaluation.criteria.all())
    live = sel.live_rates(user, sheet) if sheet.status == UnitEvaluation.Status.SELF else None
    return criteria, sel.lines(sheet, criteria, live)


class SheetDetailView(ScopedDetailView):
    model = UnitEvaluation
    template_name = "steering/unitevaluation_detail.html"
    related = ("unit", "evaluation", "evaluation__unit", "submitted_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sheet, user = self.object, self.request.user
        criteria, lines = sheet_lines(sheet, user)
        top = sel.maximum(criteria)
        self_total = sel.total({line.criterion.code: {"self": line.self_score} for line in lines}, criteria, "self")
        open_ = sheet.evaluation.status == Evaluation.Status.OPEN
        ctx.update(lines=lines, top=top, self_total=self_total, self_index=sel.index(self_total, top),
                   appraisal_index=sel.index(sheet.appraisal_total, top),
                   may_score=open_ and sheet.status == UnitEvaluation.Status.SELF and user.has_perm(
                       sel.SHEET_CHANGE, sheet),
                   may_appraise=open_ and sheet.status == UnitEvaluation.Status.SUBMITTED and user.has_perm(
                       sel.APPRAISE, sheet),
                   may_see_evaluation=user.has_perm(sel.VIEW, sheet.evaluation))
        return ctx


class SheetHistoryView(HistoryView):
    model = UnitEvaluation


class SheetScoreView(ObjectFormView):
    """The unit's own scores and evidence."""

    model = UnitEvaluation
    form_class = forms.SelfScoreForm
    template_name = "steering/unitevaluation_form.html"
    title = gettext_lazy("Self-assessment")
    success_message = gettext_lazy("The scores were saved. Submit the sheet for appraisal when it is complete.")
    related = ("unit", "evaluation", "evaluation__unit")
    key = "self"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["lines"] = sheet_lines(self.object, self.request.user)[1]
        kwargs["key"] = self.key
        return kwargs

    def get_initial(self):
        return {"summary": self.object.summary, "conclusion": self.object.conclusion}

    def perform(self, form):
        return services.unit_evaluation_score(acting_user=self.request.user, sheet=self.object,
                                              scores=form.entries(), summary=form.cleaned_data["summary"])


class SheetAppraiseView(SheetScoreView):
    """The evaluators' scores and comments on a submitted sheet."""

    form_class = forms.AppraisalForm
    action = "appraise"
    title = gettext_lazy("Appraisal")
    success_message = gettext_lazy("The appraisal was saved. Sign it when every criterion has its score.")
    key = "appraisal"

    def perform(self, form):
        return services.unit_evaluation_appraise(acting_user=self.request.user, sheet=self.object,
                                                 scores=form.entries(), conclusion=form.cleaned_data["conclusion"])


class SheetTransitionView(TransitionView):
    model = UnitEvaluation
    service = services.unit_evaluation_transition
    object_kwarg = "sheet"
    related = ("unit", "evaluation")
