"""A unit's annual audit programme (ISO 9001 9.2.2 a): which units, processes and clauses are
audited in which month. Approved (signed, meaning "approved") by the management representative."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms_portal.models import BaseModel, Unit


class AuditProgramme(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="audit_programmes",
                             help_text=_("The unit that runs its own quality management system."))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)

    unit_field = "unit"

    class Meta:
        ordering = ["-year", "unit__code"]
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_audit_programme_per_unit_year")]
        permissions = [("approve_auditprogramme", _("Can approve audit programmes"))]

    def __str__(self):
        return self.title or f"{self.unit.code} {self.year}"

    def get_absolute_url(self):
        return reverse("audits:programme_detail", args=[self.pk])


class ProgrammeEntry(BaseModel):
    """One line of a programme: a unit (in the programme unit's subtree), the processes (procedures)
    and clauses audited there, and the month planned. ``audits`` are the audits that carry it out."""

    programme = models.ForeignKey(AuditProgramme, verbose_name=_("audit programme"), on_delete=models.CASCADE,
                                  related_name="entries")
    unit = models.ForeignKey(Unit, verbose_name=_("audited unit"), on_delete=models.PROTECT, related_name="+")
    planned_month = models.PositiveSmallIntegerField(_("planned month"),
                                                     choices=[(m, str(m)) for m in range(1, 13)])
    clauses = models.ManyToManyField("documents.Clause", verbose_name=_("ISO 9001 clauses"), blank=True,
                                     related_name="+")
    procedures = models.ManyToManyField("documents.Document", verbose_name=_("processes and procedures"),
                                        blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    unit_field = "programme__unit"
    history_m2m_fields = ("clauses", "procedures")

    class Meta:
        ordering = ["planned_month", "unit__code", "id"]
        # the programme entries' register (``selectors.programme_register.REGISTER_ORDER``)
        indexes = [models.Index(fields=["-programme", "planned_month", "id"], name="programme_entry_register")]
        verbose_name = _("programme entry")
        verbose_name_plural = _("programme entries")

    def __str__(self):
        return f"{self.unit} ({self.planned_month})"

    def get_absolute_url(self):
        return self.programme.get_absolute_url()
