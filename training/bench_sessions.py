"""The sessions part of ``manage.py bench``: the session list, and the session with 200 attendees
(its page and its attendance page: a fixed number of queries whatever the number of rows)."""

from django.urls import reverse

from qms_portal.bench.tools import BenchPages


class Bench(BenchPages):
    def pages(self, user, options):
        from .scale_sessions import largest_session

        pages = [("training session list", reverse("training:session_list"))]
        session = largest_session()
        if session is not None:
            pages.append(("training session (200 attendees)", reverse("training:session_detail", args=[session.pk])))
            pages.append(("attendance page (200 attendees)", reverse("training:session_attendance",
                                                                     args=[session.pk])))
        return pages
