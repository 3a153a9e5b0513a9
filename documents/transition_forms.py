"""The extra fields of a revision's workflow transitions (``Transition.form_class``): kept apart from
``forms.py``, which the services' module cannot import (``forms`` imports the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import TransitionForm


class ApproveForm(TransitionForm):
    """Approving a revision: its approver says whether the people it is distributed to must be
    trained on it (a session of a course on it), besides acknowledging it."""

    needs_training = forms.BooleanField(
        label=_("Needs training"), required=False,
        help_text=_("The people it is distributed to attend a training session on this revision, besides "
                    "reading and acknowledging it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["needs_training"].initial = self.obj.needs_training
