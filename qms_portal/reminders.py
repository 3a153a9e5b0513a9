"""Reminder sweeps. Each selects a window, claims each reminder with a unique key, then notifies.

"A transition is waiting for you": a record has stood in a state that waits for someone's decision
(``Workflow.waiting``) for longer than ``QMS_PENDING_REMINDER_DAYS``. The key names the record, the
state, the moment it entered that state and the person, so a second sweep — beat firing twice, a
rerun after a crash, a late sweep — sends nothing new, while a record that comes back to the state
later is reminded afresh.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import TransitionRecord
from .notifications import claim, notify
from .permissions import users_who_can
from .workflow import REGISTRY


def remind_pending_transitions(now=None, days=None):
    now = now or timezone.now()
    days = settings.QMS_PENDING_REMINDER_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    sent = 0
    for workflow in REGISTRY.values():
        model = workflow.model
        content_type = ContentType.objects.get_for_model(model)
        entered = Subquery(
            TransitionRecord.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
            .values("object_id")
            .annotate(last=Max("at"))
            .values("last")[:1],
            output_field=DateTimeField(),
        )
        for state, actions in workflow.waiting.items():
            rows = (
                model._default_manager.filter(**{workflow.field: state})
                .annotate(entered_at=Coalesce(entered, "created_at"))
                .filter(entered_at__lte=cutoff)
            )
            for obj in rows.iterator(chunk_size=200):
                waited = (now - obj.entered_at).days
                for user in _waited_on(workflow, state, actions, obj):
                    key = f"waiting:{model._meta.label_lower}:{obj.pk}:{state}:{obj.entered_at.isoformat()}:{user.pk}"
                    with transaction.atomic():
                        if not claim(key):
                            continue
                        notify(
                            [user], "transition_waiting",
                            params={"object": obj, "days": waited}, url=obj.get_absolute_url(), key=key,
                        )
                    sent += 1
    return sent


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
    return people.values()
