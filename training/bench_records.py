"""The records part of ``manage.py bench`` (in ``training.bench.TrainingBench``): the attendance
sheet PDF of the session with the most participants (200 at scale) and the effectiveness checks'
list (due, and all)."""

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from qms_portal.bench.tools import BenchPages

from .models import Session


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


class Bench(BenchPages):
    def pages(self, user, options):
        session = (Session.objects.restrict(user, "view").annotate(n=Count("participants")).order_by("-n", "-pk")
                   .only("pk").first())
        pages = []
        if user.has_perm("training.check_effectiveness"):  # the heads' list (the bench's administrator only reads)
            pages += [("effectiveness checks", _url("training:effectiveness_list")),
                      ("effectiveness checks ?all", _url("training:effectiveness_list", query="?state=all"))]
        if session is not None:
            pages.append(("attendance sheet PDF (largest session)", _url("training:session_attendance_sheet",
                                                                         session.pk)))
        return [(name, url) for name, url in pages if url]
