import csv
import io
import os

import pytest
from openpyxl import load_workbook

from qms_portal.exports import csv_text, export_response, safe_cell, xlsx_bytes

DANGEROUS = ["=1+1", "+x", "-y", "@z", "=HYPERLINK(\"http://evil.example\",\"click\")", "\tleading tab",
             "\r=1"]
HARMLESS = ["hello", "a-b", "Nguyễn Văn Ánh", "大连市城建局", "1+1=2", ""]


def test_safe_cell_prefixes_only_dangerous_text():
    for value in DANGEROUS:
        assert safe_cell(value) == "'" + value
    for value in HARMLESS:
        assert safe_cell(value) == value
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def test_csv_neutralises_formulas():
    text = csv_text(["Value", "Other"], [[v, "ok"] for v in DANGEROUS + HARMLESS] + [[None, 3]])
    assert text.startswith("\ufeff")  # Excel opens UTF-8 CSV correctly with the BOM
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == ["Value", "Other"]
    values = [r[0] for r in rows[1:]]
    assert values[: len(DANGEROUS)] == ["'" + v for v in DANGEROUS]
    assert values[len(DANGEROUS):-1] == HARMLESS
    assert rows[-1] == ["", "3"]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


def test_xlsx_neutralises_formulas_and_keeps_numbers():
    data = xlsx_bytes(["Value", "Number"], [[v, 1] for v in DANGEROUS + HARMLESS] + [["x", -5], ["y", 2.5]],
                      title="A sheet title that is far longer than thirty-one characters")
    sheet = load_workbook(io.BytesIO(data)).active
    assert len(sheet.title) <= 31
    rows = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == ["Value", "Number"]
    for value, row in zip(DANGEROUS, rows[1:], strict=False):
        cell = row[0]
        assert cell.value == "'" + value.replace("\r", "\n")  # XML reads a carriage return back as \n
        assert cell.data_type == "s"  # text, not a formula
    formulas = [c for row in rows for c in row if c.data_type == "f"]
    assert formulas == []
    assert [r[1].value for r in rows[-2:]] == [-5, 2.5]
    harmless = [r[0].value for r in rows[1 + len(DANGEROUS):-2]]
    assert harmless == [v or None for v in HARMLESS]


@pytest.mark.parametrize("fmt,ext", [("csv", "csv"), ("xlsx", "xlsx")])
def test_export_response_is_an_attachment(fmt, ext):
    response = export_response(fmt, "units", ["Code"], [["=cmd"]])
    assert response["Content-Disposition"] == f'attachment; filename="units.{ext}"'
    if fmt == "csv":
        assert "'=cmd" in response.content.decode("utf-8-sig")
    else:
        assert load_workbook(io.BytesIO(response.content)).active["A2"].value == "'=cmd"


# --- Streaming to a file (long exports run as background jobs) ---------------------------------------


def test_write_xlsx_streams_through_openpyxl_write_only_mode_one_row_at_a_time(monkeypatch):
    """Each row is in the sheet before the next one is read from the database: nothing holds the
    whole list."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from qms_portal.exports import write_xlsx

    appended = []
    original = WriteOnlyWorksheet.append
    monkeypatch.setattr(WriteOnlyWorksheet, "append", lambda self, row: (appended.append(list(row)),
                                                                          original(self, row))[1])
    books = []
    from openpyxl import Workbook

    real_init = Workbook.__init__

    def spy_init(self, write_only=False, iso_dates=False):
        books.append(write_only)
        real_init(self, write_only=write_only, iso_dates=iso_dates)

    monkeypatch.setattr(Workbook, "__init__", spy_init)

    def rows():
        for n in range(5):
            if n:  # row n - 1 is already in the sheet when row n is read
                assert appended[-1][0] == f"doc-{n - 1}"
            yield [f"doc-{n}", n]

    out = io.BytesIO()
    assert write_xlsx(out, headers=["Code", "N"], rows=rows(), preamble=[["Title"]]) == 5
    assert books == [True]
    sheet = load_workbook(out).active
    assert [[c.value for c in row] for row in sheet.iter_rows()][-2:] == [["doc-3", 3], ["doc-4", 4]]


def _peak_bytes(write, count):
    import tracemalloc

    def rows():
        for n in range(count):
            yield [f"QT-{n:05d}", "Quy trình giải quyết thủ tục hành chính", n, "2026-01-01", "Nguyễn Văn An"]

    with open(os.devnull, "wb") as sink:
        tracemalloc.start()
        write(sink if write.__name__ == "write_csv" else io.BytesIO(), headers=list("ABCDE"), rows=rows())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("name", ["write_xlsx", "write_csv"])
def test_the_memory_a_long_export_takes_does_not_grow_with_its_rows(name):
    """Twenty times the rows, about the same peak: only the output grows (here an in-memory XLSX,
    whose compressed bytes are the only thing that grows)."""
    from qms_portal import exports

    write = getattr(exports, name)
    small, large = _peak_bytes(write, 500), _peak_bytes(write, 20_000)
    assert large < small + 3 * 1024 * 1024, (small, large)


def test_write_csv_writes_a_preamble_and_neutralises_formulas_everywhere():
    from datetime import date

    from qms_portal.exports import write_table

    out = io.BytesIO()
    count = write_table("csv", out, headers=["=Code", "Date"], preamble=[["=cmd|' /C calc'!A0", 3]],
                        rows=iter([["@SUM(A1)", date(2026, 3, 1)], ["ok", None]]))
    assert count == 2
    text = out.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows == [["'=cmd|' /C calc'!A0", "3"], [], ["'=Code", "Date"], ["'@SUM(A1)", "2026-03-01"], ["ok", ""]]
    assert not out.closed  # the caller's file stays open


def test_write_xlsx_keeps_dates_and_numbers_as_such_and_bolds_the_header():
    from datetime import date

    from qms_portal.exports import write_table

    out = io.BytesIO()
    write_table("xlsx", out, headers=["Code", "Level", "Since"], preamble=[["Total", 35]],
                rows=iter([["+QT-01", 2, date(2026, 3, 1)]]))
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]][:2] == ["Total", 35]
    assert [c.value for c in rows[2]] == ["Code", "Level", "Since"] and rows[2][0].font.bold
    assert rows[3][0].value == "'+QT-01" and rows[3][1].value == 2
    assert rows[3][2].value.date() == date(2026, 3, 1) and rows[3][2].is_date
    with pytest.raises(ValueError):
        write_table("docx", io.BytesIO(), headers=[], rows=[])
