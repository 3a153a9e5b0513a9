"""The annual ISO report as a spreadsheet (XLSX, through ``qms_portal.exports``: formula injection
neutralised) and as a PDF (fpdf2, ``pdftable.TablePdf``), each a background job (``qms_portal.jobs``)
made in the language of the person who asked, in the national layout of that language:

* Vietnamese: the issuing unit and the report's number on the left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
  NAM / Độc lập - Tự do - Hạnh phúc" and the place and date on the right, "BÁO CÁO", its subject and
  "Kính gửi: …" (the layout of administrative documents, Decree 30/2020/NĐ-CP);
* Chinese: the issuing unit, the document number (文号), the title, the main recipient (主送) and the
  date written as 年月日;
* any other language: the title, the number, the recipient and the date.

The figures are the report's table (``report_selectors.table_of``: frozen once submitted): aggregate
queries over the subtree, one per figure, not a read of every record, so nothing grows with the
records but the rows of units."""

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ..jobs import JobError, JobKind, Output
from ..permissions import can
from ..workflow import transitions_of
from . import report_selectors

XLSX = "qms_portal.annual_report_xlsx"
PDF = "qms_portal.annual_report_pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The national heading of a Vietnamese administrative document: fixed text, in Vietnamese only.
VN_STATE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
VN_MOTTO = "Độc lập - Tự do - Hạnh phúc"


def job_kinds():
    return [
        JobKind(XLSX, gettext_lazy("Annual ISO report (XLSX)"), run="qms_portal.steering.report_exports.report_xlsx",
                permission=report_selectors.VIEW, describe="qms_portal.steering.report_exports.describe"),
        JobKind(PDF, gettext_lazy("Annual ISO report (PDF)"), run="qms_portal.steering.report_exports.report_pdf",
                permission=report_selectors.VIEW, describe="qms_portal.steering.report_exports.describe"),
    ]


def _report(params, user):
    from .report_models import AnnualReport

    report = AnnualReport.objects.select_related("unit").filter(pk=params.get("report")).first()
    return report if report is not None and can(user, "view", report) else None


def describe(params, user):
    report = _report(params, user)
    return [(_("Report"), str(report))] if report is not None else []


def _layout():
    language = (get_language() or "en").lower()
    return "vi" if language.startswith("vi") else "zh" if language.startswith("zh") else "en"


def _date_line(report, day):
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": report.place or report.unit.name, "day": f"{day.day:02d}", "month": f"{day.month:02d}",
        "year": day.year}


def _day(report):
    moment = report.signed_at or report.submitted_at
    return timezone.localdate(moment) if moment else timezone.localdate()


def heading(report):
    """``(left, right)`` lines of the heading and ``[lines]`` under it, in the national layout of
    the active language."""
    layout, day = _layout(), _day(report)
    number = _("No. %(number)s") % {"number": report.number} if report.number else ""
    title = _("Report on applying the quality management system (ISO 9001) in %(year)s") % {"year": report.year}
    recipient = _("To: %(recipient)s") % {"recipient": report.recipient} if report.recipient else ""
    if layout == "vi":
        pairs = [(report.unit.name.upper(), VN_STATE), (number, VN_MOTTO), ("", _date_line(report, day))]
        return pairs, ["BÁO CÁO", title, recipient]
    if layout == "zh":
        return [(report.unit.name, ""), (number, "")], [title, recipient, _date_line(report, day)]
    return [(report.unit.name, _date_line(report, day)), (number, "")], [title, recipient]


def headers(table):
    return [_("Code"), _("Unit"), _("Applying the QMS"), _("Rollout phase"), _("Certified or announced"),
            *(f"{column.label}{' (%)' if column.figure.kind == 'rate' else ''}" for column in table.columns)]


def _certified(row):
    if row.certified_on:
        return formats.date_format(row.certified_on, "SHORT_DATE_FORMAT")
    return _("Yes") if row.certified else _("No")


def _spreadsheet_numbers(table, values):
    numbers = []
    for column, number in zip(table.columns, table.numbers(values), strict=True):
        if number is not None and column.figure.kind == "rate":
            number = round(number * 100, 1)
        elif number is not None and column.figure.kind == "average":
            number = round(number, 1)
        numbers.append(number)
    return numbers


def signatures(report):
    return [(record.meaning_label, record.actor_name, record.at)
            for record in transitions_of(report).exclude(signature_meaning="").order_by("at")]


def sections(report):
    return [(_("Achievements"), report.achievements), (_("Difficulties"), report.difficulties),
            (_("Proposals"), report.proposals)]


def _open(job):
    report = _report(job.params, job.user)
    if report is None:
        raise JobError(_("You may no longer see this report."))
    return report, report_selectors.table_of(report, job.user)


def _filename(report, extension):
    return f"annual-report-{report.unit.code}-{report.year}.{extension}"


def xlsx_rows(report, table):
    yes, no = _("Yes"), _("No")
    indent = "  "
    for row in table.rows:
        yield [row.unit["code"], f"{indent * row.level}{row.unit['name']}", yes if row.applying else no,
               str(row.phase_label), _certified(row), *_spreadsheet_numbers(table, row.values)]
    yield [_("Total"), _("%(count)s units") % {"count": len(table.rows)},
           _("%(applying)s of %(count)s") % {"applying": table.applying, "count": len(table.rows)}, "",
           _("%(certified)s of %(count)s") % {"certified": table.certified, "count": len(table.rows)},
           *_spreadsheet_numbers(table, table.totals)]
    yield []
    for label, text in sections(report):
        yield [label]
        yield [text or "—"]
    for meaning, name, at in signatures(report):
        yield [str(meaning), name, formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")]


def report_xlsx(job):
    from ..exports import write_xlsx

    report, table = _open(job)
    job.progress(0, len(table.rows), force=True)
    pairs, lines = heading(report)
    preamble = [[left, "", "", "", right] for left, right in pairs] + [[line] for line in lines if line]
    preamble.append([_("Figures as they stood when the report was submitted (%(when)s).") % {
        "when": formats.date_format(timezone.localtime(table.taken_at), "SHORT_DATETIME_FORMAT")}
        if table.frozen else _("Draft: the figures are read live and change until the report is submitted.")])
    write_xlsx(job.out, headers=headers(table), rows=xlsx_rows(report, table), title=str(report.year),
               preamble=preamble)
    job.progress(len(table.rows), force=True)
    return Output(_filename(report, "xlsx"), XLSX_TYPE)


def report_pdf(job):
    from ..pdftable import Column, TablePdf, printed_line

    report, table = _open(job)
    job.progress(0, len(table.rows), force=True)
    pairs, lines = heading(report)
    pdf = TablePdf(job.out, language=job.language, title=f"{report}", header=str(report),
                   footer=printed_line(job.user))
    pdf.table([Column("", 1, "center"), Column("", 1, "center")], [list(pair) for pair in pairs], header=False)
    pdf.space(8)
    for n, line in enumerate(line for line in lines if line):
        pdf.paragraph(line, size=13 if n == 0 else 10, space_after=2)
    pdf.space(6)
    columns = [Column(_("Unit"), 3), Column(_("Applying the QMS"), 1), Column(_("Rollout phase"), 1.5),
               Column(_("Certified or announced"), 1.2)] + [
        Column(column.label, 1.2, "right") for column in table.columns]
    yes, no = _("Yes"), _("No")

    def rows():
        for row in table.rows:
            yield [f"{'  ' * row.level}{row.unit['code']} · {row.unit['name']}", yes if row.applying else no,
                   str(row.phase_label), _certified(row), *table.texts(row.values)]
        yield [_("Total"), _("%(applying)s of %(count)s") % {"applying": table.applying, "count": len(table.rows)},
               "", _("%(certified)s of %(count)s") % {"certified": table.certified, "count": len(table.rows)},
               *table.texts(table.totals)]

    pdf.table(columns, rows(), progress=job.progress)
    for label, text in sections(report):
        pdf.heading(label, size=11)
        pdf.paragraph(text or "—", size=9)
    signed = signatures(report)
    if signed:
        pdf.heading(_("Signatures"), size=11)
        for meaning, name, at in signed:
            pdf.paragraph(f"{meaning} — {name}, "
                          f"{formats.date_format(timezone.localtime(at), 'SHORT_DATETIME_FORMAT')}", size=9)
    pdf.close()
    return Output(_filename(report, "pdf"), "application/pdf")
