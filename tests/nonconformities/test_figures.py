"""ncreports: the nonconformities' dashboard figures, per unit and rolled up the unit tree, with
numbers worked out by hand: open by age bucket, on-time closure rate, average days to close,
recurrence rate; only what the reader may see; a fixed number of queries whatever the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Clause
from documents.services import ensure_clauses
from nonconformities.models import Nonconformity
from nonconformities.selectors import figures
from qms_portal import areas
from tests.factories import make_superuser
from tests.nonconformities.desk_factories import procedure
from tests.nonconformities.factories import close, raise_nc, to_verification
from tests.nonconformities.figure_factories import closed, opened, today

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def by_unit(nodes):
    return {node.unit.id: node for node in nodes}


# --- open by unit and age ---------------------------------------------------------------------------


def test_open_nonconformities_are_counted_by_age_bucket_and_rolled_up_the_tree(ns):
    opened(ns, ns.dept, 10)  # up to 30 days
    opened(ns, ns.dept, 45)  # 31–90
    opened(ns, ns.dept, 30)  # 30 days: still "up to 30"
    opened(ns, ns.office, 100)  # 91–180
    opened(ns, ns.office, 200)  # more than 180
    opened(ns, ns.other, 5)  # another agency: not the management representative's
    gone = to_verification(ns, opened(ns, ns.dept, 20))[0]
    close(ns, gone)  # closed: not open

    nodes = by_unit(figures.open_by_unit_and_age(ns.mr))
    assert set(nodes) == {ns.root.pk, ns.dept.pk, ns.office.pk}
    assert nodes[ns.office.pk].own_by == {"180": 1, "older": 1}
    assert nodes[ns.dept.pk].own_by == {"30": 2, "90": 1}
    assert nodes[ns.dept.pk].total_by == {"30": 2, "90": 1, "180": 1, "older": 1}
    assert (nodes[ns.dept.pk].own, nodes[ns.dept.pk].total) == (3, 5)
    assert nodes[ns.root.pk].total == 5 and nodes[ns.root.pk].own == 0

    staff_nodes = by_unit(figures.open_by_unit_and_age(ns.staff))  # the office's staff: the office only
    assert staff_nodes[ns.office.pk].total == 2 and staff_nodes[ns.dept.pk].total == 2
    assert ns.other.pk not in staff_nodes


# --- closure: on time, days to close, recurrence -------------------------------------------------------


@pytest.fixture
def closures(ns):
    """dept: X1 (detected 40 days ago, closed 10 days ago: 30 days; its procedure had Z 60 days
    earlier in the office: recurred), X2 (100 → 20: 80 days; an action done late), X5 (closed 400
    days ago: outside the period). office: X3 (60 → 5: 55 days; same clause as Y, 140 days earlier:
    recurred), X4 (30 → 2: 28 days; its clause's previous one, V, 366 days earlier: too old).
    The other agency's nonconformities are not the management representative's (tested apart)."""
    ensure_clauses()
    c85, c71 = Clause.objects.get(number="8.5"), Clause.objects.get(number="7.1")
    su = make_superuser(f"{ns.prefix}su".lower())
    proc = procedure(ns.dept, author=su)
    raise_nc(ns, unit=ns.office, by=su, procedure=proc, detected_on=today() - timedelta(days=100))  # Z, open
    opened(ns, ns.office, 200, clause=c85)  # Y, open
    opened(ns, ns.office, 30 + 366, clause=c71)  # V, open, a year and a day before X4
    x1 = closed(ns, ns.dept, 40, 10)
    x1.procedure = proc
    x1.save()
    return {
        "x1": x1,
        "x2": closed(ns, ns.dept, 100, 20, late=True),
        "x3": closed(ns, ns.office, 60, 5, clause=c85),
        "x4": closed(ns, ns.office, 30, 2, clause=c71),
        "x5": closed(ns, ns.dept, 500, 400),
    }


def test_closure_figures_per_unit_and_rolled_up(ns, closures):
    nodes = by_unit(figures.closure_figures(ns.mr))
    assert set(nodes) == {ns.root.pk, ns.dept.pk, ns.office.pk}
    dept, office, root = nodes[ns.dept.pk], nodes[ns.office.pk], nodes[ns.root.pk]
    # own: X1 and X2 on the department, X3 and X4 on the office
    assert (dept.own.closed, dept.own.late, dept.own.recurred, dept.own.days) == (2, 1, 1, 30 + 80)
    assert (office.own.closed, office.own.late, office.own.recurred, office.own.days) == (2, 0, 1, 55 + 28)
    # the department's figures cover its office
    assert (dept.total.closed, dept.total.late, dept.total.recurred, dept.total.days) == (4, 1, 2, 193)
    assert dept.total.on_time_rate == 0.75  # 3 of 4 closed with no action done late
    assert dept.total.average_days == 48.25  # (30 + 80 + 55 + 28) / 4
    assert dept.total.recurrence_rate == 0.5  # X1 (same procedure) and X3 (same unit and clause)
    assert office.own.on_time_rate == 1 and office.own.average_days == 41.5 and office.own.recurrence_rate == 0.5
    assert root.total == dept.total and root.own.closed == 0


def test_the_figures_count_only_what_the_reader_may_see(ns, closures):
    nodes = by_unit(figures.closure_figures(ns.staff))  # staff of the office
    assert nodes[ns.dept.pk].own.closed == 0
    assert (nodes[ns.office.pk].own.closed, nodes[ns.office.pk].own.recurred) == (2, 1)
    assert nodes[ns.dept.pk].total.closed == 2


def test_a_reporting_period_can_be_chosen(ns, closures):
    nodes = by_unit(figures.closure_figures(ns.mr, since=today() - timedelta(days=450),
                                            until=today() - timedelta(days=15)))
    # X5 (closed 400 days ago) and X2 (20 days ago) only
    assert (nodes[ns.dept.pk].own.closed, nodes[ns.dept.pk].own.late) == (2, 1)
    assert ns.office.pk not in nodes  # nothing closed there in that period


def test_a_nonconformity_a_full_year_after_the_previous_one_is_a_recurrence(ns):
    ensure_clauses()
    clause = Clause.objects.get(number="9.1")
    opened(ns, ns.dept, 50 + 10, clause=clause)  # same clause, another unit: not a recurrence
    alone = closed(ns, ns.office, 800, 3, clause=clause)  # the first one: nothing before it
    assert list(figures.recurring_closures(ns.mr)) == []
    opened(ns, ns.office, 40 + 365, clause=clause)  # exactly 365 days before the next one: within the year
    later = closed(ns, ns.office, 40, 2, clause=clause)
    assert list(figures.recurring_closures(ns.mr)) == [later]
    assert alone not in figures.recurring_closures(ns.mr)


def test_a_rejected_report_is_no_recurrence_and_a_later_one_does_not_count(ns):
    ensure_clauses()
    clause = Clause.objects.get(number="9.2")
    from nonconformities import services

    rejected = opened(ns, ns.office, 100, clause=clause)
    services.nonconformity_transition(acting_user=ns.iso, nonconformity=rejected, name="reject",
                                      reason="Không phải điểm không phù hợp")
    nc = closed(ns, ns.office, 50, 3, clause=clause)
    opened(ns, ns.office, 10, clause=clause)  # detected after it
    assert nc not in figures.recurring_closures(ns.mr)
    assert figures.closure_figures(ns.mr)[-1].own.recurred == 0


def test_the_dashboard_figures_are_registered_and_count_what_the_reader_may_see(ns, closures):
    opened(ns, ns.other, 5)
    registered = {figure.key: figure for _area, figure in areas.dashboard_figures()
                  if figure.key.startswith("nonconformities.")}
    counts = {key: figure.queryset(ns.mr).count() for key, figure in registered.items()}
    assert counts == {
        "nonconformities.open": 3,  # Z, Y, V
        "nonconformities.open_over_90_days": 3,
        "nonconformities.closed": 4,  # X1–X4 (X5 before the past 12 months)
        "nonconformities.closed_late": 1,  # X2
        "nonconformities.recurring": 2,  # X1, X3
        # the dashboard's figures of a period: every closure before the period keeps its own
        "nonconformities.closed_in_period": 5,  # X1–X5
        "nonconformities.days_to_close": 5,  # averaged over the same rows
        "nonconformities.overdue": 0,  # no open one has an action past its due date
        # the annual ISO report's (off the dashboard): every one raised, by its detection date
        "nonconformities.raised": 8,  # Z, Y, V and X1–X5
    }
    assert all(str(figure.url).startswith("/nonconformities/") for figure in registered.values())


# --- queries ------------------------------------------------------------------------------------------


def more(ns, n):
    for i in range(n):
        opened(ns, ns.office if i % 2 else ns.dept, 5 + 40 * i)
        if i % 3 == 0:
            closed(ns, ns.office if i % 2 else ns.dept, 60 + i, 2 + i, late=bool(i % 2))


@pytest.mark.parametrize("figure", ["open_by_unit_and_age", "closure_figures"])
def test_the_figures_make_the_same_number_of_queries_at_two_sizes(ns, figure):
    function = getattr(figures, figure)

    def count():
        with CaptureQueriesContext(connection) as captured:
            function(ns.mr)
        return len(captured)

    more(ns, 2)
    count()  # the reader's roles, read once
    small = count()
    more(ns, 9)
    assert count() == small <= 3
    assert Nonconformity.objects.count() >= 11
