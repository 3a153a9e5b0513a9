"""On a phone: the management representative opens the unit's on-time rate, picks a procedure's
files of last month from the list below the chart, reads its page and its History tab (the corrected
figures); then a satisfaction indicator fed by a closed survey shows the survey and its value, and
the indicator's trend PDF link. Every page fits the screen and passes axe."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from objectives.models import Indicator
from objectives.selectors.kpi_math import shift
from objectives.services import surveys as survey_services
from objectives.services.kpi_ontime import timeliness_enter
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in
from tests.objectives.kpi_factories import indicator
from tests.objectives.surveys_factories import answer, group, make_survey

pytestmark = pytest.mark.e2e


def test_a_procedures_files_page_and_a_survey_fed_indicator_on_a_phone(open_page):
    from documents import services as document_services
    from documents.models import Document
    from tests.documents.factories import doc_type

    t = factories.small_tree()
    document_services.ensure_system_types()  # a browser test's database starts empty (no migration's rows)
    last = shift(timezone.localdate().replace(day=1), "monthly", -1)
    procedure = Document.objects.create(unit=t.ward1, code="QT-07", title="Cấp giấy phép xây dựng",
                                        doc_type=doc_type("QT"), category="operational",
                                        process_owner=t.superuser)
    for on_time, late in ((45, 5), (48, 2)):  # entered, then corrected
        [row] = timeliness_enter(acting_user=t.superuser, unit=t.ward1, month=last,
                                 rows=[{"procedure": procedure, "received": 50, "on_time": on_time, "late": late}])
    survey = make_survey(t.ward1_mr, t.ward1)
    for url, rating in zip(survey_services.survey_links_create(acting_user=t.ward1_mr, survey=survey,
                                                               group=group(survey), count=4), (1, 1, 2, 3),
                           strict=True):
        answer(url, survey, rating)
    fed = indicator(t.ward1, t.ward1_mr, code="hai-long", name="Tỷ lệ hài lòng", target="90",
                    kind=Indicator.Kind.SATISFACTION, survey=survey, frequency=Indicator.Frequency.QUARTERLY)
    survey_services.survey_transition(acting_user=t.ward1_mr, survey=survey, name="close")

    phone = open_page("phone")
    sign_in(phone, t.ward1_mr.username, t.password)
    phone.goto(f"/objectives/on-time/{t.ward1.pk}/")
    procedures = phone.locator("#procedures + form + .table-responsive")
    expect(procedures).to_contain_text("QT-07")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    procedures.locator(f"a[href='{row.get_absolute_url()}']").tap()
    phone.wait_for_url(re.compile(r"/objectives/on-time/files/\d+/$"))
    expect(phone.locator("main h1")).to_contain_text("QT-07")
    expect(phone.locator("main dl")).to_contain_text("96 %")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "kpi-procedure-files-phone")
    phone.locator("main a[href$='/history/']").first.tap()
    phone.wait_for_url(re.compile(r"/objectives/on-time/files/\d+/history/$"))
    expect(phone.locator("main")).to_contain_text("Handled on time")
    expect(phone.locator("main")).to_contain_text("48")
    assert_fits_the_screen(phone)
    assert_accessible(phone)

    phone.goto(fed.get_absolute_url())
    expect(phone.locator("main dl")).to_contain_text(survey.number)
    expect(phone.locator("main table").last).to_contain_text("75 %")
    expect(phone.locator(f"main a[href='/objectives/indicators/{fed.pk}/trend.pdf']")).to_be_visible()
    expect(phone.locator(f"main a[href='/objectives/indicators/{fed.pk}/enter/']")).to_have_count(0)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
