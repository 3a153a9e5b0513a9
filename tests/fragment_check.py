"""What a cached piece shows, recorded while it is built, checked against what retires it.

``PieceRecorder(monkeypatch)`` watches every piece ``fragments.cached_many`` builds. While a piece
is built it records each model row the piece shows, and which field of it:

* every ``{{ row.field }}`` (or ``row.method``) a template resolves, and every row a template
  prints (``{{ row }}``);
* every field of the rows a list writes out in Python (``fragments.shows``);
* every row turned into text (``str(row)``: a select's option labels, a property that joins the
  names of related rows);
* every field a ``values()`` query reads, through its relations (``unit__name`` is a unit's name);
* and, for a piece whose value is rows (not HTML), those rows and the related rows loaded with
  them (read from the database while it was built): what a template later shows of them counts
  for that piece too.

``problems()`` lists what a piece shows although no change to it would retire the piece: the
model is not tracked (``fragments.track``), or its changes bump none of the piece's generations.
Primary keys never change; rows of ``fragments.immutable`` models neither.
"""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models
from django.db.models.query import ValuesIterable
from django.forms.models import ModelChoiceIterator
from django.template.base import Variable
from django.test.utils import CaptureQueriesContext

from qms_portal import fragments


@dataclass
class Built:
    piece: object
    reads: list = field(default_factory=list)  # (model, row or None, field name or None)

    @property
    def name(self):
        build = self.piece.build
        func = getattr(build, "func", build)
        return getattr(func, "__qualname__", repr(func))


class PieceRecorder:
    def __init__(self, monkeypatch):
        self.built = []
        self._stack = []
        self._owners = {}  # id(row) → (row, [Built]) for rows held in a piece's value
        self._loaded = {}  # id(row) → row, for the rows read from the database while a piece was built
        recorder = self

        original_from_db = models.Model.from_db.__func__

        def from_db(cls, db, field_names, values):
            row = original_from_db(cls, db, field_names, values)
            if recorder._stack:
                recorder._loaded[id(row)] = row
            return row

        monkeypatch.setattr(models.Model, "from_db", classmethod(from_db))

        original_build = fragments._build

        def build(piece):
            entry = Built(piece)
            recorder.built.append(entry)
            recorder._stack.append(entry)
            try:
                value = original_build(piece)
            finally:
                recorder._stack.pop()
            for row in _rows_in(value):
                if recorder._loaded.get(id(row)) is row:
                    recorder._owners.setdefault(id(row), (row, []))[1].append(entry)
            return value

        monkeypatch.setattr(fragments, "_build", build)

        original_lookup = Variable._resolve_lookup

        def resolve(variable, context):
            value = original_lookup(variable, context)
            if variable.lookups and (recorder._stack or recorder._owners):
                recorder._walk(context, variable.lookups, value)
            return value

        monkeypatch.setattr(Variable, "_resolve_lookup", resolve)

        for model in apps.get_models():
            if "__str__" in vars(model):
                monkeypatch.setattr(model, "__str__", self._recording_str(vars(model)["__str__"]))

        original_choice = ModelChoiceIterator.choice

        def choice(iterator, obj):
            recorder.saw(obj, None)
            return original_choice(iterator, obj)

        monkeypatch.setattr(ModelChoiceIterator, "choice", choice)

        original_values = ValuesIterable.__iter__

        def values(iterable):
            if recorder._stack:
                query = iterable.queryset.query
                for path in query.values_select:
                    model, name = _field_at(iterable.queryset.model, path)
                    if model is not None:
                        recorder._record(model, None, name, ())
            return original_values(iterable)

        monkeypatch.setattr(ValuesIterable, "__iter__", values)

        def shows(rows, *paths):
            for row in rows:
                for path in paths:
                    current = row
                    for part in path.split("__"):
                        if not isinstance(current, models.Model):
                            break
                        recorder.saw(current, part)
                        current = getattr(current, part, None)

        monkeypatch.setattr(fragments, "shows", shows)

    def _recording_str(self, original):
        recorder = self

        def __str__(row):
            recorder.saw(row, None)
            return original(row)

        return __str__

    def _walk(self, context, lookups, value):
        """The rows a template variable goes through, with the attribute read on each."""
        try:
            current = context[lookups[0]]
        except (KeyError, TypeError):
            current = None
        for bit in lookups[1:]:
            if isinstance(current, models.Model):
                self.saw(current, bit)
            try:
                current = current[bit] if isinstance(current, dict) else getattr(current, bit, None)
            except Exception:  # noqa: BLE001 - only following what the template already resolved
                return
            if callable(current) and not isinstance(current, models.Model):
                break
        if isinstance(value, models.Model):
            self.saw(value, None)

    def saw(self, row, attribute):
        """``row`` is shown (``attribute``: which of its fields, or None for the row as text)."""
        if not self._stack and id(row) not in self._owners:
            return
        owners = self._owners.get(id(row), (None, []))[1]
        self._record(row.__class__, row, attribute, owners)  # (a lazy object: its class, not its type)

    def _record(self, model, row, attribute, owners):
        model = model._meta.concrete_model
        name = None
        if attribute is not None:
            try:
                name = model._meta.get_field(attribute).name
            except Exception:  # noqa: BLE001 - a property or a method: it may read any field
                name = None
        for entry in {id(e): e for e in [*self._stack, *owners]}.values():
            entry.reads.append((model, row, name))

    def models_seen(self):
        return {model._meta.label for entry in self.built for model, _row, _name in entry.reads}

    def problems(self):
        found = []
        for entry in self.built:
            generations = set(entry.piece.generations)
            for model, row, name in entry.reads:
                label = model._meta.label
                if label in fragments._IMMUTABLE or (name is not None and name == model._meta.pk.name):
                    continue
                if row is not None:
                    names = fragments.tracked_names(label, row, name)
                else:
                    names = {n for spec, fields in fragments._TRACKED.get(label, ())
                             if not callable(spec) and (fields is None or name is None or name in fields)
                             for n in spec}
                if not names & generations:
                    what = f"{label}.{name}" if name else label
                    problem = (f"{entry.name} shows {what}, but a change to it bumps {sorted(names) or 'nothing'}, "
                               f"not one of {sorted(generations)}")
                    if problem not in found:
                        found.append(problem)
        return found


def _field_at(model, path):
    """(model, field name) that a ``values()`` path such as ``unit__name`` reads."""
    parts = path.split("__")
    for part in parts[:-1]:
        try:
            model = model._meta.get_field(part).related_model
        except Exception:  # noqa: BLE001 - an annotation, not a field
            return None, None
        if model is None:
            return None, None
    try:
        model._meta.get_field(parts[-1])
    except Exception:  # noqa: BLE001
        return None, None
    return model, parts[-1]


def _rows_in(value, seen=None):
    """The model rows in a piece's value (lists, dicts, tuples) and the related rows loaded with
    them (``select_related``, a followed foreign key, ``prefetch_related``)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, models.Model):
        yield value
        yield from _rows_in(list(value._state.fields_cache.values()), seen)
        for prefetched in getattr(value, "_prefetched_objects_cache", {}).values():
            yield from _rows_in(list(getattr(prefetched, "_result_cache", None) or []), seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _rows_in(item, seen)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _rows_in(item, seen)


# --- a cached list's second visit --------------------------------------------------------------------

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_tokens(page):
    """The page without its CSRF tokens (each request masks its token anew)."""
    return _CSRF_FIELD.sub("", page)


def visit(client, url, params=None):
    """The page at ``url`` (with ``params``) as text; it must answer 200."""
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _reading(queries, tables):
    # (The signed-in reader's own row is read by the session's middleware, by key: "LIMIT 21".)
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in tables)
            and "LIMIT 21" not in q["sql"]]


def assert_cached_visit_reads_no_row(client, url, params, tables):
    """A list whose content is cached: the first visit reads its rows from ``tables`` (so that the
    check can fail), and the second serves the same page reading none of them, in fewer queries.
    Returns the second visit's number of queries."""
    tables = (tables,) if isinstance(tables, str) else tuple(tables)
    with CaptureQueriesContext(connection) as built:
        first = visit(client, url, params)
    with CaptureQueriesContext(connection) as cached:
        again = visit(client, url, params)
    assert without_tokens(again) == without_tokens(first)
    assert _reading(built.captured_queries, tables), f"the first visit of {url} read none of {tables}"
    assert _reading(cached.captured_queries, tables) == []
    assert len(cached.captured_queries) < len(built.captured_queries)
    return len(cached.captured_queries)
