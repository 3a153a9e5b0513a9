"""What the surveys part registers with the objectives area (``objectives/apps.py`` merges it):
who writes and reads satisfaction surveys, the message when one closes, the management review's
input "satisfaction", the steering committee's figures, the token page's purpose and the workflow.

Roles: the management representative and the unit's ISO officer write surveys and hand out their
links; department heads and the steering committee read them and their results. Respondents need
no account: they answer through a link (``qms_portal.public_links``)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink, ReviewInput
from qms_portal.notifications import Kind

READ = ["objectives.view_survey"]
WRITE = ["objectives.add_survey", "objectives.change_survey"]

KINDS = {
    "survey_closed": Kind(
        title=_("Survey closed: %(object)s"),
        text=_("%(responses)s responses; %(satisfied)s %% satisfied, %(positive)s %% satisfied or basically "
               "satisfied."),
    ),
}


def _compile(unit, start, end):
    from ..selectors.surveys import review_satisfaction

    return review_satisfaction(unit, start, end)


def _below_link(unit, period):
    """The surveys' list filtered to exactly the surveys the "below the target" figure counts (closed
    in the past 12 months under 80 %, in the unit's subtree)."""
    from qms_portal.links import unit_register

    return unit_register("objectives:survey_list", unit, below_target="true")


def _satisfaction_link(unit, period):
    """The surveys' list filtered to exactly the surveys whose frozen answers the satisfaction rate
    sums for the unit's subtree: closed, and closed in the period (the list shows each one's share)."""
    from qms_portal.links import unit_register

    if period is None:
        return unit_register("objectives:survey_list", unit, status="closed")
    return unit_register("objectives:survey_list", unit, status="closed", closed_from=period.start.isoformat(),
                         closed_to=period.end.isoformat())


def _figures():
    from django.urls import reverse_lazy

    from qms_portal.areas import Figure

    from ..selectors import surveys as s

    url = reverse_lazy("objectives:survey_list")
    return [
        # The answers "satisfied" or "basically satisfied" out of all answers, of the surveys closed
        # in the period (summed up the tree: a district's rate is over all its answers).
        # (a rate of quantities over the closed surveys: the answers each froze when it closed)
        Figure("objectives.satisfaction", _("Satisfied or basically satisfied (surveys closed in the period)"),
               s.closed_surveys, url, "good", kind="rate", denominator=s.closed_surveys, value="answers_positive",
               denominator_value="answers_total", period_field="closed_at", limits=(0.8, 0.6), trend=True,
               link=_satisfaction_link),
        Figure("objectives.surveys_below_threshold",
               _("Satisfaction surveys closed in the past 12 months below the 80 % target (satisfied or basically "
                 "satisfied)"),
               s.below_threshold, url, link=_below_link),
        Figure("objectives.surveys_closed", _("Satisfaction surveys closed in the past 12 months"),
               s.closed_recently, url, "good", column=False),
    ]


PART = {
    "menu_links": [MenuLink(_("Satisfaction surveys"), "objectives:survey_list", "objectives.view_survey")],
    "roles": {
        "management_representative": [*READ, *WRITE],
        "document_controller": [*READ, *WRITE],  # the unit's ISO officer
        "department_head": list(READ),
        "steering_committee": list(READ),
    },
    "notification_kinds": KINDS,
    "review_inputs": [ReviewInput("satisfaction", _("Customer satisfaction (satisfaction surveys)"), _compile,
                                  "objectives/surveys/review_input.html")],
}


def ready():
    from qms_portal.public_links import register_purpose

    from .. import tasks_surveys  # noqa: F401 - registers the task with the worker
    from ..forms.surveys import SurveyAnswerForm
    from ..services import surveys as services

    services.register_workflow()
    register_purpose(
        services.PURPOSE,
        title=_("Satisfaction survey"),
        form_class=SurveyAnswerForm,
        link_form=True,
        handle=services.survey_answer_received,
        template="objectives/surveys/public_answer.html",
        permission=services.CHANGE,
        done_message=_("Thank you. Your answer was received and helps us improve our service."),
    )
    PART["dashboard"] = _figures()
