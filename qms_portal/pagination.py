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

from django.core.paginator import Paginator
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
