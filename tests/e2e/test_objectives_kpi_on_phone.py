"""A department head enters the month's indicator values on a phone, in Vietnamese: a rate's
numerator larger than its denominator is refused beside the field with what was typed kept, the
satisfaction value typed with a decimal comma ("97,5") is read as 97.5, and the month's values are
then shown with a link to correct them; the indicator's page draws its trend with the target line
and the table beside it. Every page fits the screen and has no accessibility violation."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from objectives.models import Measurement
from objectives.selectors.kpi_math import period_code, shift
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, assert_fits_the_screen, screenshot, sign_in
from tests.objectives.kpi_factories import indicator, rate, value

pytestmark = pytest.mark.e2e


def test_a_department_enters_a_months_values_on_a_phone(open_page):
    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Hoàng Văn Đức", language="vi")
    factories.assign(head, "department_head", t.ward1)
    last = shift(timezone.localdate().replace(day=1), "monthly", -1)
    on_time = rate(t.ward1, t.superuser, name="Tỷ lệ hồ sơ giải quyết đúng hạn")
    satisfaction = indicator(t.ward1, t.superuser, code="sat", name="Tỷ lệ người dân hài lòng", target="90",
                             alert_threshold=Decimal("85"))
    for months_back in range(2, 8):
        value(on_time, t.superuser, shift(last, "monthly", -months_back + 1), numerator=Decimal(96 + months_back % 3),
              denominator=Decimal(100))

    phone = open_page("phone")
    sign_in(phone, head.username, t.password)
    phone.goto("/objectives/indicators/")
    expect(phone.locator("main")).to_contain_text("Tỷ lệ hồ sơ giải quyết đúng hạn")
    assert_assets_loaded(phone)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    phone.locator("main a[href='/objectives/values/']").tap()
    phone.wait_for_url(re.compile(r"/objectives/values/$"))
    expect(phone.locator("#entry-period")).to_have_value(period_code(last, "monthly"))
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "kpi-period-entry-phone")

    phone.fill(f"#id_n{on_time.pk}", "60")
    phone.fill(f"#id_d{on_time.pk}", "50")
    phone.fill(f"#id_c{on_time.pk}", "Theo sổ theo dõi")
    phone.fill(f"#id_v{satisfaction.pk}", "97,5")
    phone.locator("main button[type=submit]").last.tap()
    expect(phone.locator(f"#id_n{on_time.pk}_error")).to_be_visible()
    expect(phone.locator(f"#id_v{satisfaction.pk}")).to_have_value("97,5")
    expect(phone.locator(f"#id_c{on_time.pk}")).to_have_value("Theo sổ theo dõi")
    assert not Measurement.objects.filter(period=last).exists()
    assert_accessible(phone)

    phone.fill(f"#id_n{on_time.pk}", "49")
    phone.locator("main button[type=submit]").last.tap()
    expect(phone.locator(".alert-success")).to_be_visible()
    saved = Measurement.objects.get(indicator=satisfaction, period=last)
    assert saved.value == Decimal("97.5")
    assert Measurement.objects.get(indicator=on_time, period=last).value == Decimal("98")
    expect(phone.locator(f"main a[href='/objectives/values/{saved.pk}/correct/']")).to_be_visible()
    assert_fits_the_screen(phone)

    phone.goto(on_time.get_absolute_url())
    expect(phone.locator("main svg .qms-chart-target")).to_have_count(1)
    expect(phone.locator("main table").last).to_contain_text("98")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "kpi-indicator-phone")
