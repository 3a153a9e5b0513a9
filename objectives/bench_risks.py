"""The risks part of ``manage.py bench`` (in ``objectives.bench.ObjectivesBench``): the register of
risks and opportunities (default, filtered by band and kind, searched, one cell of the matrix) and
the page of the risk with the most actions."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from qms_portal.bench.tools import BenchPages

from .models import Risk


def _url(name, *args, query=None):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


class Bench(BenchPages):
    def add_arguments(self, parser):
        parser.add_argument("--risk-q", default="hồ sơ", help="Search term for the register of risks.")

    def pages(self, user, options):
        risk = (Risk.objects.restrict(user, "view").annotate(n=Count("actions")).order_by("-n", "-pk").only("pk")
                .first())
        pages = [
            ("risk register", _url("objectives:risk_list")),
            ("risk register ?filtered", _url("objectives:risk_list", query={"band": "very_high", "kind": "risk"})),
            ("risk register ?q=", _url("objectives:risk_list", query={"q": options.get("risk_q") or "hồ sơ"})),
            ("risk register ?cell", _url("objectives:risk_list", query={"likelihood": 4, "impact": 5})),
        ]
        if risk is not None:
            pages.append(("risk page", _url("objectives:risk_detail", risk.pk)))
        return [(name, url) for name, url in pages if url]
