"""My work for the owners of documents: the documents flagged "review required" (a legal document
they cite changed) and the periodic reviews due within 30 days or overdue, each with a link to
record the review; a fixed number of queries whatever the number of documents."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import LegalDocument, PeriodicReview
from qms_portal.models import Notification
from tests.documents.factories import effective_document, legal

pytestmark = pytest.mark.django_db

FLAGGED = "Review required: legal basis changed"
DUE = "Periodic reviews due"


def section(response, title):
    found = [s for s in response.context["sections"] if str(s.title) == title]
    return found[0] if found else None


def items(response, title):
    found = section(response, title)
    return [(url, str(detail)) for _label, url, detail in found.items] if found else []


def review_page(document):
    return reverse("documents:document_periodic_review", args=[document.pk])


def amend(law, user):
    return services.legal_document_save(acting_user=user, legal=law, status=LegalDocument.Status.AMENDED)


def effective_on(ds, days_ago, **kw):
    """A document effective ``days_ago`` days ago: its next review is a year after that."""
    return effective_document(ds, effective_date=timezone.localdate() - timedelta(days=days_ago), **kw)


def test_the_owners_find_the_documents_whose_legal_basis_changed(ds, client_for):
    law = legal(number="22/2008/QH12")
    citing = effective_document(ds, legal_refs=[law], title="Quy trình tuyển dụng công chức")
    effective_document(ds, title="Quy trình không viện dẫn luật này")
    amend(law, ds.author)

    # The document controller may record the review: the link opens the periodic review.
    assert items(client_for(ds.author).get("/"), FLAGGED) == [
        (review_page(citing), "A legal document it cites changed status.")]
    # The process owner (the department head) too; a staff member of the unit has nothing to do.
    assert [url for url, _ in items(client_for(ds.approver).get("/"), FLAGGED)] == [review_page(citing)]
    assert section(client_for(ds.reviewer1).get("/"), FLAGGED) is None
    assert items(client_for(ds.outsider).get("/"), FLAGGED) == []

    services.periodic_review_record(acting_user=ds.author, document=citing, outcome=PeriodicReview.Outcome.VALID,
                                    notes="Luật sửa đổi không ảnh hưởng đến trình tự, thời hạn.")
    assert items(client_for(ds.author).get("/"), FLAGGED) == []


def test_a_process_owner_who_may_not_record_the_review_is_sent_to_the_document(ds, client_for):
    law = legal()
    citing = effective_document(ds, legal_refs=[law], process_owner=ds.reviewer1)
    amend(law, ds.author)
    assert items(client_for(ds.reviewer1).get("/"), FLAGGED) == [
        (citing.get_absolute_url(), "A legal document it cites changed status.")]


def test_the_periodic_reviews_due_within_30_days_or_overdue_are_tasks(ds, client_for):
    year = (timezone.localdate() - (timezone.localdate() - relativedelta(years=1))).days
    soon = effective_on(ds, year - 10, title="Quy trình sắp đến hạn rà soát")
    overdue = effective_on(ds, year + 5, title="Quy trình quá hạn rà soát")
    effective_on(ds, year - 45, title="Quy trình chưa đến hạn")
    effective_document(ds, title="Quy trình mới ban hành")

    listed = items(client_for(ds.author).get("/"), DUE)
    assert [url for url, _ in listed] == [review_page(overdue), review_page(soon)]  # the most urgent first
    assert listed[0][1].startswith("Overdue since") and listed[1][1].startswith("Due on")
    assert [url for url, _ in items(client_for(ds.approver).get("/"), DUE)] == [review_page(overdue),
                                                                               review_page(soon)]
    assert section(client_for(ds.staff).get("/"), DUE) is None

    page = client_for(ds.author).get(review_page(soon))
    assert page.status_code == 200
    services.periodic_review_record(acting_user=ds.author, document=soon, outcome=PeriodicReview.Outcome.VALID)
    assert [url for url, _ in items(client_for(ds.author).get("/"), DUE)] == [review_page(overdue)]


def test_my_work_makes_as_many_queries_with_many_documents_to_review(ds, client_for):
    year = 366
    law = legal()
    for n in range(2):
        effective_on(ds, year + n, legal_refs=[law], title=f"Quy trình {n}")
    amend(law, ds.author)
    Notification.objects.filter(recipient=ds.author).update(read_at=timezone.now())
    client = client_for(ds.author)
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        few = client.get("/")
    other = legal()
    for n in range(14):
        effective_on(ds, year + 10 + n, legal_refs=[other], title=f"Quy trình thêm {n}")
    amend(other, ds.author)
    # The messages those documents brought are read: the inbox's part of the page stays the same.
    Notification.objects.filter(recipient=ds.author).update(read_at=timezone.now())
    client.get("/")  # the unread count settles in the cache again
    with CaptureQueriesContext(connection) as big:
        many = client.get("/")
    assert (len(items(few, FLAGGED)), len(items(few, DUE))) == (2, 2)
    assert (len(items(many, FLAGGED)), len(items(many, DUE))) == (10, 10)
    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)
