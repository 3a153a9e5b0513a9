"""Province-sized objectives and indicators for ``manage.py seed_scale`` (kpi part), in bulk, in
one transaction, with a history row for each record (``bulk_create_with_history``):

* two quality objectives per unit for this year, each unit's first breaking down its parent's
  first (the cascade down the whole tree);
* ``--indicators`` indicators per unit (default 20; 0 builds nothing): the same codes in every
  unit (so each rolls up the tree), the first the on-time rate, about half of them rates
  (numerator and denominator), the rest plain values, a third with lower-is-better;
* ``--indicator-months`` monthly values of each (default 36): 250 units × 20 × 36 = 180,000 values;
  a few percent missing (the reminder's work), a few percent missed.
"""

import random
import time
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import Unit, User

from .models import Indicator, Measurement, ProcedureTimeliness, QualityObjective
from .scale_ontime import build_timeliness
from .selectors.kpi_math import period_start, shift

CODES = ["ontime"] + [f"k{n:02d}" for n in range(2, 100)]


def _indicator(unit, code, index, reporter):
    rate = index % 2 == 0
    lower = not rate and index % 3 == 0
    return Indicator(unit=unit, code=code, name=("Tỷ lệ hồ sơ giải quyết đúng hạn" if code == "ontime" else
                                                 f"Chỉ số {index + 1:02d}"),
                     kind=Indicator.Kind.RATE if rate else Indicator.Kind.VALUE,
                     unit_of_measure="%" if rate else "lượt",
                     direction=Indicator.Direction.LOWER if lower else Indicator.Direction.HIGHER,
                     target=Decimal(98 if rate else (3 if lower else 50)),
                     alert_threshold=Decimal(96 if rate else (5 if lower else 40)),
                     frequency=Indicator.Frequency.MONTHLY, reporter_id=reporter)


def _value(indicator, month_index, months, rng):
    if indicator.kind == Indicator.Kind.RATE:
        denominator = Decimal(rng.randint(50, 400))
        share = Decimal("95.5") + Decimal(3) * month_index / max(months - 1, 1) + Decimal(rng.randint(-150, 60)) / 100
        numerator = min(denominator, (denominator * share / 100).quantize(Decimal(1)))
        return (numerator / denominator * 100).quantize(Decimal("0.0001")), numerator, denominator
    if indicator.direction == Indicator.Direction.LOWER:
        return Decimal(rng.randint(0, 7)), None, None
    return Decimal(rng.randint(30, 70)), None, None


def build_kpi(*, root, per_unit=20, months=36, rng=None, acting_user=None, today=None):
    started = time.perf_counter()
    summary = {"indicators": 0, "measurements": 0, "objectives": 0, "seconds": 0.0}
    if per_unit <= 0:
        return summary
    rng = rng or random.Random(2031)
    now = timezone.now()
    today = today or timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                 .only("pk", "code", "path", "parent_id"))
    members = {}
    for pk, unit_id in (User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                        .exclude(is_superuser=True).order_by("pk").values_list("pk", "primary_unit_id")):
        members.setdefault(unit_id, []).append(pk)
    with transaction.atomic():
        first_goal = {}
        for unit in units:  # parents first (by path): each first objective breaks down its parent's
            goals = bulk_create_with_history([
                QualityObjective(unit=unit, year=today.year, code=f"MT-{n}", title=title,
                                 target="≥ 98 %", status=QualityObjective.Status.ACTIVE,
                                 parent_id=first_goal.get(unit.parent_id) if n == 1 else None,
                                 due_on=date(today.year, 12, 31))
                for n, title in ((1, "Tối thiểu 98 % hồ sơ giải quyết đúng hạn"),
                                 (2, "Mức độ hài lòng đạt từ 90 % trở lên"))], QualityObjective, **history)
            first_goal[unit.pk] = goals[0].pk
            summary["objectives"] += 2
        indicators = []
        for unit in units:
            people = members.get(unit.pk) or [None]
            for index, code in enumerate(CODES[:per_unit]):
                indicators.append(_indicator(unit, code, index, people[index % len(people)]))
        indicators = bulk_create_with_history(indicators, Indicator, batch_size=2000, **history)
        summary["indicators"] = len(indicators)
        current = period_start(today, "monthly")
        periods = [shift(current, "monthly", -i) for i in range(months, 0, -1)]
        rows = []
        for indicator in indicators:
            for index, period in enumerate(periods):
                if index == months - 1 and rng.random() < 0.05:
                    continue  # last month not entered yet
                value, numerator, denominator = _value(indicator, index, months, rng)
                rows.append((indicator.pk, period, value, numerator, denominator,
                             indicator.reporter_id or (acting.pk if acting else None), rng.random() < 0.03))
        summary["measurements"] = _insert_measurements(rows, now, acting)
    summary["seconds"] = time.perf_counter() - started
    return summary


MEASUREMENT_COLUMNS = ("created_at", "updated_at", "indicator_id", "period", "value", "numerator", "denominator",
                       "comment", "entered_by_id", "entered_at", "is_late", "nonconformity_id")


def _insert_measurements(rows, now, acting):
    """The values and their history rows. On PostgreSQL with COPY (the ORM's per-field preparation
    and per-row INSERTs of 180,000 values took minutes); elsewhere (the tests' SQLite, small
    numbers) through ``bulk_create_with_history``. Returns how many were made."""
    from django.db import connection

    if connection.vendor != "postgresql":
        made = [Measurement(indicator_id=i, period=p, value=v, numerator=n, denominator=d, entered_by_id=by,
                            entered_at=now, is_late=late) for i, p, v, n, d, by, late in rows]
        return len(bulk_create_with_history(made, Measurement, batch_size=5000, default_user=acting,
                                            default_date=now))
    import csv
    import io

    table = Measurement._meta.db_table
    history = Measurement.history.model._meta.db_table
    columns = ("id", *MEASUREMENT_COLUMNS)
    history_columns = (*columns, "history_date", "history_change_reason", "history_type", "history_user_id")
    user = acting.pk if acting else None
    with connection.cursor() as cursor:
        # The ids are taken from the table's own sequence first, so that the history rows name them:
        # then both tables are filled with COPY (no per-row statement, no per-field preparation).
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        data, past = io.StringIO(), io.StringIO()
        out, out_past = csv.writer(data), csv.writer(past)
        stamp = now.isoformat()
        for pk, (i, p, v, n, d, by, late) in zip(ids, rows, strict=True):
            row = [pk, stamp, stamp, i, p.isoformat(), v, "" if n is None else n, "" if d is None else d, "",
                   "" if by is None else by, stamp, "t" if late else "f", ""]
            out.writerow(row)
            out_past.writerow([*row, stamp, "", "+", "" if user is None else user])
        for name, names, buffer in ((table, columns, data), (history, history_columns, past)):
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(name)} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, "
                "NULL '', FORCE_NOT_NULL (comment))", buffer)
    return len(rows)


def analyze_models():
    tracked = [QualityObjective, Indicator, Measurement, ProcedureTimeliness]
    return tracked + [m.history.model for m in tracked]


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=20,
                            help="Indicators per unit, each with its monthly values (default 20; 0: none).")
        parser.add_argument("--indicator-months", type=int, default=36,
                            help="Months of values of each indicator (default 36).")
        parser.add_argument("--timeliness-months", type=int, default=12,
                            help="Months of files per procedure of each unit, the on-time rate's rows (default 12; "
                                 "0: none).")
        parser.add_argument("--timeliness-procedures", type=int, default=5,
                            help="Procedures per unit with monthly files (default 5).")

    def check(self, options):
        if min(options["indicators"], options["indicator_months"], options["timeliness_months"],
               options["timeliness_procedures"]) < 0:
            raise ValueError("--indicators, --indicator-months, --timeliness-months and --timeliness-procedures "
                             "cannot be negative.")
        if options["indicators"] > len(CODES):
            raise ValueError(f"--indicators: at most {len(CODES)} per unit.")

    def build(self, *, root, options, acting_user):
        summary = build_kpi(root=root, per_unit=options["indicators"], months=options["indicator_months"],
                            acting_user=acting_user)
        summary.update(build_timeliness(root=root, per_unit=options["timeliness_procedures"],
                                        months=options["timeliness_months"], acting_user=acting_user))
        return summary

    def describe(self, summary):
        lines = []
        if summary.get("indicators"):
            lines.append(f"{summary['objectives']} quality objectives, {summary['indicators']} indicators with "
                         f"{summary['measurements']} monthly values (time: {summary['seconds']:.2f} s).")
        if summary.get("timeliness"):
            lines.append(f"{summary['timeliness']} monthly files per procedure "
                         f"(time: {summary['timeliness_seconds']:.2f} s).")
        return lines

    def analyze_models(self):
        return analyze_models()

    def data_size(self):
        return {"quality objectives": QualityObjective.objects.count(), "indicators": Indicator.objects.count(),
                "indicator values": Measurement.objects.count(),
                "monthly files per procedure": ProcedureTimeliness.objects.count()}
