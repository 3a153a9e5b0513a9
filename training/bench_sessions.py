"""The sessions part of ``manage.py bench``: the session list, and the session with 200 attendees
(its page and its attendance page: a fixed number of queries whatever the number of rows). The
attendance page is the trainer's and the coordinator's: it is measured when the bench's reader may
mark the session (the province's administrator may not: the page would answer 404 or 403)."""

from django.urls import reverse

from qms_portal.bench.tools import BenchPages
from qms_portal.permissions import can

from .services.sessions_attendance import MARK


class Bench(BenchPages):
    def pages(self, user, options):
        from .scale_sessions import largest_session

        pages = [("training session list", reverse("training:session_list"))]
        session = largest_session()
        if session is not None:
            pages.append(("training session (200 attendees)", reverse("training:session_detail", args=[session.pk])))
            if user.has_perm(MARK) and can(user, MARK, session):
                pages.append(("attendance page (200 attendees)", reverse("training:session_attendance",
                                                                         args=[session.pk])))
        return pages
