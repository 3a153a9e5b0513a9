"""The competence part of the training area: what each role must be competent in, the
qualifications people hold, their expiry reminders, a person's own training record, and the audits
area's auditor check (a valid internal auditor qualification)."""

READ = ["training.view_competencerequirement", "training.view_qualification"]
MANAGE = ["training.add_competencerequirement", "training.change_competencerequirement",
          "training.add_qualification", "training.change_qualification"]

ROLES = {
    "training_coordinator": [*READ, *MANAGE],
    "management_representative": [*READ],
    "department_head": [*READ],
    "internal_auditor": ["training.view_qualification"],
}

PART = {"roles": ROLES}
