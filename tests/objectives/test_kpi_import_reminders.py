"""Importing values from CSV/XLSX (all or nothing, each row's problems listed, decimal commas),
the reminder of values not entered when a period closes (one message per person per run, nothing
twice), the on-time rate's procedures feeding the unit's on-time indicator, and the management
review's inputs compiled for a subtree."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.models import Document
from objectives.models import Measurement, ProcedureTimeliness
from objectives.selectors import kpi_review
from objectives.selectors.kpi_math import period_code, shift
from objectives.services.kpi_import import ImportRejected, measurements_import
from objectives.services.kpi_ontime import timeliness_enter
from objectives.services.kpi_reminders import indicator_reminders_send
from qms_portal.models import Notification
from tests import factories
from tests.documents.factories import doc_type
from tests.objectives.kpi_factories import indicator, objective, rate, reporter, value

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
LAST_MONTH = shift(TODAY.replace(day=1), "monthly", -1)
BEFORE = shift(LAST_MONTH, "monthly", -1)


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(t.head, "department_head", t.ward1)
    return t


def csv_file(text):
    return SimpleUploadedFile("values.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_import_with_a_bad_row_imports_nothing_and_names_each_rows_problems(tree):
    a = rate(tree.ward1, tree.superuser, code="ontime")
    indicator(tree.ward1, tree.superuser, code="sat", target="90")
    w = tree.ward1.code
    text = ("unit_code,indicator_code,period,value,numerator,denominator,comment\n"
            f"{w},ontime,{period_code(LAST_MONTH, 'monthly')},,49,50,ok\n"
            f"{w},ontime,{period_code(BEFORE, 'monthly')},,60,50,\n"
            f"{w},sat,{period_code(LAST_MONTH, 'monthly')},\"97,5\",,,\n"
            f"{w},nope,{period_code(LAST_MONTH, 'monthly')},1,,,\n"
            f"{w},ontime,{period_code(LAST_MONTH, 'monthly')},,49,50,twice\n")
    with pytest.raises(ImportRejected) as caught:
        measurements_import(acting_user=tree.head, upload=csv_file(text))
    rows = dict(caught.value.errors)
    assert set(rows) == {3, 5, 6}
    assert "larger than the denominator" in " ".join(rows[3])
    assert "no indicator" in " ".join(rows[5]) and "twice" in " ".join(rows[6])
    assert not Measurement.objects.filter(indicator=a).exists()


def test_a_clean_import_enters_every_value_with_decimal_commas(tree):
    rate(tree.ward1, tree.superuser, code="ontime")
    sat = indicator(tree.ward1, tree.superuser, code="sat", target="90")
    w = tree.ward1.code
    text = ("unit_code,indicator_code,period,value,numerator,denominator\n"
            f"{w},ontime,{LAST_MONTH.month}/{LAST_MONTH.year},,49,50\n"
            f"{w},sat,{period_code(LAST_MONTH, 'monthly')},\"97,5\",,\n")
    created = measurements_import(acting_user=tree.head, upload=csv_file(text))
    assert len(created) == 2 and Measurement.objects.get(indicator=sat).value == D("97.5")


def test_an_xlsx_import_reads_numbers_and_dates(tree):
    from openpyxl import Workbook

    rate(tree.ward1, tree.superuser, code="ontime")
    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "indicator_code", "period", "numerator", "denominator"])
    sheet.append([tree.ward1.code, "ontime", LAST_MONTH, 98.5, 100])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("values.xlsx", out.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    [m] = measurements_import(acting_user=tree.head, upload=upload)
    assert m.period == LAST_MONTH and m.value == D("98.5000")


def test_an_import_refuses_indicators_outside_the_readers_reach(tree):
    rate(tree.division, tree.superuser, code="ontime")
    text = f"unit_code,indicator_code,period,numerator,denominator\n{tree.division.code},ontime,2026-01,1,1\n"
    with pytest.raises(ImportRejected) as caught:
        measurements_import(acting_user=tree.head, upload=csv_file(text))
    assert "may not enter" in " ".join(caught.value.errors[0][1])


def test_values_not_entered_are_reminded_once_in_one_message_per_person(tree):
    person = reporter(tree, tree.ward1)
    a = rate(tree.ward1, tree.superuser, code="a", reporter=person)
    b = rate(tree.ward1, tree.superuser, code="b", reporter=person)
    done = rate(tree.ward1, tree.superuser, code="c", reporter=person)
    orphan = rate(tree.ward1, tree.superuser, code="d")  # no reporter: the department head is told
    value(done, tree.superuser, LAST_MONTH, numerator=D(1), denominator=D(1))
    result = indicator_reminders_send()
    assert result.messages == 2
    mine = Notification.objects.get(recipient=person)
    assert mine.params["count"] == 2
    listed = {ref["pk"] for ref in mine.params["objects"]["$list"]}
    assert listed == {a.pk, b.pk}
    assert Notification.objects.filter(recipient=tree.head).count() == 1
    assert indicator_reminders_send().messages == 0  # beat firing twice sends nothing again
    assert orphan


def test_a_units_procedures_give_its_on_time_indicator_its_monthly_value(tree):
    su = tree.superuser
    procedure = Document.objects.create(unit=tree.district, code="QT-01", title="Cấp phép", doc_type=doc_type("QT"),
                                        category="operational", process_owner=su)
    other = Document.objects.create(unit=tree.district, code="QT-02", title="Đăng ký", doc_type=doc_type("QT"),
                                    category="operational", process_owner=su)
    on_time = indicator(tree.ward1, su, code="ontime", kind="on_time", target="98", alert_threshold=D("96"))
    timeliness_enter(acting_user=su, unit=tree.ward1, month=LAST_MONTH,
                     rows=[{"procedure": procedure, "received": 60, "on_time": 58, "late": 2},
                           {"procedure": other, "received": 40, "on_time": 40, "late": 0}])
    m = Measurement.objects.get(indicator=on_time, period=LAST_MONTH)
    assert (m.numerator, m.denominator, m.value) == (D(98), D(100), D("98.0000"))
    timeliness_enter(acting_user=su, unit=tree.ward1, month=LAST_MONTH,
                     rows=[{"procedure": procedure, "received": 60, "on_time": 57, "late": 3}])
    m.refresh_from_db()
    assert m.value == D("97.0000") and ProcedureTimeliness.objects.filter(unit=tree.ward1).count() == 2
    assert m.history.count() == 2


def test_the_review_inputs_read_the_subtree_in_a_constant_number_of_queries(tree, django_assert_max_num_queries):
    su = tree.superuser
    objective(tree.district, su, year=TODAY.year, status="achieved")
    objective(tree.ward1, su, year=TODAY.year, status="not_achieved")
    objective(tree.division, su, year=TODAY.year, status="achieved")  # another branch
    ind = rate(tree.ward1, su)
    value(ind, su, LAST_MONTH, numerator=D(90), denominator=D(100))
    value(ind, su, BEFORE, numerator=D(99), denominator=D(100))
    start, end = BEFORE, TODAY
    with django_assert_max_num_queries(1):
        data = kpi_review.compile_objectives(tree.district, start, end)
    assert (data["met"], data["not_met"], data["total"]) == (1, 1, 2)
    with django_assert_max_num_queries(3):
        perf = kpi_review.compile_performance(tree.district, start, end)
    assert perf["statuses"] == {"achieved": 1, "at_risk": 0, "missed": 1}
    assert perf["missed_most"][0]["missed"] == 1
    import json

    json.dumps(data), json.dumps(perf)  # JSON-ready (frozen in the review's snapshot)


def test_the_figures_count_what_the_reader_may_see(tree):
    su = tree.superuser
    objective(tree.ward1, su, year=TODAY.year, status="achieved")
    objective(tree.division, su, year=TODAY.year, status="achieved")
    value(rate(tree.ward1, su), su, LAST_MONTH, numerator=D(90), denominator=D(100))
    value(rate(tree.division, su), su, LAST_MONTH, numerator=D(90), denominator=D(100))
    assert kpi_review.objectives_met(tree.head).count() == 1
    assert kpi_review.indicators_missed(tree.head).count() == 1
    assert kpi_review.indicators_missed(su).count() == 2
