"""Forms of the management review part: the meeting, a decision, recording a decision done or
cancelled, and the filters of the review and decision lists."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ServiceForm
from qms_portal.models import RoleAssignment
from qms_portal.people_picker import PeopleChoiceField, PeopleScope, PersonChoiceField, people_source
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitScope

from ..models import ManagementReview, ReviewDecision
from ..services.review import HELD_FIELDS, people_to_choose

PEOPLE = PeopleScope("objectives.services.review.people_to_choose")


@people_source
def chairs_to_choose(user):
    """Who may be named chair: the people the planner sees who hold a role that signs review minutes."""
    holders = RoleAssignment.objects.current().filter(
        unit__is_active=True, role__permissions__codename="sign_review_minutes",
        role__permissions__content_type__app_label="objectives")
    return people_to_choose(user).filter(pk__in=holders.values("user_id"))


class ReviewForm(ServiceForm):
    """The meeting: unit, title, date, place, chair, participants, the period reviewed, and the inputs
    the portal cannot compile. Once held, only the conclusions."""

    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("objectives.add_managementreview"),
                           help_text=_("The unit whose quality management system is reviewed, with its sub-units."))
    title = forms.CharField(label=_("Title"), max_length=300)
    meeting_on = forms.DateField(label=_("Meeting date"), widget=DatePicker())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair = PersonChoiceField(
        label=_("Chair"), help_text=_("The management representative or the head of the unit: they sign the minutes."))
    participants = PeopleChoiceField(label=_("Participants"), required=False,
                                     help_text=_("They are told of the meeting and may read the review."))
    other_participants = forms.CharField(label=_("Other participants"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One name per line."))
    period_start = forms.DateField(label=_("Period from"), widget=DatePicker())
    period_end = forms.DateField(label=_("Period to"), widget=DatePicker())
    issues_changes = forms.CharField(label=_("Changes in external and internal issues"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    external_providers = forms.CharField(label=_("Performance of external providers"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    resources = forms.CharField(label=_("Adequacy of resources"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    other_inputs = forms.CharField(label=_("Other inputs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusions = forms.CharField(label=_("Conclusions"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("The suitability, adequacy and effectiveness of the quality management "
                                              "system, as the meeting concluded. Needed before signing."))

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        also = (review.chair_id,) if review is not None and review.chair_id else ()
        if "chair" in self.fields:
            self.fields["chair"].bind(self.user, PeopleScope(f"{__name__}.chairs_to_choose", also=also))
            self.fields["participants"].bind(self.user, PEOPLE)
        if review is None:
            self.fields["unit"].bind(self.user)
            return
        del self.fields["unit"]
        if review.status != ManagementReview.Status.PLANNED:
            for name in list(self.fields):
                if name not in HELD_FIELDS:
                    del self.fields[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class DecisionForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewDecision.Kind.choices)
    description = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(label=_("Owner"), help_text=_("Reminded until it is done."))
    due_on = forms.DateField(label=_("Due"), widget=DatePicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].bind(self.user, PEOPLE)


class DecisionDoneForm(ServiceForm):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    done_on = forms.DateField(label=_("Done on"), widget=DatePicker(), required=False,
                              help_text=_("Empty: today."))


class DecisionCancelForm(ServiceForm):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3}))


def _year_range(value):
    year = int(value)
    if not 1900 < year < 3000:
        return None
    return date(year, 1, 1), date(year, 12, 31)


class ReviewFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    year = django_filters.NumberFilter(label=_("Year"), method="in_year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ManagementReview.Status.choices)

    class Meta:
        model = ManagementReview
        fields = ["unit", "year", "status"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def in_year(self, queryset, name, value):
        if not value:
            return queryset
        span = _year_range(value)
        return queryset.filter(meeting_on__range=span) if span else queryset.none()


class DecisionFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    owner = django_filters.CharFilter(label=_("Owner"), method="by_owner")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewDecision.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="by_overdue",
                                           widget=django_filters.widgets.BooleanWidget())
    mine = django_filters.BooleanFilter(label=_("My decisions"), method="by_me",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = ReviewDecision
        fields = ["unit", "owner", "status", "overdue", "mine"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(review__unit__path__startswith=unit.path) if unit else queryset

    def by_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(owner__full_name__icontains=value) | Q(owner__username__icontains=value))

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status=ReviewDecision.Status.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def by_me(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset
