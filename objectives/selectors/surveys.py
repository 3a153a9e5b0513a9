"""Reading satisfaction surveys: the list, a survey's result (per group and dimension), the
management review's input and the dashboard's figure. Every result is counted in SQL aggregates,
in a fixed number of queries whatever the number of answers.

Levels: on the three-level scale 1 = satisfied, 2 = basically satisfied, 3 = not satisfied; on the
five-point scale (政务服务“好差评”) 1 very satisfied and 2 satisfied count as *satisfied*, 3
basically satisfied, 4 dissatisfied and 5 very dissatisfied as *not satisfied*.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Survey, SurveyAnswer, SurveyResponse

THREE, FIVE = Survey.Scale.THREE, Survey.Scale.FIVE
# rating → level ("satisfied", "basic", "not") per scale
LEVELS = {
    THREE: {1: "satisfied", 2: "basic", 3: "not"},
    FIVE: {1: "satisfied", 2: "satisfied", 3: "basic", 4: "not", 5: "not"},
}
# The highest rating that still counts as satisfied, and as satisfied or basically satisfied.
SATISFIED_MAX = {THREE: 1, FIVE: 2}
POSITIVE_MAX = {THREE: 2, FIVE: 3}
RATINGS = {
    THREE: ((1, _("Satisfied")), (2, _("Basically satisfied")), (3, _("Not satisfied"))),
    FIVE: ((1, _("Very satisfied")), (2, _("Satisfied")), (3, _("Basically satisfied")), (4, _("Dissatisfied")),
           (5, _("Very dissatisfied"))),
}
# Below this share satisfied or basically satisfied a survey needs attention (SIPAS: 80 %).
THRESHOLD = Decimal(80)


def pct(part, whole):
    """``part`` of ``whole`` as a percentage with one decimal, or None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def tally(counts, scale):
    """``{rating: count}`` → the levels' counts and shares."""
    levels = {"satisfied": 0, "basic": 0, "not": 0}
    for rating, n in counts.items():
        levels[LEVELS[scale][rating]] += n
    total = sum(levels.values())
    return {**levels, "answers": total, "satisfied_pct": pct(levels["satisfied"], total),
            "positive": levels["satisfied"] + levels["basic"],
            "positive_pct": pct(levels["satisfied"] + levels["basic"], total)}


def survey_result(survey):
    """A survey's result, for its page, reports, the management review and indicators (the kpi part
    reads ``positive_pct`` — % satisfied or basically satisfied — and ``satisfied_pct``).

    ``{"answers", "satisfied", "basic", "not", "positive", "satisfied_pct", "positive_pct",
    "responses", "invited", "response_rate", "ratings": {rating: n}, "groups": [{"group", "responses",
    "invited", "response_rate", **tally}], "dimensions": [{"dimension", **tally}], "cells":
    {(group pk, dimension pk): tally}}``. Four queries: groups, dimensions, responses per group,
    answers per group × dimension × rating."""
    groups = list(survey.groups.order_by("position", "id"))
    dimensions = list(survey.dimensions.order_by("position", "id"))
    responses = dict(SurveyResponse.objects.filter(survey=survey).values("group").annotate(n=Count("id"))
                     .values_list("group", "n"))
    rows = (SurveyAnswer.objects.filter(response__survey=survey)
            .values("response__group", "dimension", "rating").annotate(n=Count("id")).order_by())
    by_cell, by_group, by_dimension, overall = {}, {}, {}, {}
    for row in rows:
        g, d, r, n = row["response__group"], row["dimension"], row["rating"], row["n"]
        for bucket, key in ((by_cell, (g, d)), (by_group, g), (by_dimension, d)):
            bucket.setdefault(key, {}).setdefault(r, 0)
            bucket[key][r] += n
        overall[r] = overall.get(r, 0) + n
    scale = survey.scale
    group_rows = []
    for group in groups:
        answered = responses.get(group.pk, 0)
        group_rows.append({"group": group, "responses": answered, "invited": group.invited,
                           "response_rate": pct(answered, group.invited), **tally(by_group.get(group.pk, {}), scale)})
    total_responses = sum(responses.values())
    invited = sum(g.invited for g in groups)
    return {
        **tally(overall, scale), "ratings": overall, "scale": scale,
        "responses": total_responses, "invited": invited, "response_rate": pct(total_responses, invited),
        "groups": group_rows,
        "dimensions": [{"dimension": d, **tally(by_dimension.get(d.pk, {}), scale)} for d in dimensions],
        "cells": {key: tally(counts, scale) for key, counts in by_cell.items()},
    }


def comments(survey):
    """The free comments, oldest first, with the group and the signature when the respondent signed."""
    return (SurveyResponse.objects.filter(survey=survey).exclude(comment="").select_related("group")
            .only("comment", "signed_name", "submitted_at", "group__name").order_by("submitted_at", "id"))


def list_queryset(user):
    """The surveys ``user`` may see, each with its answer sheets, answers and answers rated
    satisfied or basically satisfied: the counts the survey keeps (``Survey.responses_count``…),
    so the list reads no answer."""
    return Survey.objects.restrict(user, "view").select_related("unit").defer("introduction", "search_key")


def _answer_positive():
    return (Q(response__survey__scale=THREE, rating__lte=POSITIVE_MAX[THREE])
            | Q(response__survey__scale=FIVE, rating__lte=POSITIVE_MAX[FIVE]))


# ---- the management review's input "satisfaction" ------------------------------------------------------
def review_satisfaction(unit, start, end):
    """The surveys of ``unit``'s subtree closed between ``start`` and ``end`` (dates): for each, its
    number, title, unit, responses, % satisfied, % satisfied or basically satisfied, and the same
    per dimension. Codes and numbers (percentages as strings), JSON-ready. Four queries."""
    surveys = list(Survey.objects.filter(unit__path__startswith=unit.path, status=Survey.Status.CLOSED,
                                         closed_at__date__gte=start, closed_at__date__lte=end)
                   .select_related("unit").only("pk", "number", "title", "scale", "closed_at", "unit__code",
                                                "unit__name").order_by("closed_at", "pk"))
    ids = [s.pk for s in surveys]
    responses = dict(SurveyResponse.objects.filter(survey__in=ids).values("survey").annotate(n=Count("id"))
                     .values_list("survey", "n"))
    from ..models import SurveyDimension

    dims = {}
    for d in SurveyDimension.objects.filter(survey__in=ids).order_by("survey", "position", "id"):
        dims.setdefault(d.survey_id, []).append(d)
    counts = {}
    for row in (SurveyAnswer.objects.filter(response__survey__in=ids)
                .values("response__survey", "dimension", "rating").annotate(n=Count("id")).order_by()):
        per = counts.setdefault(row["response__survey"], {})
        per.setdefault(row["dimension"], {})[row["rating"]] = row["n"]

    out = []
    for s in surveys:
        per = counts.get(s.pk, {})
        overall = {}
        for ratings in per.values():
            for r, n in ratings.items():
                overall[r] = overall.get(r, 0) + n
        total = tally(overall, s.scale)
        out.append({
            "number": s.number, "title": s.title, "unit": s.unit.code, "unit_name": s.unit.name,
            "closed": timezone.localtime(s.closed_at).date().isoformat(), "responses": responses.get(s.pk, 0),
            "answers": total["answers"], "satisfied_pct": text(total["satisfied_pct"]),
            "positive_pct": text(total["positive_pct"]),
            "dimensions": [_dimension(d, per.get(d.pk, {}), s.scale) for d in dims.get(s.pk, [])],
        })
    return {"surveys": out}


def text(value):
    return None if value is None else str(value)


def _dimension(dimension, counts, scale):
    t = tally(counts, scale)
    return {"name": dimension.name, "answers": t["answers"], "satisfied_pct": text(t["satisfied_pct"]),
            "positive_pct": text(t["positive_pct"])}


# ---- the dashboard's figure ------------------------------------------------------------------------------
def answer_counts(surveys):
    """``{survey id: (answers, answers satisfied or basically satisfied)}`` of ``surveys`` (a
    queryset or ids; one GROUP BY): what a survey freezes when it closes (``Survey.answers_total``,
    ``answers_positive``)."""
    rows = (SurveyAnswer.objects.filter(response__survey__in=surveys).order_by().values("response__survey")
            .annotate(n=Count("id"), positive=Count("id", filter=_answer_positive())))
    return {row["response__survey"]: (row["n"], row["positive"]) for row in rows}


def stored_counts(surveys):
    """``{survey id: {"responses_count": …, "answers_total": …, "answers_positive": …}}`` of
    ``surveys`` (ids; two GROUP BYs), counted from the sheets and answers themselves: what a survey
    keeps (``Survey.responses_count``…) and recounts when it closes. A survey without a sheet is
    missing: its counts are ``NO_COUNTS``."""
    sheets = dict(SurveyResponse.objects.filter(survey__in=surveys).order_by().values("survey")
                  .annotate(n=Count("id")).values_list("survey", "n"))
    answers = answer_counts(surveys)
    found = {}
    for pk, n in sheets.items():
        total, positive = answers.get(pk, (0, 0))
        found[pk] = {"responses_count": n, "answers_total": total, "answers_positive": positive}
    return found


NO_COUNTS = {"responses_count": 0, "answers_total": 0, "answers_positive": 0}


def below_threshold_q():
    """The surveys closed in the past 12 months whose share satisfied or basically satisfied is
    under ``THRESHOLD``, as a filter on surveys (the dashboard's figure and the list's filter of the
    same name), from the counts each froze when it closed (a survey without answers is not below)."""
    from django.db.models import F
    from django.db.models.lookups import LessThan

    since = timezone.now() - timedelta(days=365)
    return Q(status=Survey.Status.CLOSED, closed_at__gte=since, answers_total__gt=0) & Q(
        LessThan(F("answers_positive") * 100, F("answers_total") * int(THRESHOLD)))


def below_threshold(user):
    """Surveys closed in the past 12 months under ``THRESHOLD`` (``below_threshold_q``: the steering
    committee's "latest satisfaction result" to look at), in the reader's scope: one query."""
    return Survey.objects.restrict(user, "view").filter(below_threshold_q())


def closed_surveys(user):
    """The closed surveys the reader may see, each with the answers it froze when it closed (the
    satisfaction rate: satisfied or basically satisfied out of all answers, summed over the surveys;
    the dashboard keeps those closed in its period)."""
    return Survey.objects.restrict(user, "view").filter(status=Survey.Status.CLOSED)


def answer_positive():
    """The answers "satisfied" or "basically satisfied" (the satisfaction rate's numerator: its
    denominator's answers that meet this)."""
    return _answer_positive()


def closed_recently(user):
    """Surveys closed in the past 12 months (their results are the latest)."""
    since = timezone.now() - timedelta(days=365)
    return Survey.objects.restrict(user, "view").filter(status=Survey.Status.CLOSED, closed_at__gte=since)


def link_counts(survey):
    """The links handed out for ``survey``, per group: single-use links made and used, general
    links and the answers they took (one query)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Sum

    from qms_portal.models import PublicLink

    from ..models import SurveyGroup

    rows = (PublicLink.objects.filter(purpose="satisfaction_survey",
                                      content_type=ContentType.objects.get_for_model(SurveyGroup),
                                      object_id__in=survey.groups.values("pk"))
            .values("object_id")
            .annotate(single=Count("id", filter=Q(max_uses=1)),
                      single_used=Count("id", filter=Q(max_uses=1, uses__gte=1)),
                      general=Count("id", filter=Q(max_uses__gt=1)),
                      general_uses=Coalesce(Sum("uses", filter=Q(max_uses__gt=1)), 0)).order_by())
    return {row["object_id"]: row for row in rows}
