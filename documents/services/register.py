"""The document register: types, numbering, documents."""

import string

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal.services import require_can as _require
from qms_portal.services import save_tracked as _save

from ..models import (
    Clause,
    Document,
    DocumentCounter,
    DocumentType,
    PeriodicReview,
    RegisterSettings,
    Revision,
)

# code → (name, level, has_steps, needs_category, is_form, review months)
SYSTEM_TYPES = {
    "STCL": (gettext_noop("Quality manual"), 1, False, False, False, 24),
    "CS": (gettext_noop("Quality policy"), 1, False, False, False, 12),
    "MT": (gettext_noop("Quality objectives"), 1, False, False, False, 12),
    "QT": (gettext_noop("Procedure"), 2, True, True, False, 12),
    "HD": (gettext_noop("Work instruction"), 3, True, False, False, 24),
    "BM": (gettext_noop("Form / record template"), 4, False, False, True, 24),
    "TL": (gettext_noop("External document"), 5, False, False, False, 12),
}


@transaction.atomic
def ensure_system_types():
    types = {}
    for code, (name, level, steps, category, form, months) in SYSTEM_TYPES.items():
        types[code], _created = DocumentType.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "has_steps": steps, "needs_category": category,
                      "is_form": form, "default_review_months": months, "is_system": True},
        )
    return types


def ensure_clauses():
    from ..data.iso9001 import CLAUSES

    existing = set(Clause.objects.values_list("number", flat=True))
    Clause.objects.bulk_create(
        Clause(number=n, sort_key=Clause.key_for(n), title_en=en, title_vi=vi, title_zh_hans=hans, title_zh_hant=hant)
        for n, en, vi, hans, hant in CLAUSES if n not in existing
    )


def _review_base(document):
    last = (document.periodic_reviews.filter(outcome=PeriodicReview.Outcome.VALID)
            .order_by("-reviewed_on").values_list("reviewed_on", flat=True).first())
    return max(d for d in (last, document.effective_since) if d is not None)


def register_prefix(unit):
    settings_row = RegisterSettings.objects.filter(unit=unit).first()
    if settings_row is not None:
        return settings_row.prefix, settings_row.pattern
    return unit.code, "{prefix}-{type}-{number:02d}"


PATTERN_FIELDS = {"prefix", "type", "number"}


def pattern_problem(pattern):
    """True when ``pattern`` cannot number documents: a field other than {prefix}, {type} and
    {number} (attribute and index lookups included), a broken brace, or no {number} at all, which
    would give every document the same code."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None]
        pattern.format(prefix="X", type="QT", number=1)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return True
    return not set(fields) <= PATTERN_FIELDS or "number" not in fields


def allocate_code(unit, doc_type):
    """The next code for this unit and type. The counter row is locked, and it only ever grows:
    a withdrawn document's code is never given again."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(unit=unit, doc_type=doc_type)
    prefix, pattern = register_prefix(unit)
    if pattern_problem(pattern):
        # A pattern saved before it was checked (or without {number}) would give the same code for
        # every number, and the loop below would never end.
        raise ValidationError({"code": _("The numbering pattern of this unit is not valid; type the code by hand "
                                         "or ask the document controller to correct it.")})
    while True:
        counter.last_number += 1
        code = pattern.format(prefix=prefix, type=doc_type.code, number=counter.last_number)
        if not Document.objects.filter(unit=unit, code=code).exists():
            break
    counter.save(update_fields=["last_number"])
    return code


@transaction.atomic
def document_create(*, acting_user, unit, doc_type, title, process_owner, category="", clauses=(),
                    review_months=None, legal_time_limit_days=None, code=""):
    """A new document with its first draft revision (rev. 01) by the acting user."""
    _require(acting_user, "documents.add_document", unit)
    if doc_type.needs_category and not category:
        raise ValidationError({"category": _("Choose the category of this procedure.")})
    code = code.strip() or allocate_code(unit, doc_type)
    if Document.objects.filter(unit=unit, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used in this unit.") % {"code": code}})
    document = _save(
        Document(unit=unit, code=code, title=title, doc_type=doc_type, category=category, process_owner=process_owner,
                 review_months=review_months or doc_type.default_review_months,
                 legal_time_limit_days=legal_time_limit_days),
        acting_user, m2m={"clauses": clauses},
    )
    _save(Revision(document=document, number=1, author=acting_user), acting_user)
    return document


@transaction.atomic
def document_update(*, acting_user, document, **fields):
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require(acting_user, "change", document)
    clauses = fields.pop("clauses", None)
    if fields.get("review_months") is None:
        fields.pop("review_months", None)  # left empty on the form: the period stays as it was
    months_before = document.review_months
    for name, value in fields.items():
        setattr(document, name, value)
    if document.doc_type.needs_category and not document.category:
        raise ValidationError({"category": _("Choose the category of this procedure.")})
    if document.review_months != months_before and document.next_review_date and not document.is_withdrawn:
        # The next review follows the new period, counted from the last review (or the effective date).
        document.next_review_date = _review_base(document) + relativedelta(months=document.review_months)
    _save(document, acting_user, m2m={"clauses": clauses} if clauses is not None else None)
    return document


@transaction.atomic
def register_settings_save(*, acting_user, unit, prefix, pattern):
    _require(acting_user, "documents.change_registersettings", unit)
    if pattern_problem(pattern):
        raise ValidationError({"pattern": _("Use only {prefix}, {type} and {number} in the pattern, and "
                                            "include {number}.")})
    row = RegisterSettings.objects.filter(unit=unit).first() or RegisterSettings(unit=unit)
    row.prefix, row.pattern = prefix, pattern
    return _save(row, acting_user)
