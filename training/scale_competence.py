"""Province-sized competence data for ``manage.py seed_scale`` (the competence part of
``training.scale.TrainingScale``): ``--qualifications`` (default 20,000; 0 builds none)
qualifications of the people under the root, and the requirements that make them count.

* Three competences (found by code, else made: the sessions part's scale may have made them) and
  requirements at the root — internal auditors: the internal auditor qualification, document
  controllers: document control, staff: ISO awareness — plus one on each first-level unit (its
  department heads: document control).
* The qualifications: the people in the tree's order, each getting one or more competences, every
  internal auditor first an internal auditor qualification; from an outside body (a share from a
  session is the sessions part's). Dates spread so that about 8 % expire within 90 days (the expiry
  sweep's work), about 10 % have expired, a few are withdrawn; past the three competences a person's
  earlier qualification (expired years ago, since renewed) makes up the number asked for.

In bulk (``bulk_create_with_history``) in one transaction; the rules are the services' (valid
until never before obtained, the competence's validity); nobody is notified."""

import random
import time
from datetime import timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import Role, RoleAssignment, Unit, User
from qms_portal.services import save_tracked

from .models import Competence, CompetenceRequirement, Qualification

COMPETENCES = {
    "internal-auditor": (36, "Internal auditor (ISO 9001)", "Chuyên gia đánh giá nội bộ ISO 9001", "ISO 9001 内审员",
                         "ISO 9001 內部稽核員"),
    "document-control": (36, "Document control", "Kiểm soát tài liệu", "文件控制", "文件管制"),
    "iso-awareness": (60, "ISO 9001 awareness", "Nhận thức chung về ISO 9001", "ISO 9001 意识", "ISO 9001 認知"),
}
BODIES = ["QUACERT — Trung tâm Chứng nhận Phù hợp", "Trung tâm Năng suất Việt Nam (VPC)", "Trường Chính trị tỉnh",
          "中国质量认证中心 (CQC)"]


def _competences(acting):
    found = {c.code: c for c in Competence.objects.filter(code__in=list(COMPETENCES))}
    for code, (months, en, vi, hans, hant) in COMPETENCES.items():
        if code not in found:
            found[code] = save_tracked(Competence(code=code, name_en=en, name_vi=vi, name_zh_hans=hans,
                                                  name_zh_hant=hant, validity_months=months), acting_user=acting)
    return found


def build_competence(*, root, qualifications=20000, rng=None, acting_user=None, today=None):
    """Fill the competence data under ``root`` (see the module's text). Returns a summary."""
    from .services.qualifications import add_months

    started = time.perf_counter()
    summary = {"qualifications": 0, "requirements": 0, "expiring": 0, "expired": 0, "seconds": 0.0}
    if qualifications <= 0:
        return summary
    rng = rng or random.Random(2041)
    now = timezone.now()
    today = today or timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    competences = _competences(acting)
    roles = {r.code: r for r in Role.objects.filter(code__in=["internal_auditor", "document_controller", "staff",
                                                              "department_head"])}
    first_level = list(Unit.objects.filter(parent=root, is_active=True).order_by("path"))
    wanted = [(root, "internal_auditor", "internal-auditor"), (root, "document_controller", "document-control"),
              (root, "staff", "iso-awareness")] + [(u, "department_head", "document-control") for u in first_level]
    existing = set(CompetenceRequirement.objects.filter(unit__in=[root, *first_level])
                   .values_list("unit_id", "role_id", "competence_id"))
    requirements = [CompetenceRequirement(unit=unit, role=roles[role], competence=competences[code],
                                          note="Scale")
                    for unit, role, code in wanted if role in roles
                    and (unit.pk, roles[role].pk, competences[code].pk) not in existing]
    bulk_create_with_history(requirements, CompetenceRequirement, batch_size=500, **history)
    people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                  .order_by("primary_unit__path", "pk").values_list("pk", flat=True))
    auditors = set(RoleAssignment.objects.current().filter(role__code="internal_auditor", user_id__in=people)
                   .values_list("user_id", flat=True))
    codes = list(COMPETENCES)
    rows, seen = [], set()
    expiring = expired = 0
    index = 0
    while people and len(rows) < qualifications:
        person = people[index % len(people)]
        round_ = index // len(people)
        index += 1
        if round_ > 2 * len(codes):
            break
        code = "internal-auditor" if person in auditors and round_ == 0 else codes[(round_ + person) % len(codes)]
        competence = competences[code]
        earlier = (person, code) in seen  # a qualification held before, expired and renewed since
        seen.add((person, code))
        draw = rng.random()
        if earlier:
            valid_until = today - timedelta(days=rng.randint(1100, 1800))
        elif draw < 0.08:  # expiring within 90 days
            valid_until = today + timedelta(days=rng.randint(0, 89))
            expiring += 1
        elif draw < 0.18:  # expired
            valid_until = today - timedelta(days=rng.randint(1, 700))
            expired += 1
        else:
            valid_until = today + timedelta(days=rng.randint(120, 1000))
        obtained = add_months(valid_until, -(competence.validity_months or 36))
        withdrawn = not earlier and rng.random() < 0.01
        rows.append(Qualification(user_id=person, competence=competence, obtained_on=obtained, valid_until=valid_until,
                                  outside_body=rng.choice(BODIES), reference=f"SC-{len(rows) + 1:06d}",
                                  is_withdrawn=withdrawn, withdrawn_reason="Cấp nhầm" if withdrawn else ""))
    bulk_create_with_history(rows, Qualification, batch_size=2000, **history)
    summary.update(qualifications=len(rows), requirements=len(requirements), expiring=expiring, expired=expired,
                   seconds=time.perf_counter() - started)
    return summary


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--qualifications", type=int, default=20000,
                            help="Qualifications of the people under the root (default 20,000; 0: none).")

    def check(self, options):
        if options["qualifications"] < 0:
            raise ValueError("--qualifications cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_competence(root=root, qualifications=options["qualifications"], acting_user=acting_user)

    def describe(self, summary):
        if not summary.get("qualifications"):
            return []
        return [f"{summary['qualifications']} qualifications ({summary['expiring']} expiring within 90 days, "
                f"{summary['expired']} expired) and {summary['requirements']} competence requirements "
                f"({summary['seconds']:.2f} s)."]

    def analyze_models(self):
        return [Qualification, CompetenceRequirement, Qualification.history.model,
                CompetenceRequirement.history.model]

    def data_size(self):
        return {"qualifications": Qualification.objects.count(),
                "competence requirements": CompetenceRequirement.objects.count()}
