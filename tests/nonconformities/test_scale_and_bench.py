"""The province-sized nonconformity data (nonconformities/scale.py through ``seed_scale``) and the
area's pages and escalation sweep in the benchmark (``bench``), on small numbers."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import Client

from nonconformities.bench import showcase
from nonconformities.models import (
    ACTIVE_ACTION_STATUSES,
    CorrectiveAction,
    CorrectiveActionUserObjectPermission,
    Nonconformity,
    NonconformityUserObjectPermission,
)
from nonconformities.scale import SEARCH_VI
from nonconformities.services.nonconformity import NUMBER_KIND, NUMBER_PATTERN
from qms_portal.bench.scale import BENCH_ADMIN
from qms_portal.models import NumberSequence, ReminderClaim, TransitionRecord, Unit, User
from qms_portal.numbering import next_number

pytestmark = pytest.mark.django_db

SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 20, "users": 100, "documents": 0, "nonconformities": 120, "actions": 200, "audits": 0,
         "indicators": 0, "surveys": 0, "survey-responses": 0, "risks-per-unit": 0, "reviews": 0}
S = Nonconformity.Status
A = CorrectiveAction.Status


def _seed(**overrides):
    options = SMALL | overrides
    out = io.StringIO()
    args = ["seed_scale"]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_the_nonconformities_and_actions_asked_for_in_the_province():
    output = _seed()
    assert Nonconformity.objects.count() == 120 and CorrectiveAction.objects.count() == 200
    assert "120 nonconformities" in output
    root = Unit.objects.get(code="PROV")
    assert not Nonconformity.objects.exclude(unit__path__startswith=root.path).exists()
    assert Nonconformity.objects.values("unit").distinct().count() > 5
    # every record has its "created" history row
    assert Nonconformity.history.filter(history_type="+").count() == 120
    assert CorrectiveAction.history.filter(history_type="+").count() == 200


def test_numbers_come_from_the_numbering_sequence_and_the_next_one_continues_after_them():
    _seed()
    highest = {}
    for nc in Nonconformity.objects.select_related("unit"):
        found = re.fullmatch(rf"{re.escape(nc.unit.code)}-NC-{nc.detected_on.year}-(\d{{3,}})", nc.number)
        assert found, nc.number
        key = (nc.unit_id, nc.detected_on.year)
        highest[key] = max(highest.get(key, 0), int(found.group(1)))
    assert {(s.unit_id, s.year): s.last_number for s in NumberSequence.objects.filter(kind=NUMBER_KIND)} == highest
    (unit_id, year), last = next(iter(highest.items()))
    unit = Unit.objects.get(pk=unit_id)
    with transaction.atomic():
        assert next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=year) == \
            NUMBER_PATTERN.format(unit=unit.code, year=year, n=last + 1)


def test_states_are_consistent_with_the_capa_loop():
    _seed()
    with_actions = Nonconformity.objects.annotate(n=Count("actions"))
    # no action before the action plan; at least one from it on
    assert not with_actions.filter(status__in=[S.REPORTED, S.ACCEPTED, S.REJECTED, S.CAUSE_ANALYSIS], n__gt=0).exists()
    assert not with_actions.filter(status__in=[S.ACTION_PLAN, S.IN_PROGRESS, S.VERIFICATION, S.CLOSED], n=0).exists()
    # verification and closed: every action done or cancelled with a reason; a plan's actions are open
    finished = CorrectiveAction.objects.filter(nonconformities__status__in=[S.VERIFICATION, S.CLOSED]).distinct()
    assert not finished.filter(status__in=ACTIVE_ACTION_STATUSES).exists()
    assert not CorrectiveAction.objects.filter(status=A.CANCELLED, cancel_reason="").exists()
    assert not CorrectiveAction.objects.filter(nonconformities__status=S.ACTION_PLAN).exclude(status=A.OPEN).exists()
    # analysed before the plan; closed ones verified by someone who owned none of their actions
    assert not Nonconformity.objects.filter(status=S.CLOSED, root_cause="").exists()
    for nc in Nonconformity.objects.filter(status=S.CLOSED):
        assert nc.verified_by_id and nc.closed_at and nc.effective
        assert not nc.actions.filter(owner_id=nc.verified_by_id).exists()
    # the workflow's records: each one's last target is its status, closing signed "closed"
    for nc in Nonconformity.objects.exclude(status=S.REPORTED)[:40]:
        records = list(TransitionRecord.objects.filter(object_id=nc.pk, content_type__model="nonconformity")
                       .order_by("at", "pk"))
        assert records and records[-1].to_state == nc.status
    assert TransitionRecord.objects.filter(transition="close", signature_meaning="closed").count() == \
        Nonconformity.objects.filter(status=S.CLOSED).count()
    # the grants the services give: reporters and owners follow their records
    assert NonconformityUserObjectPermission.objects.count() >= 120
    assert CorrectiveActionUserObjectPermission.objects.count() == 400
    # open actions include overdue ones for the escalation sweep
    assert CorrectiveAction.objects.filter(status__in=ACTIVE_ACTION_STATUSES, due__lt=date.today()).exists()


def test_zero_nonconformities_disables_them_and_negative_numbers_are_refused():
    _seed(nonconformities=0, actions=0)
    assert not Nonconformity.objects.exists()
    with pytest.raises(CommandError):
        _seed(nonconformities=-1)


def test_bench_lists_and_answers_the_nonconformity_pages_and_measures_the_escalation_sweep(tmp_path):
    _seed()
    target = tmp_path / "bench.json"
    out = io.StringIO()
    call_command("bench", "--runs", "1", "--warmup", "0", "--pdf-renders", "0", "--skip-exports",
                 "--output", str(target), stdout=out)
    report = json.loads(target.read_text(encoding="utf-8"))
    pages = {row["page"]: row for row in report["pages"]}
    assert {"nc register", "nc register ?filtered", "nc register ?q=", "nc register deep", "nc detail",
            "nc actions"} <= set(pages)
    for name in ("nc register", "nc register ?filtered", "nc register ?q=", "nc register deep", "nc detail",
                 "nc actions"):
        assert pages[name]["status"] == 200, (name, pages[name].get("error"))
        assert pages[name]["queries"] <= 15, (name, pages[name]["queries"])
    admin = User.objects.get(username=BENCH_ADMIN)
    assert pages["nc detail"]["url"] == f"/nonconformities/{showcase(admin).pk}/"
    client = Client()
    client.force_login(admin)
    searched = client.get(pages["nc register ?q="]["url"])
    assert searched.status_code == 200 and SEARCH_VI in searched.content.decode()
    deep = client.get(pages["nc register deep"]["url"])
    assert deep.context["page_obj"].number > 1  # the cursor was read: not the first page

    sweep = report["extras"]["nonconformities"]["escalation"]
    # (one message per person is the escalation tests' to check; a stage can tell two people — the
    # owner and their department head — so the messages may outnumber the claims)
    assert sweep["claimed"] > 0 and sweep["messages"] > 0
    assert sweep["sweep_s"] > 0 and sweep["peak_rss_mb"] > 0
    assert "escalation sweep" in out.getvalue()
    assert not ReminderClaim.objects.exists()  # cleaned up: the next run finds the same actions due
    assert report["data"]["nonconformities"] == 120
