"""Forms of the programme and the audit plans (plan part)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ServiceForm
from qms_portal.models import Unit
from qms_portal.people_picker import PeopleChoiceField, PeopleScope, PersonChoiceField
from qms_portal.permissions import ancestor_paths, restrict
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceField, UnitChoiceFilter, UnitMultipleChoiceField, UnitScope

from ..models import Audit, AuditProgramme, ProgrammeEntry

MONTHS = [(m, _month) for m, _month in enumerate(
    [_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
     _("September"), _("October"), _("November"), _("December")], start=1)]


def _clauses():
    from documents.models import Clause  # the clause catalogue the documents area keeps

    return Clause.objects.all()


def _procedures(user):
    from documents.models import Document

    return (restrict(Document.objects.exclude(category="").filter(is_withdrawn=False), user, "view")
            .only("pk", "code", "title").order_by("code", "pk"))


SERVICES = "audits.services.plan"  # where the people sources of the plan's person fields are


class AuditForm(ServiceForm):
    """An audit plan: what is audited (units, processes, clauses, other criteria), when, by whom,
    and who is audited."""

    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("audits.add_audit"),
                           help_text=_("The unit whose quality management system is audited."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Audit.Kind.choices, initial=Audit.Kind.INTERNAL)
    title = forms.CharField(label=_("Title"), max_length=300)
    programme_entry = forms.ModelChoiceField(label=_("Programme entry"), queryset=ProgrammeEntry.objects.none(),
                                             required=False,
                                             help_text=_("The line of the annual programme this audit carries out."))
    certification_body = forms.CharField(label=_("Certification body"), max_length=200, required=False,
                                         help_text=_("External audits only, e.g. QUACERT."))
    external_auditors = forms.CharField(label=_("External auditors"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One name per line."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DatePicker())
    ends_on = forms.DateField(label=_("Ends on"), widget=DatePicker())
    scope_units = UnitMultipleChoiceField(label=_("Units audited"), required=False,
                                          help_text=_("Type part of a unit's name or code and choose it, as many "
                                                      "as needed. None chosen: the whole unit."))
    processes = forms.ModelMultipleChoiceField(label=_("Processes and procedures"), queryset=None, required=False,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    clauses = forms.ModelMultipleChoiceField(label=_("ISO 9001 clauses"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))
    criteria_note = forms.CharField(label=_("Other criteria"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    lead_auditor = PersonChoiceField(label=_("Lead auditor"), required=False)
    team = PeopleChoiceField(label=_("Audit team"), required=False)
    auditees = PeopleChoiceField(label=_("Auditees"), required=False,
                           help_text=_("They receive the plan, each in their own language."))
    report_due = forms.DateField(label=_("Report due"), required=False, widget=DatePicker(),
                                 help_text=_("Empty: two weeks after the audit ends."))
    response_due = forms.DateField(label=_("Response due to the certification body"), required=False,
                                   widget=DatePicker())

    def __init__(self, *args, audit=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.audit = audit
        self.fields["unit"].bind(user)
        # The units audited: where the user plans audits; once planned, the audited unit's branch.
        scope = UnitScope("audits.add_audit")
        if audit is not None:
            del self.fields["unit"]
            scope = UnitScope(None, within=audit.unit.path)
            self.fields["kind"].required = False  # not sent: the kind stays as it is (``clean``)
            if audit.status == Audit.Status.PLANNED:
                self.fields["kind"].help_text = _("It can change until the plan is sent to the auditees; an "
                                                  "external audit names its certification body.")
            else:
                self.fields["kind"].disabled = True
        self.fields["scope_units"].bind(user, scope)
        self.fields["processes"].queryset = _procedures(user)
        self.fields["clauses"].queryset = _clauses()
        people, on_it = PeopleScope(f"{SERVICES}.people_to_choose"), ()
        if audit is not None:
            on_it = (*audit.team.values_list("pk", flat=True), *filter(None, [audit.lead_auditor_id]))
            # the audit's own people and those of the unit audited (a long list kept short)
            people = PeopleScope(f"{SERVICES}.auditees_to_choose", params=(("audit", audit.pk),))
        auditors = PeopleScope(f"{SERVICES}.auditors_to_choose", also=tuple(on_it))
        self.fields["lead_auditor"].bind(user, auditors)
        self.fields["team"].bind(user, auditors)
        self.fields["auditees"].bind(user, people)
        entries = ProgrammeEntry.objects.filter(programme__unit__in=restrict(Unit.objects.all(), user, "view"))
        if audit is not None:
            entries = ProgrammeEntry.objects.filter(programme__unit__path__in=ancestor_paths(audit.unit.path),
                                                    unit__path__startswith=audit.unit.path)
        self.fields["programme_entry"].queryset = entries.filter(
            programme__year__gte=timezone.localdate().year - 1).select_related("unit", "programme__unit")

    def clean(self):
        data = super().clean()
        if self.audit is not None and not data.get("kind"):
            data["kind"] = self.audit.kind
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The audit cannot end before it starts."))
        return data


class ProgrammeForm(ServiceForm):
    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("audits.add_auditprogramme"),
                           help_text=_("The unit that runs its own quality management system."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(self.user)
        if programme is not None:
            del self.fields["unit"]
            del self.fields["year"]


class EntryForm(ServiceForm):
    unit = UnitChoiceField(label=_("Audited unit"))
    planned_month = forms.TypedChoiceField(label=_("Planned month"), choices=MONTHS, coerce=int)
    clauses = forms.ModelMultipleChoiceField(label=_("ISO 9001 clauses"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}),
                                             help_text=_("None chosen: every clause."))
    procedures = forms.ModelMultipleChoiceField(label=_("Processes and procedures"), queryset=None, required=False,
                                                widget=forms.SelectMultiple(attrs={"size": 6}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(self.user)  # the service keeps it inside the programme unit's tree
        self.fields["clauses"].queryset = _clauses()
        self.fields["procedures"].queryset = _procedures(self.user)


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search number, title"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Audit.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=[("open", _("Not closed")),
                                                                      *Audit.Status.choices], method="by_status")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    year = django_filters.NumberFilter(label=_("Year"), method="in_year")
    mine = django_filters.BooleanFilter(label=_("Audits I am on"), method="by_me",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Audit
        fields = ["q", "kind", "status", "unit", "year", "mine"]

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(status=Audit.Status.CLOSED)
        return queryset.filter(status=value) if value else queryset

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def in_year(self, queryset, name, value):
        if not value:
            return queryset
        from datetime import date

        year = int(value)
        if not 1900 < year < 3000:
            return queryset.none()
        return queryset.filter(starts_on__gte=date(year, 1, 1), starts_on__lte=date(year, 12, 31))

    def by_me(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(Q(lead_auditor=user) | Q(pk__in=Audit.team.through.objects.filter(
            user=user).values("audit_id")))


class ProgrammeFilter(django_filters.FilterSet):
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AuditProgramme.Status.choices)

    class Meta:
        model = AuditProgramme
        fields = ["unit", "year", "status"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset
