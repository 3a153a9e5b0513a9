"""The document register: types, numbering, documents."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal import numbering
from qms_portal.services import require_can, save_tracked

from ..models import (
    Clause,
    Document,
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


DEFAULT_PATTERN = "{prefix}-{type}-{number:02d}"
CODE_LENGTH = Document._meta.get_field("code").max_length


def register_prefix(unit):
    settings_row = RegisterSettings.objects.filter(unit=unit).first()
    if settings_row is not None:
        return settings_row.prefix, settings_row.pattern
    return unit.code, DEFAULT_PATTERN


def numbering_kind(doc_type):
    """The kind of the unit's number sequence for this document type (``qms_portal.numbering``)."""
    return f"documents:{doc_type.code}"


def code_fields(prefix, doc_type_code):
    return {"prefix": prefix, "type": doc_type_code}


def validate_code_pattern(pattern, *, prefix="X", unit=None):
    """Raise ``ValidationError`` (the message says what is wrong) unless ``pattern`` can number
    documents: the fields {prefix}, {type}, {number} (or {n}) and {unit}, with the number present,
    so that no two documents get the same code, and a first code that fits the code field."""
    longest_type = max(DocumentType.objects.values_list("code", flat=True), key=len, default="QT")
    numbering.validate_pattern(pattern, code_fields(prefix, longest_type))
    sample = pattern.format(prefix=prefix, type=longest_type, unit=unit.code if unit else "X", n=1, number=1)
    if len(sample) > CODE_LENGTH:
        raise ValidationError(_("The codes this pattern gives would be longer than %(max)d characters."),
                              params={"max": CODE_LENGTH})


def _code_taken(unit):
    return lambda code: Document.objects.filter(unit=unit, code=code).exists()


def document_allocate_code(*, unit, doc_type):
    """The next code for this unit and type, from the unit's number sequence for the type
    (``qms_portal.numbering``): the sequence is locked until the caller's transaction ends, and it
    only ever grows, so a withdrawn document's code is never given again. Codes already typed by
    hand are passed over."""
    prefix, pattern = register_prefix(unit)
    fields = code_fields(prefix, doc_type.code)
    try:
        numbering.validate_pattern(pattern, fields)
    except ValidationError:
        # A pattern saved before it was checked (or without {number}) would give the same code for
        # every number.
        raise ValidationError({"code": _("The numbering pattern of this unit is not valid; type the code by hand "
                                         "or ask the document controller to correct it.")}) from None
    code = numbering.next_number(unit=unit, kind=numbering_kind(doc_type), pattern=pattern, fields=fields,
                                 taken=_code_taken(unit))
    if len(code) > CODE_LENGTH:
        raise ValidationError({"code": _("The next code, %(code)s, is longer than %(max)d characters; type the "
                                         "code by hand or ask the document controller to shorten the pattern.")
                                       % {"code": code, "max": CODE_LENGTH}})
    return code


def next_codes(unit, doc_types, prefix=None, pattern=None):
    """``[(document type, the code the next document of that type will get)]`` without consuming any
    number (for the numbering page); the unit's saved prefix and pattern unless others are given.
    The code is None where the pattern cannot number documents."""
    saved_prefix, saved_pattern = register_prefix(unit)
    prefix, pattern = prefix or saved_prefix, pattern or saved_pattern
    rows = []
    for doc_type in doc_types:
        try:
            code = numbering.peek_next(unit=unit, kind=numbering_kind(doc_type), pattern=pattern,
                                       fields=code_fields(prefix, doc_type.code), taken=_code_taken(unit))
        except ValidationError:
            code = None
        rows.append((doc_type, code))
    return rows


@transaction.atomic
def document_create(*, acting_user, unit, doc_type, title, process_owner, category="", clauses=(),
                    review_months=None, legal_time_limit_days=None, code=""):
    """A new document with its first draft revision (rev. 01) by the acting user."""
    require_can(acting_user, "documents.add_document", unit)
    if doc_type.needs_category and not category:
        raise ValidationError({"category": _("Choose the category of this procedure.")})
    code = code.strip() or document_allocate_code(unit=unit, doc_type=doc_type)
    if Document.objects.filter(unit=unit, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used in this unit.") % {"code": code}})
    document = save_tracked(
        Document(unit=unit, code=code, title=title, doc_type=doc_type, category=category, process_owner=process_owner,
                 review_months=review_months or doc_type.default_review_months,
                 legal_time_limit_days=legal_time_limit_days),
        acting_user, m2m={"clauses": clauses},
    )
    save_tracked(Revision(document=document, number=1, author=acting_user), acting_user)
    return document


@transaction.atomic
def document_update(*, acting_user, document, **fields):
    document = Document.objects.select_for_update().get(pk=document.pk)
    require_can(acting_user, "change", document)
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
    save_tracked(document, acting_user, m2m={"clauses": clauses} if clauses is not None else None)
    return document


@transaction.atomic
def register_settings_save(*, acting_user, unit, prefix, pattern):
    require_can(acting_user, "documents.change_registersettings", unit)
    try:
        validate_code_pattern(pattern, prefix=prefix, unit=unit)
    except ValidationError as error:
        raise ValidationError({"pattern": error.messages}) from None
    row = RegisterSettings.objects.filter(unit=unit).first() or RegisterSettings(unit=unit)
    row.prefix, row.pattern = prefix, pattern
    return save_tracked(row, acting_user)
