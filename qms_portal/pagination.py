"""Pages of a long list that cost the same however long the list grows.

Django's paginator counts every matching row before it shows one page: at a province that is a
COUNT over ten thousand documents, checked against the reader's scope row by row, on every visit
to the register (two thirds of its database time). ``CappedPaginator`` counts no further than it
needs: the first ``CAP`` rows, or up to the page asked for and one row beyond. Below the cap the
count is exact, as before; above it the pages say "Page 1 of more than 40" and *Next* goes on for
as long as there are rows. Exact totals are where they matter: the master list export counts
everything.
"""

import math

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils.functional import cached_property

CAP = 1000  # rows counted before the total becomes "more than …"


class CappedPaginator(Paginator):
    cap = CAP

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        self.limit = self.cap + 1

    def page(self, number):
        # Count far enough to know whether the page asked for exists and whether one follows it.
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        self.limit = max(self.cap, wanted * self.per_page) + 1
        self.__dict__.pop("count", None)
        self.__dict__.pop("num_pages", None)
        return super().page(number)

    @cached_property
    def count(self):
        rows = self.object_list
        if hasattr(rows, "query"):
            # COUNT over a LIMIT, in no order (an ORDER BY would sort every row before the limit).
            return rows.order_by()[: self.limit].count()
        return min(len(rows), self.limit)

    @property
    def exact(self):
        """False when there are more rows than were counted."""
        return self.count < self.limit

    @property
    def pages_at_least(self):
        """When the count is not exact: the number of full pages counted (there are more)."""
        return math.floor((self.limit - 1) / self.per_page)


# --- Keyset (seek) pages ---------------------------------------------------------------------------
#
# A long list (people, role assignments, the inbox, the document register) is read a page at a time
# *after* the last row shown, not at an offset: ``WHERE (name, pk) > (last name, last pk) ORDER BY
# name, pk LIMIT 26``. The database starts where the previous page ended — through the index on the
# ordering columns, when there is one — so page 400 costs what page 1 costs, nothing is counted,
# and a row added or removed meanwhile neither repeats nor skips a row on the next page.
#
# The position travels in the links as an opaque cursor: the key values of the first or last row
# shown, the direction and the page's number, signed (``django.core.signing``) with a salt of the
# list's own. A cursor that was altered, or made for another list, is ignored: the first page is
# shown. The cursor only says where to start; the rows still come from the list's queryset, so
# its scope and filters apply to every page.

KEYSET_PARAM = "cursor"
SALT = "qms_portal.keyset:"


def keyset_columns(model, ordering):
    """The ordering as ``(path, descending)`` pairs, ending with the primary key (added when the
    ordering does not end with it, so that rows with equal names keep a fixed order)."""
    columns = []
    for item in ordering:
        descending = item.startswith("-")
        path = item.lstrip("-")
        if path == "pk":
            path = model._meta.pk.name
        columns.append((path, descending))
    if columns[-1][0] != model._meta.pk.name:
        columns.append((model._meta.pk.name, columns[-1][1]))
    return columns


def _field(model, path):
    """The model field at the end of ``path`` (``unit__path`` → Unit.path)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def _seek(columns, values, forward):
    """The rows after (``forward``) or before the row whose key is ``values``, in the list's order:
    ``c0 > v0 OR (c0 = v0 AND c1 > v1) OR …`` (``<`` for a descending column, and reversed going
    back), with ``c0 >= v0`` beside it so that an index on the columns starts at the right row."""

    def lookup(descending):
        return "lt" if descending == forward else "gt"

    either = Q()
    for i, (path, descending) in enumerate(columns):
        condition = Q(**{p: v for (p, _d), v in zip(columns[:i], values[:i], strict=True)})
        condition &= Q(**{f"{path}__{lookup(descending)}": values[i]})
        either |= condition
    first_path, first_descending = columns[0]
    bound = Q(**{f"{first_path}__{lookup(first_descending)}e": values[0]})
    return bound & either


class KeysetPage:
    """One page of a keyset list, shaped like Django's ``Page`` where the templates use it
    (``object_list``, ``has_next``, ``has_previous``, ``has_other_pages``, ``number``) plus the
    query strings of its links (``next_query``, ``previous_query``, ``first_query``), which keep
    every other parameter of the request (filters, search) and replace the cursor."""

    keyset = True

    def __init__(self, object_list, *, number, next_cursor, previous_cursor, params):
        self.object_list = object_list
        self.number = number
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor
        self.params = params

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return bool(self.next_cursor)

    def has_previous(self):
        return bool(self.previous_cursor)

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def _query(self, cursor):
        params = self.params.copy()
        params.pop(KEYSET_PARAM, None)
        params.pop("page", None)
        if cursor:
            params[KEYSET_PARAM] = cursor
        return params.urlencode()

    @property
    def next_query(self):
        return self._query(self.next_cursor)

    @property
    def previous_query(self):
        return self._query(self.previous_cursor)

    @property
    def first_query(self):
        return self._query(None)


def _read_cursor(token, salt, columns, model):
    """``(values, forward, number)`` from a cursor, or None when there is none or it is not one
    this list made (altered, from another list, or of another shape)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=salt)
        raw, forward, number = data["k"], data["d"] == "n", int(data["p"])
        if len(raw) != len(columns) or number < 1:
            return None
        values = [_field(model, path).to_python(value) for (path, _d), value in zip(columns, raw, strict=True)]
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError, ValidationError):
        return None
    if any(value is None for value in values):
        return None
    return values, forward, number


def _plain(value):
    """A key value as JSON keeps it whole (datetimes to the microsecond, which DjangoJSONEncoder
    would cut to the millisecond and so skip rows created in the same millisecond)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal, UUID


def _make_cursor(row, salt, columns, forward, number):
    raw = [_plain(getattr(row, f"keyset_{i}")) for i in range(len(columns))]
    return signing.dumps({"k": raw, "d": "n" if forward else "p", "p": number}, salt=salt, compress=True)


def cursor_after(queryset, ordering, rows, *, salt, per_page=25):
    """The cursor a list's *Next* links would hold after its ``rows``-th row (``keyset_page``'s
    ``ordering`` and ``salt``), or None when the list is shorter: to open a deep page directly
    (the benchmark's deep pages)."""
    columns = keyset_columns(queryset.model, ordering)
    order = [f"-{path}" if descending else path for path, descending in columns]
    annotated = queryset.annotate(**{f"keyset_{i}": F(path) for i, (path, _d) in enumerate(columns)})
    row = annotated.order_by(*order)[rows - 1:rows].first() if rows >= 1 else None
    if row is None:
        return None
    return _make_cursor(row, f"{SALT}{salt}", columns, True, rows // per_page + 1)


def keyset_page(queryset, ordering, per_page, params, *, salt):
    """The page of ``queryset`` that the cursor in ``params`` (a ``QueryDict``, usually
    ``request.GET``) points to, ordered by ``ordering`` (column paths, ``-`` for descending; the
    primary key is added last when missing). Every column must be NOT NULL. One query: the page's
    rows and one more, which says whether another page follows (none is counted). ``salt`` names
    the list, so that a cursor made for one list means nothing to another."""
    model = queryset.model
    columns = keyset_columns(model, ordering)
    salt = f"{SALT}{salt}"
    order = [f"-{path}" if descending else path for path, descending in columns]
    backwards = [path if descending else f"-{path}" for path, descending in columns]
    rows = queryset.annotate(**{f"keyset_{i}": F(path) for i, (path, _d) in enumerate(columns)})

    position = _read_cursor(params.get(KEYSET_PARAM), salt, columns, model)
    if position is not None:
        values, forward, number = position
        seeking = rows.filter(_seek(columns, values, forward))
        found = list(seeking.order_by(*(order if forward else backwards))[: per_page + 1])
        if found:
            beyond = len(found) > per_page  # one more row on the side we are going
            found = found[:per_page]
            if forward:
                has_next, has_previous = beyond, True
            else:
                found.reverse()
                has_next, has_previous = True, beyond
                number = number if beyond else 1
            return _page(found, salt, columns, number, has_next, has_previous, params)
        # Nothing left on that side of the cursor (rows removed meanwhile): the first page.
        params = params.copy()
        params.pop(KEYSET_PARAM, None)
    found = list(rows.order_by(*order)[: per_page + 1])
    return _page(found[:per_page], salt, columns, 1, len(found) > per_page, False, params)


def _page(rows, salt, columns, number, has_next, has_previous, params):
    next_cursor = _make_cursor(rows[-1], salt, columns, True, number + 1) if has_next and rows else None
    previous_cursor = _make_cursor(rows[0], salt, columns, False, max(number - 1, 1)) if has_previous and rows else None
    return KeysetPage(rows, number=number, next_cursor=next_cursor, previous_cursor=previous_cursor, params=params)


class KeysetPaginationMixin:
    """For a list view: with ``keyset`` declared (its ordering, e.g. ``("full_name", "username",
    "pk")``), pages by cursor instead of page number, and the template's ``page_obj`` is a
    ``KeysetPage`` (``generic/pagination.html`` shows its links). Without it, page numbers as
    before (the view's ``paginator_class``). ``complete_rows(rows)`` adds to the page's rows what is
    read from their keys, for that page only (one query, never one per row nor one over the whole
    list: the nonconformities' "overdue", the sessions' attendance counts)."""

    keyset = ()

    def get_keyset_salt(self):
        return f"{type(self).__module__}.{type(self).__qualname__}"

    def complete_rows(self, rows):
        return rows

    def paginate_queryset(self, queryset, page_size):
        if not self.keyset:
            paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        else:
            page = keyset_page(queryset, self.keyset, page_size, self.request.GET, salt=self.get_keyset_salt())
            paginator, rows, is_paginated = None, page.object_list, page.has_other_pages()
        return paginator, page, self.complete_rows(rows), is_paginated
