"""Forms of the plan part: a plan (unit, year, budget line, note), an item, the sessions held for an
item, and the filters of the plans list and of the register of plan items."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import ServiceForm
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitScope

from ..models import Course, PlanItem, TrainingPlan
from ..selectors.plan_items import done_items
from ..services.plan import ADD, sessions_for

MONTHS = [(m, label) for m, label in enumerate(
    [_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
     _("September"), _("October"), _("November"), _("December")], start=1)]


def year_field(**kwargs):
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              error_messages={"invalid": _("Give a year between 2000 and 2100."),
                                              "min_value": _("Give a year between 2000 and 2100."),
                                              "max_value": _("Give a year between 2000 and 2100.")}, **kwargs)


class PlanForm(ServiceForm):
    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope(ADD),
                           help_text=_("The plan covers the unit and every unit below it."))
    year = year_field()
    budget = forms.CharField(label=_("Budget line"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For example: 12 million VND from the administrative reform budget."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            del self.fields["unit"], self.fields["year"]
        else:
            self.fields["unit"].bind(self.user)


class PlanItemForm(ServiceForm):
    need = forms.ChoiceField(label=_("Need"), choices=PlanItem.Need.choices)
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, required=False,
                                    help_text=_("A course of the catalogue, or leave it empty and say what below."))
    title = forms.CharField(label=_("What (if not a course of the catalogue)"), max_length=300, required=False)
    month = forms.TypedChoiceField(label=_("Planned month"), choices=[("", "—"), *MONTHS], coerce=int,
                                   empty_value=None, required=False)
    participants = forms.IntegerField(label=_("People planned"), min_value=0, initial=0,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                      error_messages={"min_value": _("The number of people cannot be negative.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True).only("pk", "code", "title")

    def clean(self):
        data = super().clean()
        if not data.get("course") and not (data.get("title") or "").strip() and "title" not in self.errors:
            self.add_error("title", _("Say what is planned: choose a course or give a title."))
        return data


class ItemSessionsForm(ServiceForm):
    sessions = forms.ModelMultipleChoiceField(label=_("Sessions held for this item"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sessions"]
        field.queryset = (sessions_for(item.plan).select_related("course", "unit").order_by("starts_at", "pk"))
        field.label_from_instance = self.session_label
        field.help_text = _("Sessions organised in %(unit)s or below it in %(year)s.") % {
            "unit": item.plan.unit.name, "year": item.plan.year}

    @staticmethod
    def session_label(session):
        when = timezone.localtime(session.starts_at).date()
        return f"{session.number or '—'} · {session.course.title} · {session.unit.name} · {when:%Y-%m-%d} · " \
               f"{session.get_status_display()}"


class PlanFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TrainingPlan.Status.choices)

    class Meta:
        model = TrainingPlan
        fields = ["unit", "year", "status"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset


class PlanItemFilter(django_filters.FilterSet):
    """The register of plan items: unit (with its sub-units), the plan's year, done or not (the
    steering committee's figure's rule: ``?unit=<id>&year=<year>&done=true`` lists exactly the items
    its "training plan completion" counts as done), the plan's status, the need, and a search on
    what is planned (the item's title or its course's)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="plan__unit", subtree=True)
    year = django_filters.NumberFilter(label=_("Year"), field_name="plan__year")
    done = django_filters.ChoiceFilter(label=_("Done"), choices=[("true", _("Yes")), ("false", _("No"))],
                                       method="by_done")
    status = django_filters.ChoiceFilter(label=_("Plan status"), field_name="plan__status",
                                         choices=TrainingPlan.Status.choices)
    need = django_filters.ChoiceFilter(label=_("Need"), choices=PlanItem.Need.choices)

    class Meta:
        model = PlanItem
        fields = ["q", "unit", "year", "done", "status", "need"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(course__title__icontains=value)) if value else queryset

    def by_done(self, queryset, name, value):
        return done_items(queryset, value == "true") if value in ("true", "false") else queryset
