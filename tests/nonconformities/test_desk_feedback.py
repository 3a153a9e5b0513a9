"""Citizen feedback through the desk's QR code: a standing token page anyone may answer (no
account, rate-limited, a honeypot against robots, nothing else reachable, refused once withdrawn),
the triage of what arrives (answer within the working days, dismiss with a reason), and the QR
code's own pages (SVG, PNG, the poster in the unit's language)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from nonconformities.models import CitizenFeedback, add_working_days
from nonconformities.services import desk_feedback
from qms_portal.models import Notification, PublicLink
from tests.factories import assign, make_user
from tests.nonconformities.desk_factories import desk_link, feedback, iso_officer

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

ANSWER = {"rating": "2", "comment": "Phải chờ hai tiếng.", "citizen_name": "Lê Văn Cường", "contact": "0912 345 678",
          "case_reference": "HS-0042", "website": ""}


def text(response):
    return unescape(response.content.decode())


def vi(message):
    """``message`` as the citizen reads it: the desk's page opens in the unit's language."""
    with translation.override("vi"):
        return gettext(message)


@pytest.fixture
def desk(tree):
    officer = iso_officer(tree)
    link, path = desk_link(tree.ward1, officer)
    return officer, link, path


def test_a_citizen_answers_without_an_account_and_the_unit_gets_it(tree, desk):
    officer, link, path = desk
    citizen = Client()
    page = citizen.get(path)
    assert page.status_code == 200
    html = text(page)
    assert tree.ward1.name in html and 'name="rating"' in html
    for label in ("Very satisfied", "Satisfied", "Basically satisfied", "Not satisfied", "Very dissatisfied"):
        assert f">{vi(label)}</label>" in html
    assert re.search(r'<html lang="vi"', html)  # the unit's language (the link says ?lang=vi)
    done = citizen.post(path, ANSWER)
    assert done.status_code == 200
    with translation.override("vi"):
        promise = ngettext("Thank you. We are sorry the service fell short; we will contact you within %(days)s "
                           "working day.",
                           "Thank you. We are sorry the service fell short; we will contact you within %(days)s "
                           "working days.", 5) % {"days": 5}
    assert promise in text(done)
    stored = CitizenFeedback.objects.get(unit=tree.ward1)
    assert (stored.rating, stored.comment, stored.contact, stored.case_reference) == (
        2, "Phải chờ hai tiếng.", "0912 345 678", "HS-0042")
    assert stored.status == "new" and stored.link == link and stored.language == "vi"
    assert stored.reply_due_on == add_working_days(timezone.localdate(), 5)
    assert "_auth_user_id" not in citizen.session
    # the unit's ISO officer is told of the bad review
    assert Notification.objects.filter(recipient=officer, kind="feedback_bad_review").count() == 1


def test_the_same_qr_code_takes_every_citizens_answer(tree, desk):
    _officer, link, path = desk
    for rating in ("5", "4", "3"):
        assert Client().post(path, {**ANSWER, "rating": rating, "contact": ""}).status_code == 200
    assert sorted(CitizenFeedback.objects.filter(unit=tree.ward1).values_list("rating", flat=True)) == [3, 4, 5]
    assert not CitizenFeedback.objects.filter(reply_due_on__isnull=False).exists()  # no bad review: nothing due
    link.refresh_from_db()
    assert link.uses == 3


def test_a_good_answer_is_thanked_without_a_promise_to_call_back(tree, desk):
    _officer, _link, path = desk
    done = Client().post(path, {**ANSWER, "rating": "5"})
    assert vi("Thank you. Your feedback was received and helps us improve our service.") in text(done)


def test_a_robot_that_fills_the_honeypot_is_thanked_and_nothing_is_stored(tree, desk):
    _officer, _link, path = desk
    html = text(Client().get(path))
    assert re.search(r'<div class="visually-hidden" aria-hidden="true"><label for="id_website">', html)
    assert 'tabindex="-1"' in html
    done = Client().post(path, {**ANSWER, "website": "http://spam.example"})
    assert done.status_code == 200
    assert vi("Thank you. Your feedback was received and helps us improve our service.") in text(done)
    assert not CitizenFeedback.objects.exists()


def test_an_answer_without_a_rating_or_with_a_bad_contact_keeps_what_was_typed(tree, desk):
    _officer, _link, path = desk
    response = Client().post(path, {**ANSWER, "rating": "", "contact": "call me"})
    html = text(response)
    assert response.status_code == 200
    assert vi("Please choose a rating.") in html and vi("Enter a phone number or an e-mail address.") in html
    assert "Phải chờ hai tiếng." in html
    assert not CitizenFeedback.objects.exists()
    assert Client().post(path, {**ANSWER, "contact": "an@example.vn"}).status_code == 200


def test_the_page_is_rate_limited(tree, desk, settings):
    settings.QMS_PUBLIC_LINK_RATE_PER_LINK = 3
    _officer, _link, path = desk
    assert Client().get(path).status_code == 200
    assert Client().post(path, ANSWER).status_code == 200
    assert Client().get(path).status_code == 200
    assert Client().post(path, ANSWER).status_code == 429
    assert CitizenFeedback.objects.count() == 1


def test_the_link_opens_no_other_page(tree, desk):
    _officer, _link, path = desk
    citizen = Client()
    citizen.post(path, ANSWER)
    html = text(citizen.get(path))
    assert re.findall(r'href="([^"]+)"', html) == ["/static/favicon.svg", "#main"] or all(
        href.startswith(("/static/", "#")) for href in re.findall(r'href="([^"]+)"', html))
    for url in ("/", "/nonconformities/feedback/", f"/nonconformities/feedback/{CitizenFeedback.objects.get().pk}/",
                f"/nonconformities/desk/{tree.ward1.pk}/", "/nonconformities/outputs/"):
        response = citizen.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_a_withdrawn_or_replaced_qr_code_is_refused(tree, desk):
    officer, link, path = desk
    _new, new_path = desk_link(tree.ward1, officer)  # a new poster: the old one stops working
    old = Client().post(path, ANSWER)
    assert old.status_code == 410 and "đã bị thu hồi" in text(old)  # withdrawn, in the link's language
    assert "it was withdrawn" in text(Client().get(path.split("?")[0]))
    assert Client().post(new_path, ANSWER).status_code == 200
    desk_feedback.desk_link_revoke(acting_user=officer, unit=tree.ward1)
    assert Client().get(new_path).status_code == 410
    assert CitizenFeedback.objects.count() == 1
    assert not desk_feedback.desk_links(tree.ward1).exists()


def test_the_citizen_may_switch_the_language(tree, desk):
    _officer, _link, path = desk
    citizen = Client()
    page = citizen.get(path.split("?")[0] + "?lang=zh-hant")
    assert '<html lang="zh-hant"' in text(page)
    citizen.post(path.split("?")[0] + "?lang=zh-hant", {**ANSWER, "rating": "1"})
    assert CitizenFeedback.objects.get().language == "zh-hant"


# ---- triage ---------------------------------------------------------------------------------------------
def test_the_iso_officer_answers_a_bad_review(tree, desk, client):
    officer, _link, _path = desk
    item = feedback(tree.ward1, officer)
    client.force_login(officer)
    url = f"/nonconformities/feedback/{item.pk}/answer/"
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and CitizenFeedback.objects.get(pk=item.pk).status == "new"
    response = client.post(url, {"reason": "Đã gọi lại, xin lỗi và hướng dẫn nộp trực tuyến."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered" and item.answered_by == officer and item.reply.startswith("Đã gọi lại")
    history = text(client.get(f"/nonconformities/feedback/{item.pk}/history/"))
    assert "Answered" in history


def test_dismissing_needs_a_reason(tree, desk, client):
    officer, _link, _path = desk
    item = feedback(tree.ward1, officer, rating=1, comment="spam spam")
    client.force_login(officer)
    url = f"/nonconformities/feedback/{item.pk}/dismiss/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in text(response)
    assert CitizenFeedback.objects.get(pk=item.pk).status == "new"
    client.post(url, {"reason": "Không liên quan đến dịch vụ."})
    item.refresh_from_db()
    assert item.status == "dismissed" and item.dismiss_reason == "Không liên quan đến dịch vụ."


def test_staff_and_other_units_cannot_triage(tree, desk, client):
    officer, _link, _path = desk
    item = feedback(tree.ward1, officer)
    client.force_login(tree.ward1_staff)
    assert client.get(f"/nonconformities/feedback/{item.pk}/answer/").status_code == 403
    other = make_user(f"{tree.prefix}w2iso", tree.ward2)
    assign(other, "document_controller", tree.ward2)
    client.force_login(other)
    assert client.get(f"/nonconformities/feedback/{item.pk}/").status_code == 404
    assert client.get(f"/nonconformities/feedback/{item.pk}/answer/").status_code == 404


def test_the_triage_list_shows_what_is_overdue(tree, desk, client):
    officer, _link, _path = desk
    late = feedback(tree.ward1, officer, comment="Quá hạn")
    late.reply_due_on = timezone.localdate() - timedelta(days=1)
    late.save()
    feedback(tree.ward1, officer, rating=5, comment="Rất tốt", contact="")
    client.force_login(officer)
    html = text(client.get("/nonconformities/feedback/?show=overdue"))
    assert "Quá hạn" in html and "Rất tốt" not in html
    assert "Overdue: 1" in html
    everything = text(client.get("/nonconformities/feedback/?show=all"))
    assert "Rất tốt" in everything and "Satisfied: 50% of 2" in everything
    assert f'href="/nonconformities/desk/{tree.ward1.pk}/"' in everything  # the desk's QR code, from triage


# ---- the desk's QR code pages ------------------------------------------------------------------------------
def test_the_qr_code_is_made_printed_and_downloaded(tree, client):
    officer = iso_officer(tree)
    client.force_login(officer)
    page = text(client.get(f"/nonconformities/desk/{tree.ward1.pk}/"))
    assert "This desk has no QR code yet." in page
    assert client.get(f"/nonconformities/desk/{tree.ward1.pk}/qr.svg").status_code == 404
    response = client.post(f"/nonconformities/desk/{tree.ward1.pk}/new-link/")
    assert response.status_code == 302
    link = PublicLink.objects.get(unit=tree.ward1, purpose="citizen_feedback")
    page = text(client.get(f"/nonconformities/desk/{tree.ward1.pk}/"))
    assert "<svg" in page and "/p/" in page
    svg = client.get(f"/nonconformities/desk/{tree.ward1.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<?xml")
    png = client.get(f"/nonconformities/desk/{tree.ward1.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    poster = text(client.get(f"/nonconformities/desk/{tree.ward1.pk}/poster/"))
    assert tree.ward1.name in poster and '<html lang="vi">' in poster and "<svg" in poster
    # the address on the page opens the public form
    url = re.search(r"(/p/[^\"<\s]+)", page).group(1)
    assert Client().get(url).status_code == 200
    client.post(f"/nonconformities/desk/{tree.ward1.pk}/withdraw-link/")
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == officer


def test_only_who_may_print_the_desk_qr_code_reaches_its_pages(tree, client):
    client.force_login(tree.ward1_staff)
    assert client.get(f"/nonconformities/desk/{tree.ward1.pk}/").status_code == 403
    officer = iso_officer(tree)
    client.force_login(officer)
    assert client.get(f"/nonconformities/desk/{tree.ward2.pk}/").status_code == 404


def test_a_nonconformity_is_raised_from_a_bad_review(tree, desk, client):
    from nonconformities.models import Nonconformity
    from nonconformities.selectors import nonconformities_of

    officer, _link, _path = desk
    item = feedback(tree.ward1, officer, rating=1, comment="Cán bộ yêu cầu nộp thêm giấy tờ không có trong quy trình.",
                    case_reference="HS-0077")
    client.force_login(officer)
    url = f"/nonconformities/feedback/{item.pk}/raise_nonconformity/"
    form = text(client.get(url))
    assert 'value="Cán bộ yêu cầu nộp thêm giấy tờ không có trong quy trình."' in form  # the title, prefilled
    response = client.post(url, {"title": "Yêu cầu giấy tờ ngoài quy trình", "reason": "Đã xác minh với cán bộ."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "nonconformity"
    nc = Nonconformity.objects.get()
    assert nc.source == Nonconformity.Source.CITIZEN_FEEDBACK and nc.source_object == item
    assert nc.unit == tree.ward1 and nc.title == "Yêu cầu giấy tờ ngoài quy trình"
    assert "HS-0077" in nc.description and "Đã xác minh với cán bộ." in nc.description
    assert list(nonconformities_of(item)) == [nc]
    page = text(client.get(item.get_absolute_url()))
    assert f'href="{nc.get_absolute_url()}"' in page and "Nonconformity raised" in page
    # nothing more to do with it: no second nonconformity
    assert client.post(url, {"title": "Again"}).status_code == 200
    assert Nonconformity.objects.count() == 1


def test_raising_from_feedback_refuses_a_title_too_long_and_saves_nothing(tree, desk, client):
    from nonconformities.models import Nonconformity

    officer, _link, _path = desk
    item = feedback(tree.ward1, officer)
    client.force_login(officer)
    url = f"/nonconformities/feedback/{item.pk}/raise_nonconformity/"
    response = client.post(url, {"title": "x" * 301, "reason": "Đã xác minh."})
    assert response.status_code == 200 and "at most 300 characters" in text(response)
    assert "Đã xác minh." in text(response)  # what was typed is kept
    assert not Nonconformity.objects.exists() and CitizenFeedback.objects.get(pk=item.pk).status == "new"
    assert client.post(url, {"title": ""}).status_code == 302  # left empty: the default title
    assert Nonconformity.objects.get().title == f"Citizen feedback #{item.pk}"
