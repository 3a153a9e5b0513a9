from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from qms_portal.notifications import KINDS

        from . import mywork, services  # noqa: F401 - registers the workflows and the My work sections
        from .cached import track_changes
        from .notifications import KINDS as DOCUMENT_KINDS

        KINDS.update(DOCUMENT_KINDS)
        track_changes()
