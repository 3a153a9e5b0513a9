"""The core's pages doing real work: forms, imports, roles, access requests, history, inbox,
languages, sign-in protection, error pages, the roster PDF and the security headers."""

import re
import shutil
import subprocess
import unicodedata
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from qms_portal import notifications, services
from qms_portal.models import AccessRequest, Notification, RoleAssignment, TransitionRecord, Unit, User
from qms_portal.steering.evaluation_models import UnitEvaluation
from qms_portal.steering.evaluation_services import evaluation_create, evaluation_transition
from qms_portal.steering.report_services import annual_report_create
from qms_portal.steering.rollout_services import rollout_item_tick
from tests import factories
from tests.qms_portal.test_access_matrix import CORE, FIXED_KWARGS, core_url_kwargs
from tests.viewtests import PermissionCases, holder, walk_urls

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

GOOD_PASSWORD = "Cam-ranh-bay-2024"


def text(response):
    return unescape(response.content.decode())


def field_error(response, field):
    """The error shown next to a form field (the div the field's aria-describedby points at)."""
    match = re.search(rf'<div class="invalid-feedback d-block" id="id_{field}_error">(.*?)</div>', text(response), re.S)
    return match.group(1).strip() if match else None


def form_alert(response):
    match = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>\s*</div>|'
                      r'<div class="alert alert-danger" role="alert">(.*?)</div>', text(response), re.S)
    return re.sub(r"<[^>]+>", " ", next(g for g in match.groups() if g)) if match else ""


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


# ---- the three permission cases for the core's object pages ------------------------------------------
class TestUnitDetailAccess(PermissionCases):
    url_name = "unit_detail"
    role = "staff"


class TestUnitEditAccess(PermissionCases):
    url_name = "unit_edit"
    role = "administrator"
    visible_only_role = "steering_committee"


class TestUnitHistoryAccess(PermissionCases):
    url_name = "unit_history"
    role = "document_controller"


class TestUnitDeactivateAccess(PermissionCases):
    url_name = "unit_activate"
    role = "administrator"
    visible_only_role = "staff"
    method = "post"
    data = {"active": "0"}
    ok_status = 302


class TestUserDetailAccess(PermissionCases):
    url_name = "user_detail"
    role = "internal_auditor"
    lacking_role = "staff"

    def make_object(self, tree, unit):
        return factories.make_user(f"{tree.prefix}target-{unit.code}".lower(), unit)


class TestUserPasswordAccess(TestUserDetailAccess):
    url_name = "user_password"
    role = "administrator"
    visible_only_role = "training_coordinator"


class TestUserDeactivateAccess(TestUserDetailAccess):
    url_name = "user_activate"
    role = "administrator"
    visible_only_role = "department_head"
    method = "post"
    data = {"active": "0"}
    ok_status = 302


class TestEndAssignmentAccess(PermissionCases):
    url_name = "assignment_end"
    role = "management_representative"
    visible_only_role = "department_head"
    method = "post"
    data = {"reason": "Moved to another post."}
    ok_status = 302

    def make_object(self, tree, unit):
        person = factories.make_user(f"{tree.prefix}assigned-{unit.code}".lower(), unit)
        return factories.assign(person, "staff", unit)


class TestAccessRequestDetailAccess(PermissionCases):
    url_name = "accessrequest_detail"
    role = "steering_committee"
    lacking_role = "department_head"

    def make_object(self, tree, unit):
        requester = factories.make_user(f"{tree.prefix}asker-{unit.code}".lower(), unit)
        return services.access_request_create(
            acting_user=requester, role=tree.roles["internal_auditor"], unit=unit, include_subunits=False,
            justification="For the audit.",
        )


class TestApproveAccessRequestAccess(TestAccessRequestDetailAccess):
    url_name = "accessrequest_transition"
    role = "management_representative"
    visible_only_role = "steering_committee"  # sees the request, may not decide

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "approve"}


# ---- units ----------------------------------------------------------------------------------------
def test_unit_create_keeps_what_was_typed_and_shows_the_error_next_to_the_field(tree, client_for):
    client = client_for(tree.admin)
    response = client.post(reverse("unit_create"), {
        "code": tree.ward1.code, "name": "Phường Bến Nghé", "kind": "ward", "parent": tree.district.pk,
        "phase": "preparation",
    })
    assert response.status_code == 200
    assert "already exists" in (field_error(response, "code") or "")
    assert 'value="Phường Bến Nghé"' in text(response)
    assert not Unit.objects.filter(name="Phường Bến Nghé").exists()


def test_unit_create_under_an_existing_unit(tree, client_for):
    client = client_for(tree.admin)
    response = client.post(reverse("unit_create"), {
        "code": f"{tree.prefix}W3", "name": "Phường 3", "kind": "ward", "parent": tree.district.pk,
        "phase": "preparation",
    })
    unit = Unit.objects.get(code=f"{tree.prefix}W3")
    assert response.status_code == 302 and response["Location"] == unit.get_absolute_url()
    assert unit.parent == tree.district and unit.path.startswith(tree.district.path)


def test_unit_edit_cannot_move_a_unit_out_of_the_editors_reach(tree, client_for):
    """The editor may add units under the agency (a role there WITHOUT sub-units), so the form offers
    it; but once ward1 sits under the agency the editor could no longer see it. The re-check inside
    the transaction refuses, and nothing is saved."""
    editor = holder(tree, "administrator")  # on the district, with sub-units
    factories.assign(editor, "administrator", tree.agency, include_subunits=False)
    history_before = tree.ward1.history.count()
    response = client_for(editor).post(reverse("unit_edit", args=[tree.ward1.pk]), {
        "code": tree.ward1.code, "name": "Renamed ward", "kind": "ward", "parent": tree.agency.pk,
    })
    assert response.status_code == 200
    assert "You would no longer be able to see this record" in form_alert(response)
    assert 'value="Renamed ward"' in text(response)  # what was typed is kept
    ward1 = Unit.objects.get(pk=tree.ward1.pk)
    assert ward1.parent_id == tree.district.pk and ward1.name != "Renamed ward"
    assert ward1.path == tree.ward1.path
    assert ward1.history.count() == history_before


def test_unit_edit_offers_only_parents_within_the_editors_scope(tree, client_for):
    editor = holder(tree, "administrator")
    response = client_for(editor).post(reverse("unit_edit", args=[tree.ward1.pk]), {
        "code": tree.ward1.code, "name": tree.ward1.name, "kind": "ward", "parent": tree.division.pk,
        "phase": "preparation",
    })
    assert response.status_code == 200 and field_error(response, "parent")
    assert Unit.objects.get(pk=tree.ward1.pk).parent_id == tree.district.pk


def test_an_administrator_of_a_unit_can_rename_it_where_it_is(tree, client_for):
    """The administrator of ward1 (not of the district) edits ward1 and leaves it where it is."""
    editor = holder(tree, "administrator", unit=tree.ward1)
    page = client_for(editor).get(reverse("unit_edit", args=[tree.ward1.pk]))
    assert page.status_code == 200
    response = client_for(editor).post(reverse("unit_edit", args=[tree.ward1.pk]), {
        "code": tree.ward1.code, "name": "Phường Bến Thành", "kind": "ward", "parent": tree.district.pk,
    })
    assert response.status_code == 302, field_error(response, "parent") or form_alert(response)
    ward1 = Unit.objects.get(pk=tree.ward1.pk)
    assert ward1.name == "Phường Bến Thành" and ward1.parent_id == tree.district.pk


def test_the_history_tab_shows_field_changes_with_who_made_them(tree, client_for):
    client = client_for(tree.admin)
    client.post(reverse("unit_edit", args=[tree.ward2.pk]), {
        "code": tree.ward2.code, "name": "Phường Tân Định", "kind": "ward", "parent": tree.district.pk,
    })
    page = text(client.get(reverse("unit_history", args=[tree.ward2.pk])))
    arrow = r'\s*<span aria-hidden="true">→</span><span class="visually-hidden">changed to</span>\s*'
    assert re.search(r'<span class="fw-semibold">Name</span>:\s*Ward 2 [^<]*' + arrow + "Phường Tân Định", page)
    assert tree.admin.full_name in page


def test_the_roster_pdf_downloads_and_holds_chinese_and_vietnamese_text(tree, client_for, settings, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    settings.MEDIA_ROOT = tmp_path
    unit = factories.make_unit(tree.city, f"{tree.prefix}YX", kind="district", name="越秀区人民政府")
    person = factories.make_user(f"{tree.prefix}huong", unit, full_name="Nguyễn Thị Hương", position="Chuyên viên")
    factories.assign(person, "staff", unit)
    from tests.qms_portal.test_pdf import made_by_a_worker

    client = client_for(tree.admin)
    job = made_by_a_worker(client.post(reverse("unit_roster_pdf", args=[unit.pk])))
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"roster-{unit.code}.pdf" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    # Table cells wrap long names over lines: compare with whitespace collapsed.
    extracted = " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())
    assert "越秀区人民政府" in extracted
    assert "Nguyễn Thị Hương" in extracted


# ---- people ---------------------------------------------------------------------------------------
def test_a_person_created_with_a_temporary_password_must_change_it_at_first_login(tree, client_for):
    response = client_for(tree.admin).post(reverse("user_create"), {
        "username": "tran.van.an", "full_name": "Trần Văn An", "email": "an@example.org",
        "primary_unit": tree.ward1.pk, "language": "vi", "password": "Temporary-pass-77",
    })
    assert response.status_code == 302
    person = User.objects.get(username="tran.van.an")
    assert person.must_change_password

    browser = Client()
    assert sign_in(browser, "tran.van.an", "Temporary-pass-77").status_code == 302
    home = browser.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("password_change")
    assert browser.get(reverse("unit_list"))["Location"] == reverse("password_change")
    changed = browser.post(reverse("password_change"), {
        "old_password": "Temporary-pass-77", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD,
    })
    assert changed.status_code == 302
    assert browser.get(reverse("home")).status_code == 200  # still signed in, and free to work
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password(GOOD_PASSWORD)


def csv_upload(rows, name="people.csv"):
    body = "\n".join(",".join(r) for r in rows).encode("utf-8")
    return SimpleUploadedFile(name, body, content_type="text/csv")


HEADER = ["username", "full_name", "email", "unit_code", "language", "role_code"]


def test_import_with_one_bad_row_lists_the_errors_per_row_and_creates_nobody(tree, client_for):
    upload = csv_upload([
        HEADER,
        ["le.thi.mai", "Lê Thị Mai", "mai@example.org", tree.ward1.code, "vi", "staff"],
        ["pham.minh", "Phạm Minh", "minh@example.org", "NO-SUCH-UNIT", "vi", ""],
        ["vo.thanh", "Võ Thanh", "vo@example.org", tree.ward1.code, "xx", ""],
        ["ngo.bao", "Ngô Bảo", "not-an-email", tree.ward1.code, "vi", ""],
        ["do.an", "Đỗ An", "also-not-an-email", "NO-SUCH-UNIT", "vi", ""],
    ])
    response = client_for(tree.admin).post(reverse("user_import"), {"file": upload, "send_links": "on"})
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was imported" in page
    rows = dict(re.findall(r"<tr><td>(\d+)</td><td><ul class=\"mb-0\">(.*?)</ul></td></tr>", page, re.S))
    assert set(rows) == {"3", "4", "5", "6"}
    assert "There is no unit with the code “NO-SUCH-UNIT”" in rows["3"]
    assert "Unknown language “xx”" in rows["4"]
    assert "email address: Enter a valid email address." in rows["5"]
    # every problem of a row at once, not only the first kind found
    assert "NO-SUCH-UNIT" in rows["6"] and "Enter a valid email address." in rows["6"]
    assert not User.objects.filter(username__in=["le.thi.mai", "pham.minh", "vo.thanh", "ngo.bao", "do.an"]).exists()


def test_import_of_a_good_file_creates_the_people_and_their_roles(tree, client_for,
                                                                  django_capture_on_commit_callbacks):
    upload = csv_upload([
        HEADER,
        ["le.thi.mai", "Lê Thị Mai", "mai@example.org", tree.ward1.code, "vi", "staff"],
        ["pham.minh", "Phạm Minh", "minh@example.org", tree.ward2.code, "en", ""],
    ])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tree.admin).post(reverse("user_import"), {"file": upload, "send_links": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("user_list")
    mai = User.objects.get(username="le.thi.mai")
    assert mai.primary_unit == tree.ward1 and mai.full_name == "Lê Thị Mai"
    assert RoleAssignment.objects.filter(user=mai, role__code="staff", unit=tree.ward1).exists()
    assert User.objects.filter(username="pham.minh", primary_unit=tree.ward2).exists()
    links = sorted(m.to[0] for m in mail.outbox if "/accounts/reset/" in m.body)
    assert links == ["mai@example.org", "minh@example.org"]  # each is sent a link to set a password


def test_import_of_a_program_renamed_to_csv_gets_a_clear_message(tree, client_for):
    upload = SimpleUploadedFile("people.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "text/csv")
    response = client_for(tree.admin).post(reverse("user_import"), {"file": upload})
    assert response.status_code == 200
    assert '<h2 class="h5 text-danger" id="import-errors">This is not a text file.</h2>' in text(response)


def test_import_refuses_an_exe(tree, client_for):
    upload = SimpleUploadedFile("people.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client_for(tree.admin).post(reverse("user_import"), {"file": upload})
    assert response.status_code == 200
    assert "Files of type “exe” are not accepted" in text(response)


def test_deactivating_a_person_ends_their_session(tree, client_for):
    victim = client_for(tree.ward1_staff)
    assert victim.get(reverse("home")).status_code == 200
    response = client_for(tree.admin).post(reverse("user_activate", args=[tree.ward1_staff.pk]), {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(pk=tree.ward1_staff.pk).is_active
    after = victim.get(reverse("home"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    # and they cannot sign in again
    assert sign_in(Client(), tree.ward1_staff.username, tree.password).status_code == 200


def test_nobody_can_deactivate_themselves(tree, client_for):
    client = client_for(tree.admin)
    response = client.post(reverse("user_activate", args=[tree.admin.pk]), {"active": "0"}, follow=True)
    assert "You cannot deactivate your own account." in text(response)
    assert User.objects.get(pk=tree.admin.pk).is_active


# ---- roles ----------------------------------------------------------------------------------------
def test_assign_a_role_from_the_unit_page(tree, client_for):
    client = client_for(tree.admin)
    person = factories.make_user(f"{tree.prefix}dang", tree.ward2, full_name="Đặng Văn Lâm")
    page = text(client.get(reverse("unit_detail", args=[tree.ward2.pk])))
    link = f'{reverse("assignment_create")}?unit={tree.ward2.pk}'
    assert f'href="{link}"' in page
    form = text(client.get(link))
    assert '<datalist id="people">' in form and f'<option value="{person.username}">' in form
    response = client.post(link, {
        "user": person.username, "role": tree.roles["document_controller"].pk, "unit": tree.ward2.pk,
        "include_subunits": "on",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("unit_detail", args=[tree.ward2.pk]) + "#roles"
    assert RoleAssignment.objects.filter(user=person, role__code="document_controller", unit=tree.ward2).exists()
    page = text(client.get(reverse("unit_detail", args=[tree.ward2.pk])))
    assert "Đặng Văn Lâm" in page and "Document controller" in page
    assert Notification.objects.filter(recipient=person, kind="role_assigned").exists()


def test_assigning_to_a_person_out_of_scope_by_user_name_is_refused(tree, client_for):
    """The user field takes a typed user name: someone the assigner cannot see must not be found."""
    mr = tree.ward1_mr
    response = client_for(mr).post(reverse("assignment_create"), {
        "user": tree.outsider.username, "role": tree.roles["staff"].pk, "unit": tree.ward1.pk,
    })
    assert response.status_code == 200
    assert field_error(response, "user")
    assert not RoleAssignment.objects.filter(user=tree.outsider, unit=tree.ward1).exists()


def test_ending_an_assignment_asks_for_a_reason_keeps_it_and_writes_history(tree, client_for):
    assignment = RoleAssignment.objects.get(user=tree.ward1_staff, unit=tree.ward1)
    page = reverse("unit_detail", args=[tree.ward1.pk])
    client = client_for(tree.ward1_mr)
    form = client.get(reverse("assignment_end", args=[assignment.pk]) + f"?next={page}")
    assert form.status_code == 200
    assert 'name="reason"' in text(form) and f'name="next" value="{page}"' in text(form)
    response = client.post(reverse("assignment_end", args=[assignment.pk]),
                           {"next": page, "reason": "Chuyển công tác."})
    assert response.status_code == 302 and response["Location"] == page
    assignment.refresh_from_db()  # kept, with who ended it, when and why
    assert assignment.ended_at is not None and assignment.ended_by == tree.ward1_mr
    assert assignment.end_reason == "Chuyển công tác."
    last = RoleAssignment.history.filter(id=assignment.pk).order_by("-history_date", "-history_id").first()
    assert last.history_type == "~" and last.history_user == tree.ward1_mr
    assert last.history_change_reason == "Chuyển công tác."
    # an ended assignment cannot be ended again: its page is gone
    assert client.get(reverse("assignment_end", args=[assignment.pk])).status_code == 404
    # the unit page lists it no more among the current ones, and shows it, with the reason, on request
    current = text(client.get(page))
    assert reverse("assignment_end", args=[assignment.pk]) not in current
    assert "Chuyển công tác." not in current
    ended = text(client.get(page + "?ended=1"))
    assert "Chuyển công tác." in ended and tree.ward1_mr.full_name in ended


def test_ending_an_assignment_refuses_a_foreign_next_url(tree, client_for):
    assignment = RoleAssignment.objects.get(user=tree.ward1_staff, unit=tree.ward1)
    response = client_for(tree.admin).post(reverse("assignment_end", args=[assignment.pk]),
                                           {"next": "https://evil.example/"})
    assert response["Location"] == reverse("unit_detail", args=[tree.ward1.pk]) + "#roles"


# ---- access requests ------------------------------------------------------------------------------
def request_role(client, tree, role="internal_auditor", justification="I audit ward 1 next month."):
    return client.post(reverse("accessrequest_create"), {
        "role": tree.roles[role].pk, "unit": tree.ward1.pk, "justification": justification,
    })


def test_access_request_is_approved_with_the_password_and_grants_the_role(tree, client_for):
    staff, mr = client_for(tree.ward1_staff), client_for(tree.ward1_mr)
    assert request_role(staff, tree).status_code == 302
    request = AccessRequest.objects.get(requester=tree.ward1_staff)
    assert Notification.objects.filter(recipient=tree.ward1_mr, kind="accessrequest_submitted").exists()

    url = reverse("accessrequest_transition", args=[request.pk, "approve"])
    form = text(mr.get(url))
    assert f"You are signing as <strong>{tree.ward1_mr.full_name}</strong>" in form
    assert "“Approved”" in form

    wrong = mr.post(url, {"reason": "Confirmed with the head of ward.", "password": "not-my-password"})
    assert wrong.status_code == 200
    assert "The password is not correct. Your signature was not recorded." in form_alert(wrong)
    assert "Confirmed with the head of ward." in text(wrong)  # the reason is kept
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING and request.assignment is None

    right = mr.post(url, {"reason": "Confirmed with the head of ward.", "password": tree.password})
    assert right.status_code == 302 and right["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.APPROVED
    assert RoleAssignment.objects.filter(user=tree.ward1_staff, role__code="internal_auditor",
                                         unit=tree.ward1).exists()
    inbox = text(staff.get(reverse("inbox")))
    assert "Your access request was approved" in inbox
    detail = text(mr.get(request.get_absolute_url()))
    assert re.search(rf"✔ <strong>Approved</strong> — {re.escape(tree.ward1_mr.full_name)},", detail)


def test_the_requester_cannot_approve_their_own_request(tree, client_for):
    mr = client_for(tree.ward1_mr)
    request_role(mr, tree, role="document_controller")
    request = AccessRequest.objects.get(requester=tree.ward1_mr)
    detail = text(mr.get(request.get_absolute_url()))
    assert reverse("accessrequest_transition", args=[request.pk, "approve"]) not in detail
    assert reverse("accessrequest_transition", args=[request.pk, "withdraw"]) in detail
    response = mr.post(reverse("accessrequest_transition", args=[request.pk, "approve"]),
                       {"password": tree.password})
    assert response.status_code == 200
    assert "You cannot decide on your own submission" in form_alert(response)
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING
    # a requester without the deciding role is not even shown the form
    staff = client_for(tree.ward1_staff)
    request_role(staff, tree)
    own = AccessRequest.objects.get(requester=tree.ward1_staff)
    assert staff.get(reverse("accessrequest_transition", args=[own.pk, "approve"])).status_code == 403


def test_a_rejection_needs_a_reason(tree, client_for):
    request_role(client_for(tree.ward1_staff), tree)
    request = AccessRequest.objects.get(requester=tree.ward1_staff)
    response = client_for(tree.ward1_mr).post(reverse("accessrequest_transition", args=[request.pk, "reject"]),
                                             {"reason": ""})
    assert response.status_code == 200 and field_error(response, "reason")
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_an_unknown_transition_is_404(tree, client_for):
    request_role(client_for(tree.ward1_staff), tree)
    request = AccessRequest.objects.get(requester=tree.ward1_staff)
    response = client_for(tree.ward1_mr).get(reverse("accessrequest_transition", args=[request.pk, "frobnicate"]))
    assert response.status_code == 404


def test_the_history_tab_shows_the_signed_transition_with_the_signers_name(tree, client_for):
    request_role(client_for(tree.ward1_staff), tree)
    request = AccessRequest.objects.get(requester=tree.ward1_staff)
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="approve",
                                       reason="OK", password=tree.password)
    page = text(client_for(tree.ward1_mr).get(reverse("accessrequest_history", args=[request.pk])))
    assert f"Signed “Approved” by {tree.ward1_mr.full_name}" in page
    # the transition by its label and its states' labels, never the codes
    assert "<strong>Approve</strong>" in page
    assert re.search(r'Pending\s*<span aria-hidden="true">→</span><span class="visually-hidden">to</span>\s*Approved',
                     page)
    assert "pending" not in page and "approved →" not in page
    assert "Reason: OK" in page
    # the engine's save of the new state is the same event, not listed a second time
    assert not re.search(r'Status</span>:\s*Pending\s*<span aria-hidden', page)
    assert re.search(r'Status</span>:\s*Pending\s*</li>', page)  # as it was created
    record = TransitionRecord.objects.get(object_id=request.pk, transition="approve")
    assert record.actor_name == tree.ward1_mr.full_name and record.signature_meaning == "approved"


# ---- inbox, language, preferences -------------------------------------------------------------------
def unread_badge(response):
    match = re.search(r'data-testid="unread-count">(\d+)<', text(response))
    return int(match.group(1)) if match else 0


def test_the_navigation_shows_the_unread_count_and_marking_read_clears_it(tree, client_for):
    first, second = (
        notifications.notify([tree.ward1_staff], "role_assigned", params={"role": "Staff", "unit": "W1"})[0],
        notifications.notify([tree.ward1_staff], "role_assigned", params={"role": "Auditor", "unit": "W1"})[0],
    )
    client = client_for(tree.ward1_staff)
    assert unread_badge(client.get(reverse("home"))) == 2
    assert client.post(reverse("inbox_read", args=[first.pk])).status_code == 302
    assert unread_badge(client.get(reverse("home"))) == 1
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert client.post(reverse("inbox_read_all"))["Location"] == reverse("inbox")
    assert unread_badge(client.get(reverse("inbox"))) == 0
    assert Notification.objects.get(pk=second.pk).read_at is not None


def test_someone_elses_message_cannot_be_marked_read(tree, client_for):
    [theirs] = notifications.notify([tree.outsider], "role_assigned", params={"role": "x", "unit": "y"})
    assert client_for(tree.ward1_staff).post(reverse("inbox_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_language_switcher_sets_the_cookie_and_the_page_is_in_vietnamese(tree, client_for):
    client = client_for(tree.ward1_staff)
    assert '<html lang="en">' in text(client.get(reverse("home")))
    response = client.post(reverse("switch_language"), {"language": "vi", "next": reverse("inbox")})
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    assert response.cookies["django_language"].value == "vi"
    assert '<html lang="vi">' in text(client.get(reverse("inbox")))
    assert User.objects.get(pk=tree.ward1_staff.pk).language == "vi"


def test_the_language_switcher_refuses_a_foreign_next_url(client):
    response = client.post(reverse("switch_language"), {"language": "vi", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_preferences_are_saved(tree, client_for):
    client = client_for(tree.ward1_staff)
    response = client.post(reverse("preferences"),
                           {"language": "zh-hans", "notification_mode": "digest", "phone": "+84 28 3829 1234"})
    assert response.status_code == 302
    person = User.objects.get(pk=tree.ward1_staff.pk)
    assert (person.language, person.notification_mode, person.phone) == ("zh-hans", "digest", "+84 28 3829 1234")
    assert response.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in text(client.get(reverse("preferences")))


# ---- sign-in protection -----------------------------------------------------------------------------
def test_login_lockout_after_five_failures_is_per_user_and_address(tree, settings):
    assert settings.AXES_ENABLED, "django-axes must be on in tests (AXES_ENABLED)"
    name = tree.ward1_staff.username
    for _attempt in range(4):
        response = sign_in(Client(), name, "wrong-password")
        assert response.status_code == 200  # the login form again, with an error
    locked = sign_in(Client(), name, "wrong-password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in text(locked)
    assert 'name="viewport"' in text(locked)  # the portal's own page
    # The right password from the same person and address is refused during the cool-off...
    again = sign_in(Client(), name, tree.password)
    assert again.status_code == 429 and "_auth_user_id" not in again.client.session
    # ...but a colleague in the same office (same address) can sign in,
    colleague = Client()
    assert sign_in(colleague, tree.ward1_mr.username, tree.password).status_code == 302
    assert colleague.get(reverse("home")).status_code == 200
    # and so can the same person from another address.
    assert sign_in(Client(), name, tree.password, ip="10.0.0.2").status_code == 302


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=30))
def test_the_locked_out_page_states_the_configured_cool_off(tree):
    for _attempt in range(5):
        response = sign_in(Client(), tree.ward1_staff.username, "wrong-password")
    assert response.status_code == 429
    assert "Try again in about 30 minutes" in text(response)


# ---- error pages, CSRF, headers ---------------------------------------------------------------------
def test_the_404_page_is_in_the_portals_style(tree, client_for):
    response = client_for(tree.ward1_staff).get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert "Not found" in page and 'class="navbar' in page and "Back to My work" in page
    assert "portal.css" in page


def test_the_403_page_is_in_the_portals_style(tree, client_for):
    response = client_for(tree.ward1_staff).get(reverse("unit_create"))
    assert response.status_code == 403
    page = text(response)
    assert "Not allowed" in page and 'class="navbar' in page and "Access requests" in page


def test_a_post_without_csrf_token_gets_the_csrf_page(tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.ward1_staff)
    response = client.post(reverse("inbox_read_all"))
    assert response.status_code == 403
    page = text(response)
    assert "Session expired" in page and 'class="navbar' in page


def test_the_content_security_policy_forbids_inline_scripts(tree, client_for):
    response = client_for(tree.ward1_staff).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}
    assert "script-src" in directives
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text(response)), "inline <script> found"
    # htmx must not inject its inline indicator <style> either (style-src 'self' would block it)
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in text(response)


def test_the_navigation_marks_the_current_area(tree, client_for):
    client = client_for(tree.admin)
    assert '<a class="nav-link active" href="/">' in text(client.get(reverse("home")))
    inbox = text(client.get(reverse("inbox")))
    assert '<a class="nav-link" href="/">' in inbox and '<a class="nav-link active" href="/inbox/"' in inbox


def test_the_cached_menu_follows_the_area_the_permissions_and_the_language(tree, client_for):
    """The main menu is kept per permissions held, language and area (base.html): each reader gets
    the one for what they may do, and a new role shows at once."""
    admin = client_for(tree.admin)
    people = reverse("user_list")
    assert f'href="{people}"' in text(admin.get(reverse("home")))
    staff = client_for(tree.ward1_staff)
    assert f'href="{people}"' not in text(staff.get(reverse("home")))  # the same address, another menu
    assert '<a class="nav-link" href="/">' in text(admin.get(reverse("inbox")))
    assert '<a class="nav-link dropdown-toggle active" href="#"' in text(admin.get(people))  # Administration
    services.role_assign(acting_user=tree.superuser, user=tree.ward1_staff, role=tree.roles["administrator"],
                         unit=tree.ward1, notify_user=False)
    assert f'href="{people}"' in text(client_for(tree.ward1_staff).get(reverse("home")))
    admin.cookies["django_language"] = "vi"
    assert "Quản trị" in text(admin.get(reverse("home")))


def every_page(tree, superuser):
    """Every GET page of the core's access matrix, with objects from the tree (the areas' pages are
    checked by their own tests)."""
    request = services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["staff"], unit=tree.ward1, include_subunits=False,
        justification="x",
    )
    from tests.qms_portal.jobkinds import done_job

    objects = {"unit": tree.ward1, "user": tree.ward1_staff, "role": tree.roles["staff"], "accessrequest": request,
               "assignment": RoleAssignment.objects.filter(unit=tree.ward1).first(),
               "job": done_job(superuser, kind="qms_portal.unit_roster_pdf"),
               "rollouttick": rollout_item_tick(acting_user=superuser, unit=tree.ward1, item="leading_group",
                                                note="QĐ 12"),
               "annualreport": annual_report_create(acting_user=superuser, unit=tree.ward1, year=2025),
               "evaluation": evaluation_create(acting_user=superuser, unit=tree.district, year=2025, title="Đánh giá")}
    evaluation_transition(acting_user=superuser, evaluation=objects["evaluation"], name="open")
    objects["unitevaluation"] = UnitEvaluation.objects.get(evaluation=objects["evaluation"], unit=tree.ward1)
    for name, _route, kwarg_names in walk_urls():
        row = CORE.get(name)
        if row is None or row.post_only or name in ("unit_roster_pdf", "healthz", "floor", "attachment_download",
                                                     "attachment_thumbnail", "job_status", "job_download",
                                                     "unit_search", "people_search"):
            continue  # not HTML pages (a PDF, plain text, files, a fragment polled by a page, JSON)
        kwargs = {k: FIXED_KWARGS[k] for k in kwarg_names if k in FIXED_KWARGS}
        if "pk" in kwarg_names:
            kwargs["pk"] = objects[row.obj].pk
        if name == "history_compare":  # (a token page is walked with the invalid token: its own 404 page)
            kwargs.update(core_url_kwargs(name, {}, objects[row.obj]))
        for variant in row.variants or (None,):
            if variant:
                kwargs["transition"] = variant
            yield name, reverse(name, kwargs=kwargs), row.access in ("public", "anonymous_only")


def test_every_page_has_a_viewport_meta_tag(tree, superuser):
    signed_in = Client()
    signed_in.force_login(superuser)
    anonymous = Client()
    seen = 0
    for name, url, public in every_page(tree, superuser):
        for client in (signed_in, anonymous) if public else (signed_in,):
            response = client.get(url)
            if response.status_code != 200:
                continue
            assert response["Content-Type"].startswith("text/html"), name
            assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text(response), url
            seen += 1
    assert seen >= 35
    for status_page in ("/no-such-page/",):
        assert 'name="viewport"' in text(signed_in.get(status_page))
    from django.template.loader import render_to_string

    assert 'name="viewport"' in render_to_string("errors/500.html")
