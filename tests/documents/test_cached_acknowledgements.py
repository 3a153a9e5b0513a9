"""The register of acknowledgements and the numbering list keep their content in the cache
(``documents/cached.py``: ``ACKNOWLEDGEMENT_LIST_GENERATIONS``, ``NUMBERING_LIST_GENERATIONS``):
every row they show retires them when it changes (recorded by ``tests/fragment_check.py``), an
acknowledgement given one by one or assigned in bulk shows at once, and a cached visit reads none of
their rows."""


import pytest
from django.urls import reverse

from documents import services
from documents.models import Acknowledgement
from qms_portal import services as core
from qms_portal.models import Unit, User
from tests.documents.factories import next_revision
from tests.documents.test_acknowledgement_list import acknowledgement_world
from tests.factories import assign, make_superuser, make_unit, make_user
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row, visit

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ACKS = reverse("documents:acknowledgement_list")
NUMBERING = reverse("documents:numbering")


def numbered(ds):
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV",
                                    pattern="{prefix}-{type}-{number:02d}")
    return ds


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(ds, client_for, monkeypatch):
    w = numbered(acknowledgement_world(ds))
    recorder = PieceRecorder(monkeypatch)
    for person in (w.author, w.approver, w.mr, w.office_head):
        client = client_for(person)
        visit(client, ACKS)
        visit(client, ACKS, {"state": "waiting"})
        visit(client, ACKS, {"unit": w.office.pk, "state": "acknowledged"})
        visit(client, ACKS, {"person": "staff", "document": w.procedure.code})
    for person in (w.author,):
        client = client_for(person)
        visit(client, NUMBERING)
        visit(client, NUMBERING, {"q": w.dept.code})
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"documents.Acknowledgement", "documents.Document", "documents.Revision",
                                      "documents.RegisterSettings", "qms_portal.Unit", "qms_portal.User"}


def test_the_check_fails_for_an_acknowledgement_that_retires_only_its_revisions_pieces(ds, client_for, monkeypatch):
    from qms_portal import fragments

    w = acknowledgement_world(ds)
    label = Acknowledgement._meta.label
    monkeypatch.setitem(fragments._TRACKED, label, [(lambda a: [f"acks:{a.revision_id}"], None)])
    recorder = PieceRecorder(monkeypatch)
    visit(client_for(w.author), ACKS)
    assert any(label in p for p in recorder.problems()), recorder.problems()


def row_of(page, acknowledgement):
    start = page.index(f'data-acknowledgement="{acknowledgement.pk}"')
    return page[start:page.index("</tr>", start)]


def test_an_acknowledgement_given_shows_at_once(ds, client_for):
    w = acknowledgement_world(ds)
    client = client_for(w.author)
    waiting = Acknowledgement.objects.get(revision=w.current, user=w.reviewer2)
    assert "Not yet acknowledged" in row_of(visit(client, ACKS), waiting)
    services.revision_acknowledge(acting_user=w.reviewer2, revision=w.current)
    assert "Not yet acknowledged" not in row_of(visit(client, ACKS), waiting)
    assert f'data-acknowledgement="{waiting.pk}"' in visit(client, ACKS, {"state": "acknowledged"})


def test_acknowledgements_assigned_in_bulk_show_at_once(ds, client_for):
    """``acknowledgements_assign`` writes with ``bulk_create`` (no signal): it bumps the generations."""
    w = acknowledgement_world(ds)
    newcomer = make_user(f"{ds.prefix}newcomer".lower(), w.dept, full_name=f"Newcomer {ds.prefix}")
    client = client_for(w.author)
    assert newcomer.full_name not in visit(client, ACKS)
    assert services.acknowledgements_assign(acting_user=w.author, revision=w.current) == 1
    assert newcomer.full_name in visit(client, ACKS)


def test_a_new_revision_a_renamed_person_and_a_renamed_unit_show_at_once(ds, client_for):
    w = acknowledgement_world(ds)
    client = client_for(w.author)
    page = visit(client, ACKS)
    assert f'data-revision="{w.current.pk}"' in page
    newer = next_revision(ds, w.procedure)
    page = visit(client, ACKS)
    assert f'data-revision="{newer.pk}"' in page and f'data-revision="{w.current.pk}"' not in page
    admin = make_superuser()
    core.user_update(acting_user=admin, user=User.objects.get(pk=w.staff.pk), full_name="Nguyễn Văn Mới")
    core.unit_update(acting_user=admin, unit=Unit.objects.get(pk=w.office.pk), name="Văn phòng (mới)")
    page = visit(client, ACKS)
    assert "Nguyễn Văn Mới" in page and "Văn phòng (mới)" in page


def test_a_withdrawn_document_leaves_the_list_at_once(ds, client_for):
    w = acknowledgement_world(ds)
    client = client_for(w.author)
    assert f'data-revision="{w.on_office.pk}"' in visit(client, ACKS)
    services.revision_transition(acting_user=w.author, revision=w.on_office, name="withdraw", reason="Bãi bỏ")
    assert f'data-revision="{w.on_office.pk}"' not in visit(client, ACKS)


def test_the_unit_filter_follows_the_readers_roles_not_the_cache(ds, client_for):
    """A role that widens only the units the reader may view (not whose acknowledgements they see)
    decides whether the unit asked for is applied and named in the filter: the scope of
    ``qms_portal.view_unit`` is in the key."""
    from django.contrib.auth.models import Permission

    w = acknowledgement_world(ds)
    health = make_unit(w.root, f"{ds.prefix}SYT", name=f"Sở Y tế {ds.prefix}")
    sees_units = core.role_save(acting_user=make_superuser(), code=f"{ds.prefix}units".lower(), name="Units",
                                permissions=[Permission.objects.get(codename="view_unit")])
    asked = {"unit": health.pk}
    assert health.name not in visit(client_for(w.office_head), ACKS, asked)  # not theirs: not applied
    assign(w.office_head, sees_units, health)
    assert health.name in visit(client_for(User.objects.get(pk=w.office_head.pk)), ACKS, asked)


def test_each_reader_sees_their_own_acknowledgements(ds, client_for):
    w = acknowledgement_world(ds)
    author, office_head = client_for(w.author), client_for(w.office_head)
    assert f'data-revision="{w.current.pk}"' in visit(author, ACKS)
    assert f'data-revision="{w.current.pk}"' not in visit(office_head, ACKS)
    assert f'data-revision="{w.current.pk}"' in visit(author, ACKS)


def test_numbering_settings_and_a_renamed_unit_show_at_once(ds, client_for):
    client = client_for(ds.author)
    assert "SNVX" not in visit(client, NUMBERING)
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNVX",
                                    pattern="{prefix}/{type}.{number:03d}")
    page = visit(client, NUMBERING)
    assert "SNVX" in page and "{prefix}/{type}.{number:03d}" in page
    core.unit_update(acting_user=make_superuser(), unit=Unit.objects.get(pk=ds.office.pk), name="Phòng mới")
    assert "Phòng mới" in visit(client, NUMBERING)


def test_each_reader_sees_their_own_units_to_number(ds, client_for):
    office_controller = make_user(f"{ds.prefix}office-dc".lower(), ds.office)
    assign(office_controller, "document_controller", ds.office)
    edit = reverse("documents:numbering_edit", args=[ds.dept.pk])
    assert edit in visit(client_for(ds.author), NUMBERING)
    assert edit not in visit(client_for(office_controller), NUMBERING)


LISTS = [(ACKS, {}), (ACKS, {"state": "waiting", "unit": "office"}), (NUMBERING, {}), (NUMBERING, {"q": "SNV"})]
TABLES = {ACKS: ("documents_acknowledgement",), NUMBERING: ("qms_portal_unit", "documents_registersettings")}


@pytest.mark.parametrize(("url", "params"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(url, params, ds, client_for):
    w = numbered(acknowledgement_world(ds))
    params = {name: (w.office.pk if value == "office" else value) for name, value in params.items()}
    assert_cached_visit_reads_no_row(client_for(w.author), url, params, TABLES[url])
