"""Management review (ISO 9001 9.3): the meeting, its inputs frozen when it is held, its decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit


class ManagementReview(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        SIGNED = "signed", _("Minutes signed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="management_reviews",
                             help_text=_("The unit whose quality management system is reviewed, with its sub-units."))
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    meeting_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT,
                              related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True,
                                          related_name="management_reviews")
    other_participants = models.TextField(_("other participants"), blank=True, help_text=_("One name per line."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The inputs ISO 9.3.2 lists that the portal cannot compile: written by the secretary.
    external_providers = models.TextField(_("performance of external providers"), blank=True)
    resources = models.TextField(_("adequacy of resources"), blank=True)
    issues_changes = models.TextField(_("changes in external and internal issues"), blank=True)
    other_inputs = models.TextField(_("other inputs"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    # The compiled inputs, frozen when the meeting is held: the minutes never change afterwards.
    snapshot = models.JSONField(_("inputs as held"), default=dict, blank=True, editable=False)
    held_at = models.DateTimeField(_("held"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("minutes signed"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    history_m2m_fields = ("participants",)
    history_hidden = ("snapshot",)
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["-meeting_on", "-id"]
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        indexes = [models.Index(fields=["unit", "-meeting_on"], name="review_unit_meeting")]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="review_period_ends_after_it_starts"),
        ]
        permissions = [("sign_review_minutes", _("Can sign management review minutes"))]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return pk_url("objectives:review_detail", self.pk)


class ReviewDecision(BaseModel):
    """An output of the review (9.3.3): an improvement, a change to the QMS or a resource need, with an
    owner and a due date, tracked and reminded until done."""

    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", _("Opportunity for improvement")
        QMS_CHANGE = "qms_change", _("Change to the quality management system")
        RESOURCES = "resources", _("Resource need")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    review = models.ForeignKey(ManagementReview, verbose_name=_("management review"), on_delete=models.PROTECT,
                               related_name="decisions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.IMPROVEMENT)
    description = models.TextField(_("decision"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="review_decisions")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("completion note or reason"), blank=True)

    unit_field = "review__unit"
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")
    # What a message listing decisions reads for each (``notifications.display_queryset``).
    display_related = ()
    display_fields = ("description",)

    class Meta:
        ordering = ["review", "due_on", "id"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [models.Index(fields=["status", "due_on"], name="decision_status_due")]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return pk_url("objectives:decision_detail", self.pk)

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class ManagementReviewUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on reviews: the participants read the review they sit in."""

    content_object = models.ForeignKey(ManagementReview, on_delete=models.CASCADE)


class ReviewDecisionUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on decisions: the owner follows their decision and records it done
    (``view``, ``change``), wherever they work — read with the reader's other grants in the one
    query of each request (``permissions._load``)."""

    content_object = models.ForeignKey(ReviewDecision, on_delete=models.CASCADE)
