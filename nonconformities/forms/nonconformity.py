"""Forms of nonconformities and their corrective actions (nc-core)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, MultipleFileField, MultipleFileInput, ServiceForm, TransitionForm
from qms_portal.people_picker import PersonChoiceField
from qms_portal.unit_picker import UnitChoiceField, UnitScope

from ..models import FISHBONE_CATEGORIES, CorrectiveAction, Nonconformity

__all__ = ["ActionCancelForm", "ActionCompleteForm", "ActionEditForm", "ActionForm", "ActionFormSet", "ActionLinkForm",
           "NonconformityEditForm",
           "AnalysisForm", "ExtensionDecisionForm", "ExtensionRequestForm", "NonconformityForm", "VerificationForm"]


class EvidenceMixin:
    """A photo from the phone's camera and/or chosen files; the files are checked by the service."""

    def clean_evidence(self, data):
        chosen = [*data.get("photo", []), *data.get("files", [])]
        if len(chosen) > settings.ATTACHMENT_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files can be attached at once.") % {"count": settings.ATTACHMENT_MAX_FILES})
        data["evidence"] = chosen
        return data


def _photo_field():
    return MultipleFileField(label=_("Take a photo"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))


def _files_field():
    return MultipleFileField(label=_("Choose files"), required=False, widget=MultipleFileInput())


class NonconformityForm(EvidenceMixin, ServiceForm):
    """Raising a nonconformity, on a phone: what was found, where, and a photo."""

    unit = UnitChoiceField(label=_("Unit"), scope=UnitScope("nonconformities.add_nonconformity"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    containment = forms.CharField(label=_("Immediate correction / containment"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("What was done at once to limit the effect (optional)."))
    source = forms.ChoiceField(label=_("Source"), choices=Nonconformity.Source.choices,
                               initial=Nonconformity.Source.STAFF_REPORT)
    grade = forms.ChoiceField(label=_("Grade"), choices=Nonconformity.Grade.choices,
                              initial=Nonconformity.Grade.MINOR)
    detected_on = forms.DateField(label=_("Detected on"), widget=DatePicker(), initial=timezone.localdate)
    clause = forms.ModelChoiceField(label=_("ISO 9001 clause"), queryset=None, required=False)
    procedure = forms.ModelChoiceField(label=_("Procedure concerned"), queryset=None, required=False)
    photo = _photo_field()
    files = _files_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Clause, Document, DocumentType

        self.fields["unit"].bind(self.user)
        self.fields["clause"].queryset = Clause.objects.all()
        self.fields["procedure"].queryset = (
            Document.objects.restrict(self.user, "view")
            .filter(level=DocumentType.Level.PROCEDURE, is_withdrawn=False).only("pk", "code", "title"))

    def clean(self):
        return self.clean_evidence(super().clean())


class AnalysisForm(ServiceForm):
    """The cause analysis: five whys, the fishbone's six categories (one cause a line), the root cause."""

    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("The cause that, removed, stops the problem from coming back."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, 6):
            self.fields[f"why_{n}"] = forms.CharField(
                label=_("Why? (%(n)s)") % {"n": n}, max_length=500, required=False)
        for key, label in FISHBONE_CATEGORIES.items():
            self.fields[f"fishbone_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
        self.order_fields([*(f"why_{n}" for n in range(1, 6)), *(f"fishbone_{k}" for k in FISHBONE_CATEGORIES),
                           "root_cause"])

    @staticmethod
    def initial_for(nc):
        initial = {"root_cause": nc.root_cause}
        for n, why in enumerate(nc.five_whys or [], start=1):
            initial[f"why_{n}"] = why
        for key, causes in (nc.fishbone or {}).items():
            initial[f"fishbone_{key}"] = "\n".join(causes)
        return initial

    def analysis(self):
        data = self.cleaned_data
        return {
            "five_whys": [data.get(f"why_{n}", "") for n in range(1, 6)],
            "fishbone": {key: data.get(f"fishbone_{key}", "").splitlines() for key in FISHBONE_CATEGORIES},
            "root_cause": data["root_cause"],
        }


class ActionForm(forms.Form):
    """One row of the action plan. A row without a description is skipped."""

    description = forms.CharField(label=_("What will be done"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Type"), choices=CorrectiveAction.Kind.choices,
                             initial=CorrectiveAction.Kind.CORRECTIVE)
    owner = PersonChoiceField(label=_("Owner"), required=False, help_text="")
    due = forms.DateField(label=_("Due date"), widget=DatePicker(), required=False)

    def __init__(self, *args, candidates=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].bind(user, candidates)  # a PeopleScope (services.owner_scope)

    def clean(self):
        data = super().clean()
        if (data.get("description") or "").strip():
            if not data.get("owner"):
                self.add_error("owner", _("Choose the owner."))
            if not data.get("due"):
                self.add_error("due", _("Give a due date."))
            elif data["due"] < timezone.localdate():
                self.add_error("due", _("The due date cannot be in the past."))
        return data


class BaseActionFormSet(forms.BaseFormSet):
    def __init__(self, *args, candidates=None, user=None, **kwargs):
        self.candidates, self.user = candidates, user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"candidates": self.candidates, "user": self.user}

    def actions(self):
        return [f.cleaned_data for f in self.forms
                if f.cleaned_data and (f.cleaned_data.get("description") or "").strip()]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=2)


class ActionEditForm(ServiceForm):
    """Change an action still to do: what, type, owner, due date."""

    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Type"), choices=CorrectiveAction.Kind.choices)
    owner = PersonChoiceField(label=_("Owner"))
    due = forms.DateField(label=_("Due date"), widget=DatePicker())

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].bind(self.user, candidates)  # a PeopleScope (services.owner_scope)


class NonconformityEditForm(ServiceForm):
    """Correct what was recorded when it was raised."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    containment = forms.CharField(label=_("Immediate correction / containment"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    grade = forms.ChoiceField(label=_("Grade"), choices=Nonconformity.Grade.choices)
    detected_on = forms.DateField(label=_("Detected on"), widget=DatePicker())
    clause = forms.ModelChoiceField(label=_("ISO 9001 clause"), queryset=None, required=False)
    procedure = forms.ModelChoiceField(label=_("Procedure concerned"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Clause, Document, DocumentType

        self.fields["clause"].queryset = Clause.objects.all()
        self.fields["procedure"].queryset = (
            Document.objects.restrict(self.user, "view")
            .filter(level=DocumentType.Level.PROCEDURE, is_withdrawn=False).only("pk", "code", "title"))


LINKABLE = 200


class ActionLinkForm(ServiceForm):
    """Let an existing action (of a related nonconformity) serve this one too."""

    action = forms.ModelChoiceField(label=_("Existing action"), queryset=None)

    def __init__(self, *args, nonconformity=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = CorrectiveAction.objects.none()
        if nonconformity is not None:
            # The actions still to do in the nonconformity's unit and below (a systemic fix is planned
            # where the problem is), the soonest due first, at most LINKABLE of them.
            ids = list(CorrectiveAction.objects.restrict(self.user, "view")
                       .filter(status__in=[CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS],
                               unit__path__startswith=nonconformity.unit.path)
                       .exclude(nonconformities=nonconformity).order_by("due", "pk")
                       .values_list("pk", flat=True)[:LINKABLE])
            offered = CorrectiveAction.objects.filter(pk__in=ids).order_by("due", "pk")
        self.fields["action"].queryset = offered


class ActionCompleteForm(EvidenceMixin, ServiceForm):
    completion_note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = _photo_field()
    files = _files_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        return self.clean_evidence(super().clean())


class ActionCancelForm(ServiceForm):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionRequestForm(ServiceForm):
    requested_due = forms.DateField(label=_("New due date"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class VerificationForm(TransitionForm):
    """Closing: what shows that the actions worked (the evidence of effectiveness). Required by the
    service (``nonconformity_transition``), which says so on the form when it is missing."""

    verification_note = forms.CharField(
        label=_("Verification of effectiveness"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you checked and what shows that the problem does not come back."),
    )


class ExtensionDecisionForm(ServiceForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve the new due date")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when you decline."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for declining."))
        return data
