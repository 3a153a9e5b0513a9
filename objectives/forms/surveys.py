"""Forms of the surveys part: a survey (its groups and dimensions typed one per line), handing out
links, the list's filters, and the respondent's form on the token page."""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ServiceForm
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitScope

from ..models import Survey, SurveyGroup
from ..selectors.surveys import RATINGS, below_threshold_q
from ..services.surveys import MAX_CAP, MAX_LINKS, parse_recipients

LANGUAGE_CHOICES = [("", _("The survey unit's language")), *settings.LANGUAGES]


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def parse_groups(text):
    """Lines ``name; how many asked`` (the number may be left out: 0) → ``[(name, number)]``."""
    groups, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, count = line.rpartition(";") if ";" in line else (line, "", "")
        count = count.strip()
        if count and not count.isdigit():
            errors.append(_("Line %(line)s: “%(count)s” is not a number of people.") % {"line": number,
                                                                                     "count": count})
            continue
        groups.append((name.strip(), int(count) if count else 0))
    if errors:
        raise forms.ValidationError(errors)
    return groups


class SurveyForm(ServiceForm):
    """A survey: what it asks, of whom, over which period. Groups and dimensions one per line."""

    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("objectives.add_survey"),
                           help_text=_("The unit whose service is rated."))
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("Shown to respondents above the questions."))
    period_start = forms.DateField(label=_("Period from"), widget=DatePicker())
    period_end = forms.DateField(label=_("Period to"), widget=DatePicker())
    scale = forms.ChoiceField(label=_("Scale"), choices=Survey.Scale.choices, initial=Survey.Scale.THREE)
    closes_at = forms.DateTimeField(label=_("Answers accepted until"), required=False, widget=DateTimePicker(),
                                    help_text=_("Links stop working then. Empty: links last 30 days."))
    groups = forms.CharField(
        label=_("Respondent groups"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One group per line, then a semicolon and how many people are asked, e.g. "
                    "“City leaders; 7”."))
    dimensions = forms.CharField(
        label=_("What respondents rate"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. Empty: service attitude, work order, environment and appearance, efficiency, "
                    "integrity, in the unit's language."))

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        if survey is None:
            self.fields["unit"].bind(self.user)
        else:
            del self.fields["unit"]
            if survey.status != Survey.Status.DRAFT:
                for name in ("title", "period_start", "period_end", "scale", "dimensions"):
                    self.fields[name].disabled = True
                self.fields["groups"].help_text = _("Open survey: only the numbers asked may change.")

    def clean_groups(self):
        return parse_groups(self.cleaned_data["groups"])

    def clean_dimensions(self):
        return [line.strip() for line in (self.cleaned_data.get("dimensions") or "").splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class GroupChoiceMixin:
    def group_field(self, survey):
        return forms.ModelChoiceField(label=_("Respondent group"), queryset=survey.groups.order_by("position", "id"),
                                      empty_label=None)


class LinksForm(GroupChoiceMixin, ServiceForm):
    """Single-use links to print, one per respondent."""

    count = forms.IntegerField(label=_("How many links"), min_value=1, max_value=MAX_LINKS, initial=10)
    language = forms.ChoiceField(label=_("Language the page opens in"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"] = self.group_field(survey)
        self.order_fields(["group", "count", "language"])


class GeneralLinkForm(GroupChoiceMixin, ServiceForm):
    """One link for everyone (citizens), with a cap on answers."""

    cap = forms.IntegerField(label=_("Answers it takes at most"), min_value=1, max_value=MAX_CAP, initial=300)
    language = forms.ChoiceField(label=_("Language the page opens in"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"] = self.group_field(survey)
        self.order_fields(["group", "cap", "language"])


class InviteForm(GroupChoiceMixin, ServiceForm):
    """E-mail invitations: one address per line, optionally followed by the person's language."""

    recipients = forms.CharField(
        label=_("E-mail addresses"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, optionally followed by the person's language (vi, zh-hans, zh-hant, en), e.g. "
                    "“chanh.vp@quangninh.gov.vn vi”. Each person gets one message with a link of their own."))

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["group"] = self.group_field(survey)
        self.order_fields(["group", "recipients"])

    def clean_recipients(self):
        from ..services.surveys import unit_language

        try:
            return parse_recipients(self.cleaned_data["recipients"], unit_language(self.survey.unit))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["recipients"]) from None


class SurveyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search number, title"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Survey.Status.choices)
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    year = django_filters.NumberFilter(label=_("Year"), method="in_year")
    below_target = django_filters.BooleanFilter(
        label=_("Closed in the past 12 months below the 80 % target"), method="under_target",
        widget=forms.CheckboxInput)
    # Closed from / until (local dates, both included): the dashboard's satisfaction links here with
    # its period, to the surveys whose answers the rate sums.
    closed_from = django_filters.DateFilter(label=_("Closed from"), field_name="closed_at", lookup_expr="date__gte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = django_filters.DateFilter(label=_("Closed until"), field_name="closed_at", lookup_expr="date__lte",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Survey
        fields = ["q", "status", "unit", "year", "below_target", "closed_from", "closed_to"]

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def in_year(self, queryset, name, value):
        return queryset.filter(period_end__year=int(value)) if value else queryset

    def under_target(self, queryset, name, value):
        """The surveys closed in the past 12 months whose share satisfied or basically satisfied is
        under the target (the dashboard's figure of the same name)."""
        return queryset.filter(below_threshold_q()) if value else queryset


# ---- the respondent's form (token page) ---------------------------------------------------------------
class SurveyAnswerForm(forms.Form):
    """One line per dimension rated on the survey's scale, a comment, and an optional signature.
    Labels are the survey's own words; the scale's words are in the page's language."""

    comment = forms.CharField(label=_("Your comments and suggestions (optional)"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    sign = forms.BooleanField(label=_("Sign my answer with my name (otherwise it stays anonymous)"), required=False)
    signed_name = forms.CharField(label=_("Your name"), required=False, max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "name"}))

    def __init__(self, data=None, link=None):
        super().__init__(data)
        self.group = SurveyGroup.objects.select_related("survey").filter(pk=getattr(link, "object_id", None)).first()
        self.survey = self.group.survey if self.group else None
        rating_fields = {}
        if self.survey is not None:
            choices = [(str(value), label) for value, label in RATINGS[self.survey.scale]]
            for dimension in self.survey.dimensions.order_by("position", "id"):
                rating_fields[f"d{dimension.pk}"] = forms.TypedChoiceField(
                    label=dimension.name, choices=choices, coerce=int, widget=forms.RadioSelect,
                    error_messages={"required": _("Please choose an answer.")})
        self.fields = {**rating_fields, **self.fields}

    def clean(self):
        data = super().clean()
        if data.get("sign") and not (data.get("signed_name") or "").strip():
            self.add_error("signed_name", _("Write your name, or untick “Sign my answer”."))
        return data

    @property
    def is_open(self):
        return self.survey is not None and self.survey.status == Survey.Status.OPEN
