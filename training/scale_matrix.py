"""Province-sized data for the training matrix (``manage.py seed_scale``, the matrix part of
``training.scale.TrainingScale``, after the sessions, records and competence parts):

* requirements from the root down: every staff member's ISO 9001 awareness, internal auditors'
  internal auditor course, document controllers' document control training, department heads'
  ISO 9001 awareness for leaders (the competences looked up by code, made when missing);
* more role assignments: one person in twenty of each unit also an internal auditor of their unit
  (so that the internal auditor column has people in every unit);
* when the competence part left fewer qualifications for these competences than there are people,
  qualifications for about three in four people and requirement (valid, expiring within 90 days,
  expired), so that every state of a cell has rows;
* ``--matrix-revisions`` (default 3) effective revisions distributed to the most people, marked
  "needs training", each with a course and a session held last month that half their readers
  attended (present) and a few missed.

In bulk (``bulk_create_with_history``), in one transaction, in seconds. Nobody is notified."""

import random
import time
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from documents.models import Acknowledgement, Revision
from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import Role, RoleAssignment, User

from .models import Competence, CompetenceRequirement, Course, Participant, Qualification, Session

COMPETENCES = [  # code, English, Vietnamese, months, the role that needs it
    ("iso-awareness", "ISO 9001 awareness", "Nhận thức về ISO 9001", 36, "staff"),
    ("internal-auditor", "Internal auditor course", "Đánh giá viên nội bộ", 36, "internal_auditor"),
    ("document-control", "Document control", "Kiểm soát tài liệu", 24, "document_controller"),
    ("iso-leadership", "ISO 9001 for leaders", "ISO 9001 dành cho lãnh đạo", 48, "department_head"),
]


def _competences(acting, history):
    found = {c.code: c for c in Competence.objects.filter(code__in=[row[0] for row in COMPETENCES])}
    missing = [Competence(code=code, name_en=en, name_vi=vi, validity_months=months)
               for code, en, vi, months, _role in COMPETENCES if code not in found]
    for made in bulk_create_with_history(missing, Competence, **history):
        found[made.code] = made
    return found


def build_matrix(*, root, revisions=3, rng=None, acting_user=None):
    started = time.perf_counter()
    rng = rng or random.Random(2032)
    now = timezone.now()
    today = timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    summary = {"requirements": 0, "assignments": 0, "qualifications": 0, "revisions": 0, "participants": 0}
    competences = _competences(acting, history)
    roles = {r.code: r for r in Role.objects.filter(code__in=[row[4] for row in COMPETENCES])}
    existing = set(CompetenceRequirement.objects.filter(unit=root).values_list("role_id", "competence_id"))
    wanted = [CompetenceRequirement(role=roles[role], competence=competences[code], unit=root)
              for code, _en, _vi, _m, role in COMPETENCES
              if role in roles and (roles[role].pk, competences[code].pk) not in existing]
    summary["requirements"] = len(bulk_create_with_history(wanted, CompetenceRequirement, **history))

    people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                  .order_by("pk").values_list("pk", "primary_unit_id"))
    auditor = roles.get("internal_auditor")
    if auditor is not None:
        held = set(RoleAssignment.objects.current().filter(role=auditor).values_list("user_id", "unit_id"))
        extra = [RoleAssignment(user_id=pk, role=auditor, unit_id=unit_id, include_subunits=False, granted_by=acting)
                 for n, (pk, unit_id) in enumerate(people) if n % 20 == 7 and (pk, unit_id) not in held]
        summary["assignments"] = len(bulk_create_with_history(extra, RoleAssignment, batch_size=500, **history))

    codes = [c.pk for c in competences.values()]
    if Qualification.objects.filter(competence_id__in=codes, user__primary_unit__path__startswith=root.path
                                    ).count() < len(people):
        rows = []
        for pk, _unit in people:
            for code, _en, _vi, months, _role in COMPETENCES:
                if code != "iso-awareness" and rng.random() > 0.15:
                    continue
                if rng.random() > 0.75:
                    continue  # a gap
                left = rng.choice([400, 300, 200, 60, 30, -20, -200])  # days until it expires
                until = today + timedelta(days=left)
                obtained = until - timedelta(days=months * 30)
                rows.append(Qualification(user_id=pk, competence=competences[code], obtained_on=obtained,
                                          valid_until=until, outside_body="Trường Chính trị tỉnh"))
        summary["qualifications"] = len(bulk_create_with_history(rows, Qualification, batch_size=1000, **history))

    picked = list(Revision.objects.filter(status=Revision.Status.EFFECTIVE, document__unit__path__startswith=root.path,
                                          needs_training=False, legal_refs__isnull=True)
                  .annotate(people=Count("acknowledgements")).filter(people__gt=0)
                  .select_related("document", "document__unit").order_by("-people", "pk")[:revisions])
    start = now - timedelta(days=30)
    for revision in picked:
        revision.needs_training = True
        revision._history_user = acting
        # A handful of rows, each saved with its history (revisions without a legal basis: a new
        # historical record copies the set, which the documents' builder wrote once per revision).
        revision.save()
        course = Course(code=f"SCALE-{revision.document.code}-{revision.label}"[:40],
                        title=f"Tập huấn {revision.document.code} lần ban hành {revision.label}",
                        topic=Course.Topic.PROCEDURE, revision=revision)
        course = bulk_create_with_history([course], Course, **history)[0]
        session = bulk_create_with_history([Session(course=course, unit=revision.document.unit, starts_at=start,
                                                    ends_at=start + timedelta(hours=2),
                                                    status=Session.Status.HELD)], Session, **history)[0]
        acks = list(Acknowledgement.objects.filter(revision=revision).values_list("user_id", "unit_id"))
        rows = []
        for n, (user_id, unit_id) in enumerate(acks):
            if n % 2:
                continue
            absent = n % 20 == 0
            rows.append(Participant(session=session, user_id=user_id, unit_id=unit_id, via=Participant.Via.UNIT,
                                    attendance=Participant.Attendance.ABSENT if absent
                                    else Participant.Attendance.PRESENT,
                                    absence_reason="Đi công tác" if absent else ""))
        summary["participants"] += len(bulk_create_with_history(rows, Participant, batch_size=1000, **history))
        summary["revisions"] += 1
    summary["seconds"] = time.perf_counter() - started
    return summary


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--matrix-revisions", type=int, default=3,
                            help="Effective revisions marked 'needs training', each with a session (default 3).")

    def check(self, options):
        if options.get("matrix_revisions", 3) < 0:
            raise ValueError("--matrix-revisions cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_matrix(root=root, revisions=options.get("matrix_revisions", 3), acting_user=acting_user)

    def describe(self, summary):
        return [f"Training matrix: {summary['requirements']} requirements, {summary['assignments']} more internal "
                f"auditors, {summary['qualifications']} qualifications, {summary['revisions']} revisions needing "
                f"training with {summary['participants']} participants ({summary['seconds']:.2f} s)."]

    def analyze_models(self):
        return [CompetenceRequirement, Qualification, Course, Session, Participant, RoleAssignment]

    def data_size(self):
        return {"competence requirements": CompetenceRequirement.objects.count(),
                "revisions needing training": Revision.objects.filter(needs_training=True).count()}

