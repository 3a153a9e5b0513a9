"""Province-sized training sessions for ``manage.py seed_scale`` (the sessions part of
``training.scale.TrainingScale``): by default 2,000 sessions with 60,000 participants, in bulk
(``bulk_create_with_history``), in one transaction.

* The catalogue comes from the services (three competences, three courses: made once).
* Sessions go round the active units under the root, over the past three years and the coming two
  months; numbered ``{unit}-TRN-{year}-{n:03}`` as the service numbers them (its pattern and kind),
  the numbering sequences left at the highest number used. Past sessions are closed (one in twenty
  cancelled), the coming ones invited. Every session has an outside trainer (the service's rule: a
  trainer is named).
* Participants: the people of the session's unit first, then of the whole tree, never twice in one
  session; in a closed session most are present, some absent with their reason (the rule: an
  absence has a reason), a few excused; in a coming one, not recorded yet. One session (the bench's)
  has 200 people and started an hour ago: its attendance is being marked.
* Not made here: qualifications and effectiveness checks (the competence part's scale builds the
  qualifications), transition records, notifications.
"""

import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder, scale_actor
from qms_portal.models import NumberSequence, Unit, User
from qms_portal.search import searchable

from .models import Competence, Course, Participant, Session
from .services import sessions as services

BIG = 200  # the bench's session
PLACES = ["Hội trường tầng 3", "Phòng họp số 2", "会议室 301", "Trực tuyến (Zoom)", "培训中心"]
TRAINERS = [("Nguyễn Thị Hằng", "QUACERT"), ("单洪", "北京国环咨询中心"), ("Trần Văn Quang", "Trường Chính trị tỉnh")]
REASONS = ["Đi công tác", "因公外出", "Nghỉ phép", "On official business"]
A = Participant.Attendance


def _catalogue(acting):
    comps = {}
    for code, name, months in (("iso-awareness", "ISO 9001 awareness", None),
                               ("internal-auditor", "Internal auditor", 36),
                               ("document-control", "Document control", 24)):
        comps[code] = Competence.objects.filter(code=code).first() or services.competence_create(
            acting_user=acting, code=code, name_en=name, validity_months=months)
    courses = []
    for code, title, topic, comp, mark in (
            ("AW-9001", "Nhận thức về ISO 9001", Course.Topic.AWARENESS, "iso-awareness", None),
            ("IA-9001", "Chuyên gia đánh giá nội bộ", Course.Topic.INTERNAL_AUDITOR, "internal-auditor", 70),
            ("DC-01", "Kiểm soát tài liệu", Course.Topic.DOCUMENT_CONTROL, "document-control", None)):
        courses.append(Course.objects.filter(code=code).first() or services.course_create(
            acting_user=acting, code=code, title=title, topic=topic, competences=[comps[comp]], pass_mark=mark))
    return courses


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def build_sessions(*, root, sessions=2000, participants=60000, rng=None, acting_user=None):
    started = time.perf_counter()
    rng = rng or random.Random(2042)
    if sessions <= 0:
        return {"sessions": 0, "participants": 0, "seconds": 0.0}
    now = timezone.now()
    today = timezone.localdate(now)
    acting = scale_actor(acting_user)
    history = {"default_user": acting, "default_date": now}
    courses = _catalogue(acting)
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path").only("pk", "code"))
    people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                  .values_list("pk", "primary_unit_id"))
    by_unit = {}
    for pk, unit_id in people:
        by_unit.setdefault(unit_id, []).append(pk)
    everyone = [pk for pk, _u in people]
    rows, numbers = [], {}
    # the bench's session: held by the unit with the most people (its attendees are its own)
    biggest = max(by_unit, key=lambda u: len(by_unit[u]), default=None)
    big_unit = next((u for u in units if u.pk == biggest), units[0])
    for i in range(sessions):
        unit = big_unit if i == 0 else units[i % len(units)]
        if i == 0:
            starts = (now - timedelta(hours=1)).replace(microsecond=0)
        else:
            starts = _aware(today - timedelta(days=rng.randint(-60, 3 * 365)), rng.choice([8, 9, 13, 14]))
        year = timezone.localtime(starts).year
        numbers[unit.pk, year] = numbers.get((unit.pk, year), 0) + 1
        number = services.NUMBER_PATTERN.format(unit=unit.code, year=year, n=numbers[unit.pk, year])
        course = courses[i % len(courses)]
        trainer, organisation = TRAINERS[i % len(TRAINERS)]
        if i == 0:
            status = Session.Status.HELD
        elif starts > now:
            status = Session.Status.INVITED
        else:
            status = Session.Status.CANCELLED if i % 20 == 0 else Session.Status.CLOSED
        place = PLACES[i % len(PLACES)]
        s = Session(course_id=course.pk, unit_id=unit.pk, number=number, external_trainer=trainer,
                    external_organisation=organisation, starts_at=starts, ends_at=starts + timedelta(hours=4),
                    mode=Session.Mode.ONLINE if "Zoom" in place else Session.Mode.IN_PERSON, place=place,
                    capacity=BIG if i == 0 else 40, status=status)
        s.search_key = searchable(f"{number} {course.code} {course.title} {place}")[:800]
        s._history_date = starts - timedelta(days=14)
        rows.append(s)
    rows = bulk_create_with_history(rows, Session, batch_size=500, **history)
    others = [s for s in rows[1:] if s.status != Session.Status.CANCELLED] or rows[1:]
    rest = max(participants - BIG, 0)
    share = {s.pk: rest // len(others) + (1 if k < rest % len(others) else 0) for k, s in enumerate(others)}
    share[rows[0].pk] = min(BIG, participants)
    unit_of = {}
    for pk, unit_id in people:
        unit_of[pk] = unit_id
    made, batch, largest = 0, [], 0
    for s in rows:
        wanted = share.get(s.pk, 0)
        if not wanted:
            continue
        chosen = list(dict.fromkeys(by_unit.get(s.unit_id, [])[:wanted]))
        if len(chosen) < wanted:
            pool = rng.sample(everyone, min(len(everyone), wanted * 2))
            chosen += [pk for pk in pool if pk not in set(chosen)][:wanted - len(chosen)]
        if s.pk == rows[0].pk:
            largest = len(chosen)
        for k, user_id in enumerate(chosen):
            p = Participant(session_id=s.pk, user_id=user_id, unit_id=unit_of[user_id],
                            via=Participant.Via.UNIT if k % 4 else Participant.Via.PERSON)
            if s.status == Session.Status.CLOSED:
                roll = rng.random()
                if roll < 0.9:
                    p.attendance = A.PRESENT
                    if s.course_id == courses[1].pk:
                        p.score = rng.randint(55, 98)
                elif roll < 0.97:
                    p.attendance, p.absence_reason = A.ABSENT, REASONS[k % len(REASONS)]
                else:
                    p.attendance = A.EXCUSED
                p.marked_by_id, p.marked_at = acting.pk, s.ends_at
            batch.append(p)
        if len(batch) >= 5000:
            made += len(bulk_create_with_history(batch, Participant, batch_size=2000, **history))
            batch = []
    made += len(bulk_create_with_history(batch, Participant, batch_size=2000, **history)) if batch else 0
    existing = set(NumberSequence.objects.filter(kind=services.NUMBER_KIND).values_list("unit_id", "year"))
    NumberSequence.objects.bulk_create([NumberSequence(unit_id=u, kind=services.NUMBER_KIND, year=y, last_number=n)
                                        for (u, y), n in numbers.items() if (u, y) not in existing], batch_size=500)
    return {"sessions": len(rows), "participants": made, "largest": largest,
            "closed": sum(1 for s in rows if s.status == Session.Status.CLOSED),
            "seconds": time.perf_counter() - started}


def largest_session():
    """The session with the most participants (the bench's session and attendance pages)."""
    return Session.objects.annotate(n=Count("participants")).order_by("-n", "pk").only("pk").first()


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--training-sessions", type=int, default=2000,
                            help="Training sessions (default 2000; 0: none).")
        parser.add_argument("--training-participants", type=int, default=60000,
                            help="Participants across the sessions, 200 on one (default 60000).")

    def check(self, options):
        if min(options["training_sessions"], options["training_participants"]) < 0:
            raise ValueError("--training-sessions and --training-participants cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_sessions(root=root, sessions=options["training_sessions"],
                              participants=options["training_participants"], acting_user=acting_user)

    def describe(self, summary):
        if not summary["sessions"]:
            return []
        return [f"{summary['sessions']} training sessions ({summary['closed']} closed) with "
                f"{summary['participants']} participants (the largest: {summary['largest']}); "
                f"time: {summary['seconds']:.2f} s."]

    def analyze_models(self):
        return [Session, Participant, NumberSequence]

    def data_size(self):
        return {"training sessions": Session.objects.count(), "training participants": Participant.objects.count()}
