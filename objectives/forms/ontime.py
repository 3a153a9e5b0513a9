"""The filters of the register of monthly files per procedure (kpi part, on-time rate): the unit
with its sub-units, the months from and to, the procedure, and "only rows with files handled late".
The steering committee's dashboard links its on-time figures here (``objectives.parts.kpi``)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.unit_picker import UnitChoiceFilter

from ..models import ProcedureTimeliness
from ..selectors.kpi_ontime import LATE
from .fields import MonthField


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class TimelinessFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search procedure code, title"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="unit", subtree=True)
    month_from = MonthFilter(label=_("From month"), field_name="period", lookup_expr="gte")
    month_to = MonthFilter(label=_("To month"), field_name="period", lookup_expr="lte")
    late = django_filters.BooleanFilter(label=_("Only files handled late"), method="only_late",
                                        widget=forms.CheckboxInput)

    class Meta:
        model = ProcedureTimeliness
        fields = ["q", "unit", "month_from", "month_to", "late"]

    def search(self, queryset, name, value):
        value = value.strip()
        return (queryset.filter(Q(procedure__code__icontains=value) | Q(procedure__title__icontains=value))
                if value else queryset)

    def only_late(self, queryset, name, value):
        return queryset.filter(LATE) if value else queryset
