"""The plan part's pages: planning an audit (bad input kept, messages beside the fields), the audit
page with its transitions and the other parts' sections, the programme with its heat map and
approval, My work; the lists' queries at two sizes and their cache."""

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit, AuditProgramme
from audits.services import plan as services
from documents.models import Clause
from qms_portal.models import Unit, User
from qms_portal.pdf import weasyprint_problem
from tests.audits.plan_factories import audit_in, days, make_audit, make_programme, plan_world, write_conclusion
from tests.fragment_check import PieceRecorder
from tests.helpers import need

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def w():
    return plan_world()


def plan_data(w, **over):
    data = {"unit": w.agency.pk, "kind": "internal", "title": "Đánh giá nội bộ quý I", "starts_on": days(10),
            "ends_on": days(11), "scope_units": [w.dept2.pk], "lead_auditor": w.auditor1.pk,
            "team": [w.auditor2.pk], "auditees": [w.auditee1.pk]}
    data.update(over)
    return data


def test_the_iso_officer_plans_an_audit_from_the_form(w, client_for):
    client = client_for(w.iso)
    assert client.get(reverse("audits:audit_create")).status_code == 200
    response = client.post(reverse("audits:audit_create"), plan_data(w))
    audit = Audit.objects.get(title="Đánh giá nội bộ quý I")
    assert response.status_code == 302 and response["Location"] == audit.get_absolute_url()
    assert list(audit.team.all()) == [w.auditor2] and audit.lead_auditor == w.auditor1


def test_overlapping_dates_are_refused_beside_the_field_and_the_input_is_kept(w, client_for):
    first = make_audit(w, start=10, length=2)
    response = client_for(w.iso).post(reverse("audits:audit_create"),
                                      plan_data(w, lead_auditor=w.auditor2.pk, team=[w.auditor1.pk],
                                                title="Đánh giá trùng ngày"))
    assert response.status_code == 200
    form = response.context["form"]
    assert first.number in " ".join(form.errors["team"])
    assert 'value="Đánh giá trùng ngày"' in response.content.decode()
    assert Audit.objects.count() == 1


def test_the_units_audited_are_typed_one_a_line_without_script_and_a_line_naming_no_unit_is_kept(w, client_for):
    client = client_for(w.iso)
    page = client.get(reverse("audits:audit_create")).content.decode()
    assert 'data-multiple="1"' in page and w.other.name not in page  # a picker, not a list of every unit
    response = client.post(reverse("audits:audit_create"),
                           plan_data(w, scope_units=f"{w.dept2.code}\nno such unit", title="Đánh giá gõ tay"))
    assert response.status_code == 200 and "scope_units" in response.context["form"].errors
    assert "no such unit" in response.content.decode() and Audit.objects.count() == 0
    client.post(reverse("audits:audit_create"), plan_data(w, scope_units=f"{w.dept1.code}\n{w.office1.name}",
                                                         title="Đánh giá gõ tay", lead_auditor=w.auditor3.pk,
                                                         team=[]))
    audit = Audit.objects.get(title="Đánh giá gõ tay")
    assert set(audit.scope_units.all()) == {w.dept1, w.office1}


def test_once_planned_the_units_audited_are_chosen_within_the_audited_units_branch(w, client_for):
    audit = make_audit(w, start=10, length=1)
    response = client_for(w.iso).post(reverse("audits:audit_edit", args=[audit.pk]),
                                      plan_data(w, scope_units=[w.other.pk]))
    assert response.status_code == 200 and "scope_units" in response.context["form"].errors
    assert w.other.name not in response.content.decode()


def test_the_kind_is_changed_from_the_form_while_planned_and_shown_fixed_once_notified(w, client_for):
    audit = make_audit(w, start=10, length=1)
    client = client_for(w.iso)
    url = reverse("audits:audit_edit", args=[audit.pk])
    assert not client.get(url).context["form"].fields["kind"].disabled
    data = plan_data(w, kind="certification", certification_body="", title=audit.title, team=[w.auditor2.pk],
                     auditees=[w.auditee1.pk, w.auditee2.pk])
    data.pop("unit")
    response = client.post(url, data)
    assert response.status_code == 200 and "certification_body" in response.context["form"].errors
    assert 'value="certification" selected' in response.content.decode()  # what was chosen is kept
    response = client.post(url, data | {"certification_body": "QUACERT"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.kind == Audit.Kind.CERTIFICATION
    history = client.get(reverse("audits:audit_history", args=[audit.pk])).content.decode()
    assert "Certification audit" in history
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    assert client.get(url).context["form"].fields["kind"].disabled


def test_an_end_before_the_start_is_refused(w, client_for):
    response = client_for(w.iso).post(reverse("audits:audit_create"),
                                      plan_data(w, starts_on=days(10), ends_on=days(9)))
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors


def test_the_audit_page_shows_the_plan_the_transitions_and_the_parts(w, client_for, monkeypatch):
    audit = make_audit(w)
    page = client_for(w.iso).get(audit.get_absolute_url()).content.decode()
    assert audit.number in page and w.dept2.name in page
    assert reverse("audits:audit_transition", args=[audit.pk, "notify"]) in page
    assert reverse("audits:audit_history", args=[audit.pk]) in page
    auditee_page = client_for(w.auditee1).get(audit.get_absolute_url()).content.decode()
    assert reverse("audits:audit_transition", args=[audit.pk, "notify"]) not in auditee_page
    assert reverse("audits:audit_edit", args=[audit.pk]) not in auditee_page


def test_the_audit_page_warns_when_an_auditor_no_longer_may_audit(w, client_for):
    audit = make_audit(w)
    from qms_portal import services as core
    from qms_portal.models import RoleAssignment

    admin = User.objects.filter(is_superuser=True).first()
    for assignment in RoleAssignment.objects.current().filter(user=w.auditor2):
        core.role_assignment_end(acting_user=admin, assignment=assignment)
    page = client_for(w.iso).get(audit.get_absolute_url()).content.decode()
    assert "does not hold the internal auditor role" in page
    response = client_for(w.iso).post(reverse("audits:audit_transition", args=[audit.pk, "notify"]))
    assert response.status_code == 200 and Audit.objects.get(pk=audit.pk).status == Audit.Status.PLANNED


def test_sending_the_plan_and_signing_the_report_through_the_pages(w, client_for):
    audit = make_audit(w)
    iso = client_for(w.iso)
    assert iso.post(reverse("audits:audit_transition", args=[audit.pk, "notify"])).status_code == 302
    lead = client_for(w.auditor1)
    for name in ("start", "report"):
        assert lead.post(reverse("audits:audit_transition", args=[audit.pk, name])).status_code == 302
    write_conclusion(Audit.objects.get(pk=audit.pk), w.auditor1)
    close = reverse("audits:audit_transition", args=[audit.pk, "close"])
    page = lead.get(close).content.decode()
    assert 'type="password"' in page
    assert lead.post(close, {"password": "wrong"}).status_code == 200
    assert lead.post(close, {"password": w.password}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.Status.CLOSED
    page = lead.get(audit.get_absolute_url()).content.decode()
    assert "Report signed" in page
    history = lead.get(reverse("audits:audit_history", args=[audit.pk])).content.decode()
    assert "Report signed" in history


def test_the_edit_page_keeps_the_plan_and_saves_a_change(w, client_for):
    audit = make_audit(w)
    client = client_for(w.auditor1)
    response = client.get(reverse("audits:audit_edit", args=[audit.pk]))
    assert response.status_code == 200 and audit.title in response.content.decode()
    data = plan_data(w, title="Đổi tên", criteria_note="Nghị định 61/2018")
    data.pop("unit")
    data.pop("kind")
    response = client.post(reverse("audits:audit_edit", args=[audit.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    audit.refresh_from_db()
    assert audit.title == "Đổi tên" and audit.criteria_note == "Nghị định 61/2018"


def test_a_programme_is_planned_approved_with_a_signature_and_shows_its_coverage(w, client_for):
    iso, mr = client_for(w.iso), client_for(w.mr)
    response = iso.post(reverse("audits:programme_create"), {"unit": w.agency.pk, "year": days(0).year,
                                                             "title": "Chương trình năm"})
    programme = AuditProgramme.objects.get(unit=w.agency)
    assert response["Location"] == programme.get_absolute_url()
    from documents.models import Clause

    clause = Clause.objects.get(number="8.2")
    response = iso.post(reverse("audits:programme_entry_create", args=[programme.pk]),
                        {"unit": w.dept2.pk, "planned_month": 12, "clauses": [clause.pk]})
    assert response.status_code == 302
    page = iso.get(programme.get_absolute_url()).content.decode()
    assert "<svg" in page and w.dept2.name in page
    assert reverse("audits:programme_transition", args=[programme.pk, "approve"]) not in page
    assert iso.post(reverse("audits:programme_submit", args=[programme.pk])).status_code == 302
    from qms_portal.models import Notification

    assert Notification.objects.filter(kind="programme_to_approve", recipient=w.mr).exists()
    approve = reverse("audits:programme_transition", args=[programme.pk, "approve"])
    assert approve in mr.get(programme.get_absolute_url()).content.decode()
    assert mr.post(approve, {"password": w.password}).status_code == 302
    programme.refresh_from_db()
    assert programme.status == AuditProgramme.Status.APPROVED and programme.approved_by == w.mr
    # an approved programme is not changed without revising it
    response = iso.post(reverse("audits:programme_entry_create", args=[programme.pk]),
                        {"unit": w.dept1.pk, "planned_month": 11})
    assert response.status_code == 200 and programme.entries.count() == 1


def test_the_coverage_grid_says_planned_late_done_and_gaps(w):
    from datetime import date

    from audits.selectors.plan import coverage

    year = days(0).year
    october = date(year, 10, 15)
    programme = make_programme(w, year=year, entries=[(w.dept1, 3, ["7.5"]), (w.dept2, 11, [])])
    entry = programme.entries.get(unit=w.dept1)
    cov = coverage(programme, today=october)
    assert cov.cells[(w.dept1.pk, "7")] == "late"
    assert cov.cells[(w.dept1.pk, "8")] == "gap"
    assert all(cov.cells[(w.dept2.pk, c)] == "planned" for c in ("4", "10"))
    unplanned = {u.pk for u in cov.unplanned_units}
    assert w.office1.pk in unplanned and w.agency.pk in unplanned
    assert cov.warn and [e.pk for e in cov.late_entries] == [entry.pk]
    assert not coverage(programme, today=date(year, 2, 1)).warn
    march = (date(year, 3, 10) - days(0)).days
    audit_in(w, Audit.Status.REPORTING, programme_entry=entry, start=march, scope=[w.dept1], lead="auditor3",
             team=())
    cov = coverage(programme, today=october)
    assert cov.cells[(w.dept1.pk, "7")] == "done" and cov.late_entries == []
    assert cov.done_by_month[2] == 1 and cov.planned_by_month[10] == 1


def test_a_unit_with_its_own_qms_is_left_out_of_its_parents_grid(w):
    from audits.selectors.plan import grid_units

    units = {u.pk for u in grid_units(AuditProgramme(unit=w.root, year=2026))}
    assert w.root.pk in units and w.agency.pk not in units and w.dept1.pk not in units
    agency = {u.pk for u in grid_units(AuditProgramme(unit=w.agency, year=2026))}
    assert agency == {w.agency.pk, w.dept1.pk, w.office1.pk, w.dept2.pk}


def test_my_work_lists_the_programme_to_approve_and_my_audits(w, client_for):
    make_programme(w, entries=[(w.dept2, 12, [])])
    audit = make_audit(w)
    page = client_for(w.mr).get(reverse("home")).content.decode()
    assert "Audit programmes to approve" in page
    page = client_for(w.auditor1).get(reverse("home")).content.decode()
    assert audit.number in page
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    page = client_for(w.auditee1).get(reverse("home")).content.decode()
    assert audit.number in page


def test_the_lists_filter_by_kind_status_unit_year_and_me(w, client_for):
    internal = make_audit(w, title="Nội bộ")
    external = make_audit(w, kind=Audit.Kind.CERTIFICATION, lead="iso", team=(), certification_body="QUACERT",
                          title="Chứng nhận", start=60)
    client = client_for(w.mr)
    url = reverse("audits:audit_list")

    def listed(params):
        page = client.get(url, params).content.decode()
        return {a.number for a in (internal, external) if f'href="{a.get_absolute_url()}"' in page}

    assert listed({}) == {internal.number, external.number}
    assert listed({"kind": "certification"}) == {external.number}
    assert listed({"status": "closed"}) == set()
    assert listed({"unit": w.agency.pk}) == {internal.number, external.number}
    assert listed({"year": days(10).year - 1}) == set()
    assert listed({"q": "chung nhan"}) == {external.number}
    page = client_for(w.auditor2).get(url, {"mine": "true"}).content.decode()
    assert internal.number in page and external.number not in page


# --- queries at two sizes, and the cache ------------------------------------------------------------


def count(client, url, params=None):
    client.get(reverse("home"))  # the session's own bookkeeping (a refreshed expiry) is not the page's
    client.get(url, params or {})  # the process's memos (content types) warm, as in a running portal…
    cache.clear()  # …and the cache empty: a first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def assert_same(small, large, what):
    (n_small, sql_small), (n_large, sql_large) = small, large
    assert n_small == n_large, (f"{what}: {n_small} queries with little data, {n_large} with more\n"
                                + "\n".join(sql for sql in sql_large if sql not in sql_small))


def more_audits(w, n, offset):
    for i in range(n):
        make_audit(w, start=offset + 3 * i, title=f"Đợt {offset + i}")


@pytest.mark.parametrize("params", [{}, {"status": "open", "kind": "internal"}, {"q": "dot"}, {"mine": "true"}])
def test_the_audit_list_makes_the_same_number_of_queries_at_two_sizes(w, client_for, params):
    client = client_for(w.auditor1 if params.get("mine") else w.mr)
    more_audits(w, 2, 10)
    small = count(client, reverse("audits:audit_list"), params)
    more_audits(w, 10, 100)
    large = count(client, reverse("audits:audit_list"), params)
    assert_same(small, large, "audit list")


def test_the_programme_page_and_list_make_the_same_number_of_queries_at_two_sizes(w, client_for):
    client = client_for(w.mr)
    programme = make_programme(w, entries=[(w.dept1, 3, ["7.5"])])
    small = (count(client, programme.get_absolute_url()), count(client, reverse("audits:programme_list")))
    from audits.services import plan_programme

    for i in range(6):
        plan_programme.programme_entry_add(acting_user=w.iso, programme=programme,
                                           unit=[w.dept1, w.dept2, w.office1][i % 3], planned_month=i + 1)
    make_programme(w, year=2031)
    large = (count(client, programme.get_absolute_url()), count(client, reverse("audits:programme_list")))
    assert_same(small[0], large[0], "programme page")
    assert_same(small[1], large[1], "programme list")


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(w, client_for, monkeypatch):
    make_audit(w)
    make_programme(w, entries=[(w.dept2, 12, [])])
    recorder = PieceRecorder(monkeypatch)
    for person in (w.mr, w.auditor1, w.auditee1):
        client = client_for(person)
        client.get(reverse("audits:audit_list"))
        client.get(reverse("audits:audit_list"), {"mine": "true"})
        if person.has_perm("audits.view_auditprogramme"):
            client.get(reverse("audits:programme_list"))
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"audits.Audit", "qms_portal.Unit", "qms_portal.User"}


def test_a_new_audit_a_transition_and_a_renamed_unit_show_at_once_in_the_list(w, client_for):
    client = client_for(w.mr)
    url = reverse("audits:audit_list")
    client.get(url)
    audit = make_audit(w)
    assert audit.number in client.get(url).content.decode()
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    assert "Auditees notified" in client.get(url).content.decode()
    from qms_portal import services as core

    admin = User.objects.filter(is_superuser=True).first()
    core.unit_update(acting_user=admin, unit=Unit.objects.get(pk=w.agency.pk), name="Sở Nội vụ (mới)")
    assert "Sở Nội vụ (mới)" in client.get(url).content.decode()
    # an auditee added to the plan sees it at once
    services.audit_update(acting_user=w.iso, audit=audit, auditees=[w.auditee1, w.auditee2, w.head2])
    assert audit.number in client_for(User.objects.get(pk=w.head2.pk)).get(url).content.decode()


def test_planning_from_a_programme_line_fills_in_its_unit_scope_and_clauses(w, client_for):
    programme = make_programme(w, entries=[(w.dept2, 12, ["8.2", "8.5"])])
    entry = programme.entries.get()
    response = client_for(w.iso).get(reverse("audits:audit_create"), {"entry": entry.pk})
    form = response.context["form"]
    assert form.initial["programme_entry"] == entry.pk and form.initial["scope_units"] == [w.dept2.pk]
    assert len(form.initial["clauses"]) == 2 and w.dept2.name in form.initial["title"]
    # someone who may not see the programme gets an empty form, not the programme's line
    from tests import factories

    elsewhere = factories.make_user(f"{w.prefix}other-iso".lower(), w.other)
    factories.assign(elsewhere, "document_controller", w.other)
    form = client_for(elsewhere).get(reverse("audits:audit_create"), {"entry": entry.pk}).context["form"]
    assert "programme_entry" not in form.initial


def test_a_programme_entry_is_changed_and_removed_while_the_programme_is_a_draft(w, client_for):
    programme = make_programme(w, entries=[(w.dept2, 12, [])])
    entry = programme.entries.get()
    client = client_for(w.iso)
    response = client.post(reverse("audits:programme_entry_edit", args=[entry.pk]),
                           {"unit": w.dept1.pk, "planned_month": 5, "note": "Trước kỳ báo cáo"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.unit == w.dept1 and entry.planned_month == 5
    response = client.post(reverse("audits:programme_entry_edit", args=[entry.pk]),
                           {"unit": w.outsider.primary_unit_id, "planned_month": 5})
    assert response.status_code == 200
    assert client.post(reverse("audits:programme_entry_remove", args=[entry.pk])).status_code == 302
    assert not programme.entries.exists()
    assert entry.history.count() >= 3  # made, changed, removed: kept in the history


def test_the_history_tab_names_the_people_and_units_that_changed(w, client_for):
    audit = make_audit(w)
    services.audit_update(acting_user=w.iso, audit=audit, team=[], auditees=[w.auditee1, w.head2])
    page = client_for(w.mr).get(reverse("audits:audit_history", args=[audit.pk])).content.decode()
    assert "Audit team" in page and w.auditor2.full_name in page
    assert "Auditees" in page and w.head2.full_name in page
    programme = make_programme(w, entries=[(w.dept2, 12, []), (w.dept1, 4, [])])
    from audits.services import plan_programme

    plan_programme.programme_entry_remove(acting_user=w.iso, entry=programme.entries.get(unit=w.dept1))
    page = client_for(w.mr).get(reverse("audits:programme_history", args=[programme.pk])).content.decode()
    assert "Changes to the audits planned" in page
    assert page.count("Added") == 2 and "Taken out" in page and w.dept1.name in page and "April" in page


def test_my_work_makes_the_same_number_of_queries_at_two_sizes(w, client_for):
    client = client_for(w.auditor1)
    make_audit(w, start=10)
    small = count(client, reverse("home"))
    for i in range(5):
        make_audit(w, start=20 + 3 * i)
    large = count(client, reverse("home"))
    assert_same(small, large, "my work")


def test_my_work_flags_the_programmes_audits_past_their_month(w, client_for):
    from django.utils import timezone

    month = timezone.localdate().month
    if month == 1:
        pytest.skip("no month of this year has passed yet")
    programme = make_programme(w, entries=[(w.dept1, month - 1, []), (w.dept2, month - 1, []), (w.dept2, month, [])])
    page = client_for(w.iso).get(reverse("home")).content.decode()
    assert "Programme audits past their month" in page and "2 audits not done" in page
    assert programme.get_absolute_url() in page
    assert "Programme audits past their month" not in client_for(w.steering).get(reverse("home")).content.decode()


def test_the_form_offers_auditors_as_lead_and_team_and_the_units_people_as_auditees(w, client_for):
    form = client_for(w.iso).get(reverse("audits:audit_create")).context["form"]
    leads = set(form.fields["lead_auditor"].queryset)
    assert {w.auditor1, w.auditor2, w.auditor3, w.iso, w.mr} <= leads and w.auditee1 not in leads
    assert w.outsider not in set(form.fields["auditees"].queryset)
    audit = make_audit(w)
    form = client_for(w.iso).get(reverse("audits:audit_edit", args=[audit.pk])).context["form"]
    auditees = set(form.fields["auditees"].queryset)
    assert {w.auditee1, w.auditee2, w.head2} <= auditees and w.outsider not in auditees


def test_a_long_programme_lists_its_lines_a_month_at_a_time(w, client_for, monkeypatch):
    """More lines than fit on one page: one month's, with a link to each month and to all of them."""
    from audits.views.plan_programme import ProgrammeDetailView

    year = days(0).year
    programme = make_programme(w, year=year, entries=[(w.dept1, 3, ["7.5"]), (w.dept2, 11, [])])
    entries = list(programme.entries.select_related("unit"))
    monkeypatch.setattr(ProgrammeDetailView, "lines_on_one_page", 1)
    client = client_for(w.mr)
    month = entries[0].planned_month
    page = client.get(programme.get_absolute_url() + f"?month={month}").content.decode()
    shown = [e for e in entries if e.planned_month == month]
    hidden = [e for e in entries if e.planned_month != month]
    assert "?month=all" in page
    assert all(e.unit.name in page for e in shown)
    every = client.get(programme.get_absolute_url() + "?month=all").content.decode()
    assert all(e.unit.name in every for e in entries)
    if hidden:
        assert any(f"?month={e.planned_month}" in page for e in hidden)


def _pdf_text(data):
    from pypdf import PdfReader

    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_the_plan_pdf_holds_scope_criteria_dates_people_and_schedule_for_the_auditee_who_received_it(w, client_for):
    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")
    audit = make_audit(w, start=10, length=2, title="Đánh giá nội bộ quy trình một cửa",
                       criteria_note="Quyết định 19/2014/QĐ-TTg", scope=[w.dept2])
    services.audit_update(acting_user=w.iso, audit=audit, clauses=list(Clause.objects.filter(number="7.5.3")))
    page = client_for(w.auditee1).get(audit.get_absolute_url()).content.decode()
    url = reverse("audits:audit_plan_pdf", args=[audit.pk])
    assert f'href="{url}"' in page  # linked from the audit's page
    response = client_for(w.auditee1).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in (audit.number, "Đánhgiánộibộquytrìnhmộtcửa", "7.5.3", "Quyếtđịnh19/2014/QĐ-TTg",
                     w.dept2.name.replace(" ", ""), w.auditor1.full_name.replace(" ", ""),
                     w.auditor2.full_name.replace(" ", ""), w.auditee1.full_name.replace(" ", ""),
                     w.auditee2.full_name.replace(" ", ""), "Openingmeetingwiththeauditees",
                     "Closingmeeting", "Reportdue"):
        assert expected in text, expected
    assert client_for(w.outsider).get(url).status_code in (403, 404)


def test_the_plan_pdf_prints_a_chinese_plan_in_chinese(w, client_for):
    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")
    from qms_portal.services import user_update
    from tests.factories import _acting

    audit = make_audit(w, start=10, length=1, title="建设局内部审核：行政审批科")
    user_update(acting_user=_acting(), user=w.auditee1, language="zh-hans")
    response = client_for(User.objects.get(pk=w.auditee1.pk)).get(reverse("audits:audit_plan_pdf", args=[audit.pk]))
    text = _pdf_text(response.content)
    assert "建设局内部审核：行政审批科" in text and "审核计划" in text
