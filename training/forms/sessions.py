"""Forms of the sessions part: a competence, a course, a session, invitations, attendance (one row,
the whole list, a walk-in) and the lists' filters. People are chosen with the core's people picker
(``qms_portal.people_picker``), among the people each field's source returns."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ServiceForm
from qms_portal.models import Role, User
from qms_portal.people_picker import PeopleChoiceField, PeopleScope, PersonChoiceField, people_source
from qms_portal.permissions import unit_scope_q
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitMultipleChoiceField, UnitScope

from ..models import Competence, Course, Participant, Session
from ..services.sessions import CHANGE, trainer_candidates


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


@people_source
def people_queryset(user, perm=CHANGE):
    """The active people working in the units where ``user`` holds ``perm`` (or below them)."""
    people = User.objects.filter(is_active=True).exclude(username="system")
    if user.is_superuser:
        return people
    return people.filter(unit_scope_q(user, perm, "primary_unit"))


@people_source
def trainers(user):
    """Who may be named a session's trainer (``services.sessions.trainer_candidates``)."""
    return trainer_candidates()


@people_source
def walk_ins(user, session):
    """Who may be added to ``session`` (its id) as a walk-in: the active people of its unit or
    below it who are not on its list yet."""
    found = Session.objects.filter(pk=session).select_related("unit").first()
    if found is None:
        return User.objects.none()
    return (User.objects.filter(is_active=True, primary_unit__path__startswith=found.unit.path)
            .exclude(username="system").exclude(pk__in=found.participants.values("user_id")))


class CompetenceForm(ServiceForm):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Short, unique, e.g. “internal-auditor”."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=200, required=False)
    name_zh_hans = forms.CharField(label=_("Name (Simplified Chinese)"), max_length=200, required=False)
    name_zh_hant = forms.CharField(label=_("Name (Traditional Chinese)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    validity_months = forms.IntegerField(label=_("Valid for (months)"), required=False, min_value=1, max_value=600,
                                         help_text=_("Leave empty when it does not expire."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, competence=None, **kwargs):
        super().__init__(*args, **kwargs)


class CourseForm(ServiceForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=300)
    topic = forms.ChoiceField(label=_("Topic"), choices=Course.Topic.choices, initial=Course.Topic.AWARENESS)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_hours = forms.DecimalField(label=_("Duration (hours)"), required=False, min_value=0, max_digits=5,
                                        decimal_places=1)
    competences = forms.ModelMultipleChoiceField(
        label=_("Competences it gives"), required=False, queryset=Competence.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    validity_months = forms.IntegerField(
        label=_("Qualification valid for (months)"), required=False, min_value=1, max_value=600,
        help_text=_("Empty: each competence's own validity."))
    pass_mark = forms.IntegerField(label=_("Pass mark (out of 100)"), required=False, min_value=1, max_value=100,
                                   help_text=_("Empty: the course has no test."))
    revision = forms.ModelChoiceField(
        label=_("Revision it trains on"), required=False, queryset=None,
        help_text=_("A procedure's revision that needs training: attending the course fulfils it."))
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Revision

        self.fields["competences"].queryset = Competence.objects.filter(
            Q(is_active=True) | Q(pk__in=course.competences.values("pk") if course else [])).order_by("code")
        revisions = Revision.objects.restrict(self.user, "view").filter(needs_training=True)
        if course is not None and course.revision_id:
            revisions = Revision.objects.filter(Q(pk__in=revisions.values("pk")) | Q(pk=course.revision_id))
        self.fields["revision"].queryset = revisions.select_related("document").order_by("-pk")


class SessionForm(ServiceForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    unit = UnitChoiceField(label=_("Organised by"), scope=UnitScope("training.add_session"))
    trainer = PersonChoiceField(label=_("Trainer (a person of the portal)"), required=False)
    external_trainer = forms.CharField(label=_("Or an outside trainer"), max_length=200, required=False,
                                       help_text=_("Name, when the trainer is not a person of the portal."))
    external_organisation = forms.CharField(label=_("Outside trainer's organisation"), max_length=200,
                                            required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimePicker())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimePicker())
    mode = forms.ChoiceField(label=_("Held"), choices=Session.Mode.choices, initial=Session.Mode.IN_PERSON)
    place = forms.CharField(label=_("Place or link"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        courses = Course.objects.filter(is_active=True)
        if session is not None:
            courses = Course.objects.filter(Q(is_active=True) | Q(pk=session.course_id))
            del self.fields["unit"]
        else:
            self.fields["unit"].bind(self.user)
        self.fields["course"].queryset = courses.order_by("code")
        also = (session.trainer_id,) if session is not None and session.trainer_id else ()
        self.fields["trainer"].bind(self.user, PeopleScope(f"{__name__}.trainers", also=also))

    def clean(self):
        data = super().clean()
        if not data.get("trainer") and not (data.get("external_trainer") or "").strip():
            self.add_error("trainer", _("Name the trainer: a person of the portal, or an outside trainer with their "
                                        "organisation."))
        return data


class InviteForm(ServiceForm):
    units = UnitMultipleChoiceField(label=_("Units"), required=False, scope=UnitScope(None))
    include_subunits = forms.BooleanField(label=_("With their sub-units"), required=False)
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), required=False, queryset=Role.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone holding the role in the session's unit or below it."))
    people = PeopleChoiceField(label=_("People by name"), required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].bind(self.user)
        self.fields["roles"].queryset = Role.objects.order_by("name")
        self.fields["people"].bind(self.user, PeopleScope(f"{__name__}.people_queryset"))

    def clean(self):
        data = super().clean()
        if not (data.get("units") or data.get("roles") or data.get("people")) and not self.errors:
            raise forms.ValidationError(_("Choose whom to invite: a unit, a role or people by name."))
        return data


ATTENDANCE_CHOICES = [(A, label) for A, label in Participant.Attendance.choices if A != Participant.Attendance.UNKNOWN]


class MarkForm(ServiceForm):
    """One row of the attendance list (htmx, or the row's own button without JavaScript)."""

    attendance = forms.ChoiceField(label=_("Attendance"), choices=ATTENDANCE_CHOICES)
    absence_reason = forms.CharField(label=_("Reason for absence"), max_length=300, required=False)
    score = forms.CharField(label=_("Test score"), max_length=6, required=False)


class WalkInForm(ServiceForm):
    """A person who came without an invitation: one of the people of the session's unit (or below
    it) not on the list yet, chosen with the people picker."""

    user = PersonChoiceField(label=_("Person (not invited)"))
    score = forms.CharField(label=_("Test score"), max_length=6, required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].bind(self.user, PeopleScope(f"{__name__}.walk_ins", params=(("session", session.pk),)))
        if session.course.pass_mark is None:
            del self.fields["score"]


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search number, course, place"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Session.Status.choices)
    course = django_filters.ModelChoiceFilter(label=_("Course"), queryset=Course.objects.order_by("code"))
    start = django_filters.DateFilter(label=_("From"), field_name="starts_at", lookup_expr="date__gte",
                                      widget=DatePicker())
    end = django_filters.DateFilter(label=_("To"), field_name="starts_at", lookup_expr="date__lte",
                                    widget=DatePicker())
    mine = django_filters.BooleanFilter(label=_("Mine only (trainer or invited)"), method="by_me",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Session
        fields = ["q", "unit", "status", "course", "start", "end", "mine"]

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_me(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(Q(trainer=user) | Q(pk__in=Participant.objects.filter(user=user).values("session_id")))


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search code, title"), method="search")
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Course.Topic.choices)

    class Meta:
        model = Course
        fields = ["q", "topic"]

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)


class CompetenceFilter(django_filters.FilterSet):
    class Meta:
        model = Competence
        fields = ["is_active"]
