import json

import pytest
from django.utils import translation

from qms_portal import services
from qms_portal.history import history_entries, history_page, reason, reason_text
from qms_portal.models import TransitionRecord, User
from tests import factories

pytestmark = pytest.mark.django_db


def changes_of(entry):
    """{label: (old, new)} of an entry's field changes (labels and values as text)."""
    return {str(c["label"]): (str(c["old"]), str(c["new"])) for c in entry["changes"] if not c["long"]}


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
    assert changes_of(moved) == {"Parent unit": (str(tree.district), str(tree.agency))}
    assert changes_of(edited) == {
        "Name": (tree.ward1.name, "Phường Bến Thành"),
        "Kind": ("Ward / commune", "Specialist office"),  # choice labels, not "ward" / "office"
        "Runs its own QMS": ("no", "yes"),
    }
    assert edited["user"] == tree.admin
    created_changes = changes_of(created)
    assert created_changes["Code"] == ("", tree.ward1.code)
    assert created_changes["Kind"] == ("", "Ward / commune")
    assert created_changes["Parent unit"] == ("", str(tree.district))
    assert not {"path", "depth", "key", "updated", "created", "Path", "Depth", "Key", "Updated", "Created"} & set(
        created_changes)


def test_user_history_names_the_primary_unit_and_hides_the_password(tree):
    services.user_update(acting_user=tree.admin, user=tree.ward1_staff, primary_unit=tree.ward2,
                         position="Chuyên viên")
    services.user_set_password(acting_user=tree.admin, user=tree.ward1_staff, password="another-pass-42")
    entries = history_entries(User.objects.get(pk=tree.ward1_staff.pk))
    all_changes = [changes_of(e) for e in entries]
    moved = next(c for c in all_changes if "Primary unit" in c)
    assert moved["Primary unit"] == (str(tree.ward1), str(tree.ward2))
    assert moved["Position"] == ("—", "Chuyên viên")
    assert not any(label.lower() in ("password", "last login") for c in all_changes for label in c)
    assert not any(str(v).startswith(("md5$", "pbkdf2")) for c in all_changes for pair in c.values() for v in pair)
    password_entry = next(e for e in entries if e["reason"] == "password set")
    assert changes_of(password_entry) == {"Must change password at next login": ("no", "yes")}


def test_access_request_history_shows_the_transition_by_its_label_and_state_labels(tree):
    request = services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["internal_auditor"], unit=tree.ward1,
        include_subunits=False, justification="Register keeper.",
    )
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="approve",
                                       password=factories.PASSWORD)
    entries = history_entries(request)
    transitions = [e for e in entries if "transition" in e]
    assert len(transitions) == 1
    t = transitions[0]
    assert str(t["kind"]) == "Approve"  # the transition's label, not its code
    assert (str(t["from_label"]), str(t["to_label"])) == ("Pending", "Approved")
    assert t["user"] == tree.ward1_mr
    assert t["transition"].meaning_label == "Approved"
    # the engine's save of the new state is the same event: shown once, inside the transition
    assert not any("Status" in changes_of(e) and changes_of(e)["Status"] == ("Pending", "Approved")
                   for e in entries)
    created = next(e for e in entries if str(e["kind"]) == "Created")
    assert changes_of(created)["Requested by"] == ("", str(tree.ward1_staff))
    assert changes_of(created)["Role"] == ("", str(tree.roles["internal_auditor"]))
    assert changes_of(created)["Status"] == ("", "Pending")
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)


def test_history_entries_use_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    for i in range(10):
        services.unit_update(acting_user=tree.admin, unit=tree.ward1, name=f"Ward {i}",
                             parent=tree.agency if i % 2 else tree.district)
    with django_assert_max_num_queries(6):
        entries = history_entries(tree.ward1)
    assert len(entries) == 1 + 10 + 9  # created, ten renames, nine moves (the first keeps the parent)


# ---- newest first, a page at a time -----------------------------------------------------------------
def renamed(tree, count):
    for i in range(count):
        services.unit_update(acting_user=tree.admin, unit=tree.ward2, name=f"Phường {i}")


def test_the_newest_changes_come_first_and_the_limit_keeps_the_newest(tree):
    renamed(tree, 7)
    page = history_page(tree.ward2, limit=3)
    assert [changes_of(e)["Name"][1] for e in page.entries] == ["Phường 6", "Phường 5", "Phường 4"]
    assert page.older is not None and page.newest


def test_older_pages_follow_on_and_compare_across_the_page_boundary(tree):
    renamed(tree, 7)
    first = history_page(tree.ward2, limit=3)
    second = history_page(tree.ward2, limit=3, before=first.older)
    # the first entry of the second page is compared with the record before it (on the third page)
    assert [changes_of(e)["Name"] for e in second.entries] == [
        ("Phường 2", "Phường 3"), ("Phường 1", "Phường 2"), ("Phường 0", "Phường 1")]
    assert not second.newest
    third = history_page(tree.ward2, limit=3, before=second.older)
    assert [str(e["kind"]) for e in third.entries] == ["Changed", "Created"]
    assert changes_of(third.entries[0])["Name"][1] == "Phường 0"
    assert third.older is None
    seen = [e["history_id"] for p in (first, second, third) for e in p.entries]
    assert len(seen) == len(set(seen)) == 8


def test_transitions_appear_on_the_page_of_their_time_and_only_there(tree):
    request = services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["internal_auditor"], unit=tree.ward1,
        include_subunits=False, justification="Audit.",
    )
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                       reason="Not this year.")
    pages, before = [], None
    while True:
        page = history_page(request, limit=1, before=before)
        pages.append(page)
        if page.older is None:
            break
        before = page.older
    transitions = [e for p in pages for e in p.entries if "transition" in e]
    assert len(transitions) == 1 and str(transitions[0]["kind"]) == "Reject"
    assert transitions[0]["reason"] == "Not this year."


def test_the_history_view_shows_a_link_to_older_changes(tree, client_for, monkeypatch):
    from django.urls import reverse

    from qms_portal.views.units import UnitHistoryView

    monkeypatch.setattr(UnitHistoryView, "page_size", 2)
    renamed(tree, 4)
    client = client_for(tree.admin)
    url = reverse("unit_history", args=[tree.ward2.pk])
    page = client.get(url)
    older = page.context["older_url"]
    assert older.startswith(f"{url}?before=") and "Show older changes" in page.content.decode()
    assert [changes_of(e)["Name"][1] for e in page.context["entries"]] == ["Phường 3", "Phường 2"]
    second = client.get(older)
    assert [changes_of(e)["Name"][1] for e in second.context["entries"]] == ["Phường 1", "Phường 0"]
    assert second.context["newest_url"] == url


# ---- reasons in the reader's language ---------------------------------------------------------------
def test_a_reason_with_parameters_is_stored_untranslated_and_read_in_the_readers_language():
    stored = reason("Replaced by revision %(label)s", label="03")
    assert json.loads(stored) == {"msgid": "Replaced by revision %(label)s", "params": {"label": "03"}}
    with translation.override("en"):
        assert reason_text(stored) == "Replaced by revision 03"
    with translation.override("vi"):
        assert reason_text(stored) == "Được thay thế bằng lần ban hành 03"


def test_a_reason_written_by_an_english_actor_reads_in_vietnamese_on_the_history_tab(tree):
    with translation.override("en"):
        services.unit_set_active(acting_user=tree.admin, unit=tree.ward2, active=False)
    with translation.override("vi"):
        last = history_entries(tree.ward2)[0]
        assert last["reason"] == translation.gettext("deactivated") != "deactivated"


def test_typed_text_is_shown_as_typed_and_a_broken_marker_does_not_fail():
    assert reason_text("Chuyển công tác") == "Chuyển công tác"
    assert reason_text('{"msgid": broken') == '{"msgid": broken'
    assert reason_text("") == "" and reason_text(None) == ""


def test_the_transition_record_keeps_a_portal_reason_structured(tree):
    request = services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["internal_auditor"], unit=tree.ward1,
        include_subunits=False, justification="Audit.",
    )
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                       reason=reason("Replaced by revision %(label)s", label="02"))
    record = TransitionRecord.objects.get(object_id=request.pk, transition="reject")
    assert json.loads(record.reason)["params"] == {"label": "02"}
    with translation.override("vi"):
        entry = next(e for e in history_entries(request) if "transition" in e)
        assert entry["reason"] == "Được thay thế bằng lần ban hành 02"


def _migration(package, suffix):
    import importlib
    import pkgutil

    module = importlib.import_module(package)
    [name] = [m.name for m in pkgutil.iter_modules(module.__path__) if m.name.endswith(suffix)]
    return importlib.import_module(f"{package}.{name}")


def test_the_migration_keeps_each_roles_permissions_with_its_latest_history_record(tree):
    """Roles recorded before their permissions were tracked: after the migration the first change
    reads as that change, not as every permission added."""
    from django.apps import apps
    from simple_history.models import HistoricalRecords

    from qms_portal.models import Role

    sets = HistoricalRecords.m2m_models[Role._meta.get_field("permissions")]
    role = tree.roles["staff"]
    sets.objects.all().delete()  # as before the migration: no set kept with any record
    _migration("qms_portal.migrations", "_role_assignment_end_and_m2m_history").snapshot_role_permissions(apps, None)
    latest = role.history.order_by("-history_date", "-history_id").first()
    assert set(sets.objects.filter(history_id=latest.history_id).values_list("permission_id", flat=True)) == set(
        role.permissions.values_list("pk", flat=True))
    kept = [p for p in role.permissions.all() if p.codename != "view_unit"]
    services.role_save(acting_user=tree.admin, role=role, code=role.code, name=role.name,
                       description=role.description, permissions=kept)
    [change] = history_entries(role)[0]["changes"]
    assert change["added"] == [] and change["removed"] == ["qms_portal · Can view unit"]


def test_json_values_read_as_words_and_a_model_may_say_how_it_shows_one():
    from django.db import models

    from qms_portal.history import display, json_text

    assert json_text(["a", "b"]) == "a; b"
    assert json_text({"people": ["x", "y"], "method": ["z"]}) == "people: x, y; method: z"
    field = models.JSONField(name="steps")
    assert display(field, [], {}) == "—" and display(field, {}, {}) == "—"
    assert display(field, ["Trả chậm", "Không theo dõi"], {}) == "Trả chậm; Không theo dõi"

    class Shown:
        history_display = {"steps": lambda value: f"{len(value)} steps"}

    field.model = Shown
    assert display(field, ["a", "b"], {}) == "2 steps"


def test_a_json_mapping_shows_only_the_keys_that_changed(tree, monkeypatch):
    """A mapping of many entries (a sheet of 15 scores) where one changed shows that one: the keys
    changed, added or removed, each with its old and its new value."""
    from qms_portal.services import save_tracked
    from qms_portal.steering.evaluation_models import UnitEvaluation
    from qms_portal.steering.evaluation_services import evaluation_create, evaluation_transition

    monkeypatch.setattr(UnitEvaluation, "history_display", {})  # the generic reading of a mapping
    evaluation = evaluation_create(acting_user=tree.district_steering, unit=tree.district, year=2025, title="x")
    evaluation_transition(acting_user=tree.district_steering, evaluation=evaluation, name="open")
    sheet = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    sheet.scores = {"1": 5, "2": 3, "3": 1}
    save_tracked(sheet, tree.superuser)
    sheet.scores = {"1": 5, "2": 4, "4": 2}  # 2 changed, 3 taken out, 4 added; 1 as it was
    save_tracked(sheet, tree.superuser)
    latest, first = history_entries(sheet)[:2]
    assert changes_of(latest)["Scores"] == ("2: 3; 3: 1", "2: 4; 4: 2")
    assert changes_of(first)["Scores"] == ("—", "1: 5; 2: 3; 3: 1")  # from nothing: every key
    sheet.summary = "Tóm tắt"
    save_tracked(sheet, tree.superuser)
    assert "Scores" not in changes_of(history_entries(sheet)[0])  # the mapping as it was: not shown
