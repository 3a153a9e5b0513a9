"""The dashboard as a PDF for the committee's meeting, in the language of the person who asked: a
background job (``qms_portal.jobs``). WeasyPrint took some 20 s to lay out a 250-unit table (each
cell through the CSS box model), more than a request may take; the table is drawn by fpdf2
(``pdftable.TablePdf``): the units and their figures with each light's word, the lights' rules, and
the 12-month trends as a table of months."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..jobs import JobError, JobKind, Output
from ..pdftable import Column, TablePdf, printed_line
from ..periods import Period
from . import selectors

KIND = "qms_portal.steering_dashboard_pdf"


def job_kinds():
    return [JobKind(KIND, gettext_lazy("Steering committee's dashboard (PDF)"),
                    run="qms_portal.steering.pdf.dashboard_pdf", permission=selectors.PERMISSION,
                    describe="qms_portal.steering.pdf.describe")]


def _period(params):
    try:
        return Period.of(params.get("period"), date.fromisoformat(params.get("on")))
    except (TypeError, ValueError):
        return Period.of("month")


def _root(params, user):
    return selectors.scope(user).filter(pk=params.get("unit")).first()


def describe(params, user):
    root = _root(params, user)
    lines = [(_("Unit"), f"{root.code} · {root.name}")] if root is not None else []
    return [*lines, (_("Period"), str(_period(params).label))]


def _words():
    return {"green": _("Green"), "amber": _("Amber"), "red": _("Red"), None: ""}


def rows(board):
    words = _words()
    for row in board.rows:
        cells = [f"{'  ' * row.level}{row.unit.code} · {row.unit.name}",
                 f"{row.phase}{' (' + _('late against plan') + ')' if row.late else ''}"]
        for cell in row.cells:
            text = cell.text + (f" ({cell.detail})" if cell.detail else "")
            cells.append(f"{text} {words[cell.light]}".strip())
        yield cells


def dashboard_pdf(job):
    root = _root(job.params, job.user)
    if root is None or not job.user.has_perm(selectors.PERMISSION):
        raise JobError(_("You may no longer see the dashboard of this unit."))
    period = _period(job.params)
    board = selectors.dashboard(job.user, root, period)
    job.progress(0, len(board.rows), force=True)
    title = _("Steering committee's dashboard")
    printed = printed_line(job.user)
    pdf = TablePdf(job.out, language=job.language, title=f"{title} {root.code}",
                   header=f"{root.code} · {root.name} — {title} — {period.label}", footer=printed)
    pdf.heading(title)
    pdf.paragraph(f"{root.code} · {root.name} — {period.label}")
    columns = [Column(_("Unit"), 3), Column(_("Rollout phase"), 2)] + [
        Column(f"{figure.label}{'' if figure.period_field else ' (' + _('now') + ')'}", 1, "right")
        for figure in board.figures]
    pdf.table(columns, rows(board), progress=job.progress)
    rules = [(str(figure.label), figure.rule_text()) for figure in board.figures if figure.rule_text()]
    if rules:
        pdf.heading(_("Traffic lights"), size=11)
        pdf.table([Column(_("Figure"), 2), Column(_("Rule"), 3)], [list(rule) for rule in rules])
    if board.trends:
        pdf.heading(_("Trends over the last 12 months"), size=11)
        months = board.trends[0].months
        pdf.table([Column(_("Figure"), 3)] + [Column(month.label, 1, "right") for month in months],
                  [[str(trend.figure.label)] + [trend.figure.format(value) for value in trend.values]
                   for trend in board.trends])
    pdf.close()
    return Output(f"dashboard-{root.code}-{period.start:%Y-%m}.pdf", "application/pdf")
