"""Courses, their sessions, the people invited and their attendance, feedback and the later check
of the training's effectiveness."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Unit

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Competence(BaseModel):
    """Something a person can be qualified for. A catalogue for the whole portal (no unit): a ward's
    requirement and a city's course speak of the same competence. Its name is kept in the four
    languages, as the ISO clauses are; ``name`` reads the reader's."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=200, blank=True)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # How long a qualification stays valid when nothing else says (none: it does not expire).
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True,
                                                       help_text=_("Leave empty when it does not expire."))
    is_active = models.BooleanField(_("active"), default=True)

    unit_field = None  # global: whoever may view competences sees them all

    class Meta:
        ordering = ["code"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (translation.get_language() or "en").replace("-", "_").lower()
        return getattr(self, f"name_{language}", None) or self.name_en

    def get_absolute_url(self):
        return pk_url("training:competence_detail", self.pk)


class Course(BaseModel):
    """A course in the portal's catalogue (global, as competences are): what it teaches, how long it
    lasts, what it qualifies for and for how long."""

    class Topic(models.TextChoices):
        AWARENESS = "awareness", _("ISO 9001 awareness")
        INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor course")
        DOCUMENT_CONTROL = "document_control", _("Document control")
        PROCEDURE = "procedure", _("A procedure or its new revision")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    description = models.TextField(_("description"), blank=True)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=1, null=True,
                                         blank=True, validators=[MinValueValidator(0)])
    competences = models.ManyToManyField(Competence, verbose_name=_("competences it gives"), blank=True,
                                         related_name="courses")
    # How long the qualifications it gives stay valid (none: each competence's own validity).
    validity_months = models.PositiveSmallIntegerField(_("qualification valid for (months)"), null=True,
                                                       blank=True)
    # The test at its end: a score out of 100 and the mark to pass (none: no test).
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (out of 100)"), null=True, blank=True,
                                                 validators=[MaxValueValidator(100)])
    # A course on a procedure's revision that needs training: attending it fulfils that requirement.
    revision = models.ForeignKey("documents.Revision", verbose_name=_("revision it trains on"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="training_courses")
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = None  # global catalogue
    history_m2m_fields = ("competences",)
    attachment_types = ("pdf", "docx", "pptx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self):
        return pk_url("training:course_detail", self.pk)


class Session(BaseModel):
    """One time a course is held, organised by a unit."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        INVITED = "invited", _("Invitations sent")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    unit = models.ForeignKey(Unit, verbose_name=_("organised by"), on_delete=models.PROTECT,
                             related_name="training_sessions")
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    # A person of the portal, or an outside trainer by name and organisation.
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    external_trainer = models.CharField(_("outside trainer"), max_length=200, blank=True)
    external_organisation = models.CharField(_("trainer's organisation"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("held"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("place or link"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # When the reminder before the session was sent (the sweep's claim is the core's; this is shown).
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    display_related = ("course",)
    attachment_types = ("pdf", "docx", "pptx", "xlsx", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["unit", "-starts_at"], name="session_unit_start"),
                   models.Index(fields=["status", "starts_at"], name="session_status_start"),
                   # the list's order (its keyset): a page is read from the index, not sorted from all
                   models.Index(fields=["-starts_at", "-id"], name="session_list_order")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")),
                                              name="session_ends_after_it_starts")]
        permissions = [("mark_attendance", _("Can mark attendance at a training session")),
                       ("train_session", _("Can be named a training session's trainer"))]

    def __str__(self):
        return f"{self.number} {self.course.title}".strip()

    def get_absolute_url(self):
        return pk_url("training:session_detail", self.pk)

    # The trainer (a person of the portal, wherever they work) reads the session and marks its
    # attendance: derived from the session itself, never a per-row grant. Whoever may be named (a
    # role with "train_session") holds both permissions somewhere and reaches the sessions naming them.
    @classmethod
    def widened_permissions(cls, user, held):
        return set(TRAINER_PERMISSIONS) if "training.train_session" in held else set()

    @classmethod
    def scope_extra(cls, user, perm):
        if perm in TRAINER_PERMISSIONS:
            return models.Q(trainer=user)
        return None


TRAINER_PERMISSIONS = ("training.view_session", "training.mark_attendance")


class Participant(BaseModel):
    """One person at a session: invited (by unit, role or name) or walked in, their attendance,
    test score and certificate. ``unit`` is the person's unit when invited, as the attendance sheet
    prints it."""

    class Via(models.TextChoices):
        UNIT = "unit", _("Invited with their unit")
        ROLE = "role", _("Invited for their role")
        PERSON = "person", _("Invited by name")
        WALK_IN = "walk_in", _("Walked in (not invited)")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT,
                             related_name="training_participations")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    via = models.CharField(_("invited"), max_length=8, choices=Via.choices, default=Via.PERSON)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices,
                                  default=Attendance.UNKNOWN)
    absence_reason = models.CharField(_("reason for absence"), max_length=300, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", editable=False)
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True, editable=False)
    score = models.DecimalField(_("test score"), max_digits=5, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True, editable=False)
    certificate_issued_at = models.DateTimeField(_("certificate issued"), null=True, blank=True, editable=False)

    unit_field = "session__unit"
    display_related = ("session__course", "user")

    class Meta:
        ordering = ["session", "unit__path", "user__full_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_participation_per_session")]
        indexes = [models.Index(fields=["user", "attendance"], name="participant_user_attendance")]

    def __str__(self):
        return f"{self.user} — {self.session}"

    def get_absolute_url(self):
        return pk_url("training:session_detail", self.session_id)

    @property
    def passed(self):
        """Whether the test was passed (``None``: the course has no test or no score yet)."""
        mark = self.session.course.pass_mark
        if mark is None or self.score is None:
            return None
        return self.score >= mark

    # Every person reads their own participations (their training record) wherever the session was
    # held: everyone holds "view" somewhere, and reaches their own rows besides their roles' scope.
    @classmethod
    def widened_permissions(cls, user, held):
        return {"training.view_participant"}

    @classmethod
    def scope_extra(cls, user, perm):
        if perm == "training.view_participant":
            return models.Q(user=user)
        return None


class Feedback(BaseModel):
    """A participant's evaluation of the session (1–5), entered signed in or through a token link."""

    participant = models.OneToOneField(Participant, verbose_name=_("participant"), on_delete=models.PROTECT,
                                       related_name="feedback")
    relevance = models.PositiveSmallIntegerField(_("useful for my work"), validators=ONE_TO_FIVE)
    content = models.PositiveSmallIntegerField(_("content and materials"), validators=ONE_TO_FIVE)
    trainer = models.PositiveSmallIntegerField(_("trainer"), validators=ONE_TO_FIVE)
    overall = models.PositiveSmallIntegerField(_("overall"), validators=ONE_TO_FIVE)
    comment = models.TextField(_("comment"), blank=True)

    unit_field = "participant__session__unit"

    class Meta:
        ordering = ["participant"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return str(self.participant)

    def get_absolute_url(self):
        return pk_url("training:session_detail", self.participant.session_id)


class EffectivenessCheck(BaseModel):
    """The participant's head's check, some months after the session, that the training worked
    (ISO 9001 7.2 c): due on a date, then recorded with a rating and a note."""

    class Rating(models.TextChoices):
        EFFECTIVE = "effective", _("Effective")
        PARTLY = "partly", _("Partly effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")

    participant = models.OneToOneField(Participant, verbose_name=_("participant"), on_delete=models.PROTECT,
                                       related_name="effectiveness")
    due_on = models.DateField(_("due"))
    rating = models.CharField(_("rating"), max_length=14, choices=Rating.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    checked_on = models.DateField(_("checked on"), null=True, blank=True, editable=False)

    # Scoped by the participant's unit: their head checks it, wherever the session was held.
    unit_field = "participant__unit"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("effectiveness check")
        verbose_name_plural = _("effectiveness checks")
        indexes = [models.Index(fields=["checked_on", "due_on"], name="effcheck_checked_due")]
        permissions = [("check_effectiveness", _("Can check the effectiveness of training"))]

    def __str__(self):
        return str(self.participant)

    def get_absolute_url(self):
        return pk_url("training:session_detail", self.participant.session_id)
