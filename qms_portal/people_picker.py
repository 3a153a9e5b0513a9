"""THE people picker: how a person chooses a person (a chair, a trainer, the people invited), in
every form — the unit picker's widget and endpoint on people.

A province holds some 5,000 people: a ``<select>`` of them is not a form a phone can show. A person
field is a text box, as a unit field is (``qms_portal.unit_picker``):

* ``PeopleScope`` says which people a field offers. By default the active people the user may view
  (``permissions.restrict`` on users: the people of the units in their scope); a form that offers a
  narrower set (the auditors, the holders of a role, the members of a unit) names a **source**, a
  function ``source(user, **params)`` returning the people, marked with ``@people_source``. The form
  validates against ``scope.queryset(user)`` and the search endpoint searches the very same
  queryset. ``also`` keeps the current choice valid whatever the source says.
* ``PersonChoiceField`` / ``PeopleChoiceField`` read what the box holds: an id (what the enhanced
  picker sends), a user name, a label as the box shows it ("Nguyễn Văn A (nva)") or part of a name,
  user name, e-mail or position, tone marks optional. Several matches are an error that names them.
* With JavaScript, ``portal.js`` makes the box a Tom Select whose options come from
  ``people_search`` (``/people/pick/``): at most ``RESULTS`` people, each with their unit and position.
* The scope travels signed (``django.core.signing``) and tied to the person it was made for; the
  endpoint re-applies it with the person asking, and imports only functions marked as sources.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .models import User
from .permissions import restrict
from .search import matches
from .unit_picker import CANDIDATES, UnitChoiceField, UnitMultipleChoiceField, UnitPicker, UnitsPicker

RESULTS = 20
SALT = "qms_portal.people_picker"
_SOURCES = set()


def people_source(function):
    """Mark ``function(user, **params)`` (returning a queryset of users) as a source a people field
    may name: the search endpoint imports no other function, whatever a request says."""
    _SOURCES.add(f"{function.__module__}.{function.__qualname__}")
    return function


@people_source
def people_in_scope(user):
    """The active people ``user`` may view (the default source)."""
    return restrict(User.objects.filter(is_active=True), user, "view")


@dataclass(frozen=True)
class PeopleScope:
    """Which people a field offers to ``user``: ``source`` (a dotted path to a ``@people_source``
    function) called with ``params`` (JSON-ready keyword arguments), plus the ids in ``also``."""

    source: str = "qms_portal.people_picker.people_in_scope"
    params: tuple = ()
    also: tuple = field(default_factory=tuple)

    def queryset(self, user):
        if user is None or not user.is_authenticated:
            return User.objects.none()
        if self.source not in _SOURCES:
            import_module(self.source.rsplit(".", 1)[0])  # its module marks its sources when imported
        if self.source not in _SOURCES:
            raise ValueError(f"{self.source!r} is not a people source (mark it with @people_source).")
        people = import_string(self.source)(user, **dict(self.params))
        if self.also:
            return User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk__in=self.also))
        return people

    def token(self, user):
        data = {"u": user.pk, "s": self.source, "p": [list(pair) for pair in self.params], "i": list(self.also)}
        return signing.dumps(data, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token, user):
        """The scope a token names, or None when it is forged, made for someone else, or names a
        function that is not a people source."""
        try:
            data = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("u") != user.pk:
            return None
        scope = cls(source=data.get("s") or cls.source, params=tuple(tuple(p) for p in data.get("p") or ()),
                    also=tuple(data.get("i") or ()))
        try:
            scope.queryset(user).none()
        except (ImportError, ValueError):
            return None
        return scope


def search_people(people, query):
    """``people`` matching ``query`` (part of a name, user name, e-mail or position; tone marks
    optional), the exact user name first, then by name."""
    query = " ".join((query or "").split())
    if query:
        condition = matches("search_key", query)
        if condition is None:
            return people.none()
        people = people.filter(condition | Q(username__iexact=query))
    return people.order_by("full_name", "username", "pk")


def person_label(person):
    """A person as the box shows them: their name and, to tell namesakes apart, their user name."""
    return f"{person.full_name} ({person.username})" if person.full_name else person.username


def person_option(person, place=""):
    return {"value": str(person.pk), "code": person.username, "label": person_label(person), "path": place}


def person_place(person):
    """Where a person works, as the list of options says it: their unit and position."""
    unit = person.primary_unit.name if person.primary_unit_id and person.primary_unit else ""
    return " · ".join(part for part in (unit, person.position) if part)


class _PeopleWidget:
    model = User
    fields = ("pk", "username", "full_name")
    texts = {
        "no_results": _("Nobody you may choose matches this."),
        "loading": _("Searching…"),
        "more": _("More people match: type more of the name."),
        "clear": _("Clear the person"),
        "remove": _("Remove"),
        "placeholder": _("Type a name or a user name"),
    }

    @staticmethod
    def option(person):
        return person_option(person)

    @staticmethod
    def label(person):
        return person_label(person)


class PersonPicker(_PeopleWidget, UnitPicker):
    """A text box for one person (see ``UnitPicker``)."""


class PeoplePicker(_PeopleWidget, UnitsPicker):
    """A box for several people: without JavaScript a text area, one person a line."""


def resolve_person(field, value):
    """The person of ``field.queryset`` that ``value`` names: an id, a user name, a label as the box
    shows it, or text matching one person; else ``field``'s message."""
    if isinstance(value, User):
        value = value.pk
    text = " ".join(str(value).split())
    people = field.queryset.only("pk", "username", "full_name")
    if text.isdigit():
        person = people.filter(pk=int(text)).first()
        if person is not None:
            return person
    username = text[text.rfind("(") + 1:-1] if text.endswith(")") and "(" in text else text
    person = people.filter(username__iexact=username).first() if username else None
    if person is not None:
        return person
    found = list(search_people(people, text)[:CANDIDATES + 1])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(field.error_messages["no_match"], code="invalid_choice", params={"value": text})
    named = ", ".join(person_label(p) for p in found[:CANDIDATES]) + ("…" if len(found) > CANDIDATES else "")
    raise ValidationError(field.error_messages["ambiguous"], code="ambiguous",
                          params={"value": text, "people": named})


PEOPLE_ERRORS = {
    "no_match": _("Nobody you may choose here matches “%(value)s”."),
    "ambiguous": _("Several people match “%(value)s”: %(people)s. Type more of the name, or the user name."),
}


class PersonChoiceField(UnitChoiceField):
    """One person among ``scope.queryset(user)``, typed or picked. Call ``bind(user, scope)`` in the
    form's ``__init__`` (``ServiceForm`` passes the user)."""

    widget = PersonPicker
    search_view = "people_search"
    default_error_messages = PEOPLE_ERRORS

    def __init__(self, queryset=None, *, scope=None, help_text=None, **kwargs):
        kwargs.setdefault("empty_label", None)
        if help_text is None:
            help_text = _("Type part of the person's name or user name (tone marks are optional) and choose them.")
        super(UnitChoiceField, self).__init__(queryset if queryset is not None else User.objects.none(),
                                              help_text=help_text, **kwargs)
        self.scope = scope or PeopleScope()

    def resolve(self, value):
        return resolve_person(self, value)

    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleChoiceField(UnitMultipleChoiceField):
    """Several people among ``scope.queryset(user)``, each typed or picked as in ``PersonChoiceField``."""

    widget = PeoplePicker
    search_view = "people_search"
    default_error_messages = PEOPLE_ERRORS

    def __init__(self, queryset=None, *, scope=None, help_text=None, **kwargs):
        if help_text is None:
            help_text = _("Type part of a person's name or user name and choose them; as many people as needed.")
        super(UnitMultipleChoiceField, self).__init__(queryset if queryset is not None else User.objects.none(),
                                                      help_text=help_text, **kwargs)
        self.scope = scope or PeopleScope()

    def resolve(self, value):
        return resolve_person(self, value)

    def label_from_instance(self, obj):
        return person_label(obj)
