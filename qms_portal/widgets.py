"""Select widgets whose ``<option>`` lines are written in Python.

Django renders every option of a ``<select>`` through the template engine: about 20 µs an option,
so a unit filter over the 250 units of a province cost 5 ms of each register page, more than all
its SQL. These widgets write the same HTML as ``templates/django/forms/widgets/select.html``
(Bootstrap's ``form-select`` class, ``multiple``, the first matching option selected unless
several may be) in a loop of plain string joins. Choices in groups go through the template as
before; a test checks both give the same HTML.

``inline_options(form)`` switches a form's plain selects to them: the generic form views, the step forms
and the list pages' filters call it, so every form gets them without naming a widget.

A list page's filters (``inline_options(form, cached=True)``) also keep the option lines of their
model choices in the cache: the units of a province scope, the clause catalogue and the document
types are read and written once, not on every visit to the register. The cache key is the SQL of
the field's queryset (so the reader's scope is part of it), the language and the field's class;
saving or deleting a row of a model listed in ``OPTION_SOURCES``, or a single-object grant on
one, retires every such entry at once (the ``"options"`` generation of ``fragments.py``), and entries
expire after ``OPTION_CACHE_SECONDS`` in any case. Forms that change data always read their
options afresh.
"""

import hashlib

from django import forms
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import fragments

OPTION_CACHE_SECONDS = 600
OPTIONS_GENERATION = "options"


class InlineOptionsMixin:
    cache_options = False  # set by ``inline_options(form, cached=True)`` on a list page's filters

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        css = f"form-select {attrs.pop('class', '')}".strip()
        wanted = set(self.format_value(value))
        options = self._cached_options() if self.cache_options else None
        if options is None:
            # One query for a model choice field's options (``list(choices)`` would first ask for
            # a count through ``len()``).
            choices = list(iter(self.choices))
            if any(isinstance(label, (list, tuple)) for _value, label in choices):
                self.choices = choices
                return super().render(name, value, attrs, renderer)
            options = _option_lines(choices)
            if self.cache_options:
                self._store_options(options)
        lines = [format_html('<select name="{}" class="{}"{}>', name, css, _attributes(attrs))]
        chosen = False
        for option_value, line in options:
            if option_value in wanted and (self.allow_multiple_selected or not chosen):
                chosen = True
                line = line.replace('">', '" selected>', 1)  # after the value (escaped: no quote inside)
            lines.append(line)
        lines.append("</select>")
        return mark_safe("\n".join(lines))

    def _options_key(self):
        if not isinstance(self.choices, ModelChoiceIterator) or self.choices.queryset is None:
            return None
        field = self.choices.field
        queryset = self.choices.queryset
        if getattr(queryset.model, "_meta", None) is None or queryset.model._meta.label not in OPTION_SOURCES:
            return None
        try:
            sql = str(queryset.query)
        except EmptyResultSet:  # nothing in scope: no query to run, nothing worth keeping
            return None
        label = type(field).label_from_instance
        fingerprint = "|".join((
            fragments.release(), get_language() or "", f"{label.__module__}.{label.__qualname__}",
            str(field.empty_label), sql,
        ))
        return "qms:options:" + hashlib.sha256(fingerprint.encode()).hexdigest()

    def _cached_options(self):
        self._key = self._options_key()
        if self._key is None:
            return None
        options, self._tokens = fragments.lookup(self._key, (OPTIONS_GENERATION,))
        return options

    def _store_options(self, options):
        if getattr(self, "_key", None) is not None:
            fragments.store(self._key, self._tokens, options, OPTION_CACHE_SECONDS)


def _option_lines(choices):
    """``[(value, '<option value="…">label</option>'), …]``, none selected."""
    lines = []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        lines.append((option_value, f'  <option value="{escape(option_value)}">{escape(label)}</option>'))
    return lines


# The models whose rows a list page's filters offer, by label: the core's here, an area's through
# ``option_source`` (from its ``AppConfig.ready()``). Saving or deleting one of their rows, or a
# single-object grant on one (which can widen a scope), forgets every cached option list.
OPTION_SOURCES = set()


def forget_options():
    """Every cached option list is stale from now on."""
    fragments.bump(OPTIONS_GENERATION)


def option_source(label):
    """Filters may offer rows of the model ``label``: a change to one of its rows, or to a
    single-object grant on such a row (a grant on a unit widens a reader's units), retires every
    cached option list. Grants on other objects (a named reviewer's on a revision) offer no new
    option."""
    from django.apps import apps

    from .permissions import grant_model

    if label in OPTION_SOURCES:
        return
    OPTION_SOURCES.add(label)
    fragments.track(label, (OPTIONS_GENERATION,))
    grants = grant_model(apps.get_model(label))
    if grants is not None:
        fragments.track(grants._meta.label, (OPTIONS_GENERATION,))


def track_option_sources():
    """The core's own option sources (called once, from the core's ``ready``)."""
    for label in ("qms_portal.Unit", "qms_portal.Role"):
        option_source(label)


def _attributes(attrs):
    """As ``templates/django/forms/widgets/attrs.html``: in order, ``True`` as a bare name, ``False``
    left out."""
    return mark_safe("".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False and value is not None
    ))


class Select(InlineOptionsMixin, forms.Select):
    pass


class SelectMultiple(InlineOptionsMixin, forms.SelectMultiple):
    pass


_INLINE = {forms.Select: Select, forms.SelectMultiple: SelectMultiple}


def inline_options(form, cached=False):
    """Give ``form``'s plain ``Select`` / ``SelectMultiple`` widgets the inline rendering. The widget
    keeps its attributes and choices (only its class changes); subclasses with their own rendering
    (radio buttons, check boxes, a null-boolean select) are left alone. ``cached``: a filter form,
    whose model choices may come from the cache."""
    for field in form.fields.values():
        inline = _INLINE.get(type(field.widget))
        if inline is not None:
            field.widget.__class__ = inline
            field.widget.cache_options = cached
    return form
