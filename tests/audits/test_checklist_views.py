"""The checklist's pages: the on-site page, answers through htmx and without JavaScript, conflicts
shown with both answers, photos, building and arranging, templates; the query count at two sizes."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import AnswerReceipt, Audit, ChecklistItem, ChecklistTemplate
from audits.services import checklist as services
from audits.services import checklist_templates as template_services
from qms_portal.attachments import attachments_for
from tests.audits.factories_checklist import _media_in_tmp, checklist_world, clauses, key, set_status  # noqa: F401
from tests.qms_portal.images import photo_upload
from tests.viewtests import logged_in

A = ChecklistItem.Answer
HX = {"HTTP_HX_REQUEST": "true"}

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def w():
    w = checklist_world()
    w.items = services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("7.5", "8.5", "9.2"))
    return w


def page_path(audit):
    return reverse("audits:checklist", args=[audit.pk])


def page(client, audit, **params):
    return client.get(page_path(audit), params)


def answer_url(item):
    return reverse("audits:checklist_answer", args=[item.audit_id, item.pk])


def test_the_team_gets_the_answer_forms_with_large_targets_and_the_offline_script(w):
    # without JavaScript (where the page's <noscript> sends the phone): a form for each question
    response = page(logged_in(w.member), w.audit, forms="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-answer-form") == 3
    assert f'hx-post="{answer_url(w.items[0])}"' in html
    assert "js/checklist.js" in html and "btn-lg" in html
    assert 'accept="image/*" capture="environment"' in html
    assert "<script>" not in html and "<noscript>" not in html  # nothing inline (CSP)


def test_with_javascript_the_answer_form_is_written_once_and_each_question_shows_its_answer(w):
    services.checklist_item_answer(acting_user=w.lead, item=w.items[2], answer=A.NONCONFORMITY,
                                   notes="Chưa có kế hoạch\nvà biên bản", key=key(), base_version=0)
    html = page(logged_in(w.member), w.audit).content.decode()
    assert html.count("data-answer-template") == 1 and html.count('name="answer"') == 4
    assert html.count('class="checklist-answer"') == 1 and html.count("data-photo-form") == 1
    item = w.items[2]
    assert f'id="item-{item.pk}" data-item="{item.pk}" data-version="1" data-answer="nonconformity"' in html
    assert 'data-notes>Chưa có kế hoạch\nvà biên bản</p>' in html
    answer_pattern = reverse("audits:checklist_answer", args=[w.audit.pk, 2147480000])
    assert f'data-item-mark="2147480000" data-answer-url="{answer_pattern}"' in html
    # a phone without JavaScript goes to the page with the forms written out
    assert f'<noscript><meta http-equiv="refresh" content="0; url={page_path(w.audit)}?forms=1"></noscript>' in html


def test_those_who_read_the_checklist_get_neither_form_nor_forms_page(w):
    html = page(logged_in(w.auditee), w.audit).content.decode()
    assert "data-answer-template" not in html and "<noscript>" not in html


def test_an_auditee_reads_the_checklist_without_forms(w):
    services.checklist_item_answer(acting_user=w.member, item=w.items[0], answer=A.OBSERVATION, notes="Lưu ý",
                                   key=key(), base_version=0)
    html = page(logged_in(w.auditee), w.audit).content.decode()
    assert "data-answer-form" not in html and "Lưu ý" in html
    assert "Build from the scope" not in html


def test_an_answer_through_htmx_comes_back_saved_with_a_fresh_key(w):
    item = w.items[0]
    k = key()
    response = logged_in(w.member).post(answer_url(item), {"answer": "nonconformity", "notes": "Thiếu hồ sơ",
                                                           "key": k, "base_version": 0}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Checklist-Result"] == "saved"
    assert html.startswith("<article") and 'data-version="1"' in html and k not in html
    assert f'value="nonconformity" id="a-{item.pk}-nonconformity" autocomplete="off" checked' in html
    again = logged_in(w.member).post(answer_url(item), {"answer": "nonconformity", "notes": "Thiếu hồ sơ",
                                                        "key": k, "base_version": 0}, **HX)
    assert again["X-Checklist-Result"] == "replayed"
    assert AnswerReceipt.objects.filter(item=item).count() == 1


def test_a_conflict_shows_both_answers_and_offers_to_keep_either(w):
    item = w.items[0]
    services.checklist_item_answer(acting_user=w.lead, item=item, answer=A.CONFORMS, notes="Đủ hồ sơ", key=key(),
                                   base_version=0)
    response = logged_in(w.member).post(answer_url(item), {"answer": "nonconformity", "notes": "Thiếu chữ ký",
                                                           "key": key(), "base_version": 0}, **HX)
    html = response.content.decode()
    assert response["X-Checklist-Result"] == "conflict"
    assert 'data-testid="conflict"' in html and "Đủ hồ sơ" in html and "Thiếu chữ ký" in html
    assert "Keep mine" in html and "Keep the saved answer" in html
    item.refresh_from_db()
    assert item.answer == A.CONFORMS


def test_without_javascript_an_answer_goes_back_to_the_page_at_the_item(w):
    item = w.items[1]
    client = logged_in(w.member)
    response = client.post(answer_url(item), {"answer": "na", "notes": "", "key": key(), "base_version": 0})
    assert response.status_code == 302 and response["Location"].endswith(f"?forms=1#item-{item.pk}")
    assert "Answer saved." in client.get(response["Location"]).content.decode()


def test_a_refused_answer_says_why_and_keeps_what_was_typed_out_of_the_record(w):
    set_status(w.audit, Audit.Status.CLOSED)
    response = logged_in(w.member).post(answer_url(w.items[0]), {"answer": "conforms", "key": key(),
                                                                 "base_version": 0}, **HX)
    assert response["X-Checklist-Result"] == "error"
    assert "closed" in response.content.decode()


def test_someone_not_on_the_team_is_refused(w):
    assert logged_in(w.internal).post(answer_url(w.items[0]), {"answer": "conforms", "key": key(),
                                                               "base_version": 0}).status_code == 403
    assert logged_in(w.auditee).post(answer_url(w.items[0]), {"answer": "conforms", "key": key(),
                                                              "base_version": 0}).status_code == 403


def test_a_photo_is_attached_once_per_key_and_a_bad_file_is_refused(w):
    item = w.items[0]
    url = reverse("audits:checklist_photo", args=[w.audit.pk, item.pk])
    client = logged_in(w.member)
    k = key()
    first = client.post(url, {"key": k, "photo": photo_upload()}, **HX)
    assert first["X-Checklist-Result"] == "photo" and "attachment_thumbnail" not in first.content.decode()
    assert client.post(url, {"key": k, "photo": photo_upload()}, **HX)["X-Checklist-Result"] == "replayed"
    assert attachments_for(item).count() == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(url, {"key": key(), "photo": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")}, **HX)
    assert bad["X-Checklist-Result"] == "error" and 'data-testid="item-error"' in bad.content.decode()
    assert attachments_for(item).count() == 1


def test_building_from_the_scope_through_the_form(w):
    client = logged_in(w.lead)
    url = reverse("audits:checklist_build", args=[w.audit.pk])
    form = client.get(url).content.decode()
    assert f'value="{clauses("7.5")[0].pk}"' in form
    response = client.post(url, {"clauses": [c.pk for c in clauses("4.1", "7.5")]})
    assert response.status_code == 302
    assert w.audit.items.filter(clause__number="4.1").count() == 1
    empty = client.post(url, {})
    assert empty.status_code == 200 and "Choose clauses or procedures" in empty.content.decode()


def test_adding_changing_moving_and_removing_questions(w):
    client = logged_in(w.member)
    add = client.post(reverse("audits:checklist_item_add", args=[w.audit.pk]), {"question": "Có biên bản họp không?"})
    new = w.audit.items.get(question="Có biên bản họp không?")
    assert add["Location"].endswith(f"#item-{new.pk}")
    edit = client.post(reverse("audits:checklist_item_edit", args=[w.audit.pk, new.pk]),
                       {"question": "Có biên bản họp xem xét không?", "clause": clauses("9.3")[0].pk})
    assert edit.status_code == 302
    new.refresh_from_db()
    assert new.question == "Có biên bản họp xem xét không?" and new.clause.number == "9.3"
    client.post(reverse("audits:checklist_item_move", args=[w.audit.pk, new.pk]), {"direction": "up"})
    assert list(w.audit.items.order_by("position").values_list("pk", flat=True))[2] == new.pk
    arranged = page(client, w.audit, arrange="1").content.decode()
    assert "Move up" in arranged and "data-answer-form" not in arranged
    client.post(reverse("audits:checklist_item_remove", args=[w.audit.pk, new.pk]))
    assert not w.audit.items.filter(pk=new.pk).exists()


def test_the_history_of_a_question_lists_its_answers(w):
    item = w.items[0]
    services.checklist_item_answer(acting_user=w.member, item=item, answer=A.OBSERVATION, notes="", key=key(),
                                   base_version=0)
    html = logged_in(w.auditee).get(reverse("audits:checklist_item_history", args=[w.audit.pk, item.pk])).content
    assert "Observation" in html.decode()


def test_saving_as_a_template_and_starting_from_it(w):
    client = logged_in(w.lead)
    response = client.post(reverse("audits:checklist_save_template", args=[w.audit.pk]),
                           {"name": "Đánh giá phường 2027", "unit": w.tree.district.pk})
    template = ChecklistTemplate.objects.get(name="Đánh giá phường 2027")
    assert response["Location"] == template.get_absolute_url()
    assert template.items.count() == 3 and template.unit == w.tree.district
    other = services.checklist_item_add(acting_user=w.lead, audit=w.audit, question="Câu riêng")
    services.checklist_item_remove(acting_user=w.lead, item=other)
    from tests.audits.factories_checklist import make_audit

    next_year = make_audit(w.tree.ward2, lead=w.member)
    client = logged_in(w.member)
    assert client.post(reverse("audits:checklist_from_template", args=[next_year.pk]),
                       {"template": template.pk}).status_code == 302
    assert next_year.items.count() == 3


def test_someone_who_keeps_templates_nowhere_is_told(w):
    html = logged_in(w.auditee).get(reverse("audits:checklist_save_template", args=[w.audit.pk])).content.decode()
    assert "You keep templates in no unit" in html


def test_editing_a_template_reorders_changes_and_deletes_questions(w):
    template = template_services.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.district,
                                                            name="Mẫu")
    rows = list(template.items.order_by("position"))
    data = {"name": "Mẫu mới", "is_active": "on", "questions-TOTAL_FORMS": "5", "questions-INITIAL_FORMS": "3",
            "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"questions-{i}-item": row.pk, f"questions-{i}-question": row.question,
                     f"questions-{i}-ORDER": str(3 - i)})
    data["questions-1-DELETE"] = "on"
    data.update({"questions-3-question": "Câu hỏi thêm", "questions-3-ORDER": "9"})
    response = logged_in(w.internal).post(reverse("audits:template_edit", args=[template.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.name == "Mẫu mới"
    assert list(template.items.order_by("position").values_list("question", flat=True)) == [
        rows[2].question, rows[0].question, "Câu hỏi thêm"]


def test_the_templates_list_and_page(w):
    template = template_services.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.ward1,
                                                            name="Mẫu phường")
    client = logged_in(w.internal)
    assert template.get_absolute_url() in client.get(reverse("audits:template_list")).content.decode()
    detail = client.get(template.get_absolute_url()).content.decode()
    assert "Mẫu phường" in detail and reverse("audits:checklisttemplate_history", args=[template.pk]) in detail


def test_the_audit_page_section_shows_the_progress_and_the_link(w):
    services.checklist_item_answer(acting_user=w.member, item=w.items[0], answer=A.CONFORMS, notes="", key=key(),
                                   base_version=0)
    request = RequestFactory().get("/")
    request.user = w.member
    html = Template('{% include "audits/parts/detail_checklist.html" %}').render(
        Context({"audit": w.audit, "request": request, "user": w.member}))
    assert "1 of 3 answered" in html and reverse("audits:checklist", args=[w.audit.pk]) in html
    request.user = w.internal
    assert "checklist" not in Template('{% include "audits/parts/detail_checklist.html" %}').render(
        Context({"audit": w.audit, "request": request, "user": w.internal})).lower()


# --- the number of queries does not grow with the checklist ------------------------------------------------
def count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_the_checklist_page_makes_the_same_queries_for_3_and_40_questions(w):
    client = logged_in(w.member)
    url = reverse("audits:checklist", args=[w.audit.pk])
    services.checklist_item_photo_add(acting_user=w.member, item=w.items[0], upload=photo_upload(), key=uuid.uuid4())
    small = count(client, url)
    for i in range(37):
        item = services.checklist_item_add(acting_user=w.lead, audit=w.audit, question=f"Câu hỏi {i}")
        if i % 3 == 0:
            services.checklist_item_answer(acting_user=w.member, item=item, answer=A.CONFORMS, notes="", key=key(),
                                           base_version=0)
        if i % 10 == 0:
            services.checklist_item_photo_add(acting_user=w.member, item=item, upload=photo_upload(), key=uuid.uuid4())
    large = count(client, url)
    assert small[0] == large[0], "\n".join(sql for sql in large[1] if sql not in small[1])


def test_the_templates_list_makes_the_same_queries_for_1_and_12_templates(w):
    client = logged_in(w.internal)
    template_services.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.ward1, name="Mẫu 0")
    small = count(client, reverse("audits:template_list"))
    for i in range(1, 12):
        template_services.checklist_save_as_template(acting_user=w.lead, audit=w.audit, unit=w.tree.ward1,
                                                     name=f"Mẫu {i}")
    large = count(client, reverse("audits:template_list"))
    assert small[0] == large[0]


def test_the_audited_read_the_photos_and_the_team_withdraws_a_wrong_one(w):
    item = w.items[0]
    photo = services.checklist_item_photo_add(acting_user=w.member, item=item, upload=photo_upload(), key=uuid.uuid4())
    download = reverse("attachment_download", args=[photo.pk])
    assert logged_in(w.auditee).get(download).status_code == 200
    assert logged_in(w.internal).get(download).status_code in (403, 404)
    auditee_page = page(logged_in(w.auditee), w.audit).content.decode()
    assert download in auditee_page and reverse("attachment_withdraw", args=[photo.pk]) not in auditee_page
    client = logged_in(w.lead)
    assert reverse("attachment_withdraw", args=[photo.pk]) in page(client, w.audit).content.decode()
    client.post(reverse("attachment_withdraw", args=[photo.pk]), {"reason": "Chụp nhầm hồ sơ khác"})
    assert not attachments_for(item).exists()
    assert download not in page(client, w.audit).content.decode()


def test_htmx_gets_one_item_and_a_plain_visit_goes_to_the_page(w):
    item = w.items[1]
    url = reverse("audits:checklist_item", args=[w.audit.pk, item.pk])
    fragment = logged_in(w.auditee).get(url, **HX)
    assert fragment.content.decode().startswith(f'<article class="card checklist-item mb-3" id="item-{item.pk}"')
    assert logged_in(w.auditee).get(url)["Location"].endswith(f"/checklist/#item-{item.pk}")
    other = services.checklist_item_add(acting_user=w.lead, audit=w.audit, question="Khác")
    missing = reverse("audits:checklist_item", args=[w.audit.pk + 999, other.pk])
    assert logged_in(w.member).get(missing).status_code == 404


def test_an_item_of_another_audit_is_not_found_through_this_one(w):
    from tests.audits.factories_checklist import make_audit

    other_audit = make_audit(w.tree.ward1, lead=w.member)
    [foreign] = services.checklist_build(acting_user=w.member, audit=other_audit, clauses=clauses("9.3"))
    response = logged_in(w.member).post(reverse("audits:checklist_answer", args=[w.audit.pk, foreign.pk]),
                                        {"answer": "conforms", "key": key(), "base_version": 0})
    assert response.status_code == 404


def test_without_javascript_a_photo_and_an_answer_of_one_page_do_not_share_a_key(w):
    import re

    item = w.items[0]
    client = logged_in(w.member)
    html = page(client, w.audit, forms="1").content.decode()
    article = html[html.index(f'id="item-{item.pk}"'):]
    keys = re.findall(r'name="key" value="([0-9a-f-]+)"', article[:article.index("</article>")])
    assert len(keys) == 2 and keys[0] != keys[1]
    client.post(reverse("audits:checklist_photo", args=[w.audit.pk, item.pk]), {"key": keys[1],
                                                                               "photo": photo_upload()})
    client.post(answer_url(item), {"answer": "conforms", "notes": "", "key": keys[0], "base_version": 0})
    item.refresh_from_db()
    assert item.answer == A.CONFORMS and attachments_for(item).count() == 1


def test_a_refused_answer_keeps_what_was_typed_in_the_form(w):
    item = w.items[0]
    response = logged_in(w.member).post(answer_url(item), {"answer": "observation", "notes": "x" * 4001,
                                                           "key": key(), "base_version": 0}, **HX)
    html = response.content.decode()
    assert response["X-Checklist-Result"] == "error" and "4000" in html
    assert f'id="a-{item.pk}-observation" autocomplete="off" checked' in html and "x" * 4001 in html
    item.refresh_from_db()
    assert item.answer == "" and item.version == 0


def test_last_years_closed_audit_is_kept_as_a_template(w):
    set_status(w.audit, Audit.Status.CLOSED)
    client = logged_in(w.lead)
    url = reverse("audits:checklist_save_template", args=[w.audit.pk])
    assert "can no longer be changed" not in client.get(url).content.decode()
    assert "Save as a template for next year" in page(client, w.audit).content.decode()
    assert client.post(url, {"name": "Mẫu từ năm trước", "unit": w.tree.ward1.pk}).status_code == 302
    assert ChecklistTemplate.objects.get(name="Mẫu từ năm trước").items.count() == 3


def test_the_page_shows_each_saved_answer_and_notes_in_its_form(w):
    services.checklist_item_answer(acting_user=w.lead, item=w.items[2], answer=A.NONCONFORMITY,
                                   notes="Chưa có kế hoạch", key=key(), base_version=0)
    html = page(logged_in(w.member), w.audit, forms="1").content.decode()
    item = w.items[2]
    assert f'value="nonconformity" id="a-{item.pk}-nonconformity" autocomplete="off" checked' in html
    assert 'maxlength="4000">Chưa có kế hoạch</textarea>' in html
    assert html.count(" checked>") == 1
