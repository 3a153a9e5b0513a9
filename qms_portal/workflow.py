"""Workflows are data plus one engine.

A model with a lifecycle declares its ``Status`` choices and a ``Workflow`` of ``Transition`` rows:
name, source states, target state, the permission it needs, guards, whether a reason or a
signature (password asked again) is required, and what to do once it happened (``effect``, run
inside the same transaction and lock). ``perform()`` is the only way a state changes:

1. lock the row (``select_for_update``) and re-read it;
2. check the current state, the permission (``can``), the guards, the reason, the password;
3. set the state and ``save()`` — django-simple-history records the change and the acting user;
4. write a ``TransitionRecord`` (who, when, from, to, reason, signature meaning);
5. run the transition's effect and queue its notifications for after the commit.
"""

import dataclasses
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .permissions import can


class TransitionError(ValidationError):
    """A transition that may not happen now, with a message for the user."""


@dataclass(frozen=True)
class Guard:
    """A rule beyond the permission: ``check(obj, user)`` is True when the transition may go on."""

    check: object
    message: object

    def __call__(self, obj, user):
        return bool(self.check(obj, user))


def not_the_author(author_field, message=None):
    """Separation of duties: the person who wrote it may not decide on it."""
    return Guard(
        check=lambda obj, user: getattr(obj, f"{author_field}_id") != user.pk,
        message=message or _("You cannot decide on your own submission; another person must do it."),
    )


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple
    target: str
    permission: str
    guards: tuple = ()
    reason_required: bool = False
    signature: object = None  # the meaning of the signature ("approved"), or None
    # effect(obj, user, reason, data) inside the transaction; ``data`` holds the form's extra fields
    effect: object = None
    # A ``forms.TransitionForm`` subclass with the fields this transition asks for beyond the reason
    # and the password (a root cause, the evidence of effectiveness…): its cleaned extra fields reach
    # the effect as ``data``.
    form_class: object = None
    button: str = "primary"
    system: bool = False  # done by the portal itself (scheduled publication…), never offered as a button

    @property
    def needs_password(self):
        return self.signature is not None

    @property
    def signature_label(self):
        return meaning_label(self.signature) if self.signature else ""


@dataclass
class Workflow:
    model: type
    transitions: list
    field: str = "status"
    # state → the permission (or list of permissions) whose holders are waited on in that state
    # (for reminders and "My work")
    waiting: dict = dataclasses.field(default_factory=dict)
    by_name: dict = dataclasses.field(init=False)

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.transitions}

    def get(self, name):
        try:
            return self.by_name[name]
        except KeyError:
            raise TransitionError(_("Unknown action."))

    def get_manual(self, name):
        """A transition a person may ask for by name: the portal's own (``system``) are, to a person,
        as unknown as a name that does not exist."""
        t = self.get(name)
        if t.system:
            raise TransitionError(_("Unknown action."))
        return t

    def state(self, obj):
        return getattr(obj, self.field)

    def available(self, obj, user):
        """The transitions ``user`` could take on ``obj`` now (for buttons)."""
        return [
            t for t in self.transitions
            if not t.system and self.state(obj) in t.sources and can(user, t.permission, obj)
            and all(g(obj, user) for g in t.guards)
        ]

    def perform(self, obj, name, *, acting_user, reason="", password=None, data=None, system=False):
        """Take transition ``name``. Only the portal's own code passes ``system=True`` (publishing on
        the effective date…); for anyone else a system transition is an unknown action."""
        t = self.get(name) if system else self.get_manual(name)
        reason = (reason or "").strip()
        if t.needs_password:
            # Before the transaction: a wrong password is counted as a failed sign-in
            # (``signatures.py``), and that count must not be rolled back with the transition.
            from .signatures import verify_signature

            verify_signature(acting_user, password)
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            current = self.state(locked)
            if current not in t.sources:
                raise TransitionError(
                    _("This cannot be done now: the record is “%(state)s”. Someone may have changed it meanwhile.")
                    % {"state": locked.get_status_display() if hasattr(locked, "get_status_display") else current}
                )
            if not can(acting_user, t.permission, locked):
                raise PermissionDenied
            for guard in t.guards:
                if not guard(locked, acting_user):
                    raise TransitionError(guard.message)
            if t.reason_required and not reason:
                raise TransitionError(_("Please give a reason."))
            setattr(locked, self.field, t.target)
            locked._history_user = acting_user
            locked._change_reason = reason  # the transition itself is in its TransitionRecord
            locked.save()
            record = record_transition(locked, t, current, acting_user, reason)
            if t.effect:
                t.effect(locked, acting_user, reason, data or {})
        obj.refresh_from_db()
        return record


def record_transition(obj, t, from_state, user, reason):
    record = transition_record(ContentType.objects.get_for_model(type(obj)), obj.pk, t, from_state=from_state,
                               actor_id=user.pk, actor_name=user.full_name or user.username, at=timezone.now(),
                               reason=reason)
    record.save()
    return record


def transition_record(content_type, object_id, t, *, from_state, actor_id, actor_name, at, reason=""):
    """The (unsaved) record of transition ``t`` taken from ``from_state``: what the engine writes,
    and what bulk loaders (the benchmark's data) write for a history they make without the engine."""
    from .models import TransitionRecord

    return TransitionRecord(content_type=content_type, object_id=object_id, transition=t.name, from_state=from_state,
                            to_state=t.target, actor_id=actor_id, actor_name=actor_name, at=at, reason=reason,
                            signature_meaning=t.signature or "")


def transitions_of(obj):
    return transitions_of_many(type(obj), [obj.pk])


def transitions_of_many(model, pks):
    """The records of the ``model`` rows ``pks``, in one query (a list of many records' signatures)."""
    from .models import TransitionRecord

    return TransitionRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
    ).select_related("actor")


REGISTRY = {}

# What a signature means ("reviewed", "approved", "closed", "verified", "chaired"…) → its label. The
# core declares the meanings its own workflows use; each area declares its own
# (``areas.register(signature_meanings=…)``). Stored as the key in ``TransitionRecord``, shown as
# the label in the reader's language.
MEANINGS = {"approved": _("Approved")}


def register_meaning(meaning, label):
    if meaning in MEANINGS and str(MEANINGS[meaning]) != str(label):
        raise ValueError(f"The signature meaning {meaning!r} is already declared with another label.")
    MEANINGS[meaning] = label


def meaning_label(meaning):
    """The label of a signature's meaning in the current language (the key itself if unknown)."""
    return MEANINGS.get(meaning, meaning)


def register(workflow):
    """Each app registers its workflows here, so reminders and history can find them. A signing
    transition's meaning must have been declared (``register_meaning``)."""
    undeclared = sorted({t.signature for t in workflow.transitions if t.signature and t.signature not in MEANINGS})
    if undeclared:
        raise ValueError(f"Signature meanings nobody declared: {undeclared} (areas.register(signature_meanings=…))")
    REGISTRY[workflow.model._meta.label] = workflow
    workflow.model.workflow = workflow
    return workflow
