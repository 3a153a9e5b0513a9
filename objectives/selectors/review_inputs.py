"""The inputs of a management review (ISO 9001 9.3.2), compiled for the unit's subtree and period
from every registered ``ReviewInput`` (``qms_portal.areas.review_inputs()``, in the standard's
order) with the texts the secretary writes (changes in issues, external providers, resources, other
inputs) in their places; shown live while the review is planned and frozen into
``ManagementReview.snapshot`` when it is held, so the minutes never change afterwards.

The snapshot keeps, for each input, what is needed to render it again in any reader's language:
its key, the area, its label's message id (the English text, translated when shown), its
template and its data (codes and numbers) — or the secretary's text as it was typed.

Also the review part's own input: "status of actions from previous management reviews"
(``compile_previous_actions``)."""

from django.db.models import Count, Q
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qms_portal import areas

from ..models import ManagementReview, ReviewDecision

SNAPSHOT_VERSION = 1
LISTED = 50  # previous decisions named one by one; the counts cover them all

# Where each input stands in ISO 9001:2015 9.3.2.
ISO_REFERENCE = {
    "previous_actions": "a)", "issues_changes": "b)", "satisfaction": "c) 1)", "objectives": "c) 2)",
    "process_performance": "c) 3)", "nonconformities": "c) 4)", "monitoring": "c) 5)", "audits": "c) 6)",
    "external_providers": "c) 7)", "resources": "d)", "risks": "e)", "improvement": "f)", "other": "",
}

# The inputs the portal cannot compile: the review's own text fields, at their place in the order.
TEXT_INPUTS = {
    "issues_changes": ("issues_changes", _("Changes in external and internal issues")),
    "external_providers": ("external_providers", _("Performance of external providers")),
    "resources": ("resources", _("Adequacy of resources")),
}
OTHER_INPUT = ("other_inputs", _("Other inputs"))


def _msgid(label):
    """A lazy label's message id (the English source text): stored, translated when shown."""
    with translation.override("en"):
        return str(label)


def compile_inputs(review):
    """The review's inputs as they stand now: ``[entry]`` in ISO 9.3.2's order, each a dict
    ``{key, area, label, template, data}`` (compiled) or ``{key, label, text}`` (written)."""
    unit, start, end = review.unit, review.period_start, review.period_end
    compiled = {}
    for area, item in areas.review_inputs():
        compiled.setdefault(item.key, []).append({
            "key": item.key, "area": area.label, "label": _msgid(item.label), "template": item.template,
            "data": item.compile(unit, start, end),
        })
    entries = []
    for key in areas.REVIEW_INPUT_ORDER:
        entries.extend(compiled.get(key, ()))
        if key in TEXT_INPUTS:
            field, label = TEXT_INPUTS[key]
            entries.append({"key": key, "label": _msgid(label), "text": getattr(review, field)})
    field, label = OTHER_INPUT
    entries.append({"key": "other", "label": _msgid(label), "text": getattr(review, field)})
    return entries


def make_snapshot(review, now=None):
    """What ``ManagementReview.snapshot`` keeps once the meeting is held."""
    return {
        "version": SNAPSHOT_VERSION,
        "compiled_at": (now or timezone.now()).isoformat(),
        "unit": {"pk": review.unit_id, "code": review.unit.code, "name": review.unit.name},
        "period": [review.period_start.isoformat(), review.period_end.isoformat()],
        "inputs": compile_inputs(review),
    }


def inputs_of(review):
    """The entries to show: frozen ones once the meeting was held, else compiled now."""
    if review.status != ManagementReview.Status.PLANNED and review.snapshot.get("inputs") is not None:
        return review.snapshot["inputs"]
    return compile_inputs(review)


def rendered_inputs(review, entries=None):
    """``[{key, reference, label, html}]``: each input rendered in the active language, the same
    pieces on the page and in the minutes' PDF."""
    shown = []
    for entry in entries if entries is not None else inputs_of(review):
        if "template" in entry:
            html = render_to_string(entry["template"], {"data": entry["data"], "review": review})
        else:
            text = (entry.get("text") or "").strip()
            html = (linebreaks_filter(text, autoescape=True) if text
                    else format_html('<p class="text-body-secondary muted">{}</p>', gettext("Nothing written.")))
        shown.append({"key": entry["key"], "reference": ISO_REFERENCE.get(entry["key"], ""),
                      "label": gettext(entry["label"]), "html": html})
    return shown


# --- The review part's own input: a) status of actions from previous management reviews --------------


def compile_previous_actions(unit, start, end):
    """The decisions of the reviews already held in ``unit``'s subtree that were still open at the
    start of the period or settled in it: counts by status (and overdue), the first ``LISTED`` named.
    Three queries whatever the subtree's size."""
    today = timezone.localdate()
    rows = (ReviewDecision.objects.filter(review__unit__path__startswith=unit.path,
                                          review__status__in=(ManagementReview.Status.HELD,
                                                              ManagementReview.Status.SIGNED),
                                          review__meeting_on__lte=max(end, today))
            .filter(Q(status=ReviewDecision.Status.OPEN) | Q(done_on__gte=start)))
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    overdue = rows.filter(status=ReviewDecision.Status.OPEN, due_on__lt=today).order_by().count()
    listed = [{
        "review": number, "kind": kind, "description": description[:300], "owner": full_name or username,
        "due_on": due_on.isoformat(), "status": status, "done_on": done_on.isoformat() if done_on else "",
        "note": note[:300], "overdue": status == ReviewDecision.Status.OPEN and due_on < today,
    } for number, kind, description, full_name, username, due_on, status, done_on, note in
        rows.order_by("-status", "due_on", "pk").values_list(
            "review__number", "kind", "description", "owner__full_name", "owner__username", "due_on", "status",
            "done_on", "note")[:LISTED]]
    total = sum(counts.values())
    return {"open": counts.get("open", 0), "done": counts.get("done", 0), "cancelled": counts.get("cancelled", 0),
            "overdue": overdue, "total": total, "listed": listed, "more": max(total - len(listed), 0),
            "as_of": today.isoformat()}


