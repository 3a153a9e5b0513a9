"""The scored evaluation of units (the shape of Vietnam's PAR INDEX and of the pilot evaluation across
the 51 units of a national administration): an organising unit runs an evaluation for a year with a
list of weighted criteria; each unit below it scores itself with evidence (some criteria are scored
from the portal's own figures), the evaluators appraise and sign, and the signed results are ranked.
Models of the core app (``app_label = "qms_portal"``), imported by ``qms_portal.models``; written by
``steering.evaluation_services`` only."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..links import pk_url
from ..models import BaseModel, Unit


class Evaluation(BaseModel):
    """An evaluation of the units below ``unit`` for ``year``. Draft (its criteria are set) → open
    (a sheet per unit evaluated: self-assessment, appraisal, signature) → closed (every sheet signed;
    the ranking is final)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Scope(models.TextChoices):
        CHILDREN = "children", _("The units directly below")
        SUBTREE = "subtree", _("Every unit below")

    unit = models.ForeignKey(Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    scope = models.CharField(_("units evaluated"), max_length=10, choices=Scope.choices, default=Scope.CHILDREN)
    self_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")

    unit_field = "unit"
    display_related = ("unit",)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("evaluation of units")
        verbose_name_plural = _("evaluations of units")
        default_permissions = ("add", "change", "view")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="evaluation_once_a_year")]

    def __str__(self):
        return gettext("Evaluation %(year)s · %(unit)s") % {"year": self.year, "unit": self.unit.code}

    def get_absolute_url(self):
        return pk_url("evaluation_detail", self.pk)

    @property
    def editable(self):
        return self.status == self.Status.DRAFT


class EvaluationCriterion(BaseModel):
    """A weighted criterion: at most ``points`` points. With a ``figure`` (a rate the areas register
    for the dashboard) it is scored from the portal's data: ``points`` × the unit's rate in the year."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT,
                                   related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("criterion"), max_length=300)
    clause = models.CharField(_("ISO 9001 clause"), max_length=20, blank=True)
    guidance = models.TextField(_("how it is scored"), blank=True)
    points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1,
                                 validators=[MinValueValidator(0.5), MaxValueValidator(1000)])
    figure = models.CharField(_("scored from the portal's figure"), max_length=80, blank=True)

    unit_field = "evaluation__unit"

    class Meta:
        ordering = ["evaluation", "position", "pk"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        default_permissions = ()  # the evaluation's (codes are unique within it: the service checks)

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return pk_url("evaluation_detail", self.evaluation_id)


class UnitEvaluation(BaseModel):
    """One unit's sheet in an evaluation. ``scores`` holds, per criterion code, the unit's own score
    and its evidence (``self``, ``note``), the evaluator's score and comment (``appraisal``,
    ``comment``) and, for a criterion scored from data, the rate it was scored from (``data``). The
    totals are kept beside it for the ranking. Self-assessment → waiting for appraisal → signed;
    returned for changes (with the reason) back to self-assessment."""

    class Status(models.TextChoices):
        SELF = "self", _("Self-assessment")
        SUBMITTED = "submitted", _("Waiting for appraisal")
        SIGNED = "signed", _("Appraised and signed")

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT,
                                   related_name="sheets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SELF)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    self_total = models.DecimalField(_("self-assessment score"), max_digits=7, decimal_places=1, null=True,
                                     blank=True)
    appraisal_total = models.DecimalField(_("appraisal score"), max_digits=7, decimal_places=1, null=True,
                                          blank=True)
    summary = models.TextField(_("the unit's summary"), blank=True)
    conclusion = models.TextField(_("the evaluators' conclusion"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True, editable=False)

    unit_field = "unit"
    display_related = ("unit", "evaluation")
    # Evidence beside the notes: minutes, decisions, photos (qms_portal.attachments).
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png", "webp")
    attachment_action = "change"

    class Meta:
        ordering = ["evaluation", "unit__path", "pk"]
        verbose_name = _("unit's evaluation")
        verbose_name_plural = _("units' evaluations")
        default_permissions = ("change", "view")
        permissions = [("appraise_unitevaluation", _("Can appraise, return and sign units' evaluations"))]
        constraints = [models.UniqueConstraint(fields=["evaluation", "unit"], name="unit_evaluation_once")]

    def __str__(self):
        return gettext("Evaluation %(year)s · %(unit)s") % {"year": self.evaluation.year, "unit": self.unit.code}

    def get_absolute_url(self):
        return pk_url("unitevaluation_detail", self.pk)

    def attachments_locked(self):
        return self.status == self.Status.SIGNED

    history_display = {"scores": lambda value: _scores_text(value)}


def _scores_text(value):
    from .evaluation_selectors import scores_text

    return scores_text(value)
