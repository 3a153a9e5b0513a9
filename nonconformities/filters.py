"""The register's filters (nc-core)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.filters import ClauseChoiceFilter
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceFilter

from .models import ACTIVE_ACTION_STATUSES, OPEN_STATUSES, CorrectiveAction, Nonconformity
from .selectors import AGE_BUCKETS, age_bucket_q, overdue_q


class NonconformityFilter(django_filters.FilterSet):
    STATE = (
        ("open", _("Open")),
        ("all", _("All, including closed and rejected")),
        *Nonconformity.Status.choices,
    )
    q = django_filters.CharFilter(label=_("Search number, title"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Nonconformity.Source.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Nonconformity.Grade.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATE, method="by_status", empty_label=None)
    overdue = django_filters.BooleanFilter(label=_("Overdue actions"), method="by_overdue",
                                           widget=django_filters.widgets.BooleanWidget())
    age = django_filters.ChoiceFilter(label=_("Age (open)"), method="by_age",
                                      choices=[(key, label) for key, (label, _low, _high) in AGE_BUCKETS.items()])
    clause = ClauseChoiceFilter(field_name="clause")
    # Closed from / to (local dates, both included): the dashboard's "closed in the period" links here.
    closed_from = django_filters.DateFilter(label=_("Closed from"), field_name="closed_at", lookup_expr="date__gte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = django_filters.DateFilter(label=_("Closed until"), field_name="closed_at", lookup_expr="date__lte",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Nonconformity
        fields = ["q", "unit", "source", "grade", "status", "overdue", "age", "clause", "closed_from", "closed_to"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = "open"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def by_age(self, queryset, name, value):
        return queryset.filter(age_bucket_q(value)) if value else queryset


class ActionFilter(django_filters.FilterSet):
    STATE = (
        ("active", _("Still to do")),
        ("all", _("All")),
        *CorrectiveAction.Status.choices,
    )
    mine = django_filters.BooleanFilter(label=_("Mine only"), method="by_owner",
                                        widget=django_filters.widgets.BooleanWidget())
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATE, method="by_status", empty_label=None)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="by_overdue",
                                           widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = CorrectiveAction
        fields = ["mine", "unit", "status", "overdue"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = "active"
        super().__init__(data, *args, **kwargs)

    def by_owner(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(status__in=ACTIVE_ACTION_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=ACTIVE_ACTION_STATUSES, due__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
