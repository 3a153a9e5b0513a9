"""Helpers for the competence part's tests: competences, requirements and qualifications made
through the services (``training.services.competence``, ``training.services.qualifications``)."""

from datetime import timedelta

from django.utils import timezone

from qms_portal.models import Role
from qms_portal.services import save_tracked
from tests import factories
from training.models import Competence
from training.services import competence as services
from training.services.qualifications import qualification_create

TODAY = timezone.localdate()


def day(n):
    return TODAY + timedelta(days=n)


def competence(code, months=36, name=None):
    found = Competence.objects.filter(code=code).first()
    if found is not None:
        return found
    return save_tracked(Competence(code=code, name_en=name or code.replace("-", " ").title(),
                                   name_vi=f"{code} (vi)", validity_months=months), acting_user=factories._acting())


def requirement(role_code, comp, unit, **kw):
    return services.requirement_create(acting_user=factories._acting(), role=Role.objects.get(code=role_code),
                                       competence=comp, unit=unit, **kw)


def qualification(user, comp, obtained=-100, until=None, **kw):
    """A qualification obtained ``obtained`` days from today, valid until ``until`` days from today
    (None: the competence's validity)."""
    return qualification_create(acting_user=factories._acting(), user=user, competence=comp,
                                obtained_on=day(obtained), valid_until=day(until) if until is not None else None,
                                outside_body=kw.pop("outside_body", "QUACERT"), **kw)
