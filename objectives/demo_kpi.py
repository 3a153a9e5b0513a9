"""The kpi part of the objectives demo (``objectives.demo.seed`` calls ``seed(demo)`` first), built
through the services at the moments the story says (``demo_clock``). Texts are in each agency's own
language (Vietnamese for the Department of Home Affairs, Chinese for the construction bureau),
whatever language the demo is seeded in. Idempotent: objectives are looked up by unit, year and
code, indicators by unit and code, values by period; a second run makes nothing.

* **Department of Home Affairs**: this year's three quality objectives (set by ``mr``), each
  division's objective breaking down "98 % of files on time" (the cascade), last year's objectives
  with their results; each division's on-time rate for the past 24 months, rising from 96 % to
  98 % (the source article) — the Department Office's computed from its one-stop-shop procedures'
  files (``ProcedureTimeliness``), the others entered by their heads; the Administrative Reform
  Division also counts complaints about procedures (lower is better) and its quarterly
  satisfaction rate. Last month is still to enter for the Administrative Reform Division (the
  reminder's and ``depthead``'s "Enter values" page), and two months ago one division missed
  (a nonconformity is offered on its page, not raised).
* **Construction bureau** (in Chinese): the bureau's objective and the Administrative Approval
  Division's, its on-time rate for 24 months entered by ``cb-approvals``.

``demo["kpi"]`` holds ``units`` (by code), ``mr`` (the department's management representative),
``objectives`` and ``indicators`` (by ``"<unit code>/<code>"``) for the later parts.
"""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from qms_portal.demo import demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import Indicator, Measurement, ProcedureTimeliness, QualityObjective
from .selectors.kpi_math import period_end, period_start, shift
from .services import kpi as services
from .services.kpi_ontime import timeliness_enter

MONTHS = 24
ACTIVE, ACHIEVED, NOT_ACHIEVED = (QualityObjective.Status.ACTIVE, QualityObjective.Status.ACHIEVED,
                                  QualityObjective.Status.NOT_ACHIEVED)

DOHA_OBJECTIVES = [
    ("MT-01", "Tối thiểu 98 % hồ sơ thủ tục hành chính được giải quyết đúng hạn", "≥ 98 % hồ sơ đúng hạn",
     "Rà soát, rút ngắn thời gian các bước thẩm định; tiếp nhận và trả kết quả trực tuyến; theo dõi hằng tuần "
     "hồ sơ sắp đến hạn tại bộ phận một cửa.",
     "Phần mềm một cửa điện tử; 2 công chức tại bộ phận tiếp nhận và trả kết quả."),
    ("MT-02", "Mức độ hài lòng của tổ chức, cá nhân đạt từ 90 % trở lên", "≥ 90 % hài lòng",
     "Khảo sát ý kiến hằng quý; xử lý dứt điểm phản ánh, kiến nghị trong 5 ngày làm việc.",
     "Phiếu khảo sát; hộp thư góp ý; mã QR tại bộ phận một cửa."),
    ("MT-03", "100 % công chức được đào tạo về HTQLCL theo TCVN ISO 9001:2015", "100 % công chức",
     "Tổ chức 2 lớp tập huấn nhận thức và 1 lớp đánh giá viên nội bộ.", "Kinh phí đào tạo năm; giảng viên QUACERT."),
]
DIVISION_OBJECTIVES = {  # unit → (code, title): each breaks down MT-01
    "DOHA-D01": ("MT-01.1", "Văn phòng Sở: 98 % hồ sơ tại bộ phận một cửa trả đúng hạn"),
    "DOHA-D02": ("MT-01.2", "Phòng Tổ chức, biên chế: 98 % hồ sơ tuyển dụng, nâng ngạch giải quyết đúng hạn"),
    "DOHA-D03": ("MT-01.3", "Phòng Cải cách hành chính: 98 % hồ sơ đúng hạn, không quá 2 phản ánh mỗi tháng"),
    "DOHA-D04": ("MT-01.4", "Phòng Xây dựng chính quyền: 98 % hồ sơ địa giới, thành lập thôn, tổ dân phố đúng hạn"),
    "DOHA-D05": ("MT-01.5", "Chi cục Văn thư – Lưu trữ: 98 % yêu cầu khai thác tài liệu lưu trữ trả đúng hạn"),
}
LAST_YEAR = [("MT-01", "Tối thiểu 96 % hồ sơ thủ tục hành chính được giải quyết đúng hạn", ACHIEVED,
              "Đạt 96,4 % cả năm."),
             ("MT-02", "Mức độ hài lòng của tổ chức, cá nhân đạt từ 90 % trở lên", NOT_ACHIEVED,
              "Đạt 88 %: thời gian chờ tại bộ phận một cửa còn dài.")]
ONTIME_NAME = "Tỷ lệ hồ sơ giải quyết đúng hạn"
HEADS = {"DOHA-D01": "doha-office", "DOHA-D02": "mr", "DOHA-D03": "depthead", "DOHA-D04": "mr", "DOHA-D05": "mr"}

CB_OBJECTIVE = ("ZL-01", "行政审批事项按时办结率达到98%以上", "按时办结率≥98%",
                "推行网上审批，压缩审批时限；每周通报即将超期的办件。", "网上审批系统；行政审批处6名工作人员。")
CB_DIVISION = ("ZL-01.1", "行政审批处：按时办结率≥98%，群众满意率≥95%")


class KpiDemo:
    def __init__(self, demo):
        self.demo = demo
        self.today = timezone.localdate()
        self.year = self.today.year
        self.units = {u.code: u for u in Unit.objects.filter(code__in=["DOHA", "CB", *DIVISION_OBJECTIVES,
                                                                       "CB-D16"])}
        self.people = {u.username: u for u in User.objects.filter(
            username__in=["mr", "depthead", "doha-office", "doccontrol", "cb-mr", "cb-approvals", "d03-deputy"])}
        self.made = 0
        self.rng = random.Random(14)  # the same story every time

    def at_start_of_year(self, year=None):
        return date(year or self.year, 1, 5)

    def objective(self, unit_code, year, code, title, by, **fields):
        unit = self.units[unit_code]
        found = QualityObjective.objects.filter(unit=unit, year=year, code=code).first()
        if found is not None:
            return found
        with demo_clock(self.at_start_of_year(year)):
            found = services.objective_create(acting_user=self.people[by], unit=unit, year=year, code=code,
                                              title=title, due_on=date(year, 12, 31), **fields)
        self.made += 1
        return found

    def indicator(self, unit_code, code, by, **fields):
        unit = self.units[unit_code]
        found = Indicator.objects.filter(unit=unit, code=code).first()
        if found is not None:
            return found
        first = shift(period_start(self.today, "monthly"), "monthly", -MONTHS)
        with demo_clock(first):
            found = services.indicator_create(acting_user=self.people[by], unit=unit, code=code, **fields)
        self.made += 1
        return found

    def months(self):
        current = period_start(self.today, "monthly")
        return [shift(current, "monthly", -i) for i in range(MONTHS, 0, -1)]  # oldest first, up to last month

    def rising(self, index, start=Decimal("96"), end=Decimal("98.2")):
        """The on-time rate of the ``index``-th month: from 96 % to over 98 %, with a little noise."""
        step = (end - start) * index / (MONTHS - 1)
        noise = Decimal(self.rng.randint(-25, 25)) / 100
        return min(Decimal("99.8"), start + step + noise)

    def entered(self, indicator):
        return set(Measurement.objects.filter(indicator=indicator).values_list("period", flat=True))

    def rate_series(self, indicator, by, *, skip=(), missed=()):
        done = self.entered(indicator)
        for index, month in enumerate(self.months()):
            if month in done or month in skip:
                continue
            handled = Decimal(self.rng.randint(180, 420))
            rate = Decimal("93.5") if month in missed else self.rising(index)
            on_time = (handled * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            with demo_clock(period_end(month, "monthly") + timedelta(days=3)):
                services.measurement_enter(acting_user=self.people[by], indicator=indicator, period=month,
                                           numerator=on_time, denominator=handled)
            self.made += 1

    def value_series(self, indicator, by, values, frequency="monthly"):
        done = self.entered(indicator)
        current = period_start(self.today, frequency)
        periods = [shift(current, frequency, -i) for i in range(len(values), 0, -1)]
        for period, number in zip(periods, values, strict=True):
            if period in done:
                continue
            with demo_clock(period_end(period, frequency) + timedelta(days=4)):
                services.measurement_enter(acting_user=self.people[by], indicator=indicator, period=period,
                                           value=Decimal(str(number)))
            self.made += 1

    def procedures_files(self, unit_code, by):
        """The Department Office's one-stop-shop procedures: each month's files per procedure, the
        on-time share rising as the other divisions'."""
        from documents.models import Document

        unit = self.units[unit_code]
        procedures = list(Document.objects.filter(unit=self.units["DOHA"], level=2, is_withdrawn=False,
                                                  current_revision__isnull=False, category="operational")
                          .order_by("code")[:4])
        if not procedures:
            return
        done = set(ProcedureTimeliness.objects.filter(unit=unit).values_list("period", flat=True))
        for index, month in enumerate(self.months()):
            if month in done:
                continue
            rows = []
            for procedure in procedures:
                handled = self.rng.randint(40, 110)
                on_time = int((Decimal(handled) * self.rising(index) / 100).quantize(Decimal(1),
                                                                                   rounding=ROUND_HALF_UP))
                rows.append({"procedure": procedure, "received": handled + self.rng.randint(-5, 8),
                             "on_time": on_time, "late": handled - on_time})
            with demo_clock(period_end(month, "monthly") + timedelta(days=2)):
                timeliness_enter(acting_user=self.people[by], unit=unit, month=month, rows=rows)
            self.made += 1


def seed(demo):
    """Returns how many records were made (0 on a second run, or without the core's demo)."""
    d = KpiDemo(demo)
    if len(d.units) < 8 or len(d.people) < 7:
        demo["kpi"] = {}
        return 0
    with muted(), transaction.atomic():
        objectives, indicators = {}, {}
        for code, title, target, actions, resources in DOHA_OBJECTIVES:
            objectives[f"DOHA/{code}"] = d.objective(
                "DOHA", d.year, code, title, "mr", target=target, actions=actions, resources=resources,
                responsible=d.people["mr"], status=ACTIVE,
                evaluation="Theo dõi hằng tháng qua các chỉ số của từng phòng; báo cáo tại cuộc họp xem xét của "
                           "lãnh đạo.")
        for code, title, status, result in LAST_YEAR:
            d.objective("DOHA", d.year - 1, code, title, "mr", status=status, result_note=result,
                        responsible=d.people["mr"])
        top = objectives["DOHA/MT-01"]
        for unit_code, (code, title) in DIVISION_OBJECTIVES.items():
            head = d.people[HEADS[unit_code]]
            objectives[f"{unit_code}/{code}"] = d.objective(
                unit_code, d.year, code, title, "mr", parent=top, target="≥ 98 % hồ sơ đúng hạn", status=ACTIVE,
                responsible=head, actions="Theo dõi hồ sơ sắp đến hạn mỗi tuần; báo cáo lãnh đạo Sở hồ sơ trễ hạn.",
                resources="Phần mềm một cửa điện tử.", evaluation="Tỷ lệ hồ sơ đúng hạn hằng tháng.")
            kind = Indicator.Kind.ON_TIME if unit_code == "DOHA-D01" else Indicator.Kind.RATE
            indicators[f"{unit_code}/ontime"] = d.indicator(
                unit_code, "ontime", "mr", name=ONTIME_NAME, kind=kind, unit_of_measure="%", target=Decimal(98),
                alert_threshold=Decimal(96), objective=objectives[f"{unit_code}/{code}"], reporter=head,
                description="Số hồ sơ giải quyết đúng hạn / tổng số hồ sơ đã giải quyết trong tháng.")
        months = d.months()
        d.procedures_files("DOHA-D01", "doccontrol")
        for unit_code in ("DOHA-D02", "DOHA-D03", "DOHA-D04", "DOHA-D05"):
            d.rate_series(indicators[f"{unit_code}/ontime"], HEADS[unit_code],
                          skip=(months[-1],) if unit_code == "DOHA-D03" else (),
                          missed=(months[-2],) if unit_code == "DOHA-D04" else ())
        complaints = indicators["DOHA-D03/complaints"] = d.indicator(
            "DOHA-D03", "complaints", "depthead", name="Số phản ánh, kiến nghị về thủ tục hành chính",
            unit_of_measure="lượt", direction=Indicator.Direction.LOWER, target=Decimal(2), alert_threshold=Decimal(4),
            reporter=d.people["d03-deputy"], objective=objectives["DOHA-D03/MT-01.3"])
        d.value_series(complaints, "d03-deputy", [5, 4, 4, 3, 6, 3, 2, 3, 2, 2, 4, 1, 2, 3, 1, 2, 2, 0, 1, 2, 1, 1, 0],
                       "monthly")  # 23 months: last month still to enter
        satisfaction = indicators["DOHA-D03/satisfaction"] = d.indicator(
            "DOHA-D03", "satisfaction", "mr", name="Tỷ lệ tổ chức, cá nhân hài lòng", unit_of_measure="%",
            target=Decimal(90), alert_threshold=Decimal(85), frequency=Indicator.Frequency.QUARTERLY,
            reporter=d.people["depthead"], objective=objectives["DOHA/MT-02"])
        d.value_series(satisfaction, "depthead", ["86.5", "88", "87.5", "89", "90.5", "91", "92.5", "93"], "quarterly")

        cb_top = objectives["CB/ZL-01"] = d.objective("CB", d.year, CB_OBJECTIVE[0], CB_OBJECTIVE[1], "cb-mr",
                                                      target=CB_OBJECTIVE[2], actions=CB_OBJECTIVE[3],
                                                      resources=CB_OBJECTIVE[4], responsible=d.people["cb-mr"],
                                                      status=ACTIVE, evaluation="每月统计按时办结率，季度通报。")
        objectives["CB-D16/ZL-01.1"] = cb_goal = d.objective(
            "CB-D16", d.year, CB_DIVISION[0], CB_DIVISION[1], "cb-mr", parent=cb_top, target="按时办结率≥98%",
            responsible=d.people["cb-approvals"], status=ACTIVE, actions="每周梳理临期办件，超期件逐件说明原因。",
            evaluation="按月统计。")
        cb_ontime = indicators["CB-D16/ontime"] = d.indicator(
            "CB-D16", "ontime", "cb-mr", name="行政审批按时办结率", kind=Indicator.Kind.RATE, unit_of_measure="%",
            target=Decimal(98), alert_threshold=Decimal(96), objective=cb_goal, reporter=d.people["cb-approvals"],
            description="按时办结件数 / 办结件数。")
        d.rate_series(cb_ontime, "cb-approvals")
    demo["kpi"] = {"units": d.units, "mr": d.people["mr"], "objectives": objectives, "indicators": indicators}
    demo.setdefault("units", d.units)
    demo.setdefault("management_representative", d.people["mr"])
    return d.made
