"""Checklist templates: the list, a template's page and its history, and its editing."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy

from qms_portal.permissions import can
from qms_portal.views.generic import HistoryView, ObjectFormView, ScopedDetailView, ScopedListView

from .. import cached
from ..forms.checklist import TemplateForm, TemplateQuestionFormSet
from ..models import ChecklistTemplate
from ..services import checklist_templates as services


class TemplateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    show = django_filters.ChoiceFilter(label=gettext_lazy("Show"), method="by_use", empty_label=None, choices=(
        ("active", gettext_lazy("In use")), ("all", gettext_lazy("All, including those no longer in use"))))

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "show"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset

    def by_use(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(is_active=True)

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("show", "active")
        super().__init__(data, *args, **kwargs)


class TemplateListView(ScopedListView):
    """The checklist templates in the reader's scope, with how many questions each has; kept in the
    cache per reader, retired by a template or a question (``audits/cached.py``)."""

    model = ChecklistTemplate
    title = gettext_lazy("Checklist templates")
    table_template = "audits/checklist/template_rows.html"
    filterset_class = TemplateFilter
    keyset = ("name", "pk")
    cache_generations = cached.TEMPLATE_GENERATIONS

    def get_base_queryset(self):
        return ChecklistTemplate.objects.select_related("unit").annotate(questions=Count("items"))


class TemplateDetailView(ScopedDetailView):
    model = ChecklistTemplate
    template_name = "audits/checklist/template_detail.html"
    related = ("unit", "source_audit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["questions"] = list(self.object.items.select_related("clause").order_by("position", "id"))
        ctx["may_change"] = can(self.request.user, "change", self.object)
        source = self.object.source_audit
        ctx["source"] = source if source is not None and can(self.request.user, "view", source) else None
        return ctx


class TemplateHistoryView(HistoryView):
    model = ChecklistTemplate


class TemplateEditView(ObjectFormView):
    model = ChecklistTemplate
    form_class = TemplateForm
    formset_classes = {"questions": TemplateQuestionFormSet}
    template_name = "audits/checklist/template_form.html"
    title = gettext_lazy("Change the template")
    success_message = gettext_lazy("The template was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        return {"name": self.object.name, "is_active": self.object.is_active}

    def get_formset_initial(self, name):
        return [{"item": row.pk, "clause": row.clause_id, "question": row.question, "ORDER": position}
                for position, row in enumerate(self.object.items.order_by("position", "id"), start=1)]

    def perform(self, form):
        formset = self.formsets["questions"]
        rows = []
        for sub in formset.ordered_forms if formset.can_order else formset.forms:
            data = sub.cleaned_data
            if not data:
                continue
            rows.append({"item": data.get("item"), "clause": data.get("clause"), "question": data.get("question", ""),
                         "delete": data.get("DELETE", False)})
        rows += [{"item": sub.cleaned_data.get("item"), "delete": True} for sub in formset.deleted_forms
                 if sub.cleaned_data.get("item") and sub not in formset.ordered_forms]
        return services.checklist_template_update(acting_user=self.request.user, template=self.object,
                                                  name=form.cleaned_data["name"],
                                                  is_active=form.cleaned_data["is_active"], questions=rows)
