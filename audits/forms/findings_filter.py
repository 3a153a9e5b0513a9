"""The findings list's filters."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.unit_picker import UnitChoiceFilter

from ..models import Audit, Finding


class FindingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Finding.Grade.choices)
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    kind = django_filters.ChoiceFilter(label=_("Kind of audit"), choices=Audit.Kind.choices, field_name="audit__kind")
    year = django_filters.NumberFilter(label=_("Year"), field_name="audit__starts_on__year")
    open = django_filters.BooleanFilter(label=_("Still open"), method="still_open",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Finding
        fields = ["q", "grade", "unit", "kind", "year", "open"]

    def search(self, queryset, name, value):
        value = " ".join((value or "").split())
        if not value:
            return queryset
        return queryset.filter(Q(audit__number__icontains=value) | Q(description__icontains=value)
                               | Q(audit__title__icontains=value))

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def still_open(self, queryset, name, value):
        """Nonconformity findings whose record is not closed yet (or not raised)."""
        if value is None:
            return queryset
        closed = Q(grade__in=Finding.NONCONFORMITY_GRADES, nonconformity__status__in=["closed", "rejected"])
        nc_open = Q(grade__in=Finding.NONCONFORMITY_GRADES) & ~closed
        return queryset.filter(nc_open) if value else queryset.exclude(nc_open)
