import csv
import io

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
