"""Province-sized risks and opportunities for ``manage.py seed_scale`` (the risks part of
``objectives.scale.ObjectivesScale``): ``--risks-per-unit`` (default 12; 0 builds none) risks and
opportunities in every active unit under the root (250 units: 3,000), each with one to three
actions of its own (done, open, a few overdue), in bulk (``bulk_create_with_history``), in one
transaction, in seconds.

Each unit's risks are owned by its department head (the nearest holder of the role, else none);
one in five is an opportunity; likelihood and impact are spread over 1–5 (so every cell of the
matrix has rows); a third were reviewed (residual rating, status treated), a few closed; review
dates spread over the past month and the coming year (so the reminder sweep has work), numbered
``{unit}-RO-{n:03}`` as the service numbers them, with the numbering sequences left at the highest
number used. Bulk and not the services: the rules are the services' (numbers, owners, dates);
nobody is notified."""

import random
import time
from datetime import timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import NumberSequence, Unit, User
from qms_portal.search import searchable

from .models import Risk, RiskAction
from .services.risks import NUMBER_KIND

_RISKS = [
    ("Hồ sơ thủ tục hành chính giải quyết trễ hạn", "Thiếu công chức tại bộ phận một cửa vào cuối năm.",
     "Công dân không hài lòng; phải gửi văn bản xin lỗi."),
    ("Mất hoặc thất lạc hồ sơ lưu trữ giấy", "Hồ sơ chưa được số hóa, kho lưu trữ ẩm.",
     "Không tra cứu được hồ sơ gốc khi thanh tra."),
    ("Văn bản ban hành sai thẩm quyền", "Chưa rà soát căn cứ pháp lý trước khi trình ký.",
     "Văn bản bị hủy bỏ, ảnh hưởng uy tín cơ quan."),
    ("Sự cố phần mềm một cửa điện tử", "Máy chủ cũ, chưa có phương án dự phòng.",
     "Ngừng tiếp nhận hồ sơ trực tuyến."),
    ("Công chức mới chưa nắm quy trình ISO", "Luân chuyển cán bộ thường xuyên.",
     "Thực hiện sai quy trình, phát sinh sự không phù hợp."),
]
_OPPORTUNITIES = [
    ("Mở rộng dịch vụ công trực tuyến toàn trình", "Cổng dịch vụ công quốc gia hỗ trợ thanh toán trực tuyến.",
     "Giảm thời gian giải quyết, công dân không phải đi lại."),
    ("Ứng dụng chữ ký số trong trả kết quả", "Đã được cấp chứng thư số cho lãnh đạo.",
     "Trả kết quả điện tử ngay trong ngày."),
]
_ACTIONS = ["Bố trí thêm công chức trong tháng cao điểm", "Số hóa hồ sơ lưu trữ",
            "Tập huấn quy trình cho công chức mới", "Rà soát căn cứ pháp lý trước khi trình ký",
            "Lắp đặt máy chủ dự phòng"]


def build_risks(*, root, per_unit=12, rng=None, acting_user=None, today=None):
    """Fill the register under ``root`` (see the module's text). Returns a summary."""
    from nonconformities.services.escalation import nearest_holders

    started = time.perf_counter()
    summary = {"risks": 0, "actions": 0, "units": 0, "seconds": 0.0}
    if per_unit <= 0:
        return summary
    rng = rng or random.Random(2031)
    now = timezone.now()
    today = today or timezone.localdate(now)
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                 .only("pk", "code", "path"))
    heads = nearest_holders("department_head", units)
    taken = {}
    for unit_id, n in NumberSequence.objects.filter(kind=NUMBER_KIND, unit__in=units).values_list("unit_id",
                                                                                                  "last_number"):
        taken[unit_id] = n
    risks = []
    for unit in units:
        owner = (heads.get(unit.pk) or [None])[0]
        for i in range(per_unit):
            is_opportunity = i % 5 == 4
            title, cause, consequence = rng.choice(_OPPORTUNITIES if is_opportunity else _RISKS)
            n = taken.get(unit.pk, 0) + 1
            taken[unit.pk] = n
            number = f"{unit.code}-RO-{n:03}"
            status = rng.choices([Risk.Status.OPEN, Risk.Status.TREATED, Risk.Status.CLOSED], [60, 33, 7])[0]
            lk, im = rng.randint(1, 5), rng.randint(1, 5)
            reviewed = status != Risk.Status.OPEN
            kind = Risk.Kind.OPPORTUNITY if is_opportunity else Risk.Kind.RISK
            risk = Risk(unit_id=unit.pk, number=number, kind=kind,
                        title=f"{title} ({unit.code})"[:300], cause=cause, consequence=consequence, likelihood=lk,
                        impact=im, owner_id=owner, status=status,
                        residual_likelihood=max(1, lk - rng.randint(0, 2)) if reviewed else None,
                        residual_impact=im if reviewed else None,
                        review_on=None if status == Risk.Status.CLOSED
                        else today + timedelta(days=rng.randint(-30, 365)))
            risk.search_key = searchable(f"{number} {risk.title}")[:800]
            risks.append(risk)
    risks = bulk_create_with_history(risks, Risk, batch_size=1000, **history)
    actions = []
    for risk in risks:
        for _n in range(rng.randint(1, 3)):
            done = rng.random() < 0.4
            due = today + timedelta(days=rng.randint(-60, 120))
            actions.append(RiskAction(risk_id=risk.pk, description=rng.choice(_ACTIONS), owner_id=risk.owner_id,
                                      due_on=due, status=RiskAction.Status.DONE if done else RiskAction.Status.OPEN,
                                      done_on=min(due, today) if done else None,
                                      note="Đã thực hiện." if done else ""))
    actions = bulk_create_with_history(actions, RiskAction, batch_size=2000, **history)
    existing = set(NumberSequence.objects.filter(kind=NUMBER_KIND, unit__in=units).values_list("unit_id", flat=True))
    NumberSequence.objects.bulk_create([NumberSequence(unit_id=u, kind=NUMBER_KIND, year=None, last_number=n)
                                        for u, n in taken.items() if u not in existing], batch_size=500)
    for sequence in NumberSequence.objects.filter(kind=NUMBER_KIND, unit_id__in=existing):
        sequence.last_number = taken[sequence.unit_id]
        sequence.save(update_fields=["last_number"])
    summary.update(risks=len(risks), actions=len(actions), units=len(units), seconds=time.perf_counter() - started)
    return summary


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--risks-per-unit", type=int, default=12,
                            help="Risks and opportunities in every unit, with their actions (default 12; 0: none).")

    def check(self, options):
        if options["risks_per_unit"] < 0:
            raise ValueError("--risks-per-unit cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_risks(root=root, per_unit=options["risks_per_unit"], acting_user=acting_user)

    def describe(self, summary):
        if not summary.get("risks"):
            return []
        return [f"{summary['risks']} risks and opportunities in {summary['units']} units with {summary['actions']} "
                f"actions ({summary['seconds']:.2f} s)."]

    def analyze_models(self):
        return [Risk, RiskAction, Risk.history.model, RiskAction.history.model, NumberSequence]

    def data_size(self):
        return {"risks": Risk.objects.count(), "risk actions": RiskAction.objects.count()}
