"""What the review part registers with the objectives area (``objectives/apps.py`` merges it): the
management review's permissions for the seeded roles, its messages, "My work", the chair's signature
meaning, the steering committee's figure "overdue review actions", the decisions' reminders (beat),
and its own input to a review: "status of actions from previous management reviews"."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure, MenuLink, ReviewInput, RolloutCheck

REVIEW_READ = ["objectives.view_managementreview", "objectives.view_reviewdecision"]
REVIEW_KEEP = ["objectives.add_managementreview", "objectives.change_managementreview",
               "objectives.add_reviewdecision", "objectives.change_reviewdecision"]

# The management representative plans, holds and (as chair) signs; the ISO officer prepares the
# review with them; department heads and the steering committee read. A decision's owner follows
# and completes it without any role, and participants read the review they sit in: single-object
# grants the services give.
ROLES = {
    "management_representative": [*REVIEW_READ, *REVIEW_KEEP, "objectives.sign_review_minutes"],
    "document_controller": [*REVIEW_READ, *REVIEW_KEEP],
    "department_head": list(REVIEW_READ),
    "steering_committee": list(REVIEW_READ),
}


def _compile_previous_actions(unit, start, end):
    from objectives.selectors.review_inputs import compile_previous_actions

    return compile_previous_actions(unit, start, end)


def _overdue(user):
    from objectives.selectors.review import overdue_decisions

    return overdue_decisions(user)


def _my_work(user):
    from objectives.selectors.review import review_work

    return review_work(user)


def _overdue_link(unit, period):
    """The decisions' list filtered to exactly the decisions the figure counts (open, past their due
    date, of the reviews of the unit's subtree)."""
    from qms_portal.links import unit_register

    return unit_register("objectives:decision_list", unit, overdue="true")


def _figures_url():
    from django.urls import reverse_lazy
    from django.utils.functional import lazy

    return lazy(lambda: f"{reverse_lazy('objectives:decision_list')}?overdue=true", str)()


PART = {
    "menu_links": [
        MenuLink(_("Management reviews"), "objectives:review_list", "objectives.view_managementreview"),
        MenuLink(_("Management review decisions"), "objectives:decision_list", "objectives.view_reviewdecision"),
    ],
    "roles": ROLES,
    "my_work": [_my_work],
    "signature_meanings": {"minutes_signed": _("Minutes signed (chair)")},
    "beat": {"objectives-review-reminders": {"task": "objectives.tasks_review.send_reminders",
                                             "schedule": crontab(minute=45, hour=6)}},
    "review_inputs": [ReviewInput("previous_actions", _("Status of actions from previous management reviews"),
                                  _compile_previous_actions, "objectives/review/inputs/previous_actions.html")],
}


def _rollout():
    """The rollout checklist's "a management review is held": one held (or its minutes signed) on
    the unit or on a unit above it (an agency's review covers its departments)."""
    from objectives.models import ManagementReview
    from qms_portal.steering.rollout import units_with

    held = ManagementReview.objects.filter(status__in=[ManagementReview.Status.HELD, ManagementReview.Status.SIGNED])
    return [RolloutCheck("management_review", units_with(held, below=True), _("a management review held"))]


def ready():
    from objectives import tasks_review  # noqa: F401 - registers the task with the worker
    from objectives.services import review

    review.register_workflow()
    PART["notification_kinds"] = review.KINDS
    PART["rollout"] = _rollout()
    PART["dashboard"] = [Figure("objectives.review_actions_overdue", _("Overdue review actions"), _overdue,
                                _figures_url(), link=_overdue_link)]
