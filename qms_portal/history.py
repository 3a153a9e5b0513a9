"""Readable history: field changes from django-simple-history and workflow transitions, merged."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .workflow import transitions_of

TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HIDDEN = {"updated_at", "created_at", "path", "depth", "key", "password", "last_login"}


def _display(field, value, names):
    if value is None or value == "":
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    return value


def history_entries(obj, limit=200):
    """Newest first: {"at", "user", "kind", "changes": [(label, old, new)], "reason"}."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id")[:limit])
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN and not f.primary_key]
    # Resolve every foreign key value once per related model (no query per row).
    wanted = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        for item in related._default_manager.filter(pk__in=ids):
            names[(related, item.pk)] = str(item)
    entries = []
    previous = None
    for record in records:
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is None and record.history_type == "+":
                if new not in (None, "", False):
                    changes.append((f.verbose_name, "", _display(f, new, names)))
            elif previous is not None and old != new:
                changes.append((f.verbose_name, _display(f, old, names), _display(f, new, names)))
        if changes or record.history_type != "~":
            entries.append({
                "at": record.history_date,
                "user": record.history_user,
                "kind": TYPES.get(record.history_type, record.history_type),
                "changes": changes,
                # Fixed reasons are stored untranslated (gettext_noop) and shown in the reader's language.
                "reason": gettext(record.history_change_reason) if record.history_change_reason else "",
            })
        previous = record
    for t in transitions_of(obj):
        entries.append({
            "at": t.at,
            "user": t.actor,
            "kind": _("Transition"),
            "transition": t,
            "changes": [],
            "reason": t.reason,
        })
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries
