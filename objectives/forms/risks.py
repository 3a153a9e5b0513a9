"""Forms of the risks part: a risk or opportunity, its review, an action on it (its own or a
corrective action), recording an action done or cancelled, and the register's filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, ScopedModelForm, ServiceForm
from qms_portal.models import Unit
from qms_portal.permissions import restrict
from qms_portal.search import matches
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import Risk
from ..models.risks import Band
from ..selectors.risks import ACTIVE, band_q
from ..services.risks import owner_candidates

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]
LIKELIHOOD_HELP = _("1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain.")
IMPACT_HELP = _("For a risk: 1 negligible, 2 minor, 3 moderate, 4 major, 5 severe. For an opportunity, the benefit: "
                "1 negligible to 5 very large.")


def scale_field(label, help_text="", required=True):
    """1 to 5 as a typed number: a value outside it is refused with a message, and kept in the field."""
    return forms.IntegerField(label=label, help_text=help_text, required=required,
                              widget=forms.NumberInput(attrs={"min": 1, "max": 5, "inputmode": "numeric"}),
                              error_messages={"invalid": _("Give a number from 1 to 5.")})


def _check_scale(form, data, names):
    for name in names:
        value = data.get(name)
        if value is not None and not 1 <= value <= 5:
            form.add_error(name, _("Give a number from 1 to 5."))


def _process_queryset(form, current=None):
    from documents.models import Document, DocumentType

    keep = Q(pk=current) if current else Q(pk__in=[])
    return (Document.objects.restrict(form.user, "view")
            .filter(Q(level=DocumentType.Level.PROCEDURE, is_withdrawn=False) | keep)
            .only("pk", "code", "title").order_by("code", "pk"))


class RiskForm(ScopedModelForm):
    scope_actions = {"unit": "objectives.add_risk"}
    likelihood = scale_field(_("Likelihood (1–5)"), LIKELIHOOD_HELP)
    impact = scale_field(_("Impact, or benefit for an opportunity (1–5)"), IMPACT_HELP)

    class Meta:
        model = Risk
        fields = ["unit", "kind", "process", "title", "description", "cause", "consequence", "likelihood", "impact",
                  "owner", "review_on"]
        widgets = {"review_on": DatePicker(), "description": forms.Textarea(attrs={"rows": 3}),
                   "cause": forms.Textarea(attrs={"rows": 2}), "consequence": forms.Textarea(attrs={"rows": 2})}
        labels = {"consequence": _("Consequence, or what it brings for an opportunity"),
                  "review_on": _("Next review")}
        help_texts = {"review_on": _("Its owner is reminded 14 days before, and again once it is late.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("unit")
            unit = self.instance.unit
        else:
            unit = None
        self.fields["kind"].widget = forms.RadioSelect(choices=Risk.Kind.choices)
        self.fields["process"].queryset = _process_queryset(self, self.instance.process_id)
        self.fields["process"].help_text = _("The procedure of the register it concerns, if any.")
        if unit is not None:
            owners = owner_candidates(unit)
        else:  # the people of the units where the user may record risks (the service checks the unit chosen)
            keep = restrict(Unit.objects.filter(is_active=True), self.user, "objectives.add_risk")
            owners = self.fields["owner"].queryset.filter(is_active=True, primary_unit__in=keep)
        self.fields["owner"].queryset = owners.only("pk", "full_name", "username").order_by("full_name", "username")
        self.fields["owner"].help_text = _("Usually the head of the unit. They are reminded of its reviews.")

    def clean(self):
        data = super().clean()
        _check_scale(self, data, ("likelihood", "impact"))
        return data

    def _post_clean(self):
        # (the model's own checks run in the service, which says the same more plainly)
        pass

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.fields}


class RiskReviewForm(ServiceForm):
    residual_likelihood = scale_field(_("Residual likelihood (1–5)"), _("After the actions taken."), required=False)
    residual_impact = scale_field(_("Residual impact or benefit (1–5)"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Risk.Status.choices,
                               help_text=_("Treated: its actions are in place and it is watched. Closed: it no "
                                           "longer applies; it is no longer reminded."))
    review_on = forms.DateField(label=_("Next review"), required=False, widget=DatePicker())
    note = forms.CharField(label=_("Conclusion of the review"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown on the History tab, for example whether the actions worked."))

    def clean(self):
        data = super().clean()
        _check_scale(self, data, ("residual_likelihood", "residual_impact"))
        return data


class RiskActionForm(ServiceForm):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due"), widget=DatePicker(),
                             help_text=_("Today or later. Its owner is reminded once it is late."))
    as_corrective_action = forms.BooleanField(
        label=_("Track it as a corrective action"), required=False,
        help_text=_("Planned in the nonconformities area as an improvement action of the unit, reminded and "
                    "escalated there; this page follows its progress."))

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (owner_candidates(risk.unit).only("pk", "full_name", "username")
                                         .order_by("full_name", "username"))
        if not self.user.has_perm("nonconformities.add_correctiveaction"):
            del self.fields["as_corrective_action"]


class ActionDoneForm(ServiceForm):
    done_on = forms.DateField(label=_("Done on"), widget=DatePicker(), required=False,
                              help_text=_("Leave empty for today."))
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionCancelForm(ServiceForm):
    note = forms.CharField(label=_("Why it is no longer needed"), widget=forms.Textarea(attrs={"rows": 3}))


class RiskFilter(django_filters.FilterSet):
    STATE = (("active", _("Open or treated")), ("all", _("All")), *Risk.Status.choices)
    q = django_filters.CharFilter(label=_("Search number, title"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    process = django_filters.ModelChoiceFilter(label=_("Process or procedure"), queryset=None, method="by_process")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Risk.Kind.choices)
    band = django_filters.ChoiceFilter(label=_("Rating"), choices=Band.choices, method="by_band")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATE, method="by_status", empty_label=None)
    mine = django_filters.BooleanFilter(label=_("Mine only"), method="by_owner",
                                        widget=django_filters.widgets.BooleanWidget())
    likelihood = django_filters.TypedChoiceFilter(label=_("Likelihood"), choices=SCALE_CHOICES, coerce=int)
    impact = django_filters.TypedChoiceFilter(label=_("Impact or benefit"), choices=SCALE_CHOICES, coerce=int)

    class Meta:
        model = Risk
        fields = ["q", "unit", "process", "kind", "band", "status", "mine", "likelihood", "impact"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = "active"
        super().__init__(data, *args, **kwargs)
        from documents.models import Document

        user = getattr(self.request, "user", None)
        used = Risk.objects.restrict(user, "view").filter(process__isnull=False).values("process_id")
        self.filters["process"].queryset = (Document.objects.filter(pk__in=used).only("pk", "code", "title")
                                            .order_by("code", "pk"))

    def search(self, queryset, name, value):
        condition = matches("search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def by_process(self, queryset, name, value):
        return queryset.filter(process=value) if value else queryset

    def by_band(self, queryset, name, value):
        return queryset.filter(band_q(value)) if value else queryset

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(status__in=ACTIVE)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def by_owner(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset

    def without_cell(self):
        """The rows the filters select but for the matrix cell (what the matrix counts)."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name not in ("likelihood", "impact"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset
