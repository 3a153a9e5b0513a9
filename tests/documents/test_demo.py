"""The documents part of ``seed_demo``, as an official or an auditor tries it: every demo login can
go through its own flow on the seeded demo (a demo that strands a role fails here), and the data is
credible — signatures dated before the effective date by people who held the role then, a policy
and a manual with their own text, a comparison with a real change, Vietnamese and Chinese titles.

The demo is built once for the module (it is slow: every signature checks a password); each test
runs in a savepoint inside it."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents import demo, services
from documents.models import (
    Acknowledgement,
    ChangeRequest,
    Document,
    DocumentType,
    LegalDocument,
    PeriodicReview,
    Revision,
)
from qms_portal import areas
from qms_portal.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from qms_portal.models import Notification, RoleAssignment, TransitionRecord, Unit, User
from tests.documents.test_master_list import export
from tests.helpers import built_once, listed_codes

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

S = Revision.Status


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo.seed()

    with built_once(django_db_blocker, build) as created:
        yield created


@pytest.fixture
def seeded(_demo, db):
    return Document.objects.filter(unit__code=demo.DOHA)


def person(username):
    return User.objects.get(username=username)


def login(username):
    client = Client()
    client.force_login(person(username))
    return client


def section(response, title):
    found = [s for s in response.context["sections"] if str(s.title) == title]
    return [(label, url, str(detail)) for label, url, detail in found[0].items] if found else None


def doc(unit, title):
    return Document.objects.get(unit__code=unit, title=title)


def transition(client, revision, name, **data):
    return client.post(reverse("documents:revision_transition", args=[revision.pk, name]), data)


# --- The data -------------------------------------------------------------------------------------


def test_the_department_has_the_35_documents_of_the_source_articles_once(seeded, _demo):
    assert seeded.count() == 35
    by_type = {}
    for document in seeded.select_related("doc_type"):
        key = document.doc_type.code if document.doc_type.level == 1 else f"QT/{document.category}"
        by_type[key] = by_type.get(key, 0) + 1
    assert by_type == {"STCL": 1, "CS": 1, "MT": 1, "QT/mandatory": 6, "QT/operational": 22, "QT/support": 4}
    assert all(d.current_revision_id for d in seeded)  # every one is effective
    operational = seeded.filter(category="operational")
    assert all(d.current_revision.steps.exists() and d.legal_time_limit_days for d in operational)
    assert all(d.current_revision.legal_refs.exists() for d in seeded)
    assert seeded.filter(revisions__number=2, revisions__status=S.EFFECTIVE).count() >= 10
    assert Revision.objects.filter(document__in=seeded, status=S.IN_REVIEW).count() == 2
    assert len({d.code for d in seeded}) == 35 and all(d.code.startswith("SNV-") for d in seeded)
    history = sum(model.history.count() for model in (Document, Revision, Acknowledgement, PeriodicReview))
    assert demo.seed() == 0 and seeded.count() == 35  # seeding again creates nothing…
    assert sum(model.history.count() for model in (Document, Revision, Acknowledgement, PeriodicReview)) == history


def test_every_signature_is_dated_before_the_effective_date_by_someone_who_held_the_role(seeded):
    content_type = ContentType.objects.get_for_model(Revision)
    dated = Revision.objects.exclude(effective_date=None).filter(status__in=[S.EFFECTIVE, S.SUPERSEDED])
    assert dated.count() >= 55
    for revision in dated.select_related("document"):
        records = list(TransitionRecord.objects.filter(content_type=content_type, object_id=revision.pk))
        signed = [r for r in records if r.signature_meaning]
        assert {r.signature_meaning for r in signed} == {"reviewed", "approved"}, revision
        for record in signed:
            assert timezone.localdate(record.at) < revision.effective_date, (revision, record.transition, record.at)
            assert RoleAssignment.objects.held_at(record.at).filter(user=record.actor_id).exists(), (
                revision, record.actor_name)
        published = next(r for r in records if r.transition == "publish")
        assert timezone.localdate(published.at) == revision.effective_date, revision
        assert [r.transition for r in sorted(records, key=lambda r: (r.at, r.pk))][:4] == [
            "submit", "accept", "approve", "publish"]
        # The history agrees: the revision was approved before it took effect.
        approved = revision.history.filter(status=S.APPROVED).order_by("history_date").first()
        assert timezone.localdate(approved.history_date) < revision.effective_date
        assert revision.created_at < min(r.at for r in records)
    # Acknowledged after the revision took effect, never before.
    for row in Acknowledgement.objects.exclude(acknowledged_at=None).select_related("revision"):
        assert timezone.localdate(row.acknowledged_at) > row.revision.effective_date


def test_the_quality_policy_objectives_and_manual_have_their_own_content(seeded):
    policy = doc("DOHA", "Chính sách chất lượng").current_revision.content
    assert "cam kết" in policy and "Chuyên nghiệp – Trách nhiệm – Minh bạch – Hiệu quả" in policy
    assert "Mục đích" not in policy  # not a procedure's template
    assert "Mục tiêu chất lượng năm" in doc("DOHA", "Mục tiêu chất lượng").current_revision.content
    manual = doc("DOHA", "Sổ tay chất lượng").current_revision.content
    for heading in ("Phạm vi áp dụng", "Các yêu cầu không áp dụng", "8.3 Thiết kế và phát triển",
                    "Các quá trình và sự tương tác", "Trách nhiệm và quyền hạn", "Danh mục quy trình"):
        assert heading in manual, heading
    for document in seeded.filter(doc_type__code="QT"):
        assert document.code in manual and document.title in manual, document
    bureau = doc("CB", "质量手册").current_revision.content
    assert "删减" in bureau and all(d.code in bureau for d in Document.objects.filter(unit__code="CB",
                                                                                  doc_type__code="QT"))
    assert "依法行政" in doc("CB", "质量方针").current_revision.content


def test_titles_and_steps_are_in_the_agencys_own_language():
    assert person("doccontrol").language == "en"  # the demo was seeded in English…
    recruitment = doc("DOHA", "Tuyển dụng công chức")  # …the department writes in Vietnamese
    assert recruitment.current_revision.steps.filter(title__startswith="Thẩm định hồ sơ").exists()
    permit = doc("CB", "建筑工程施工许可证核发")  # …and the construction bureau in Chinese
    assert permit.current_revision.steps.filter(title__contains="审查申请材料").exists()
    assert Document.objects.filter(unit__code="DIST", title="Đăng ký khai sinh").exists()
    english = [d.title for d in Document.objects.all() if re.fullmatch(r"[A-Za-z ,:-]+", d.title)]
    assert english == []


def test_comparing_two_revisions_shows_the_real_change(seeded):
    document = seeded.filter(category="operational", revisions__number=2).first()
    new = document.revisions.get(number=2)
    page = login("doccontrol").get(reverse("documents:revision_compare", args=[new.pk]))
    assert page.status_code == 200 and page.context["text_changed"]
    changed = [row for row in page.context["step_diff"] if row[0] != "equal"]
    appraisal = [row for row in changed if "Thẩm định hồ sơ" in row[1]]
    assert appraisal, changed
    old_days = float(re.search(r"— ([\d.]+) ", appraisal[0][1]).group(1))
    new_days = float(re.search(r"— ([\d.]+) ", appraisal[0][2]).group(1))
    assert new_days == old_days - 2  # the appraisal step two working days shorter
    text = [row for row in page.context["text_diff"] if row[0] == "changed"]
    assert any("trực tuyến" in row[2] and "trực tuyến" not in row[1] for row in text)
    # The construction permit being revised: its committed time limit from 7 to 5 working days.
    permit = doc("CB", "建筑工程施工许可证核发")
    draft = permit.revisions.get(number=2)
    page = login("cb-mr").get(reverse("documents:revision_compare", args=[draft.pk]))
    assert any(row[0] == "changed" and "7个工作日" in row[1] and "5个工作日" in row[2]
               for row in page.context["text_diff"])


# --- Each demo login's own flow ---------------------------------------------------------------------


def test_the_demo_logins_are_the_readmes(_demo):
    assert [username for username, _p, _d in DEMO_LOGINS] == [
        "admin", "administrator", "steering", "mr", "doccontrol", "depthead", "staff", "auditor", "trainer"]


def test_depthead_reviews_the_divisions_procedure_and_gets_their_own_reviewed_and_approved(_demo):
    depthead = person("depthead")
    client = login("depthead")
    waiting = section(client.get("/"), "Waiting for my review")
    division_procedure = Revision.objects.get(document__unit__code="DOHA-D03", status=S.IN_REVIEW)
    assert [url for _l, url, _d in waiting] == [division_procedure.get_absolute_url()]
    assert transition(client, division_procedure, "accept", password=DEMO_PASSWORD).status_code == 302

    document = services.document_create(
        acting_user=depthead, unit=Unit.objects.get(code="DOHA-D03"), doc_type=DocumentType.objects.get(code="QT"),
        title="Hướng dẫn đo lường sự hài lòng tại Bộ phận Một cửa", process_owner=depthead, category="support")
    revision = document.revisions.get()
    services.revision_save_draft(acting_user=depthead, revision=revision, lock_version=revision.lock_version,
                                 content="<p>Phiếu khảo sát, tần suất, người tổng hợp.</p>",
                                 effective_date=timezone.localdate() + timedelta(days=10))
    page = client.get(reverse("documents:revision_reviewers", args=[revision.pk])).content.decode()
    assert 'value="d03-deputy"' in page and 'value="doccontrol"' in page
    response = client.post(reverse("documents:revision_reviewers", args=[revision.pk]),
                           {"reviewers": ["d03-deputy", "doccontrol"]})
    assert response.status_code == 302
    assert transition(client, revision, "submit").status_code == 302
    for username in ("d03-deputy", "doccontrol"):
        assert transition(login(username), revision, "accept", password=DEMO_PASSWORD).status_code == 302
    approver = login("mr")
    assert revision.get_absolute_url() in [url for _l, url, _d in section(approver.get("/"),
                                                                            "Waiting for my approval")]
    assert transition(approver, revision, "approve", password=DEMO_PASSWORD).status_code == 302
    assert Revision.objects.get(pk=revision.pk).status == S.APPROVED


def test_doccontrol_runs_the_periodic_reviews_due_withdraws_and_publishes(_demo):
    client = login("doccontrol")
    home = client.get("/")
    due = section(home, "Periodic reviews due")
    assert len(due) == 3 and sum(detail.startswith("Overdue") for _l, _u, detail in due) == 1
    flagged = section(home, "Review required: legal basis changed")
    assert len(flagged) >= 8
    assert any("Tuyển dụng công chức" in label for label, _u, _d in flagged)

    overdue_url = next(url for _l, url, detail in due if detail.startswith("Overdue"))
    assert client.get(overdue_url).status_code == 200
    assert client.post(overdue_url, {"outcome": "valid", "notes": "Còn phù hợp."}).status_code == 302
    assert len(section(client.get("/"), "Periodic reviews due")) == 2

    youth = doc("DOHA", "Quản lý nhà nước về công tác thanh niên")
    response = transition(client, youth.current_revision, "withdraw", reason="Nhiệm vụ chuyển sang Sở Văn hóa")
    assert response.status_code == 302 and Document.objects.get(pk=youth.pk).is_withdrawn

    document = services.document_create(
        acting_user=person("doccontrol"), unit=Unit.objects.get(code="DOHA"),
        doc_type=DocumentType.objects.get(code="QT"), title="Quản lý văn bản đi, đến", process_owner=person("mr"),
        category="support")
    assert document.code.startswith("SNV-QT-")
    services.distribution_add(acting_user=person("doccontrol"), document=document,
                              unit=Unit.objects.get(code="DIST"))
    revision = document.revisions.get()
    services.revision_save_draft(acting_user=person("doccontrol"), revision=revision,
                                 lock_version=revision.lock_version, content="<p>Văn bản đến, văn bản đi.</p>",
                                 effective_date=timezone.localdate())
    client.post(reverse("documents:revision_reviewers", args=[revision.pk]), {"reviewers": ["doha-office"]})
    assert transition(client, revision, "submit").status_code == 302
    transition(login("doha-office"), revision, "accept", password=DEMO_PASSWORD)
    transition(login("mr"), revision, "approve", password=DEMO_PASSWORD)
    assert services.revision_publish_due() == 1  # the hourly task publishes it on its date
    assert Document.objects.get(pk=document.pk).current_revision_id == revision.pk
    assert Acknowledgement.objects.filter(revision=revision, user__username="staff").exists()
    _job, data = export(person("doccontrol"), "csv")  # the master list, made in the background
    assert document.code in data.decode("utf-8-sig")


def test_mr_approves_what_the_office_chief_reviewed(_demo):
    pending = Revision.objects.filter(document__unit__code="DOHA", status=S.IN_REVIEW).order_by("pk").first()
    assert transition(login("doha-office"), pending, "accept", password=DEMO_PASSWORD).status_code == 302
    client = login("mr")
    ready = section(client.get("/"), "Waiting for my approval")
    assert pending.get_absolute_url() in [url for _l, url, _d in ready]
    assert transition(client, pending, "approve", password=DEMO_PASSWORD).status_code == 302
    pending.refresh_from_db()
    assert pending.status == S.APPROVED and pending.approver == person("mr")
    assert services.revision_publish_due(today=pending.effective_date) == 1


def test_the_bureau_management_representative_approves_the_shorter_permit(_demo):
    permit = doc("CB", "建筑工程施工许可证核发").revisions.get(number=2)
    client = login("cb-mr")
    assert permit.get_absolute_url() in [url for _l, url, _d in section(client.get("/"), "Waiting for my approval")]
    assert transition(client, permit, "approve", password=DEMO_PASSWORD).status_code == 302
    assert Revision.objects.get(pk=permit.pk).status == S.APPROVED


def test_staff_reads_acknowledges_and_proposes_a_change(_demo):
    client = login("staff")
    to_read = section(client.get("/"), "To read and acknowledge")
    sent = Document.objects.filter(distribution__unit__code=demo.DISTRICT).distinct()
    wards = Document.objects.filter(unit__code="DIST")
    assert sent.count() == len(demo.FOR_THE_DISTRICT) and wards.count() == 4
    assert {url for _l, url, _d in to_read} == {d.get_absolute_url() for d in [*sent, *wards]}
    assert set(listed_codes(client.get(reverse("documents:register")))) == {d.code for d in [*sent, *wards]}

    birth = doc("DIST", "Đăng ký khai sinh")
    page = client.get(birth.get_absolute_url()).content.decode()
    assert "I have read and understood it" in page
    assert client.post(reverse("documents:document_acknowledge", args=[birth.pk])).status_code == 302
    assert "You acknowledged this revision" in client.get(birth.get_absolute_url()).content.decode()

    response = client.post(reverse("documents:changerequest_create", args=[birth.pk]), {
        "reason": "Bổ sung bước tiếp nhận hồ sơ đăng ký khai sinh trực tuyến qua Cổng Dịch vụ công."})
    assert response.status_code == 302
    request = ChangeRequest.objects.get(document=birth, requester__username="staff")
    assert Notification.objects.filter(recipient__username="dist-iso", kind="changerequest_submitted").exists()
    services.change_request_transition(acting_user=person("dist-iso"), change_request=request, name="accept")
    assert birth.revisions.filter(status=S.DRAFT).exists()


def test_auditor_reads_the_districts_documents_and_exports_the_master_list(_demo):
    client = login("auditor")
    wards = list(Document.objects.filter(unit__code="DIST"))
    listed = set(listed_codes(client.get(reverse("documents:register"))))
    assert {d.code for d in wards} <= listed and not any(code.startswith("CJJ-") for code in listed)
    marriage = doc("DIST", "Đăng ký kết hôn")
    page = client.get(marriage.get_absolute_url()).content.decode()
    assert person("dist-mr").full_name in page and "Approved" in page  # the signatures
    assert client.get(reverse("documents:revision_history", args=[marriage.current_revision_id])).status_code == 200
    _job, data = export(person("auditor"), "csv")  # the master list, made in the background
    assert all(d.code in data.decode("utf-8-sig") for d in wards)


def test_steering_sees_the_figures_across_the_city_and_the_roster_of_a_past_date(_demo):
    steering = person("steering")
    figures = {figure.key: figure.queryset(steering).count() for _area, figure in areas.dashboard_figures()}
    assert figures["documents.effective"] >= 45
    assert figures["documents.review_overdue"] == 1
    assert figures["documents.review_required"] >= 8
    assert figures["documents.in_review"] >= 4
    client = login("steering")
    signed = TransitionRecord.objects.filter(transition="approve", actor__username="mr").order_by("at").first()
    doha = Unit.objects.get(code="DOHA")
    roster = client.get(reverse("unit_detail", args=[doha.pk]), {"on": timezone.localdate(signed.at).isoformat()})
    assert roster.status_code == 200
    assert person("mr") in [a.user for a in roster.context["held"]]
    assert client.get(reverse("assignment_list")).status_code == 200
    codes = set(listed_codes(client.get(reverse("documents:register"), {"status": "all"})))
    assert any(c.startswith("SNV-") for c in codes) and any(c.startswith("CJJ-") for c in codes)


def test_administrator_manages_units_people_and_roles(_demo):
    client = login("administrator")
    district = Unit.objects.get(code="DIST")
    response = client.post(reverse("unit_create"), {"code": "DIST-W19", "name": "Phường 19", "kind": "ward",
                                                    "parent": district.pk, "phase": "preparation"})
    assert response.status_code == 302, response.content.decode()[:3000]
    ward = Unit.objects.get(code="DIST-W19")
    response = client.post(reverse("user_create"), {
        "username": "ward19-iso", "full_name": "Đinh Thị Yến", "email": "ward19@demo.example.org",
        "primary_unit": ward.pk, "position": "Công chức Văn phòng – Thống kê", "language": "vi",
        "password": "Tam-thoi-2026!x"})
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(reverse("assignment_create"), {
        "user": "ward19-iso", "role": RoleAssignment._meta.get_field("role").related_model.objects.get(
            code="document_controller").pk, "unit": ward.pk, "include_subunits": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RoleAssignment.objects.current().filter(user__username="ward19-iso", unit=ward).exists()
    # Nobody gives a role to themselves.
    response = client.post(reverse("assignment_create"), {
        "user": "administrator", "role": RoleAssignment._meta.get_field("role").related_model.objects.get(
            code="staff").pk, "unit": ward.pk})
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user__username="administrator", unit=ward).exists()


def test_trainer_reads_the_bureaus_documents_in_chinese(_demo):
    client = login("trainer")
    bureau = Document.objects.filter(unit__code="CB", current_revision__isnull=False)
    assert set(listed_codes(client.get(reverse("documents:register")))) == {d.code for d in bureau}
    manual = doc("CB", "质量手册")
    assert "程序文件目录" in client.get(manual.get_absolute_url()).content.decode()


def test_admin_sees_every_agencys_register(_demo):
    client = login("admin")
    codes = set(listed_codes(client.get(reverse("documents:register"), {"status": "all"})))
    assert {c.split("-")[0] for c in codes} >= {"SNV", "CJJ", "QTT"}
    assert client.get(reverse("documents:legal_list")).status_code == 200
    law = LegalDocument.objects.get(number="22/2008/QH12")
    assert law.status == LegalDocument.Status.AMENDED
    assert timezone.localdate(law.history.order_by("-history_date").first().history_date) == (
        timezone.localdate() - timedelta(days=6))


def test_the_demo_has_announcements_of_conformity_one_current_one_late_with_a_changed_scope(_demo):
    from documents.announcements import announcement_register
    from documents.models import Announcement

    rows = {u.code: u for u in announcement_register(person("steering"))}
    assert rows[demo.DOHA].announcement_status == "current" and rows[demo.DOHA].covered == 35
    district = rows[demo.DISTRICT]
    assert (district.announcement_status, district.covered, district.added, district.withdrawn) == ("late", 3, 1, 0)
    assert rows[demo.BUREAU].announcement_status == "never"
    assert Announcement.objects.filter(unit__code=demo.DISTRICT, status="draft").count() == 1
    signed = TransitionRecord.objects.filter(transition="announce").values_list("actor__username", flat=True)
    assert sorted(signed) == ["dist-mr", "mr"]
    count = Announcement.objects.count()
    assert demo.seed() == 0 and Announcement.objects.count() == count  # seeding again creates nothing
    page = login("steering").get(reverse("documents:announcement_register"))
    assert page.status_code == 200 and 'data-status="late"' in page.content.decode()
    # The district's representative is told once, however often beat fires.
    assert services.announcements_remind().messages >= 1
    assert Notification.objects.filter(kind="announcement_scope_changed", recipient=person("dist-mr")).count() == 1
    assert services.announcements_remind().messages == 0
