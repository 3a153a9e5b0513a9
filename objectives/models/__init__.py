"""Objectives, measurement and management review (ISO 9001:2015 clauses 5.2, 6.1, 6.2, 9.1, 9.3).

* ``QualityObjective`` — a unit's quality objective for a year, with the plan ISO 6.2.2 asks for;
  an agency's objective is broken down into its departments' (``parent``): the cascade.
* ``Indicator`` / ``Measurement`` — what is measured (a value, or a rate with numerator and
  denominator), its target and alert threshold, and one value per period. Indicators that share a
  ``code`` across units roll up the tree (rates as sums of numerators and denominators).
* ``ProcedureTimeliness`` — a procedure's files in a month: received, handled on time, late; the
  on-time rate of administrative procedures is computed from them.
* ``Survey`` and its groups, dimensions, responses and answers — satisfaction surveys (9.1.2),
  answered through single-use or capped links (``qms_portal.public_links``).
* ``Risk`` / ``RiskAction`` — the register of risks and opportunities (6.1) and the actions on them.
* ``ManagementReview`` / ``ReviewDecision`` — the meeting (9.3), its inputs frozen when it is held,
  and its decisions tracked until done.
"""

from .objectives import Indicator, Measurement, ProcedureTimeliness, QualityObjective
from .review import (
    ManagementReview,
    ManagementReviewUserObjectPermission,
    ReviewDecision,
    ReviewDecisionUserObjectPermission,
)
from .risks import Risk, RiskAction
from .surveys import Survey, SurveyAnswer, SurveyDimension, SurveyGroup, SurveyResponse

__all__ = [
    "Indicator", "ManagementReview", "ManagementReviewUserObjectPermission", "Measurement", "ProcedureTimeliness",
    "QualityObjective", "ReviewDecision", "ReviewDecisionUserObjectPermission", "Risk", "RiskAction", "Survey",
    "SurveyAnswer", "SurveyDimension", "SurveyGroup", "SurveyResponse",
]
