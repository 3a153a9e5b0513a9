"""The findings part of the audits area: findings, the report and the certification body's response.

Roles: the findings about a unit are read through roles on that unit — its department head and
staff (the auditees), its ISO officer, the management representative (the steering committee and
the administrator read every ``view`` permission already). The auditors reach the findings of the
audits they are on through their grant on the audit (``Finding.scope_extra``), never through the
internal auditor role."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink

READ = ["audits.view_finding"]

def _my_work(user):
    from audits.selectors.findings_mywork import findings_work

    return findings_work(user)


PART = {
    # The findings in the reader's reach (an auditee's: those about their unit).
    "menu_links": [MenuLink(_("Findings"), "audits:finding_list", "audits.view_finding")],
    "my_work": [_my_work],
    "roles": {
        "management_representative": READ,
        "document_controller": READ,
        "department_head": READ,
        "staff": READ,
    },
    "notification_kinds": {
        "finding_observation": _("An audit observation about your unit, consider an improvement action: "
                                 "%(object)s"),
    },
}
