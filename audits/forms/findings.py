"""Forms of the findings part: a finding (from a checklist item or directly, photos from the
phone's camera), an observation's improvement action, the report, the response's due date."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, MultipleFileField, MultipleFileInput, ServiceForm
from qms_portal.models import Unit
from qms_portal.people_picker import PersonChoiceField

from ..models import Finding


def audited_units(audit):
    """The units a finding of ``audit`` may be about: the audit's unit and those below it, and the
    units in its scope."""
    return Unit.objects.filter(is_active=True).filter(
        Q(path__startswith=audit.unit.path) | Q(pk__in=audit.scope_units.values("pk"))).order_by("path")


class FindingForm(ServiceForm):
    """What the auditor writes: grade, where (unit, clause, procedure), the requirement, the
    evidence seen, the description, and photos."""

    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Finding.Grade.choices])
    unit = forms.ModelChoiceField(label=_("Audited unit"), queryset=Unit.objects.none())
    clause = forms.ModelChoiceField(label=_("ISO 9001 clause"), queryset=None, required=False,
                                    help_text=_("Required for a major or minor nonconformity."))
    procedure = forms.ModelChoiceField(label=_("Procedure concerned"), queryset=None, required=False)
    requirement = forms.CharField(label=_("Requirement"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("What the standard, the law or the procedure asks for."))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("What was seen: records, files, people asked."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    photo = MultipleFileField(label=_("Take a photo"), required=False,
                              widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, audit, with_photos=True, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Clause, Document, DocumentType

        self.audit = audit
        self.fields["unit"].queryset = audited_units(audit)
        self.fields["clause"].queryset = Clause.objects.all()
        self.fields["procedure"].queryset = (
            Document.objects.restrict(self.user, "view")
            .filter(level=DocumentType.Level.PROCEDURE, is_withdrawn=False).only("pk", "code", "title"))
        if not with_photos:
            del self.fields["photo"]

    def clean(self):
        data = super().clean()
        if data.get("grade") in Finding.NONCONFORMITY_GRADES and not data.get("clause"):
            self.add_error("clause", _("A nonconformity needs the ISO 9001 clause it does not meet."))
        photos = data.get("photo") or []
        if len(photos) > settings.ATTACHMENT_MAX_FILES:
            self.add_error("photo", _("At most %(count)d files can be attached at once.")
                           % {"count": settings.ATTACHMENT_MAX_FILES})
        return data

    def finding_fields(self):
        data = self.cleaned_data
        return {name: data.get(name) if name in ("unit", "clause", "procedure") else (data.get(name) or "")
                for name in ("grade", "unit", "clause", "procedure", "requirement", "evidence", "description")}


class ImprovementForm(ServiceForm):
    """An observation's improvement action: what, who, by when."""

    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(label=_("Owner"))
    due = forms.DateField(label=_("Due date"), widget=DatePicker())

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        from nonconformities.services import owner_scope

        self.fields["owner"].bind(self.user, owner_scope(finding.unit))


class ReportForm(ServiceForm):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("How the audit went: what was audited, with whom, the main points."))
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Does the quality management system conform and is it effective?"))


class ResponseDueForm(ServiceForm):
    response_due = forms.DateField(label=_("Response due to the certification body"), widget=DatePicker())


class LinkNonconformityForm(ServiceForm):
    """Link a finding to a nonconformity raised before it (from the certification body's report)."""

    nonconformity = forms.ModelChoiceField(label=_("Nonconformity"), queryset=None)

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        from nonconformities.models import Nonconformity

        self.fields["nonconformity"].queryset = Nonconformity.objects.restrict(self.user, "view").filter(
            unit=finding.unit, source__in=[Nonconformity.Source.INTERNAL_AUDIT, Nonconformity.Source.EXTERNAL_AUDIT],
            source_type__isnull=True).order_by("-detected_on", "-pk")
