"""A reporting period: a month, a quarter or a year, with its first and last day and a label in the
reader's language. The steering committee's dashboard evaluates its figures for one; figures that
are "as of now" (open, overdue, expiring) ignore it.

    period = Period.of("quarter", date(2026, 5, 12))   # 2026-04-01 … 2026-06-30, "Q2 2026"
    Period.parse(request.GET)                           # ?period=quarter&on=2026-05-12, else this month
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

KINDS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # the last day, included

    @classmethod
    def of(cls, kind, day=None):
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not a period ({', '.join(KINDS)})")
        day = day or timezone.localdate()
        if kind == "month":
            start = day.replace(day=1)
            months = 1
        elif kind == "quarter":
            start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            months = 3
        else:
            start = date(day.year, 1, 1)
            months = 12
        return cls(kind, start, _add_months(start, months) - timedelta(days=1))

    @classmethod
    def parse(cls, data, default="month"):
        """The period a request asks for (``period`` and ``on``); this month when absent or wrong."""
        kind = data.get("period") if data.get("period") in KINDS else default
        day = parse_date(data.get("on") or "") if (data.get("on") or "")[:10].count("-") == 2 else None
        try:
            return cls.of(kind, day)
        except ValueError:
            return cls.of(kind)

    @property
    def label(self):
        if self.kind == "month":
            return f"{self.start.month:02d}/{self.start.year}"
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return str(self.start.year)

    def previous(self):
        return Period.of(self.kind, self.start - timedelta(days=1))

    def next(self):
        return Period.of(self.kind, self.end + timedelta(days=1))

    def bounds(self):
        """``[start, end)`` as aware datetimes at local midnight (for a datetime field)."""
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=tz),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz))

    def months(self, count=12):
        """The ``count`` months up to and including the one this period ends in, oldest first."""
        last = self.end.replace(day=1)
        return [Period.of("month", _add_months(last, -i)) for i in reversed(range(count))]

    def query(self):
        return {"period": self.kind, "on": self.start.isoformat()}
