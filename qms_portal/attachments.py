"""Attachments and evidence: files and phone photos on any record, in one model, one set of rights,
two services and one selector. The views are ``views/attachments.py``, the panel a page includes is
``{% load attachments %}{% attachments_panel object %}`` (``templates/generic/attachments.html``).

A model accepts attachments by declaring them (nothing else to write)::

    class Finding(BaseModel):
        attachment_types = ("jpg", "jpeg", "png", "webp", "pdf")  # the allowlist: makes it attachable
        attachment_action = "change"        # who may add: a permission on the record (or a tuple: any)
        attachment_people = ("auditor",)    # …and the people named in these fields (optional)
        attachment_view_action = "view"     # who may see the record (optional: a record without a
                                            # view permission of its own names another's)

        def attachments_locked(self):       # optional: a closed record takes no more (nor withdrawals)
            return self.status == self.Status.CLOSED

The rights, all on the record (its role scope, single-object grants and its own widening count):

* **see and download**: whoever may view the record;
* **add**: whoever may view the record and holds ``attachment_action`` on it, or is named in one of
  its ``attachment_people`` fields; not while the record is locked;
* **withdraw**: whoever may add, for what they added themselves; and whoever holds
  ``attachment_action`` or "change" on the record (the *moderators*), for any attachment. Not while
  the record is locked. A reason is required; the row and the file stay (history);
* **withdrawn attachments** stay listed, greyed, with who withdrew them, when and why; only the
  moderators can still open the file (it may have been withdrawn for the personal data it shows).
"""

import contextlib
import unicodedata
import weakref
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import uploads
from .models import Attachment
from .permissions import can, grant_model, perm_name, scope_q, unit_of, unit_scope_q

IMAGE_TYPES = uploads.IMAGE_TYPES


# ---- what a record declares ---------------------------------------------------------------------------
def attachable(model):
    return bool(getattr(model, "attachment_types", None))


def model_for(label):
    """The attachable model named ``label`` ("documents.changerequest"), or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if attachable(model) else None


def label_of(model):
    return model._meta.label_lower


def add_permissions(model):
    """The permissions that let someone add attachments to a ``model`` record (any one of them)."""
    actions = getattr(model, "attachment_action", "change")
    actions = (actions,) if isinstance(actions, str) else tuple(actions)
    return tuple(perm_name(model, action) for action in actions)


def moderator_permissions(model):
    return tuple(dict.fromkeys((*add_permissions(model), perm_name(model, "change"))))


def _people(parent):
    """The ids of the people named in the record's ``attachment_people`` (foreign keys to users)."""
    return {getattr(parent, f"{field}_id", None) for field in getattr(type(parent), "attachment_people", ())} - {None}


def is_locked(parent):
    locked = getattr(parent, "attachments_locked", None)
    return bool(locked()) if callable(locked) else False


def view_permission(model):
    """The permission that shows a record of ``model`` (and its attachments)."""
    return perm_name(model, getattr(model, "attachment_view_action", "view"))


def may_try(user, model, purpose="view"):
    """Does ``user`` hold, anywhere, what ``purpose`` ("view" or "add") needs on ``model`` records?
    False answers 403 before any record is looked at (as the generic views do)."""
    needed = [view_permission(model)]
    if purpose != "view":  # the people named on a record need no more than to see it
        needed = [*add_permissions(model), *(needed if getattr(model, "attachment_people", ()) else [])]
    return any(user.has_perm(perm) for perm in needed)


@dataclass(frozen=True)
class Rights:
    """What one person may do with the attachments of one record (computed once per page)."""

    user_id: int
    view: bool
    add: bool
    moderate: bool
    locked: bool

    def may_withdraw_as_person(self, attachment):
        """The person's right, whatever the state: their own attachment, or any as a moderator."""
        return self.add and (self.moderate or attachment.uploaded_by_id == self.user_id)

    def may_withdraw(self, attachment):
        """…and now: the attachment is not withdrawn yet and the record is not locked."""
        return self.may_withdraw_as_person(attachment) and not self.locked and not attachment.is_withdrawn

    def may_download(self, attachment):
        return self.view and (self.moderate or not attachment.is_withdrawn)

    @property
    def may_add_now(self):
        return self.add and not self.locked


def rights(user, parent):
    model = type(parent)
    view = can(user, view_permission(model), parent)
    add = view and (any(can(user, perm, parent) for perm in add_permissions(model)) or user.pk in _people(parent))
    moderate = view and any(can(user, perm, parent) for perm in moderator_permissions(model))
    return Rights(user_id=user.pk, view=view, add=add, moderate=moderate, locked=is_locked(parent))


def record(model, pk, *, for_update=False):
    """One record of ``model`` with its unit loaded (``can`` then needs no query), or None."""
    rows = model._default_manager.all()
    unit_field = getattr(model, "unit_field", None)
    if unit_field:
        rows = rows.select_related(unit_field)
    if for_update:  # only the record's own row: the unit is read, not locked
        rows = rows.select_for_update(of=("self",)) if unit_field else rows.select_for_update()
    return rows.filter(pk=pk).first()


def parent_of(attachment, *, for_update=False):
    """The record an attachment belongs to (None if its model is gone)."""
    model = attachment.content_type.model_class()
    return None if model is None else record(model, attachment.object_id, for_update=for_update)


# ---- reads --------------------------------------------------------------------------------------------
def attachments_for(target, *, include_withdrawn=False):
    """The attachments of one record, oldest first, with who added and withdrew them: one query."""
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk
    ).select_related("uploaded_by", "withdrawn_by").order_by("created_at", "pk")
    return rows if include_withdrawn else rows.filter(withdrawn_at__isnull=True)


def attachments_visible(user, model):
    """Every attachment of ``model`` records that ``user`` may see, as one SQL filter (a list of the
    evidence across records: an audit's photos, the nonconformities of a unit). Role scope is matched
    on the attachment's own copy of the record's unit (no join to the records); single-object
    grants and the model's own widening go through a subquery on the records."""
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if not (user.is_authenticated and user.is_active):
        return rows.none()
    if user.is_superuser:
        return rows
    perm = view_permission(model)
    if getattr(model, "unit_field", None) is None:  # a record of no unit (a law): all or nothing
        return rows if user.has_perm(perm) else rows.none()
    q = unit_scope_q(user, perm, "unit")
    if grant_model(model) is not None or getattr(model, "scope_extra", None) is not None:
        q |= Q(object_id__in=model._default_manager.filter(scope_q(model, user, perm)).values("pk"))
    return rows.filter(q)


# ---- writes -------------------------------------------------------------------------------------------
class _DiscardOnRollback:
    """Files written to storage inside a transaction are deleted again if it rolls back.

    Django runs ``on_commit`` callbacks after the outermost commit, and drops those of a transaction
    or savepoint that rolls back. This callback notes the commit; when Django lets go of it without
    having called it (the rollback), its finalizer deletes the files."""

    def __init__(self):
        self.names = []
        self.state = {"committed": False}
        weakref.finalize(self, _delete_unless_committed, self.names, self.state)
        transaction.on_commit(self)

    def __call__(self):
        self.state["committed"] = True

    def save(self, name, content):
        name = default_storage.save(name, content)
        self.names.append(name)
        return name

    def discard(self):
        """Delete the files now (the caller failed and its transaction will roll back)."""
        _delete_unless_committed(self.names, self.state)


def _delete_unless_committed(names, state):
    if state["committed"]:
        return
    for name in names:
        with contextlib.suppress(OSError):  # nothing more to do for a file that cannot be removed
            default_storage.delete(name)


def _original_name(upload):
    name = unicodedata.normalize("NFC", (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]) or "file"
    if len(name) > 255:
        ext = uploads.extension(name)
        name = name[: 254 - len(ext)] + "." + ext if ext else name[:255]
    return name


@transaction.atomic
def attachment_add(*, acting_user, target, upload, caption="", allowed=None):
    """Attach ``upload`` to ``target``: checked (type, size, content; images re-encoded without
    metadata and thumbnailed), stored under a server-made name, recorded with history. ``allowed``
    is the allowlist of extensions, by default the one the record's model declares."""
    model = type(target)
    target = record(model, target.pk, for_update=True)  # a decision on the record waits for this
    if target is None:
        raise PermissionDenied
    granted = rights(acting_user, target)
    if not granted.add:
        raise PermissionDenied
    if granted.locked:
        raise ValidationError(_("This record is closed: attachments can no longer be added or withdrawn."))
    allowed = tuple(allowed or getattr(model, "attachment_types", None) or ())
    if not allowed:
        raise ValueError(f"{model._meta.label} declares no attachment_types and none were given")
    uploads.validate_upload(upload, allowed=allowed)
    ext = uploads.extension(upload.name)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(model), object_id=target.pk,
        unit=unit_of(target) if getattr(model, "unit_field", None) is not None else None,
        original_name=_original_name(upload), caption=(caption or "").strip(), uploaded_by=acting_user,
    )
    folder = f"attachments/{timezone.now():%Y/%m}"
    stored = _DiscardOnRollback()
    try:
        _store(attachment, upload, ext, folder, stored)
        return _save(attachment, acting_user)
    except BaseException:
        stored.discard()  # at once: the traceback may keep the callback alive for a while
        raise


def _store(attachment, upload, ext, folder, stored):
    if ext in IMAGE_TYPES:
        image = uploads.clean_image(upload)
        attachment.kind = Attachment.Kind.IMAGE
        attachment.file.name = stored.save(uploads.storage_name(folder, f"x.{image.ext}"), ContentFile(image.data))
        attachment.thumbnail.name = stored.save(uploads.storage_name(folder, f"x.{image.thumbnail_ext}"),
                                                ContentFile(image.thumbnail))
        attachment.mime_type, attachment.size = image.content_type, len(image.data)
        attachment.width, attachment.height = image.width, image.height
    else:
        attachment.kind = Attachment.Kind.FILE
        upload.seek(0)
        attachment.file.name = stored.save(uploads.storage_name(folder, upload.name), upload)
        attachment.mime_type, attachment.size = uploads.content_type_for(upload.name), upload.size


@transaction.atomic
def attachment_withdraw(*, acting_user, attachment, reason):
    """Withdraw an attachment: it stays, with its file and history, marked withdrawn (who, when, why)."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    parent = parent_of(attachment, for_update=True)
    if parent is None:
        raise PermissionDenied
    granted = rights(acting_user, parent)
    if not granted.may_withdraw_as_person(attachment):
        raise PermissionDenied
    if attachment.is_withdrawn:
        raise ValidationError(_("This attachment was already withdrawn."))
    if granted.locked:
        raise ValidationError(_("This record is closed: attachments can no longer be added or withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the attachment."))
    attachment.withdrawn_at = timezone.now()
    attachment.withdrawn_by = acting_user
    attachment.withdrawal_reason = reason
    return _save(attachment, acting_user, reason=gettext_noop("withdrawn"))


def _save(attachment, acting_user, reason=""):
    from .services import save_tracked

    return save_tracked(attachment, acting_user, reason=reason)
