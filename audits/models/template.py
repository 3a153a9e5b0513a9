"""Checklists kept as templates for next year's audits."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms_portal.models import BaseModel, Unit


class ChecklistTemplate(BaseModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    source_audit = models.ForeignKey("audits.Audit", verbose_name=_("saved from"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    unit_field = "unit"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:template_detail", args=[self.pk])


class ChecklistTemplateItem(BaseModel):
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist template"), on_delete=models.CASCADE,
                                 related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    clause = models.ForeignKey("documents.Clause", verbose_name=_("ISO 9001 clause"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))

    unit_field = "template__unit"

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("template question")
        verbose_name_plural = _("template questions")

    def __str__(self):
        return self.question[:80]

    def get_absolute_url(self):
        return self.template.get_absolute_url()
