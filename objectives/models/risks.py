"""The register of risks and opportunities (ISO 9001 6.1), per unit and process."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Band(models.TextChoices):
    """Where a rating (likelihood × impact or benefit, 1–25) falls."""

    LOW = "low", _("Low (1–4)")
    MEDIUM = "medium", _("Medium (5–9)")
    HIGH = "high", _("High (10–14)")
    VERY_HIGH = "very_high", _("Very high (15–25)")


# The ratings of each band, lowest and highest.
BAND_RANGES = {Band.LOW: (1, 4), Band.MEDIUM: (5, 9), Band.HIGH: (10, 14), Band.VERY_HIGH: (15, 25)}
TOP_RATING = 15  # "top risks": open and rated this or more


def band_of(rating):
    """The band of a rating (``None`` for none); a rating outside 1–25 is refused."""
    if rating is None:
        return None
    for band, (low, high) in BAND_RANGES.items():
        if low <= rating <= high:
            return band
    raise ValueError(f"a rating is between 1 and 25, not {rating!r}")


class Risk(BaseModel):
    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        OPPORTUNITY = "opportunity", _("Opportunity")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TREATED = "treated", _("Treated")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="risks")
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RISK)
    process = models.ForeignKey("documents.Document", verbose_name=_("process or procedure"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    consequence = models.TextField(_("consequence"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=ONE_TO_FIVE)
    # The impact of a risk, the benefit of an opportunity (1–5).
    impact = models.PositiveSmallIntegerField(_("impact or benefit"), validators=ONE_TO_FIVE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField(_("next review"), null=True, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"), null=True, blank=True,
                                                           validators=ONE_TO_FIVE)
    residual_impact = models.PositiveSmallIntegerField(_("residual impact or benefit"), null=True, blank=True,
                                                       validators=ONE_TO_FIVE)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["unit__path", "-id"]
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        indexes = [models.Index(fields=["unit", "status"], name="risk_unit_status"),
                   models.Index(fields=["review_on"], name="risk_review_on")]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return pk_url("objectives:risk_detail", self.pk)

    @property
    def rating(self):
        return self.likelihood * self.impact

    @property
    def residual_rating(self):
        if self.residual_likelihood and self.residual_impact:
            return self.residual_likelihood * self.residual_impact
        return None

    @property
    def band(self):
        return band_of(self.rating)

    @property
    def residual_band(self):
        return band_of(self.residual_rating)

    @property
    def band_label(self):
        return Band(self.band).label

    @property
    def is_opportunity(self):
        return self.kind == self.Kind.OPPORTUNITY


class RiskAction(BaseModel):
    """An action on a risk or an opportunity: its own, or a corrective action of the
    nonconformities area (``corrective_action``) when the fix is tracked there."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    risk = models.ForeignKey(Risk, verbose_name=_("risk or opportunity"), on_delete=models.CASCADE,
                             related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("completion note or reason"), blank=True)
    corrective_action = models.ForeignKey("nonconformities.CorrectiveAction", verbose_name=_("corrective action"),
                                          null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    unit_field = "risk__unit"
    display_related = ()
    display_fields = ("description",)  # ``__str__`` reads it: a message listing actions loads it with them

    class Meta:
        ordering = ["risk", "due_on", "id"]
        verbose_name = _("action on a risk")
        verbose_name_plural = _("actions on risks")
        indexes = [models.Index(fields=["status", "due_on"], name="riskaction_status_due")]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return pk_url("objectives:risk_detail", self.risk_id)
