"""The one-stop-shop desk (ISO 9001 8.7 and customer feedback, 9.1.2).

* ``NonconformingOutput``: an output that failed its requirement — in an administrative agency
  usually a citizen's file handled after its legal time limit — with what was done about it (the
  disposition: a correction, an apology letter to the citizen, a concession someone authorised,
  the work done again) and, when it calls for one, a nonconformity raised from it.
* ``CitizenFeedback``: what a citizen said through the desk's QR code (a standing token page,
  ``qms_portal.public_links``): a rating on the five levels of the Chinese "good/bad review"
  (非常满意 … 非常不满意), a comment, optional contact and case reference. A bad review is the
  handling unit's to answer within ``QMS_FEEDBACK_REPLY_WORKING_DAYS`` working days; the unit's
  ISO officer answers it, dismisses it with a reason, or raises a nonconformity from it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, PublicLink, Unit

__all__ = ["CaseFeedbackRequest", "CitizenFeedback", "NonconformingOutput", "add_working_days", "working_days_late"]

CITIZEN_LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]


def add_working_days(day, count):
    """The date ``count`` working days (Monday to Friday) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def working_days_late(due, done):
    """The working days from ``due`` (excluded) to ``done`` (included): 0 when on time."""
    if due is None or done is None or done <= due:
        return 0
    days = (done - due).days
    whole_weeks, rest = divmod(days, 7)
    late = whole_weeks * 5
    for offset in range(1, rest + 1):
        if (due + timedelta(days=offset)).weekday() < 5:
            late += 1
    return late


class NonconformingOutput(BaseModel):
    class Disposition(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        APOLOGY = "apology", _("Apology letter to the citizen")
        CONCESSION = "concession", _("Concession")
        REDONE = "redone", _("Done again")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="nonconforming_outputs")
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    case_reference = models.CharField(_("case reference"), max_length=60,
                                      help_text=_("The number of the citizen's file."))
    delivered = models.TextField(_("what was delivered"))
    requirement = models.CharField(_("requirement missed"), max_length=300, blank=True,
                                   help_text=_("Left empty, the procedure's legal time limit is written here."))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    citizen_name = models.CharField(_("citizen's name"), max_length=200)
    citizen_language = models.CharField(_("citizen's language"), max_length=10, choices=CITIZEN_LANGUAGES,
                                        default="vi", help_text=_("The apology letter is written in it."))
    citizen_address = models.TextField(_("citizen's address"), blank=True)
    disposition = models.CharField(_("disposition"), max_length=12, choices=Disposition.choices)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("concession authorised by"),
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+", editable=False)

    unit_field = "unit"
    display_related = ()

    class Meta:
        ordering = ["-due_on", "-pk"]
        verbose_name = _("nonconforming output")
        verbose_name_plural = _("nonconforming outputs")
        indexes = [models.Index(fields=["-due_on", "-id"], name="ncoutput_due_order"),
                   models.Index(fields=["unit", "due_on"], name="ncoutput_unit_due")]
        permissions = [
            ("print_apology_letter", _("Can print apology letters to citizens")),
            ("authorise_concession", _("Can authorise a concession on a nonconforming output")),
        ]

    def __str__(self):
        return f"{self.case_reference} — {self.citizen_name}"

    def get_absolute_url(self):
        return pk_url("nonconformities:output_detail", self.pk)

    @property
    def days_late(self):
        """Working days after the due date (until today while not delivered)."""
        return working_days_late(self.due_on, self.delivered_on or timezone.localdate())


class CitizenFeedback(BaseModel):
    class Rating(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        BASICALLY_SATISFIED = 3, _("Basically satisfied")
        NOT_SATISFIED = 2, _("Not satisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        DISMISSED = "dismissed", _("Dismissed")
        NONCONFORMITY = "nonconformity", _("Nonconformity raised")

    BAD = (Rating.NOT_SATISFIED, Rating.VERY_DISSATISFIED)

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="citizen_feedback")
    link = models.ForeignKey(PublicLink, verbose_name=_("received through"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", editable=False)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    citizen_name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=200, blank=True)
    case_reference = models.CharField(_("case reference"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=CITIZEN_LANGUAGES, default="vi")
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    reply_due_on = models.DateField(_("reply due"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NEW,
                              editable=False)
    reply = models.TextField(_("reply"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True, editable=False)

    unit_field = "unit"
    display_related = ()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("citizen feedback")
        verbose_name_plural = _("citizen feedback")
        indexes = [models.Index(fields=["-received_at", "-id"], name="feedback_received_order"),
                   models.Index(fields=["unit", "status", "reply_due_on"], name="feedback_unit_status")]
        permissions = [("print_desk_qr", _("Can print and withdraw the desk's feedback QR code"))]

    def __str__(self):
        return _("Feedback #%(number)s") % {"number": self.pk}

    @property
    def case_request(self):
        """The per-case request it answers (a link handed out for one file), or None (the desk's QR code)."""
        link = self.link
        return link.target if link is not None and isinstance(link.target, CaseFeedbackRequest) else None

    def get_absolute_url(self):
        return pk_url("nonconformities:feedback_detail", self.pk)

    @property
    def is_bad(self):
        return self.rating in self.BAD

    @property
    def is_overdue(self):
        return (self.status == self.Status.NEW and self.reply_due_on is not None
                and self.reply_due_on < timezone.localdate())


class CaseFeedbackRequest(BaseModel):
    """A request for the citizen's rating of one file ("一事一评": each case rated): a single-use
    link handed to the citizen when the file is returned (printed on the receipt as a QR code, or
    sent by SMS or e-mail), valid ``QMS_CASE_FEEDBACK_DAYS`` days. The feedback it brings carries
    the file's number and procedure without the citizen typing them, and the unit sees which of
    its files were rated."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    case_reference = models.CharField(_("case reference"), max_length=60,
                                      help_text=_("The number of the citizen's file."))
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("citizen's language"), max_length=10, choices=CITIZEN_LANGUAGES, default="vi")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    link = models.OneToOneField(PublicLink, verbose_name=_("link"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False)

    unit_field = "unit"
    display_related = ()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case feedback request")
        verbose_name_plural = _("case feedback requests")
        indexes = [models.Index(fields=["-created_at", "-id"], name="case_request_order")]
        permissions = [("issue_case_feedback_link", _("Can hand a citizen the feedback link of their file"))]

    def __str__(self):
        return self.case_reference

    def get_absolute_url(self):
        return reverse("nonconformities:case_request_list") + f"?q={self.case_reference}"
