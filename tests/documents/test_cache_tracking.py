"""Every row a cached piece of the register or of a document's page shows retires that piece when
it changes (``documents/cached.py``): checked by recording what each piece shows while it is built
(``tests/fragment_check.py``), and by renaming what the pages show."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Clause, Document, DocumentType
from qms_portal import fragments
from qms_portal import services as core
from qms_portal.models import Role, Unit, User
from tests.documents.factories import draft_of, drive_to_effective, effective_document, legal, new_document, step
from tests.factories import PASSWORD
from tests.fragment_check import PieceRecorder

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REGISTER = reverse("documents:register")


def full_document(ds):
    """An effective procedure showing one of everything a page can: a type, a unit, a process
    owner, clauses, legal basis, steps with a responsible unit, role and form, signatures,
    acknowledgements, a proposed change and a periodic review."""
    form = effective_document(ds, type_code="BM", title="Biểu mẫu tiếp nhận")
    document = new_document(ds, clauses=Clause.objects.all()[:2], legal_time_limit_days=10)
    steps = [step("Tiếp nhận hồ sơ", 2, responsible_unit=ds.office, responsible_role=ds.roles["staff"],
                  output_form=form, output="Phiếu tiếp nhận")]
    drive_to_effective(ds, draft_of(document), steps=steps, legal_refs=[legal()])
    document = Document.objects.get(pk=document.pk)
    services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)
    services.change_request_create(acting_user=ds.staff, document=document, reason="Thêm bước kiểm tra")
    services.periodic_review_record(acting_user=ds.author, document=document, outcome="valid", notes="Vẫn phù hợp")
    return Document.objects.get(pk=document.pk)


def visit_everything(client, document):
    pages = [REGISTER, f"{REGISTER}?status=all&q=Quy", f"{REGISTER}?unit={document.unit_id}",
             reverse("documents:legal_list"), document.get_absolute_url(),
             document.get_absolute_url() + "?coverage=all"]
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_every_row_a_cached_piece_shows_retires_it_when_it_changes(ds, client_for, monkeypatch):
    document = full_document(ds)
    recorder = PieceRecorder(monkeypatch)
    visit_everything(client_for(ds.author), document)
    visit_everything(client_for(ds.staff), document)  # who has acknowledged it
    assert recorder.problems() == []
    # It did see them: the names of units, people, types, roles, clauses, forms and legal basis.
    assert recorder.models_seen() >= {
        "qms_portal.Unit", "qms_portal.User", "qms_portal.Role", "documents.DocumentType", "documents.Clause",
        "documents.Document", "documents.Revision", "documents.ProcedureStep", "documents.LegalDocument",
        "documents.ChangeRequest", "documents.PeriodicReview", "documents.Acknowledgement",
        "qms_portal.TransitionRecord",
    }


def test_the_check_fails_for_a_shown_model_nothing_tracks(ds, client_for, monkeypatch):
    """Were people's names not tracked, or the lists not retired by them, the check would say so."""
    document = full_document(ds)
    monkeypatch.setitem(fragments._TRACKED, "qms_portal.User", [])
    recorder = PieceRecorder(monkeypatch)
    visit_everything(client_for(ds.author), document)
    problems = recorder.problems()
    assert any("lists_piece" in p and "qms_portal.User" in p for p in problems), problems
    assert any("render_page" in p and "qms_portal.User" in p for p in problems), problems


def test_the_check_fails_for_a_piece_that_misses_a_generation(ds, client_for, monkeypatch):
    from documents import cached

    document = full_document(ds)
    original = cached.body_piece

    def without_units(revision, document, build):
        piece = original(revision, document, build)
        piece.generations = tuple(g for g in piece.generations if g != fragments.UNITS)
        return piece

    monkeypatch.setattr(cached, "body_piece", without_units)
    recorder = PieceRecorder(monkeypatch)
    visit_everything(client_for(ds.author), document)
    assert any("render_body" in p and "qms_portal.Unit" in p for p in recorder.problems()), recorder.problems()


# --- Renames show at once --------------------------------------------------------------------------


def pages(client, document):
    register = client.get(REGISTER, {"status": "all"}).content.decode()
    page = client.get(document.get_absolute_url()).content.decode()
    return register, page


def test_a_renamed_unit_shows_at_once_on_the_register_and_the_document_page(ds, client_for):
    document = full_document(ds)
    client = client_for(ds.author)
    pages(client, document)  # cached
    core.unit_update(acting_user=_admin(), unit=Unit.objects.get(pk=ds.dept.pk), code=f"{ds.prefix}SNV2",
                     name="Sở Nội vụ mới")
    core.unit_update(acting_user=_admin(), unit=Unit.objects.get(pk=ds.office.pk), name="Văn phòng mới")
    register, page = pages(client, document)
    assert f"{ds.prefix}SNV2" in register
    assert "Sở Nội vụ mới" in page  # the owning unit
    assert "Văn phòng mới" in page  # a step's responsible unit, and the coverage
    assert ds.office.name not in page


def test_a_renamed_document_type_shows_at_once(ds, client_for):
    document = full_document(ds)
    client = client_for(ds.author)
    before_register, before_page = pages(client, document)
    kind = DocumentType.objects.get(pk=document.doc_type_id)
    assert kind.name in before_register and kind.name in before_page
    kind.name = "Quy trình nội bộ (đổi tên)"
    kind.save()  # (types are edited in the administration)
    register, page = pages(client, document)
    assert "Quy trình nội bộ (đổi tên)" in register
    assert "Quy trình nội bộ (đổi tên)" in page


def test_a_renamed_process_owner_or_requester_shows_at_once(ds, client_for):
    document = full_document(ds)
    client = client_for(ds.author)
    _register, page = pages(client, document)
    assert ds.approver.full_name in page and ds.staff.full_name in page
    core.user_update(acting_user=_admin(), user=User.objects.get(pk=ds.approver.pk), full_name="Trần Thị Mới")
    core.user_update(acting_user=_admin(), user=User.objects.get(pk=ds.staff.pk), full_name="Lê Văn Đổi")
    _register, page = pages(client, document)
    assert "Trần Thị Mới" in page  # the process owner, in the facts
    assert "Lê Văn Đổi" in page  # who proposed a change, in the lists
    # (The approver's signature keeps the name they signed with.)


def test_a_renamed_role_or_form_shows_at_once_in_the_steps(ds, client_for):
    document = full_document(ds)
    client = client_for(ds.author)
    pages(client, document)
    core.role_save(acting_user=_admin(), role=Role.objects.get(pk=ds.roles["staff"].pk), code="staff",
                   name="Chuyên viên (đổi tên)", permissions=list(ds.roles["staff"].permissions.all()))
    form = Document.objects.get(title="Biểu mẫu tiếp nhận", unit=ds.dept)
    form.code = f"{form.code}-MOI"
    form.save()
    _register, page = pages(client, document)
    assert "Chuyên viên (đổi tên)" in page
    assert f"{form.code}<" in page


def test_signing_in_or_saving_preferences_retires_no_page(ds, client_for):
    """A person's row is saved at each sign-in (last_login) and with their preferences: only a
    change of name retires what shows people."""
    document = full_document(ds)
    admin = _admin()
    client_for(ds.author).get(document.get_absolute_url())
    token = fragments.cache.get("qms:gen:people")
    assert client_for(ds.approver).post(reverse("login"), {"username": ds.approver.username,
                                                           "password": PASSWORD}).status_code in (200, 302)
    assert fragments.cache.get("qms:gen:people") == token
    approver = User.objects.get(pk=ds.approver.pk)
    core.user_set_preferences(acting_user=approver, language="vi", notification_mode=approver.notification_mode,
                              phone="0900000000")
    assert fragments.cache.get("qms:gen:people") == token
    core.user_update(acting_user=admin, user=approver, full_name=approver.full_name)  # the same name
    assert fragments.cache.get("qms:gen:people") == token
    core.user_update(acting_user=admin, user=approver, full_name="Tên khác")
    assert fragments.cache.get("qms:gen:people") != token


def _admin():
    from tests.factories import make_superuser

    return make_superuser("cache-tracking-root")
