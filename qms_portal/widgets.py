"""Select widgets whose ``<option>`` lines are written in Python.

Django renders every option of a ``<select>`` through the template engine: about 20 µs an option,
so a unit filter over the 250 units of a province cost 5 ms of each register page, more than all
its SQL. These widgets write the same HTML as ``templates/django/forms/widgets/select.html``
(Bootstrap's ``form-select`` class, ``multiple``, the first matching option selected unless
several may be) in a loop of plain string joins. Choices in groups go through the template as
before; a test checks both give the same HTML.

``inline_options(form)`` switches a form's plain selects to them: the generic form views, the step forms
and the list pages' filters call it, so every form gets them without naming a widget.
"""

from django import forms
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django_filters.widgets import BooleanWidget


class InlineOptionsMixin:
    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        css = f"form-select {attrs.pop('class', '')}".strip()
        wanted = set(self.format_value(value))
        # One query for a model choice field's options (``list(choices)`` would first ask for a
        # count through ``len()``).
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            self.choices = choices
            return super().render(name, value, attrs, renderer)
        options = _option_lines(choices)
        lines = [format_html('<select name="{}" class="{}"{}>', name, css, _attributes(attrs))]
        chosen = False
        for option_value, line in options:
            if option_value in wanted and (self.allow_multiple_selected or not chosen):
                chosen = True
                line = line.replace('">', '" selected>', 1)  # after the value (escaped: no quote inside)
            lines.append(line)
        lines.append("</select>")
        return mark_safe("\n".join(lines))


def _option_lines(choices):
    """``[(value, '<option value="…">label</option>'), …]``, none selected."""
    lines = []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        lines.append((option_value, f'  <option value="{escape(option_value)}">{escape(label)}</option>'))
    return lines


def _attributes(attrs):
    """As ``templates/django/forms/widgets/attrs.html``: in order, ``True`` as a bare name, ``False``
    left out."""
    return mark_safe("".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False and value is not None
    ))


class Select(InlineOptionsMixin, forms.Select):
    pass


class TextInput(forms.TextInput):
    """A text box written as ``templates/django/forms/widgets/input.html`` writes it (Bootstrap's
    ``form-control`` class, then the other attributes in order): three templates fewer to render
    for each box (a list's search box cost more than its rows' links)."""

    def render(self, name, value, attrs=None, renderer=None):
        return input_html(self.input_type, name, self.format_value(value), self.build_attrs(self.attrs, attrs))


def input_html(input_type, name, value, attrs):
    """What ``templates/django/forms/widgets/input.html`` writes for a text-like box (not a check
    box, a radio button or a hidden field) of ``value`` (already formatted: None for none)."""
    parts = [f'<input type="{conditional_escape(input_type)}" name="{conditional_escape(name)}"']
    if value is not None:
        parts.append(f' value="{conditional_escape(str(value))}"')
    parts.append(f' class="form-control {conditional_escape(attrs.get("class") or "")}"')
    for key, item in attrs.items():
        if key == "class" or item is False:
            continue
        parts.append(f" {conditional_escape(key)}" if item is True
                     else f' {conditional_escape(key)}="{conditional_escape(str(item))}"')
    parts.append(">")
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


class SelectMultiple(InlineOptionsMixin, forms.SelectMultiple):
    pass


class BooleanSelect(InlineOptionsMixin, BooleanWidget):
    """django-filter's yes / no / either select (``BooleanWidget``: "overdue", "behind"…), its three
    options written in Python; its value read as that widget reads it."""

    def render(self, name, value, attrs=None, renderer=None):
        try:
            value = {True: "true", False: "false", "1": "true", "0": "false"}[value]
        except (KeyError, TypeError):
            value = ""
        return InlineOptionsMixin.render(self, name, value, attrs, renderer)


class DateInput(forms.DateInput):
    """A date box (the lists' "from" and "until" filters, ``type="date"``) written as
    ``input.html`` writes it, its value formatted as ``forms.DateInput`` formats it."""

    render = TextInput.render


_INLINE = {forms.Select: Select, forms.SelectMultiple: SelectMultiple, forms.TextInput: TextInput,
           forms.DateInput: DateInput, BooleanWidget: BooleanSelect}


def inline_options(form):
    """Give ``form``'s plain ``Select`` / ``SelectMultiple`` / ``TextInput`` / ``DateInput`` widgets
    and django-filter's ``BooleanWidget`` the inline rendering. The widget keeps its attributes and
    choices (only its class changes); subclasses with their own rendering (radio buttons, check
    boxes, Django's null-boolean select) are left alone."""
    for field in form.fields.values():
        inline = _INLINE.get(type(field.widget))
        if inline is not None:
            field.widget.__class__ = inline
    return form
