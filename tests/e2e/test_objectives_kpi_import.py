"""A department head imports a month's indicator values from a spreadsheet on a desktop: a file
with one bad row (a numerator larger than its denominator) imports nothing and the page lists that
row's problem by its row number; the corrected file imports every row, with a decimal comma read as
a decimal point. Every page passes axe."""

import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from objectives.models import Measurement
from objectives.selectors.kpi_math import period_code, shift
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, screenshot, sign_in
from tests.objectives.kpi_factories import indicator, rate

pytestmark = pytest.mark.e2e
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "indicator_code", "period", "value", "numerator", "denominator", "comment"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "gia-tri-chi-so.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}


def test_an_import_with_a_bad_row_saves_nothing_and_the_fixed_file_saves_every_row(open_page):
    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Hoàng Văn Đức")
    factories.assign(head, "department_head", t.ward1)
    on_time = rate(t.ward1, t.superuser, code="ontime", name="Tỷ lệ hồ sơ giải quyết đúng hạn")
    satisfied = indicator(t.ward1, t.superuser, code="sat", name="Tỷ lệ người dân hài lòng", target="90")
    last = shift(timezone.localdate().replace(day=1), "monthly", -1)
    before = shift(last, "monthly", -1)
    w, month, earlier = t.ward1.code, period_code(last, "monthly"), period_code(before, "monthly")

    desk = open_page("desktop")
    sign_in(desk, head.username, t.password)
    desk.goto("/objectives/indicators/")
    assert_assets_loaded(desk)
    desk.locator("main a[href='/objectives/values/import/']").click()
    desk.wait_for_url(re.compile(r"/objectives/values/import/$"))
    assert_accessible(desk)

    bad = workbook([[w, "ontime", month, None, 49, 50, "Theo sổ theo dõi"],
                    [w, "ontime", earlier, None, 60, 50, None],  # row 3: 60 files on time of 50 handled
                    [w, "sat", month, "97,5", None, None, None]])
    desk.set_input_files("#id_file", files=[bad])
    desk.locator("main button[type=submit]").click()
    expect(desk.locator("#row-errors")).to_be_visible()
    problems = desk.locator("main table tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("th")).to_have_text("3")
    expect(problems.first).to_contain_text("cannot be larger than the denominator")
    expect(desk.locator("main .alert-danger, main .invalid-feedback").first).to_be_visible()
    assert not Measurement.objects.filter(indicator__in=[on_time, satisfied]).exists()
    assert_accessible(desk)
    screenshot(desk, "kpi-import-row-errors-desktop")

    fixed = workbook([[w, "ontime", month, None, 49, 50, "Theo sổ theo dõi"],
                      [w, "ontime", earlier, None, 48, 50, None],
                      [w, "sat", month, "97,5", None, None, None]])
    desk.set_input_files("#id_file", files=[fixed])
    desk.locator("main button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/objectives/indicators/$"))
    expect(desk.locator(".alert-success")).to_contain_text("Imported 3 values.")
    assert Measurement.objects.get(indicator=on_time, period=last).value == Decimal("98")
    assert Measurement.objects.get(indicator=on_time, period=before).value == Decimal("96")
    assert Measurement.objects.get(indicator=satisfied, period=last).value == Decimal("97.5")
    assert Measurement.objects.get(indicator=on_time, period=last).comment == "Theo sổ theo dõi"
    assert_accessible(desk)
