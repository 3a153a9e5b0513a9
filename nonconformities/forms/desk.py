"""Forms of the one-stop-shop desk: the nonconforming output, the register's and the triage
list's filters, the answer to a citizen, and the public feedback form (no account)."""

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from qms_portal.forms import DatePicker, ScopedModelForm, TransitionForm
from qms_portal.models import RoleAssignment
from qms_portal.permissions import ancestor_paths, role_grants, units_where
from qms_portal.selectors import roles_giving
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import CaseFeedbackRequest, CitizenFeedback, NonconformingOutput

PHONE = re.compile(r"^\+?[0-9 ().-]{6,20}$")


class OutputForm(ScopedModelForm):
    scope_actions = {"unit": "nonconformities.add_nonconformingoutput"}

    class Meta:
        model = NonconformingOutput
        fields = ["unit", "procedure", "case_reference", "citizen_name", "citizen_language", "citizen_address",
                  "received_on", "due_on", "delivered_on", "delivered", "requirement", "disposition",
                  "authorised_by", "notes"]
        widgets = {"received_on": DatePicker(), "due_on": DatePicker(), "delivered_on": DatePicker(),
                   "delivered": forms.Textarea(attrs={"rows": 2}), "citizen_address": forms.Textarea(attrs={"rows": 2}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The administrative procedures the person can see (ScopedModelForm): those with a legal
        # time limit (the one a late file missed), and the one already chosen.
        current = Q(pk=self.instance.procedure_id) if self.instance.procedure_id else Q(pk__in=[])
        self.fields["procedure"].queryset = self.fields["procedure"].queryset.filter(
            Q(is_withdrawn=False, legal_time_limit_days__isnull=False) | current).order_by("code", "pk")
        self.fields["procedure"].label_from_instance = self.procedure_label
        # Who may authorise a concession: people holding that permission through a current role on
        # the units where this person records outputs, or above them (the service checks the unit).
        roles = roles_giving("nonconformities.authorise_concession")
        assignments = RoleAssignment.objects.current().filter(role_id__in=roles)
        if not self.user.is_superuser:
            perm = self.scope_actions["unit"]
            paths = {path for _unit, path, _sub in role_grants(self.user).get(perm, ())}
            above = set().union(*(ancestor_paths(path) for path in paths)) if paths else set()
            assignments = assignments.filter(Q(unit__in=units_where(self.user, perm))
                                             | Q(unit__path__in=above, include_subunits=True))
        holders = assignments.values("user_id")
        self.fields["authorised_by"].queryset = (get_user_model().objects.filter(pk__in=holders, is_active=True)
                                                 .order_by("full_name", "username"))
        self.fields["authorised_by"].help_text = _("Needed for a concession: who allowed the output as it is.")

    @staticmethod
    def procedure_label(document):
        from documents.time_limits import working_days

        if document.legal_time_limit_days:
            return f"{document.code} {document.title} ({working_days(document.legal_time_limit_days)})"
        return f"{document.code} {document.title}"


def month_choices():
    return [(str(n), _date_month(n)) for n in range(1, 13)]


def _date_month(n):
    from django.utils.dates import MONTHS

    return MONTHS[n]


class OutputFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit"), method="in_unit")
    procedure = django_filters.ModelChoiceFilter(label=_("Procedure"), queryset=Document.objects.none())
    disposition = django_filters.ChoiceFilter(label=_("Disposition"),
                                              choices=NonconformingOutput.Disposition.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="due_on__year", min_value=2000, max_value=2100)
    month = django_filters.ChoiceFilter(label=_("Month"), field_name="due_on__month", choices=month_choices)

    class Meta:
        model = NonconformingOutput
        fields = ["unit", "procedure", "disposition", "year", "month"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["procedure"].queryset = (Document.objects.restrict(user, "view")
                                              .filter(legal_time_limit_days__isnull=False).order_by("code", "pk"))

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)


class FeedbackFilter(django_filters.FilterSet):
    SHOW = (("open", _("To answer")), ("overdue", _("Overdue")), ("bad", _("Bad reviews")), ("all", _("All")))
    unit = UnitChoiceFilter(label=_("Unit"), method="in_unit")
    show = django_filters.ChoiceFilter(label=_("Show"), choices=SHOW, method="by_show", empty_label=None)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CitizenFeedback.Status.choices)
    rating = django_filters.ChoiceFilter(label=_("Rating"), choices=CitizenFeedback.Rating.choices)

    class Meta:
        model = CitizenFeedback
        fields = ["unit", "show", "status", "rating"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("show"):
            data["show"] = "open"
        super().__init__(data, *args, **kwargs)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)

    def by_show(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status=CitizenFeedback.Status.NEW)
        if value == "overdue":
            return queryset.filter(status=CitizenFeedback.Status.NEW, reply_due_on__lt=timezone.localdate())
        if value == "bad":
            return queryset.filter(Q(rating__in=CitizenFeedback.BAD))
        return queryset


class AnswerForm(TransitionForm):
    """Answering: the transition's reason is the reply told to the citizen (kept with the
    transition, and on the feedback)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reply = self.fields["reason"]
        reply.label = _("Reply sent to the citizen")
        reply.max_length = 4000
        reply.widget.attrs["rows"] = 5
        reply.help_text = _("What you told the citizen (by phone, e-mail or letter), and what was done.")


class RaiseForm(TransitionForm):
    """Raising a nonconformity from a feedback: its title (the feedback's words by default); the
    reason, if given, is added to its description."""

    title = forms.CharField(label=_("Title of the nonconformity"), max_length=300, required=False,
                            help_text=_("Left empty: “Citizen feedback” and its number."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("What else the nonconformity should say (optional)")
        if self.obj is not None and not self.is_bound:
            words = " ".join((self.obj.comment or "").split())
            self.initial["title"] = ((words[:117] + "…") if len(words) > 120 else words) or (
                _("Citizen feedback #%(number)s") % {"number": self.obj.pk})
        self.order_fields(["title", "reason"])


# ---- the public form (no account) -------------------------------------------------------------------
class PublicFeedbackForm(forms.Form):
    """What a citizen fills in after scanning the desk's QR code; labels in the page's language.
    ``website`` is the honeypot: hidden from people (and from screen readers), filled by robots."""

    rating = forms.TypedChoiceField(label=_("How satisfied are you with our service?"), coerce=int,
                                    choices=CitizenFeedback.Rating.choices, widget=forms.RadioSelect,
                                    error_messages={"required": _("Please choose a rating.")})
    comment = forms.CharField(label=_("Your comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    citizen_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact = forms.CharField(label=_("Phone or e-mail (optional)"), required=False, max_length=200,
                              help_text=_("Leave it if you would like an answer."),
                              widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    case_reference = forms.CharField(label=_("Your file number (optional)"), required=False, max_length=60)
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact:
            return ""
        if "@" in contact:
            try:
                validate_email(contact)
            except forms.ValidationError:
                raise forms.ValidationError(_("Enter a phone number or an e-mail address.")) from None
        elif not PHONE.match(contact):
            raise forms.ValidationError(_("Enter a phone number or an e-mail address."))
        return contact


class CaseFeedbackForm(PublicFeedbackForm):
    """The public form of a per-case link: the file's number is the link's, shown, not asked."""

    def __init__(self, data=None, link=None):
        super().__init__(data)
        self.case_request = getattr(link, "target", None)
        del self.fields["case_reference"]


class CaseLinkForm(ScopedModelForm):
    """What an official gives to hand a citizen the feedback link of their file."""

    scope_actions = {"unit": "nonconformities.issue_case_feedback_link"}

    class Meta:
        model = CaseFeedbackRequest
        fields = ["unit", "case_reference", "procedure", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The administrative procedures the person can see (ScopedModelForm) that are in force.
        self.fields["procedure"].queryset = self.fields["procedure"].queryset.filter(
            is_withdrawn=False, legal_time_limit_days__isnull=False).order_by("code", "pk")
        self.fields["procedure"].label_from_instance = OutputForm.procedure_label


class CaseRequestFilter(django_filters.FilterSet):
    ANSWERED = (("", _("All")), ("yes", _("Rated")), ("no", _("Not rated yet")))
    q = django_filters.CharFilter(label=_("case reference"), field_name="case_reference", lookup_expr="icontains")
    unit = UnitChoiceFilter(label=_("Unit"), method="in_unit")
    answered = django_filters.ChoiceFilter(label=_("Rated"), choices=ANSWERED[1:], method="by_answered")

    class Meta:
        model = CaseFeedbackRequest
        fields = ["q", "unit", "answered"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)

    def by_answered(self, queryset, name, value):
        return queryset.filter(link__uses__gt=0) if value == "yes" else queryset.filter(link__uses=0)
