"""Satisfaction surveys (ISO 9001 9.1.2): who is asked (groups), on what (dimensions), and the answers.

Answers come through the platform's token pages (``qms_portal.public_links``): a single-use link per
respondent, or a general link capped at a number of answers for citizens. A response keeps no trace
of its link unless the respondent signs (``signed_name``): organisers see counts, not who answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit


class Survey(BaseModel):
    class Scale(models.TextChoices):
        THREE = "three", _("Satisfied / basically satisfied / not satisfied")
        FIVE = "five", _("Five points (very satisfied … very dissatisfied)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="surveys")
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True,
                                    help_text=_("Shown to respondents above the questions."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    scale = models.CharField(_("scale"), max_length=6, choices=Scale.choices, default=Scale.THREE)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    closes_at = models.DateTimeField(_("answers accepted until"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # Counted as answer sheets arrive (``services.survey_answer_received``, in the sheet's
    # transaction) and counted again when the survey closes, after which no answer comes: its answer
    # sheets, its answers, and those "satisfied" or "basically satisfied". The list shows them, and
    # the steering committee's satisfaction rate and "below the target" read them for the closed
    # surveys of a province, instead of counting 250,000 answers again.
    responses_count = models.PositiveIntegerField(default=0, editable=False)
    answers_total = models.PositiveIntegerField(default=0, editable=False)
    answers_positive = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    attachment_types = ("pdf", "docx", "xlsx")

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["unit", "-period_end"], name="survey_unit_period")]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="survey_period_ends_after_it_starts"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url("objectives:survey_detail", self.pk)


class SurveyGroup(BaseModel):
    """A group of respondents (city leaders, departments, citizens), with how many were asked."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("respondent group"), max_length=200)
    invited = models.PositiveIntegerField(_("respondents asked"), default=0,
                                          help_text=_("For the response rate; links sent count too."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    unit_field = "survey__unit"

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("objectives:survey_detail", self.survey_id)


class SurveyDimension(BaseModel):
    """What respondents rate: service attitude, work order, environment and appearance, efficiency,
    integrity (the default set)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="dimensions")
    name = models.CharField(_("dimension"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    unit_field = "survey__unit"

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("survey dimension")
        verbose_name_plural = _("survey dimensions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("objectives:survey_detail", self.survey_id)


class SurveyResponse(models.Model):
    """One respondent's answer sheet. Not a history-tracked business record: a response is written
    once, through its link, and never changed."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(SurveyGroup, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    signed_name = models.CharField(max_length=200, blank=True)

    unit_field = "survey__unit"

    class Meta:
        ordering = ["survey", "submitted_at", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["survey", "group"], name="response_survey_group")]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"


class SurveyAnswer(models.Model):
    """A rating of one dimension: 1 (best) to 3 on the three-level scale, 1 to 5 on the five-point one."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(SurveyDimension, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField()

    unit_field = "response__survey__unit"

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="one_answer_per_dimension"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.dimension_id}: {self.rating}"
