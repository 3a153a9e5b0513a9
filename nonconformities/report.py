"""The PDF report of a nonconformity: the whole story in order, as the page tells it — the finding,
its containment, the cause (five whys, the fishbone diagram, the root cause), the actions with
their original and current due dates and status, the verification of effectiveness, the signatures
(who signed, when, and what the signature means) and the course of events (every transition, with
its reason). Rendered through the core's ``render_pdf`` (fonts by language; Chinese text printed in
its own face, Simplified or Traditional, by ``han_variant``)."""

from django.db.models import Prefetch
from django.utils import timezone, translation

from qms_portal.pdf import CHINESE, han_variant, pdf_response
from qms_portal.workflow import transitions_of

from . import selectors
from .fishbone import fishbone_svg
from .models import DueDateExtension, Nonconformity

TEMPLATE = "pdf/nonconformities/report.html"


def _fonts(han):
    """The fishbone's fonts (an SVG: the page's CSS does not reach it): Latin first, then the Chinese
    face of the printing language, else of the record's text; never fontconfig's choice (Japanese)."""
    first = CHINESE.get((translation.get_language() or "").lower()) or han or "zh-Hans"
    faces = {"zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC"}
    return ", ".join(["Noto Sans", "DejaVu Sans", faces[first], *(f for k, f in faces.items() if k != first),
                      "sans-serif"])


def _state_label(value):
    try:
        return Nonconformity.Status(value).label
    except ValueError:
        return value


def report_context(nc, user):
    """What the report shows, read in a fixed number of queries whatever the number of actions."""
    extensions = DueDateExtension.objects.filter(status=DueDateExtension.Status.APPROVED).order_by("decided_at", "pk")
    actions = list(selectors.actions_of(nc).prefetch_related(Prefetch("extensions", queryset=extensions,
                                                                      to_attr="approved_extensions")))
    events = []
    for record in transitions_of(nc).order_by("at", "pk"):
        record.from_label, record.to_label = _state_label(record.from_state), _state_label(record.to_state)
        events.append(record)
    texts = [nc.title, nc.description, nc.containment, nc.root_cause, nc.verification_note, nc.unit.name,
             *nc.five_whys, *(c for causes in (nc.fishbone or {}).values() for c in causes),
             *(a.description for a in actions)]
    han = han_variant(*texts)
    return {
        "nc": nc, "actions": actions, "events": events,
        "signatures": [e for e in events if e.signature_meaning],
        "fishbone": fishbone_svg(nc, font_family=_fonts(han)), "han": han,
        "printed_by": user, "printed_at": timezone.now(),
    }


def filename(nc):
    return f"{nc.number}.pdf"


def report_response(nc, user):
    return pdf_response(TEMPLATE, report_context(nc, user), filename(nc))
