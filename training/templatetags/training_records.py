"""The records part's panel on a session's page: ``{% records_panel session user %}`` (the sessions
part's page includes ``templates/training/parts/session_records.html`` with ``session`` and ``user``)."""

from django import template

from qms_portal.permissions import can

from ..selectors.records import HELD, feedback_summary

register = template.Library()


@register.inclusion_tag("training/records/session_panel.html")
def records_panel(session, user):
    """The attendance sheet, the certificates, the feedback results (for whoever may read the
    session) and the person's own certificate and feedback when they took part. A few queries."""
    may_view = can(user, "view", session)
    held = session.status in HELD
    own = session.participants.filter(user=user).first() if held else None
    return {
        "session": session, "may_view": may_view, "held": held, "own": own,
        "may_certify": held and can(user, "training.change_participant", session),
        "feedback": feedback_summary(session) if (may_view and held) else None,
    }
