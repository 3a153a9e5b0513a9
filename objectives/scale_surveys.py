"""Province-sized satisfaction surveys for ``manage.py seed_scale`` (the surveys part of
``objectives.scale.ObjectivesScale``): by default 500 surveys with 50,000 answer sheets, in bulk,
in one transaction, in seconds.

* Surveys go round the units of the tree (the units that run their own QMS first), two groups each
  (leaders, departments) or one (citizens, every fifth survey, on the five-point scale), the five
  default dimensions; periods are half-years over the past three years, every survey closed but
  the last period's (open); numbers ``{unit}-SV-{year}-{n:02}`` as the service gives them, and the
  numbering sequences left at the highest number used.
* Answer sheets: one survey (the first, a citizens' survey: the bench's largest results page) gets
  a tenth of them, the others share the rest; each sheet rates every dimension, mostly satisfied.
* Bulk, not the services (``bulk_create_with_history`` for the history-tracked rows); nobody is
  notified; no links are made (answers are not tied to links anyway).
"""

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import NumberSequence, Unit, User
from qms_portal.search import searchable

from .models import Survey, SurveyAnswer, SurveyDimension, SurveyGroup, SurveyResponse
from .selectors.surveys import NO_COUNTS, stored_counts
from .services.surveys import NUMBER_KIND, NUMBER_PATTERN

DIMENSIONS = ["Thái độ phục vụ", "Trật tự, nề nếp", "Môi trường, cảnh quan", "Hiệu quả công việc", "Liêm chính"]
GROUPS = [("Lãnh đạo thành phố", 7), ("Các sở, ngành", 23)]
CITIZENS = ("Người dân, tổ chức", 300)
WEIGHTS = {Survey.Scale.THREE: ([1, 2, 3], [80, 17, 3]), Survey.Scale.FIVE: ([1, 2, 3, 4, 5], [40, 40, 14, 4, 2])}


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _periods(today, count=6):
    """The last ``count`` half-years, newest first: ``[(start, end)]``."""
    half = 1 if today.month <= 6 else 2
    year, out = today.year, []
    for _i in range(count):
        out.append((date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31)))
        half, year = (2, year - 1) if half == 1 else (1, year)
    return out


ANSWER_BATCH = 3000
SHEET_BATCH = 2000


def _insert_answers(rows):
    """``[(response id, dimension id, rating)]`` in multi-row INSERTs: the ratings are most of the
    rows, and building a model instance for each would take most of the time (no history, no save
    logic on an answer)."""
    if not rows:
        return 0
    table, q = SurveyAnswer._meta.db_table, connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("response_id", "dimension_id", "rating"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ANSWER_BATCH):
            chunk = rows[start:start + ANSWER_BATCH]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            sql = f"INSERT INTO {q(table)} ({columns}) VALUES {values}"  # noqa: S608 - names from the model, values bound
            cursor.execute(sql, [value for row in chunk for value in row])
    return len(rows)


def _insert_sheets(rows):
    """``[(survey id, group id, submitted at, comment)]`` inserted in multi-row INSERTs → their ids,
    in order (``RETURNING``, as Django's own bulk insert reads them on PostgreSQL and SQLite)."""
    table, q = SurveyResponse._meta.db_table, connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("survey_id", "group_id", "submitted_at", "comment", "signed_name"))
    adapt, ids = connection.ops.adapt_datetimefield_value, []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SHEET_BATCH):
            chunk = rows[start:start + SHEET_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, '')"] * len(chunk))
            sql = f"INSERT INTO {q(table)} ({columns}) VALUES {values} RETURNING {q('id')}"  # noqa: S608 - names from the model, values bound
            cursor.execute(sql, [v for survey, group, when, comment in chunk for v in (survey, group, adapt(when),
                                                                                        comment)])
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _store_counts(surveys):
    """The counts each survey keeps (``Survey.responses_count``…), counted by the selector that
    closing a survey uses, for all the surveys at once (two GROUP BYs, one bulk UPDATE)."""
    counts = stored_counts([s.pk for s in surveys])
    for survey in surveys:
        for name, value in counts.get(survey.pk, NO_COUNTS).items():
            setattr(survey, name, value)
    Survey.objects.bulk_update(surveys, list(NO_COUNTS), batch_size=1000)


def build_surveys(*, root, surveys=500, responses=50000, rng=None, acting_user=None, today=None):
    started = time.perf_counter()
    rng = rng or random.Random(2031)
    if surveys <= 0:
        return {"surveys": 0, "responses": 0, "answers": 0, "seconds": 0.0}
    now = timezone.now()
    today = today or timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("-runs_own_qms", "path")
                 .only("pk", "code"))
    periods = _periods(today)
    rows, numbers = [], {}
    for i in range(surveys):
        unit = units[i % len(units)]
        start, end = periods[i % len(periods)]
        key = (unit.pk, start.year)
        numbers[key] = numbers.get(key, 0) + 1
        number = NUMBER_PATTERN.format(unit=unit.code, year=start.year, n=numbers[key])
        citizens = i % 5 == 0
        closed = end < today
        title = f"Khảo sát mức độ hài lòng {start.year}/{1 if start.month == 1 else 2}"
        s = Survey(unit_id=unit.pk, number=number, title=title + (" — người dân" if citizens else ""),
                   period_start=start, period_end=end,
                   scale=Survey.Scale.FIVE if citizens else Survey.Scale.THREE,
                   status=Survey.Status.CLOSED if closed else Survey.Status.OPEN, opened_at=aware(start),
                   closed_at=min(aware(end + timedelta(days=10)), now) if closed else None, created_by=acting)
        s.search_key = searchable(f"{number} {s.title}")[:800]
        s._history_date = aware(start)
        rows.append(s)
    rows = bulk_create_with_history(rows, Survey, batch_size=500, **history)
    groups, dims = [], []
    for i, s in enumerate(rows):
        for position, (name, invited) in enumerate([CITIZENS] if i % 5 == 0 else GROUPS, start=1):
            groups.append(SurveyGroup(survey_id=s.pk, name=name, invited=invited, position=position))
        dims += [SurveyDimension(survey_id=s.pk, name=name, position=p) for p, name in enumerate(DIMENSIONS, start=1)]
    groups = bulk_create_with_history(groups, SurveyGroup, batch_size=2000, **history)
    dims = bulk_create_with_history(dims, SurveyDimension, batch_size=2000, **history)
    groups_of, dims_of = {}, {}
    for g in groups:
        groups_of.setdefault(g.survey_id, []).append(g.pk)
    for d in dims:
        dims_of.setdefault(d.survey_id, []).append(d.pk)
    # a tenth of the sheets on the first survey, the rest shared
    others = len(rows) - 1
    first = responses // 10 if others else responses
    rest = responses - first
    share = [first] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    sheets = []  # (survey id, group id, submitted at, comment)
    for s, n in zip(rows, share, strict=True):
        for k in range(n):
            when = min(s.opened_at + timedelta(hours=rng.randint(0, 24 * 150)), now)
            sheets.append((s.pk, groups_of[s.pk][k % len(groups_of[s.pk])],
                           when.replace(minute=0, second=0, microsecond=0),
                           "Công chức hướng dẫn tận tình." if k % 25 == 0 else ""))
    sheet_ids = _insert_sheets(sheets)
    scale_of = {s.pk: s.scale for s in rows}
    answers, total = [], 0
    for sheet_id, (survey_id, *_rest) in zip(sheet_ids, sheets, strict=True):
        values, weights = WEIGHTS[scale_of[survey_id]]
        answers += zip([sheet_id] * len(DIMENSIONS), dims_of[survey_id],
                       rng.choices(values, weights, k=len(DIMENSIONS)), strict=True)
        if len(answers) >= ANSWER_BATCH:
            total += _insert_answers(answers)
            answers = []
    total += _insert_answers(answers)
    _store_counts(rows)
    existing = set(NumberSequence.objects.filter(kind=NUMBER_KIND).values_list("unit_id", "year"))
    NumberSequence.objects.bulk_create([NumberSequence(unit_id=u, kind=NUMBER_KIND, year=y, last_number=n)
                                        for (u, y), n in numbers.items() if (u, y) not in existing], batch_size=500)
    return {"surveys": len(rows), "responses": len(sheet_ids), "answers": total,
            "open": sum(1 for s in rows if s.status == Survey.Status.OPEN), "largest": share[0],
            "seconds": time.perf_counter() - started}


def largest_survey():
    """The survey with the most answer sheets (the bench's results page)."""
    from django.db.models import Count

    return (Survey.objects.annotate(n=Count("responses")).order_by("-n", "pk").only("pk").first())


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--surveys", type=int, default=500, help="Satisfaction surveys (default 500; 0: none).")
        parser.add_argument("--survey-responses", type=int, default=50000,
                            help="Answer sheets across the surveys, a tenth on one survey (default 50000).")

    def check(self, options):
        if min(options["surveys"], options["survey_responses"]) < 0:
            raise ValueError("--surveys and --survey-responses cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_surveys(root=root, surveys=options["surveys"], responses=options["survey_responses"],
                             acting_user=acting_user)

    def describe(self, summary):
        if not summary["surveys"]:
            return []
        return [f"{summary['surveys']} satisfaction surveys ({summary['open']} open) with {summary['responses']} "
                f"answer sheets and {summary['answers']} ratings (the largest survey: {summary['largest']} sheets); "
                f"time: {summary['seconds']:.2f} s."]

    def analyze_models(self):
        return [Survey, SurveyGroup, SurveyDimension, SurveyResponse, SurveyAnswer, NumberSequence]

    def data_size(self):
        return {"surveys": Survey.objects.count(), "survey answer sheets": SurveyResponse.objects.count()}
