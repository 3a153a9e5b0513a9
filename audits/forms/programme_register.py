"""The programme entries' register's filters (plan part): the unit (with its sub-units: the entries
of their programmes), the programme's year, the state (done, not done, behind its month: the
dashboard figures' rules, ``selectors.programme_register``) and a main clause of ISO 9001."""

import django_filters
from django.utils.translation import gettext_lazy as _

from qms_portal.unit_picker import UnitChoiceFilter

from ..models import ProgrammeEntry
from ..selectors import programme_register as register
from ..selectors.plan import MAIN_CLAUSES

STATES = [
    (register.DONE, _("Done: an audit of it is closed")),
    (register.NOT_DONE, _("Not done")),
    (register.BEHIND, _("Behind its month (this year's programmes)")),
]


class ProgrammeEntryFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="programme__unit", subtree=True)
    year = django_filters.NumberFilter(label=_("Year"), field_name="programme__year")
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state")
    clause = django_filters.ChoiceFilter(label=_("ISO 9001 clause"), choices=[(c, c) for c in MAIN_CLAUSES],
                                         method="on_clause")

    class Meta:
        model = ProgrammeEntry
        fields = ["unit", "year", "state", "clause"]

    def in_state(self, queryset, name, value):
        return register.in_state(queryset, value)

    def on_clause(self, queryset, name, value):
        return register.on_main_clause(queryset, value) if value else queryset
