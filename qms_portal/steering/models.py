"""The rollout of the QMS in each unit (the steering committee's board): which phase a unit is in,
its planned and actual dates, and the checklist items ticked by hand with evidence. Models of the
core app (``app_label = "qms_portal"``), imported by ``qms_portal.models``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import BaseModel, Unit


class Phase(models.TextChoices):
    """The phases a unit goes through, in order (the Dalian construction bureau's rollout)."""

    PREPARATION = "preparation", _("Organisational preparation")
    TRAINING = "training", _("Training")
    PLANNING = "planning", _("System planning")
    DOCUMENTATION = "documentation", _("Document writing")
    IMPLEMENTATION = "implementation", _("Implementation")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    CERTIFIED = "certified", _("Certification or announcement")
    MAINTAINED = "maintained", _("Maintained")


PHASES = list(Phase.values)
# The phases that end (a unit stays in "maintained"): each has a planned and an actual end.
ENDING = PHASES[:-1]


def late_against_plan(phase, planned_end, today):
    """The late rule, in one place: the planned end (``planned_end(code)``) of ``phase``, or of a
    phase after it, has passed (the day itself is not late)."""
    ends = (planned_end(code) for code in ENDING[PHASES.index(phase):])
    return any(end is not None and end < today for end in ends)


def _planned(label):
    return models.DateField(format_lazy("{}: {}", _("planned end"), label), null=True, blank=True)


def _done(label):
    return models.DateField(format_lazy("{}: {}", _("completed"), label), null=True, blank=True)


class UnitRollout(BaseModel):
    """Where one unit stands in the rollout. Created by the first move or plan of the unit (a unit
    without one is in organisational preparation, with no plan). Moves and plans go through
    ``steering.rollout_services``; every change is in the History tab."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rollout")
    phase = models.CharField(_("rollout phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION)
    phase_since = models.DateField(_("in this phase since"), default=timezone.localdate)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    # The planned end of each phase, and the day the unit completed it (moved past it).
    planned_preparation = _planned(Phase.PREPARATION.label)
    planned_training = _planned(Phase.TRAINING.label)
    planned_planning = _planned(Phase.PLANNING.label)
    planned_documentation = _planned(Phase.DOCUMENTATION.label)
    planned_implementation = _planned(Phase.IMPLEMENTATION.label)
    planned_internal_audit = _planned(Phase.INTERNAL_AUDIT.label)
    planned_management_review = _planned(Phase.MANAGEMENT_REVIEW.label)
    planned_certified = _planned(Phase.CERTIFIED.label)
    done_preparation = _done(Phase.PREPARATION.label)
    done_training = _done(Phase.TRAINING.label)
    done_planning = _done(Phase.PLANNING.label)
    done_documentation = _done(Phase.DOCUMENTATION.label)
    done_implementation = _done(Phase.IMPLEMENTATION.label)
    done_internal_audit = _done(Phase.INTERNAL_AUDIT.label)
    done_management_review = _done(Phase.MANAGEMENT_REVIEW.label)
    done_certified = _done(Phase.CERTIFIED.label)

    unit_field = "unit"

    class Meta:
        verbose_name = _("unit's rollout")
        verbose_name_plural = _("units' rollout")
        # Moving a unit and planning its phases: "change"; the board itself is the dashboard's
        # permission (qms_portal.view_dashboard).
        default_permissions = ("change",)

    def __str__(self):
        return f"{self.unit} · {self.get_phase_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rollout_detail", args=[self.unit_id])

    def planned_end(self, phase):
        return getattr(self, f"planned_{phase}", None) if phase in ENDING else None

    def done_on(self, phase):
        return getattr(self, f"done_{phase}", None) if phase in ENDING else None

    def is_late(self, today=None):
        """Late against plan: the planned end of the phase it is in, or of one after it, has passed."""
        return late_against_plan(self.phase, self.planned_end, today or timezone.localdate())


class RolloutTick(BaseModel):
    """A checklist item of the rollout ticked by hand for a unit, with a note and evidence
    (attachments). Never deleted: withdrawn with a reason (the item is then open again)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("checklist item"), max_length=40)
    note = models.TextField(_("note"))
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ticked by"), on_delete=models.PROTECT,
                                  related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    unit_field = "unit"
    # Evidence: a decision, a list of trainees, minutes (qms_portal.attachments).
    attachment_types = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png", "webp")
    attachment_action = "qms_portal.change_unitrollout"
    attachment_view_action = "qms_portal.view_dashboard"  # whoever sees the unit's rollout

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        default_permissions = ()  # the rollout's: qms_portal.change_unitrollout
        constraints = [models.UniqueConstraint(fields=["unit", "item"], condition=models.Q(withdrawn_at=None),
                                               name="rollout_tick_once")]

    def __str__(self):
        from .rollout import item_label

        return f"{self.unit} · {item_label(self.item)}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rollout_detail", args=[self.unit_id])

    def attachments_locked(self):
        return self.withdrawn_at is not None
