"""The matrix part of the training area: the training matrix (role × requirement per unit, who holds
what, who lacks what, what expires soon), its XLSX export, and the training a new revision needs
(the revision's "needs training", the coverage per unit on the document's page)."""

PART = {}
