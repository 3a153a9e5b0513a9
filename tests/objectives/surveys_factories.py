"""Surveys made through the services, and answers given through their links, for the surveys part's tests."""

from datetime import date
from urllib.parse import urlsplit

from objectives.models import Survey
from objectives.services import surveys as services
from qms_portal.public_links import public_link_resolve, public_link_use


def make_survey(user, unit, *, groups=(("City leaders", 7), ("Departments", 23)), dimensions=None,
                scale=Survey.Scale.THREE, title="Khảo sát mức độ hài lòng", open_it=True, **kw):
    survey = services.survey_create(acting_user=user, unit=unit, title=title, period_start=date(2026, 1, 1),
                                    period_end=date(2026, 6, 30), scale=scale, groups=list(groups),
                                    dimensions=dimensions, **kw)
    if open_it:
        services.survey_transition(acting_user=user, survey=survey, name="open")
        survey.refresh_from_db()
    return survey


def token_of(url):
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def ratings_data(survey, ratings, **extra):
    """``ratings``: one rating per dimension (in order), or one for all."""
    dims = list(survey.dimensions.order_by("position", "id"))
    if isinstance(ratings, int):
        ratings = [ratings] * len(dims)
    return {**{f"d{d.pk}": r for d, r in zip(dims, ratings, strict=True)}, **extra}


def answer(url, survey, ratings, **extra):
    link = public_link_resolve(token_of(url))
    return public_link_use(link=link, cleaned_data=ratings_data(survey, ratings, **extra))


def group(survey, position=1):
    return survey.groups.order_by("position", "id")[position - 1]
