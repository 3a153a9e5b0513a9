"""Forms of the certificates part: a certificate (with its surveillance audits' dates), its
withdrawal, a surveillance visit, and the register's filters."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ScopedModelForm, ServiceForm
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import Audit, Certificate, SurveillanceVisit
from ..selectors.certificates import SOON_DAYS

SURVEILLANCE_FIELDS = ("surveillance_1", "surveillance_2")


class CertificateForm(ScopedModelForm):
    scope_actions = {"unit": "audits.add_certificate"}

    surveillance_1 = forms.DateField(label=_("First surveillance audit due"), required=False, widget=DatePicker(),
                                     help_text=_("Leave both empty to plan them a year and two years after the "
                                                 "issue date."))
    surveillance_2 = forms.DateField(label=_("Second surveillance audit due"), required=False, widget=DatePicker())

    class Meta:
        model = Certificate
        fields = ["unit", "body", "number", "standard", "scope", "issued_on", "expires_on", "audit"]
        widgets = {"issued_on": DatePicker(), "expires_on": DatePicker(), "scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        audits = self.fields["audit"].queryset.filter(kind__in=Audit.EXTERNAL_KINDS).order_by("-starts_on", "-pk")
        self.fields["audit"].queryset = audits.only("pk", "number", "title")
        self.fields["audit"].help_text = _("The certification or recertification audit that led to it, if it is "
                                           "recorded in the portal.")
        self.fields["body"].help_text = _("For example QUACERT, or the certification centre that issued it.")
        if self.instance.pk:
            pending = [v.due_on for v in self.instance.surveillance.filter(audit__isnull=True).order_by("due_on")]
            for name, day in zip(SURVEILLANCE_FIELDS, pending, strict=False):
                self.initial.setdefault(name, day)
            self.fields["surveillance_1"].help_text = _("The surveillance audits still to come; one already linked "
                                                        "to its audit is kept as it is.")

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("expires_on") and data["expires_on"] <= data["issued_on"]:
            self.add_error("expires_on", _("The expiry date must be after the issue date."))
        body, number = (data.get("body") or "").strip(), (data.get("number") or "").strip()
        if body and number and Certificate.objects.filter(body__iexact=body, number__iexact=number).exclude(
                pk=self.instance.pk).exists():
            # (the same check as the service's, before the model's constraint says it less clearly)
            self.add_error("number", _("This certification body already has a certificate with this number in the "
                                       "register."))
        return data

    def surveillance(self):
        """The dates given (``None`` on a new certificate with none: proposed by the service)."""
        days = [self.cleaned_data[name] for name in SURVEILLANCE_FIELDS if self.cleaned_data.get(name)]
        if not days and not self.instance.pk:
            return None
        return days

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class WithdrawForm(ServiceForm):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DatePicker(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: replaced by the certificate of the new cycle; suspended by "
                                         "the certification body."))


class SurveillanceForm(ScopedModelForm):
    class Meta:
        model = SurveillanceVisit
        fields = ["due_on", "audit"]
        widgets = {"due_on": DatePicker()}
        labels = {"due_on": _("Surveillance audit due on")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = (self.fields["audit"].queryset
                                         .filter(kind__in=(Audit.Kind.SURVEILLANCE, Audit.Kind.RECERTIFICATION))
                                         .order_by("-starts_on", "-pk").only("pk", "number", "title"))
        self.fields["audit"].help_text = _("The surveillance audit that carries it out, once it is planned. The "
                                           "visit counts as done when that audit is closed.")


class CertificateFilter(django_filters.FilterSet):
    STATE = (
        ("current", _("Current")),
        ("expiring", _("Expiring within 90 days")),
        ("expired", _("Expired")),
        ("withdrawn", _("Withdrawn")),
        ("all", _("All")),
    )
    q = django_filters.CharFilter(label=_("Search number, body"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    standard = django_filters.ChoiceFilter(label=_("Standard"), choices=Certificate.Standard.choices)
    state = django_filters.ChoiceFilter(label=_("Status"), choices=STATE, method="by_state", empty_label=None)

    class Meta:
        model = Certificate
        fields = ["q", "unit", "standard", "state"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = "current"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = matches("unit__search_key", value)
        found = Q(number__icontains=value) | Q(body__icontains=value)
        return queryset.filter(found | condition if condition is not None else found)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "current":
            return queryset.filter(is_withdrawn=False, expires_on__gte=today)
        if value == "expiring":
            return queryset.filter(is_withdrawn=False, expires_on__gte=today,
                                   expires_on__lte=today + timedelta(days=SOON_DAYS))
        if value == "expired":
            return queryset.filter(is_withdrawn=False, expires_on__lt=today)
        if value == "withdrawn":
            return queryset.filter(is_withdrawn=True)
        return queryset


class VisitFilter(django_filters.FilterSet):
    WHEN = (
        ("90", _("Due within 90 days, or late")),
        ("late", _("Late")),
        ("all", _("All still to do")),
    )
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    when = django_filters.ChoiceFilter(label=_("When"), choices=WHEN, method="by_when", empty_label=None)

    class Meta:
        model = SurveillanceVisit
        fields = ["unit", "when"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("when"):
            data["when"] = "90"
        super().__init__(data, *args, **kwargs)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(certificate__unit__path__startswith=unit.path) if unit else queryset

    def by_when(self, queryset, name, value):
        today = timezone.localdate()
        if value == "90":
            return queryset.filter(due_on__lte=today + timedelta(days=SOON_DAYS))
        if value == "late":
            return queryset.filter(due_on__lt=today)
        return queryset
