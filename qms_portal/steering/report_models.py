"""The annual ISO report a district or a province sends up (in Vietnam the report on applying TCVN
ISO 9001 under Decision 19/2014/QĐ-TTg and the rules that followed; in China the annual QMS report):
one per unit and year. A model of the core app (``app_label = "qms_portal"``), imported by
``qms_portal.models``; written by ``steering.report_services`` only."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..links import pk_url
from ..models import BaseModel, Unit


class AnnualReport(BaseModel):
    """The report of ``unit`` (with every unit below it) for ``year``: the figures of each unit
    (read live while it is a draft, frozen in ``snapshot`` when it is submitted for review) and the
    three sections its drafter writes. Draft → submitted for review → signed; returned for changes
    (with the reason) back to draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        SIGNED = "signed", _("Signed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    # The agency's own number of the document ("15/BC-UBND", "中区府报〔2026〕3号"), its recipient and
    # the place written before the date ("Hà Nội, ngày … tháng … năm …").
    number = models.CharField(_("report number"), max_length=60, blank=True)
    recipient = models.CharField(_("sent to"), max_length=300, blank=True)
    place = models.CharField(_("place of issue"), max_length=100, blank=True)
    achievements = models.TextField(_("achievements"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True, editable=False)
    # The rows and totals as they stood when it was submitted: codes and numbers only (no translated
    # text), so that every reader reads it in their own language (``report_selectors``).
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    unit_field = "unit"
    history_hidden = ("snapshot",)
    display_related = ("unit",)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("annual ISO report")
        verbose_name_plural = _("annual ISO reports")
        default_permissions = ("add", "change", "view")
        permissions = [("sign_annualreport", _("Can review, return and sign annual ISO reports"))]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="annual_report_once")]

    def __str__(self):
        return gettext("Annual ISO report %(year)s · %(unit)s") % {"year": self.year, "unit": self.unit.code}

    def get_absolute_url(self):
        return pk_url("annualreport_detail", self.pk)

    @property
    def editable(self):
        return self.status == self.Status.DRAFT
