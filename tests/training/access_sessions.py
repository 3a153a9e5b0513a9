"""The sessions part's rows of the access matrix (composed by ``tests/training/access.py``).

Objects: a competence and a course (the catalogue is global: no unit, no "out of scope"), and on
each unit a session whose invitations were sent and that started an hour ago, with one person
invited (``session``). The training coordinator runs sessions; department heads and the management
representative read them; anyone who may be named a trainer (staff, auditors, heads…) holds the
attendance pages somewhere but reaches only the sessions naming them (none of the matrix's), so
they get 404 there. Nobody holds single-object grants on sessions."""

from tests import factories
from tests.training import sessions_factories as f
from tests.viewtests import Listing, P

VIEW_C, VIEW_K, VIEW_S = "training.view_competence", "training.view_course", "training.view_session"
CHANGE = "training.change_session"
MARK = "training.mark_attendance"

ROWS = {
    "training:competence_list": P(VIEW_C),
    "training:competence_create": P("training.add_competence"),
    "training:competence_detail": P(VIEW_C, "competence", scoped=False),
    "training:competence_edit": P("training.change_competence", "competence", scoped=False),
    "training:competence_history": P(VIEW_C, "competence", scoped=False),
    "training:course_list": P(VIEW_K),
    "training:course_create": P("training.add_course"),
    "training:course_detail": P(VIEW_K, "course", scoped=False),
    "training:course_edit": P("training.change_course", "course", scoped=False),
    "training:course_history": P(VIEW_K, "course", scoped=False),
    "training:session_list": P(VIEW_S),
    "training:session_create": P("training.add_session"),
    "training:session_detail": P(VIEW_S, "session"),
    "training:session_edit": P(CHANGE, "session"),
    "training:session_history": P(VIEW_S, "session"),
    "training:session_transition": P(VIEW_S, "session", variants={"invite": CHANGE, "hold": CHANGE, "close": CHANGE,
                                                                   "cancel": CHANGE}),
    "training:session_invite": P(CHANGE, "session"),
    "training:session_attendance": P(MARK, "session"),
    "training:participant_mark": P(MARK, "session", post_only=True),
    "training:session_walk_in": P(MARK, "session"),
}

LISTS = {
    "training:session_list": Listing("session", VIEW_S, lambda s: f'href="{s.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("training:session_list", "staff", "-", "GET", None): 200,  # may be named a trainer: the list opens (empty)
    ("training:session_attendance", "staff", "in", "GET", None): 404,
    ("training:session_attendance", "training_coordinator", "in", "GET", None): 200,
    ("training:session_attendance", "training_coordinator", "out", "GET", None): 404,
    ("training:session_attendance", "department_head", "in", "GET", None): 404,
    ("training:session_detail", "department_head", "in", "GET", None): 200,
    ("training:session_invite", "department_head", "in", "GET", None): 403,
    ("training:session_edit", "training_coordinator", "in", "GET", None): 200,
    ("training:session_transition", "department_head", "in", "GET", "hold"): 403,
    ("training:competence_edit", "department_head", "global", "GET", None): 403,
    ("training:course_detail", "staff", "global", "GET", None): 403,
    ("training:participant_mark", "training_coordinator", "in", "POST", None): 302,
}


def make_global_objects(tree):
    su = tree.superuser
    competence = f.competence(su, code=f"c-{tree.prefix}".lower().strip("-")[:40], months=36)
    return {"competence": competence, "course": f.course(su, code=f"K-{tree.prefix}"[:40], competences=[competence])}


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    competence = f.competence(su, code=f"c-{tree.prefix}".lower().strip("-")[:40], months=36)
    course = f.course(su, code=f"K-{tree.prefix}"[:40], competences=[competence])
    invitee = factories.make_user(f"{unit.code}-invitee".lower(), unit, full_name=f"Học viên {unit.code}")
    return {"session": f.held_session(su, unit, [invitee], the_course=course)}


def url_kwargs(name, obj):
    if name == "training:participant_mark":
        return {"pk": obj.pk, "participant": obj.participants.order_by("pk").values_list("pk", flat=True).first()}
    return None
