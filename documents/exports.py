"""The master list of documents (what auditors ask for first) as XLSX, CSV or PDF: background jobs
(``qms_portal.jobs``), registered by ``apps.py``.

The register's filters apply, within what the requester may see. The documents are read in batches
of ``BATCH`` by id, with only the columns the list shows (never a revision's text), sorted by level,
then type (the quality manual first), then code; counts by level and by category of procedure come
first ("3 + 6 + 22 + 4 = 35") with the total. The spreadsheets are streamed (``qms_portal.exports``),
the PDF drawn page by page (``qms_portal.pdftable``)."""

from collections import defaultdict
from datetime import date
from types import SimpleNamespace

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qms_portal.exports import write_table
from qms_portal.jobs import JobError, Output
from qms_portal.pdftable import Column, TablePdf, printed_line

from .filters import DocumentFilter
from .models import Document
from .selectors import counts, equation

BATCH = 500
FILTER_FIELDS = ("q", "level", "category", "doc_type", "unit", "clause", "status")
ORDER = ("doc_type__level", "doc_type_id", "code", "unit__path", "pk")
FIELDS = ("pk", "code", "title", "doc_type__level", "category", "doc_type__name", "doc_type__is_system",
          "unit__name", "current_revision__number", "process_owner__full_name", "process_owner__username",
          "effective_since", "next_review_date", "is_withdrawn", "current_revision_id")

def master_list_params(data):
    """The register's filters from a query string, as a job's parameters (strings, known keys)."""
    return {key: str(data.get(key)) for key in FILTER_FIELDS if data.get(key)}


def master_list_filter(user, params):
    """The register's filter on what ``user`` may see (the default status is "effective")."""
    return DocumentFilter(params, queryset=Document.objects.restrict(user, "view"),
                          request=SimpleNamespace(user=user), default_status="effective")


def describe_master_list(params, user):
    """``(label, value)`` of the filters in effect, for the job's page and the file's heading."""
    form = master_list_filter(user, params).form
    if not form.is_valid():
        return []
    lines = []
    for name in FILTER_FIELDS:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value if name != "level" else int(value), value)
        lines.append((str(field.label), str(value)))
    return lines


def master_list_documents(user, params):
    documents = master_list_filter(user, params)
    if not documents.is_valid():
        raise JobError(_("The filters of this list are no longer valid: ask for it again from the register."))
    return documents.qs


def headers():
    return [_("Code"), _("Title"), _("Level"), _("Category"), _("Type"), _("ISO 9001 clauses"), _("Unit"),
            _("Revision"), _("Process owner"), _("Effective since"), _("Next review"), _("Status")]


def rows(ids, progress=None, batch=BATCH):
    """The master list's rows, in the order of ``ids``, read ``batch`` documents at a time."""
    categories = dict(Document.Category.choices)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {row[0]: row for row in Document.objects.filter(pk__in=chunk).values_list(*FIELDS)}
        clauses = defaultdict(list)
        for document_id, number in (Document.clauses.through.objects.filter(document_id__in=chunk)
                                    .order_by("clause__sort_key").values_list("document_id", "clause__number")):
            clauses[document_id].append(number)
        for pk in chunk:
            row = found.get(pk)
            if row is None:  # withdrawn from the requester's sight meanwhile: left out
                continue
            (_pk, code, title, level, category, type_name, type_system, unit, revision, owner_name, owner_login,
             effective, review, withdrawn, current) = row
            if withdrawn:
                status = _("Obsolete")
            elif current:
                status = _("Effective")
            else:
                status = _("Not yet effective")
            yield [code, title, level, str(categories.get(category, "")), _(type_name) if type_system else type_name,
                   ", ".join(clauses.get(pk, ())), unit, f"{revision:02d}" if revision is not None else "",
                   owner_name or owner_login, effective, review, str(status)]
        if progress is not None:
            progress(start + len(chunk), len(ids))


def _prepare(job):
    documents = master_list_documents(job.user, job.params)
    groups, total = counts(documents)
    ids = list(documents.order_by(*ORDER).values_list("pk", flat=True))
    job.progress(0, len(ids), force=True)
    return groups, total, ids


def _printed(job):
    return printed_line(job.user)


def _filename(extension):
    return f"master-list-{timezone.localdate().isoformat()}.{extension}"


def _preamble(job, groups, total):
    lines = [[_("Master list of documents")], [_printed(job)]]
    details = describe_master_list(job.params, job.user)
    if details:
        lines.append(["; ".join(f"{label}: {value}" for label, value in details)])
    lines.append([])
    lines += [[g.label, g.count] for g in groups]
    lines.append([_("Total"), total])
    lines.append([equation(groups, total)])
    return lines


def _spreadsheet(job, fmt):
    groups, total, ids = _prepare(job)
    write_table(fmt, job.out, headers=headers(), rows=rows(ids, job.progress), title=_("Master list"),
                preamble=_preamble(job, groups, total))
    return total


def master_list_xlsx(job):
    _spreadsheet(job, "xlsx")
    return Output(_filename("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def master_list_csv(job):
    _spreadsheet(job, "csv")
    return Output(_filename("csv"), "text/csv; charset=utf-8")


PDF_COLUMNS = (10.5, 21, 3.5, 8, 7.5, 6, 10, 5, 9, 6.5, 6.5, 6.5)  # shares of the page width
CENTRED = {2, 7}


def master_list_pdf(job):
    groups, total, ids = _prepare(job)
    title = _("Master list of documents")
    pdf = TablePdf(job.out, language=job.language, title=title, header=title, footer=_printed(job))
    pdf.heading(title)
    details = describe_master_list(job.params, job.user)
    if details:
        pdf.paragraph("; ".join(f"{label}: {value}" for label, value in details), gray=0.25)
    pdf.table([Column("", 60), Column("", 10, "right")],
              [[g.label, g.count] for g in groups] + [[_("Total"), total]], header=False, width=100 * 2.835, size=8.5)
    pdf.paragraph(equation(groups, total), size=10, space_after=8)
    columns = [Column(label, weight, "center" if n in CENTRED else "left")
               for n, (label, weight) in enumerate(zip(headers(), PDF_COLUMNS, strict=True))]
    pdf.table(columns, (_pdf_row(row) for row in rows(ids, job.progress)))
    pdf.close()
    return Output(_filename("pdf"), "application/pdf")


def _pdf_row(row):
    return [formats.date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, date) else value for value in row]
