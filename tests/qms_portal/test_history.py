import pytest

from qms_portal import services
from qms_portal.history import history_entries
from qms_portal.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def changes_of(entry):
    return {str(label): (str(old), str(new)) for label, old, new in entry["changes"]}


def test_unit_history_shows_readable_changes_with_labels_and_names(tree):
    services.unit_update(acting_user=tree.admin, unit=tree.ward1, name="Phường Bến Thành", kind="office",
                         runs_own_qms=True)
    services.unit_move(acting_user=tree.admin, unit=tree.ward1, parent=tree.agency)
    entries = history_entries(tree.ward1)
    assert [str(e["kind"]) for e in entries] == ["Changed", "Changed", "Created"]
    moved, edited, created = entries
    assert moved["user"] == tree.admin
    assert moved["reason"] == "moved"
    # the parent is shown by name, not by id; the tree's internals are hidden
    assert changes_of(moved) == {"parent unit": (str(tree.district), str(tree.agency))}
    assert changes_of(edited) == {
        "name": (tree.ward1.name, "Phường Bến Thành"),
        "kind": ("Ward / commune", "Specialist office"),  # choice labels, not "ward" / "office"
        "runs its own QMS": ("no", "yes"),
    }
    assert edited["user"] == tree.admin
    created_changes = changes_of(created)
    assert created_changes["code"] == ("", tree.ward1.code)
    assert created_changes["kind"] == ("", "Ward / commune")
    assert created_changes["parent unit"] == ("", str(tree.district))
    assert created_changes["rollout phase"] == ("", "Organisational preparation")
    assert not {"path", "depth", "key", "updated", "created"} & set(created_changes)


def test_user_history_names_the_primary_unit_and_hides_the_password(tree):
    services.user_update(acting_user=tree.admin, user=tree.ward1_staff, primary_unit=tree.ward2,
                         position="Chuyên viên")
    services.user_set_password(acting_user=tree.admin, user=tree.ward1_staff, password="another-pass-42")
    entries = history_entries(User.objects.get(pk=tree.ward1_staff.pk))
    all_changes = [changes_of(e) for e in entries]
    moved = next(c for c in all_changes if "primary unit" in c)
    assert moved["primary unit"] == (str(tree.ward1), str(tree.ward2))
    assert moved["position"] == ("—", "Chuyên viên")
    assert not any(label in ("password", "last login") for c in all_changes for label in c)
    assert not any(str(v).startswith(("md5$", "pbkdf2")) for c in all_changes for pair in c.values() for v in pair)
    password_entry = next(e for e in entries if e["reason"] == "password set")
    assert changes_of(password_entry) == {"must change password at next login": ("no", "yes")}


def test_access_request_history_merges_transitions_with_field_changes(tree):
    request = services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["document_controller"], unit=tree.ward1,
        include_subunits=False, justification="Register keeper.",
    )
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="approve",
                                       password=factories.PASSWORD)
    entries = history_entries(request)
    transitions = [e for e in entries if "transition" in e]
    assert len(transitions) == 1
    t = transitions[0]
    assert str(t["kind"]) == "Transition"
    assert t["user"] == tree.ward1_mr
    assert (t["transition"].from_state, t["transition"].to_state) == ("pending", "approved")
    assert t["transition"].meaning_label == "Approved"
    status_changes = [changes_of(e)["status"] for e in entries if "status" in changes_of(e)]
    assert ("Pending", "Approved") in status_changes
    created = next(e for e in entries if str(e["kind"]) == "Created")
    assert changes_of(created)["requested by"] == ("", str(tree.ward1_staff))
    assert changes_of(created)["role"] == ("", str(tree.roles["document_controller"]))
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)


def test_history_entries_use_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    for i in range(10):
        services.unit_update(acting_user=tree.admin, unit=tree.ward1, name=f"Ward {i}",
                             parent=tree.agency if i % 2 else tree.district)
    with django_assert_max_num_queries(6):
        entries = history_entries(tree.ward1)
    assert len(entries) == 1 + 10 + 9  # created, ten renames, nine moves (the first keeps the parent)
