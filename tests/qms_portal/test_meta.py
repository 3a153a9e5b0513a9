"""Meta-tests: a new page or a new model cannot arrive untested or unprotected.

* every URL name of the project has a row in the access matrix (and no row is stale);
* every business model of the project's apps keeps history (django-simple-history);
* every business model says how it reaches a unit (``unit_field``) or is explicitly global.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalChanges, registered_models

from qms_portal.models import Unit
from tests.qms_portal.test_access_matrix import (
    CORE_URL_KWARGS,
    FIXED_KWARGS,
    MATRIX,
    OBJECT_KWARGS,
    VARIANT_KWARGS,
    area_of,
)
from tests.viewtests import walk_urls

PROJECT_APPS = ("qms_portal", *settings.QMS_AREAS)

# Infrastructure, not business records: no history, no unit. Each entry says why.
NOT_BUSINESS = {
    "qms_portal.TransitionRecord": "the workflow trail itself; append-only",
    "qms_portal.Notification": "a message to one person, scoped by recipient",
    "qms_portal.OutboxMessage": "a queued task",
    "qms_portal.ReminderClaim": "an idempotency key",
    "qms_portal.Job": "a background job (an export) and the file it made for one person, scoped by requester; "
                      "deleted after QMS_JOB_KEEP_DAYS with its file: a cache of what the records say, not a record",
    "qms_portal.NumberSequence": "a counter (last number per unit, kind and year) locked to give numbers; it only "
                                 "grows, and the records it numbers keep their own history",
    "qms_portal.FigureSnapshot": "the dashboard's monthly reading of a figure for its trend: derived from the "
                                 "records (each keeps its own history), replaced by the next reading",
    "documents.Clause": "the ISO 9001 clause catalogue: fixed reference data, not edited in the portal",
    "documents.ControlledCopy": "a rendered PDF of a revision: a cache, remade from the revision",
    "audits.AnswerReceipt": "an idempotency key of a checklist answer; the answer's own history is the item's",
    "objectives.SurveyResponse": "an anonymous answer sheet, written once through its link and never changed; "
                                 "its survey keeps the history of the survey itself",
    "objectives.SurveyAnswer": "a rating within an answer sheet, written with it once and never changed",
}
# Business models that are deliberately not scoped to a unit (history still required).
GLOBAL_MODELS = {
    "qms_portal.Role": "a role is a named set of permissions, the same in every unit",
    "documents.DocumentType": "document types are configured once per deployment",
    "documents.LegalDocument": "the legal register (laws, decrees) applies to every unit",
    "training.Competence": "a competence means the same in every unit: a ward's requirement names a city's course's",
    "training.Course": "the course catalogue is shared: any unit holds sessions of a course",
}


def project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not model._meta.abstract and not model._meta.proxy:
            yield model


def is_historical(model):
    return issubclass(model, HistoricalChanges)


def is_guardian_grant_table(model):
    return issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase)


def business_models():
    for model in project_models():
        if model._meta.auto_created or is_historical(model) or is_guardian_grant_table(model):
            continue
        if model._meta.label in NOT_BUSINESS:
            continue
        yield model


# ---- URLs ------------------------------------------------------------------------------------------
def test_every_url_name_is_in_the_access_matrix():
    names = {name for name, _route, _kw in walk_urls()}
    missing = sorted(n for n in names if n and n not in MATRIX)
    assert not missing, f"URLs without a row in the access matrix (tests/qms_portal/test_access_matrix.py): {missing}"


def test_every_url_pattern_has_a_name():
    unnamed = sorted(route for name, route, _kw in walk_urls() if not name)
    assert not unnamed, f"URL patterns without a name cannot be reversed or covered: {unnamed}"


def test_the_access_matrix_has_no_stale_rows():
    names = {name for name, _route, _kw in walk_urls()}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"Rows in the access matrix for URLs that no longer exist: {stale}"


def test_the_access_matrix_knows_every_url_argument():
    known = set(FIXED_KWARGS) | OBJECT_KWARGS | VARIANT_KWARGS
    unknown = {
        (name, kw) for name, _route, kwargs in walk_urls() for kw in kwargs
        if kw not in known and not hasattr(area_of(name or ""), "url_kwargs") and name not in CORE_URL_KWARGS
    }
    assert not unknown, f"URL arguments the access matrix cannot fill in: {sorted(unknown)}"
    for name, _route, kwargs in walk_urls():
        row = MATRIX.get(name)
        if row is None:
            continue
        if "pk" in kwargs:
            assert row.obj, f"{name} takes a pk: its row must name the kind of object (obj=...)"
        if "transition" in kwargs:
            assert row.variants, f"{name} takes a transition: its row must list the transitions (variants=...)"


# ---- models ----------------------------------------------------------------------------------------
def test_the_model_lists_name_real_models():
    labels = {m._meta.label for m in project_models()}
    stale = sorted((set(NOT_BUSINESS) | set(GLOBAL_MODELS)) - labels)
    assert not stale, f"Allowlisted models that do not exist (remove them from test_meta.py): {stale}"


@pytest.mark.parametrize("model", list(business_models()), ids=lambda m: m._meta.label)
def test_every_business_model_keeps_history(model):
    assert hasattr(model, "history") and registered_models.get(model._meta.db_table) is model, (
        f"{model._meta.label} has no django-simple-history: inherit qms_portal.models.BaseModel (or add "
        f"HistoricalRecords), or list it in NOT_BUSINESS in {__name__} with the reason."
    )


@pytest.mark.parametrize("model", list(business_models()), ids=lambda m: m._meta.label)
def test_every_business_model_is_scoped_to_a_unit_or_declared_global(model):
    unit_field = getattr(model, "unit_field", None)
    if model._meta.label in GLOBAL_MODELS:
        assert unit_field is None, f"{model._meta.label} is listed as global but declares unit_field={unit_field!r}"
        return
    assert unit_field is not None, (
        f"{model._meta.label} declares no unit_field: say how a row reaches its unit (a lookup such as "
        f"'unit' or 'revision__document__unit'), or list it in GLOBAL_MODELS in {__name__} with the reason."
    )
    # The lookup must really lead to a Unit.
    target = model
    for part in [p for p in unit_field.split("__") if p]:
        field = target._meta.get_field(part)
        assert isinstance(field, models.ForeignKey | models.OneToOneField), (
            f"{model._meta.label}.unit_field={unit_field!r}: {part!r} is not a foreign key"
        )
        target = field.related_model
    assert target is Unit, f"{model._meta.label}.unit_field={unit_field!r} leads to {target.__name__}, not Unit"


def test_the_meta_checks_see_the_core_models():
    """Guard against the filters above silently selecting nothing."""
    labels = {m._meta.label for m in business_models()}
    assert {"qms_portal.Unit", "qms_portal.User", "qms_portal.Role", "qms_portal.RoleAssignment",
            "qms_portal.AccessRequest"} <= labels
