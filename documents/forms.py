from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, RichTextWidget, ScopedModelForm, ServiceForm
from qms_portal.models import Role
from qms_portal.permissions import restrict
from qms_portal.unit_picker import UnitChoiceField, UnitScope, unit_field_from
from qms_portal.widgets import inline_options

from .models import (
    Announcement,
    ChangeRequest,
    Document,
    LegalDocument,
    PeriodicReview,
    ProcedureStep,
    RegisterSettings,
)
from .services.register import validate_code_pattern


class DocumentForm(ScopedModelForm):
    scope_actions = {"unit": "documents.add_document"}

    class Meta:
        model = Document
        fields = ["unit", "doc_type", "code", "title", "category", "process_owner", "clauses", "review_months",
                  "legal_time_limit_days"]
        widgets = {"clauses": forms.SelectMultiple(attrs={"size": 8})}
        help_texts = {"code": _("Leave empty to number it automatically (e.g. SNV-QT-05).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["review_months"].required = False
        self.fields["process_owner"].queryset = restrict(
            get_user_model().objects.filter(is_active=True), self.user, "view"
        ).select_related("primary_unit")
        if self.instance.pk:
            for name in ("unit", "doc_type", "code"):
                self.fields.pop(name)

    def clean(self):
        data = super().clean()
        doc_type = data.get("doc_type") or (self.instance.doc_type if self.instance.pk else None)
        if doc_type is not None and doc_type.needs_category and not data.get("category"):
            self.add_error("category", _("Choose the category of this procedure."))
        return data


class RevisionForm(ServiceForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(
        label=_("Content"), required=False, widget=RichTextWidget,
        help_text=_("Headings, bold and italic text, lists, quotes and links are kept."),
    )
    source = forms.FileField(label=_("Source file (DOCX, XLSX or PDF)"), required=False)
    effective_date = forms.DateField(label=_("Effective date"), required=False,
                                     widget=DatePicker)
    legal_refs = forms.ModelMultipleChoiceField(label=_("Legal basis"), queryset=LegalDocument.objects.all(),
                                                required=False, widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args, revision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.revision = revision
        if revision is not None and revision.number > 1:
            self.fields["reason"].required = True


class StepForm(forms.ModelForm):
    class Meta:
        model = ProcedureStep
        fields = ["title", "responsible_unit", "responsible_role", "responsible_position", "time_limit", "time_unit",
                  "output", "output_form"]

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].widget.attrs.update({"min": "0", "step": "0.5"})
        self.fields["responsible_role"].queryset = Role.objects.all()
        # The unit picker, without a help text: the step rows show none.
        self.fields["responsible_unit"] = unit_field_from(self.fields["responsible_unit"], help_text="").bind(
            user, UnitScope("view"))
        if user is not None:
            forms_qs = Document.objects.restrict(user, "view").filter(doc_type__is_form=True)
            self.fields["output_form"].queryset = forms_qs.select_related("doc_type")
        inline_options(self)

    def clean_time_limit(self):
        value = self.cleaned_data["time_limit"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A time limit cannot be negative."))
        return value


class BaseStepFormSet(forms.BaseFormSet):
    def __init__(self, *args, user=None, unit=None, **kwargs):
        self.user, self.unit = user, unit
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user, "unit": self.unit}

    def steps(self):
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("title")
        ]


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=2, can_delete=True)


class PeopleListInput(forms.Widget):
    """Several text boxes under one name, one person's user name each, suggested from a
    ``<datalist>`` of ``options`` (``[(username, label)]``) that the browser filters as one types: usable
    with hundreds of people, where a multiple select is not. Shows the chosen people and ``extra``
    empty boxes (at least ``minimum`` boxes in all)."""

    template_name = "widgets/people_list.html"
    extra = 2
    minimum = 3

    def __init__(self, attrs=None, options=(), item_label=""):
        super().__init__(attrs)
        self.options, self.item_label = list(options), item_label

    def value_from_datadict(self, data, files, name):
        seen = []
        for value in data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []:
            value = (value or "").strip()
            if value and value not in seen:
                seen.append(value)
        return seen

    def value_omitted_from_data(self, data, files, name):
        return False

    def format_value(self, value):
        return [str(v) for v in value or [] if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        boxes = values + [""] * max(self.extra, self.minimum - len(values))
        context["widget"].update(boxes=boxes, options=self.options, item_label=self.item_label,
                                 list_id=f"{context['widget']['attrs'].get('id', name)}-people")
        return context


class ReviewersForm(ServiceForm):
    """The reviewers of a draft, by user name, from ``reviewer_candidates``: the people who read the
    unit's revisions through a role on it or on a unit above it (never the author, never the
    portal's own account)."""

    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=None, to_field_name="username",
        help_text=_("Type a name or a user name and choose from the list: colleagues of the unit and people of "
                    "the units above it who read its documents. Empty a box to remove someone."),
        error_messages={"invalid_choice": _("%(value)s may not review documents of this unit."),
                        "required": _("Name at least one reviewer.")},
    )

    def __init__(self, *args, revision, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import reviewer_candidates

        field = self.fields["reviewers"]
        field.queryset = reviewer_candidates(revision)
        field.widget = PeopleListInput(item_label=_("Reviewer"), options=[
            (person.username, " · ".join(str(x) for x in (person.full_name or person.username, person.position,
                                                          person.primary_unit and person.primary_unit.name) if x))
            for person in field.queryset
        ])


class DistributionForm(ServiceForm):
    # A procedure may be sent to any unit (a sibling agency, the wards of another district): the
    # recipients then read it through the distribution, whatever their own scope.
    unit = UnitChoiceField(label=_("Unit (its people and sub-units)"), required=False, scope=UnitScope(action=None))
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all(), required=False)
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(self.user)
        self.fields["person"].queryset = restrict(get_user_model().objects.filter(is_active=True), self.user, "view")

    def clean(self):
        data = super().clean()
        if sum(bool(data.get(k)) for k in ("unit", "role", "person")) != 1:
            raise forms.ValidationError(_("Choose one unit, one role or one person."))
        return data


class ChangeRequestForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class PeriodicReviewForm(forms.ModelForm):
    class Meta:
        model = PeriodicReview
        fields = ["outcome", "notes"]
        widgets = {"outcome": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class LegalDocumentForm(forms.ModelForm):
    class Meta:
        model = LegalDocument
        fields = ["number", "title", "issuer", "issue_date", "effective_date", "status", "replaced_by"]
        widgets = {"issue_date": DatePicker, "effective_date": DatePicker}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["replaced_by"].queryset = LegalDocument.objects.exclude(pk=self.instance.pk)

    def clean(self):
        data = super().clean()
        if data.get("status") == LegalDocument.Status.REPLACED and not data.get("replaced_by"):
            self.add_error("replaced_by", _("Name the legal document that replaces this one."))
        return data


class RegisterSettingsForm(forms.ModelForm):
    """A unit's code prefix and numbering pattern (the numbering page). The pattern is checked as the
    service checks it, so the message appears beside the field."""

    class Meta:
        model = RegisterSettings
        fields = ["prefix", "pattern"]
        help_texts = {
            "prefix": _("Put in front of every code through {prefix}, e.g. SNV."),
            "pattern": _("Fields: {prefix}, {type} (the document type's code), {number} (add :03d for three "
                         "digits: 005), {unit} (the unit's code). Example: {prefix}-{type}-{number:02d} gives "
                         "SNV-QT-05."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].widget.attrs["spellcheck"] = "false"

    def clean(self):
        data = super().clean()
        if data.get("prefix") and data.get("pattern"):
            unit = self.instance.unit if self.instance.unit_id else None
            try:
                validate_code_pattern(data["pattern"], prefix=data["prefix"], unit=unit)
            except ValidationError as error:
                self.add_error("pattern", error)
        return data


class AnnouncementForm(ScopedModelForm):
    """An announcement of conformity's decision and scope; the unit only when it is created."""

    scope_actions = {"unit": "documents.add_announcement"}

    class Meta:
        model = Announcement
        fields = ["unit", "decision_number", "decision_date", "scope"]
        widgets = {"decision_date": DatePicker, "scope": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "decision_number": _("The number of the decision announcing the conformity, e.g. 125/QĐ-SNV."),
            "scope": _("The activities and administrative procedures the quality management system covers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("unit")
