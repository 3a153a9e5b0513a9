"""XLSX and CSV writers that neutralise formula injection, streaming to a file.

A cell whose text starts with ``= + - @`` (or a tab / carriage return) would be run as a formula by
a spreadsheet program; such text is written with a leading apostrophe so it stays text.

``write_table(fmt, out, headers=…, rows=…, preamble=…)`` writes rows as they are read from an
iterable (a generator reading the database in batches): the XLSX through openpyxl's write-only
mode (each row goes to the sheet's temporary XML file at once), the CSV straight to ``out``. Neither
holds more than one row, so a 10,000-row export takes no more memory than a 10-row one. Long
exports run as background jobs (``qms_portal.jobs``); ``export_response`` is for small ones only.
"""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _xlsx_value(value):
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    return safe_cell(str(value))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return safe_cell(str(value))


def write_xlsx(out, *, headers, rows, title="Export", preamble=()):
    """Write one sheet to ``out`` (a binary file): ``preamble`` rows (a title, counts…), a blank
    row, the bold ``headers``, then ``rows`` as they come. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    bold = Font(bold=True)
    for line in preamble:
        sheet.append([_xlsx_value(v) for v in line])
    if preamble:
        sheet.append([])
    header_cells = []
    for label in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(label)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
        count += 1
    book.save(out)
    return count


def write_csv(out, *, headers, rows, preamble=()):
    """Write UTF-8 CSV (with the BOM spreadsheet programs need) to ``out`` (a binary file):
    ``preamble`` rows, a blank row, ``headers``, then ``rows`` as they come. Returns the number of rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        for line in preamble:
            writer.writerow([_csv_value(v) for v in line])
        if preamble:
            writer.writerow([])
        writer.writerow([safe_cell(str(h)) for h in headers])
        count = 0
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
            count += 1
        text.flush()
    finally:
        text.detach()  # leave ``out`` open for the caller
    return count


def write_table(fmt, out, *, headers, rows, title="Export", preamble=()):
    if fmt == "csv":
        return write_csv(out, headers=headers, rows=rows, preamble=preamble)
    if fmt == "xlsx":
        return write_xlsx(out, headers=headers, rows=rows, title=title, preamble=preamble)
    raise ValueError(f"Unknown export format {fmt!r}")


def xlsx_bytes(headers, rows, title="Export"):
    out = io.BytesIO()
    write_xlsx(out, headers=headers, rows=rows, title=title)
    return out.getvalue()


def csv_text(headers, rows):
    out = io.BytesIO()
    write_csv(out, headers=headers, rows=rows)
    return out.getvalue().decode("utf-8")


def export_response(fmt, filename, headers, rows, title="Export"):
    """A small export, made in the request (a list that cannot grow with the data)."""
    if fmt == "csv":
        response = HttpResponse(csv_text(headers, rows), content_type="text/csv; charset=utf-8")
        ext = "csv"
    else:
        response = HttpResponse(
            xlsx_bytes(headers, rows, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        ext = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{ext}"'
    return response


def filter_params(data, fields):
    """A list's filters from a query string, as an export job's parameters (strings, known keys)."""
    return {key: str(data.get(key)) for key in fields if data.get(key)}


def describe_filters(form, fields):
    """``(label, value)`` of the filters in effect in a bound, valid filter form, in the reader's
    language: for an export job's page and the file's heading."""
    from django.utils.translation import gettext as _

    lines = []
    for name in fields:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            choices = dict(field.choices)
            value = choices.get(value, choices.get(str(value), value))
        lines.append((str(field.label), str(value)))
    return lines
