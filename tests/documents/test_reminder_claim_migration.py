"""Claims written as free text before the sweep became claims keyed by columns: the migrations
convert them, so nothing already reminded is reminded again after the upgrade."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from documents import services
from qms_portal.models import Notification, ReminderClaim
from tests.documents.factories import effective_document

pytestmark = pytest.mark.django_db

core = import_module("qms_portal.migrations.0009_typed_messages_and_reminder_claims")
area = import_module("documents.migrations.0011_reminder_claims_by_columns")


def test_old_acknowledgement_and_review_claims_still_hold_after_the_upgrade(ds):
    document = effective_document(ds)
    acks = list(document.current_revision.acknowledgements.all())
    for ack in acks:
        ReminderClaim.objects.create(key=f"ack-reminder:{ack.pk}")
    due = document.next_review_date
    ReminderClaim.objects.create(key=f"review:{document.pk}:{due.isoformat()}:overdue")
    area.convert(apps, None)
    assert not ReminderClaim.objects.filter(key__isnull=False).exists()
    assert ReminderClaim.objects.filter(kind="acknowledgement_overdue").count() == len(acks)

    assert services.acknowledgements_remind(now=timezone.now() + timedelta(days=8), days=7).claimed == 0
    assert services.documents_remind_reviews(today=due + timedelta(days=1)).claimed == 0
    assert not Notification.objects.filter(kind__in=["acknowledgements_overdue", "reviews_due"]).exists()


def test_old_waiting_and_digest_claims_are_converted(tree):
    request = services_request(tree)
    entered = request.created_at
    ReminderClaim.objects.create(key=f"waiting:qms_portal.accessrequest:{request.pk}:pending:{entered.isoformat()}:7")
    ReminderClaim.objects.create(key="digest:5:2026-01-02")
    core.convert_core_claims(apps, None)
    assert set(ReminderClaim.objects.values_list("kind", "object_id", "stage", "due")) == {
        ("waiting:qms_portal.accessrequest", request.pk, "pending", timezone.localdate(entered)),
        ("digest", 5, "", timezone.datetime(2026, 1, 2).date()),
    }
    from qms_portal.reminders import remind_pending_transitions

    later = timezone.now() + timedelta(days=10)
    assert remind_pending_transitions(now=later).claimed == 0


def services_request(tree):
    from qms_portal import services as core_services

    return core_services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles["internal_auditor"],
                                               unit=tree.ward1, include_subunits=False, justification="audits")
