"""Every change of state in the nonconformities area. Views, tasks, commands and tests call these."""

# --- nc-core: nonconformities, corrective actions, extensions ---------------------------------
from .actions import (  # noqa: F401
    action_cancel,
    action_complete,
    action_create,
    action_link,
    action_start,
    action_update,
    extension_decide,
    extension_request,
    improvement_action_create,
    owner_candidates,
    owner_scope,
)
from .nonconformity import (  # noqa: F401
    WORKFLOW,
    nonconformity_create,
    nonconformity_transition,
    nonconformity_update,
    nonconformity_update_analysis,
)

# --- desk: nonconforming outputs (services.desk) and citizen feedback (services.desk_feedback),
# imported by their own module names; the feedback workflow registers when the app is ready.
