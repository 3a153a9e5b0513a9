"""The flow diagram of a procedure's steps, as SVG made on the server: the same picture on the
page and in the PDF."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from .time_limits import step_time

BOX_W, BOX_H, GAP, PAD = 460, 62, 26, 10


def _clip(text, limit):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flow_svg(steps, font_family=None):
    """The diagram; ``font_family`` (a CSS list) for its text where no page style reaches it (the PDF)."""
    steps = list(steps)
    if not steps:
        return ""
    height = PAD * 2 + len(steps) * BOX_H + (len(steps) - 1) * GAP
    width = BOX_W + PAD * 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(_("Flow of the procedure"))}" class="procedure-flow"'
        + (f' font-family="{escape(font_family)}"' if font_family else "") + ">",
        '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="5" refY="5" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>',
    ]
    for index, step in enumerate(steps):
        y = PAD + index * (BOX_H + GAP)
        parts.append(f'<rect x="{PAD}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="#e7f1ff" '
                     f'stroke="#0d6efd" stroke-width="1.5"/>')
        parts.append(f'<circle cx="{PAD + 22}" cy="{y + BOX_H / 2}" r="14" fill="#0d6efd"/>')
        parts.append(f'<text x="{PAD + 22}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" font-size="14" '
                     f'fill="#fff" font-weight="bold">{step.order}</text>')
        parts.append(f'<text x="{PAD + 46}" y="{y + 24}" font-size="14" fill="#212529" font-weight="bold">'
                     f'{escape(_clip(step.title, 44))}</text>')
        detail = " · ".join(x for x in (_clip(step.responsible, 30), step_time(step)) if x)
        parts.append(f'<text x="{PAD + 46}" y="{y + 46}" font-size="12" fill="#495057">{escape(detail)}</text>')
        if index < len(steps) - 1:
            x = PAD + BOX_W / 2
            parts.append(f'<line x1="{x}" y1="{y + BOX_H}" x2="{x}" y2="{y + BOX_H + GAP - 4}" stroke="#495057" '
                         f'stroke-width="1.5" marker-end="url(#arrow)"/>')
    parts.append("</svg>")
    return "".join(parts)
