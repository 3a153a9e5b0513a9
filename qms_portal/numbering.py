"""Numbering sequences: the next number of one kind of record in one unit, formatted by a pattern.

    with transaction.atomic():              # the transaction that saves the record
        number = next_number(unit=unit, kind="NC", pattern="{unit}-NC-{year}-{n:03}", year=2026)
        # → "DIST-NC-2026-007"

A pattern is a Python format string with these fields:

* ``{unit}`` — the unit's code;
* ``{n}`` (or ``{number}``, the same) — the number; every pattern must have it;
* ``{year}`` — only for a sequence that starts again each year (``year=`` given), and then required;
* whatever the caller passes in ``fields`` (documents pass ``prefix`` and ``type``).

Format specs work as in Python (``{n:03}`` → ``007``, ``{number:02d}`` → ``07``). Attribute and index
lookups (``{unit.pk}``, ``{type[0]}``), positional fields (``{0}``), conversions (``{unit!r}``),
nested fields and widths over ``MAX_WIDTH`` are refused: ``validate_pattern`` raises a
``ValidationError`` with a message for the person who typed the pattern.

How numbers are given:

* the sequence row (unit, kind, year) is locked with ``select_for_update`` in the caller's transaction
  and stays locked until that transaction ends: two people saving a record at once get consecutive
  numbers (the second waits for the first to commit);
* the row is created on first use; two first uses at once are safe — a unique constraint lets only
  one insert win, the other waits for it, then locks and reads the winner's row;
* it only grows: a number given to a record that is later withdrawn or cancelled is never given again;
* a transaction that rolls back takes its increment with it — the number was never on any saved
  record, so the next record gets it (that is what a locked row gives: no gaps from failed saves);
* ``taken`` (optional) passes over numbers already in use (a code typed by hand), consuming them.

``peek_next`` says what the next number will be, for a form, without locking or consuming anything
(someone else may take it before the form is saved).

The kind is a short string chosen by the area: ``"NC"``, ``"audits:AUD"``, ``"documents:QT"``.
"""

import re
import string
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import NumberSequence

NUMBER_FIELDS = ("n", "number")
CORE_FIELDS = ("unit", "year", *NUMBER_FIELDS)
MAX_WIDTH = 20  # the largest width or precision a format spec may ask for ({n:020})
MAX_SKIPS = 1000  # numbers ``taken`` may pass over in one call before giving up
SAMPLE_YEAR = 2026


def _extra_fields(fields):
    """The caller's fields as a mapping name → value (names only: a sample string)."""
    if fields is None:
        return {}
    extra = dict(fields) if isinstance(fields, Mapping) else dict.fromkeys(fields, "X")
    clash = set(extra) & set(CORE_FIELDS)
    if clash:
        raise ValueError(f"numbering fields may not be named {sorted(clash)}: the core fills them in")
    return extra


def _format(pattern, *, unit_code, year, number, extra):
    return pattern.format(**extra, unit=unit_code, year=year, n=number, number=number)


def _malformed():
    return ValidationError(
        _("The pattern cannot be read: check the braces { } and the format after each colon, such as {n:03}."),
        code="malformed",
    )


def validate_pattern(pattern, fields=(), *, yearly=False):
    """Raise ``ValidationError`` unless ``pattern`` can number records: only the fields ``{unit}``,
    ``{n}``/``{number}``, ``{year}`` (when ``yearly``) and the names in ``fields`` (a list of names,
    or a mapping name → sample value, used to check the format specs); the number present; the year
    present when ``yearly``; well-formed braces and format specs."""
    extra = _extra_fields(fields)
    allowed = ["unit", *(["year"] if yearly else []), *extra, *NUMBER_FIELDS]
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        raise _malformed() from None
    used = set()
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            raise ValidationError(
                _("The pattern has an unknown field {%(field)s}. Fields you may use: %(fields)s."),
                code="unknown_field",
                params={"field": name, "fields": ", ".join(f"{{{a}}}" for a in allowed)},
            )
        if conversion or "{" in spec or any(int(d) > MAX_WIDTH for d in re.findall(r"\d+", spec)):
            raise _malformed()
        used.add(name)
    if not used & set(NUMBER_FIELDS):
        raise ValidationError(_("The pattern must include the number: {n} or {number}."), code="no_number")
    if yearly and "year" not in used:
        raise ValidationError(_("This numbering starts again each year: the pattern must include {year}."),
                              code="no_year")
    try:
        _format(pattern, unit_code="UNIT", year=SAMPLE_YEAR, number=1, extra=extra)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise _malformed() from None


def _locked_sequence(unit, kind, year):
    rows = NumberSequence.objects.select_for_update()
    lookup = {"unit": unit, "kind": kind, "year": year}  # year=None matches IS NULL
    sequence = rows.filter(**lookup).first()
    if sequence is None:
        try:
            with transaction.atomic():  # a savepoint: losing the race leaves the caller's transaction usable
                NumberSequence.objects.create(**lookup)
        except IntegrityError:
            pass  # created by someone else at the same moment (PostgreSQL waited for them to commit)
        sequence = rows.get(**lookup)
    return sequence


def _first_free(pattern, *, unit, year, number, extra, taken):
    for _attempt in range(MAX_SKIPS):
        text = _format(pattern, unit_code=unit.code, year=year, number=number, extra=extra)
        if taken is None or not taken(text):
            return number, text
        number += 1
    raise ValidationError(_("Too many numbers in a row are already in use; type the number by hand."),
                          code="all_taken")


@transaction.atomic
def next_number(*, unit, kind, pattern, year=None, fields=None, taken=None):
    """The next number of ``kind`` in ``unit`` (and ``year``, when the numbering starts again each
    year), formatted by ``pattern`` with ``fields``. Call it inside the transaction that saves the
    record: the sequence stays locked until that transaction ends, and a rollback gives the number
    back. ``taken(text)`` → True passes over a number already in use (it is consumed)."""
    extra = _extra_fields(fields)
    validate_pattern(pattern, extra, yearly=year is not None)
    sequence = _locked_sequence(unit, kind, year)
    number, text = _first_free(pattern, unit=unit, year=year, number=sequence.last_number + 1, extra=extra,
                               taken=taken)
    sequence.last_number = number
    sequence.save(update_fields=["last_number"])
    return text


def peek_next(*, unit, kind, pattern, year=None, fields=None, taken=None):
    """What ``next_number`` would give now, without locking or consuming anything."""
    extra = _extra_fields(fields)
    validate_pattern(pattern, extra, yearly=year is not None)
    number = last_number(unit=unit, kind=kind, year=year) + 1
    return _first_free(pattern, unit=unit, year=year, number=number, extra=extra, taken=taken)[1]


def last_number(*, unit, kind, year=None):
    """The last number given (0 when none yet)."""
    return (NumberSequence.objects.filter(unit=unit, kind=kind, year=year)
            .values_list("last_number", flat=True).first()) or 0
