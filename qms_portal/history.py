"""Readable history: what an auditor reads on a record's History tab.

Field changes come from django-simple-history, workflow transitions from ``TransitionRecord``;
both are merged, newest first, a page at a time (``history_page``). What is shown:

* field labels (``verbose_name``), choice labels, names of related records, "yes"/"no";
* never internal bookkeeping: the timestamps, fields with ``editable=False`` and no translated
  label (a search key, a lock version, a tree path), and whatever the model lists in
  ``history_hidden``;
* a JSON mapping by the keys that changed only (a sheet of 15 scores where one changed shows one);
* many-to-many fields the model lists in ``history_m2m_fields``: "Clauses: added 7.5; removed 8.2";
* long texts (over ``LONG_TEXT`` characters, several lines, or HTML) as "changed", with a link to a
  page comparing the two versions side by side (``views.history.HistoryCompareView``);
* transitions by their label and their states' labels, with the signature;
* reasons in the reader's language: a reason the portal writes is stored untranslated, with its
  parameters (``reason(msgid, **params)``), and rendered when read (``reason_text``).
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from .diff import looks_like_html

TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
ALWAYS_HIDDEN = {"created_at", "updated_at"}
PAGE_SIZE = 50
LONG_TEXT = 200  # characters: a longer value is shown as "changed", with a link to compare
# A field change saved by the workflow engine is shown inside its transition when it was made this
# close before it, by the same person, with the same states.
TRANSITION_MATCH = timedelta(seconds=10)


# --- Reasons ---------------------------------------------------------------------------------------


def reason(msgid, **params):
    """A reason the portal writes, stored untranslated with its parameters and shown in each
    reader's language: ``reason(gettext_noop("Replaced by revision %(label)s"), label="03")``.
    (Mark the message with ``gettext_noop`` so makemessages finds it.) Parameters are stored as
    text, as they are: pass numbers, codes and names, not sentences."""
    return json.dumps({"msgid": str(msgid), "params": {k: str(v) for k, v in params.items()}},
                      ensure_ascii=False, sort_keys=True)


def reason_text(stored):
    """A stored reason in the current language. A reason written by ``reason()`` is translated and
    its parameters filled in; any other text is looked up in the catalogue (fixed reasons stored with
    ``gettext_noop``) and otherwise shown as the person typed it."""
    if not stored:
        return ""
    if stored.startswith('{"msgid": '):
        try:
            data = json.loads(stored)
        except ValueError:
            return stored
        if isinstance(data, dict) and isinstance(data.get("msgid"), str):
            params = data.get("params") or {}
            if not params:
                return gettext(data["msgid"])
            try:
                return gettext(data["msgid"]) % params
            except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
                return data["msgid"] % params
    return gettext(stored)


# --- Which fields, and how they read ---------------------------------------------------------------


def shown_fields(model):
    """The concrete fields of ``model`` an auditor reads, in the model's order."""
    history_model = model.history.model
    recorded = {f.attname for f in history_model._meta.concrete_fields}
    hidden = ALWAYS_HIDDEN | set(getattr(model, "history_hidden", ()))
    fields = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in hidden or f.attname not in recorded:
            continue
        if not f.editable and not isinstance(f.verbose_name, Promise):
            continue  # bookkeeping the portal keeps for itself (a search key, a lock version, a path)
        fields.append(f)
    return fields


def shown_field(model, name):
    """The shown field called ``name`` (or a tracked many-to-many field), or None."""
    for f in shown_fields(model) + m2m_fields(model):
        if f.name == name:
            return f
    return None


def m2m_fields(model):
    history_model = model.history.model
    return list(getattr(history_model, "_history_m2m_fields", ()))


def field_label(f):
    """The field's label as a form shows it: its verbose name, first letter capitalised. A relation
    left without a translated label takes the related model's name."""
    label = f.verbose_name
    if not isinstance(label, Promise) and f.is_relation and f.related_model is not None:
        label = f.related_model._meta.verbose_name
    return capfirst(label)


# How a related record is named in history, per model label: (label function, select_related).
LABELS = {}


def register_label(model_label, label, related=()):
    """Name the rows of the model ``model_label`` ("auth.Permission") in history with ``label(row)``
    (default: ``str(row)``, the rows read with every non-null relation), reading them with
    ``select_related(*related)``."""
    LABELS[model_label] = (label, related)


def permission_label(permission):
    """A permission as the role form names it: its app and its name in the reader's language."""
    return f"{permission.content_type.app_label} · {gettext(permission.name)}"


register_label("auth.Permission", permission_label, related=("content_type",))


def _names(related_model, ids):
    label, related = LABELS.get(related_model._meta.label, (str, None))
    qs = related_model._default_manager.filter(pk__in=ids)
    qs = qs.select_related(*related) if related is not None else qs.select_related()
    return {item.pk: str(label(item)) for item in qs}


def json_text(value, inner=False):
    """A JSON value in words: a list as "a; b", a mapping as "key: a, b; key: c"."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {json_text(item, inner=True)}" for key, item in value.items())
    if isinstance(value, list):
        return (", " if inner else "; ").join(json_text(item, inner=True) for item in value)
    return str(value)


def is_long(f, value):
    if not isinstance(value, str) or not value:
        return False
    return len(value) > LONG_TEXT or "\n" in value.strip() or looks_like_html(value)


def display(f, value, names):
    """A recorded value as the History tab shows it. A model may say how it shows one of its fields
    (``history_display = {"field": function(value) → text}``: a JSON structure read by people); other
    JSON values read as a list ("a; b") or as "key: a, b; key: c"."""
    if value is None or value == "" or (isinstance(value, list | dict) and not value):
        return "—"
    custom = getattr(getattr(f, "model", None), "history_display", {}).get(f.name)
    if custom is not None:
        return custom(value)
    if isinstance(value, list | dict):
        return json_text(value)
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value}")
    return value


def record_current_sets(model, field_name, object_ids, batch_size=500):
    """For bulk loads that fill a tracked set's table directly (scale builders): keep each object's
    set as it is now with the object's latest historical record, as ``save_tracked(m2m=...)`` would
    have, so the next change reads as that change and not as every member added."""
    f = model._meta.get_field(field_name)
    sets_model = HistoricalRecords.m2m_models[f]
    through = f.remote_field.through
    owner = through._meta.get_field(f.m2m_field_name()).attname
    member = through._meta.get_field(f.m2m_reverse_field_name()).attname
    history = model.history.model._default_manager
    ids = sorted(set(object_ids))
    written = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        latest = {}
        for object_id, history_id in history.filter(id__in=chunk).order_by("id", "history_date", "history_id") \
                .values_list("id", "history_id"):
            latest[object_id] = history_id
        rows = [
            sets_model(history_id=latest[row[1]], id=row[0], **{owner: row[1], member: row[2]})
            for row in through.objects.filter(**{f"{owner}__in": chunk}).values_list("id", owner, member)
            if row[1] in latest
        ]
        sets_model.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


# --- The page --------------------------------------------------------------------------------------


@dataclass
class HistoryPage:
    entries: list
    older: int | None = None  # the history id to page on from (``?before=``), None on the last page
    newest: bool = True  # the first page (nothing newer left out)


def history_entries(obj, limit=PAGE_SIZE, before=None):
    """The entries of one page, newest first (see ``history_page``)."""
    return history_page(obj, limit=limit, before=before).entries


def history_page(obj, *, limit=PAGE_SIZE, before=None):
    """The newest ``limit`` historical records of ``obj`` older than the record ``before`` (a history
    id; None: the newest), with the transitions made meanwhile. Each entry:
    ``{"at", "user", "kind", "changes", "reason"}``, and for a transition also ``"transition"``,
    ``"from_label"``, ``"to_label"``. A change is ``{"field", "label", "old", "new", "long",
    "compare_url", "added", "removed", "created"}``. A fixed number of queries, whatever the length of the
    history."""
    model = type(obj)
    fields = shown_fields(model)
    sets = m2m_fields(model)
    shown_names = {f.attname for f in fields}
    # Hidden text columns (a search text, a converted source file) can weigh 100 KB a record.
    heavy = [f.attname for f in model._meta.concrete_fields
             if isinstance(f, models.TextField) and f.attname not in shown_names and not f.primary_key
             and f.attname in {h.attname for h in model.history.model._meta.concrete_fields}]
    qs = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    if heavy:
        qs = qs.defer(*heavy)
    upper = None
    if before is not None:
        anchor = obj.history.filter(history_id=before).values_list("history_date", "history_id").first()
        if anchor is not None:
            upper = anchor[0]
            qs = qs.filter(Q(history_date__lt=anchor[0]) | Q(history_date=anchor[0], history_id__lt=anchor[1]))
    records = list(qs[: limit + 1])
    more = len(records) > limit
    shown = records[:limit]
    lower = shown[-1].history_date if more and shown else None

    members = _members(sets, records)
    names = _related_names(fields, members, records)
    entries = []
    for i, record in enumerate(shown):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = _changes(obj, record, previous, fields, sets, members, names)
        if changes or record.history_type != "~" or record.history_change_reason:
            entries.append({
                "at": record.history_date,
                "user": record.history_user,
                "user_id": record.history_user_id,
                "kind": TYPES.get(record.history_type, record.history_type),
                "changes": changes,
                "reason": reason_text(record.history_change_reason),
                "history_id": record.history_id,
            })
    entries += _transitions(obj, lower, upper, limit)
    _merge_transition_saves(model, entries)
    entries.sort(key=lambda e: e["at"], reverse=True)
    return HistoryPage(entries=entries, older=shown[-1].history_id if more else None, newest=upper is None)


def _related_names(fields, members, records):
    """Every related record's name, one query per related model (never one per row)."""
    wanted = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    for f, by_record in members.items():
        ids = set().union(*by_record.values()) if by_record else set()
        if ids:
            wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        for pk, name in _names(related, ids).items():
            names[(related, pk)] = name
    return names


def _m2m_rows(f, records):
    """(history id, member id) of ``f``'s recorded sets for ``records``."""
    m2m_model = HistoricalRecords.m2m_models[f]
    through = f.remote_field.through
    target = through._meta.get_field(get_m2m_reverse_field_name(f)).attname
    return m2m_model.objects.filter(history_id__in=[r.history_id for r in records]).values_list("history_id", target)


def _members(sets, records):
    """``{field: {history id: {member ids}}}`` for the records' recorded sets."""
    result = {}
    for f in sets:
        by_record = {r.history_id: set() for r in records}
        for history_id, member in _m2m_rows(f, records):
            by_record[history_id].add(member)
        result[f] = by_record
    return result


def _changes(obj, record, previous, fields, sets, members, names):
    created = previous is None and record.history_type == "+"
    if previous is None and not created:
        return []  # the history starts here: nothing to compare with
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = None if created else getattr(previous, f.attname)
        if created and (new in (None, "", False) or (isinstance(new, list | dict) and not new)):
            continue
        if not created and old == new:
            continue
        change = {"field": f.name, "label": field_label(f), "raw": (old, new), "added": (), "removed": (),
                  "long": is_long(f, old) or is_long(f, new), "created": created}
        if change["long"]:
            change["old"] = change["new"] = ""
            change["compare_url"] = compare_url(obj, record.history_id, f.name)
        else:
            if isinstance(old, dict) and isinstance(new, dict):  # a mapping: only the keys that changed
                changed = [key for key in {**old, **new} if old.get(key) != new.get(key)]
                old = {key: old[key] for key in changed if key in old}
                new = {key: new[key] for key in changed if key in new}
            change["old"] = "" if created else display(f, old, names)
            change["new"] = display(f, new, names)
            change["compare_url"] = None
        changes.append(change)
    for f in sets:
        now = members[f].get(record.history_id, set())
        before = set() if created else members[f].get(previous.history_id, set())
        added, removed = now - before, before - now
        if added or removed:
            def named(ids, f=f):
                return sorted((names.get((f.related_model, pk), f"#{pk}") for pk in ids), key=natural_order)
            changes.append({"field": f.name, "label": field_label(f), "raw": None, "long": False,
                            "created": created, "compare_url": None, "old": "", "new": "", "added": named(added),
                            "removed": named(removed)})
    return changes


def natural_order(name):
    """"7.5.2 …" after "7.5 …" and before "10 …": numbers compared as numbers."""
    head = name.split(" ", 1)[0]
    parts = head.split(".")
    if all(p.isdigit() for p in parts):
        return (0, [int(p) for p in parts], name)
    return (1, [], name.casefold())


def compare_url(obj, history_id, field_name):
    meta = type(obj)._meta
    return reverse("history_compare", kwargs={
        "app_label": meta.app_label, "model": meta.model_name, "pk": obj.pk, "history_id": history_id,
        "field": field_name,
    })


def _transitions(obj, lower, upper, limit):
    from .workflow import REGISTRY, transitions_of

    model = type(obj)
    workflow = REGISTRY.get(model._meta.label)
    states = {}
    if workflow is not None:
        states = dict(model._meta.get_field(workflow.field).flatchoices)
    qs = transitions_of(obj).order_by("-at", "-pk")
    if upper is not None:
        qs = qs.filter(at__lt=upper)
    if lower is not None:
        qs = qs.filter(at__gte=lower)
    entries = []
    for t in qs[: limit * 2]:
        label = t.transition
        if workflow is not None and t.transition in workflow.by_name:
            label = workflow.by_name[t.transition].label
        entries.append({
            "at": t.at,
            "user": t.actor,
            "user_id": t.actor_id,
            "kind": label,
            "transition": t,
            "from_label": states.get(t.from_state, t.from_state),
            "to_label": states.get(t.to_state, t.to_state),
            "changes": [],
            "reason": reason_text(t.reason),
        })
    return entries


def _merge_transition_saves(model, entries):
    """The engine saves the record (a field change: the state) and writes the transition: one event,
    shown once, as the transition with the record's other changes."""
    from .workflow import REGISTRY

    workflow = REGISTRY.get(model._meta.label)
    if workflow is None:
        return
    saves = [e for e in entries if "transition" not in e and e.get("history_id")]
    for t_entry in [e for e in entries if "transition" in e]:
        t = t_entry["transition"]
        for e in saves:
            state = next((c for c in e["changes"] if c["field"] == workflow.field), None)
            same_state = state["raw"] == (t.from_state, t.to_state) if state is not None else (
                t.from_state == t.to_state)  # a transition that keeps the state (a reviewer accepts)
            if (same_state and e["user_id"] == t.actor_id and e["reason"] == t_entry["reason"]
                    and timedelta(0) <= t.at - e["at"] <= TRANSITION_MATCH):
                t_entry["changes"] = [c for c in e["changes"] if c is not state]
                saves.remove(e)
                entries.remove(e)
                break


def field_versions(obj, history_id, field_name):
    """The record ``history_id`` of ``obj`` and the one before it, for comparing ``field_name``:
    ``(field, record, previous)``; LookupError when there is no such record or shown field."""
    model = type(obj)
    f = shown_field(model, field_name)
    if f is None:
        raise LookupError(field_name)
    record = obj.history.filter(history_id=history_id).select_related("history_user").first()
    if record is None:
        raise LookupError(history_id)
    previous = (
        obj.history.filter(Q(history_date__lt=record.history_date)
                           | Q(history_date=record.history_date, history_id__lt=record.history_id))
        .select_related("history_user").order_by("-history_date", "-history_id").first()
    )
    return f, record, previous


def version_text(f, record, names=None):
    """The value of ``f`` in ``record`` as text to compare (many-to-many: one member a line)."""
    if record is None:
        return ""
    if f.many_to_many:
        ids = [member for _h, member in _m2m_rows(f, [record])]
        named = _names(f.related_model, ids)
        return "\n".join(sorted((named.get(pk, f"#{pk}") for pk in ids), key=natural_order))
    value = getattr(record, f.attname)
    if isinstance(value, str) and (isinstance(f, models.TextField) or is_long(f, value)):
        return value
    if f.is_relation and value is not None:
        return _names(f.related_model, [value]).get(value, f"#{value}")
    shown = display(f, value, {})
    return "" if shown == "—" else str(shown)
