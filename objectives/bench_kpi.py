"""The kpi part's pages in ``manage.py bench``: the indicator list, an indicator's page with its
chart (the province's on-time rate) and its trend PDF, the roll-up of that indicator for the province, the list of
values to enter for a period, the objectives' list and cascade, the register of monthly files per procedure
(all, and those with files handled late) and the province's on-time page."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from qms_portal.bench.tools import BenchPages

from .models import Indicator


def _url(name, *args, query=None):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def province_indicator(user):
    """The on-time rate of the tree's top unit the reader may see (the one the scale builds)."""
    return (Indicator.objects.restrict(user, "view").filter(unit__parent__isnull=True, code="ontime")
            .order_by("pk").first())


class Bench(BenchPages):
    def pages(self, user, options):
        pages = [("indicator list", _url("objectives:indicator_list"))]
        indicator = province_indicator(user)
        if indicator is not None:
            pages += [("indicator page with its chart", _url("objectives:indicator_detail", indicator.pk)),
                      ("indicator trend PDF", _url("objectives:indicator_pdf", indicator.pk)),
                      ("indicator roll-up for the province", _url("objectives:indicator_rollup", indicator.pk))]
        pages += [("quality objectives list", _url("objectives:objective_list")),
                  ("cascade of objectives", _url("objectives:objective_tree")),
                  ("monthly files per procedure", _url("objectives:timeliness_list")),
                  ("monthly files per procedure, late", _url("objectives:timeliness_list", query={"late": "true"})),
                  ("on-time rate of the province", indicator and _url("objectives:on_time", indicator.unit_id))]
        return [(name, url) for name, url in pages if url]
