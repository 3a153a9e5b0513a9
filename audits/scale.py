"""Province-sized audit data for the benchmark (``manage.py seed_scale``), registered as the area's
scale builder (``audits.parts.certificates``: ``scale="audits.scale.AuditsScale"``).

``build_audits(root=…)`` fills the area under a unit tree made by ``qms_portal.bench.scale.build_scale``
(by default 2,000 audits with 40,000 checklist items), in bulk, in seconds:

1. **programmes** for the last three years (approved in January, signed by the unit's management
   representative) for every unit that runs its own QMS — the units marked so, else the root and
   the units right below it: the province's programme has an entry for every unit of the tree (the
   coverage grid of 250 units the bench opens), each agency's or district's one for every unit of
   its own branch; an entry's clauses are a handful of the catalogue, its month spread over the year;
2. **audits** carrying the entries out (most entries once, the rest of the number as follow-up audits
   of past entries), in the entry's month, on working days; the lead auditor and one team member
   hold the internal auditor role, neither from the audited unit's branch (the plan's "own unit"
   guard), and neither in two audits on overlapping days (each auditor's calendar is kept); the
   auditees are the audited unit's department head and one of its staff; the state follows the
   dates (closed with a signed report and a conclusion; reporting; in progress today; auditees
   notified within 14 days; planned later); numbers ``{unit}-AUD-{year}-{n:02}`` per unit and year
   as the plan's service gives them, and its numbering sequences left at the highest number used;
3. **checklist items**, one question per clause of the audit (``ChecklistItem``), answered as the
   state says (all for a report, about half on site, none before), every answer at version 1;
   one audit in progress today gets 200 items (the bench's checklist page);
4. **findings** from the answers: observations and opportunities for improvement everywhere, major
   and minor nonconformities only in audits still being reported (their nonconformity not yet
   recorded: the "open findings"), so that every closed audit satisfies the close guard (every
   nonconformity finding has its nonconformity record) without inventing nonconformity records;
5. the workflow's records (the plan's transitions, when its workflow is registered) and the
   single-object grants the plan's services give: lead (view, change, conduct, sign), team (view,
   conduct), auditees (view).

Bulk and not the services, as in ``nonconformities.scale``: the rules are the services' (who may
audit, states, numbers), not written twice in spirit; nobody is notified.
"""

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.history import record_current_sets
from qms_portal.models import NumberSequence, TransitionRecord, Unit, User

from .models import (
    Audit,
    AuditProgramme,
    AuditUserObjectPermission,
    Certificate,
    ChecklistItem,
    Finding,
    ProgrammeEntry,
    SurveillanceVisit,
)

S = Audit.Status
NUMBER_KIND, NUMBER_PATTERN = "audits:AUD", "{unit}-AUD-{year}-{n:02}"  # the plan part's (services.plan)
SHOWCASE_ITEMS = 200
YEARS = 3
CLAUSES_PER_ENTRY = 5
ANSWERS = [(ChecklistItem.Answer.CONFORMS, 85), (ChecklistItem.Answer.OBSERVATION, 8),
           (ChecklistItem.Answer.NONCONFORMITY, 4), (ChecklistItem.Answer.NOT_APPLICABLE, 3)]
PATH = {S.PLANNED: (), S.NOTIFIED: ("notify",), S.IN_PROGRESS: ("notify", "start"),
        S.REPORTING: ("notify", "start", "report"), S.CLOSED: ("notify", "start", "report", "close")}

_TITLES = ["Đánh giá nội bộ {u}", "Đánh giá nội bộ định kỳ tại {u}", "Đánh giá lại việc khắc phục tại {u}"]
_SUMMARY = "Hệ thống quản lý chất lượng được duy trì; hồ sơ giải quyết thủ tục hành chính đầy đủ."
_CONCLUSION = "Hệ thống quản lý chất lượng phù hợp với TCVN ISO 9001:2015 và được áp dụng có hiệu lực."
_NOTES = {ChecklistItem.Answer.OBSERVATION: "Sổ theo dõi chưa ghi đầy đủ ngày trả kết quả.",
          ChecklistItem.Answer.NONCONFORMITY: "Hồ sơ trả trễ hạn, không có phiếu xin lỗi.",
          ChecklistItem.Answer.CONFORMS: "", ChecklistItem.Answer.NOT_APPLICABLE: ""}


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _pick(rng, weighted):
    n = rng.randrange(sum(w for _v, w in weighted))
    for value, weight in weighted:
        if n < weight:
            return value
        n -= weight
    return weighted[-1][0]


def qms_units(root, units):
    marked = [u for u in units if u.runs_own_qms]
    return marked or [u for u in units if u.depth <= root.depth + 1]


def _branch(unit, root):
    """What counts as an auditor's own work when ``unit`` is audited: the branch of the root's child
    the unit is under (the root's own audits: the root alone)."""
    if unit.pk == root.pk:
        return None
    parts = unit.path.strip("/").split("/")
    return "/" + "/".join(parts[:root.depth + 2]) + "/"


def _own(auditor_path, unit, branch):
    return auditor_path == unit.path or (branch is not None and auditor_path.startswith(branch))


class Calendar:
    """Each auditor's busy days (an auditor is never in two audits on overlapping days)."""

    def __init__(self):
        self.busy = {}

    def free(self, people, days):
        return all(not (self.busy.get(p, set()) & days) for p in people)

    def book(self, people, days):
        for p in people:
            self.busy.setdefault(p, set()).update(days)


def _working_days(year, month):
    day, out = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def _state(starts, ends, today, rng):
    if ends < today - timedelta(days=20):
        return S.CLOSED
    if ends < today:
        return S.REPORTING if rng.random() < 0.6 else S.CLOSED
    if starts <= today:
        return S.IN_PROGRESS
    if starts <= today + timedelta(days=14):
        return S.NOTIFIED
    return S.PLANNED


@transaction.atomic
def build_audits(*, root, audits=2000, items=40000, rng=None, acting_user=None, today=None):
    """Fill the audits area under ``root`` (see the module's text). Returns a summary."""
    from documents.models import Clause
    from nonconformities.services.escalation import nearest_holders

    started = time.perf_counter()
    rng = rng or random.Random(2029)
    summary = {"audits": 0, "items": 0, "findings": 0, "programmes": 0, "entries": 0, "timings": {}}
    if audits <= 0:
        return summary | {"seconds": 0.0}
    timings, tick = summary["timings"], time.perf_counter()
    now = timezone.now()
    today = today or timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                 .only("pk", "code", "name", "kind", "path", "depth", "runs_own_qms"))
    members = {}
    for pk, unit_id in (User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                        .exclude(is_superuser=True).order_by("pk").values_list("pk", "primary_unit_id")):
        members.setdefault(unit_id, []).append(pk)
    clauses = list(Clause.objects.order_by("sort_key").values_list("pk", "number", "title_vi"))
    if not clauses:
        raise ValueError("The ISO 9001 clause catalogue is empty: run the migrations first.")
    by_pk = {u.pk: u for u in units}
    qms = qms_units(root, units)
    reps = nearest_holders("management_representative", qms)
    heads = nearest_holders("department_head", units)
    auditor_ids = sorted({pk for pks in nearest_holders("internal_auditor", units).values() for pk in pks})
    auditor_units = dict(User.objects.filter(pk__in=auditor_ids).values_list("pk", "primary_unit__path"))
    if len(auditor_ids) < 3:
        raise ValueError(f"Fewer than three internal auditors under {root.code}: build the people first.")
    timings["setup"] = time.perf_counter() - tick

    tick = time.perf_counter()
    programmes, entries = _programmes(root, units, qms, reps, clauses, rng, today, history, acting)
    timings["programmes"] = time.perf_counter() - tick
    tick = time.perf_counter()
    plans = _plan_audits(entries, audits, by_pk, root, auditor_ids, auditor_units, heads, members, rng, today)
    rows = _insert_audits(plans, by_pk, rng, now, history)
    timings["audits"] = time.perf_counter() - tick
    tick = time.perf_counter()
    item_rows = _insert_items(plans, items, clauses, rng, history)
    finding_rows = _insert_findings(plans, item_rows, rng, history)
    timings["checklists and findings"] = time.perf_counter() - tick
    tick = time.perf_counter()
    records = _insert_transitions(plans)
    grants = _insert_grants(plans)
    _insert_sequences(plans)
    certificates, visits = _insert_certificates(qms, rng, today, history)
    timings["transitions, grants, certificates"] = time.perf_counter() - tick
    summary.update({
        "programmes": len(programmes), "entries": len(entries), "audits": len(rows), "items": len(item_rows),
        "findings": len(finding_rows), "transitions": records, "grants": grants, "certificates": certificates,
        "visits": visits,
        "open_findings": sum(1 for f in finding_rows if f.grade in Finding.NONCONFORMITY_GRADES),
        "states": {s: sum(1 for p in plans if p["status"] == s) for s in S.values},
        "seconds": time.perf_counter() - started,
    })
    return summary


def _programmes(root, units, qms, reps, clauses, rng, today, history, acting):
    programmes, entries = [], []
    for year in range(today.year - YEARS + 1, today.year + 1):
        for unit in qms:
            rep = (reps.get(unit.pk) or [acting.pk])[0]
            p = AuditProgramme(unit_id=unit.pk, year=year,
                               title=f"Chương trình đánh giá nội bộ năm {year} — {unit.name}"[:200],
                               status=AuditProgramme.Status.APPROVED, approved_by_id=rep,
                               approved_at=aware(date(year, 1, 15)))
            p._history_date = aware(date(year, 1, 5))
            p._unit = unit
            programmes.append(p)
    programmes = bulk_create_with_history(programmes, AuditProgramme, batch_size=500, **history)
    for p in programmes:
        unit = p._unit
        # its branch; the province's programme: every unit (the bench's grid)
        covered = [u for u in units if u.path.startswith(unit.path)]
        for n, audited in enumerate(covered):
            e = ProgrammeEntry(programme_id=p.pk, unit_id=audited.pk, planned_month=(n * 7 + p.year) % 12 + 1,
                               note="")
            e._history_date = p._history_date
            e._programme = p
            e._clauses = [c[0] for c in rng.sample(clauses, min(CLAUSES_PER_ENTRY, len(clauses)))]
            entries.append(e)
    entries = bulk_create_with_history(entries, ProgrammeEntry, batch_size=1000, **history)
    through = ProgrammeEntry.clauses.through
    through.objects.bulk_create([through(programmeentry_id=e.pk, clause_id=c) for e in entries for c in e._clauses],
                                batch_size=2000)
    record_current_sets(ProgrammeEntry, "clauses", [e.pk for e in entries])
    return programmes, entries


def _plan_audits(entries, total, by_pk, root, auditor_ids, auditor_units, heads, members, rng, today):
    """Which entries are audited when, by whom (see the module's text)."""
    calendar, plans = Calendar(), []
    horizon = today + timedelta(days=120)  # audits are planned a few months ahead
    chosen = []
    for e in entries:
        start = date(e._programme.year, e.planned_month, 1)
        if start > horizon:
            continue
        if start.year == today.year and e.planned_month < today.month and rng.random() < 0.08:
            continue  # behind its month (the figure "behind")
        chosen.append(e)
    past = [e for e in chosen if date(e._programme.year, e.planned_month, 1) < today.replace(day=1)]
    while len(chosen) < total and past:
        chosen.append(rng.choice(past))  # a follow-up audit of a past entry
    rng.shuffle(chosen)
    chosen = chosen[:total]
    chosen.sort(key=lambda e: (e._programme.year, e.planned_month, e.pk))
    for e in chosen:
        unit = by_pk[e.unit_id]
        branch = _branch(unit, root)
        pool = [a for a in auditor_ids if not _own(auditor_units[a], unit, branch)]
        if len(pool) < 2:
            continue  # nobody may audit it
        days = _working_days(e._programme.year, e.planned_month)
        length = 2 if rng.random() < 0.3 else 1
        for _attempt in range(40):
            lead, member = rng.sample(pool, 2)
            i = rng.randrange(max(1, len(days) - length + 1))
            span = set(days[i:i + length])
            if calendar.free((lead, member), span):
                break
        else:
            continue  # nobody free that month: this entry is left behind
        calendar.book((lead, member), span)
        starts, ends = min(span), max(span)
        status = _state(starts, ends, today, rng)
        staff = members.get(unit.pk, [])
        auditees = list(dict.fromkeys([*(heads.get(unit.pk) or [])[:1], *staff[1:2]]))
        plans.append({"entry": e, "unit": by_pk[e._programme.unit_id], "audited": unit, "starts": starts,
                      "ends": ends, "lead": lead, "team": [lead, member], "auditees": auditees, "status": status,
                      "clauses": e._clauses})
    # The bench's checklist: one audit on site today gets 200 items (one is placed today when none
    # fell on today: it takes the place of the last one planned, so the total stays as asked).
    on_site = [p for p in plans if p["status"] == S.IN_PROGRESS] or _place_today(
        plans, entries, by_pk, root, auditor_ids, auditor_units, heads, members, calendar, today)
    if on_site:
        on_site[-1]["showcase"] = True
    plans.sort(key=lambda p: (p["starts"], p["unit"].pk))
    counters = {}
    for p in plans:
        key = (p["unit"].pk, p["starts"].year)
        counters[key] = counters.get(key, 0) + 1
        p["n"] = counters[key]
        p["number"] = NUMBER_PATTERN.format(unit=p["unit"].code, year=p["starts"].year, n=p["n"])
    return plans


def _place_today(plans, entries, by_pk, root, auditor_ids, auditor_units, heads, members, calendar, today):
    """An audit on site today for an entry of this year's province programme (two auditors free
    today, neither of the audited branch), replacing the last audit planned (or the last one)."""
    mine = [e for e in entries if e._programme.year == today.year and e._programme.unit_id == root.pk]
    for e in sorted(mine, key=lambda e: abs(e.planned_month - today.month)):
        unit = by_pk[e.unit_id]
        branch = _branch(unit, root)
        pool = [a for a in auditor_ids if not _own(auditor_units[a], unit, branch)
                and calendar.free((a,), {today})]
        if len(pool) < 2:
            continue
        lead, member = pool[:2]
        calendar.book((lead, member), {today})
        staff = members.get(unit.pk, [])
        plan = {"entry": e, "unit": by_pk[e._programme.unit_id], "audited": unit, "starts": today, "ends": today,
                "lead": lead, "team": [lead, member], "auditees": list(dict.fromkeys(
                    [*(heads.get(unit.pk) or [])[:1], *staff[1:2]])), "status": S.IN_PROGRESS,
                "clauses": e._clauses}
        if plans:
            planned = [i for i, p in enumerate(plans) if p["status"] == S.PLANNED]
            plans.pop(planned[-1] if planned else -1)
        plans.append(plan)
        return [plan]
    return []


def _insert_audits(plans, by_pk, rng, now, history):
    rows = []
    for p in plans:
        status, audited = p["status"], p["audited"]
        a = Audit(number=p["number"], unit_id=p["unit"].pk, kind=Audit.Kind.INTERNAL, programme_entry_id=p["entry"].pk,
                  title=rng.choice(_TITLES).format(u=audited.name), starts_on=p["starts"], ends_on=p["ends"],
                  lead_auditor_id=p["lead"], status=status, report_due=p["ends"] + timedelta(days=14),
                  criteria_note="TCVN ISO 9001:2015; quy trình nội bộ của đơn vị")
        if status in (S.REPORTING, S.CLOSED):
            a.summary = _SUMMARY
        if status == S.CLOSED:
            a.conclusion = _CONCLUSION
            a.report_signed_at = a.closed_at = min(aware(p["ends"] + timedelta(days=rng.randint(3, 14)), 16), now)
        a.normalise_text()
        a._history_date = aware(p["starts"] - timedelta(days=30))
        p["audit"] = a
        rows.append(a)
    rows = bulk_create_with_history(rows, Audit, batch_size=500, **history)
    m2m = {"team": [], "auditees": [], "scope_units": [], "clauses": []}
    for p in plans:
        pk = p["audit"].pk
        m2m["team"] += [(pk, u) for u in p["team"]]
        m2m["auditees"] += [(pk, u) for u in p["auditees"]]
        m2m["scope_units"].append((pk, p["audited"].pk))
        m2m["clauses"] += [(pk, c) for c in p["clauses"]]
    for name, pairs in m2m.items():
        f = Audit._meta.get_field(name)
        through = f.remote_field.through
        owner = through._meta.get_field(f.m2m_field_name()).attname
        member = through._meta.get_field(f.m2m_reverse_field_name()).attname
        through.objects.bulk_create([through(**{owner: a, member: b}) for a, b in pairs], batch_size=2000)
        record_current_sets(Audit, name, [p["audit"].pk for p in plans])
    return rows


def _insert_items(plans, total, clauses, rng, history):
    names = {pk: (number, title) for pk, number, title in clauses}
    showcase = [p for p in plans if p.get("showcase")]
    rest = [p for p in plans if not p.get("showcase")]
    left = max(0, total - SHOWCASE_ITEMS * len(showcase))
    per = [left // len(rest) + (1 if i < left % len(rest) else 0) for i in range(len(rest))] if rest else []
    counts = [(p, n) for p, n in zip(rest, per, strict=True)] + [(p, SHOWCASE_ITEMS) for p in showcase]
    order = [pk for pk, _n, _t in clauses]
    rows = []
    for p, count in counts:
        own = p["clauses"] + [c for c in order if c not in p["clauses"]]
        status = p["status"]
        for position in range(count):
            clause = own[position % len(own)]
            number, title = names[clause]
            question = f"Điều {number} — {title}: đơn vị đáp ứng yêu cầu như thế nào? (câu {position + 1})"
            item = ChecklistItem(audit_id=p["audit"].pk, position=position + 1, clause_id=clause, question=question)
            answered = status in (S.REPORTING, S.CLOSED) or (status == S.IN_PROGRESS and position % 2 == 0)
            if answered:
                answer = _pick(rng, ANSWERS)
                if status == S.CLOSED and answer == ChecklistItem.Answer.NONCONFORMITY:
                    answer = ChecklistItem.Answer.OBSERVATION  # (see the module's text, 4)
                item.answer, item.notes = answer, _NOTES[answer]
                item.answered_by_id, item.answered_at, item.version = p["lead"], aware(p["starts"], 10), 1
            item._history_date = aware(p["starts"] - timedelta(days=7))
            item._plan = p
            rows.append(item)
    return bulk_create_with_history(rows, ChecklistItem, batch_size=2000, **history)


def _insert_findings(plans, items, rng, history):
    grades = {ChecklistItem.Answer.OBSERVATION: (Finding.Grade.OBSERVATION, Finding.Grade.OPPORTUNITY),
              ChecklistItem.Answer.NONCONFORMITY: (Finding.Grade.MINOR, Finding.Grade.MINOR, Finding.Grade.MAJOR)}
    rows, numbers = [], {}
    for item in items:
        if item.answer not in grades:
            continue
        p = item._plan
        numbers[p["audit"].pk] = numbers.get(p["audit"].pk, 0) + 1
        f = Finding(audit_id=p["audit"].pk, number=numbers[p["audit"].pk], grade=rng.choice(grades[item.answer]),
                    unit_id=p["audited"].pk, clause_id=item.clause_id, checklist_item_id=item.pk,
                    requirement=f"TCVN ISO 9001:2015 điều {item.question.split(' ', 2)[1]}", evidence=item.notes,
                    description=item.notes, recorded_by_id=p["lead"])
        f._history_date = aware(p["ends"], 15)
        rows.append(f)
    return bulk_create_with_history(rows, Finding, batch_size=2000, **history)


def _insert_certificates(qms, rng, today, history):
    """Each unit running its QMS holds a current certificate (issued in the last three years; some
    expire within 90 days, so the reminders have work) with its two surveillance audits, and the
    certificate of its previous cycle, withdrawn when the new one replaced it."""
    from .services.certificates import add_years, proposed_surveillance

    rows = []
    for n, unit in enumerate(qms):
        issued = today - timedelta(days=rng.randint(30, 3 * 365 - 10))
        current = Certificate(unit_id=unit.pk, body="QUACERT", number=f"HT {4000 + n}/{issued.year}/QC",
                              standard=Certificate.Standard.TCVN, issued_on=issued,
                              expires_on=add_years(issued, 3) - timedelta(days=1),
                              scope=f"Cung cấp dịch vụ hành chính công tại {unit.name}")
        old_issued = add_years(issued, -3)
        old = Certificate(unit_id=unit.pk, body="QUACERT", number=f"HT {2000 + n}/{old_issued.year}/QC",
                          standard=Certificate.Standard.TCVN, issued_on=old_issued,
                          expires_on=issued + timedelta(days=30), scope=current.scope, is_withdrawn=True,
                          withdrawn_on=issued, withdrawal_reason="Thay bằng chứng nhận của chu kỳ mới.")
        for c in (old, current):
            c._history_date = aware(c.issued_on)
        rows += [old, current]
    rows = bulk_create_with_history(rows, Certificate, batch_size=500, **history)
    visits = [SurveillanceVisit(certificate_id=c.pk, due_on=day)
              for c in rows if not c.is_withdrawn for day in proposed_surveillance(c.issued_on, c.expires_on)]
    visits = bulk_create_with_history(visits, SurveillanceVisit, batch_size=500, **history)
    return len(rows), len(visits)


def _insert_transitions(plans):
    try:
        from .services.plan import WORKFLOW  # the plan part's workflow
    except ImportError:
        return 0
    names = dict(User.objects.filter(pk__in={p["lead"] for p in plans}).values_list("pk", "full_name"))
    content_type = ContentType.objects.get_for_model(Audit)
    records = []
    for p in plans:
        state = S.PLANNED
        for step, name in enumerate(PATH[p["status"]]):
            t = WORKFLOW.get(name)
            day = {0: p["starts"] - timedelta(days=14), 1: p["starts"], 2: p["ends"]}.get(step)
            when = p["audit"].closed_at if name == "close" else aware(day, 8 + step)
            records.append(_record(content_type, p, t, state, names, when))
            state = t.target
    TransitionRecord.objects.bulk_create(records, batch_size=1000)
    return len(records)


def _record(content_type, p, t, state, names, when):
    from qms_portal.workflow import transition_record

    return transition_record(content_type, p["audit"].pk, t, from_state=state, actor_id=p["lead"],
                             actor_name=names.get(p["lead"], ""), at=when)


def _insert_grants(plans):
    perms = {p.codename: p.pk for p in Permission.objects.filter(
        content_type__app_label="audits",
        codename__in=["view_audit", "change_audit", "conduct_audit", "sign_audit_report"])}
    wanted = set()
    for p in plans:
        pk = p["audit"].pk
        for code in ("view_audit", "change_audit", "conduct_audit", "sign_audit_report"):
            wanted.add((p["lead"], pk, code))
        for user in p["team"]:
            wanted.update({(user, pk, "view_audit"), (user, pk, "conduct_audit")})
        for user in p["auditees"]:
            wanted.add((user, pk, "view_audit"))
    rows = [AuditUserObjectPermission(user_id=u, content_object_id=a, permission_id=perms[c])
            for u, a, c in sorted(wanted)]
    AuditUserObjectPermission.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _insert_sequences(plans):
    last = {}
    for p in plans:
        key = (p["unit"].pk, p["starts"].year)
        last[key] = max(last.get(key, 0), p["n"])
    NumberSequence.objects.bulk_create([NumberSequence(unit_id=u, kind=NUMBER_KIND, year=y, last_number=n)
                                        for (u, y), n in last.items()], batch_size=500)


def analyze_models():
    tracked = [AuditProgramme, ProgrammeEntry, Audit, ChecklistItem, Finding, Certificate, SurveillanceVisit]
    return tracked + [m.history.model for m in tracked] + [
        ProgrammeEntry.clauses.through, Audit.team.through, Audit.auditees.through, Audit.scope_units.through,
        Audit.clauses.through, AuditUserObjectPermission, TransitionRecord, NumberSequence]


def data_size():
    return {"audit programmes": AuditProgramme.objects.count(), "programme entries": ProgrammeEntry.objects.count(),
            "audits": Audit.objects.count(), "checklist items": ChecklistItem.objects.count(),
            "findings": Finding.objects.count(), "certificates": Certificate.objects.count()}


class AuditsScale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--audits", type=int, default=2000, help="Audits across the units (default 2000; 0: none).")
        parser.add_argument("--checklist-items", type=int, default=40000,
                            help="Checklist items across the audits, 200 of them on one audit (default 40000).")

    def check(self, options):
        if min(options["audits"], options["checklist_items"]) < 0:
            raise ValueError("--audits and --checklist-items cannot be negative.")
        if options["audits"] and not options["users"]:
            raise ValueError("Audits need people (their auditors and auditees): give --users.")

    def build(self, *, root, options, acting_user):
        return build_audits(root=root, audits=options["audits"], items=options["checklist_items"],
                            rng=random.Random(2029), acting_user=acting_user)

    def describe(self, summary):
        if not summary["audits"]:
            return []
        d = summary
        states = ", ".join(f"{n} {s}" for s, n in d["states"].items() if n)
        return [
            f"{d['programmes']} audit programmes with {d['entries']} entries; {d['audits']} audits ({states}), "
            f"{d['items']} checklist items, {d['findings']} findings ({d['open_findings']} nonconformity findings "
            f"open), {d['transitions']} workflow records, {d['grants']} single-object grants; {d['certificates']} "
            f"certificates with {d['visits']} surveillance audits.",
            f"time: {d['seconds']:.2f} s (" + ", ".join(f"{k} {v:.2f} s" for k, v in d["timings"].items()) + ").",
        ]

    def analyze_models(self):
        return analyze_models()

    def data_size(self):
        return data_size()
