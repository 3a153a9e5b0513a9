"""The register and the actions list keep their content in the cache (``nonconformities/cached.py``):
every row they show retires them when it changes (recorded by ``tests/fragment_check.py``), and
what a person does shows at once."""

from django.urls import reverse

from nonconformities import services
from qms_portal import services as core
from qms_portal.models import Unit, User
from tests.fragment_check import PieceRecorder
from tests.nonconformities.factories import in_future, planned, raise_nc

REGISTER = reverse("nonconformities:register")
ACTIONS = reverse("nonconformities:action_list")


def visit(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(ns, client_for, monkeypatch):
    planned(ns)
    recorder = PieceRecorder(monkeypatch)
    for person in (ns.head, ns.owner1, ns.mr):
        client = client_for(person)
        visit(client, REGISTER)
        visit(client, REGISTER, {"status": "all"})
        visit(client, ACTIONS)
        visit(client, ACTIONS, {"mine": "true"})
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"nonconformities.Nonconformity", "nonconformities.CorrectiveAction",
                                      "qms_portal.Unit", "qms_portal.User"}


def test_a_transition_a_new_action_and_an_extension_show_at_once(ns, client_for):
    nc, (first, _second) = planned(ns)
    client = client_for(ns.head)
    assert nc.number in visit(client, REGISTER)
    assert "Hành động 3" not in visit(client, ACTIONS)
    services.action_create(acting_user=ns.head, nonconformity=nc, description="Hành động 3", owner=ns.owner1,
                           due=in_future(20))
    assert "Hành động 3" in visit(client, ACTIONS)
    extension = services.extension_request(acting_user=ns.owner1, action=first, requested_due=in_future(40),
                                           reason="Chờ phần mềm")
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=True)
    assert "originally" in visit(client, ACTIONS)


def test_a_new_nonconformity_a_renamed_unit_and_a_renamed_owner_show_at_once(ns, client_for):
    nc, _actions = planned(ns)
    client = client_for(ns.head)
    visit(client, REGISTER), visit(client, ACTIONS)
    fresh = raise_nc(ns, title="Thiếu biểu mẫu tiếp nhận")
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("nc-root", "", "x")
    core.unit_update(acting_user=admin, unit=Unit.objects.get(pk=ns.dept.pk), name="Sở Nội vụ (mới)")
    core.user_update(acting_user=admin, user=User.objects.get(pk=ns.owner1.pk), full_name="Lê Thị Mới")
    register, actions = visit(client, REGISTER), visit(client, ACTIONS)
    assert fresh.number in register and "Sở Nội vụ (mới)" in register
    assert "Lê Thị Mới" in actions


def test_the_export_button_follows_the_permission_not_the_cache(ns, client_for):
    raise_nc(ns)
    assert 'data-testid="nc-register-export"' in visit(client_for(ns.mr), REGISTER)
    assert 'data-testid="nc-register-export"' not in visit(client_for(ns.head), REGISTER)
