"""The training matrix's filter: a unit (the picker, among the units whose qualifications the reader
may read) and whether its sub-units' people are listed too."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.unit_picker import UnitChoiceField, UnitScope

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
