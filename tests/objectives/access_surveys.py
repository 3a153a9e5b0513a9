"""The surveys part's rows of the access matrix (composed by ``tests/objectives/access.py``).

Objects on the unit the matrix asks for: an open survey (``survey``) with one answer. Surveys are
written by the management representative and the ISO officer of their unit and read by department
heads and the steering committee; nobody holds single-object grants on them (``grantee`` gets
nothing). Respondents use the core's token page (``/p/<token>/``), which is in the core's rows."""

from datetime import date

from objectives.services import surveys as services
from tests.objectives.surveys_factories import answer, group
from tests.viewtests import Listing, P

VIEW = "objectives.view_survey"
ADD = "objectives.add_survey"
CHANGE = "objectives.change_survey"

ROWS = {
    "objectives:survey_list": P(VIEW),
    "objectives:survey_create": P(ADD),
    "objectives:survey_detail": P(VIEW, "survey"),
    "objectives:survey_edit": P(CHANGE, "survey"),
    "objectives:survey_history": P(VIEW, "survey"),
    "objectives:survey_transition": P(VIEW, "survey", variants={"open": CHANGE, "close": CHANGE}),
    "objectives:survey_links": P(CHANGE, "survey"),
    "objectives:survey_general_link": P(CHANGE, "survey"),
    "objectives:survey_invite": P(CHANGE, "survey"),
    "objectives:survey_results": P(VIEW, "survey"),
    "objectives:survey_results_xlsx": P(VIEW, "survey"),
    "objectives:survey_results_pdf": P(VIEW, "survey"),
}

LISTS = {
    "objectives:survey_list": Listing("survey", VIEW, lambda s: f'href="{s.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("objectives:survey_edit", "management_representative", "in", "GET", None): 200,
    ("objectives:survey_edit", "management_representative", "out", "GET", None): 404,
    ("objectives:survey_links", "department_head", "in", "GET", None): 403,
    ("objectives:survey_results", "steering_committee", "in", "GET", None): 200,
    ("objectives:survey_results", "steering_committee", "out", "GET", None): 404,
    ("objectives:survey_list", "staff", "-", "GET", None): 403,
    ("objectives:survey_transition", "document_controller", "in", "GET", "close"): 200,
}


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    survey = services.survey_create(acting_user=su, unit=unit, title=f"Khảo sát {unit.code}",
                                    period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                    groups=[("Lãnh đạo", 7), ("Phòng ban", 23)])
    services.survey_transition(acting_user=su, survey=survey, name="open")
    [url] = services.survey_links_create(acting_user=su, survey=survey, group=group(survey), count=1)
    answer(url, survey, 1, comment="Tốt")
    survey.refresh_from_db()
    return {"survey": survey}
