"""The audits area's reminders (``services.certificates_reminders`` through the core's sweep):
certificates 90 and 30 days before expiry and surveillance audits 90 and 30 days before they are
due (the unit's management representative and ISO officer), auditees 14 and 7 days before an
audit, the lead auditor when the report is overdue; each once per stage and date, ONE message per
person and run, whatever the number of sources."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audits.models import Audit
from audits.services import certificates as services
from audits.services.certificates_reminders import MESSAGE, REPORT_DAYS, audit_reminders_send, due_rows
from audits.tasks_certificates import send_reminders
from qms_portal.models import Notification
from qms_portal.notifications import render
from tests import factories
from tests.audits.factories_certificates import make_audit, make_certificate

pytestmark = pytest.mark.django_db
EXPIRES = date(2028, 5, 31)


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.officer = factories.make_user(f"{t.prefix}officer", t.ward1)
    factories.assign(t.officer, "document_controller", t.ward1)
    # the ward's management representative is t.ward1_mr (small_tree)
    t.auditee1 = factories.make_user(f"{t.prefix}auditee1", t.ward1)
    t.auditee2 = factories.make_user(f"{t.prefix}auditee2", t.ward1)
    t.lead = factories.make_user(f"{t.prefix}lead", t.ward2)
    return t


def messages(user=None):
    rows = Notification.objects.filter(kind=MESSAGE).order_by("pk")
    return list(rows.filter(recipient=user) if user else rows)


def listed(notification):
    """``[(model label, pk, English note)]`` of a message's stored list (audits are rendered by the
    plan part's pages, so the list is read as stored)."""
    out = []
    for ref in notification.params["objects"]["$list"]:
        note = ref["note"]["$list"][0]["$t"]
        out.append((ref["$ref"], ref["pk"], note))
    return out


def certificate(t, **kw):
    kw.setdefault("issued_on", date(2025, 6, 1))
    kw.setdefault("expires_on", EXPIRES)
    kw.setdefault("surveillance", [])
    return make_certificate(t.ward1, acting_user=t.officer, **kw)


def test_nothing_is_sent_more_than_90_days_before_expiry(tree):
    certificate(tree)
    assert audit_reminders_send(today=EXPIRES - timedelta(days=91)).messages == 0
    assert messages() == []


def test_the_keepers_hear_at_90_and_again_at_30_days_once_each(tree):
    cert = certificate(tree)
    result = audit_reminders_send(today=EXPIRES - timedelta(days=90))
    assert result.messages == 2 and result.claimed == 1
    assert {m.recipient_id for m in messages()} == {tree.officer.pk, tree.ward1_mr.pk}
    [first] = messages(tree.officer)
    assert listed(first) == [("audits.certificate", cert.pk, "certificate expires within 90 days")]
    with translation.override("en"):
        rendered = render(first)
        assert "1 audit date coming or overdue" in rendered.title
        [(label, url, note)] = rendered.items
        assert label == str(cert) and url == cert.get_absolute_url() and "within 90 days" in note
    # beat firing twice, and the following days: nothing more until the 30-day stage
    assert audit_reminders_send(today=EXPIRES - timedelta(days=90)).messages == 0
    assert audit_reminders_send(today=EXPIRES - timedelta(days=45)).messages == 0
    assert audit_reminders_send(today=EXPIRES - timedelta(days=30)).messages == 2
    assert listed(messages(tree.officer)[-1])[0][2] == "certificate expires within 30 days"
    assert audit_reminders_send(today=EXPIRES - timedelta(days=10)).messages == 0


def test_a_certificate_first_seen_inside_30_days_gets_only_the_30_day_reminder(tree):
    certificate(tree)
    assert audit_reminders_send(today=EXPIRES - timedelta(days=20)).messages == 2
    assert audit_reminders_send(today=EXPIRES - timedelta(days=19)).messages == 0


def test_a_new_expiry_date_starts_the_reminders_again(tree):
    cert = certificate(tree)
    audit_reminders_send(today=EXPIRES - timedelta(days=30))
    later = EXPIRES + timedelta(days=60)
    services.certificate_update(acting_user=tree.officer, certificate=cert, expires_on=later)
    assert audit_reminders_send(today=later - timedelta(days=90)).messages == 2


def test_a_withdrawn_or_expired_certificate_is_not_reminded(tree):
    cert = certificate(tree)
    services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="Thay bằng chứng nhận mới")
    assert audit_reminders_send(today=EXPIRES - timedelta(days=30)).messages == 0
    certificate(tree, expires_on=date(2026, 1, 1))
    assert audit_reminders_send(today=date(2026, 1, 2)).messages == 0


def test_the_surveillance_audits_of_a_withdrawn_certificate_are_not_reminded(tree):
    cert = certificate(tree, surveillance=[date(2026, 6, 1)])
    services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="Bị đình chỉ")
    assert audit_reminders_send(today=date(2026, 5, 1)).messages == 0


def test_surveillance_audits_are_reminded_until_their_audit_is_closed(tree):
    cert = certificate(tree, surveillance=[date(2026, 6, 1), date(2027, 6, 1)])
    first, second = cert.surveillance.order_by("due_on")
    audit = make_audit(tree.ward1, kind=Audit.Kind.SURVEILLANCE, starts_on=date(2026, 5, 20),
                       status=Audit.Status.CLOSED)
    services.surveillance_update(acting_user=tree.superuser, visit=first, due_on=first.due_on, audit=audit)
    assert audit_reminders_send(today=date(2026, 3, 3)).messages == 0  # the first was done
    planned = make_audit(tree.ward1, kind=Audit.Kind.SURVEILLANCE, starts_on=date(2027, 5, 20))
    services.surveillance_update(acting_user=tree.superuser, visit=second, due_on=second.due_on, audit=planned)
    result = audit_reminders_send(today=date(2027, 3, 3))  # planned, not yet closed: still reminded
    assert result.messages == 2
    assert listed(messages(tree.ward1_mr)[-1]) == [("audits.surveillancevisit", second.pk,
                                                    "surveillance audit due within 90 days")]


def test_auditees_hear_14_and_7_days_before_an_audit(tree):
    audit = make_audit(tree.ward1, starts_on=date(2026, 9, 14), status=Audit.Status.NOTIFIED,
                       auditees=[tree.auditee1, tree.auditee2])
    make_audit(tree.ward1, starts_on=date(2026, 9, 14), status=Audit.Status.CLOSED, auditees=[tree.auditee1])
    assert audit_reminders_send(today=date(2026, 8, 30)).messages == 0
    assert audit_reminders_send(today=date(2026, 8, 31)).messages == 2
    assert listed(messages(tree.auditee1)[0]) == [
        ("audits.audit", audit.pk, "audit of your unit starts within 14 days")]
    assert audit_reminders_send(today=date(2026, 9, 1)).messages == 0
    assert audit_reminders_send(today=date(2026, 9, 7)).messages == 2
    assert listed(messages(tree.auditee2)[-1])[0][2] == "audit of your unit starts within 7 days"


def test_the_lead_auditor_hears_when_the_report_is_overdue_once(tree):
    set_due = make_audit(tree.ward1, starts_on=date(2026, 3, 2), status=Audit.Status.REPORTING, lead=tree.lead,
                         report_due=date(2026, 3, 20))
    by_default = make_audit(tree.ward1, starts_on=date(2026, 3, 10), days=3, status=Audit.Status.IN_PROGRESS,
                            lead=tree.lead)
    make_audit(tree.ward1, starts_on=date(2026, 3, 2), status=Audit.Status.CLOSED, lead=tree.lead,
               report_due=date(2026, 3, 20))
    assert audit_reminders_send(today=date(2026, 3, 20)).messages == 0
    assert audit_reminders_send(today=date(2026, 3, 21)).messages == 1
    assert listed(messages(tree.lead)[0]) == [("audits.audit", set_due.pk, "audit report overdue")]
    default_due = by_default.ends_on + timedelta(days=REPORT_DAYS)
    assert audit_reminders_send(today=default_due).messages == 0
    assert audit_reminders_send(today=default_due + timedelta(days=1)).messages == 1
    assert audit_reminders_send(today=default_due + timedelta(days=9)).messages == 0
    assert messages(tree.lead)[-1].params["objects"]["$list"][0]["note"]["$list"][1] == {
        "$date": default_due.isoformat()}


def test_one_message_per_person_lists_everything_due_for_them(tree):
    cert = certificate(tree, surveillance=[EXPIRES - timedelta(days=300)])
    day = EXPIRES - timedelta(days=300) - timedelta(days=30)  # the visit at 30 days
    cert2 = certificate(tree, expires_on=day + timedelta(days=80))
    audit = make_audit(tree.ward1, starts_on=day + timedelta(days=5), auditees=[tree.officer, tree.auditee1])
    result = audit_reminders_send(today=day)
    assert result.messages == 3  # the officer, the representative, the auditee
    [officer] = messages(tree.officer)
    assert sorted(listed(officer)) == sorted([
        ("audits.surveillancevisit", cert.surveillance.get().pk, "surveillance audit due within 30 days"),
        ("audits.certificate", cert2.pk, "certificate expires within 90 days"),
        ("audits.audit", audit.pk, "audit of your unit starts within 7 days")])
    assert officer.params["count"] == 3
    assert len(listed(messages(tree.ward1_mr)[0])) == 2


def test_the_task_runs_the_sweep_and_beat_knows_it(tree):
    from qms_portal.celery import app

    certificate(tree, expires_on=date.today() + timedelta(days=20))
    assert send_reminders() == 2
    assert send_reminders() == 0
    entry = app.conf.beat_schedule["audits-reminders"]
    assert entry["task"] == "audits.tasks_certificates.send_reminders"


def test_due_rows_counts_each_source(tree):
    certificate(tree, surveillance=[date(2026, 6, 1)], expires_on=date(2026, 8, 1), issued_on=date(2023, 8, 2))
    make_audit(tree.ward1, starts_on=date(2026, 5, 10), auditees=[tree.auditee1])
    make_audit(tree.ward1, starts_on=date(2026, 3, 2), status=Audit.Status.REPORTING, lead=tree.lead,
               report_due=date(2026, 3, 20))
    assert due_rows(date(2026, 5, 5)) == 4


@pytest.mark.parametrize("count", [2])
def test_the_sweep_reads_a_fixed_number_of_queries_whatever_the_rows(tree, count):
    def run(n, day):
        for _ in range(n):
            certificate(tree, expires_on=day + timedelta(days=40), surveillance=[day + timedelta(days=20)])
            make_audit(tree.ward1, starts_on=day + timedelta(days=3), auditees=[tree.auditee1, tree.auditee2])
        with CaptureQueriesContext(connection) as queries:
            audit_reminders_send(today=day)
        return len(queries)

    few = run(count, date(2026, 4, 1))
    many = run(count * 5, date(2026, 10, 1))
    assert many == few
