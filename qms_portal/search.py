"""Searching Vietnamese and Chinese text as officials type it: with or without tone marks.

Officials often type Vietnamese without its marks ("thu tuc" for "thủ tục", "Nguyen" for
"Nguyễn"). Text is compared in two forms:

* ``search_form(text)``: NFC and case-folded ("KIỂM SOÁT" → "kiểm soát");
* ``fold(text)``: that, without the Latin diacritics (Vietnamese tone and vowel marks: à á ả ã ạ,
  ă â, ê, ô ơ, ư) and with đ as d ("Thủ tục đăng ký" → "thu tuc dang ky"). Chinese, Japanese and
  Korean characters are left exactly as they are (only the combining marks U+0300–U+036F go).

A query is matched on its folded form, so an unaccented query finds accented text and an accented
one finds it too. Folding alone would let "bản" (a copy) also find "ban" (a board), "bàn" and
"bạn": Vietnamese spelt without marks has many such collisions. So every word the reader typed
WITH marks must also appear with those marks (``query_terms``): "bản" finds "bản" only, while
"ban" finds all of them. A reader who types some marks and leaves others out ("thủ tuc") is
matched on the words they marked. The price: text that was itself typed without marks is found
only by a query without marks.

Two ways to use it:

* a stored search column (the documents' register; people and units, whose ``search_key`` their
  ``save()`` writes from the fields they name in ``search_from``; trigram indexes on PostgreSQL
  serve them): ``searchable(text)`` writes the folded text followed by the distinct words that
  carry marks, and ``matches(field, query)`` filters on it. The lists use this;
* columns stored as typed, for a rare or small search: the ``folded`` and ``casefolded`` transforms
  (slow over many rows: PostgreSQL's ``translate`` with the long mapping took 1 s over 5,000 people),
  ``User.objects.filter(full_name__folded__contains="nguyen")``, computed by the database
  (PostgreSQL's ``translate`` and ``lower``; on SQLite, functions this module registers on every
  connection). ``field_matches(field, query)`` builds the filter.
"""

import re
import unicodedata

from django.db.models import CharField, Q, TextField, Transform
from django.db.models.functions import Lower

COMBINING_MARKS = re.compile("[\u0300-\u036f]")
WORD = re.compile(r"\w+")
# Between the folded text and its marked words in a stored search column: a query never holds
# it (queries are one line), so a match never spans the two parts.
MARKED_WORDS = "\n"


def search_form(text):
    """NFC and case-folded: "KIỂM SOÁT" and "kiểm soát" are the same on every database, whatever
    its collation."""
    return unicodedata.normalize("NFC", text or "").casefold()


def fold(text):
    """``search_form`` without Latin diacritics and with đ as d ("Đánh giá" → "danh gia")."""
    decomposed = unicodedata.normalize("NFD", search_form(text))
    # ð (U+00F0) looks like đ and is what some converted old Vietnamese encodings hold.
    stripped = COMBINING_MARKS.sub("", decomposed).replace("đ", "d").replace("ð", "d")
    return unicodedata.normalize("NFC", stripped)


def marked_words(text):
    """The distinct words of ``text`` (in ``search_form``) that carry marks, in order of appearance."""
    return list(dict.fromkeys(w for w in WORD.findall(search_form(text)) if fold(w) != w))


def searchable(text):
    """What a stored search column holds for ``text``: the folded text, then (after a line break)
    the words that carry marks, as typed — the second part is what an accented query must find."""
    words = marked_words(text)
    return fold(text) + (MARKED_WORDS + " ".join(words) if words else "")


def query_terms(query):
    """(the folded query, the words typed with marks): ``("thu tuc", ["thủ", "tục"])`` for
    "Thủ tục". Spaces are collapsed, as the stored text's are. ("", []) for an empty query."""
    text = " ".join(search_form(query).split())
    return fold(text), [w for w in WORD.findall(text) if fold(w) != w]


def matches(field, query):
    """A filter on a stored ``searchable`` column: the folded query somewhere in the text, and
    every word typed with marks among its marked words. None for an empty query."""
    folded, marked = query_terms(query)
    if not folded:
        return None
    condition = Q(**{f"{field}__contains": folded})
    for word in marked:
        condition &= Q(**{f"{field}__contains": word})
    return condition


def field_matches(field, query):
    """The same rule on a column stored as typed (a person's name, a unit's name), through the
    ``folded`` and ``casefolded`` transforms. None for an empty query."""
    folded, marked = query_terms(query)
    if not folded:
        return None
    condition = Q(**{f"{field}__folded__contains": folded})
    for word in marked:
        condition &= Q(**{f"{field}__casefolded__contains": word})
    return condition


# --- The transforms ----------------------------------------------------------------------------------
# PostgreSQL: ``translate`` maps every precomposed Latin letter with diacritics (both cases) to its
# folded letter before ``lower``, so the result does not depend on the database's collation (lower()
# under the "C" collation changes ASCII letters only). SQLite's lower() knows ASCII only: there the
# Python functions below are registered on each connection (``register_sqlite_functions``).

_LATIN = [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]  # Latin-1 Supplement … Latin Extended Additional


def _translation(convert):
    pairs = [(chr(c), convert(chr(c))) for c in _LATIN]
    pairs = [(a, b) for a, b in pairs if a != b and len(b) == 1]
    return "".join(a for a, _b in pairs), "".join(b for _a, b in pairs)


FOLD_FROM, FOLD_TO = _translation(fold)
CASE_FROM, CASE_TO = _translation(search_form)
# The same fold in fewer steps, for PostgreSQL (``Folded.as_postgresql``): decompose, drop the
# combining marks, map the letters that do not decompose (Đ đ ð Ø Æ ſ … and the other capitals) by a
# short table, ``lower``, then compose again. ``translate`` reads its whole table for every character,
# so the short table (about 80 letters instead of about 600) makes the search of 5,000 people about
# four times faster; the result is the same (a test on PostgreSQL compares both with ``fold``).


def _base_letters(source, target):
    """The pairs of a translate() table whose letter does not decompose (the others are decomposed,
    and their base letter mapped, instead)."""
    pairs = [(a, b) for a, b in zip(source, target, strict=True) if unicodedata.normalize("NFD", a) == a]
    return "".join(a for a, _b in pairs), "".join(b for _a, b in pairs)


BASE_FROM, BASE_TO = _base_letters(FOLD_FROM, FOLD_TO)
CASE_BASE_FROM, CASE_BASE_TO = _base_letters(CASE_FROM, CASE_TO)
MARKS_PATTERN = "[\u0300-\u036f]+"


class Folded(Transform):
    """``field__folded``: the column as ``fold`` writes it."""

    lookup_name = "folded"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        return compiler.compile(Lower(_Translate(self.lhs, FOLD_FROM, FOLD_TO)))

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return (f"normalize(lower(translate(regexp_replace(normalize(({sql})::text, NFD), %s, '', 'g'), %s, %s)), NFC)",
                (*params, MARKS_PATTERN, BASE_FROM, BASE_TO))

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"qms_fold({sql})", params


class Casefolded(Transform):
    """``field__casefolded``: the column as ``search_form`` writes it."""

    lookup_name = "casefolded"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        return compiler.compile(Lower(_Translate(self.lhs, CASE_FROM, CASE_TO)))

    def as_postgresql(self, compiler, connection):
        # Decompose, map the capitals that do not decompose by a short table, lower(), compose: the
        # same as the translate() table of every Latin capital, with far less work per row. lower()
        # comes before composing: under the "C" collation it changes ASCII letters only.
        sql, params = compiler.compile(self.lhs)
        return (f"normalize(lower(translate(normalize(({sql})::text, NFD), %s, %s)), NFC)",
                (*params, CASE_BASE_FROM, CASE_BASE_TO))

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"qms_casefold({sql})", params


class _Translate(Transform):
    def __init__(self, expression, source, target):
        super().__init__(expression)
        self.source, self.target = source, target

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"translate({sql}, %s, %s)", (*params, self.source, self.target)


for _field in (CharField, TextField):
    _field.register_lookup(Folded)
    _field.register_lookup(Casefolded)


def _fold_or_none(value):
    return None if value is None else fold(value)


def _casefold_or_none(value):
    return None if value is None else search_form(value)


def register_sqlite_functions(sender, connection, **kwargs):
    """``connection_created`` handler: the SQL functions behind the transforms, on SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("qms_fold", 1, _fold_or_none, deterministic=True)
        connection.connection.create_function("qms_casefold", 1, _casefold_or_none, deterministic=True)
