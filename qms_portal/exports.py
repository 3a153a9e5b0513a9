"""XLSX and CSV writers that neutralise formula injection.

A cell whose text starts with ``= + - @`` (or a tab / carriage return) would be run as a formula by
a spreadsheet program; such text is written with a leading apostrophe so it stays text.
"""

import csv
import io

from django.http import HttpResponse

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def xlsx_bytes(headers, rows, title="Export"):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(str(v) if v is not None and not isinstance(v, int | float) else v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else str(v)) for v in row])
    return "\ufeff" + out.getvalue()


def export_response(fmt, filename, headers, rows, title="Export"):
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
