"""What the risks part registers (merged by ``objectives.apps``): the register's permissions, the
reminders' messages and beat entry, "My work", the steering committee's "top risks" figure and the
management review's input "risks" (the effectiveness of actions taken on risks and opportunities).

Roles: department heads keep their unit's risks (a role held on the unit, with its sub-units,
reaches theirs); the management representative keeps every risk in the scope of their role; staff
read them; the steering committee reads everything (``*.view_*``). The owner of an action records it
done whatever their role (``services.risks.may_complete``)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure, MenuLink, ReviewInput

READ = ["objectives.view_risk", "objectives.view_riskaction"]
KEEP = ["objectives.add_risk", "objectives.change_risk", "objectives.add_riskaction", "objectives.change_riskaction"]


def _top_link(unit, period):
    """The register filtered to exactly the risks the "top risks" figure counts (open or treated,
    rated 15 or more: the "Very high" band, in the unit's subtree)."""
    from qms_portal.links import unit_register

    from ..models.risks import Band

    return unit_register("objectives:risk_list", unit, status="active", band=Band.VERY_HIGH.value)


def _figures():
    from django.urls import reverse_lazy
    from django.utils.functional import lazy

    from ..models.risks import Band
    from ..selectors.risks import top_risks

    url = lazy(lambda: f"{reverse_lazy('objectives:risk_list')}?band={Band.VERY_HIGH}", str)()
    return [Figure("objectives.top_risks", _("Top risks: open, rated 15 or more"), top_risks, url, link=_top_link)]


def _compile(unit, start, end):
    from ..selectors.risks import compile_review_input

    return compile_review_input(unit, start, end)


PART = {
    "menu_links": [MenuLink(_("Risks and opportunities"), "objectives:risk_list", "objectives.view_risk")],
    "roles": {
        "management_representative": [*READ, *KEEP],
        "department_head": [*READ, *KEEP],
        "document_controller": list(READ),
        "staff": list(READ),
    },
    "beat": {
        "objectives-risk-reminders": {"task": "objectives.tasks_risks.send_reminders",
                                      "schedule": crontab(minute=25, hour=6)},
    },
    "review_inputs": [ReviewInput("risks", _("Effectiveness of actions taken on risks and opportunities"), _compile,
                                  "objectives/risks/review_input.html")],
}


def ready():
    from .. import tasks_risks  # noqa: F401 - registers the task with the worker
    from ..selectors.risks import risk_work
    from ..services.risks_reminders import KINDS

    PART["notification_kinds"] = KINDS
    PART["my_work"] = [risk_work]
    PART["dashboard"] = _figures()
    from ..exports_risks import job_kinds

    PART["jobs"] = job_kinds()
