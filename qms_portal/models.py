"""The shared core: the unit tree, people, roles and who holds which role where, the
workflow trail, notifications, the outbox, reminder claims, links for people without an account and
background jobs."""

import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .links import pk_url
from .querysets import ScopedManager, ScopedQuerySet
from .search import searchable


def nfc(value):
    """Vietnamese text is stored NFC-normalised, so search and sorting see one spelling."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def refresh_search_key(instance):
    """Write ``instance.search_key`` from its ``search_from`` fields, as searches match it (with or
    without tone marks: ``qms_portal.search``). Called by ``save()``; bulk builders call it on each
    row before ``bulk_create``, which calls no ``save()``."""
    instance.search_key = searchable(" ".join(nfc(str(getattr(instance, f) or "")) for f in instance.search_from))


def new_unit_key():
    return uuid.uuid4().hex[:8]


class PortalHistory(HistoricalRecords):
    """django-simple-history, as every business model uses it. Two additions:

    * a model lists the many-to-many fields whose changes are recorded in ``history_m2m_fields``
      (each historical record then keeps the set as it was, in a table of its own);
    * the model class keeps a reference to its ``PortalHistory`` (``_portal_history``), so that
      ``services.save_tracked(..., m2m=...)`` can write ONE historical record for a save that also
      sets many-to-many fields (simple-history alone writes one per ``add``/``remove``/``clear``).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("m2m_fields_model_field_name", "history_m2m_fields")
        super().__init__(*args, **kwargs)

    def finalize(self, sender, **kwargs):
        registered = getattr(sender._meta, "simple_history_manager_attribute", None)
        super().finalize(sender, **kwargs)
        if registered is None and getattr(sender._meta, "simple_history_manager_attribute", None):
            sender._portal_history = self

    def record(self, instance, created):
        """Write one historical record of ``instance`` as it is now (fields and tracked sets)."""
        self.create_historical_record(instance, "+" if created else "~")


class BaseModel(models.Model):
    """Every business model: timestamps, NFC-normalised text and history.

    What the History tab shows (``qms_portal.history``) can be tuned per model:

    * ``history_hidden``: fields never shown (internal bookkeeping). Fields with ``editable=False``
      and no translated label are hidden anyway; so are the timestamps.
    * ``history_m2m_fields``: many-to-many fields whose changes are recorded and shown
      ("Clauses: added 7.5; removed 8.2"). Set them through ``services.save_tracked(m2m=...)``.
    """

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = PortalHistory(inherit=True)

    history_hidden = ()
    history_m2m_fields = ()

    # How a row reaches its unit, as a lookup path ("" means the row is a unit itself).
    unit_field = None

    objects = ScopedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_text()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.normalise_text()
        super().clean_fields(exclude)

    def normalise_text(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                setattr(self, field.attname, nfc(getattr(self, field.attname)))


class Unit(BaseModel):
    """A node of the organisation tree: a city or district, an agency, office or ward, a division."""

    class Kind(models.TextChoices):
        CITY = "city", _("City / province")
        DISTRICT = "district", _("District")
        AGENCY = "agency", _("Agency / department")
        OFFICE = "office", _("Specialist office")
        WARD = "ward", _("Ward / commune")
        DIVISION = "division", _("Division")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AGENCY)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of the units' keys ("/a1b2c3d4/e5f6a7b8/"): a subtree is one indexed prefix
    # match, and the path is known before the row is inserted.
    key = models.CharField(max_length=12, unique=True, editable=False, default=new_unit_key)
    path = models.CharField(max_length=512, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    is_active = models.BooleanField(_("active"), default=True)
    runs_own_qms = models.BooleanField(
        _("runs its own QMS"), default=False, help_text=_("The unit holds its own ISO 9001 certificate.")
    )
    # The code and name as searches match them (qms_portal.search.searchable): written on save,
    # served by a trigram index on PostgreSQL.
    search_key = models.TextField(blank=True, editable=False, default="")
    search_from = ("code", "name")

    unit_field = ""
    # Attachments (qms_portal.attachments): the unit's decisions — establishing the ISO steering
    # committee, announcing the QMS conformant — and its certificate, added by who may edit the unit.
    attachment_types = ("pdf", "docx", "jpg", "jpeg", "png", "webp")

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        permissions = [("view_roster", _("Can view and print the role roster")),
                       ("view_dashboard", _("Can view the steering committee's dashboard of the unit's subtree"))]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def save(self, *args, **kwargs):
        self.normalise_text()
        refresh_search_key(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):

        return pk_url("unit_detail", self.pk)

    def rollout_phase_label(self):
        """The unit's rollout phase, in the reader's language (organisational preparation before its
        first move on the steering committee's board)."""
        from .steering.models import Phase

        try:
            return self.rollout.get_phase_display()
        except models.ObjectDoesNotExist:
            return Phase.PREPARATION.label

    def compute_path(self):
        self.path = (self.parent.path if self.parent else "/") + self.key + "/"
        self.depth = self.path.count("/") - 2

    def ancestors(self):
        from .permissions import ancestor_paths

        return Unit.objects.filter(path__in=ancestor_paths(self.path)[:-1]).order_by("depth")

    def descendants(self, include_self=False):
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


class PortalUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    class NotificationMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail per message")
        DIGEST = "digest", _("Once a day, in a digest")
        NONE = "none", _("No e-mail, portal inbox only")

    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    primary_unit = models.ForeignKey(
        Unit, verbose_name=_("primary unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    notification_mode = models.CharField(
        _("e-mail notifications"), max_length=10, choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    # The user name, name, e-mail and position as searches match them (see Unit.search_key).
    search_key = models.TextField(blank=True, editable=False, default="")
    search_from = ("username", "full_name", "email", "position")
    history = HistoricalRecords(excluded_fields=["password", "last_login", "search_key"])

    unit_field = "primary_unit"
    objects = PortalUserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name", "username"]
        # The people list is paged by (full_name, username, id) (keyset pages): its first page is
        # read in index order instead of sorting everyone in the reader's scope.
        indexes = [models.Index(fields=["full_name", "username", "id"], name="user_name_order")]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("deactivate_user", _("Can deactivate users and reset passwords"))]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        self.position = nfc(self.position)
        refresh_search_key(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):

        return pk_url("user_detail", self.pk)


class Role(BaseModel):
    """A named set of Django permissions, granted to people on units."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True)
    is_system = models.BooleanField(_("seeded role"), default=False, editable=False)

    history_m2m_fields = ("permissions",)
    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ()

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        # Seeded role names are in the translation catalogue; administrators' own ones are shown as typed.
        return gettext(self.name) if self.is_system else self.name

    def get_absolute_url(self):

        return pk_url("role_edit", self.pk)


class RoleAssignmentQuerySet(ScopedQuerySet):
    def current(self):
        """The assignments that grant their role now (not ended)."""
        return self.filter(ended_at__isnull=True)

    def ended(self):
        return self.filter(ended_at__isnull=False)

    def held_during(self, start, end):
        """The assignments held at some moment between ``start`` and ``end`` (datetimes): begun by
        ``end`` and not ended by ``start``. ``held_during(at, at)`` is "held at ``at``"."""
        return self.filter(created_at__lte=end).filter(models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=start))

    def held_at(self, at):
        return self.held_during(at, at)


class RoleAssignmentManager(models.Manager.from_queryset(RoleAssignmentQuerySet)):
    pass


class RoleAssignment(BaseModel):
    """A person holds a role on a unit (and, if asked, on every unit below it) from ``created_at``
    until it is ended (``ended_at``, ``ended_by``, ``end_reason``). An assignment is never deleted:
    "who could approve on 3 March" keeps an answer. Only current assignments grant anything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    include_subunits = models.BooleanField(
        _("include sub-units"), default=True,
        help_text=_("The role also applies to every unit below this one."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    end_reason = models.TextField(_("reason for ending"), blank=True, editable=False)

    unit_field = "unit"
    # The reason for ending is the history entry's reason: not shown twice.
    history_hidden = ("end_reason",)

    objects = RoleAssignmentManager()

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("user", "role", "unit")

    class Meta:
        ordering = ["unit__path", "role__name"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # One current assignment per person, role and unit; ended ones stay beside it.
            models.UniqueConstraint(fields=["user", "role", "unit"], condition=models.Q(ended_at__isnull=True),
                                    name="unique_current_role_assignment"),
        ]
        # Without it, a role is given only by someone who holds every permission it carries there.
        permissions = [("assign_any_role", _("Can give any role within their units (never to themselves)"))]

    def __str__(self):
        return f"{self.user} — {self.role} @ {self.unit.code}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("unit_detail", args=[self.unit_id]) + "#roles"

    @property
    def is_current(self):
        return self.ended_at is None


class AccessRequest(BaseModel):
    """An official asks for a role on a unit; someone who manages that unit's roles decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="access_requests",
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    include_subunits = models.BooleanField(_("include sub-units"), default=False)
    justification = models.TextField(_("justification"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    assignment = models.ForeignKey(
        RoleAssignment, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )

    unit_field = "unit"

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("role", "unit", "requester")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        permissions = [
            ("decide_accessrequest", _("Can approve or reject access requests")),
            ("withdraw_accessrequest", _("Can withdraw an access request")),
        ]

    def __str__(self):
        return gettext("%(role)s on %(unit)s for %(user)s") % {
            "role": self.role, "unit": self.unit.code, "user": self.requester,
        }

    def get_absolute_url(self):

        return pk_url("accessrequest_detail", self.pk)


class Attachment(BaseModel):
    """A file or a photo attached to a record: a scan of a marked-up page on a proposed change, a
    photo taken on site as evidence of a finding. Rights come from the record
    (``qms_portal.attachments``); the record's unit is copied here when the file is added, so lists
    of attachments across records are scoped in SQL without a join. Never deleted: withdrawn."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        IMAGE = "image", _("Image")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("The record's unit when the file was added."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FILE)
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, blank=True)
    width = models.PositiveIntegerField(_("width (pixels)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (pixels)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT,
                                    related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        # Every right comes from the record the file is attached to: no permissions of its own.
        default_permissions = ()
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="attachment_target")]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def alt_text(self):
        return self.caption or self.original_name


class TransitionRecord(models.Model):
    """One change of state made by the workflow engine: who, when, from, to, why, and a signature."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=50)
    from_state = models.CharField(_("from state"), max_length=30)
    to_state = models.CharField(_("to state"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("performed by"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    # A key the workflows declare ("approved", "reviewed", "closed"…; ``workflow.MEANINGS``), shown
    # as its label in the reader's language (``meaning_label``).
    signature_meaning = models.CharField(_("signature meaning"), max_length=30, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("transition record")

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"

    @property
    def meaning_label(self):
        from .workflow import meaning_label

        return meaning_label(self.signature_meaning) if self.signature_meaning else ""


class Notification(models.Model):
    """An in-portal message. Its text is rendered in the reader's language when shown."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends this message's e-mail (``outbox.send_notification_email``): claimed
    # in a short transaction, sent after the commit, then stamped ``emailed_at``; a failed send
    # clears it again.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Idempotency key: the same event never makes two notifications for one person.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The inbox, newest first and a page at a time (keyset pages): read in index order.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self):
        from .notifications import render_title

        return render_title(self)


class OutboxMessage(models.Model):
    """A task to queue, written in the same transaction as the change that needs it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.task} {self.kwargs}"


class Job(models.Model):
    """Long work a Celery worker does for one person (an export that grows with the data), with its
    progress for the progress page and the file it made, kept for ``QMS_JOB_KEEP_DAYS`` days. The
    kinds are registered by the areas (``qms_portal.jobs``). Bookkeeping, not a business record: no
    history; only the person who asked sees it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="jobs")
    # The requester's language when they asked: the file is made in it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # Items done out of ``total`` (None while the total is not known yet).
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="jobs/%Y/%m/%d/", max_length=255, blank=True)
    filename = models.CharField(max_length=200, blank=True)  # the name the download gets
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)  # what the requester is told when it failed
    # Each (re)queueing is one attempt; only the task sent for the current attempt may run the job.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Moved forward while the job is queued or runs: a job whose heartbeat stops is recovered.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="job_requester_recent"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    def get_absolute_url(self):

        return pk_url("job_detail", self.pk)

    @property
    def is_active(self):
        return self.state in self.ACTIVE

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.progress * 100 // self.total)

    @property
    def title(self):
        from .jobs import title_of

        return title_of(self.kind)


class ReminderClaim(models.Model):
    """One reminder, claimed before it is sent (``qms_portal.reminders.sweep``): the reminder
    ``kind`` of the record ``object_id`` at ``stage`` ("30", "7", "overdue"…) for the ``due`` date.
    The sweep inserts claims in bulk, ignoring conflicts, and reads back those that carry its own
    ``run``; ``sent_at`` is set in the transaction that writes the messages, so claims of a run that
    died before it are taken over by a later run. Purged after ``QMS_CLAIM_RETENTION_DAYS``."""

    kind = models.CharField(max_length=60, default="")
    object_id = models.PositiveBigIntegerField(null=True)
    stage = models.CharField(max_length=30, default="", blank=True)
    due = models.DateField(null=True)
    run = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Claims written before the columns above (free text, one per reminder): kept until purged.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "stage", "due"], name="unique_reminder_claim"),
        ]
        indexes = [models.Index(fields=["kind", "run"], name="reminder_claim_run")]

    def __str__(self):
        return self.key or f"{self.kind}:{self.object_id}:{self.stage}:{self.due}"


class NumberSequence(models.Model):
    """The last number given for one kind of record in one unit (and one year, for numbering that
    starts again each year): ``qms_portal.numbering.next_number`` locks this row and adds one. It
    only grows, so a number is never given twice, even when its record is later withdrawn."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year"], name="unique_number_sequence"),
            # NULL is distinct from NULL in a unique index: sequences without a year need their own.
            models.UniqueConstraint(fields=["unit", "kind"], condition=models.Q(year__isnull=True),
                                    name="unique_number_sequence_without_year"),
        ]
        verbose_name = _("number sequence")

    def __str__(self):
        year = f"/{self.year}" if self.year is not None else ""
        return f"{self.unit_id}/{self.kind}{year}: {self.last_number}"


class PublicLink(BaseModel):
    """A link with a token for a person without an account (a citizen rating a service, an external
    auditor confirming a report): it opens one page, whose form a registered purpose handles
    (``qms_portal.public_links``). Only the SHA-256 of the token is stored. History records who
    created and revoked the link and each use, as an auditor would ask."""

    purpose = models.CharField(_("purpose"), max_length=50, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                     verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="public_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Both empty: a *standing* link (a QR code posted at a desk), used by any number of visitors
    # until it is revoked (``public_links.public_link_create(standing=True)``).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("uses allowed"), default=1, null=True, blank=True)
    uses = models.PositiveIntegerField(_("times used"), default=0)
    used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("public link")
        verbose_name_plural = _("public links")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_uses__isnull=True) | models.Q(max_uses__gte=1),
                                   name="public_link_max_uses_positive"),
        ]

    def __str__(self):
        return f"{self.purpose} #{self.pk}"

    def refusal(self, now=None):
        """Why the link can no longer be used ("revoked", "used", "expired"), or "" while it can."""
        if self.revoked_at is not None:
            return "revoked"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used"
        if self.expires_at is not None and (now or timezone.now()) >= self.expires_at:
            return "expired"
        return ""


# django-guardian grants on single objects, in direct-FK tables (fast joins, real foreign keys).
class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class AccessRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AccessRequest, on_delete=models.CASCADE)


# The rollout of the QMS in each unit (the steering committee's board): models of this app.
from .steering.evaluation_models import Evaluation, EvaluationCriterion, UnitEvaluation  # noqa: E402, F401
from .steering.models import RolloutTick, UnitRollout  # noqa: E402, F401

# The annual ISO report of a unit's subtree (the steering committee's report): a model of this app.
from .steering.report_models import AnnualReport  # noqa: E402, F401
from .steering.snapshot_models import FigureSnapshot  # noqa: E402, F401
