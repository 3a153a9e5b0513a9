"""django-filter sets for the core's list pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import AccessRequest, RoleAssignment, Unit, User
from ..search import matches


class SearchFilter(django_filters.FilterSet):
    """``q`` searches ``search_fields`` with or without tone marks ("Nguyen" finds "Nguyễn"; see
    ``qms_portal.search``): stored search columns (``search_key``, written on save from the fields a
    model names in ``search_from``), one condition in the list's query, served on PostgreSQL by
    their trigram indexes. (Folding the typed columns in the query instead cost 1 s over 5,000
    people: PostgreSQL's ``translate`` is slow with a long mapping.)"""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields = ()

    def search(self, queryset, name, value):
        q = Q()
        for field in self.search_fields:
            condition = matches(field, value)
            if condition is None:
                return queryset
            q |= condition
        return queryset.filter(q)


class UnitFilter(SearchFilter):
    search_fields = ("search_key",)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "is_active"]


class UserFilter(SearchFilter):
    search_fields = ("search_key",)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "is_active"]


class RoleAssignmentFilter(SearchFilter):
    search_fields = ("user__search_key", "unit__search_key")
    # Current assignments unless asked otherwise (ended ones are kept, and grant nothing).
    state = django_filters.ChoiceFilter(
        label=_("Assignments"), choices=[("ended", _("Ended")), ("all", _("Current and ended"))],
        empty_label=_("Current"), method="by_state",
    )

    class Meta:
        model = RoleAssignment
        fields = ["q", "role", "state"]

    def by_state(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also sees the empty choice

    @property
    def qs(self):
        queryset = super().qs
        state = self.form.cleaned_data.get("state") if self.is_bound and self.form.is_valid() else ""
        if state == "ended":
            return queryset.ended()
        if state == "all":
            return queryset
        return queryset.current()


class AccessRequestFilter(SearchFilter):
    search_fields = ("requester__search_key", "unit__search_key")

    class Meta:
        model = AccessRequest
        fields = ["q", "status"]
