"""Forms of the checklist part: building the checklist, one question, templates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import ServiceForm
from qms_portal.unit_picker import UnitChoiceField, UnitScope

from ..models import ChecklistTemplate, ChecklistTemplateItem


def _clauses():
    from documents.models import Clause

    return Clause.objects.all()


class ClauseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}"


class ClauseChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}"


class ChecklistBuildForm(ServiceForm):
    clauses = ClauseChoices(label=_("ISO 9001 clauses"), queryset=None, required=False,
                            widget=forms.CheckboxSelectMultiple,
                            help_text=_("One question for each clause chosen (those of the audit's criteria are "
                                        "ticked)."))
    procedures = forms.ModelMultipleChoiceField(
        label=_("Procedures in scope"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("One question for each step of the procedure's effective revision: who, how long, in "
                    "which order, and its record."))

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = _clauses()
        self.fields["procedures"].queryset = audit.processes.order_by("code")
        if not self.is_bound:
            self.initial.setdefault("clauses", list(audit.clauses.values_list("pk", flat=True)))
            self.initial.setdefault("procedures", list(audit.processes.values_list("pk", flat=True)))

    def clean(self):
        data = super().clean()
        if not data.get("clauses") and not data.get("procedures"):
            raise forms.ValidationError(_("Choose clauses or procedures to build the checklist from."))
        return data


class ChecklistItemForm(ServiceForm):
    question = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    clause = ClauseChoice(label=_("ISO 9001 clause"), queryset=None, required=False)
    procedure = forms.ModelChoiceField(label=_("Procedure"), queryset=None, required=False)

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = _clauses()
        self.fields["procedure"].queryset = audit.processes.order_by("code")


class SaveAsTemplateForm(ServiceForm):
    name = forms.CharField(label=_("Template name"), max_length=200)
    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("audits.add_checklisttemplate"),
                           help_text=_("The unit whose auditors will use it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(self.user)


class FromTemplateForm(ServiceForm):
    template = forms.ModelChoiceField(label=_("Template"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChecklistTemplate.objects.restrict(self.user, "view").filter(
            is_active=True).select_related("unit").order_by("name", "id")


class TemplateForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    is_active = forms.BooleanField(label=_("In use"), required=False,
                                   help_text=_("A template no longer in use is kept but not offered."))


class TemplateQuestionForm(forms.Form):
    item = forms.ModelChoiceField(queryset=ChecklistTemplateItem.objects.all(), required=False,
                                  widget=forms.HiddenInput)
    clause = ClauseChoice(label=_("ISO 9001 clause"), queryset=None, required=False)
    question = forms.CharField(label=_("Question"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = _clauses()


TemplateQuestionFormSet = forms.formset_factory(TemplateQuestionForm, extra=2, can_delete=True, can_order=True)
