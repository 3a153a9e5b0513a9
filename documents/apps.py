from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ = ["documents.view_document", "documents.view_revision", "documents.view_legaldocument",
        "documents.view_changerequest", "documents.add_changerequest"]
WRITE = ["documents.add_document", "documents.change_document", "documents.add_revision",
         "documents.change_revision", "documents.submit_revision"]

# The announcement of conformity: the management representative drafts and signs it; the steering
# committee and the administrator read the register (their "*.view_*" covers it; named here too).
ANNOUNCE = ["documents.view_announcement", "documents.add_announcement", "documents.change_announcement",
            "documents.announce_announcement"]

# Who acknowledged what, person by person (the register of acknowledgements): those who keep the
# documents and chase their readers — the document controller, the management representative, the
# department head on their department, the internal auditor (evidence of awareness); the steering
# committee and the administrator hold it through their "*.view_*". Not every reader of a document:
# its page shows them the counts per unit only, never who has not read it.
SEE_ACKNOWLEDGEMENTS = "documents.view_acknowledgement"

# What the documents area gives each seeded role (the core's roles.py holds the core's part).
ROLES = {
    "administrator": ["documents.view_announcement", "documents.change_registersettings", "documents.add_legaldocument",
                      "documents.change_legaldocument"],
    "steering_committee": ["documents.export_document", "documents.view_announcement", *READ],
    "management_representative": ["documents.approve_revision", "documents.decide_changerequest",
                                  "documents.export_document", SEE_ACKNOWLEDGEMENTS, *ANNOUNCE, *READ],
    "document_controller": [
        *READ, *WRITE, "documents.withdraw_document", "documents.review_document", "documents.export_document",
        "documents.decide_changerequest", "documents.change_registersettings", "documents.add_legaldocument",
        "documents.change_legaldocument", "documents.add_distribution", "documents.delete_distribution",
        SEE_ACKNOWLEDGEMENTS,
    ],
    "department_head": ["documents.approve_revision", "documents.decide_changerequest", "documents.review_document",
                        SEE_ACKNOWLEDGEMENTS, *READ, *WRITE],
    "staff": READ,
    "internal_auditor": [*READ, "documents.export_document", SEE_ACKNOWLEDGEMENTS],
    "training_coordinator": READ,
}

BEAT = {
    "documents-publish-due": {"task": "documents.tasks.publish_due", "schedule": crontab(minute=5, hour="*")},
    "documents-reminders": {"task": "documents.tasks.send_reminders", "schedule": crontab(minute=20, hour="*/6")},
    "documents-announcement-reminders": {"task": "documents.tasks.remind_announcements",
                                         "schedule": crontab(minute=35, hour=7)},
    "documents-purge-issued-copies": {"task": "documents.tasks.purge_issued_copies",
                                      "schedule": crontab(minute=40, hour=3)},
    "documents-recover-stalled-copies": {"task": "documents.tasks.recover_stalled_copies",
                                         "schedule": crontab(minute="*/5")},
}


def job_kinds():
    """The master list as background jobs, one kind per format (documents/exports.py)."""
    from qms_portal.jobs import JobKind

    return [
        JobKind(f"documents.master_list_{fmt}", title, run=f"documents.exports.master_list_{fmt}",
                permission="documents.export_document", describe="documents.exports.describe_master_list")
        for fmt, title in (("xlsx", _("Master list (XLSX)")), ("csv", _("Master list (CSV)")),
                           ("pdf", _("Master list (PDF)")))
    ]


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from qms_portal import areas
        from qms_portal.areas import MenuLink

        from .dashboard import FIGURES
        from .mywork import announcement_work, document_work
        from .notifications import KINDS
        from .rollout import rollout_checks

        areas.register(
            self.label,
            roles=ROLES,
            notification_kinds=KINDS,
            my_work=[document_work, announcement_work],
            dashboard=FIGURES,
            beat=BEAT,
            menu=_("Documents"),
            menu_links=[
                MenuLink(_("Register"), "documents:register", "documents.view_document"),
                MenuLink(_("Acknowledgements"), "documents:acknowledgement_list", SEE_ACKNOWLEDGEMENTS),
                MenuLink(_("Legal register"), "documents:legal_list", "documents.view_legaldocument"),
                MenuLink(_("Announcements of conformity"), "documents:announcement_register",
                         "documents.view_announcement"),
                MenuLink(_("Numbering"), "documents:numbering", "documents.change_registersettings"),
            ],
            jobs=job_kinds(),
            signature_meanings={"reviewed": _("Reviewed"), "approved": _("Approved"), "announced": _("Announced")},
            rollout=rollout_checks(),
            demo="documents.demo.seed",
            scale="documents.scale.DocumentsScale",
            bench="documents.bench.DocumentsBench",
        )
        from . import services  # noqa: F401 - registers the workflows
        from .cached import track_changes

        track_changes()
