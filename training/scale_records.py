"""The records part of ``manage.py seed_scale`` (in ``training.scale.TrainingScale``), built after
the sessions part's sessions and participants:

* feedback from ``--training-feedback-share`` (default 0.4) of the participants present at sessions
  held or closed, ratings spread over 2–5, a comment on one in five;
* an effectiveness check (due three months after the session) for each present participant of a
  closed session that has none (the sessions part makes them when a session is closed through its
  service; bulk-built sessions may have none), half of those due in the past recorded;
* when no session has 200 participants, one held session of 200 people of the tree's units (the
  attendance sheet's benchmark), present but a few absent on official business.

In bulk (``bulk_create_with_history``), in one transaction; the rules are the services' (only those
present give feedback; a check per participation); nobody is notified."""

import random
import time
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import User

from .models import Course, EffectivenessCheck, Feedback, Participant, Session

A = Participant.Attendance
HELD = (Session.Status.HELD, Session.Status.CLOSED)
BENCH_SIZE = 200
COMMENTS = ["Nội dung thiết thực, dễ áp dụng.", "Cần thêm ví dụ thực tế.", "培训内容实用，讲师讲解清楚。",
            "Thời lượng hơi ngắn.", "希望提供更多案例。"]


def _bench_session(root, rng, acting_user):
    """A held session of 200 participants under ``root`` (when none has that many yet)."""
    biggest = (Session.objects.filter(unit__path__startswith=root.path).annotate(n=Count("participants"))
               .order_by("-n").values_list("n", flat=True).first())
    if biggest and biggest >= BENCH_SIZE:
        return 0
    people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                  .only("pk", "primary_unit_id").order_by("pk")[:BENCH_SIZE])
    if len(people) < BENCH_SIZE:
        return 0
    course = Course.objects.filter(topic=Course.Topic.AWARENESS).first() or Course.objects.create(
        code="ISO-AWARE-BENCH", title="Nhận thức ISO 9001:2015 cho cán bộ, công chức", topic=Course.Topic.AWARENESS,
        duration_hours=8)
    starts = timezone.now() - timedelta(days=10)
    history = {"default_user": acting_user} if acting_user else {}
    [session] = bulk_create_with_history([Session(
        course=course, unit=root, number=f"{root.code}-TS-BENCH-200", external_trainer="Trung tâm Năng suất Chất lượng",
        starts_at=starts, ends_at=starts + timedelta(hours=8), place="Hội trường lớn", status=Session.Status.HELD,
        capacity=BENCH_SIZE)], Session, **history)
    rows = []
    for i, person in enumerate(people):
        absent = i % 40 == 39
        rows.append(Participant(session_id=session.pk, user_id=person.pk, unit_id=person.primary_unit_id,
                                via=Participant.Via.UNIT, attendance=A.ABSENT if absent else A.PRESENT,
                                absence_reason="Đi công tác" if absent else "", marked_at=starts))
    bulk_create_with_history(rows, Participant, batch_size=1000, **history)
    return len(rows)


def build_records(*, root, share=0.4, rng=None, acting_user=None, today=None):
    started = time.perf_counter()
    rng = rng or random.Random(2041)
    today = today or timezone.localdate()
    history = {"default_user": acting_user} if acting_user else {}
    summary = {"feedback": 0, "checks": 0, "bench_participants": _bench_session(root, rng, acting_user)}
    present = (Participant.objects.filter(session__unit__path__startswith=root.path, session__status__in=HELD,
                                          attendance=A.PRESENT)
               .annotate(has_feedback=Exists(Feedback.objects.filter(participant=OuterRef("pk"))),
                         has_check=Exists(EffectivenessCheck.objects.filter(participant=OuterRef("pk"))))
               .values_list("pk", "has_feedback", "has_check", "session__status", "session__ends_at")
               .order_by("pk"))
    feedback, checks = [], []
    for pk, has_feedback, has_check, status, ends_at in present.iterator(chunk_size=5000):
        if not has_feedback and rng.random() < share:
            overall = rng.choice([2, 3, 4, 4, 5, 5])
            feedback.append(Feedback(participant_id=pk, relevance=min(5, overall + rng.randint(0, 1)),
                                     content=overall, trainer=min(5, overall + rng.randint(-1, 1)) or 1,
                                     overall=overall, comment=rng.choice(COMMENTS) if rng.random() < 0.2 else ""))
        if not has_check and status == Session.Status.CLOSED:
            due = timezone.localdate(ends_at) + timedelta(days=91)
            done = due < today and rng.random() < 0.5
            checks.append(EffectivenessCheck(participant_id=pk, due_on=due,
                                             rating=rng.choice(["effective", "effective", "partly"]) if done else "",
                                             note="Áp dụng đúng quy trình sau đào tạo." if done else "",
                                             checked_on=due + timedelta(days=rng.randint(0, 20)) if done else None))
        if len(feedback) >= 5000:
            summary["feedback"] += len(bulk_create_with_history(feedback, Feedback, batch_size=1000, **history))
            feedback = []
        if len(checks) >= 5000:
            summary["checks"] += len(bulk_create_with_history(checks, EffectivenessCheck, batch_size=1000, **history))
            checks = []
    if feedback:
        summary["feedback"] += len(bulk_create_with_history(feedback, Feedback, batch_size=1000, **history))
    if checks:
        summary["checks"] += len(bulk_create_with_history(checks, EffectivenessCheck, batch_size=1000, **history))
    summary["seconds"] = time.perf_counter() - started
    return summary


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--training-feedback-share", type=float, default=0.4,
                            help="Share of the participants present who gave feedback (default 0.4).")

    def check(self, options):
        if not 0 <= options["training_feedback_share"] <= 1:
            raise ValueError("--training-feedback-share must be between 0 and 1.")

    def build(self, *, root, options, acting_user):
        return build_records(root=root, share=options["training_feedback_share"], acting_user=acting_user)

    def describe(self, summary):
        lines = [f"{summary['feedback']} training feedback forms and {summary['checks']} effectiveness checks "
                 f"({summary['seconds']:.2f} s)."]
        if summary.get("bench_participants"):
            lines.append(f"A held session of {summary['bench_participants']} participants (the attendance sheet's "
                         "benchmark).")
        return lines

    def analyze_models(self):
        return [Feedback, EffectivenessCheck, Feedback.history.model, EffectivenessCheck.history.model]

    def data_size(self):
        return {"training feedback": Feedback.objects.count(),
                "effectiveness checks": EffectivenessCheck.objects.count()}



