"""Due-date reminders: the one sweep every area uses, and the core's own "waiting for your decision".

``sweep(queryset, kind=…, stage=…, due=…, recipients=…)`` reminds once per record, stage and due
date, and each person at most once per run::

    result = sweep(
        Acknowledgement.objects.filter(acknowledged_at__isnull=True, created_at__lte=cutoff),
        kind="acknowledgement_overdue",             # names the claims (and, by default, the message)
        stage=Value("overdue"),                     # SQL: the stage each row is at (NULL: not due)
        due=TruncDate("created_at"),                # SQL: the due date the stage belongs to
        recipients=lambda rows: {r.pk: [r.user] for r in rows},   # per batch, in bulk
        item=lambda row: row.revision,              # what the message lists for a row
        related=["user", "revision__document"],     # select_related (their large texts deferred)
        message="acknowledgements_overdue", url=reverse("home"),
    )

How it runs (``Sweep``):

1. **Select only what is not yet claimed, in SQL**: the rows of ``queryset`` whose stage is not NULL
   and for which no ``ReminderClaim(kind, object_id, stage, due)`` exists (a ``NOT EXISTS`` on the
   claim's unique index), read in keyset batches by primary key (``pk > last ORDER BY pk LIMIT
   batch_size``), with every ``TextField`` of the rows and of ``related`` deferred. Nothing is read
   through ``.iterator()``: with server-side cursors off (PostgreSQL behind PgBouncer) it would load
   every row at once.
2. **Claim first**: each batch's claims are inserted in bulk with ``ignore_conflicts=True`` and
   committed, marked with this run's id; the claims that carry the run's id are the ones it won (a
   run started twice, or concurrently, wins each claim once). Only then are the recipients computed,
   for the won rows of the batch (``recipients(rows)`` — one bulk lookup per batch).
3. **One message per person**: the listed objects are kept per person as small references (shared
   between people), and when every batch is done ONE message per person lists everything due
   (``notifications.write``: a grouped message with ``count`` and ``objects``). The messages, their
   outbox rows and the claims' ``sent_at`` are written in one transaction; e-mail goes out after it.
4. **Idempotent**: a second run (beat firing twice) selects nothing that was claimed. A run that
   died after claiming and before writing its messages left claims without ``sent_at``: the next
   run that starts more than ``QMS_SWEEP_STALE_SECONDS`` later takes them over (one UPDATE) and
   sends them — so a crash neither loses a reminder nor sends it twice.

Several sources can be reminded in one run (one message per person for all of them) with
``Sweep(message=…).collect(queryset, …).collect(other, …).send()``. Claims are purged after
``QMS_CLAIM_RETENTION_DAYS`` (``outbox.purge``): a record still due then is reminded once more.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import DateTimeField, Exists, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from . import notifications
from .models import ReminderClaim, TransitionRecord
from .permissions import users_who_can
from .workflow import REGISTRY


def claim_once(kind, object_id, due, stage=""):
    """Claim one thing once (a digest for a person and a day): the claim's id, or None when it was
    claimed before."""
    try:
        with transaction.atomic():
            return ReminderClaim.objects.create(kind=kind, object_id=object_id, stage=stage, due=due,
                                                sent_at=timezone.now()).pk
    except IntegrityError:
        return None


@dataclass
class SweepResult:
    claimed: int = 0  # records this run claimed (and took over from a run that died)
    messages: int = 0  # messages written: at most one per person
    emails: int = 0  # of which queued for e-mail at once
    batches: int = 0
    run: object = None  # the run's id (its claims carry it)

    def __int__(self):
        return self.messages


# What a message's recipient is loaded with when ``recipients`` answers with user ids.
PERSON_FIELDS = ("id", "is_active", "email", "notification_mode", "language", "full_name", "username")


def bulky_fields(model, prefix=""):
    return [f"{prefix}{f.name}" for f in model._meta.concrete_fields if isinstance(f, models.TextField)]


class Sweep:
    """One run of reminders: ``collect`` one or more sources, then ``send`` one message per person."""

    def __init__(self, *, message, params=None, url="", now=None, batch_size=1000):
        self.message, self.params, self.url, self.batch_size = message, params or {}, url, batch_size
        self.now = now or timezone.now()
        self.run = uuid.uuid4()
        self.kinds = set()
        self.people = {}  # user pk → [user, [stored references]]
        self.refs = {}  # (model, pk, note) → the stored reference, shared by everyone who gets it
        self.unnamed = {}  # model → {pk: [references made from a ``Ref``, whose text is still to fill]}
        self.loaded = {}  # user pk → user, for ``recipients`` that answer with ids
        self.result = SweepResult(run=self.run)
        self.adopted = 0  # claims taken over from a run that died

    def collect(self, queryset, *, kind, stage, due, recipients, item=None, related=()):
        """Claim the due rows of ``queryset`` not claimed before and note who is told about them.

        ``kind``: the claims' name (a short text, the same at every run). ``stage``: an expression
        (or a text) giving each row's stage, NULL where the row is not due. ``due``: an expression
        or a field name giving the due date the stage belongs to (a date). ``recipients(rows)``:
        ``{row.pk: [user or user id, …]}`` for a batch of won rows (ids are loaded in bulk).
        ``item(row)``: what the message lists — the row itself by default, another object, a
        ``notifications.Ref(Model, pk)`` (nothing loaded per row: the texts are read in bulk), or
        a ``notifications.Item(…, note=…)`` with a note. ``related``: ``select_related`` paths that
        ``recipients`` and ``item`` read. Restrict the columns with ``queryset.only(…)`` for speed:
        the large text columns are deferred in any case."""
        self.kinds.add(kind)
        model = queryset.model
        stale = self.now - timedelta(seconds=settings.QMS_SWEEP_STALE_SECONDS)
        # Claims of a run that died before writing its messages: this run sends them.
        self.adopted += ReminderClaim.objects.filter(kind=kind, run__isnull=False, sent_at__isnull=True,
                                                     created_at__lt=stale).update(run=self.run, created_at=self.now)
        stage = Value(stage) if isinstance(stage, str) else stage
        due = models.F(due) if isinstance(due, str) else due
        claimed = ReminderClaim.objects.filter(kind=kind, object_id=OuterRef("pk"), stage=OuterRef("_sweep_stage"),
                                               due=OuterRef("_sweep_due")).exclude(run=self.run, sent_at__isnull=True)
        deferred = set(bulky_fields(model))
        for path in related:
            target, prefix = model, ""
            for part in path.split("__"):  # every model along the path: revision, then its document
                target, prefix = target._meta.get_field(part).related_model, f"{prefix}{part}__"
                deferred.update(bulky_fields(target, prefix))
        rows = (queryset.annotate(_sweep_stage=stage, _sweep_due=due)
                .filter(_sweep_stage__isnull=False, _sweep_due__isnull=False).filter(~Exists(claimed))
                .select_related(None).defer(*deferred).order_by("pk"))
        if related:  # (no arguments would follow every foreign key)
            rows = rows.select_related(*related)
        last = None
        while True:
            batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:self.batch_size])
            if not batch:
                break
            last = batch[-1].pk
            self.result.batches += 1
            won = self._claim(kind, batch)
            mine = [row for row in batch if (row.pk, row._sweep_stage, row._sweep_due) in won]
            self.result.claimed += len(mine)
            if not mine:
                continue
            told = recipients(mine)
            self._load_people({pk for users in told.values() for pk in users if isinstance(pk, int)})
            for row in mine:
                users = told.get(row.pk, ())
                if not users:
                    continue
                ref = self._ref(item(row) if item else row)
                for user in users:
                    user = self.loaded.get(user) if isinstance(user, int) else user
                    if user is not None:
                        self.people.setdefault(user.pk, [user, []])[1].append(ref)
            self._resolve()
            del batch, mine, told
        return self

    def _load_people(self, ids):
        """The people ``recipients`` named by id, loaded once each (only what a message needs)."""
        from .models import User

        wanted = [pk for pk in ids if pk not in self.loaded and pk not in self.people]
        if wanted:
            self.loaded.update(User.objects.filter(pk__in=wanted).only(*PERSON_FIELDS).in_bulk())
        for pk in ids:
            if pk in self.people:
                self.loaded.setdefault(pk, self.people[pk][0])

    def _claim(self, kind, batch):
        """Insert this batch's claims (conflicts ignored) and commit; the claims this run won."""
        if connection.vendor == "postgresql":
            won = self._claim_returning(kind, batch)
            if not self.adopted:
                return won
        else:
            with transaction.atomic():
                ReminderClaim.objects.bulk_create(
                    [ReminderClaim(kind=kind, object_id=row.pk, stage=row._sweep_stage, due=row._sweep_due,
                                   run=self.run, created_at=self.now) for row in batch],
                    ignore_conflicts=True,
                )
        # (also the claims this run took over from one that died: they conflict, so are not returned)
        return set(ReminderClaim.objects.filter(kind=kind, run=self.run, sent_at__isnull=True,
                                                object_id__in=[row.pk for row in batch])
                   .values_list("object_id", "stage", "due"))

    def _claim_returning(self, kind, batch):
        """PostgreSQL: one INSERT … ON CONFLICT DO NOTHING RETURNING for the batch — the rows it
        returns are exactly the claims this run won."""
        table = connection.ops.quote_name(ReminderClaim._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (kind, object_id, stage, due, run, created_at) "  # noqa: S608 - our table
                "SELECT %s, unnest(%s::bigint[]), unnest(%s::varchar[]), unnest(%s::date[]), %s::uuid, %s "
                "ON CONFLICT DO NOTHING RETURNING object_id, stage, due",
                [kind, [row.pk for row in batch], [row._sweep_stage for row in batch],
                 [row._sweep_due for row in batch], str(self.run), self.now],
            )
            return set(cursor.fetchall())

    def _ref(self, obj):
        note = obj.note if isinstance(obj, notifications.Item) else None
        target = obj.obj if isinstance(obj, notifications.Item) else obj
        if isinstance(target, models.Model | notifications.Ref):
            label = target._meta.label_lower if isinstance(target, models.Model) else target.label
            key = (label, target.pk, str(note))
        else:
            key = (None, str(target), str(note))
        ref = self.refs.get(key)
        if ref is None:
            ref = self.refs[key] = notifications.store(obj)
            if isinstance(target, notifications.Ref):
                self.unnamed.setdefault(target.model, {}).setdefault(target.pk, []).append(ref)
        return ref

    def _resolve(self):
        """The fallback texts of the rows named by ``Ref``: one query per model and batch."""
        for model, refs in self.unnamed.items():
            for obj in notifications.display_queryset(model).filter(pk__in=list(refs)):
                for ref in refs.get(obj.pk, ()):
                    ref["text"] = str(obj)
        self.unnamed = {}

    def send(self):
        """ONE message per person listing everything this run claimed for them; the claims are
        marked sent in the same transaction."""
        from .models import User

        shared = notifications.stored_params(self.params)
        rows = []
        for user, refs in self.people.values():
            stored = {**shared, "count": len(refs),
                      "objects": {"$list": refs[:notifications.MAX_LISTED]}}
            rows.append((user, stored, self.url(user, refs) if callable(self.url) else self.url))
        with transaction.atomic():
            created = notifications.write(rows, self.message)
            ReminderClaim.objects.filter(kind__in=self.kinds, run=self.run, sent_at__isnull=True).update(
                sent_at=timezone.now())
        self.result.messages = len(created)
        self.result.emails = sum(1 for n in created if n.recipient.email
                                 and n.recipient.notification_mode == User.NotificationMode.IMMEDIATE)
        self.people, self.refs, self.loaded = {}, {}, {}
        return self.result


def sweep(queryset, *, kind, stage, due, recipients, item=None, related=(), message=None, params=None, url="",
          now=None, batch_size=1000):
    """Remind the due rows of ``queryset`` once per stage and due date, each person at most once per
    run (``Sweep.collect`` says what each argument is). ``message``: the notification kind (by
    default ``kind``), a grouped message with ``count`` and ``objects``; ``params`` the parameters
    every message shares; ``url`` a string or ``url(user, references)``. Returns a ``SweepResult``."""
    run = Sweep(message=message or kind, params=params, url=url, now=now, batch_size=batch_size)
    return run.collect(queryset, kind=kind, stage=stage, due=due, recipients=recipients, item=item,
                       related=related).send()


# --- "Waiting for your decision" ------------------------------------------------------------------

def remind_pending_transitions(*, now=None, days=None, batch_size=500):
    """A record has stood in a state that waits for someone's decision (``Workflow.waiting``) for
    longer than ``QMS_PENDING_REMINDER_DAYS``: the people who could move it on get ONE message per
    run listing every such record. Claimed per record, state and the day it entered the state, so a
    record that comes back to the state on a later day is reminded afresh."""
    now = now or timezone.now()
    days = settings.QMS_PENDING_REMINDER_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    run = Sweep(message="transitions_waiting", params={"days": days}, url=_my_work_url, now=now,
                batch_size=batch_size)
    for workflow in REGISTRY.values():
        model = workflow.model
        content_type = ContentType.objects.get_for_model(model)
        entered = Subquery(
            TransitionRecord.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
            .values("object_id").annotate(last=Max("at")).values("last")[:1],
            output_field=DateTimeField(),
        )
        for state, actions in workflow.waiting.items():
            rows = (model._default_manager.filter(**{workflow.field: state})
                    .annotate(entered_at=Coalesce(entered, "created_at")).filter(entered_at__lte=cutoff))
            run.collect(
                rows, kind=f"waiting:{model._meta.label_lower}", stage=state, due=TruncDate("entered_at"),
                recipients=lambda batch, w=workflow, s=state, a=actions: {
                    obj.pk: _waited_on(w, s, a, obj) for obj in batch},
                item=lambda obj: notifications.Item(obj, note=obj.entered_at.date()),
                related=getattr(model, "display_related", None) or (),
            )
    return run.send()


def _my_work_url(user, refs):
    from django.urls import reverse

    return reverse("home")


def _waited_on(workflow, state, actions, obj):
    """The people who could move ``obj`` on now: they hold one of ``actions`` and pass the guards of
    a transition from ``state`` that needs it."""
    actions = [actions] if isinstance(actions, str) else actions
    people = {}
    for action in actions:
        candidates = [t for t in workflow.transitions if t.permission == action and state in t.sources and not t.system]
        for user in users_who_can(action, obj):
            if any(all(g(obj, user) for g in t.guards) for t in candidates):
                people[user.pk] = user
    return list(people.values())

