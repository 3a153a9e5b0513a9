import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from qms_portal.imports import ImportRejected, import_users
from qms_portal.models import RoleAssignment, User

pytestmark = pytest.mark.django_db

HEADER = ["username", "full_name", "email", "unit_code", "role_code", "position", "language"]


def csv_upload(rows, name="people.csv", header=HEADER):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))


def xlsx_upload(rows, name="people.xlsx", header=HEADER):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def good_rows(tree):
    return [
        [f"{tree.prefix}anh", "Nguyễn Văn Ánh", "anh@example.org", tree.ward1.code, "document_controller",
         "Chuyên viên", "vi"],
        [f"{tree.prefix}li", "李明", "li@example.org", tree.agency.code, "", "", "zh-hans"],
        [f"{tree.prefix}tom", "Tom Lee", "tom@example.org", tree.ward2.code, "staff", "", ""],
    ]


def imported(tree):
    return User.objects.filter(username__in=[f"{tree.prefix}{n}" for n in ("anh", "li", "tom", "bad")])


def test_one_bad_row_rejects_the_whole_file_with_errors_per_row(tree):
    rows = good_rows(tree)
    rows.insert(1, [f"{tree.prefix}bad", "", "not-an-email", "NO-SUCH-UNIT", "no_such_role", "", "fr"])
    users_before, assignments_before = User.objects.count(), RoleAssignment.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=csv_upload(rows), send_links=False)
    errors = dict(rejected.value.errors)
    assert list(errors) == [3]  # the header is line 1, so the bad second person is on line 3
    text = " ".join(errors[3])
    assert "full_name" in text
    assert "NO-SUCH-UNIT" in text
    assert "no_such_role" in text
    assert "fr" in text
    assert "Nothing was imported" in rejected.value.message
    assert User.objects.count() == users_before
    assert RoleAssignment.objects.count() == assignments_before


def test_a_bad_email_and_a_taken_or_repeated_username_are_reported(tree):
    rows = good_rows(tree)
    rows[0][2] = "not-an-email"
    rows[1][0] = tree.ward1_staff.username  # taken
    rows.append(list(rows[2]))  # the same person twice
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=csv_upload(rows), send_links=False)
    errors = dict(rejected.value.errors)
    assert sorted(errors) == [2, 3, 5]
    assert any("email" in m for m in errors[2])
    assert any("taken" in m for m in errors[3])
    assert any("taken" in m for m in errors[5])
    assert not imported(tree).exists()


def test_rows_outside_the_importers_scope_are_refused(tree):
    rows = good_rows(tree)  # ward 1, the agency and ward 2
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.ward1_mr, upload=csv_upload(rows), send_links=False)
    errors = dict(rejected.value.errors)
    assert set(errors) == {2, 3, 4}
    assert any("may not add people" in m for m in errors[3])
    assert not imported(tree).exists()


def test_a_good_csv_creates_everyone_with_their_roles_and_sends_password_links(tree,
                                                                            django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = import_users(acting_user=tree.admin, upload=csv_upload(good_rows(tree)), send_links=True)
    assert [u.username for u in created] == [f"{tree.prefix}{n}" for n in ("anh", "li", "tom")]
    anh = User.objects.get(username=f"{tree.prefix}anh")
    assert (anh.full_name, anh.language, anh.primary_unit, anh.position) == (
        "Nguyễn Văn Ánh", "vi", tree.ward1, "Chuyên viên")
    assert not anh.has_usable_password()  # they set their own through the link
    assert anh.history.get().history_user == tree.admin
    assignment = RoleAssignment.objects.get(user=anh)
    assert (assignment.role.code, assignment.unit, assignment.include_subunits) == (
        "document_controller", tree.ward1, False)
    assert not RoleAssignment.objects.filter(user__username=f"{tree.prefix}li").exists()
    assert RoleAssignment.objects.get(user__username=f"{tree.prefix}tom").role.code == "staff"
    assert User.objects.get(username=f"{tree.prefix}tom").language == "en"
    links = [m for m in mail.outbox if "/accounts/reset/" in m.body]
    assert sorted(m.to[0] for m in links) == ["anh@example.org", "li@example.org", "tom@example.org"]
    anh_link = next(m for m in links if m.to == ["anh@example.org"])
    assert anh.username in anh_link.body


def test_a_good_xlsx_is_imported_too(tree):
    created = import_users(acting_user=tree.admin, upload=xlsx_upload(good_rows(tree)), send_links=False)
    assert len(created) == 3
    assert User.objects.get(username=f"{tree.prefix}li").full_name == "李明"
    assert RoleAssignment.objects.filter(user__in=created).count() == 2


def test_a_bad_row_in_an_xlsx_rejects_the_file(tree):
    rows = good_rows(tree)
    rows[2][3] = "NOPE"
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=xlsx_upload(rows), send_links=False)
    assert list(dict(rejected.value.errors)) == [4]
    assert not imported(tree).exists()


@pytest.mark.parametrize("name,content,expected", [
    ("people.xlsx", b"MZ\x90\x00" + b"\x00" * 200, "not a valid XLSX"),
    ("people.csv", b"MZ\x90\x00" + b"\x00" * 200, "not a text file"),
    ("people.exe", b"username\n", "not accepted"),
    ("people.xlsx", b"PK\x03\x04" + b"junk" * 50, "not a valid XLSX"),
])
def test_a_renamed_or_damaged_file_gets_a_clear_message(tree, name, content, expected):
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=SimpleUploadedFile(name, content), send_links=False)
    assert expected in rejected.value.message
    assert rejected.value.errors == []


def test_missing_columns_and_empty_files_are_explained(tree):
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=csv_upload([["a", "b"]], header=["username", "full_name"]),
                     send_links=False)
    assert "email" in rejected.value.message and "unit_code" in rejected.value.message
    with pytest.raises(ImportRejected) as rejected:
        import_users(acting_user=tree.admin, upload=csv_upload([]), send_links=False)
    assert "no rows" in rejected.value.message
