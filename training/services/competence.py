"""Competence requirements: what whoever holds a role in a unit (and below) must be qualified for.
Created, corrected and deactivated (never deleted) by the training coordinator of the unit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qms_portal.services import require_can, save_tracked

from ..models import CompetenceRequirement

# Lock the row itself, never the rows its ordering or select_related join (PostgreSQL refuses a
# lock on the nullable side of an outer join).
SELF = ("self",)

EDITABLE = ("role", "competence", "unit", "note")


def _check(requirement):
    if not requirement.unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    if not requirement.competence.is_active:
        raise ValidationError({"competence": _("Choose an active competence.")})
    twin = CompetenceRequirement.objects.filter(unit=requirement.unit, role=requirement.role,
                                                competence=requirement.competence)
    if requirement.pk:
        twin = twin.exclude(pk=requirement.pk)
    if twin.exists():
        raise ValidationError(_("This unit already requires this competence of this role (see the list; "
                                "a deactivated one can be edited and is active again)."))


def requirement_create(*, acting_user, role, competence, unit, note=""):
    """Require ``competence`` of whoever holds ``role`` in ``unit`` or below."""
    requirement = CompetenceRequirement(role=role, competence=competence, unit=unit, note=note or "")
    with transaction.atomic():
        require_can(acting_user, "training.add_competencerequirement", unit)
        _check(requirement)
        save_tracked(requirement, acting_user=acting_user)
    return requirement


def requirement_update(*, acting_user, requirement, **fields):
    """Correct a requirement (``EDITABLE`` fields); a deactivated one saved again is active again.
    The acting user must hold "change" over its unit before and after."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise TypeError(f"requirement_update() got unexpected fields: {', '.join(unknown)}")
    with transaction.atomic():
        requirement = (CompetenceRequirement.objects.select_for_update(of=SELF).select_related("unit")
                       .get(pk=requirement.pk))
        require_can(acting_user, "change", requirement)
        for name, value in fields.items():
            setattr(requirement, name, value)
        requirement.is_active = True
        require_can(acting_user, "training.change_competencerequirement", requirement.unit)
        _check(requirement)
        save_tracked(requirement, acting_user=acting_user)
    return requirement


def requirement_deactivate(*, acting_user, requirement):
    """The requirement no longer applies (kept, with its history)."""
    with transaction.atomic():
        requirement = (CompetenceRequirement.objects.select_for_update(of=SELF).select_related("unit")
                       .get(pk=requirement.pk))
        require_can(acting_user, "change", requirement)
        if not requirement.is_active:
            raise ValidationError(_("This requirement is already inactive."))
        requirement.is_active = False
        save_tracked(requirement, acting_user=acting_user)
    return requirement
