"""The checklist's services: building, editing, answering once per key, conflicts, states, photos."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import AnswerReceipt, Audit, ChecklistItem
from audits.services import checklist as services
from qms_portal.attachments import attachments_for, rights
from qms_portal.permissions import can
from tests.audits.factories_checklist import _media_in_tmp, checklist_world, clauses, key, make_audit, set_status  # noqa: F401
from tests.documents import factories as doc_factories
from tests.qms_portal.images import photo_upload

A = ChecklistItem.Answer
S = Audit.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return checklist_world()


def built(w, *numbers):
    return services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses(*(numbers or ("7.5", "8.5"))))


def answer(user, item, value=A.CONFORMS, notes="", k=None, base=None):
    item = ChecklistItem.objects.get(pk=item.pk)
    return services.checklist_item_answer(acting_user=user, item=item, answer=value, notes=notes, key=k or key(),
                                          base_version=item.version if base is None else base)


# --- building -----------------------------------------------------------------------------------------
def test_it_builds_one_question_per_clause_in_order_and_not_twice(w):
    items = built(w, "8.5", "7.5")
    assert [i.clause.number for i in items] == ["7.5", "8.5"]
    assert [i.position for i in items] == [1, 2]
    assert "7.5" in items[0].question
    again = built(w, "7.5", "9.2")
    assert [i.clause.number for i in again] == ["9.2"]
    assert again[0].position == 3


def test_it_turns_the_steps_of_a_procedure_in_scope_into_questions():
    s = doc_factories.doc_setup()
    procedure = doc_factories.effective_document(s, title="Quy trình cấp phép xây dựng", steps=[
        doc_factories.step("Tiếp nhận hồ sơ", 1, output="Phiếu tiếp nhận"),
        doc_factories.step("Thẩm định hồ sơ", 5),
    ])
    lead = s.author
    audit = make_audit(s.dept, lead=lead, processes=[procedure])
    items = services.checklist_build(acting_user=lead, audit=audit, procedures=[procedure])
    assert len(items) == 2
    assert all(i.procedure_id == procedure.pk for i in items)
    assert "Tiếp nhận hồ sơ" in items[0].question and "Phiếu tiếp nhận" in items[0].question
    assert procedure.code in items[1].question and "5" in items[1].question
    assert services.checklist_build(acting_user=lead, audit=audit, procedures=[procedure]) == []


def test_a_procedure_outside_the_audits_scope_is_refused():
    s = doc_factories.doc_setup()
    procedure = doc_factories.effective_document(s, steps=[doc_factories.step("Bước 1", 1)])
    audit = make_audit(s.dept, lead=s.author)
    with pytest.raises(ValidationError) as refused:
        services.checklist_build(acting_user=s.author, audit=audit, procedures=[procedure])
    assert "scope" in str(refused.value)
    assert not audit.items.exists()


def test_only_the_team_builds_and_edits_the_checklist(w):
    for person in (w.internal, w.auditee, w.tree.ward1_mr):
        with pytest.raises(PermissionDenied):
            services.checklist_item_add(acting_user=person, audit=w.audit, question="Câu hỏi?")
    item = services.checklist_item_add(acting_user=w.member, audit=w.audit, question="  Có sổ theo dõi không?  ")
    assert item.question == "Có sổ theo dõi không?"


def test_an_empty_question_is_refused(w):
    with pytest.raises(ValidationError) as refused:
        services.checklist_item_add(acting_user=w.lead, audit=w.audit, question="   ")
    assert "question" in refused.value.message_dict


def test_questions_move_up_and_down(w):
    first, second = built(w)
    third = services.checklist_item_add(acting_user=w.lead, audit=w.audit, question="Hồ sơ lưu trữ?")
    services.checklist_item_move(acting_user=w.member, item=third, direction="up")
    order = list(w.audit.items.order_by("position", "id").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    services.checklist_item_move(acting_user=w.member, item=first, direction="up")  # already first
    services.checklist_item_move(acting_user=w.member, item=first, direction="down")
    assert list(w.audit.items.order_by("position", "id").values_list("pk", flat=True)) == [third.pk, first.pk,
                                                                                          second.pk]


def test_an_unanswered_question_can_be_removed_an_answered_one_stays(w):
    first, second = built(w)
    answer(w.member, first)
    with pytest.raises(ValidationError):
        services.checklist_item_remove(acting_user=w.lead, item=first)
    services.checklist_item_remove(acting_user=w.lead, item=second)
    assert list(w.audit.items.values_list("pk", flat=True)) == [first.pk]
    removed = ChecklistItem.history.filter(id=second.pk, history_type="-").get()
    assert removed.history_user == w.lead


def test_a_closed_or_reporting_audit_keeps_its_questions(w):
    item, _other = built(w)
    for status in (S.REPORTING, S.CLOSED):
        set_status(w.audit, status)
        with pytest.raises(ValidationError):
            services.checklist_item_update(acting_user=w.lead, item=item, question="Khác")


# --- answering ----------------------------------------------------------------------------------------
def test_an_answer_is_saved_with_who_and_when_and_bumps_the_version(w):
    item, _other = built(w)
    result = answer(w.member, item, A.NONCONFORMITY, "Thiếu chữ ký phê duyệt")
    item.refresh_from_db()
    assert not result.replayed
    assert (item.answer, item.notes, item.answered_by, item.version) == (A.NONCONFORMITY, "Thiếu chữ ký phê duyệt",
                                                                         w.member, 1)
    assert item.answered_at is not None
    assert AnswerReceipt.objects.filter(item=item).count() == 1


def test_the_same_key_sent_again_is_saved_once(w):
    item, _other = built(w)
    k = uuid.uuid4()
    first = answer(w.member, item, A.OBSERVATION, "Ghi chú", k=k, base=0)
    again = answer(w.member, item, A.OBSERVATION, "Ghi chú", k=k, base=0)
    item.refresh_from_db()
    assert (first.replayed, again.replayed) == (False, True)
    assert item.version == 1
    assert AnswerReceipt.objects.filter(key=k).count() == 1
    assert item.history.filter(answer=A.OBSERVATION).count() == 1


def test_a_replayed_key_is_answered_even_once_the_audit_is_closed(w):
    item, _other = built(w)
    k = uuid.uuid4()
    answer(w.member, item, k=k, base=0)
    set_status(w.audit, S.CLOSED)
    assert answer(w.member, item, k=k, base=0).replayed


def test_a_key_of_another_item_is_refused(w):
    first, second = built(w)
    k = uuid.uuid4()
    answer(w.member, first, k=k)
    with pytest.raises(ValidationError):
        answer(w.member, second, k=k)


def test_an_answer_given_on_an_old_version_is_a_conflict_and_overwrites_nothing(w):
    item, _other = built(w)
    answer(w.lead, item, A.CONFORMS, "Đủ hồ sơ", base=0)
    with pytest.raises(services.AnswerConflict) as clash:
        answer(w.member, item, A.NONCONFORMITY, "Thiếu hồ sơ", base=0)
    assert clash.value.item.answer == A.CONFORMS and clash.value.item.answered_by == w.lead
    assert (clash.value.answer, clash.value.notes) == (A.NONCONFORMITY, "Thiếu hồ sơ")
    item.refresh_from_db()
    assert (item.answer, item.notes, item.version) == (A.CONFORMS, "Đủ hồ sơ", 1)
    assert AnswerReceipt.objects.filter(item=item).count() == 1
    # keeping one's own answer: sent again on the version now saved
    answer(w.member, item, A.NONCONFORMITY, "Thiếu hồ sơ", base=1)
    item.refresh_from_db()
    assert (item.answer, item.version) == (A.NONCONFORMITY, 2)


def test_the_same_answer_from_two_devices_is_no_conflict(w):
    item, _other = built(w)
    answer(w.lead, item, A.CONFORMS, "", base=0)
    result = answer(w.member, item, A.CONFORMS, "", base=0)
    item.refresh_from_db()
    assert not result.replayed and item.version == 1 and item.answered_by == w.lead


@pytest.mark.parametrize(("status", "allowed"), [(S.PLANNED, False), (S.NOTIFIED, True), (S.IN_PROGRESS, True),
                                                 (S.CLOSED, False)])
def test_the_team_answers_once_the_auditees_are_notified_until_the_audit_is_reported(w, status, allowed):
    item, _other = built(w)
    set_status(w.audit, status)
    if allowed:
        answer(w.member, item)
    else:
        with pytest.raises(ValidationError):
            answer(w.member, item)


def test_while_reporting_only_the_lead_auditor_corrects_answers(w):
    item, _other = built(w)
    set_status(w.audit, S.REPORTING)
    with pytest.raises(ValidationError) as refused:
        answer(w.member, item)
    assert "lead auditor" in str(refused.value)
    answer(w.lead, item, A.OBSERVATION)


def test_people_not_on_the_team_do_not_answer(w):
    item, _other = built(w)
    for person in (w.internal, w.auditee, w.tree.ward1_mr, w.tree.district_steering):
        with pytest.raises(PermissionDenied):
            answer(person, item)


@pytest.mark.parametrize(("value", "k", "base"), [("maybe", None, 0), ("conforms", "not-a-key", 0),
                                                  ("conforms", None, "x")])
def test_bad_input_is_refused_with_a_message(w, value, k, base):
    item, _other = built(w)
    with pytest.raises(ValidationError):
        services.checklist_item_answer(acting_user=w.member, item=item, answer=value, notes="", key=k or key(),
                                       base_version=base)
    assert not AnswerReceipt.objects.exists()


def test_progress_counts_the_answers(w):
    first, second = built(w)
    answer(w.member, first, A.NONCONFORMITY)
    assert services.progress(w.audit) == {"total": 2, "answered": 1, "conforms": 0, "nonconformity": 1,
                                          "observation": 0, "na": 0}


# --- who sees the checklist ------------------------------------------------------------------------------
def test_the_checklist_is_seen_by_whoever_sees_the_audit(w):
    item, _other = built(w)
    assert can(w.auditee, "view", item) and not can(w.auditee, "audits.conduct_audit", item)
    assert can(w.member, "audits.conduct_audit", item)
    assert can(w.tree.district_steering, "view", item)  # a role over the unit
    assert not can(w.internal, "view", item)  # an internal auditor of the unit, not on the audit
    assert not can(w.tree.outsider, "view", item)
    assert set(ChecklistItem.objects.restrict(w.auditee, "view")) == set(w.audit.items.all())
    assert not ChecklistItem.objects.restrict(w.internal, "view").exists()


# --- photos -----------------------------------------------------------------------------------------------
def test_a_photo_sent_twice_is_attached_once(w):
    item, _other = built(w)
    k = uuid.uuid4()
    attached = services.checklist_item_photo_add(acting_user=w.member, item=item, upload=photo_upload(), key=k)
    assert attached is not None and attached.is_image
    assert services.checklist_item_photo_add(acting_user=w.member, item=item, upload=photo_upload(), key=k) is None
    assert attachments_for(item).count() == 1
    assert rights(w.auditee, item).view and not rights(w.auditee, item).add


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_attached(w):
    item, _other = built(w)
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.checklist_item_photo_add(acting_user=w.member, item=item, upload=fake, key=uuid.uuid4())
    assert not attachments_for(item).exists()
    assert not AnswerReceipt.objects.exists()


def test_no_photo_is_added_to_a_closed_audit(w):
    item, _other = built(w)
    set_status(w.audit, S.CLOSED)
    with pytest.raises(ValidationError):
        services.checklist_item_photo_add(acting_user=w.lead, item=item, upload=photo_upload(), key=uuid.uuid4())


# --- templates -------------------------------------------------------------------------------------------
def test_a_template_keeps_the_questions_not_the_answers_and_starts_another_checklist(w):
    from audits.services import checklist_templates as templates

    first, second = built(w)
    answer(w.member, first, A.NONCONFORMITY, "Thiếu")
    template = templates.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.district,
                                                    name="  Mẫu   phường  ")
    assert template.name == "Mẫu phường" and template.source_audit == w.audit
    assert list(template.items.values_list("question", flat=True)) == [first.question, second.question]
    other = make_audit(w.tree.ward2, lead=w.member)
    made = templates.checklist_from_template(acting_user=w.member, audit=other, template=template)
    assert [i.question for i in made] == [first.question, second.question]
    assert all(i.answer == "" for i in made)
    assert templates.checklist_from_template(acting_user=w.member, audit=other, template=template) == []


def test_templates_are_kept_only_where_one_keeps_them(w):
    from audits.services import checklist_templates as templates

    built(w)
    with pytest.raises(PermissionDenied):  # an auditee, in no unit
        templates.checklist_save_as_template(acting_user=w.auditee, audit=w.audit, unit=w.tree.ward1, name="Mẫu")
    with pytest.raises(PermissionDenied):  # an internal auditor of the district, not of the agency
        templates.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.agency, name="Mẫu")
    with pytest.raises(PermissionDenied):  # cannot see the audit
        templates.checklist_save_as_template(acting_user=w.internal, audit=w.audit, unit=w.tree.district,
                                             name="Mẫu")


def test_a_retired_template_is_not_used_and_an_empty_one_is_refused(w):
    from audits.services import checklist_templates as templates

    built(w)
    template = templates.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.district,
                                                    name="Mẫu")
    rows = [{"item": row, "clause": row.clause, "question": row.question} for row in template.items.all()]
    templates.checklist_template_update(acting_user=w.internal, template=template, name="Mẫu cũ", is_active=False,
                                        questions=rows)
    template.refresh_from_db()
    with pytest.raises(ValidationError):
        templates.checklist_from_template(acting_user=w.lead, audit=w.audit, template=template)
    with pytest.raises(ValidationError):
        templates.checklist_template_update(acting_user=w.internal, template=template, name="Mẫu", is_active=True,
                                            questions=[{**row, "delete": True} for row in rows])
    assert template.items.count() == 2
    with pytest.raises(PermissionDenied):  # sees templates (steering committee), may not change them
        templates.checklist_template_update(acting_user=w.tree.district_steering, template=template, name="X",
                                            is_active=True, questions=rows)


def test_a_closed_audit_takes_no_template(w):
    from audits.services import checklist_templates as templates

    built(w)
    template = templates.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.district,
                                                    name="Mẫu")
    closed = make_audit(w.tree.ward2, lead=w.lead, status=S.CLOSED)
    with pytest.raises(ValidationError):
        templates.checklist_from_template(acting_user=w.lead, audit=closed, template=template)
