"""The kpi part of the objectives area: quality objectives and their cascade, indicators and their
values, the on-time rate of administrative procedures, the import of values, the reminder of
values not entered, the management review's "objectives" and "process performance" inputs and the
area's figures about them. It names the area's menu, demo, scale builder and bench (each part adds
its own pieces to them)."""

from celery.schedules import crontab
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure, MenuLink, ReviewInput, RolloutCheck
from qms_portal.links import unit_register

READ = ["objectives.view_qualityobjective", "objectives.view_indicator", "objectives.view_measurement",
        "objectives.view_proceduretimeliness"]
OWN = ["objectives.add_qualityobjective", "objectives.change_qualityobjective", "objectives.add_indicator",
       "objectives.change_indicator", "objectives.enter_measurement", "objectives.add_proceduretimeliness",
       "objectives.change_proceduretimeliness"]

# The management representative owns the agency's objectives; department heads own their
# department's objectives and indicators and enter their values; the ISO officer enters the
# procedures' files; staff enter the values of the indicators they are the reporter of (through
# ``Indicator.scope_extra``: their role's "report_indicator" lets them be named); the steering
# committee and the administrators read everything through their "*.view_*".
REPORT = "objectives.report_indicator"  # may be named an indicator's reporter (Indicator.scope_extra)
# Staff (and training coordinators) may be named reporters; management representatives and department
# heads enter their units' values anyway. (Not the ISO officer nor auditors: they read every
# indicator of their units, and one they could read but not enter would answer 403 where the access
# matrix's rule says 404.)
ROLES = {
    # (the management representative appoints staff, so holds what the staff role carries: the
    # core's separation of duties refuses a role with permissions the appointer lacks)
    "management_representative": [*READ, *OWN, REPORT],
    "department_head": [*READ, *OWN],
    "document_controller": [*READ, "objectives.add_proceduretimeliness", "objectives.change_proceduretimeliness"],
    "internal_auditor": list(READ),
    "staff": [REPORT],
    "training_coordinator": [REPORT],
}


def _review_inputs():
    from ..selectors import kpi_review as r

    return [
        ReviewInput("objectives", _("Extent to which quality objectives have been met"), r.compile_objectives,
                    "objectives/kpi/review_objectives.html"),
        ReviewInput("process_performance", _("Process performance: indicators and the on-time rate"),
                    r.compile_performance, "objectives/kpi/review_performance.html"),
    ]


def _met_link(unit, period):
    """The objectives' list filtered to exactly the objectives the "met" rate counts (the period's
    year's, achieved, in the unit's subtree)."""

    from django.utils import timezone

    year = period.end.year if period is not None else timezone.localdate().year
    return unit_register("objectives:objective_list", unit, year=year, status="achieved")


def _missed_link(unit, period):
    """The indicators list filtered to exactly the indicators whose value the "missed" figure counts
    (one value per indicator and period: the period that ended last, missed, in the unit's subtree)."""

    return unit_register("objectives:indicator_list", unit, missed="true")


def _files_link(unit, months, **params):

    from ..selectors.kpi_math import period_code

    return unit_register("objectives:timeliness_list", unit, month_from=period_code(months[0], "monthly"),
                         month_to=period_code(months[-1], "monthly"), **params)


def _on_time_link(unit, period):
    """The monthly files per procedure of the period's months in the unit's subtree: the rows the
    on-time rate sums (the register's own rate is each row's)."""
    return _files_link(unit, (period.start, period.end))


def _late_link(unit, period):
    """Last month's files per procedure with files handled late, in the unit's subtree (the figure is
    of last month whatever the period)."""
    from ..selectors.kpi_math import last_closed

    month = last_closed(timezone.localdate(), "monthly")
    return _files_link(unit, (month, month), late="true")


def _figures():
    from django.db.models import F
    from django.urls import reverse_lazy

    from ..selectors import kpi_review as r

    return [
        Figure("objectives.met", _("Quality objectives met, the period's year"), r.objectives_met,
               reverse_lazy("objectives:objective_list"), "good", column=False, yearly=True),
        Figure("objectives.met_rate", _("Quality objectives met, the period's year (of those set)"),
               r.objectives_met, reverse_lazy("objectives:objective_list"), "good", kind="rate",
               denominator=r.objectives_this_year, limits=(0.8, 0.5), link=_met_link, yearly=True),
        Figure("objectives.indicators_missed", _("Indicators missed in the period that ended last"),
               r.indicators_missed, reverse_lazy("objectives:indicator_list"), limits=(0, 2), link=_missed_link),
        Figure("objectives.procedures_late", _("Procedures with files handled late last month"), r.procedures_late,
               reverse_lazy("objectives:on_time_home"), link=_late_link),
        # Citizens' files handled within the legal time limit, out of those handled, in the period's
        # months (summed up the tree: a district's rate is its files, never an average of rates).
        Figure("objectives.on_time_rate", _("Files handled on time"), r.timeliness,
               reverse_lazy("objectives:on_time_home"), "good", kind="rate", denominator=r.timeliness,
               value="on_time", denominator_value=F("on_time") + F("late"), period_field="period",
               limits=(0.95, 0.85), trend=True, link=_on_time_link),
    ]


PART = {
    "menu": _("Objectives"),
    "menu_links": [
        MenuLink(_("Quality objectives"), "objectives:objective_list", "objectives.view_qualityobjective"),
        MenuLink(_("Cascade of objectives"), "objectives:objective_tree", "objectives.view_qualityobjective"),
        MenuLink(_("Indicators"), "objectives:indicator_list", "objectives.view_indicator"),
        MenuLink(_("Enter values"), "objectives:period_entry", "objectives.enter_measurement"),
        MenuLink(_("On-time rate"), "objectives:on_time_home", "objectives.view_proceduretimeliness"),
        MenuLink(_("Monthly files per procedure"), "objectives:timeliness_list",
                 "objectives.view_proceduretimeliness"),
    ],
    "roles": ROLES,
    "beat": {
        "objectives-indicator-reminders": {"task": "objectives.tasks_kpi.send_reminders",
                                           "schedule": crontab(minute=30, hour=6)},
    },
    "demo": "objectives.demo.seed",
    "scale": "objectives.scale.ObjectivesScale",
    "bench": "objectives.bench.ObjectivesBench",
}


def ready():
    from .. import tasks_kpi  # noqa: F401 - registers the task with the worker
    from ..services.kpi_reminders import KINDS

    PART["notification_kinds"] = dict(KINDS)
    PART["review_inputs"] = _review_inputs()
    PART["dashboard"] = _figures()
    PART["rollout"] = _rollout()


def _rollout():
    """The rollout checklist's "quality objectives are set": an objective of the unit in progress,
    achieved or not achieved (not a draft, not withdrawn)."""
    from qms_portal.steering.rollout import units_with

    from ..models import QualityObjective

    live = QualityObjective.Status
    rows = QualityObjective.objects.filter(status__in=[live.ACTIVE, live.ACHIEVED, live.NOT_ACHIEVED])
    return [RolloutCheck("quality_objectives", units_with(rows), _("quality objectives in force"))]
