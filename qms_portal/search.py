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

How to use it: a stored search column (the documents' register; people and units, whose
``search_key`` their ``save()`` writes from the fields they name in ``search_from``), served on
PostgreSQL by a trigram index. ``searchable(text)`` writes the folded text followed by the
distinct words that carry marks, and ``matches(field, query)`` filters on it. (Folding a column
in the query instead cost 1 s over 5,000 people: a search column is the way for any list.)
A long text (a document's content) is searched on PostgreSQL by its words (``words_condition``:
a stored ``tsvector`` of the search column and its GIN index), except in Chinese, Japanese and
Korean, whose words are not separated: the trigram index would have PostgreSQL read thousands of
long texts for a common Vietnamese phrase.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

COMBINING_MARKS = re.compile("[\u0300-\u036f]")
WORD = re.compile(r"\w+")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
COLUMN = re.compile(r"[a-z_][a-z0-9_]*")
# Scripts written without spaces between words (Chinese, Japanese, Korean): searched by trigrams,
# never by words.
UNSPACED = re.compile("[\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003ffff]")
# A tsvector keeps a word's position up to this one (later words all share it): a text longer than
# this many bytes may hold more words, and its phrases are checked on the text itself.
WORD_POSITIONS = 16383
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


def words_condition(query, words_column, text_column):
    """On PostgreSQL, a filter that answers ``matches(text_column, query)`` from the words' index:
    ``words_column`` is a stored ``tsvector`` of ``text_column`` (``to_tsvector('simple', …)``)
    with a GIN index. Every word of the query must be a word of the text (the marked ones with
    their marks), and the folded words must follow each other as typed (a phrase; punctuation
    between them does not count). A word is matched whole: "tich" finds "hộ tịch", not "thích".
    Where a text is too long for a tsvector to keep its words' positions, the phrase is looked
    for in the text itself.

    None for a query the words cannot answer (an empty one, one without a letter or digit, or one
    in Chinese, Japanese or Korean, which do not separate their words): search it with
    ``matches`` and the trigram index. The column names are written unqualified: the condition
    may be used inside a subquery whose table Django renames."""
    if not (COLUMN.fullmatch(words_column) and COLUMN.fullmatch(text_column)):
        raise ValueError("Column names only: they are written into the SQL.")
    folded, marked = query_terms(query)
    if connection.vendor != "postgresql" or not LETTER_OR_DIGIT.search(folded) or UNSPACED.search(folded):
        return None
    every_word = " ".join([folded, *marked])
    likes = [f"{text_column} LIKE %s" for _ in range(1 + len(marked))]
    like_params = [f"%{connection.ops.prep_for_like_query(term)}%" for term in (folded, *marked)]
    # (The text is read under a CASE: as a plain OR, PostgreSQL would take the trigram index for it
    # and read every text that index offers.)
    sql = (f"({words_column} @@ plainto_tsquery('simple', %s) AND ({words_column} @@ phraseto_tsquery('simple', %s)"
           f" OR CASE WHEN octet_length({text_column}) > {WORD_POSITIONS} THEN {' AND '.join(likes)} ELSE false END))")
    # The query travels as parameters; the column names were checked above.
    return RawSQL(sql, [every_word, folded, *like_params], output_field=BooleanField())  # noqa: S611
