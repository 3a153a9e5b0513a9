"""What an audit found (ISO 9001 9.2.2 c–e)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms_portal.models import BaseModel, Unit

# What the auditors of an audit (the single-object grant "audits.conduct_audit" on it: its lead and
# its team) may do to the audit's findings, wherever they work (``Finding.scope_extra``).
AUDITOR_PERMISSIONS = frozenset({"audits.view_finding", "audits.change_finding"})


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
    # Photos of the evidence: added by the auditors of the audit (``change``, through their grant on
    # the audit: ``scope_extra``) and by who recorded it, until the audit is closed.
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
        """The auditors of the audit (their grant on the audit) raise its nonconformity in the
        audited unit, where they usually hold no role (``nonconformity_create`` asks the source)."""
        from qms_portal.permissions import can

        return self.is_nonconformity and can(user, "change", self)

    @property
    def is_nonconformity(self):
        return self.grade in self.NONCONFORMITY_GRADES

    def attachments_locked(self):
        return self.audit.status == self.audit.Status.CLOSED

    # Who sees a finding: through roles on its unit (the auditees — department head, staff —, the ISO
    # officer, the management representative, the steering committee), and the auditors of its audit
    # through their grant on the audit, as the checklist's items are reached (``ChecklistItem``). The
    # grants live on the audit, never on each finding: a member taken off the audit loses its findings
    # with it, one added sees them at once.
    @classmethod
    def widened_permissions(cls, user, held):
        return set(AUDITOR_PERMISSIONS) if "audits.conduct_audit" in held else set()

    @classmethod
    def scope_extra(cls, user, perm):
        if perm in AUDITOR_PERMISSIONS:
            from .audit import Audit

            return models.Q(audit__in=Audit.objects.restrict(user, "audits.conduct_audit").values("pk"))
        return None
