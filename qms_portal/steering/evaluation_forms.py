"""Forms of the evaluation of units: creating one, its heading and criteria while a draft, and a
sheet's scores (the unit's own, then the evaluators')."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import ScopedModelForm, ServiceForm
from . import evaluation_selectors as sel
from .evaluation_models import Evaluation

TEXTAREA = {"rows": 3}


class EvaluationForm(ScopedModelForm):
    class Meta:
        model = Evaluation
        fields = ["title", "scope", "self_due", "instructions"]
        widgets = {"self_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "instructions": forms.Textarea(attrs=TEXTAREA)}
        help_texts = {
            "scope": _("Which units below the organising unit get a sheet when the evaluation opens."),
            "self_due": _("The day the units should have submitted their self-assessment."),
        }


class EvaluationCreateForm(EvaluationForm):
    """A new evaluation: the organising unit and the year; its criteria are last year's, or the
    default set, changed on the next page."""

    scope_actions = {"unit": sel.ADD}

    class Meta(EvaluationForm.Meta):
        fields = ["unit", "year", "title", "scope", "self_due", "instructions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["title"].initial = _("Evaluation of the quality management system")

    def _get_validation_exclusions(self):
        # One evaluation per unit and year is the service's rule, said once in its own words: not
        # the table's constraint in Django's (the form field still checks the year itself).
        return super()._get_validation_exclusions() | {"year"}


class CriterionForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=10)
    title = forms.CharField(label=_("Criterion"), max_length=300)
    clause = forms.CharField(label=_("ISO 9001 clause"), max_length=20, required=False)
    points = forms.DecimalField(label=_("Maximum points"), min_value=0.5, max_value=1000, decimal_places=1)
    figure = forms.ChoiceField(label=_("Scored"), required=False)
    guidance = forms.CharField(label=_("How it is scored"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = sel.figure_choices()
        self.fields["figure"].help_text = _("By hand, or from a figure of the portal: the maximum points × the "
                                            "unit's rate in the year.")


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, can_order=True)


class ScoreForm(ServiceForm):
    """A score and a text per criterion not scored from the data. ``key`` is "self" (the unit's
    score and its evidence) or "appraisal" (the evaluators' score and comment)."""

    def __init__(self, *args, lines, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines, self.key = lines, key
        text_label = _("Evidence") if key == "self" else _("Comment")
        self.rows = []
        for i, line in enumerate(lines):
            if line.from_data:
                self.rows.append((line, None, None))
                continue
            given = line.self_score if key == "self" else line.appraisal
            score = forms.DecimalField(
                label=_("Points (0 to %(points)s)") % {"points": line.criterion.points}, required=False,
                min_value=0, max_value=line.criterion.points, decimal_places=1, initial=given,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))
            text = forms.CharField(label=text_label, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   initial=line.note if key == "self" else line.comment)
            self.fields[f"score_{i}"], self.fields[f"text_{i}"] = score, text
            self.rows.append((line, self[f"score_{i}"], self[f"text_{i}"]))

    def entries(self):
        """``{criterion code: (points or None, text)}`` for the service."""
        return {line.criterion.code: (self.cleaned_data.get(f"score_{i}"), self.cleaned_data.get(f"text_{i}", ""))
                for i, line in enumerate(self.lines) if not line.from_data}


class SelfScoreForm(ScoreForm):
    summary = forms.CharField(label=_("The unit's summary"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                              help_text=_("Strengths, weaknesses and what the unit will improve."))


class AppraisalForm(ScoreForm):
    conclusion = forms.CharField(label=_("The evaluators' conclusion"), required=False,
                                 widget=forms.Textarea(attrs=TEXTAREA))
