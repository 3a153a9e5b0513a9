"""THE unit picker: how a person chooses a unit, in every form and every filter.

A province holds some 250 units. A ``<select>`` listing every one of them is long to send, slow to
render and hard to use on a phone, so a unit field is a text box instead:

* ``UnitScope`` says which units a field offers — the units on which the user may do an action
  (through ``permissions.restrict``, the one permission mechanism), optionally without one subtree
  (a unit cannot move under itself) and with a few named units besides (its current parent). The
  form validates against ``scope.queryset(user)``, and the search endpoint searches the very same
  queryset: what the list offers and what the form accepts cannot drift apart.
* ``UnitChoiceField`` (a ``ModelChoiceField``) reads what the box holds: a unit's id (what the
  enhanced picker sends), its code, its label ("SNV · Sở Nội vụ") or part of its name or code,
  with or without Vietnamese tone marks (the unit's ``search_key``, ``search.matches``). Several matches are an error
  that names them, so that without JavaScript a person still finds a unit by typing and sending.
* ``UnitPicker`` (the widget) renders only the box and the chosen unit — never the list. With
  JavaScript, ``static/js/portal.js`` turns it into Tom Select (vendored in
  ``static/vendor/tom-select``), an accessible combobox whose options come, as the person types,
  from ``unit_search`` (``/units/pick/``): at most ``RESULTS`` units in scope, each with its place
  in the tree ("Tỉnh X › Huyện Y").
* The scope travels to the endpoint signed (``django.core.signing``) and tied to the person it
  was made for; the endpoint re-applies it with the person asking, so a copied link shows nobody
  more than their own roles allow.

``ScopedModelForm`` gives every unit field of a model form this picker; a plain form or a filter
uses ``UnitChoiceField`` / ``UnitChoiceFilter`` and calls ``bind(user, scope)``.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Unit
from .permissions import ancestor_paths, restrict
from .search import matches
from .widgets import input_html

RESULTS = 20  # options sent for one search: type more to narrow
CANDIDATES = 8  # units named in the error when typed text matches several
SALT = "qms_portal.unit_picker"
SEPARATOR = " › "


@dataclass(frozen=True)
class UnitScope:
    """Which active units a field offers to ``user``.

    action  the permission (or bare verb) the user must hold on the unit, checked by
            ``permissions.restrict``; None offers every active unit (asking for access to a unit,
            sending a document to any unit).
    below   a unit path whose subtree is left out (a unit cannot become its own descendant's child).
    within  a unit path whose subtree alone is offered (the units an audit of that unit may cover).
    also    ids of units offered whatever the action (a unit's current parent stays a valid choice).
    """

    action: str | None = "view"
    below: str = ""
    also: tuple = field(default_factory=tuple)
    within: str = ""

    def queryset(self, user):
        if user is None or not user.is_authenticated:
            return Unit.objects.none()
        units = Unit.objects.filter(is_active=True)
        if self.action is not None:
            units = restrict(units, user, self.action)
        if self.below:
            units = units.exclude(path__startswith=self.below)
        if self.within:
            units = units.filter(path__startswith=self.within)
        if self.also:
            units = units | Unit.objects.filter(pk__in=self.also)
        return units

    def token(self, user):
        """The scope, signed for ``user`` (the search endpoint's ``scope`` parameter)."""
        data = {"u": user.pk, "a": self.action, "b": self.below, "i": list(self.also)}
        if self.within:
            data["w"] = self.within
        return signing.dumps(data, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token, user):
        """The scope a token names, or None when it is forged or was made for someone else."""
        try:
            data = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("u") != user.pk:
            return None
        return cls(action=data.get("a"), below=data.get("b") or "", also=tuple(data.get("i") or ()),
                   within=data.get("w") or "")


def search_units(units, query):
    """``units`` matching ``query`` (part of the code or the name, tone marks optional), the exact
    code first, then the higher levels, then by name."""
    query = " ".join((query or "").split())
    if query:
        condition = matches("search_key", query)  # the unit's stored code and name, folded
        if condition is None:
            return units.none()
        units = units.filter(condition)
    exact = Case(When(code__iexact=query, then=Value(0)), default=Value(1), output_field=IntegerField())
    return units.annotate(exact_code=exact).order_by("exact_code", "depth", "name", "pk")


def tree_paths(units):
    """``{unit.pk: "Tỉnh X › Huyện Y"}``: the names of the units above each one, read in one query.
    (The unit page shows the same line above a unit, as breadcrumbs.)"""
    wanted = {path for unit in units for path in ancestor_paths(unit.path)[:-1]}
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {unit.pk: SEPARATOR.join(names[p] for p in ancestor_paths(unit.path)[:-1] if p in names)
            for unit in units}


def option(unit, path):
    return {"value": str(unit.pk), "code": unit.code, "label": str(unit), "path": path}


class UnitPicker(forms.TextInput):
    """A text box for one unit: the chosen unit's label, or what the person typed. It renders no
    list; the enhanced picker asks ``search_url`` for options. (The people picker is this widget on
    another model: ``model``, ``fields``, ``option`` and ``texts`` say what is picked.)"""

    template_name = "widgets/unit_picker.html"
    model = Unit
    fields = ("pk", "code", "name", "path")  # what the box's label reads
    texts = {
        "no_results": _("No unit you may choose matches this."),
        "loading": _("Searching…"),
        "more": _("More units match: type more of the name or the code."),
        "clear": _("Clear the unit"),
        "remove": _("Remove"),
        "placeholder": _("Type a name or a code"),
    }

    @staticmethod
    def option(obj):
        return option(obj, "")

    @staticmethod
    def label(obj):
        return str(obj)

    # A list page shows no field errors: its filter's picker says itself why it was not applied.
    show_problem = False

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.search_url = ""
        self.units = self.model.objects.none()
        self.problem = ""
        self.known = None  # the object the field has just cleaned (it is in scope): named without a query

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.search_url, copy.units, copy.show_problem = self.search_url, self.units, self.show_problem
        copy.known = self.known
        return copy

    def chosen(self, value):
        """The unit ``value`` names among the units offered, or None (a unit outside the scope is
        never named back: the box then shows what was sent, as typed)."""
        if isinstance(value, self.model):
            value = value.pk
        if value in (None, "") or not str(value).isdigit():
            return None
        if self.known is not None and str(self.known.pk) == str(value):
            return self.known
        return self.units.filter(pk=value).only(*self.fields).first()

    def get_context(self, name, value, attrs):
        unit = self.chosen(value)
        context = super().get_context(name, self.label(unit) if unit is not None else value, attrs)
        selected = self.option(unit) if unit is not None else None
        problem = self.problem if self.show_problem else ""
        if problem:
            context["widget"]["attrs"].update({"aria-invalid": "true",
                                               "aria-describedby": f"{context['widget']['attrs'].get('id')}_problem"})
        context["widget"].update(search_url=self.search_url, selected=json.dumps(selected) if selected else "",
                                 problem=problem, texts=self.texts)
        widget = context["widget"]  # the box itself written in Python (input.html's HTML: two templates fewer)
        widget["input"] = input_html(widget["type"], widget["name"], widget["value"], widget["attrs"])
        return context


def resolve_unit(field, value):
    """The unit of ``field.queryset`` that ``value`` names: an id (what the picker sends), a code, a
    label as the box shows it, or part of a name matching one unit; else ``field``'s message."""
    if isinstance(value, Unit):
        value = value.pk
    text = " ".join(str(value).split())
    units = field.queryset.only("pk", "code", "name", "path")
    if text.isdigit():  # an id: what the picker sends (and what links and tests carry)
        unit = units.filter(pk=int(text)).first()
        if unit is not None:
            return unit
    code = text.split(" · ", 1)[0]  # a code, or a label as the box shows it
    unit = units.filter(code__iexact=code).first() if code else None
    if unit is not None:
        return unit
    if text.isdigit():  # a number is an id or a code, never part of a name: no guessing
        raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                              params={"value": text})
    found = list(search_units(units, text)[:CANDIDATES + 1])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(field.error_messages["no_match"], code="invalid_choice", params={"value": text})
    named = ", ".join(str(u) for u in found[:CANDIDATES]) + ("…" if len(found) > CANDIDATES else "")
    raise ValidationError(field.error_messages["ambiguous"], code="ambiguous",
                          params={"value": text, "units": named})


class UnitChoiceField(forms.ModelChoiceField):
    """One unit among ``scope.queryset(user)``, typed or picked (see the module's text)."""

    widget = UnitPicker
    search_view = "unit_search"
    default_error_messages = {
        # An id or a code outside the scope gets ModelChoiceField's own "invalid_choice" message.
        "no_match": _("No unit you may choose here matches “%(value)s”."),
        "ambiguous": _("Several units match “%(value)s”: %(units)s. Type more of the name, or the code."),
    }

    def __init__(self, queryset=None, *, scope=None, help_text=None, **kwargs):
        kwargs.setdefault("empty_label", None)
        if help_text is None:
            help_text = _("Type part of the unit's name or code (tone marks are optional) and choose it.")
        super().__init__(queryset if queryset is not None else Unit.objects.none(), help_text=help_text, **kwargs)
        self.scope = scope or UnitScope()

    def bind(self, user, scope=None):
        """Offer the units of ``scope`` (by default the field's own) to ``user``."""
        self.scope = scope or self.scope
        self.queryset = self.scope.queryset(user)
        query = {"scope": self.scope.token(user)} if user is not None and user.is_authenticated else {}
        self.widget.search_url = reverse(self.search_view) + ("?" + urlencode(query) if query else "")
        return self

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = None if queryset is None else queryset.all()
        self.widget.choices = self.choices
        if isinstance(self.widget, UnitPicker):
            self.widget.units = self._queryset

    def resolve(self, value):
        return resolve_unit(self, value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.resolve(value)

    def clean(self, value):
        try:
            unit = super().clean(value)
        except ValidationError as error:
            self.widget.problem = " ".join(error.messages)
            raise
        if isinstance(unit, self.widget.model):
            self.widget.known = unit  # the box names it back without asking the database again
        return unit

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        initial = getattr(initial, "pk", initial)
        return str(initial or "") != str(data or "")


class UnitsPicker(UnitPicker):
    """A box for several units (``UnitMultipleChoiceField``): without JavaScript a text area, one
    unit a line, read as the one-unit box reads its text; ``portal.js`` makes it a Tom Select that
    holds many, each removable with its own button."""

    multiple = True

    def value_from_datadict(self, data, files, name):
        sent = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if sent is None:
            return []
        sent = [sent] if isinstance(sent, str | int | self.model) else list(sent)
        return [line for item in sent for line in (str(item).splitlines() if isinstance(item, str) else [item])
                if str(line).strip()]

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty box means "no unit", never "left as it was"

    def chosen_many(self, values):
        ids = [v.pk if isinstance(v, self.model) else v for v in values or ()]
        ids = [int(v) for v in ids if str(v).isdigit()]
        found = self.units.filter(pk__in=ids).only(*self.fields).in_bulk() if ids else {}
        return found

    def get_context(self, name, value, attrs):
        if value is None or value == "":
            values = []
        elif isinstance(value, str | int | self.model):
            values = [value]
        else:
            values = list(value)  # a list of ids or of what was typed, or the units themselves
        found = self.chosen_many(values)
        lines, selected = [], []
        for item in values:
            key = item.pk if isinstance(item, self.model) else (int(item) if str(item).isdigit() else None)
            unit = found.get(key)
            if unit is not None:
                lines.append(self.label(unit))
                selected.append(self.option(unit))
            else:
                lines.append(str(item))  # what was typed (a unit outside the scope is never named back)
        context = forms.Widget.get_context(self, name, "\n".join(lines), attrs)
        problem = self.problem if self.show_problem else ""
        if problem:
            context["widget"]["attrs"].update({"aria-invalid": "true",
                                               "aria-describedby": f"{context['widget']['attrs'].get('id')}_problem"})
        context["widget"].update(search_url=self.search_url, selected=json.dumps(selected) if selected else "",
                                 problem=problem, multiple=True, texts=self.texts)
        return context

    def format_value(self, value):
        return value


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units among ``scope.queryset(user)`` (the units an audit covers), each typed or
    picked as in ``UnitChoiceField``; every line that names no unit is said, and the box keeps it."""

    widget = UnitsPicker
    search_view = "unit_search"
    default_error_messages = UnitChoiceField.default_error_messages

    def __init__(self, queryset=None, *, scope=None, help_text=None, **kwargs):
        if help_text is None:
            help_text = _("Type part of a unit's name or code (tone marks are optional) and choose it; as many "
                          "units as needed.")
        super().__init__(queryset if queryset is not None else Unit.objects.none(), help_text=help_text, **kwargs)
        self.scope = scope or UnitScope()

    bind = UnitChoiceField.bind
    queryset = UnitChoiceField.queryset
    resolve = UnitChoiceField.resolve

    def clean(self, value):
        values = [v for v in (value or []) if str(getattr(v, "pk", v)).strip()]
        if not values:
            if self.required:
                self.widget.problem = str(self.error_messages["required"])
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        ids, errors = [], []
        for item in values:
            try:
                unit = self.resolve(item)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if unit.pk not in ids:
                ids.append(unit.pk)
        if errors:
            self.widget.problem = " ".join(errors)
            raise ValidationError(errors)
        return self.queryset.filter(pk__in=ids)

    def has_changed(self, initial, data):
        def ids(values):
            return {str(getattr(v, "pk", v)) for v in (values or [])}

        return ids(initial) != ids(data)


def unit_field_from(model_field, **overrides):
    """A ``UnitChoiceField`` standing in for a model form's unit field (same label, help, required)."""
    kwargs = {"label": model_field.label, "required": model_field.required, "initial": model_field.initial,
              "disabled": model_field.disabled}
    if model_field.help_text:
        kwargs["help_text"] = model_field.help_text
    return UnitChoiceField(**(kwargs | overrides))


class UnitChoiceFilter(django_filters.Filter):
    """A list page's unit filter (django-filter): the unit picker on the units of ``scope`` (by
    default those the reader may view), for the request's user. Without a ``method`` it filters
    ``field_name`` equal to the unit; with ``subtree=True``, the unit with its sub-units (the rows
    whose ``field_name`` unit's path starts with the unit's: "Unit (with its sub-units)")."""

    field_class = UnitChoiceField

    def __init__(self, *args, scope=None, subtree=False, **kwargs):
        kwargs.setdefault("help_text", "")  # list pages show no help under their filters
        super().__init__(*args, **kwargs)
        self.scope = scope or UnitScope()
        self.subtree = subtree

    def filter(self, qs, value):
        if self.subtree and value is not None:
            return qs.filter(**{f"{self.field_name}__path__startswith": value.path})
        return super().filter(qs, value)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            request = getattr(self.parent, "request", None)
            field.bind(getattr(request, "user", None), self.scope)
            field.widget.show_problem = True
        return self._field

