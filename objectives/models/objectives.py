"""Quality objectives (5.2, 6.2) and what measures them (9.1)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit

# What the person named as an indicator's ``reporter`` may do on it and its values (kpi).
REPORTER_PERMISSIONS = ("objectives.view_indicator", "objectives.view_measurement", "objectives.enter_measurement")


class QualityObjective(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quality_objectives")
    year = models.PositiveSmallIntegerField(_("year"))
    # The cascade: a department's objective breaks down its agency's.
    parent = models.ForeignKey("self", verbose_name=_("broken down from"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("objective"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    target = models.CharField(_("measurable target"), max_length=300, blank=True,
                              help_text=_("What counts as met, e.g. “at least 98 percent of files handled on time”."))
    # The plan ISO 9001 6.2.2 asks for.
    actions = models.TextField(_("what will be done"), blank=True)
    resources = models.TextField(_("resources required"), blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who is responsible"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("when it will be completed"), null=True, blank=True)
    evaluation = models.TextField(_("how the results will be evaluated"), blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    result_note = models.TextField(_("result"), blank=True)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["-year", "unit__path", "code", "id"]
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        indexes = [models.Index(fields=["unit", "year"], name="objective_unit_year")]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self):
        return pk_url("objectives:objective_detail", self.pk)


class Indicator(BaseModel):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    class Kind(models.TextChoices):
        VALUE = "value", _("A value entered each period")
        RATE = "rate", _("A rate (numerator / denominator)")
        ON_TIME = "on_time", _("On-time rate of administrative procedures")
        SATISFACTION = "satisfaction", _("Satisfaction survey result")

    unit = models.ForeignKey(Unit, verbose_name=_("reporting unit"), on_delete=models.PROTECT,
                             related_name="indicators")
    objective = models.ForeignKey(QualityObjective, verbose_name=_("quality objective"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="indicators")
    # Indicators that share a code across units are the same indicator: they roll up the tree.
    code = models.SlugField(_("code"), max_length=40,
                            help_text=_("The same code in several units makes one indicator rolled up the tree."))
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VALUE)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True,
                                       help_text=_("e.g. %, days, files"))
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    alert_threshold = models.DecimalField(
        _("alert threshold"), max_digits=14, decimal_places=4, null=True, blank=True,
        help_text=_("Between the target and this value the indicator is at risk; beyond it, missed."))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reported_indicators",
                                 help_text=_("The person who enters the values."))
    # The survey whose result feeds it (kind "satisfaction"), the procedures of an on-time rate are
    # those of its unit's ``ProcedureTimeliness`` rows.
    survey = models.ForeignKey("objectives.Survey", verbose_name=_("survey"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="indicators")
    description = models.TextField(_("how it is measured"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "code", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="one_indicator_code_per_unit")]
        indexes = [models.Index(fields=["code", "unit"], name="indicator_code_unit")]
        permissions = [("enter_measurement", _("Can enter indicator values")),
                       ("report_indicator", _("Can be named to enter an indicator's values"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("objectives:indicator_detail", self.pk)

    # kpi: the person who enters an indicator's values (``reporter``) sees it and enters them, wherever
    # they work: derived from the indicator itself, never a per-row grant. Whoever may be named (a
    # role with "report_indicator": staff, training coordinators) holds the three permissions
    # somewhere — no query per request — and reaches exactly the indicators that name them.
    @classmethod
    def widened_permissions(cls, user, held):
        return set(REPORTER_PERMISSIONS) if "objectives.report_indicator" in held else set()

    @classmethod
    def scope_extra(cls, user, perm):
        if perm in ("objectives.view_indicator", "objectives.enter_measurement"):
            return models.Q(reporter=user, is_active=True)
        return None


class Measurement(BaseModel):
    """One period's value of an indicator. ``period`` is the period's first day (1 January, the first
    day of a quarter or of a month). A rate keeps its numerator and denominator, and ``value`` is
    their quotient (in the indicator's unit, e.g. a percentage)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="measurements")
    period = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(0)])
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True, editable=False)
    is_late = models.BooleanField(_("entered late"), default=False, editable=False)
    # The nonconformity raised because it was missed (offered on the page, never automatic).
    nonconformity = models.ForeignKey("nonconformities.Nonconformity", verbose_name=_("nonconformity"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+", editable=False)

    unit_field = "indicator__unit"
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["indicator", "-period"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="one_measurement_per_period")]
        indexes = [
            # The values of a period across every indicator (the steering dashboard's "indicators
            # missed": a province's 180,000 values, three periods read): a bitmap scan of the
            # periods' rows instead of a scan of every value.
            models.Index(fields=["period", "indicator"], name="measurement_period"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period:%Y-%m}"

    def get_absolute_url(self):
        return pk_url("objectives:measurement_detail", self.pk)

    # Evidence is added by whoever enters the indicator's values (kpi).
    attachment_action = ("objectives.enter_measurement",)

    @classmethod
    def scope_extra(cls, user, perm):
        if perm in ("objectives.view_measurement", "objectives.enter_measurement"):
            return models.Q(indicator__reporter=user, indicator__is_active=True)
        return None


class ProcedureTimeliness(BaseModel):
    """A procedure's citizens' files in one month at one unit: received, handled within the legal
    time limit, handled late. The on-time rate is on_time / (on_time + late)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure"), on_delete=models.PROTECT,
                                  related_name="+")
    period = models.DateField(_("month"))
    received = models.PositiveIntegerField(_("files received"), default=0)
    on_time = models.PositiveIntegerField(_("handled on time"), default=0)
    late = models.PositiveIntegerField(_("handled late"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)

    unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "-period", "procedure_id"]
        verbose_name = _("procedure timeliness")
        verbose_name_plural = _("procedure timeliness")
        constraints = [
            models.UniqueConstraint(fields=["unit", "procedure", "period"], name="one_timeliness_per_month"),
        ]
        indexes = [models.Index(fields=["period", "unit"], name="timeliness_period_unit")]

    def __str__(self):
        return f"{self.procedure.code} {self.period:%Y-%m}"

    def get_absolute_url(self):
        return pk_url("objectives:timeliness_detail", self.pk)
