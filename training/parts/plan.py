"""The plan part of the training area: each unit's annual training plan (needs, planned sessions,
budget line, done vs planned, approved by the management representative), its PDF, and the area's
figures for the steering committee and the management review's input on resources (9.3.2 d)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure, MenuLink, ReviewInput
from qms_portal.links import unit_register
from qms_portal.notifications import Kind

READ = ["training.view_trainingplan", "training.view_planitem"]
MANAGE = ["training.add_trainingplan", "training.change_trainingplan", "training.add_planitem",
          "training.change_planitem"]

# The training coordinator drafts and keeps the plans of their units; the management representative
# approves them (and reads them); department heads read their units' plans; the steering committee
# and the administrators read everything through their "*.view_*".
ROLES = {
    "training_coordinator": [*READ, *MANAGE],
    "management_representative": [*READ, "training.approve_trainingplan"],
    "department_head": [*READ],
}


def _expiring_link(unit, period):
    """The qualification register filtered to exactly the qualifications the figure counts."""

    return unit_register("training:qualification_list", unit, state="expiring", active="true")


def _done_items_link(unit, period):
    """The register of plan items filtered to exactly the items "training plan completion" counts
    as done: the plans of the period's year (as ``Figure`` takes it: the year of the period's last
    day, this year's without a period), in the unit's subtree, done by the same rule
    (``item_done_q``)."""

    from django.utils import timezone

    year = period.end.year if period is not None else timezone.localdate().year
    return unit_register("training:planitem_list", unit, year=year, done="true")


def _figures():
    from django.urls import reverse_lazy

    from ..selectors import plan_review as r

    plans = reverse_lazy("training:plan_list")
    items = reverse_lazy("training:planitem_list")
    return [
        Figure("training.plan_completion", _("Training plan completion, the period's year"), r.plan_items_done, items,
               "good", kind="rate", denominator=r.plan_items, limits=(0.8, 0.5), yearly=True,
               link=_done_items_link),
        Figure("training.plan_items_done", _("Training plan items done, the period's year"), r.plan_items_done,
               items, "good", column=False, yearly=True, link=_done_items_link),
        Figure("training.attended", _("Participants present at training sessions closed this year"), r.attended,
               plans, "good", column=False),
        Figure("training.not_attended", _("Participants not present at training sessions closed this year"),
               r.not_attended, plans, column=False),
        # For the annual ISO report (qms_portal.steering): present at sessions closed, by their start.
        Figure("training.trained", _("Participants present at training sessions closed in the period"),
               r.trained, plans, "good", period_field="session__starts_at", column=False),
        Figure("training.expiring_soon", _("Qualifications expiring within 90 days"), r.expiring_soon, plans,
               limits=(0, 5), link=_expiring_link),
        Figure("training.competence_gaps", _("People lacking a required competence"), r.people_with_a_gap, plans,
               column=False),
    ]


def _compile(unit, start, end):
    from ..selectors.plan_review import compile_resources

    return compile_resources(unit, start, end)


KINDS = {
    # To each person who may approve the plan (training.approve_trainingplan on its unit), when it is
    # submitted for approval: one message each, in their own language.
    "trainingplan_submitted": Kind(
        title=_("Training plan waiting for your approval: %(object)s"),
        text=_("Submitted for approval by %(by)s."),
    ),
}

PART = {
    "menu_links": [
        MenuLink(_("Training plans"), "training:plan_list", "training.view_trainingplan"),
        MenuLink(_("Training plan items"), "training:planitem_list", "training.view_planitem"),
    ],
    "roles": ROLES,
    "notification_kinds": KINDS,
    "review_inputs": [ReviewInput("resources", _("Adequacy of resources: competence and training"), _compile,
                                  "training/plan/review_resources.html")],
}


def ready():
    from ..services.plan import register_workflow

    register_workflow()
    PART["dashboard"] = _figures()
