"""Forms of the annual ISO report: drafting it (unit and year) and writing its heading and sections."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import ScopedModelForm
from . import report_selectors
from .report_models import AnnualReport

TEXTAREA = {"rows": 6}


class AnnualReportForm(ScopedModelForm):
    """The heading (number, recipient, place) and the three sections, while the report is a draft."""

    class Meta:
        model = AnnualReport
        fields = ["number", "recipient", "place", "achievements", "difficulties", "proposals"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in ("achievements", "difficulties", "proposals")}
        help_texts = {
            "number": _("The agency's own number of the document, e.g. 15/BC-UBND."),
            "recipient": _("Who the report is sent to, e.g. the provincial ISO steering committee."),
            "place": _("Written before the date; the unit's name when left empty."),
        }


class AnnualReportCreateForm(AnnualReportForm):
    """Draft a report: the unit (among those where the person may draft one) and the year."""

    scope_actions = {"unit": report_selectors.ADD}

    class Meta(AnnualReportForm.Meta):
        fields = ["unit", "year", "number", "recipient", "place"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1

    def _get_validation_exclusions(self):
        # One report per unit and year is the service's rule, said once in its own words: not
        # the table's constraint in Django's (the form field still checks the year itself).
        return super()._get_validation_exclusions() | {"year"}
