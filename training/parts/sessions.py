"""The sessions part of the training area: the catalogue of competences and courses, sessions with
their invitations, reminders, attendance, tests, feedback and effectiveness checks, the attendance
sheet and the certificates. It names the area's menu, demo, scale builder and bench (each part adds
its own pieces to them)."""

READ = ["training.view_competence", "training.view_course", "training.view_session", "training.view_participant",
        "training.view_feedback", "training.view_effectivenesscheck"]
MANAGE = ["training.add_competence", "training.change_competence", "training.add_course", "training.change_course",
          "training.add_session", "training.change_session", "training.add_participant",
          "training.change_participant", "training.mark_attendance"]
TRAINER = "training.train_session"  # may be named a session's trainer (Session.scope_extra)
CHECK = ["training.check_effectiveness", "training.change_effectivenesscheck"]

# The training coordinator runs the catalogue and the sessions of their units; department heads read
# their units' sessions and check, months later, that their people's training worked; anyone who may
# be named a trainer (staff, heads, auditors…) marks the attendance of the sessions naming them; the
# steering committee and the administrators read everything through their "*.view_*". (The
# management representative appoints staff, so holds what the staff role carries.)
ROLES = {
    "training_coordinator": [*READ, *MANAGE, TRAINER],
    "management_representative": [*READ, TRAINER],
    "department_head": [*READ, *CHECK, TRAINER],
    "document_controller": [TRAINER],
    "internal_auditor": [TRAINER],
    "staff": [TRAINER],
}

PART = {
    "roles": ROLES,
    "menu": "training/nav.html",
    "demo": "training.demo.seed",
    "scale": "training.scale.TrainingScale",
    "bench": "training.bench.TrainingBench",
}
