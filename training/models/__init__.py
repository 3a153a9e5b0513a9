"""Training and competence (ISO 9001:2015 clauses 7.2 and 7.3).

* ``Competence`` — what a person can hold (internal auditor, ISO awareness, document control);
  a catalogue kept for the whole portal, with how long a holder stays qualified by default.
* ``Course`` — a course (topic, duration, the competences it gives and for how long), possibly on a
  procedure's revision that needs training; ``Session`` — one time it is held by a unit, with its
  trainer, dates, place, capacity and materials; ``Participant`` — one person invited to (or walking
  in to) a session, their attendance, test score and certificate; ``Feedback`` — the participant's
  evaluation of the session; ``EffectivenessCheck`` — their head's check, months later, that the
  training worked (7.2 c).
* ``CompetenceRequirement`` — a role's required competence within a unit's subtree;
  ``Qualification`` — a competence a person holds, from a session or an outside body, valid until a date.
* ``TrainingPlan`` / ``PlanItem`` — a unit's training plan for a year, its needs and planned sessions.
"""

from .competence import CompetenceRequirement, Qualification
from .plan import PlanItem, TrainingPlan
from .sessions import Competence, Course, EffectivenessCheck, Feedback, Participant, Session

__all__ = ["Competence", "CompetenceRequirement", "Course", "EffectivenessCheck", "Feedback", "Participant",
           "PlanItem", "Qualification", "Session", "TrainingPlan"]
