"""The training matrix's filter: a unit (the picker, among the units whose qualifications the reader
may read) and whether its sub-units' people are listed too; the register of training on revisions'
filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Acknowledgement
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitScope

from ..selectors.matrix import PERMISSION


class MatrixForm(forms.Form):
    SUBUNITS = (("1", _("This unit and its sub-units")), ("0", _("This unit only")))

    unit = UnitChoiceField(label=_("Unit"), required=False, scope=UnitScope(PERMISSION), help_text="")
    subunits = forms.ChoiceField(label=_("People"), choices=SUBUNITS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(user)

    def clean_subunits(self):
        return self.cleaned_data.get("subunits") != "0"


class RevisionTrainingFilter(django_filters.FilterSet):
    """The register of training on revisions: the document's unit with its sub-units, trained or not
    yet, the person (name, user name, tone marks optional) and the document (code, title).
    ``?state=trained&unit=<id>`` is the steering dashboard's "training coverage of revisions" for
    that unit's subtree (the trained, out of all the rows)."""

    STATES = (("trained", _("Trained")), ("waiting", _("Not yet trained")))

    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="revision__document__unit",
                            subtree=True, scope=UnitScope(PERMISSION))
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="by_state")
    person = django_filters.CharFilter(label=_("Person"), method="by_person")
    document = django_filters.CharFilter(label=_("Document (code or title)"), method="by_document")

    class Meta:
        model = Acknowledgement
        fields = ["unit", "state", "person", "document"]

    def by_state(self, queryset, name, value):
        if value in ("trained", "waiting"):
            return queryset.filter(trained=value == "trained")
        return queryset

    def by_person(self, queryset, name, value):
        condition = matches("user__search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def by_document(self, queryset, name, value):
        condition = matches("revision__document__search_key", value)
        return queryset if condition is None else queryset.filter(condition)
