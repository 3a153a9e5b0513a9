"""A purpose for token pages registered only in the tests (``tests/conftest.py`` imports this
module): rate the service 1–5 with an optional comment. The handler records each call in
``RECEIVED``; a comment "refuse" makes it refuse the answer (``ValidationError``), so tests can
check that a refused answer consumes nothing."""

from django import forms
from django.core.exceptions import ValidationError

from qms_portal.public_links import register_purpose

NAME = "test_rating"
RECEIVED = []


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label="How was the service?", coerce=int, widget=forms.RadioSelect,
                                    choices=[(n, str(n)) for n in range(1, 6)])
    comment = forms.CharField(label="Comment", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))


def received(link, cleaned_data):
    if cleaned_data["comment"] == "refuse":
        raise ValidationError("This answer is refused.")
    RECEIVED.append((link.pk, dict(cleaned_data)))
    return len(RECEIVED)


register_purpose(NAME, title="Rate our service", form_class=RatingForm, handle=received,
                 done_message="Thank you. Your rating was received.", intro="It takes a minute.")
