"""Nonconformities and their corrective actions (ISO 9001:2015 clause 10.2).

A ``Nonconformity`` is raised from a source (an audit finding, a citizen's complaint, a missed KPI,
a nonconforming output, a staff member's report, a management review), accepted or rejected, its
cause analysed (five whys, fishbone, root cause), then corrected by ``CorrectiveAction``s whose
effectiveness is verified before it is closed with a signature.

How each record reaches its unit:

* a nonconformity: its own ``unit``;
* a corrective action: its own ``unit``, the unit of the nonconformity it was planned for (kept on
  the action so that lists filter on an indexed column without joining the nonconformities; an
  action that later serves nonconformities of other units stays in the scope of the unit that
  planned it);
* a due-date extension: its action's unit.

Beyond roles, two people reach records through single-object grants (django-guardian's direct-FK
tables below, written by the services): whoever reported a nonconformity follows it (``view``), and
the owner of an action sees it, records its progress (``complete_correctiveaction``) and sees the
nonconformities it serves — an owner may be a staff member without any role that gives these.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit
from qms_portal.search import searchable

__all__ = ["FISHBONE_CATEGORIES", "CorrectiveAction", "DueDateExtension", "Nonconformity", "OPEN_STATUSES",
           "ACTIVE_ACTION_STATUSES", "NonconformityUserObjectPermission",
           "CorrectiveActionUserObjectPermission"]

# The six categories of a fishbone (Ishikawa) diagram, in the order they are drawn.
FISHBONE_CATEGORIES = {
    "people": _("People"),
    "method": _("Method"),
    "equipment": _("Equipment"),
    "materials": _("Materials"),
    "environment": _("Environment"),
    "measurement": _("Measurement"),
}


def _whys_text(whys):
    """The five whys on the History tab: "1. … 2. …"."""
    return " ".join(f"{n}. {why}" for n, why in enumerate(whys or [], start=1))


def _fishbone_text(fishbone):
    """The fishbone on the History tab, by category in the reader's language: "Method: a, b; People: c"."""
    fishbone = fishbone or {}
    return "; ".join(f"{label}: {', '.join(fishbone[key])}" for key, label in FISHBONE_CATEGORIES.items()
                     if fishbone.get(key))


class Nonconformity(BaseModel):
    class Source(models.TextChoices):
        INTERNAL_AUDIT = "internal_audit", _("Internal audit")
        EXTERNAL_AUDIT = "external_audit", _("External (certification) audit")
        CITIZEN_FEEDBACK = "citizen_feedback", _("Citizen complaint or feedback")
        KPI = "kpi", _("Missed KPI")
        NONCONFORMING_OUTPUT = "nonconforming_output", _("Nonconforming output")
        STAFF_REPORT = "staff_report", _("Staff report")
        MANAGEMENT_REVIEW = "management_review", _("Management review")

    class Grade(models.TextChoices):
        MAJOR = "major", _("Major (category 1)")
        MINOR = "minor", _("Minor (category 2)")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CAUSE_ANALYSIS = "cause_analysis", _("Cause analysis")
        ACTION_PLAN = "action_plan", _("Action plan")
        IN_PROGRESS = "in_progress", _("Actions in progress")
        VERIFICATION = "verification", _("Verification")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=60, unique=True, editable=False)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="nonconformities")
    source = models.CharField(_("source"), max_length=24, choices=Source.choices, default=Source.STAFF_REPORT)
    # The record it came from (an audit finding, a feedback, a nonconforming output…), where one exists.
    source_type = models.ForeignKey(ContentType, verbose_name=_("source record type"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    source_id = models.PositiveBigIntegerField(_("source record"), null=True, blank=True, editable=False)
    source_object = GenericForeignKey("source_type", "source_id")
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure concerned"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="nonconformities")
    clause = models.ForeignKey("documents.Clause", verbose_name=_("ISO 9001 clause"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="nonconformities")
    grade = models.CharField(_("grade"), max_length=5, choices=Grade.choices, default=Grade.MINOR)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what was found"))
    detected_on = models.DateField(_("detected on"), default=timezone.localdate)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    on_delete=models.PROTECT, related_name="reported_nonconformities")
    containment = models.TextField(_("immediate correction / containment"), blank=True)
    # Cause analysis: a chain of "why?" answers, the fishbone's six categories → causes, the root cause.
    five_whys = models.JSONField(_("five whys"), default=list, blank=True)
    fishbone = models.JSONField(_("fishbone"), default=dict, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    # Verification of effectiveness (the latest round; earlier rounds are in the history).
    verification_note = models.TextField(_("verification of effectiveness"), blank=True)
    effective = models.BooleanField(_("effective"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1,
                                             help_text=_("Counts the analyses: a new one after each “not effective”."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # Number and title as the register search matches them (qms_portal.search), kept with every save.
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    history_display = {"five_whys": _whys_text, "fishbone": _fishbone_text}
    # Attachments (qms_portal.attachments): photos and scans of what was found, added by the
    # reporter and by who may work on the record; a closed or rejected record takes no more.
    attachment_types = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx")
    attachment_action = ("change", "nonconformities.accept_nonconformity")
    attachment_people = ("reported_by",)

    display_related = ()

    class Meta:
        ordering = ["-detected_on", "-id"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        indexes = [
            models.Index(fields=["unit", "status"], name="nc_unit_status"),
            models.Index(fields=["-detected_on", "-id"], name="nc_register_order"),
            models.Index(fields=["source_type", "source_id"], name="nc_source_record"),
            # ncscale: the register's counts by status, read from the index alone (PostgreSQL: with
            # the id, which the reader's scope checks against their grants, and the filtered columns)
            models.Index(fields=["status", "unit"], include=["id", "grade", "source", "clause", "detected_on"],
                         name="nc_status_unit"),
            # The closed ones by the day they closed (the steering dashboard's "closed in the period",
            # "average days to close" and their trends by month), read from the index alone: at
            # province scale a few hundred entries instead of a scan of 20,000 wide rows (12–15 ms
            # each, four queries a visit).
            models.Index(fields=["closed_at"], include=["unit", "detected_on"], condition=models.Q(status="closed"),
                         name="nc_closed_at"),
        ]
        permissions = [
            ("accept_nonconformity", _("Can accept or reject reported nonconformities")),
            ("verify_nonconformity", _("Can verify the effectiveness of corrective actions")),
            ("close_nonconformity", _("Can close nonconformities")),
            ("export_nonconformity", _("Can export the register of nonconformities")),  # ncreports
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return pk_url("nonconformities:nonconformity_detail", self.pk)

    def normalise_text(self):
        super().normalise_text()
        self.search_key = searchable(f"{self.number} {self.title}")[:800]

    def attachments_locked(self):
        return self.status in (self.Status.CLOSED, self.Status.REJECTED)

    @property
    def is_open(self):
        return self.status not in (self.Status.CLOSED, self.Status.REJECTED)

    def fishbone_rows(self):
        """The fishbone as (label, [causes]) in the drawing's order, categories without causes left out."""
        data = self.fishbone or {}
        return [(label, data[key]) for key, label in FISHBONE_CATEGORIES.items() if data.get(key)]



OPEN_STATUSES = [s for s in Nonconformity.Status.values
                 if s not in (Nonconformity.Status.CLOSED, Nonconformity.Status.REJECTED)]


class CorrectiveAction(BaseModel):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CORRECTIVE = "corrective", _("Corrective action")
        PREVENTIVE = "preventive", _("Preventive action")
        IMPROVEMENT = "improvement", _("Improvement")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    nonconformities = models.ManyToManyField(Nonconformity, verbose_name=_("nonconformities"),
                                             related_name="actions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The unit of the nonconformity the action was planned for."))
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    description = models.TextField(_("what will be done"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="corrective_actions")
    original_due = models.DateField(_("original due date"), editable=False)
    due = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    completion_note = models.TextField(_("what was done"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    unit_field = "unit"
    history_m2m_fields = ("nonconformities",)
    # Evidence of what was done: added by the owner and by who may manage the action, until it is
    # done or cancelled.
    attachment_types = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx")
    attachment_action = ("change", "nonconformities.complete_correctiveaction")
    attachment_people = ("owner",)

    display_related = ()
    display_fields = ("description",)  # ``__str__`` reads it: a message listing actions loads it with them

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        indexes = [
            models.Index(fields=["status", "due"], name="action_status_due"),
            models.Index(fields=["owner", "status"], name="action_owner_status"),
            # ncscale: the actions still to do in due order (the actions list's default page)
            models.Index(fields=["due", "id"], name="action_active_due",
                         condition=models.Q(status__in=["open", "in_progress"])),
        ]
        permissions = [("complete_correctiveaction", _("Can record the progress of corrective actions"))]

    def __str__(self):
        return _clip(self.description, 80)

    def get_absolute_url(self):
        return pk_url("nonconformities:action_detail", self.pk)

    def attachments_locked(self):
        return self.status in (self.Status.DONE, self.Status.CANCELLED)

    @property
    def is_active(self):
        return self.status in ACTIVE_ACTION_STATUSES

    @property
    def is_overdue(self):
        return self.is_active and self.due < timezone.localdate()



ACTIVE_ACTION_STATUSES = [CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS]


def _clip(text, limit):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DueDateExtension(BaseModel):
    """An owner's request to move an action's due date; the management representative decides. The
    action's history keeps every due date it had; the action keeps its original one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    action = models.ForeignKey(CorrectiveAction, verbose_name=_("corrective action"), on_delete=models.PROTECT,
                               related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    previous_due = models.DateField(_("due date before"), editable=False)
    requested_due = models.DateField(_("requested due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    unit_field = "action__unit"
    display_related = ("action",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("due date extension")
        verbose_name_plural = _("due date extensions")
        constraints = [
            models.UniqueConstraint(fields=["action"], condition=models.Q(status="pending"),
                                    name="one_pending_extension_per_action"),
        ]
        permissions = [("decide_extension", _("Can approve or decline due date extensions"))]

    def __str__(self):
        return f"{self.action} → {self.requested_due}"

    def get_absolute_url(self):
        return pk_url("nonconformities:extension_decide", self.pk)



class NonconformityUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on nonconformities: the reporter and the owners of its actions follow it."""

    content_object = models.ForeignKey(Nonconformity, on_delete=models.CASCADE)


class CorrectiveActionUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on actions: the owner sees the action and records its progress."""

    content_object = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE)
