"""The one number field of the objectives area: it reads numbers as people type them — "98,5" and
"98.5" both mean 98.5 in every language, "1.234" is a thousand and more in Vietnamese
(``kpi_math.parse_decimal``) — and shows them the reader's way (98,5 in Vietnamese). A text box
with the phone's decimal keypad (``inputmode="decimal"``): a ``type="number"`` box would refuse a
comma in some browsers before the server ever saw it."""

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from ..selectors.kpi_math import parse_decimal


class LocalDecimalField(forms.Field):
    default_error_messages = {
        "invalid": _("Enter a number, for example %(example)s."),
        "negative": _("Enter a number of zero or more."),
        "too_long": _("Enter a number with at most %(places)s decimal places."),
    }

    def __init__(self, *, decimal_places=4, min_value=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        self.decimal_places, self.min_value = decimal_places, min_value
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            text = format(Decimal(str(value)).normalize(), "f")
            return text.replace(".", get_format("DECIMAL_SEPARATOR"))
        return value

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = parse_decimal(value, get_format("DECIMAL_SEPARATOR"))
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"example": formats.number_format(Decimal("98.5"), 1)})
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if -number.as_tuple().exponent > self.decimal_places:
            raise forms.ValidationError(self.error_messages["too_long"], code="too_long",
                                        params={"places": self.decimal_places})
        return number


class MonthField(forms.CharField):
    """A month, typed ``2026-11`` or ``11/2026`` (a browser that knows ``type="month"`` offers its
    picker and sends ``2026-11``): cleaned to the month's first day (``kpi_math.parse_period``)."""

    default_error_messages = {"invalid": _("Enter a month, for example %(example)s.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        from ..selectors.kpi_math import parse_period

        text = super().to_python(value)
        if not text:
            return None
        month = parse_period(text, "monthly")
        if month is None:  # a bare year or a quarter is not a month
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"example": "2026-11"})
        return month
