"""The inline-option selects write the same HTML as the template they stand in for."""

import re
from datetime import date

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms_portal.models import Unit
from qms_portal.widgets import BooleanSelect, DateInput, Select, SelectMultiple, TextInput, inline_options


def _normalise(html):
    """Whitespace between tags and inside the class attribute is not meaningful."""
    html = re.sub(r">\s+<", "><", html.strip())
    html = re.sub(r"\s+>", ">", html)
    return re.sub(r'class="([^"]*)"', lambda m: f'class="{" ".join(m.group(1).split())}"', html)


def _both(widget_class, fast_class, name, value, render_attrs=None, **kwargs):
    template = widget_class(**kwargs).render(name, value, render_attrs)
    fast = fast_class(**kwargs).render(name, value, render_attrs)
    return _normalise(template), _normalise(fast)


CHOICES = [("", "---------"), ("1", "Sở Nội vụ"), ("2", "区政府 <办公室> & \"quotes\""), (3, "Phường 3")]


@pytest.mark.parametrize("value", [None, "", "2", 3, "missing"])
def test_select_matches_the_template(value):
    template, fast = _both(forms.Select, Select, "unit", value, {"id": "id_unit", "required": True},
                           choices=CHOICES, attrs={"class": "form-select-sm", "data-x": "y"})
    assert fast == template
    assert "&lt;办公室&gt; &amp; &quot;quotes&quot;" in fast  # labels escaped
    assert ('selected' in fast) == (value != "missing")  # None and "" select the empty choice


@pytest.mark.parametrize("value", [[], ["1"], ["1", 3], ["nope"]])
def test_select_multiple_matches_the_template(value):
    template, fast = _both(forms.SelectMultiple, SelectMultiple, "units", value, {"id": "id_units"},
                           choices=CHOICES[1:], attrs={"size": 5})
    assert fast == template
    assert " multiple" in fast
    assert fast.count(" selected") == len([v for v in value if v != "nope"])


def test_only_the_first_equal_value_is_selected_in_a_single_select():
    template, fast = _both(forms.Select, Select, "x", "1", choices=[("1", "a"), ("1", "b")])
    assert fast == template
    assert fast.count(" selected") == 1


def test_grouped_choices_go_through_the_template():
    grouped = [("Districts", [("1", "Quận 1"), ("2", "Quận 2")]), ("3", "Sở Nội vụ")]
    template, fast = _both(forms.Select, Select, "unit", "2", choices=grouped)
    assert fast == template
    assert "<optgroup" in fast


@pytest.mark.django_db
def test_a_model_choice_field_queries_no_more_than_the_template_and_keeps_its_choices():
    Unit.objects.create(code="A", name="Alpha", kind=Unit.Kind.CITY)

    class UnitForm(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("code"))
        units = forms.ModelMultipleChoiceField(queryset=Unit.objects.order_by("code"), required=False)
        kind = forms.ChoiceField(choices=Unit.Kind.choices, widget=forms.RadioSelect)

    with CaptureQueriesContext(connection) as template_queries:
        template_html = str(UnitForm()["unit"])
    form = inline_options(UnitForm())
    assert type(form.fields["unit"].widget) is Select
    assert type(form.fields["units"].widget) is SelectMultiple
    assert type(form.fields["kind"].widget) is forms.RadioSelect  # its own rendering: left alone
    with CaptureQueriesContext(connection) as fast_queries:
        html = str(form["unit"])
    assert len(fast_queries) <= len(template_queries)
    assert _normalise(html) == _normalise(template_html)
    assert "Alpha</option>" in html
    bound = inline_options(UnitForm(data={"unit": str(Unit.objects.get().pk), "kind": Unit.Kind.CITY}))
    assert bound.is_valid(), bound.errors
    assert " selected" in str(bound["unit"])


@pytest.mark.parametrize("value", [None, "", "thủ tục", "<b>\"x\" & y</b>", 42])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-control-sm", "placeholder": "Tìm <mã>", "required": True,
                                        "disabled": False, "maxlength": 80}])
def test_a_text_box_matches_the_template(value, attrs):
    template, fast = _both(forms.TextInput, TextInput, "q", value, {"id": "id_q", "aria-invalid": "true"}, attrs=attrs)
    assert fast == template


@pytest.mark.parametrize("value", [None, "", date(2026, 12, 7), "2026-13-45", "<x>"])
@pytest.mark.parametrize("attrs", [{"type": "date"}, {"type": "date", "class": "form-control-sm", "required": True},
                                   {}])
def test_a_date_box_matches_the_template(value, attrs):
    template, fast = _both(forms.DateInput, DateInput, "closed_from", value, {"id": "id_closed_from"},
                           attrs=dict(attrs))
    assert fast == template


@pytest.mark.parametrize("value", [None, True, False, "1", "0", "true", "", "junk"])
def test_a_yes_no_filter_matches_the_template(value):
    from django_filters.widgets import BooleanWidget

    template, fast = _both(BooleanWidget, BooleanSelect, "overdue", value, {"id": "id_overdue"},
                           attrs={"class": "form-select-sm"})
    assert fast == template
    assert fast.count(" selected") == 1


def test_text_boxes_of_a_form_get_the_inline_rendering_but_not_their_subclasses():
    class SearchForm(forms.Form):
        q = forms.CharField(required=False)
        email = forms.EmailField(required=False)
        when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    form = inline_options(SearchForm(data={"q": "hộ tịch"}))
    assert type(form.fields["q"].widget) is TextInput
    assert type(form.fields["email"].widget) is forms.EmailInput
    assert type(form.fields["when"].widget) is DateInput
    assert 'type="date"' in str(form["when"])
    assert 'value="hộ tịch"' in str(form["q"])
