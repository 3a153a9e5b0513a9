"""The surveys part's demo: the Chinese bureau's survey with the source articles' result, closed, and
the Department of Home Affairs' open citizens' survey in Vietnamese, made once."""

import pytest
from django.test import Client
from django.urls import reverse

from objectives import demo_surveys
from objectives.models import Survey
from objectives.selectors.surveys import survey_result
from qms_portal.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_surveys_give_the_source_articles_result_once():
    seed_demo("vi")
    demo = {"language": "vi"}
    assert demo_surveys.seed(demo) == 2
    shaoxing, citizens = demo["surveys"]["shaoxing"], demo["surveys"]["citizens"]
    assert shaoxing.status == Survey.Status.CLOSED and citizens.status == Survey.Status.OPEN
    result = survey_result(shaoxing)
    assert [(g["group"].invited, g["responses"]) for g in result["groups"]] == [(7, 7), (23, 23)]
    assert (str(result["satisfied_pct"]), str(result["positive_pct"])) == ("90.0", "100.0")
    assert [d.name for d in shaoxing.dimensions.all()] == demo_surveys.SHAOXING["dimensions"]
    assert survey_result(citizens)["responses"] == 40
    assert demo_surveys.seed(demo) == 0
    client = Client()
    client.force_login(shaoxing.created_by)
    page = client.get(reverse("objectives:survey_results", args=[shaoxing.pk]))
    assert page.status_code == 200 and "90,0" in page.content.decode()


def test_without_the_demo_units_nothing_is_made():
    assert demo_surveys.seed({"language": "en"}) == 0
