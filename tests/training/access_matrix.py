"""The matrix part's rows of the access matrix (composed by ``tests/training/access.py``).

The matrix and its export are about a unit named in the query string, not an object of the URL. Everyone holds
training.view_qualification somewhere (each person reads their own qualifications), so both answer
200 to every signed-in identity: the matrix shows a unit's people only to whoever holds the
permission over that unit through a role (else the reader's own row), and the export page says
when the reader may export no unit (its POST is refused with 400: ``test_matrix_views``). Which
people a reader sees is checked in ``test_matrix_views`` and ``test_matrix_cells``. The register of
training on revisions answers 200 to every signed-in identity for the same reason; whose rows it
lists (the documents of units where the reader holds the permission through a role) is checked in
``test_revision_trainings``."""

from tests.viewtests import P

VIEW = "training.view_qualification"

ROWS = {
    "training:matrix": P(VIEW),
    "training:matrix_export": P(VIEW),
    "training:revision_trainings": P(VIEW),
}

SPOT_CHECKS = {
    ("training:matrix", "staff", "-", "GET", None): 200,
    ("training:matrix", "department_head", "-", "GET", None): 200,
    ("training:matrix_export", "steering_committee", "-", "GET", None): 200,
    ("training:revision_trainings", "staff", "-", "GET", None): 200,
    ("training:revision_trainings", "steering_committee", "-", "GET", None): 200,
}
