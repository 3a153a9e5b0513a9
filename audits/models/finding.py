"""What an audit found (ISO 9001 9.2.2 c–e)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from qms_portal.models import BaseModel, Unit


class Finding(BaseModel):
    class Grade(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")
        OBSERVATION = "observation", _("Observation")
        OPPORTUNITY = "opportunity", _("Opportunity for improvement")
        GOOD_PRACTICE = "good_practice", _("Good practice")

    NONCONFORMITY_GRADES = (Grade.MAJOR, Grade.MINOR)

    audit = models.ForeignKey("audits.Audit", verbose_name=_("audit"), on_delete=models.PROTECT,
                              related_name="findings")
    number = models.PositiveSmallIntegerField(_("number"), editable=False, default=0,
                                              help_text=_("The finding's number within its audit."))
    grade = models.CharField(_("grade"), max_length=14, choices=Grade.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("audited unit"), on_delete=models.PROTECT,
                             related_name="audit_findings")
    clause = models.ForeignKey("documents.Clause", verbose_name=_("ISO 9001 clause"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure concerned"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    checklist_item = models.ForeignKey("audits.ChecklistItem", verbose_name=_("checklist item"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="findings")
    requirement = models.TextField(_("requirement"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    # The nonconformity record a nonconformity finding became (its source points back here), or the
    # improvement action an observation led to.
    nonconformity = models.OneToOneField("nonconformities.Nonconformity", verbose_name=_("nonconformity"),
                                         null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="audit_finding", editable=False)
    improvement_action = models.ForeignKey("nonconformities.CorrectiveAction", verbose_name=_("improvement action"),
                                           null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                           editable=False)

    unit_field = "unit"
    attachment_types = ("jpg", "jpeg", "png", "webp", "heic", "pdf")
    # Photos of the evidence: added by the auditors of the audit (their single-object grants on the
    # finding: ``change``) and by who recorded it, until the audit is closed.
    attachment_action = ("change", "audits.conduct_audit")
    attachment_people = ("recorded_by",)

    class Meta:
        ordering = ["audit", "number", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["grade", "unit"], name="finding_grade_unit")]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], condition=models.Q(number__gt=0),
                                    name="one_finding_number_per_audit"),
        ]

    def __str__(self):
        return f"{self.audit.number}/{self.number} {self.get_grade_display()}"

    def get_absolute_url(self):
        return reverse("audits:finding_detail", args=[self.pk])

    def may_raise_nonconformity(self, user):
        """The auditors of the audit (their grants on the finding) raise its nonconformity in the
        audited unit, where they usually hold no role (``nonconformity_create`` asks the source)."""
        from qms_portal.permissions import can

        return self.is_nonconformity and can(user, "change", self)

    @property
    def is_nonconformity(self):
        return self.grade in self.NONCONFORMITY_GRADES

    def attachments_locked(self):
        return self.audit.status == self.audit.Status.CLOSED


class FindingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Finding, on_delete=models.CASCADE)
