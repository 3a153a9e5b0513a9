"""A question of the checklist as HTML, written here rather than by the template engine: a page has
hundreds (the bench's 200), and each through the engine was most of the page's time on the portal.

``head`` (number, clause, procedure, question) and ``current`` (the answer as text, who and when,
the notes) are the same in the page and in ``audits/checklist/item.html`` (the item htmx gets back,
the page written out for a phone without JavaScript), which includes them; ``card`` is a question
as the page shows it, its answer form given by the page's script. Every value is escaped; the
labels are the translations of ``item_labels`` (escaped once per language)."""

from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe


def head(ctx):
    item, t = ctx["item"], ctx["t"]["html"]
    badges = ""
    if item.clause_id:
        badges += f'\n  <span class="badge text-bg-light border">{t["clause"]} {escape(item.clause.number)}</span>'
    if item.procedure_id:
        badges += f'\n  <span class="badge text-bg-light border">{escape(item.procedure.code)}</span>'
    question = linebreaksbr(item.question, autoescape=True)
    return mark_safe(  # noqa: S308 - escaped values, an integer key
        f'<p class="small text-body-secondary mb-1"><span class="checklist-number">{ctx["position"]}.</span>'
        f'{badges}</p>\n<h2 class="h6 checklist-question" id="item-{ctx["pk"]}-q">{question}</h2>')


def current(ctx):
    item, t = ctx["item"], ctx["t"]["html"]
    label = t["answers"].get(item.answer, "") if item.answer else t["not_answered"]
    by = ""
    if item.answered_by_id:
        when = item.answered_at and formats.date_format(timezone.localtime(item.answered_at), "SHORT_DATETIME_FORMAT")
        by = (f' <span class="small text-body-secondary">· <span data-by>{escape(item.answered_by)} · '
              f'{escape(when or "")}</span></span>')
    notes = ctx["shown_notes"]
    notes = f'\n<p class="mb-1 checklist-notes" data-notes>{escape(notes)}</p>' if notes else ""
    return mark_safe(f'<p class="mb-1" data-current><strong>{label}</strong>{by}</p>{notes}')  # noqa: S308


def photos(ctx):
    if not ctx["photos"]:
        return mark_safe('<div class="checklist-photos mt-2" data-photos></div>')
    return mark_safe(render_to_string("audits/checklist/photos.html", ctx, request=ctx["request"]))  # noqa: S308


def card(ctx):
    item, t = ctx["item"], ctx["t"]["html"]
    pk = ctx["pk"]
    answered = f" answered answer-{escape(item.answer)}" if item.answer else ""
    history = f'<a class="link-secondary" href="{ctx["urls"]["history"]}">{t["history"]}</a>'
    return (f'<article class="card checklist-item mb-3{answered}" id="item-{pk}" data-item="{pk}" '
            f'data-version="{ctx["version"]}" data-answer="{escape(ctx["shown_answer"])}" '
            f'aria-labelledby="item-{pk}-q">\n<div class="card-body">\n{head(ctx)}\n{current(ctx)}\n{photos(ctx)}\n'
            f'<p class="small mb-0 mt-2">{history}</p>\n</div>\n</article>\n')


def cards(rows):
    return mark_safe("".join(card(row) for row in rows))  # noqa: S308 - each card escapes its values
