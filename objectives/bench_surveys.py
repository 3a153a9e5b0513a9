"""The surveys part of ``manage.py bench``: the survey list and the results page of the largest
survey (its counts are SQL aggregates: the same queries whatever its number of answers)."""

from django.urls import reverse

from qms_portal.bench.tools import BenchPages


class Bench(BenchPages):
    def pages(self, user, options):
        from .scale_surveys import largest_survey

        pages = [("survey list", reverse("objectives:survey_list"))]
        survey = largest_survey()
        if survey is not None:
            pages.append(("survey results (largest)", reverse("objectives:survey_results", args=[survey.pk])))
        return pages
