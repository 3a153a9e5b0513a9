"""The plan part of the training area: each unit's annual training plan (needs, planned sessions,
budget line, done vs planned) and the area's figures for the steering committee."""

READ = ["training.view_trainingplan", "training.view_planitem"]
MANAGE = ["training.add_trainingplan", "training.change_trainingplan", "training.add_planitem",
          "training.change_planitem"]

ROLES = {
    "training_coordinator": [*READ, *MANAGE],
    "management_representative": [*READ, "training.approve_trainingplan"],
    "department_head": [*READ],
}

PART = {"roles": ROLES}
