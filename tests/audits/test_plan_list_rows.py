"""The rows of the programme entries' register and of the audit list, written in Python
(``audits/views/programme_register.py``: ``entry_rows``; ``audits/views/plan.py``: ``audit_rows``):
every value escaped, the labels in the reader's language, each conditional piece both ways."""

import pytest
from django.conf import settings
from django.urls import reverse

from audits.models import Audit, AuditProgramme, ProgrammeEntry
from audits.services import plan_programme
from documents.models import Clause
from qms_portal.models import User
from tests.audits.plan_factories import audit_in, close_audit, make_audit, make_programme, plan_world
from tests.audits.test_cached_lists import procedure
from tests.fragment_check import visit

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ENTRIES = reverse("audits:programme_entry_list")
AUDITS = reverse("audits:audit_list")


def rows(page):
    """The table's rows (the HTML of each ``<tr>`` of its body)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr>")[1:]


def row_of(page, text):
    found = [row for row in rows(page) if text in row]
    assert len(found) == 1, (text, found)
    return found[0]


def short(day):
    """A date as the English pages write it (``SHORT_DATE_FORMAT``: 4 Dec 2026)."""
    return f"{day.day} {day:%b} {day.year}"


def in_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


# --- the programme entries' register -------------------------------------------------------------------


@pytest.fixture
def entries(today):
    """This year's programme: dept1 in March with a note and clauses 7.5 and 8.4, two procedures,
    its audits closed and notified (done); office1 in May, every clause, its audit in progress
    (behind); dept2 in November, nothing yet (not done). Last year's programme has no title."""
    w = plan_world()
    w.odd = procedure(w, code=f"{w.prefix}<b>&QT")
    w.plain = procedure(w, code=f"{w.prefix}QT-02")
    w.programme = make_programme(w, entries=[(w.dept1, 3, []), (w.office1, 5, []), (w.dept2, 11, [])])
    w.done, w.behind, w.later = w.programme.entries.order_by("planned_month")
    plan_programme.programme_entry_update(
        acting_user=w.iso, entry=ProgrammeEntry.objects.get(pk=w.done.pk), unit=w.dept1, planned_month=3,
        clauses=list(Clause.objects.filter(number__in=["7.5", "8.4"])), procedures=[w.odd, w.plain],
        note="Xem <b>&")
    w.closed = close_audit(w, audit_in(w, "reporting", start=-120, programme_entry=w.done, scope=[w.dept1],
                                       lead="auditor3", team=()))
    w.notified = audit_in(w, "notified", start=-100, programme_entry=w.done, scope=[w.dept1], lead="auditor3",
                          team=())
    w.open = audit_in(w, "in_progress", start=-60, programme_entry=w.behind, scope=[w.office1], lead="auditor3",
                      team=())
    w.untitled = make_programme(w, year=today.year - 1, entries=[(w.dept2, 4, [])])
    AuditProgramme.objects.filter(pk=w.untitled.pk).update(title="")
    return w


def test_an_entrys_row_escapes_its_values_and_shows_each_piece_both_ways(entries, client_for):
    w = entries
    page = visit(client_for(w.mr), ENTRIES)
    assert len(rows(page)) == 4
    done = row_of(page, w.dept1.name)
    programme = f'<a href="{w.programme.get_absolute_url()}">Chương trình đánh giá</a>'
    # the note, escaped; the clauses and procedures, on the phone and in their cells
    assert '<div class="small text-body-secondary">Xem &lt;b&gt;&amp;</div>' in done and "Xem <b>" not in done
    assert f'<div class="d-md-none small">{programme} · ISO 9001 clauses: 7.5, 8.4 ' in done
    assert '<td class="d-none d-lg-table-cell">7.5, 8.4</td>' in done
    assert f'<td class="d-none d-lg-table-cell">{w.prefix}&lt;b&gt;&amp;QT, {w.prefix}QT-02</td>' in done
    # its two audits with their status, on the phone and in their cell; the month; the badge
    closed = f'<a href="{w.closed.get_absolute_url()}">{w.closed.number}</a> (Closed)'
    notified = f'<a href="{w.notified.get_absolute_url()}">{w.notified.number}</a> (Auditees notified)'
    assert f"<br>{closed}<br>{notified}</div>" in done
    assert f'<td class="d-none d-md-table-cell">{closed}<br>{notified}</td>' in done
    assert f'{programme} <div class="small text-body-secondary">{w.agency.name} · {w.programme.year}</div>' in done
    assert f'<td class="text-nowrap">March {w.programme.year}</td>' in done
    assert '<span class="badge text-bg-success">Done</span>' in done
    # no clause named: every clause; no procedure: a dash; behind its month
    behind = row_of(page, w.office1.name)
    assert "text-body-secondary\">Xem" not in behind
    assert "· ISO 9001 clauses: all " in behind and '<td class="d-none d-lg-table-cell">all</td>' in behind
    assert '<td class="d-none d-lg-table-cell">—</td>' in behind
    assert f"({w.open.number}" not in behind and "(In progress)" in behind
    assert '<span class="badge text-bg-danger">Behind its month</span>' in behind
    # no audit yet: a dash, nothing under the phone's line; not done
    later = [row for row in rows(page) if w.dept2.name in row and "November" in row][0]
    assert '<td class="d-none d-md-table-cell">—</td>' in later and "<br>" not in later
    assert '<span class="badge text-bg-light border">Not done</span>' in later
    # a programme without a title: its unit's code
    untitled = [row for row in rows(page) if str(w.untitled.year) in row][0]
    assert f'<a href="{w.untitled.get_absolute_url()}">{w.agency.code}</a>' in untitled


def test_an_entrys_labels_and_badges_are_in_the_readers_language(entries, client_for):
    w = entries
    page = visit(in_vietnamese(client_for(w.mr)), ENTRIES)
    assert '<span class="badge text-bg-success">Đã hoàn thành</span>' in row_of(page, w.dept1.name)
    assert "(Đã đóng)" in row_of(page, w.dept1.name)
    assert f'<td class="text-nowrap">Tháng Ba {w.programme.year}</td>' in row_of(page, w.dept1.name)
    behind = row_of(page, w.office1.name)
    assert '<span class="badge text-bg-danger">Trễ tháng dự kiến</span>' in behind
    assert "· Điều khoản ISO 9001: tất cả " in behind and '<td class="d-none d-lg-table-cell">tất cả</td>' in behind
    assert "Chưa hoàn thành" in page and "Behind its month" not in page and "Not done" not in page


# --- the audit list ------------------------------------------------------------------------------------


@pytest.fixture
def audits():
    """Three audits: one day led by someone without a full name, its title with HTML in it; three
    days with a lead auditor; a certification audit without a lead (its certification body)."""
    w = plan_world()
    User.objects.filter(pk=w.auditor2.pk).update(full_name="")
    w.odd = make_audit(w, lead="auditor2", team=(), start=10, length=1, title="Hồ sơ <b>&")
    w.long = make_audit(w, start=20, length=3, title="Đánh giá ba ngày")
    w.external = make_audit(w, kind=Audit.Kind.CERTIFICATION, lead=None, team=(), auditees=(), start=40,
                            certification_body="QUACERT <&>", title="Chứng nhận")
    return w


def test_an_audits_row_escapes_its_values_and_shows_each_piece_both_ways(audits, client_for):
    w = audits
    page = visit(client_for(w.mr), AUDITS)
    assert len(rows(page)) == 3
    odd = row_of(page, w.odd.number)
    assert f'<td class="text-nowrap"><a href="{w.odd.get_absolute_url()}">{w.odd.number}</a></td>' in odd
    assert ("<td>Hồ sơ &lt;b&gt;&amp;<span class=\"d-md-none small text-body-secondary\"><br>"
            f"{w.agency.name} · Internal audit</span></td>") in odd
    assert "<td>Planned</td>" in odd
    # one day: one date; no full name: the username
    assert f'<td class="text-nowrap">{short(w.odd.starts_on)}</td>' in odd
    assert f'<td class="d-none d-lg-table-cell">{w.auditor2.username}</td>' in odd
    # three days: from – to; the lead auditor's full name
    long = row_of(page, w.long.number)
    assert f'<td class="text-nowrap">{short(w.long.starts_on)} – {short(w.long.ends_on)}</td>' in long
    assert f'<td class="d-none d-lg-table-cell">{w.auditor1.full_name}</td>' in long
    # no lead auditor: the certification body, escaped
    external = row_of(page, w.external.number)
    assert '<td class="d-none d-lg-table-cell">QUACERT &lt;&amp;&gt;</td>' in external
    assert '<td class="d-none d-md-table-cell">Certification audit</td>' in external


def test_an_audits_kind_and_status_are_in_the_readers_language(audits, client_for):
    w = audits
    page = visit(in_vietnamese(client_for(w.mr)), AUDITS)
    odd = row_of(page, w.odd.number)
    assert '<td class="d-none d-md-table-cell">Đánh giá nội bộ</td>' in odd and "<td>Đã lập kế hoạch</td>" in odd
    assert f'<td class="text-nowrap">{w.odd.starts_on:%d/%m/%Y}</td>' in odd
