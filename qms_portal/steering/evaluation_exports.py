"""The evaluation's ranking and per-criterion breakdown as a spreadsheet (XLSX, through
``qms_portal.exports``: formula injection neutralised, numbers kept as numbers) and as a PDF (fpdf2,
``pdftable.TablePdf``), each a background job (``qms_portal.jobs``) made in the language of the
person who asked.

Both files hold the same parts, in this order: a title line (the evaluation, its organising unit, its
year and status), the ranking (``evaluation_selectors.ranking``: the sheets the person may see, the
signed ones ranked), the average points of the ranked units per criterion, the legend of the criteria
(code, title, clause, maximum points, how each is scored) and the signatures of each unit's
appraisal. The ranking is read in a fixed number of queries, and so are the signatures (one query
for every sheet's signing records), whatever the number of units."""

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..jobs import JobError, JobKind, Output
from ..permissions import can
from . import evaluation_selectors

XLSX = "qms_portal.evaluation_xlsx"
PDF = "qms_portal.evaluation_pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_kinds():
    return [
        JobKind(XLSX, gettext_lazy("Evaluation of units: ranking (XLSX)"),
                run="qms_portal.steering.evaluation_exports.ranking_xlsx", permission=evaluation_selectors.VIEW,
                describe="qms_portal.steering.evaluation_exports.describe"),
        JobKind(PDF, gettext_lazy("Evaluation of units: ranking (PDF)"),
                run="qms_portal.steering.evaluation_exports.ranking_pdf", permission=evaluation_selectors.VIEW,
                describe="qms_portal.steering.evaluation_exports.describe"),
    ]


def _evaluation(params, user):
    from .evaluation_models import Evaluation

    evaluation = Evaluation.objects.select_related("unit").filter(pk=params.get("evaluation")).first()
    return evaluation if evaluation is not None and can(user, "view", evaluation) else None


def describe(params, user):
    evaluation = _evaluation(params, user)
    return [(_("Evaluation"), str(evaluation))] if evaluation is not None else []


def _open(job):
    evaluation = _evaluation(job.params, job.user)
    if evaluation is None:
        raise JobError(_("You may no longer see this evaluation."))
    return evaluation, evaluation_selectors.ranking(evaluation, job.user)


def _filename(evaluation, extension):
    return f"evaluation-{evaluation.unit.code}-{evaluation.year}.{extension}"


# --- the parts, shared by both files ---------------------------------------------------------------------


def title_line(evaluation):
    return _("%(title)s — %(unit)s, %(year)s (%(status)s)") % {
        "title": evaluation.title, "unit": f"{evaluation.unit.code} · {evaluation.unit.name}",
        "year": evaluation.year, "status": evaluation.get_status_display()}


def number(value):
    """A Decimal as a spreadsheet number (an int when whole), None stays None."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def text(value, signed=False):
    """A number of points or an index as text in the reader's language ("—" when missing)."""
    if value is None:
        return "—"
    shown = formats.number_format(number(value), use_l10n=True)
    return f"+{shown}" if signed and value > 0 else shown


def criterion_header(criterion):
    return f"{criterion.code} / {text(criterion.points)}"


def ranking_headers(ranking):
    return [_("Rank"), _("Code"), _("Unit"), _("Status"), _("Index"), _("Self-assessment index"),
            _("Change from last year"), _("Rank last year"), *(criterion_header(c) for c in ranking.criteria)]


def scored_how(criterion):
    if evaluation_selectors.by_data(criterion):
        return evaluation_selectors.figure_label(criterion.figure)
    return _("Scored by hand")


def legend_headers():
    from .evaluation_models import EvaluationCriterion

    field = EvaluationCriterion._meta.get_field
    return [capfirst(str(field(name).verbose_name)) for name in ("code", "title", "clause", "points")] + [
        _("How it is scored")]


def legend(ranking):
    return [(c.code, c.title, c.clause, c.points, scored_how(c)) for c in ranking.criteria]


def signatures(ranking):
    """``[(unit, meaning, name, time)]``: the signed appraisals of the ranked sheets, in the ranking's
    order. One query for all the sheets (``workflow.transitions_of_many``)."""
    from ..workflow import transitions_of_many
    from .evaluation_models import UnitEvaluation

    if not ranking.rows:
        return []
    records = (transitions_of_many(UnitEvaluation, [row.sheet.pk for row in ranking.rows])
               .exclude(signature_meaning="").order_by("at", "pk"))
    by_sheet = {}
    for record in records:
        by_sheet.setdefault(record.object_id, []).append((record.meaning_label, record.actor_name, record.at))
    result = []
    for row in ranking.rows:
        for meaning, name, at in by_sheet.get(row.sheet.pk, ()):
            result.append((row.unit, meaning, name, at))
    return result


def _when(at):
    return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


# --- XLSX -----------------------------------------------------------------------------------------------


def xlsx_rows(evaluation, ranking):
    for row in ranking.rows:
        yield [row.rank, row.unit.code, row.unit.name, row.sheet.get_status_display(), number(row.index),
               number(row.self_index), number(row.change), row.previous_rank,
               *(number(value) for value in row.per_criterion)]
    yield ["", "", _("Average of the ranked units"), "", None, None, None, None,
           *(number(value) for value in ranking.averages)]
    yield []
    yield [_("Criteria")]
    yield legend_headers()
    for code, title, clause, points, how in legend(ranking):
        yield [code, title, clause, number(points), how]
    signed = signatures(ranking)
    if signed:
        yield []
        yield [_("Signatures")]
        yield [_("Code"), _("Unit"), _("Meaning"), _("Name"), _("Time")]
        for unit, meaning, name, at in signed:
            yield [unit.code, unit.name, str(meaning), name, _when(at)]


def _notes(evaluation, ranking):
    """The ranking page's notes (the same sentences)."""
    lines = [_("The index is 100 × the appraisal score ÷ %(top)s points. Signed sheets are ranked by their index, "
               "highest first; units with the same index share a rank and the next rank is skipped (1, 2, 2, 4).")
             % {"top": text(ranking.top)}]
    if ranking.previous is not None:
        lines.append(_("The change is against the same unit's index in %(year)s.") % {"year": ranking.previous.year})
    else:
        lines.append(_("There was no evaluation by this unit the year before: no change is shown."))
    count = len(ranking.rows)
    lines.append(ngettext("%(signed)s of %(count)s unit ranked.", "%(signed)s of %(count)s units ranked.", count)
                 % {"signed": ranking.signed, "count": count})
    return lines


def ranking_xlsx(job):
    from ..exports import write_xlsx

    evaluation, ranking = _open(job)
    job.progress(0, len(ranking.rows), force=True)
    preamble = [[title_line(evaluation)], *([line] for line in _notes(evaluation, ranking))]
    write_xlsx(job.out, headers=ranking_headers(ranking), rows=xlsx_rows(evaluation, ranking),
               title=str(evaluation.year), preamble=preamble)
    job.progress(len(ranking.rows), force=True)
    return Output(_filename(evaluation, "xlsx"), XLSX_TYPE)


# --- PDF ------------------------------------------------------------------------------------------------


def _change(row):
    if row.change is None:
        return "—"
    shown = text(row.change, signed=True)
    if row.previous_rank:
        shown += " (" + _("rank %(rank)s") % {"rank": row.previous_rank} + ")"
    return shown


def ranking_pdf(job):
    from ..pdftable import Column, TablePdf, printed_line

    evaluation, ranking = _open(job)
    job.progress(0, len(ranking.rows), force=True)
    pdf = TablePdf(job.out, language=job.language, title=str(evaluation), header=str(evaluation),
                   footer=printed_line(job.user))
    pdf.paragraph(title_line(evaluation), size=13, space_after=4)
    for line in _notes(evaluation, ranking):
        pdf.paragraph(line, size=8.5, space_after=1)
    pdf.space(6)
    columns = [Column(_("Rank"), 0.9, "center"), Column(_("Unit"), 4), Column(_("Index"), 1, "right"),
               Column(_("Self-assessment index"), 1.2, "right"), Column(_("Change from last year"), 1.6, "right")]
    columns += [Column(criterion_header(c), 0.9, "right") for c in ranking.criteria]

    def rows():
        for row in ranking.rows:
            yield [str(row.rank) if row.rank else row.sheet.get_status_display(),
                   f"{row.unit.code} · {row.unit.name}", text(row.index), text(row.self_index), _change(row),
                   *(text(value) for value in row.per_criterion)]
        yield ["", _("Average of the ranked units"), "", "", "", *(text(value) for value in ranking.averages)]

    pdf.table(columns, rows(), progress=job.progress)
    pdf.space(6)
    pdf.heading(_("Criteria"), size=11)
    widths = (0.6, 6, 1, 1, 2.5)
    pdf.table([Column(label, weight, "right" if n == 3 else "left")
               for n, (label, weight) in enumerate(zip(legend_headers(), widths, strict=True))],
              ([code, title, clause, text(points), how] for code, title, clause, points, how in legend(ranking)))
    signed = signatures(ranking)
    if signed:
        pdf.space(6)
        pdf.heading(_("Signatures"), size=11)
        pdf.table([Column(_("Unit"), 4), Column(_("Meaning"), 2), Column(_("Name"), 2.5), Column(_("Time"), 1.5)],
                  ([f"{unit.code} · {unit.name}", str(meaning), name, _when(at)] for unit, meaning, name, at in signed))
    pdf.close()
    return Output(_filename(evaluation, "pdf"), "application/pdf")
