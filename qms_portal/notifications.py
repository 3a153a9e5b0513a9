"""In-portal messages, written for the reader.

* A notification stores its ``kind`` and its parameters, not text: a model instance is stored as a
  reference (its model, its primary key and, in case the row is gone, the text it had), a date as
  an ISO date, a number as a number, a translatable string (``gettext_lazy``, a choice's label) as
  its message id, a list as a list of these. The title (``KINDS[kind]``), the optional text and the
  listed objects are rendered when the message is shown or e-mailed, in the reader's language:
  ``render_many(notifications)`` loads the referenced rows grouped by model (one query per model,
  whatever the number of messages), ``render(notification)`` does one.
* ``notify(recipients, kind, params=…)`` writes the same message for each recipient;
  ``notify_grouped(kind, {user: [objects]}, params=…)`` writes ONE message per person listing the
  records that concern them ("36 documents need review: …"), with ``count`` and ``objects`` in its
  parameters for a plural title (``ngettext_lazy(…, "count")``). Both write in bulk: a fixed number
  of queries whatever the number of recipients, and for people who want e-mail at once an outbox
  row each, dispatched after the commit (``qms_portal.outbox``).
* Rows written before parameters were typed (plain strings) keep rendering as they did.
"""

import datetime
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

from .models import Notification, OutboxMessage

# The outbox and the e-mails moved to ``qms_portal.outbox``; these names stay importable from here.
from .outbox import (  # noqa: F401, E402 - re-exported
    dispatch,
    enqueue,
    flush_outbox,
    send_daily_digests,
    send_notification_email,
)

# Stored with every row written since parameters are typed: tells them from the old plain-text ones.
VERSION_KEY = "_v"
# At most this many objects are stored (and listed) in one grouped message; ``count`` says how many
# there were in all ("… and 12 more").
MAX_LISTED = 100
# The inbox and "My work" list this many of a message's objects; the e-mail lists all it stored.
LISTED_ON_PAGE = 10


@dataclass(frozen=True)
class Kind:
    """A kind of message: its ``title`` (inbox line, e-mail subject) and an optional ``text`` (shown
    under the title and in the e-mail), both ``%(name)s`` templates over the message's parameters.
    Either may be plural-aware: ``ngettext_lazy(singular, plural, "count")``."""

    title: object
    text: object = ""


# The core's kinds; each area adds its own (``areas.register(notification_kinds=…)``): a title, or a
# ``Kind`` with a text too.
KINDS = {
    "transition_waiting": _("Waiting for your decision for %(days)s days: %(object)s"),
    "accessrequest_submitted": _("New access request to decide: %(object)s"),
    "accessrequest_approved": _("Your access request was approved: %(object)s"),
    "accessrequest_rejected": _("Your access request was rejected: %(object)s"),
    "role_assigned": _("You were given the role %(role)s on %(unit)s"),
    "job_done": _("Ready to download: %(title)s"),
    "job_failed": _("Could not be made: %(title)s"),
    # The reminder sweep's (``reminders.remind_pending_transitions``): every record waiting for the
    # reader's decision, in one message.
    "transitions_waiting": Kind(
        title=ngettext_lazy("%(count)s record waits for your decision", "%(count)s records wait for your decision",
                            "count"),
        text=_("Waiting for %(days)s days or more."),
    ),
}


def register_kinds(kinds):
    """Add an area's message kinds. A kind is registered once: two areas cannot claim one name."""
    clash = set(kinds) & set(KINDS)
    if clash:
        raise ValueError(f"Notification kinds registered twice: {sorted(clash)}")
    KINDS.update(kinds)


def kind_of(name):
    value = KINDS.get(name)
    if value is None or isinstance(value, Kind):
        return value
    return Kind(title=value)


# --- Storing parameters -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An object listed in a grouped message, with an optional ``note`` beside it (a date, a number,
    a translatable string): ``Item(document, note=document.next_review_date)``."""

    obj: object
    note: object = None


@dataclass(frozen=True)
class Ref:
    """A row named by its model and primary key, without loading it: ``Ref(Revision, row.revision_id)``.
    The reminder sweep fills in its fallback text in bulk; elsewhere it is stored without one."""

    model: object
    pk: object

    @property
    def label(self):
        return self.model._meta.label_lower


def store(value):
    """A parameter as JSON that can be rendered later in any language."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return {"$num": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Promise):
        return _store_lazy(value)
    if isinstance(value, Item):
        stored = store(value.obj)
        stored = stored if isinstance(stored, dict) else {"$text": stored}
        return {**stored, "note": store(value.note)}
    if isinstance(value, models.Model):
        return {"$ref": value._meta.label_lower, "pk": value.pk, "text": str(value)}
    if isinstance(value, Ref):
        return {"$ref": value.label, "pk": value.pk, "text": ""}
    if isinstance(value, list | tuple | set | frozenset):
        return {"$list": [store(v) for v in value]}
    return str(value)


def _store_lazy(value):
    """``gettext_lazy("Replaced")`` → its message id, translated when read; anything else lazy → text."""
    func, args = None, ()
    reduced = value.__reduce__()
    if len(reduced) == 2 and isinstance(reduced[1], tuple) and len(reduced[1]) >= 3:
        func, args = reduced[1][0], reduced[1][1]
    if func is gettext and len(args) == 1:
        return {"$t": args[0]}
    if func is pgettext and len(args) == 2:
        return {"$t": args[1], "ctx": args[0]}
    return str(value)


def stored_params(params, objects=None, total=None):
    """The JSON stored for ``params`` (and a grouped message's ``objects``, with their ``count``)."""
    stored = {key: store(value) for key, value in (params or {}).items()}
    if objects is not None:
        objects = list(objects)
        stored["count"] = len(objects) if total is None else total
        stored["objects"] = {"$list": [store(obj) for obj in objects[:MAX_LISTED]]}
    stored[VERSION_KEY] = 2
    return stored


# --- Writing messages ---------------------------------------------------------------------------

_muted = threading.local()


@contextmanager
def muted():
    """Within this block ``notify`` sends nothing (bulk seeding of demo and benchmark data)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


def notify(recipients, kind, *, params=None, url="", key=None, objects=None):
    """Tell each recipient the same thing in the portal, and by e-mail as they chose. ``params`` may
    hold model instances, dates, numbers, translatable strings and lists of these (rendered in each
    reader's language); ``objects`` makes it a message that lists records (``count`` and ``objects``
    in its parameters). ``key`` makes it idempotent: the same key and recipient never produce a
    second notification. A fixed number of queries whatever the number of recipients."""
    stored = stored_params(params, objects)
    return write([(user, stored, url) for user in recipients], kind, key=key)


def notify_grouped(kind, groups, *, params=None, url="", key=None):
    """ONE message per person listing the records that concern them, instead of one per record.

    ``groups`` maps each recipient to their records (``{user: [obj, …]}``; an ``Item(obj, note=…)``
    adds a note beside one). ``params`` are the parameters the messages share; each message also
    gets ``count`` (how many records) and ``objects`` (the records, at most ``MAX_LISTED``), so the
    kind's title can be ``ngettext_lazy("%(count)s document needs review", "%(count)s documents need
    review", "count")``. ``url`` is a string or ``url(user, objects)``: where the records are listed
    (a filtered register). Bulk: a fixed number of queries whatever the number of people."""
    rows = []
    for user, objects in groups.items():
        objects = list(objects)
        if not objects:
            continue
        link = url(user, objects) if callable(url) else url
        rows.append((user, stored_params(params, objects), link))
    return write(rows, kind, key=key)


def write(rows, kind, *, key=None):
    """Write ``[(user, stored params, url)]`` as notifications of ``kind`` (inactive people left
    out), with an outbox row for each person who wants e-mail at once."""
    from .context_processors import forget_unread
    from .models import User

    if getattr(_muted, "on", False):
        return []
    people = {}
    for user, stored, url in rows:
        if user.is_active:
            people[user.pk] = (user, stored, url)
    if not people:
        return []
    keys = {pk: f"{key}:u{pk}" if key else None for pk in people}
    if key:
        done = set(Notification.objects.filter(key__in=list(keys.values())).values_list("key", flat=True))
        people = {pk: row for pk, row in people.items() if keys[pk] not in done}
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, params=stored, url=(url or "")[:300], key=keys[pk])
         for pk, (user, stored, url) in people.items()],
        batch_size=500,
    )
    forget_unread(people)
    by_email = [n for n in created
                if n.recipient.notification_mode == User.NotificationMode.IMMEDIATE and n.recipient.email]
    if by_email:
        messages = OutboxMessage.objects.bulk_create(
            [OutboxMessage(task="qms_portal.tasks.send_notification_email", kwargs={"notification_id": n.pk})
             for n in by_email],
            batch_size=500,
        )
        ids = [m.pk for m in messages]
        transaction.on_commit(lambda: [dispatch(pk) for pk in ids])
    return created


# --- Rendering ----------------------------------------------------------------------------------


@dataclass
class Rendered:
    """A notification in the active language: what the inbox, "My work" and the e-mails show."""

    notification: Notification
    title: str
    text: str = ""
    items: list = field(default_factory=list)  # [(label, url, note)]
    more: int = 0  # how many of the records are not listed

    def __iter__(self):  # ``for n, title in items`` in templates written before this class
        return iter((self.notification, self.title))

    def listed(self, limit=LISTED_ON_PAGE):
        return self.items[:limit]

    def not_listed(self, limit=LISTED_ON_PAGE):
        return self.more + max(0, len(self.items) - limit)

    @property
    def page_items(self):
        return self.listed()

    @property
    def page_more(self):
        return self.not_listed()


def render(notification):
    """One notification in the active language."""
    return render_many([notification])[0]


def render_title(notification):
    return render(notification).title


def render_many(notifications):
    """Notifications in the active language, with the rows they refer to loaded grouped by model:
    one query per model referred to, whatever the number of messages."""
    notifications = list(notifications)
    refs = defaultdict(set)
    for n in notifications:
        if _typed(n):
            _collect(n.params, refs)
    loaded = _load(refs)
    return [_render(n, loaded) for n in notifications]


def _typed(notification):
    return isinstance(notification.params, dict) and notification.params.get(VERSION_KEY, 0) >= 2


def _collect(value, refs):
    if isinstance(value, dict):
        if "$ref" in value:
            refs[value["$ref"]].add(value.get("pk"))
        for inner in value.values():
            if isinstance(inner, dict | list):
                _collect(inner, refs)
    elif isinstance(value, list):
        for inner in value:
            _collect(inner, refs)


def shown_models():
    """The labels of the models a message may refer to: the records of the core and the areas
    (``settings.QMS_AREAS``) a person can open (``get_absolute_url``), and those their names
    show (``display_related``). A page of messages that names any other is not cached."""
    from django.conf import settings

    owners = {"qms_portal", *settings.QMS_AREAS}
    models_ = [model for model in apps.get_models() if model._meta.app_label in owners
               and not hasattr(model, "instance_type") and hasattr(model, "get_absolute_url")]
    return sorted({label for model in models_ for label in _displayed_with(model)})


def _displayed_with(model):
    """``model``'s label and those of the rows its name shows (``display_queryset``)."""
    labels = {model._meta.label}
    related = getattr(model, "display_related", None)
    if related is None:
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]
    for path in related:
        target = model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
            labels.add(target._meta.label)
    return labels


def shown_by(notifications):
    """The labels of the models whose rows ``notifications`` show when rendered (``render_many``):
    the rows they refer to and the rows each of those shows (``display_related``)."""
    refs = defaultdict(set)
    for n in notifications:
        if _typed(n):
            _collect(n.params, refs)
    labels = set()
    for label in refs:
        try:
            labels |= _displayed_with(apps.get_model(label))
        except (LookupError, ValueError):
            continue  # a model gone since: shown as the text stored with the message
    return labels


def display_queryset(model):
    """The rows a message shows for ``model``: with what their ``__str__`` reads (the model's
    ``display_related``, by default its required foreign keys) and without large text columns —
    except those its ``__str__`` reads, named in ``display_fields`` (``("description",)``)."""
    related = getattr(model, "display_related", None)
    if related is None:
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]
    kept = set(getattr(model, "display_fields", ()))
    deferred = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField) and f.name not in kept]
    for path in related:
        target, prefix = model, ""
        for part in path.split("__"):  # every model along the path
            target, prefix = target._meta.get_field(part).related_model, f"{prefix}{part}__"
            deferred += [f"{prefix}{f.name}" for f in target._meta.concrete_fields if isinstance(f, models.TextField)]
    rows = model._base_manager.defer(*deferred)
    return rows.select_related(*related) if related else rows  # (no arguments would follow every key)


def _load(refs):
    loaded = {}
    for label, pks in refs.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        pks = [pk for pk in pks if pk is not None]
        loaded[label] = {obj.pk: obj for obj in display_queryset(model).filter(pk__in=pks)} if pks else {}
    return loaded


def _render(notification, loaded):
    kind = kind_of(notification.kind)
    params = notification.params if isinstance(notification.params, dict) else {}
    items, more = [], 0
    if _typed(notification):
        values = {key: _text(value, loaded) for key, value in params.items() if key not in ("objects", VERSION_KEY)}
        objects = params.get("objects")
        if isinstance(objects, dict) and "$list" in objects:
            items = [_item(value, loaded) for value in objects["$list"]]
            count = params.get("count")
            more = max(0, count - len(items)) if isinstance(count, int) else 0
            values["objects"] = _join([label for label, _url, _note in items])
    else:
        # Rows written before parameters were typed: text in the actor's language. Seeded names
        # (roles, document types) are catalogue entries, so they are shown in the reader's language.
        values = {key: gettext(value) if isinstance(value, str) and value else value for key, value in params.items()}
    if kind is None:
        return Rendered(notification, notification.kind, items=items, more=more)
    return Rendered(notification, _format(kind.title, values) or notification.kind, _format(kind.text, values),
                    items, more)


def _format(template, values):
    if not template:
        return ""
    try:
        return str(template % values)
    except (KeyError, TypeError, ValueError):
        try:
            return str(template)
        except (KeyError, TypeError, ValueError):
            return ""


def _item(value, loaded):
    """(label, url, note) of one listed object."""
    note = _text(value.get("note"), loaded) if isinstance(value, dict) and value.get("note") is not None else ""
    if isinstance(value, dict) and "$ref" in value:
        obj = loaded.get(value["$ref"], {}).get(value.get("pk"))
        if obj is None:
            return value.get("text", ""), "", note
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        return str(obj), url, note
    if isinstance(value, dict) and "$text" in value:
        return _text(value["$text"], loaded), "", note
    return _text(value, loaded), "", note


def _text(value, loaded):
    """One stored parameter as text in the active language."""
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return _Number(value)
    if isinstance(value, float):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, list):
        return _join([_text(v, loaded) for v in value])
    if not isinstance(value, dict):
        return str(value)
    if "$ref" in value:
        obj = loaded.get(value["$ref"], {}).get(value.get("pk"))
        return str(obj) if obj is not None else value.get("text", "")
    if "$date" in value:
        day = parse_date(value["$date"] or "")
        return formats.date_format(day, "DATE_FORMAT") if day else value["$date"]
    if "$dt" in value:
        moment = parse_datetime(value["$dt"] or "")
        if moment is None:
            return value["$dt"]
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if "$num" in value:
        return formats.number_format(Decimal(value["$num"]), use_l10n=True)
    if "$t" in value:
        return pgettext(value["ctx"], value["$t"]) if value.get("ctx") else gettext(value["$t"])
    if "$list" in value:
        return _join([_item(v, loaded)[0] if isinstance(v, dict) and "note" in v else _text(v, loaded)
                      for v in value["$list"]])
    if "$text" in value:
        return _text(value["$text"], loaded)
    return ""


class _Number(int):
    """An integer that a plural title can count with (``ngettext_lazy(…, "count")``) and that
    ``%(count)s`` writes in the reader's locale (1.250 in Vietnamese, 1,250 in English)."""

    def __str__(self):
        return formats.number_format(int(self), use_l10n=True, force_grouping=True)


def _join(texts):
    return ", ".join(t for t in texts if t)
