"""What each role must be competent in, and what each person is qualified for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Role, Unit

from .sessions import Competence, Participant


class CompetenceRequirement(BaseModel):
    """Whoever holds ``role`` in ``unit`` or below (a role assignment there) must hold a valid
    qualification for ``competence`` — e.g. internal auditors: the internal auditor course; every
    official (staff): ISO 9001 awareness. Set at the agency for all its departments, or at one unit."""

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+")
    competence = models.ForeignKey(Competence, verbose_name=_("competence"), on_delete=models.PROTECT,
                                   related_name="requirements")
    unit = models.ForeignKey(Unit, verbose_name=_("applies in"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("The unit and every unit below it."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    unit_field = "unit"
    display_related = ("role", "competence")

    class Meta:
        ordering = ["unit__path", "role", "competence"]
        verbose_name = _("competence requirement")
        verbose_name_plural = _("competence requirements")
        constraints = [models.UniqueConstraint(fields=["unit", "role", "competence"],
                                               name="one_requirement_per_unit_role_competence")]

    def __str__(self):
        return f"{self.role} — {self.competence}"

    def get_absolute_url(self):
        return pk_url("training:requirement_list")


class Qualification(BaseModel):
    """A competence a person holds: from a session they attended (``participant``) or an outside
    body, obtained on a date and valid until another (none: it does not expire). Withdrawn rather
    than deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="qualifications")
    competence = models.ForeignKey(Competence, verbose_name=_("competence"), on_delete=models.PROTECT,
                                   related_name="qualifications")
    obtained_on = models.DateField(_("obtained on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Leave empty when it does not expire."))
    participant = models.ForeignKey(Participant, verbose_name=_("from the session"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="qualifications", editable=False)
    outside_body = models.CharField(_("awarded by (outside body)"), max_length=300, blank=True)
    reference = models.CharField(_("certificate reference"), max_length=100, blank=True)
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False, editable=False)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True, editable=False)

    # Scoped by the holder's unit (their records are their unit's); the holder reads their own.
    unit_field = "user__primary_unit"
    display_related = ("competence", "user")
    attachment_types = ("pdf", "jpg", "jpeg", "png")

    class Meta:
        ordering = ["user__full_name", "competence", "-obtained_on"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["user", "competence", "valid_until"], name="qualif_user_comp_until"),
                   models.Index(fields=["valid_until"], name="qualif_valid_until")]
        constraints = [models.CheckConstraint(
            condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("obtained_on")),
            name="qualification_valid_after_obtained")]

    def __str__(self):
        return f"{self.competence} — {self.user}"

    def get_absolute_url(self):
        return pk_url("training:qualification_detail", self.pk)

    def is_valid_on(self, day):
        if self.is_withdrawn or self.obtained_on > day:
            return False
        return self.valid_until is None or self.valid_until >= day

    # Every person reads their own qualifications (their training record), as their participations.
    @classmethod
    def widened_permissions(cls, user, held):
        return {"training.view_qualification"}

    @classmethod
    def scope_extra(cls, user, perm):
        if perm == "training.view_qualification":
            return models.Q(user=user)
        return None
