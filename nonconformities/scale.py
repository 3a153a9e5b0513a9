"""Province-sized nonconformity data for the benchmark (``manage.py seed_scale``), registered as the
area's scale builder (``areas.register(scale="nonconformities.scale.NonconformitiesScale")``).

``build_nonconformities(root=…)`` fills the area under a unit tree made by
``qms_portal.bench.scale.build_scale`` (20,000 nonconformities and 40,000 corrective actions by
default), in bulk, in seconds:

1. a plan per nonconformity: its unit (an agency five times as many as a ward or division), its
   reporter (someone working there), its state, detection date, source, grade and clause; its number
   ``{unit}-NC-{year}-{n:03}`` counted per unit and year, as ``next_number`` gives them, and the
   numbering sequences left at the highest number used (the next one raised continues after them);
2. the nonconformities, with one "created" history row each (dated when raised), the cause analysis
   (five whys, fishbone, root cause) for those past it, the verification for those closed or in a
   later round; the search key as ``save()`` writes it (``normalise_text``);
3. the corrective actions of those that reached the action plan (at least one each), their state
   consistent with their nonconformity's (open while it is planned; open, running or done while
   in progress; done or cancelled with a reason once in verification or closed), their due dates
   around today (many running ones overdue: the escalation sweep has work), history rows, the link
   table (and the link set kept with the history, ``record_current_sets``); a few actions serve a
   second nonconformity of the same unit (a systemic fix);
4. each nonconformity's way through the workflow, written by the engine's own record builder
   (``workflow.transition_record``) from the CAPA workflow's transitions, with the "closed"
   signatures of the management representative;
5. the single-object grants the services give: the reporter follows the nonconformity, an
   action's owner sees it, records its progress and sees the nonconformities it serves.

Why bulk and not the services: 60,000 rows through ``nonconformity_create`` and the transitions take
hours (each locks its numbering row, notifies, checks guards). The rules are not written twice: the
states and signatures are the workflow's, the numbers the service's pattern, the actors who the
services would let act (the unit's department head, its nearest management representative, never
an owner as verifier). Nothing is sent: nobody is notified.
"""

import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.history import record_current_sets
from qms_portal.models import NumberSequence, TransitionRecord, Unit, User
from qms_portal.workflow import transition_record

from .models import (
    CorrectiveAction,
    CorrectiveActionUserObjectPermission,
    Nonconformity,
    NonconformityUserObjectPermission,
)
from .services.escalation import DEPARTMENT_HEAD, MANAGEMENT_REPRESENTATIVE, nearest_holders
from .services.nonconformity import NUMBER_KIND, NUMBER_PATTERN, WORKFLOW

S = Nonconformity.Status
A = CorrectiveAction.Status

# The bench's register search: part of one title pattern in eight.
SEARCH_VI = "trễ hạn"

# How far along the CAPA loop the nonconformities are (share, in ‰) and the transitions that took
# each there, in order (the workflow's own transitions: their targets are the statuses).
FATES = [(S.REPORTED, 50), (S.ACCEPTED, 25), (S.REJECTED, 40), (S.CAUSE_ANALYSIS, 45), (S.ACTION_PLAN, 45),
         (S.IN_PROGRESS, 170), (S.VERIFICATION, 45), (S.CLOSED, 580)]
PATHS = {
    S.REPORTED: (), S.ACCEPTED: ("accept",), S.REJECTED: ("reject",),
    S.CAUSE_ANALYSIS: ("accept", "start_analysis"), S.ACTION_PLAN: ("accept", "start_analysis", "plan"),
    S.IN_PROGRESS: ("accept", "start_analysis", "plan", "start"),
    S.VERIFICATION: ("accept", "start_analysis", "plan", "start", "submit_for_verification"),
    S.CLOSED: ("accept", "start_analysis", "plan", "start", "submit_for_verification", "close"),
}
WITH_ACTIONS = (S.ACTION_PLAN, S.IN_PROGRESS, S.VERIFICATION, S.CLOSED)
OWNER_WEIGHT = {Unit.Kind.AGENCY: 5, Unit.Kind.DISTRICT: 3}  # others 1
SHARED_ACTIONS = 0.01  # actions that also serve a second nonconformity of their unit
CANCELLED_SHARE = 0.05

_PROCEDURES = ["cấp giấy phép xây dựng", "đăng ký khai sinh", "chứng thực bản sao", "đăng ký kết hôn",
               "cấp phiếu lý lịch tư pháp", "đăng ký hộ kinh doanh", "thẩm định dự án", "giải quyết khiếu nại",
               "cấp giấy chứng nhận quyền sử dụng đất", "tuyển dụng công chức", "nâng bậc lương",
               "thi đua khen thưởng"]
_TITLES = [
    "Hồ sơ {p} trả trễ hạn so với quy định",
    "Thiếu phiếu kiểm soát quá trình giải quyết hồ sơ {p}",
    "Biểu mẫu {p} sử dụng phiên bản cũ",
    "Chưa cập nhật văn bản pháp luật mới vào quy trình {p}",
    "Hồ sơ lưu {p} không đủ thành phần",
    "Không có bằng chứng xem xét của lãnh đạo đối với hồ sơ {p}",
    "Sổ theo dõi {p} ghi chép không đầy đủ",
    "Công dân phản ánh thái độ phục vụ khi tiếp nhận hồ sơ {p}",
]
_WHYS = ["Hồ sơ chờ ký quá lâu", "Lãnh đạo đi công tác, không ủy quyền", "Quy trình không quy định người ký thay",
         "Chưa rà soát quy trình sau khi thay đổi tổ chức"]
_ROOT = "Quy trình chưa quy định việc ủy quyền ký và theo dõi thời hạn giải quyết."
_ACTIONS = ["Bổ sung bước kiểm tra thời hạn vào quy trình", "Tập huấn lại cho công chức một cửa",
            "Cập nhật biểu mẫu lên phiên bản mới", "Ban hành quyết định ủy quyền ký",
            "Rà soát toàn bộ hồ sơ lưu năm nay", "Thiết lập cảnh báo trễ hạn trên phần mềm một cửa"]


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _spread(total, weights, rng):
    """``total`` split over ``weights`` (whole numbers, the remainder at random)."""
    whole = sum(weights) or 1
    counts = [total * w // whole for w in weights]
    for i in rng.sample(range(len(weights)), total - sum(counts)) if weights else ():
        counts[i] += 1
    return counts


def _fate(rng):
    pick = rng.randrange(1000)
    for status, share in FATES:
        if pick < share:
            return status
        pick -= share
    return S.CLOSED


@transaction.atomic
def build_nonconformities(*, root, nonconformities=20000, actions=40000, rng=None, acting_user=None):
    """Fill the nonconformities area under ``root`` (see the module's text). Returns a summary."""
    started = time.perf_counter()
    rng = rng or random.Random(2028)
    summary = {"nonconformities": 0, "actions": 0, "timings": {}}
    if nonconformities <= 0:
        return summary | {"seconds": 0.0}
    timings = summary["timings"]
    tick = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = [u for u in Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
             .only("pk", "code", "kind", "path", "depth")]
    members = {}
    for pk, unit_id in User.objects.filter(is_active=True, primary_unit__path__startswith=root.path) \
            .exclude(is_superuser=True).order_by("pk").values_list("pk", "primary_unit_id"):
        members.setdefault(unit_id, []).append(pk)
    units = [u for u in units if members.get(u.pk)]
    if not units:
        raise ValueError(f"Nobody works under {root.code}: build the people first.")
    heads = nearest_holders(DEPARTMENT_HEAD, units)
    reps = nearest_holders(MANAGEMENT_REPRESENTATIVE, units)
    from documents.models import Clause

    clauses = list(Clause.objects.values_list("pk", flat=True))
    timings["setup"] = time.perf_counter() - tick

    tick = time.perf_counter()
    plans = _plan(units, members, heads, reps, clauses, nonconformities, rng, today)
    ncs = _insert_nonconformities(plans, history, acting, now)
    timings["nonconformities"] = time.perf_counter() - tick
    tick = time.perf_counter()
    rows, links = _insert_actions(plans, actions, members, rng, today, history)
    timings["actions"] = time.perf_counter() - tick
    tick = time.perf_counter()
    records = _insert_transitions(plans, acting)
    grants = _insert_grants(plans, rows, links)
    _insert_sequences(plans)
    timings["transitions, signatures, grants"] = time.perf_counter() - tick
    overdue = sum(1 for a in rows if a.status in (A.OPEN, A.IN_PROGRESS) and a.due < today)
    summary.update({
        "nonconformities": len(ncs), "actions": len(rows), "shared_actions": len(links) - len(rows),
        "open": sum(1 for p in plans if p["status"] not in (S.CLOSED, S.REJECTED)), "overdue_actions": overdue,
        "transitions": records, "grants": grants, "units": len({p["unit"].pk for p in plans}),
        "seconds": time.perf_counter() - started,
    })
    return summary


def _plan(units, members, heads, reps, clauses, total, rng, today):
    plans = []
    per_unit = _spread(total, [OWNER_WEIGHT.get(u.kind, 1) for u in units], rng)
    for unit, count in zip(units, per_unit, strict=True):
        staff = members[unit.pk]
        head = (heads.get(unit.pk) or staff)[0]
        rep = (reps.get(unit.pk) or [head])[0]
        for _n in range(count):
            status = _fate(rng)
            age = rng.randint(0, 1000) if status == S.CLOSED else rng.randint(0, 240)
            detected = today - timedelta(days=age)
            p = rng.choice(_PROCEDURES)
            # the days from its detection to its latest transition (a closed one: to its closing)
            span = min(45 if status == S.CLOSED else 20, max(age - 1, 0))
            plans.append({
                "span": span,
                "unit": unit, "status": status, "detected": detected, "reporter": rng.choice(staff),
                "head": head, "rep": rep, "staff": staff,
                "title": rng.choice(_TITLES).format(p=p), "procedure_text": p,
                "source": rng.choice(Nonconformity.Source.values),
                "grade": Nonconformity.Grade.MAJOR if rng.random() < 0.1 else Nonconformity.Grade.MINOR,
                "clause": rng.choice(clauses) if clauses and rng.random() < 0.8 else None,
            })
    # Numbers in detection order, per unit and year (the order next_number would have given them).
    plans.sort(key=lambda p: (p["detected"], p["unit"].pk))
    counters = {}
    for p in plans:
        key = (p["unit"].pk, p["detected"].year)
        counters[key] = counters.get(key, 0) + 1
        p["n"] = counters[key]
        p["number"] = NUMBER_PATTERN.format(unit=p["unit"].code, year=p["detected"].year, n=p["n"])
    return plans


def _insert_nonconformities(plans, history, acting, now):
    stubs = {}
    rows = []
    for p in plans:
        status = p["status"]
        created = aware(p["detected"], 8)
        analysed = status in WITH_ACTIONS
        nc = Nonconformity(
            number=p["number"], unit_id=p["unit"].pk, source=p["source"], grade=p["grade"], title=p["title"],
            description=f"Khi kiểm tra hồ sơ {p['procedure_text']} phát hiện: {p['title'].lower()}.",
            detected_on=p["detected"], reported_by_id=p["reporter"], clause_id=p["clause"],
            containment="Đã liên hệ công dân và xử lý ngay hồ sơ." if status != S.REPORTED else "",
            five_whys=list(_WHYS) if analysed else [], fishbone={"method": [_WHYS[2]], "people": [_WHYS[1]]}
            if analysed else {}, root_cause=_ROOT if analysed else "",
            rejection_reason="Không phải sự không phù hợp: hồ sơ được gia hạn hợp lệ." if status == S.REJECTED else "",
            status=status, created_at=created,
        )
        if status == S.CLOSED:
            closed = min(aware(p["detected"] + timedelta(days=p["span"]), 15), now)
            nc.closed_at = nc.verified_at = closed
            nc.verified_by_id, nc.effective = p["rep"], True
            nc.verification_note = "Ba tháng sau không còn hồ sơ trễ hạn."
        nc.normalise_text()  # NFC and the search key, as save() does (bulk_create does not)
        nc._history_date = created
        if p["reporter"] not in stubs:
            stubs[p["reporter"]] = User(pk=p["reporter"])
        nc._history_user = stubs[p["reporter"]]
        p["nc"] = nc
        rows.append(nc)
    return bulk_create_with_history(rows, Nonconformity, batch_size=500, **history)


def _action_counts(plans, total, rng):
    """At least one action per nonconformity that reached the action plan, the rest at random."""
    eligible = [p for p in plans if p["status"] in WITH_ACTIONS]
    if not eligible:
        return []
    counts = [1] * len(eligible)
    for _ in range(max(0, total - len(eligible))):
        counts[rng.randrange(len(eligible))] += 1
    return list(zip(eligible, counts, strict=True))


def _action_state(status, rng, today, detected, span):
    """(status, due, completed_at day) of an action of a nonconformity in ``status``."""
    if status == S.ACTION_PLAN:
        return A.OPEN, today + timedelta(days=rng.randint(3, 60)), None
    if status == S.IN_PROGRESS:
        pick = rng.random()
        due = today + timedelta(days=rng.randint(-60, 30))
        if pick < 0.35:
            return A.OPEN, due, None
        if pick < 0.7:
            return A.IN_PROGRESS, due, None
        return A.DONE, due, min(today, due)
    due = detected + timedelta(days=rng.randint(10, 40))
    if rng.random() < CANCELLED_SHARE:
        return A.CANCELLED, due, None
    # done before its nonconformity went to verification (the last quarter of its way)
    return A.DONE, due, min(today, due, detected + timedelta(days=span * 3 // 4))


def _insert_actions(plans, total, members, rng, today, history):
    rows, owners = [], []
    for p, count in _action_counts(plans, total, rng):
        created = aware(p["detected"] + timedelta(days=3), 10)
        candidates = [pk for pk in p["staff"] if pk != p["rep"]] or p["staff"]
        for _ in range(count):
            status, due, done_on = _action_state(p["status"], rng, today, p["detected"], p["span"])
            action = CorrectiveAction(
                unit_id=p["unit"].pk, kind=rng.choice(CorrectiveAction.Kind.values), description=rng.choice(_ACTIONS),
                owner_id=rng.choice(candidates), original_due=due, due=due, status=status,
                cancel_reason="Trùng với hành động khắc phục khác." if status == A.CANCELLED else "",
                completion_note="Đã thực hiện, có biên bản kèm theo." if status == A.DONE else "",
                completed_at=aware(done_on, 16) if done_on else None, created_at=created,
            )
            action._history_date = created
            action._nc = p
            rows.append(action)
            owners.append(action.owner_id)
    rows = bulk_create_with_history(rows, CorrectiveAction, batch_size=500, **history)
    through = CorrectiveAction.nonconformities.through
    links = [through(correctiveaction_id=a.pk, nonconformity_id=a._nc["nc"].pk) for a in rows]
    by_unit = {}
    for p in plans:
        if p["status"] in (S.IN_PROGRESS, S.ACTION_PLAN):
            by_unit.setdefault(p["unit"].pk, []).append(p)
    for action in rows:
        if action.status in (A.OPEN, A.IN_PROGRESS) and rng.random() < SHARED_ACTIONS * 3:
            # (an action already started serves only nonconformities whose actions are under way:
            # a plan's actions are all still open)
            other = [p for p in by_unit.get(action.unit_id, ()) if p is not action._nc
                     and (action.status == A.OPEN or p["status"] == S.IN_PROGRESS)][:5]
            if other:
                links.append(through(correctiveaction_id=action.pk, nonconformity_id=rng.choice(other)["nc"].pk))
    through.objects.bulk_create(links, batch_size=1000)
    record_current_sets(CorrectiveAction, "nonconformities", [a.pk for a in rows])
    for action in rows:
        action._nc.setdefault("actions", []).append(action)
    return rows, links


def _insert_transitions(plans, acting):
    """Each nonconformity's way through the CAPA workflow: the engine's record of each transition."""
    names = dict(User.objects.filter(pk__in={p[k] for p in plans for k in ("head", "rep", "reporter")})
                 .values_list("pk", "full_name"))
    content_type = ContentType.objects.get_for_model(Nonconformity)
    records = []
    for p in plans:
        state, start = S.REPORTED, aware(p["detected"], 9)
        path = PATHS[p["status"]]
        for step, name in enumerate(path, start=1):
            t = WORKFLOW.get(name)
            actor = p["rep"] if name == "close" else p["head"]
            # spread over its span, in order (the closing at the nonconformity's own closing time)
            when = p["nc"].closed_at if name == "close" else start + timedelta(hours=step, days=p["span"] * (step - 1)
                                                                                               // len(path))
            records.append(transition_record(content_type, p["nc"].pk, t, from_state=state, actor_id=actor,
                                             actor_name=names.get(actor, ""), at=when,
                                             reason=p["nc"].rejection_reason if name == "reject" else ""))
            state = t.target
    TransitionRecord.objects.bulk_create(records, batch_size=1000)
    return len(records)


def _insert_grants(plans, actions, links):
    """The single-object grants the services give (``permissions.grant``): the reporter and the
    owners follow the nonconformity; an owner sees the action and records its progress."""
    perms = {p.codename: p.pk for p in Permission.objects.filter(
        content_type__app_label="nonconformities",
        codename__in=["view_nonconformity", "view_correctiveaction", "complete_correctiveaction"])}
    nc_grants = {(p["reporter"], p["nc"].pk) for p in plans}
    owner_of = {a.pk: a.owner_id for a in actions}
    nc_grants |= {(owner_of[link.correctiveaction_id], link.nonconformity_id) for link in links}
    view = perms["view_nonconformity"]
    rows = [NonconformityUserObjectPermission(user_id=user, content_object_id=nc, permission_id=view)
            for user, nc in sorted(nc_grants)]
    NonconformityUserObjectPermission.objects.bulk_create(rows, batch_size=2000)
    action_rows = [CorrectiveActionUserObjectPermission(user_id=a.owner_id, content_object_id=a.pk,
                                                        permission_id=perms[code])
                   for a in actions for code in ("view_correctiveaction", "complete_correctiveaction")]
    CorrectiveActionUserObjectPermission.objects.bulk_create(action_rows, batch_size=2000)
    return len(rows) + len(action_rows)


def _insert_sequences(plans):
    """The numbering sequences at the highest number used, per unit and year."""
    last = {}
    for p in plans:
        key = (p["unit"].pk, p["detected"].year)
        last[key] = max(last.get(key, 0), p["n"])
    NumberSequence.objects.bulk_create(
        [NumberSequence(unit_id=unit_id, kind=NUMBER_KIND, year=year, last_number=n)
         for (unit_id, year), n in last.items()], batch_size=500)


def analyze_models():
    tracked = [Nonconformity, CorrectiveAction]
    return tracked + [m.history.model for m in tracked] + [
        CorrectiveAction.nonconformities.through, NonconformityUserObjectPermission,
        CorrectiveActionUserObjectPermission, TransitionRecord, NumberSequence]


def data_size():
    return {"nonconformities": Nonconformity.objects.count(), "corrective actions": CorrectiveAction.objects.count()}


class NonconformitiesScale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--nonconformities", type=int, default=20000,
                            help="Nonconformities across the units (default 20000; 0: none).")
        parser.add_argument("--actions", type=int, default=40000,
                            help="Corrective actions, at least one per nonconformity that reached its action "
                                 "plan (default 40000).")

    def check(self, options):
        if min(options["nonconformities"], options["actions"]) < 0:
            raise ValueError("--nonconformities and --actions cannot be negative.")
        if options["nonconformities"] and not options["users"]:
            raise ValueError("Nonconformities need people (their reporters and owners): give --users.")

    def build(self, *, root, options, acting_user):
        return build_nonconformities(root=root, nonconformities=options["nonconformities"],
                                     actions=options["actions"], rng=random.Random(2028), acting_user=acting_user)

    def describe(self, summary):
        if not summary["nonconformities"]:
            return []
        d = summary
        return [
            f"{d['nonconformities']} nonconformities in {d['units']} units ({d['open']} open), {d['actions']} "
            f"corrective actions ({d['overdue_actions']} overdue, {d['shared_actions']} serving a second "
            f"nonconformity), {d['transitions']} workflow records, {d['grants']} single-object grants.",
            f"time: {d['seconds']:.2f} s (" + ", ".join(f"{k} {v:.2f} s" for k, v in d["timings"].items()) + ").",
        ]

    def analyze_models(self):
        return analyze_models()

    def data_size(self):
        return data_size()
