"""Forms of nonconformities and their corrective actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import ServiceForm, TransitionForm

__all__ = ["ExtensionDecisionForm", "VerificationForm"]


class VerificationForm(TransitionForm):
    """Closing: what shows that the actions worked (the evidence of effectiveness)."""

    verification_note = forms.CharField(
        label=_("Verification of effectiveness"), widget=forms.Textarea(attrs={"rows": 4}),
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
