"""checklist: what the checklist part registers with the audits area (``audits/apps.py`` merges it).

The checklist of an audit is reached through its audit (``ChecklistItem.scope_extra``): the roles
give no right to answer it (the grant ``audits.conduct_audit`` on the audit does). Templates are a
unit's: its internal auditors, ISO officer and management representative keep them."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink

TEMPLATES = ["audits.view_checklisttemplate", "audits.add_checklisttemplate", "audits.change_checklisttemplate"]

PART = {
    "menu_links": [MenuLink(_("Checklist templates"), "audits:template_list", "audits.view_checklisttemplate")],
    "roles": {
        "internal_auditor": TEMPLATES,
        "document_controller": TEMPLATES,
        "management_representative": TEMPLATES,
    },
}
