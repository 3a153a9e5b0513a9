"""The certificate register's pages: the list (states, filters, a fixed number of queries at two
sizes), recording a certificate through the form (bad input kept with its message), the page with
its surveillance audits, withdrawing, the surveillance audits due, the audit page's section and the
figures page."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Certificate, Finding
from audits.services import certificates as services
from tests import factories
from tests.audits.factories_certificates import make_audit, make_certificate
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.officer = factories.make_user(f"{t.prefix}officer", t.ward1, language="en")
    factories.assign(t.officer, "document_controller", t.district)
    t.head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(t.head, "department_head", t.ward1)
    return t


def cert(t, unit=None, **kw):
    kw.setdefault("issued_on", TODAY - timedelta(days=200))
    kw.setdefault("expires_on", TODAY + timedelta(days=900))
    return make_certificate(unit or t.ward1, acting_user=t.superuser, **kw)


def test_the_list_shows_current_certificates_by_default_with_their_state(tree):
    soon = cert(tree, number="SOON-1", expires_on=TODAY + timedelta(days=40))
    later = cert(tree, number="LATER-1")
    old = cert(tree, number="OLD-1", issued_on=TODAY - timedelta(days=1200), expires_on=TODAY - timedelta(days=5))
    gone = cert(tree, number="GONE-1")
    services.certificate_withdraw(acting_user=tree.superuser, certificate=gone, reason="Bị thu hồi")
    other = cert(tree, tree.division, number="OTHER-1")
    page = logged_in(tree.officer).get(reverse("audits:certificate_list")).content.decode()
    assert page.index("SOON-1") < page.index("LATER-1")
    assert "Expires soon" in page and "OLD-1" not in page and "GONE-1" not in page and "OTHER-1" not in page
    client = logged_in(tree.officer)
    url = reverse("audits:certificate_list")
    assert "OLD-1" in client.get(url, {"state": "expired"}).content.decode()
    assert "GONE-1" in client.get(url, {"state": "withdrawn"}).content.decode()
    expiring = client.get(url, {"state": "expiring"}).content.decode()
    assert "SOON-1" in expiring and "LATER-1" not in expiring
    found = client.get(url, {"q": "later", "state": "all"}).content.decode()
    assert "LATER-1" in found and "SOON-1" not in found
    assert soon and later and old and other


def test_the_list_reads_a_fixed_number_of_queries_at_two_sizes(tree):
    client = logged_in(tree.officer)
    url = reverse("audits:certificate_list")

    def count():
        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"state": "all"}).status_code == 200
        return len(queries)

    for _ in range(2):
        cert(tree)
    client.get(url)  # warm the per-request caches (permissions, session)
    few = count()
    for _ in range(12):
        cert(tree, tree.ward2)
    assert count() == few


def test_the_surveillance_list_reads_a_fixed_number_of_queries_at_two_sizes(tree):
    client = logged_in(tree.officer)
    url = reverse("audits:surveillance_due")

    def count():
        cache.clear()  # the list is kept in the cache: count the queries of a visit that builds it
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return len(queries), page.content.decode()

    first = cert(tree, surveillance=[TODAY + timedelta(days=10)])
    client.get(url)
    few, page = count()
    assert first.number in page
    for _ in range(10):
        cert(tree, surveillance=[TODAY - timedelta(days=3)])
    many, page = count()
    assert many == few and "Late" in page


def test_recording_a_certificate_through_the_form_proposes_its_surveillance_audits(tree):
    client = logged_in(tree.officer)
    data = {"unit": tree.ward1.pk, "body": "QUACERT", "number": "HT 2468/QC", "standard": Certificate.Standard.TCVN,
            "scope": "Cung cấp dịch vụ hành chính công", "issued_on": "2025-06-01", "expires_on": "2028-05-31"}
    response = client.post(reverse("audits:certificate_create"), data)
    created = Certificate.objects.get(number="HT 2468/QC")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert [v.due_on for v in created.surveillance.all()] == [date(2026, 6, 1), date(2027, 6, 1)]
    page = client.get(created.get_absolute_url()).content.decode()
    assert "Surveillance audits" in page and "HT 2468/QC" in page


def test_bad_input_is_explained_and_kept(tree):
    client = logged_in(tree.officer)
    cert(tree, number="TAKEN-1")
    data = {"unit": tree.ward1.pk, "body": "QUACERT", "number": "TAKEN-1", "standard": Certificate.Standard.ISO,
            "scope": "Phạm vi chứng nhận còn giữ", "issued_on": "2025-06-01", "expires_on": "2028-05-31"}
    page = client.post(reverse("audits:certificate_create"), data).content.decode()
    assert "already has a certificate with this number" in page and "Phạm vi chứng nhận còn giữ" in page
    data.update(number="NEW-1", expires_on="2025-01-01")
    page = client.post(reverse("audits:certificate_create"), data).content.decode()
    assert "The expiry date must be after the issue date." in page and "NEW-1" in page
    assert not Certificate.objects.filter(number="NEW-1").exists()


def test_withdrawing_through_the_page_and_the_reason_on_the_history_tab(tree):
    c = cert(tree)
    client = logged_in(tree.officer)
    page = client.post(reverse("audits:certificate_withdraw", args=[c.pk]), {"withdrawn_on": "", "reason": ""})
    assert page.status_code == 200 and not Certificate.objects.get(pk=c.pk).is_withdrawn
    response = client.post(reverse("audits:certificate_withdraw", args=[c.pk]),
                           {"withdrawn_on": TODAY.isoformat(), "reason": "Thay bằng chứng nhận chu kỳ mới"})
    assert response.status_code == 302
    detail = client.get(c.get_absolute_url()).content.decode()
    assert "Withdrawn" in detail and "Thay bằng chứng nhận chu kỳ mới" in detail
    assert reverse("audits:certificate_edit", args=[c.pk]) not in detail  # frozen
    history = client.get(reverse("audits:certificate_history", args=[c.pk])).content.decode()
    assert "Thay bằng chứng nhận chu kỳ mới" in history


def test_a_department_head_reads_but_does_not_change(tree):
    c = cert(tree)
    client = logged_in(tree.head)
    page = client.get(c.get_absolute_url()).content.decode()
    assert c.number in page and reverse("audits:certificate_edit", args=[c.pk]) not in page
    assert client.get(reverse("audits:certificate_edit", args=[c.pk])).status_code == 403


def test_moving_a_surveillance_visit_through_its_page(tree):
    c = cert(tree, surveillance=[TODAY + timedelta(days=30)])
    visit = c.surveillance.get()
    client = logged_in(tree.officer)
    new_day = TODAY + timedelta(days=45)
    response = client.post(reverse("audits:surveillance_edit", args=[visit.pk]), {"due_on": new_day.isoformat()})
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    visit.refresh_from_db()
    assert visit.due_on == new_day
    page = client.post(reverse("audits:surveillance_edit", args=[visit.pk]), {"due_on": "2099-01-01"})
    assert "between the issue and the expiry date" in page.content.decode()


def test_the_audit_page_section_lists_its_certificates_for_those_who_may_see_them(tree):
    audit = make_audit(tree.ward1, kind=Audit.Kind.CERTIFICATION)
    c = cert(tree, audit=audit, number="FROM-AUDIT")
    template = Template("{% include 'audits/parts/detail_certificates.html' %}")

    def section(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"audit": audit, "request": request}))

    assert "FROM-AUDIT" in section(tree.officer) and c.get_absolute_url() in section(tree.officer)
    assert "FROM-AUDIT" not in section(tree.outsider)


def test_the_figures_page_counts_what_the_reader_may_see(tree):
    from documents.models import Clause

    steering = tree.district_steering
    audit = make_audit(tree.ward1, starts_on=TODAY - timedelta(days=20), status=Audit.Status.CLOSED)
    make_audit(tree.ward1, starts_on=TODAY.replace(month=1, day=1) if TODAY.month > 1 else TODAY)
    make_audit(tree.division, starts_on=TODAY - timedelta(days=10), status=Audit.Status.CLOSED)
    clause = Clause.objects.order_by("sort_key").first()
    Finding.objects.create(audit=audit, number=1, grade=Finding.Grade.MINOR, unit=tree.ward1, clause=clause,
                           description="Thiếu hồ sơ", recorded_by=tree.superuser)
    page = logged_in(steering).get(reverse("audits:figures")).content.decode()
    assert 'data-figure="planned">2<' in page and 'data-figure="done">1<' in page
    assert 'data-figure="open">1<' in page and clause.number in page


def test_the_figures_page_reads_a_fixed_number_of_queries_at_two_sizes(tree):
    client = logged_in(tree.district_steering)
    url = reverse("audits:figures")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def audits(n, unit):
        for i in range(n):
            audit = make_audit(unit, starts_on=TODAY - timedelta(days=10 + i), status=Audit.Status.CLOSED)
            Finding.objects.create(audit=audit, number=1, grade=Finding.Grade.OBSERVATION, unit=unit,
                                   description="Lưu ý", recorded_by=tree.superuser)

    audits(1, tree.ward1)
    client.get(url)
    few = count()
    audits(8, tree.ward2)
    assert count() == few


def test_my_work_lists_what_the_keepers_must_prepare_within_90_days(tree):
    from audits.selectors.certificates_mywork import certificate_work

    soon = cert(tree, number="SOON-9", expires_on=TODAY + timedelta(days=50),
                issued_on=TODAY - timedelta(days=1000), surveillance=[])
    visit = cert(tree, number="VISIT-9", surveillance=[TODAY - timedelta(days=2)])
    cert(tree, number="FAR-9", surveillance=[TODAY + timedelta(days=200)])
    cert(tree, tree.division, number="ELSEWHERE-9", expires_on=TODAY + timedelta(days=20),
         issued_on=TODAY - timedelta(days=1000), surveillance=[])
    [section] = certificate_work(tree.officer)
    labels = [label for label, _url, _detail in section.items]
    assert labels == [f"{visit.number} · QUACERT", f"{soon.number} · QUACERT"]
    assert "Late" in section.items[0][2]
    assert certificate_work(tree.head) == []  # reads the register, keeps nothing
    page = logged_in(tree.officer).get(reverse("home")).content.decode()
    assert "Certificates and surveillance audits to prepare" in page and "SOON-9" in page


def test_the_scanned_certificate_is_attached_by_its_keepers_and_shown_to_readers(tree, settings, tmp_path):
    from django.core.exceptions import PermissionDenied

    from qms_portal.attachments import attachment_add
    from tests.qms_portal.images import photo_upload

    settings.MEDIA_ROOT = tmp_path
    c = cert(tree)
    attachment_add(acting_user=tree.officer, target=c, upload=photo_upload("giay-chung-nhan.jpg"),
                   caption="Bản quét giấy chứng nhận")
    with pytest.raises(PermissionDenied):
        attachment_add(acting_user=tree.head, target=c, upload=photo_upload(), caption="x")
    page = logged_in(tree.head).get(c.get_absolute_url()).content.decode()
    assert "Bản quét giấy chứng nhận" in page


def test_the_reminder_task_is_known_to_the_worker():
    from qms_portal.celery import app

    assert "audits.tasks_certificates.send_reminders" in app.tasks
