"""Forms of the competence part: a competence requirement, a qualification (recorded or corrected),
its withdrawal, and the two lists' filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ScopedModelForm, ServiceForm
from qms_portal.models import Role, User
from qms_portal.people_picker import PeopleScope, PersonChoiceField, people_source
from qms_portal.permissions import units_where
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import Competence, CompetenceRequirement, Qualification
from ..selectors.competence import State, state_q


def _competences(current=None):
    rows = Competence.objects.filter(is_active=True)
    if current:
        rows = Competence.objects.filter(pk=current) | rows
    return rows.order_by("code")


class CompetenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class RequirementForm(ScopedModelForm):
    scope_actions = {"unit": "training.add_competencerequirement"}
    role = RoleChoiceField(label=_("Role"), queryset=Role.objects.order_by("name"),
                           help_text=_("Whoever holds this role in the unit or below it."))
    competence = CompetenceChoiceField(label=_("Competence"), queryset=Competence.objects.none())

    class Meta:
        model = CompetenceRequirement
        fields = ["role", "competence", "unit", "note"]
        labels = {"unit": _("Applies in (the unit and every unit below it)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.scope_actions = {"unit": "training.change_competencerequirement"}
        self.fields["competence"].queryset = _competences(self.instance.competence_id if self.instance.pk else None)

    def _post_clean(self):
        # (the service checks the requirement and says what is wrong more plainly)
        pass

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


@people_source
def qualification_holders(user):
    """Whose qualifications ``user`` may record: the active people of the units where they keep them."""
    people = User.objects.filter(is_active=True)
    if user.is_superuser:
        return people
    return people.filter(primary_unit__in=units_where(user, "training.add_qualification"))


class QualificationForm(ScopedModelForm):
    user = PersonChoiceField(label=_("Person"), help_text=_("The people of the units where you keep qualifications."))
    competence = CompetenceChoiceField(label=_("Competence"), queryset=Competence.objects.none())

    class Meta:
        model = Qualification
        fields = ["user", "competence", "obtained_on", "valid_until", "outside_body", "reference"]
        widgets = {"obtained_on": DatePicker(), "valid_until": DatePicker()}
        help_texts = {"valid_until": _("Leave empty to take the competence's validity from the day it was obtained "
                                       "(none: it does not expire)."),
                      "outside_body": _("The organisation that awarded it, when it was not one of our sessions.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("user")
            self.fields["valid_until"].help_text = _("Leave empty when it does not expire.")
        else:
            self.fields["user"].bind(self.user, PeopleScope(f"{__name__}.qualification_holders"))
        self.fields["competence"].queryset = _competences(self.instance.competence_id if self.instance.pk else None)

    def clean(self):
        data = super().clean()
        obtained, until = data.get("obtained_on"), data.get("valid_until")
        if obtained and until and until < obtained:
            self.add_error("valid_until", _("A qualification cannot expire before it was obtained."))
        return data

    def _post_clean(self):
        pass

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.fields}


class WithdrawForm(ServiceForm):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown on the qualification's page and its History tab."))


class RequirementFilter(django_filters.FilterSet):
    ACTIVE = (("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All")))
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    role = django_filters.ModelChoiceFilter(label=_("Role"), queryset=Role.objects.order_by("name"))
    competence = django_filters.ModelChoiceFilter(label=_("Competence"), queryset=None)
    active = django_filters.ChoiceFilter(label=_("Status"), choices=ACTIVE, method="by_active", empty_label=None)

    class Meta:
        model = CompetenceRequirement
        fields = ["unit", "role", "competence", "active"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("active", "active")
        super().__init__(data, *args, **kwargs)
        self.filters["competence"].queryset = Competence.objects.order_by("code")
        self.filters["competence"].field.label_from_instance = lambda c: c.name

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_active(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "inactive":
            return queryset.filter(is_active=False)
        return queryset


class QualificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search person"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    competence = django_filters.ModelChoiceFilter(label=_("Competence"), queryset=None)
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.CHOICES, method="by_state")
    # People still working here only (the steering committee's "expiring" figure links here with it).
    active = django_filters.BooleanFilter(label=_("Active people only"), method="of_active_people",
                                          widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Qualification
        fields = ["q", "unit", "competence", "state", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["competence"].queryset = Competence.objects.order_by("code")
        self.filters["competence"].field.label_from_instance = lambda c: c.name

    def search(self, queryset, name, value):
        condition = matches("user__search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(user__primary_unit__path__startswith=unit.path) if unit else queryset

    def by_state(self, queryset, name, value):
        return queryset.filter(state_q(value)) if value else queryset

    def of_active_people(self, queryset, name, value):
        return queryset.filter(user__is_active=True) if value else queryset
