"""Who may be named a reviewer: the people who read the unit's revisions through a role on the unit
or on a unit above it (with its sub-units) — colleagues first, then the units above — never the
author and never the portal's own account. The picker is a list of text boxes with a datalist, so
it stays usable (and its query count stays the same) with hundreds of people."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.models import DocumentType, Revision
from documents.selectors import reviewer_candidates
from qms_portal.demo import DEMO_PASSWORD, seed_demo
from qms_portal.models import Unit, User
from qms_portal.services import system_user
from tests.documents.factories import draft_of, new_document, save_draft
from tests.factories import assign, make_superuser, make_user

pytestmark = pytest.mark.django_db


def offered(response):
    """The user names the reviewers' datalist offers."""
    page = response.content.decode()
    datalist = re.search(r'<datalist id="id_reviewers-people">(.*?)</datalist>', page, re.S)
    assert datalist, "the reviewers' picker has no datalist"
    return set(re.findall(r'<option value="([^"]+)"', datalist.group(1)))


def test_a_department_head_gets_their_own_procedure_reviewed_and_approved_in_the_demo(client_for):
    seed_demo()
    system_user()  # the portal's own account exists (it publishes on the effective date)
    depthead = User.objects.get(username="depthead")
    division = Unit.objects.get(code="DOHA-D03")
    services.ensure_system_types()
    document = services.document_create(
        acting_user=depthead, unit=division, doc_type=DocumentType.objects.get(code="QT"),
        title="Quy trình tiếp nhận phản ánh, kiến nghị về thủ tục hành chính", process_owner=depthead,
        category="operational")
    revision = save_draft(None, draft_of(document), content="<p>Trình tự, thời hạn, trách nhiệm.</p>")
    client = client_for(depthead)
    url = reverse("documents:revision_reviewers", args=[revision.pk])

    names = offered(client.get(url))
    # A colleague of the division, and the department's document controller and management
    # representative above it; never the author, never the portal's own account.
    assert {"d03-deputy", "doccontrol", "mr"} <= names
    assert not names & {"depthead", "system", "admin"}
    assert "staff" not in names and "cb-mr" not in names  # other branches of the city

    response = client.post(url, {"reviewers": ["d03-deputy", "doccontrol", ""]})
    assert response.status_code == 302, response.content.decode()[:2000]
    services.revision_transition(acting_user=depthead, revision=revision, name="submit")
    for username in ("d03-deputy", "doccontrol"):
        services.revision_transition(acting_user=User.objects.get(username=username), revision=revision,
                                     name="accept", password=DEMO_PASSWORD)
    services.revision_transition(acting_user=User.objects.get(username="mr"), revision=revision, name="approve",
                                 password=DEMO_PASSWORD)
    assert Revision.objects.get(pk=revision.pk).status == Revision.Status.APPROVED


def test_the_candidates_are_the_unit_and_the_units_above_it(ds):
    on_office = draft_of(new_document(ds, unit=ds.office))
    assert set(reviewer_candidates(on_office)) == {ds.staff, ds.reviewer1, ds.reviewer2, ds.approver, ds.mr}
    # Colleagues of the unit itself come first.
    assert list(reviewer_candidates(on_office))[0] == ds.staff
    on_dept = draft_of(new_document(ds))
    # The office's staff member reads only the office's documents; the author, a member without any
    # role, an outsider and the portal's own account are never offered.
    system_user()
    assert set(reviewer_candidates(on_dept)) == {ds.reviewer1, ds.reviewer2, ds.approver, ds.mr}


def test_an_ended_role_no_longer_makes_someone_a_candidate(ds):
    from qms_portal.models import RoleAssignment
    from qms_portal.services import role_assignment_end

    assignment = RoleAssignment.objects.current().get(user=ds.reviewer2)
    role_assignment_end(acting_user=make_superuser("reviewers-root"), assignment=assignment,
                        reason="Moved to another post")
    assert ds.reviewer2 not in set(reviewer_candidates(draft_of(new_document(ds))))


@pytest.mark.parametrize("who", ["outsider", "staff", "nobody", "system"])
def test_the_service_refuses_a_reviewer_who_may_not_review_the_unit(ds, who):
    revision = draft_of(new_document(ds))
    person = system_user() if who == "system" else getattr(ds, who)
    with pytest.raises(ValidationError):
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1, person])
    assert not revision.reviewers.exists()


def test_the_form_refuses_a_typed_name_outside_the_chain(ds, client_for):
    revision = draft_of(new_document(ds))
    response = client_for(ds.author).post(reverse("documents:revision_reviewers", args=[revision.pk]),
                                          {"reviewers": [ds.reviewer1.username, ds.outsider.username]})
    assert response.status_code == 200
    assert "may not review documents of this unit" in response.content.decode()
    assert not revision.reviewers.exists()


def test_the_picker_shows_the_named_reviewers_and_lets_one_be_removed(ds, client_for):
    revision = draft_of(new_document(ds))
    services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1, ds.mr])
    client = client_for(ds.author)
    url = reverse("documents:revision_reviewers", args=[revision.pk])
    page = client.get(url).content.decode()
    assert f'value="{ds.reviewer1.username}"' in page and f'value="{ds.mr.username}"' in page
    assert client.post(url, {"reviewers": [ds.mr.username, ""]}).status_code == 302
    assert list(revision.reviewers.values_list("reviewer__username", flat=True)) == [ds.mr.username]


def test_the_picker_makes_as_many_queries_with_a_hundred_people_in_the_chain(ds, client_for):
    revision = draft_of(new_document(ds, unit=ds.office))
    client = client_for(ds.author)
    url = reverse("documents:revision_reviewers", args=[revision.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        few = offered(client.get(url))
    for n in range(100):
        person = make_user(f"{ds.prefix}colleague{n}".lower(), ds.dept if n % 2 else ds.office)
        assign(person, "staff", ds.dept if n % 2 else ds.office)
    with CaptureQueriesContext(connection) as big:
        many = offered(client.get(url))
    assert len(many) == len(few) + 100
    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)
