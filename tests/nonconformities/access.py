"""The nonconformities area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``).

Objects, placed on the unit the matrix asks for: a nonconformity raised there and driven to its
actions in progress, one corrective action owned by a person of that unit, and that owner's
pending due-date extension. The matrix's ``grantee`` gets what an action's owner gets (single-object
grants: view the nonconformity; view the action and record its progress).
"""

from nonconformities import services
from nonconformities.models import Nonconformity
from qms_portal import permissions
from tests import factories
from tests.nonconformities.factories import in_future
from tests.viewtests import Listing, P

VIEW_NC = "nonconformities.view_nonconformity"
VIEW_CA = "nonconformities.view_correctiveaction"
CHANGE_NC = "nonconformities.change_nonconformity"
COMPLETE = "nonconformities.complete_correctiveaction"

# --- nc-core ---
ROWS = {
    "nonconformities:register": P(VIEW_NC),
    "nonconformities:nonconformity_detail": P(VIEW_NC, "nonconformity"),
    "nonconformities:nonconformity_history": P(VIEW_NC, "nonconformity"),
    # in progress: only "submit for verification" is offered (and guarded); the others are 403 where
    # their permission is not held on the record (the guard does not change the page's status)
    "nonconformities:nonconformity_transition": P(VIEW_NC, "nonconformity", variants={
        "accept": "nonconformities.accept_nonconformity",
        "submit_for_verification": "nonconformities.change_nonconformity",
        "close": "nonconformities.close_nonconformity",
    }),
    "nonconformities:nonconformity_create": P("nonconformities.add_nonconformity"),
    "nonconformities:nonconformity_edit": P(CHANGE_NC, "nonconformity"),
    "nonconformities:nonconformity_analysis": P(CHANGE_NC, "nonconformity"),
    "nonconformities:nonconformity_plan": P(CHANGE_NC, "nonconformity"),
    "nonconformities:action_list": P(VIEW_CA),
    "nonconformities:action_detail": P(VIEW_CA, "action"),
    "nonconformities:correctiveaction_history": P(VIEW_CA, "action"),
    "nonconformities:action_start": P(COMPLETE, "action", post_only=True),
    "nonconformities:action_complete": P(COMPLETE, "action"),
    "nonconformities:action_edit": P("nonconformities.change_correctiveaction", "action"),
    "nonconformities:action_cancel": P("nonconformities.change_correctiveaction", "action"),
    "nonconformities:extension_request": P(COMPLETE, "action"),
    "nonconformities:extension_decide": P("nonconformities.decide_extension", "extension"),
}

LISTS = {
    "nonconformities:register": Listing("nonconformity", VIEW_NC, lambda nc: f'href="{nc.get_absolute_url()}"'),
    "nonconformities:action_list": Listing("action", VIEW_CA, lambda a: f'href="{a.get_absolute_url()}"'),
}


def make_objects(tree, unit, grantee=None):
    su = tree.superuser
    nc = services.nonconformity_create(acting_user=su, unit=unit, source=Nonconformity.Source.STAFF_REPORT,
                                       title=f"Hồ sơ trả chậm {unit.code}", description="Trễ hạn 3 ngày")
    for name in ("accept", "start_analysis"):
        services.nonconformity_transition(acting_user=su, nonconformity=nc, name=name)
    services.nonconformity_update_analysis(acting_user=su, nonconformity=nc, root_cause="Thiếu bước kiểm tra")
    services.nonconformity_transition(acting_user=su, nonconformity=nc, name="plan")
    owner = factories.make_user(f"nc-owner-{unit.code}".lower(), unit)
    action = services.action_create(acting_user=su, nonconformity=nc, description="Bổ sung bước kiểm tra hạn",
                                    owner=owner, due=in_future())
    services.nonconformity_transition(acting_user=su, nonconformity=nc, name="start")
    extension = services.extension_request(acting_user=owner, action=action, requested_due=in_future(30),
                                           reason="Chờ ý kiến Sở Tư pháp")
    if grantee is not None:
        permissions.grant(grantee, "view", nc)
        permissions.grant(grantee, "view", action)
        permissions.grant(grantee, "nonconformities.complete_correctiveaction", action)
    nc.refresh_from_db()
    return {"nonconformity": nc, "action": action, "extension": extension}
