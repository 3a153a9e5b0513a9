"""The province-sized audit data (``audits/scale.py`` through ``seed_scale``), on small numbers:
the counts asked for, programmes for every unit running its QMS, states that follow the dates and
the plan's rules (no auditor of their own branch, nobody in two audits on overlapping days, a
closed audit with its report signed and no nonconformity finding left without its record), the
numbering sequences, the grants; and the area's bench pages and reminder sweep."""

import io
import json
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Count

from audits.models import Audit, AuditProgramme, AuditUserObjectPermission, ChecklistItem, Finding, ProgrammeEntry
from audits.scale import NUMBER_KIND, SHOWCASE_ITEMS, qms_units
from qms_portal.models import NumberSequence, Unit, User

pytestmark = pytest.mark.django_db
SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 20, "users": 120, "documents": 0, "nonconformities": 0, "actions": 0, "audits": 60,
         "checklist-items": 900, "indicators": 0, "surveys": 0,
         "survey-responses": 0, "risks-per-unit": 0, "reviews": 0}
S = Audit.Status


def _seed(**overrides):
    options = SMALL | overrides
    out = io.StringIO()
    args = ["seed_scale"]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return _seed()


def test_seed_scale_makes_the_audits_and_items_asked_for(seeded):
    assert Audit.objects.count() == 60 and ChecklistItem.objects.count() == 900
    assert "60 audits" in seeded
    root = Unit.objects.get(code="PROV")
    assert not Audit.objects.exclude(unit__path__startswith=root.path).exists()
    assert Audit.history.filter(history_type="+").count() == 60
    showcase = Audit.objects.annotate(n=Count("items")).order_by("-n").first()
    assert showcase.n == SHOWCASE_ITEMS and showcase.status == S.IN_PROGRESS
    assert showcase.items.exclude(answer="").count() == SHOWCASE_ITEMS // 2  # half answered on site


def test_every_qms_unit_has_its_programmes_and_the_province_one_covers_every_unit(seeded):
    root = Unit.objects.get(code="PROV")
    units = list(Unit.objects.filter(path__startswith=root.path))
    wanted = {u.pk for u in qms_units(root, units)}
    assert set(AuditProgramme.objects.values_list("unit_id", flat=True)) == wanted
    province = AuditProgramme.objects.filter(unit=root).order_by("-year").first()
    assert ProgrammeEntry.objects.filter(programme=province).values("unit").distinct().count() == len(units)
    assert not AuditProgramme.objects.exclude(status=AuditProgramme.Status.APPROVED).exists()


def test_auditors_neither_audit_their_own_branch_nor_overlap(seeded):
    busy = defaultdict(list)
    for audit in Audit.objects.select_related("unit").prefetch_related("team", "scope_units"):
        [audited] = audit.scope_units.all()
        team = list(audit.team.all())
        assert audit.lead_auditor_id in {u.pk for u in team} and len(team) == 2
        for person in team:
            assert person.primary_unit_id != audited.pk
            for start, end in busy[person.pk]:
                assert audit.ends_on < start or audit.starts_on > end, (person, audit)
            busy[person.pk].append((audit.starts_on, audit.ends_on))


def test_states_follow_the_close_guard_and_the_report(seeded):
    closed = Audit.objects.filter(status=S.CLOSED)
    assert closed.exists()
    assert not closed.filter(report_signed_at__isnull=True).exists()
    assert not closed.filter(conclusion="").exists()
    assert not Finding.objects.filter(audit__status=S.CLOSED, grade__in=Finding.NONCONFORMITY_GRADES,
                                      nonconformity__isnull=True).exists()
    assert not ChecklistItem.objects.filter(audit__status__in=[S.PLANNED, S.NOTIFIED]).exclude(answer="").exists()
    assert not Finding.objects.filter(clause__isnull=True, grade__in=Finding.NONCONFORMITY_GRADES).exists()


def test_numbers_and_sequences_and_grants(seeded):
    highest = defaultdict(int)
    for audit in Audit.objects.select_related("unit"):
        code, year, n = audit.number.rsplit("-", 2)[0].rsplit("-AUD", 1)[0], audit.starts_on.year, \
            int(audit.number.rsplit("-", 1)[1])
        assert audit.number.startswith(f"{audit.unit.code}-AUD-{year}-") and code == audit.unit.code
        highest[audit.unit_id, year] = max(highest[audit.unit_id, year], n)
    assert {(s.unit_id, s.year): s.last_number for s in NumberSequence.objects.filter(kind=NUMBER_KIND)} == \
        dict(highest)
    audit = Audit.objects.exclude(auditees=None).first()
    lead = User.objects.get(pk=audit.lead_auditor_id)
    assert lead.has_perm("audits.conduct_audit", audit) and lead.has_perm("audits.sign_audit_report", audit)
    auditee = audit.auditees.first()
    assert auditee.has_perm("audits.view_audit", audit)
    assert AuditUserObjectPermission.objects.filter(user=auditee, content_object=audit).count() >= 1


def test_the_bench_lists_the_area_pages_and_measures_the_sweep(seeded):
    from django.urls import NoReverseMatch, reverse

    from audits.bench import AuditsBench, measure_sweep

    try:
        reverse("audits:audit_detail", args=[1])  # the e-mails list audits: their pages are the plan part's
    except NoReverseMatch:
        pytest.skip("the plan part's audit pages are not installed on this branch")

    admin = User.objects.get(username="bench-admin")
    names = [name for name, _url in AuditsBench().pages(admin, {})]
    assert "certificate register" in names
    sweep = measure_sweep()
    assert sweep["messages"] >= 0 and "error" not in sweep


def test_the_sweep_command_prints_its_cost_and_leaves_nothing_behind(seeded):
    from qms_portal.models import Notification, ReminderClaim

    out = io.StringIO()
    call_command("bench_audit_reminders", "--json", "--no-emails", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["due_rows"] >= report["claimed"] >= 0
    assert not ReminderClaim.objects.exists() and not Notification.objects.filter(kind="audits_due").exists()


def test_the_bench_names_its_pages_by_url_name_and_leaves_out_those_not_installed(seeded):
    from django.urls import NoReverseMatch, reverse

    from audits.bench import AuditsBench

    admin = User.objects.get(username="bench-admin")
    pages = dict(AuditsBench().pages(admin, {}))
    assert pages["certificate register"] == reverse("audits:certificate_list")
    assert "surveillance audits due" in pages and "audit figures" in pages
    try:
        reverse("audits:checklist", args=[1])
    except NoReverseMatch:
        assert "audit checklist" not in pages
    else:
        assert "audit checklist" in pages


def test_each_audit_went_through_the_plan_workflow_when_it_is_registered(seeded):
    from django.contrib.contenttypes.models import ContentType

    from qms_portal.models import TransitionRecord

    try:
        from audits.services.plan import WORKFLOW  # noqa: F401 - the plan part's
    except ImportError:
        pytest.skip("the plan part's workflow is not on this branch")
    records = TransitionRecord.objects.filter(content_type=ContentType.objects.get_for_model(Audit))
    closed = Audit.objects.filter(status=S.CLOSED)
    assert records.filter(transition="close").count() == closed.count()
    assert not records.filter(transition="close", signature_meaning="").exists()  # the lead's signature
    for audit in Audit.objects.order_by("pk")[:20]:
        trail = list(records.filter(object_id=audit.pk).order_by("at").values_list("to_state", flat=True))
        assert (trail[-1] if trail else S.PLANNED) == audit.status
