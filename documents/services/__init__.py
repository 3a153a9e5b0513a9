"""Every change of state in the documents area. Views, tasks, commands and tests call these."""

from .announcements import (  # noqa: F401, E402
    announcement_create,
    announcement_transition,
    announcement_update,
    announcements_remind,
)
from .content import docx_to_html, plain_text  # noqa: F401
from .distribution import (  # noqa: F401
    acknowledgements_assign,
    acknowledgements_remind,
    distribution_add,
    distribution_remove,
    revision_acknowledge,
)
from .lifecycle import (  # noqa: F401
    CHANGE_WORKFLOW,
    change_request_create,
    change_request_transition,
    documents_remind_reviews,
    legal_document_flag_citing,
    legal_document_save,
    periodic_review_record,
)
from .register import (  # noqa: F401
    document_allocate_code,
    document_create,
    document_update,
    ensure_clauses,
    ensure_system_types,
    next_codes,
    register_settings_save,
    validate_code_pattern,
)
from .revisions import (  # noqa: F401
    WORKFLOW,
    EditConflict,
    revision_create_draft,
    revision_publish,
    revision_publish_due,
    revision_save_draft,
    revision_set_reviewers,
    revision_transition,
)
