"""Certificates of conformity a unit holds, and the surveillance audits they need."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms_portal.models import BaseModel, Unit


class Certificate(BaseModel):
    class Standard(models.TextChoices):
        ISO = "iso_9001_2015", "ISO 9001:2015"
        TCVN = "tcvn_iso_9001_2015", "TCVN ISO 9001:2015"
        GBT = "gb_t_19001_2016", "GB/T 19001-2016"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="certificates")
    body = models.CharField(_("certification body"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    standard = models.CharField(_("standard"), max_length=24, choices=Standard.choices, default=Standard.ISO)
    scope = models.TextField(_("scope"))
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    audit = models.ForeignKey("audits.Audit", verbose_name=_("certification audit"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="certificates")
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # certificates: when and why the certificate stopped counting (withdrawn or suspended by its body,
    # or replaced by the next cycle's); set only by ``certificate_withdraw``.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)

    unit_field = "unit"
    attachment_types = ("pdf", "jpg", "jpeg", "png")
    attachment_action = ("change",)

    class Meta:
        ordering = ["expires_on", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="one_certificate_number_per_body"),
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("issued_on")),
                                   name="certificate_expires_after_issue"),
        ]

    def __str__(self):
        return f"{self.number} ({self.body})"

    def get_absolute_url(self):
        return reverse("audits:certificate_detail", args=[self.pk])


class SurveillanceVisit(BaseModel):
    certificate = models.ForeignKey(Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE,
                                    related_name="surveillance")
    due_on = models.DateField(_("due on"))
    audit = models.ForeignKey("audits.Audit", verbose_name=_("surveillance audit"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    unit_field = "certificate__unit"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("surveillance audit due")
        verbose_name_plural = _("surveillance audits due")

    def __str__(self):
        return f"{self.certificate} {self.due_on}"

    def get_absolute_url(self):
        return self.certificate.get_absolute_url()
