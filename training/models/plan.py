"""A unit's annual training plan: the needs it answers and the sessions planned, done vs planned."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit

from .sessions import Course, Session


class TrainingPlan(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="training_plans")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    budget = models.TextField(_("budget line"), blank=True)
    note = models.TextField(_("note"), blank=True)

    unit_field = "unit"

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_training_plan_per_unit_year")]
        # the list's order (its keyset): a page is read from the index, and its progress counted for
        # that page only, not for every plan before a sort
        indexes = [models.Index(fields=["-year", "id"], name="training_plan_list_order")]
        permissions = [("approve_trainingplan", _("Can approve a training plan"))]

    def __str__(self):
        return f"{self.unit} {self.year}"

    def get_absolute_url(self):
        return pk_url("training:plan_detail", self.pk)


class PlanItem(BaseModel):
    """One need of the plan and what is planned for it: a course, in a month, for how many people;
    done when the sessions held for it are linked."""

    class Need(models.TextChoices):
        GAP = "gap", _("Competence gap")
        REVISION = "revision", _("New revision of a procedure")
        NEW_STAFF = "new_staff", _("New staff")
        REFRESHER = "refresher", _("Qualification expiring")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    need = models.CharField(_("need"), max_length=10, choices=Need.choices, default=Need.GAP)
    course = models.ForeignKey(Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("what"), max_length=300, blank=True)
    month = models.PositiveSmallIntegerField(_("planned month"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(12)])
    participants = models.PositiveIntegerField(_("people planned"), default=0)
    sessions = models.ManyToManyField(Session, verbose_name=_("sessions held"), blank=True, related_name="plan_items")
    note = models.CharField(_("note"), max_length=300, blank=True)

    unit_field = "plan__unit"
    history_m2m_fields = ("sessions",)

    class Meta:
        ordering = ["plan", "month", "id"]
        # The register of plan items' order (newest plan first, its items as added): read in index order.
        indexes = [models.Index(fields=["-plan", "id"], name="planitem_plan_order")]
        verbose_name = _("training plan item")
        verbose_name_plural = _("training plan items")

    def __str__(self):
        return self.title or (self.course.title if self.course_id else "")

    def get_absolute_url(self):
        return pk_url("training:plan_detail", self.plan_id)
