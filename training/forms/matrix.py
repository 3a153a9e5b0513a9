"""The training matrix's filter: a unit (the picker, among the units whose qualifications the reader
may read) and whether its sub-units' people are listed too; the register of training on revisions'
filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from documents.filters import AcknowledgementFilter
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


class RevisionTrainingFilter(AcknowledgementFilter):
    """The register of training on revisions: the acknowledgements register's filters (the
    document's unit with its sub-units, the person, the document), the unit picker offering the
    units whose training records the reader reads, and the state trained or not yet.
    ``?state=trained&unit=<id>`` is the steering dashboard's "training coverage of revisions" for
    that unit's subtree (the trained, out of all the rows)."""

    STATES = (("trained", _("Trained")), ("waiting", _("Not yet trained")))

    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="revision__document__unit",
                            subtree=True, scope=UnitScope(PERMISSION))
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="by_state")

    def by_state(self, queryset, name, value):
        if value in ("trained", "waiting"):
            return queryset.filter(trained=value == "trained")
        return queryset
