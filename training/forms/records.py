"""Forms of the records part: the participant's feedback, the head's effectiveness check, and the
filter of the effectiveness checks' list."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import ServiceForm
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import EffectivenessCheck

SCALE = [(5, _("5 — very good")), (4, _("4 — good")), (3, _("3 — fair")), (2, _("2 — poor")), (1, _("1 — very poor"))]


def _rating(label):
    return forms.TypedChoiceField(label=label, choices=SCALE, coerce=int,
                                  widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                                  error_messages={"required": _("Choose a rating from 1 to 5.")})


class FeedbackForm(ServiceForm):
    """The participant's evaluation of a session: four ratings (5 best) and a comment."""

    relevance = _rating(_("Useful for my work"))
    content = _rating(_("Content and materials"))
    trainer = _rating(_("Trainer"))
    overall = _rating(_("Overall"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What was most useful, what should change."))


class EffectivenessForm(ServiceForm):
    rating = forms.ChoiceField(label=_("Was the training effective?"), choices=EffectivenessCheck.Rating.choices,
                               widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                               error_messages={"required": _("Choose whether the training was effective.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What the person now does differently, or what did not work "
                                       "(needed unless it was effective)."))


class EffectivenessFilter(django_filters.FilterSet):
    STATES = [("due", _("Due within 14 days or overdue")), ("overdue", _("Overdue")),
              ("upcoming", _("Later")), ("done", _("Recorded")), ("all", _("All"))]

    q = django_filters.CharFilter(label=_("Search name, course"), method="search")
    state = django_filters.ChoiceFilter(label=_("Show"), choices=STATES, method="by_state", empty_label=None)
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")

    class Meta:
        model = EffectivenessCheck
        fields = ["q", "state", "unit"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "due"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        user = matches("participant__user__search_key", value)
        course = matches("participant__session__course__search_key", value)
        if user is None or course is None:
            return queryset
        return queryset.filter(user | course)

    def by_state(self, queryset, name, value):
        from ..selectors.records import filter_state

        return filter_state(queryset, value)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(participant__unit__path__startswith=unit.path) if unit else queryset
