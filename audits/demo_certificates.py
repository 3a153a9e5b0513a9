"""The certificates part of the audits demo (``audits.demo.seed``, after plan, checklist and findings):
the certificates the source articles speak of, recorded through the services at the moment of issue
(``demo_clock``) by each unit's ISO officer. Idempotent: a certificate is looked up by body and
number before it is made.

* **Department of Home Affairs** (``DOHA``): QUACERT's TCVN ISO 9001:2015 certificate, issued 100
  days after the certification audit (``demo["audits"]["certification"]``, linked when the plan part
  made it), once its six nonconformities were closed; its first surveillance audit is due in 45 days
  (the 90-day reminder has gone to ``mr`` and ``doccontrol``; the plan's programme has the internal
  audit before it), the second later in the cycle.
* **Construction bureau** (``CB``), in Chinese: its GB/T 19001-2016 certificate from the China Quality
  Certification Centre, issued ten months ago; its first surveillance audit due in two months.
"""

from datetime import timedelta

from django.utils import timezone

from qms_portal.demo import demo_clock, project_start
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import Certificate
from .services import certificates as services
from .services.certificates import add_years

DOHA = {
    "unit": "DOHA", "by": "doccontrol", "body": "QUACERT", "number": "HT 2571.24/QC",
    "standard": Certificate.Standard.TCVN,
    "scope": "Cung cấp dịch vụ hành chính công thuộc thẩm quyền giải quyết của Sở Nội vụ: tổ chức bộ máy, "
             "công chức, viên chức, cải cách hành chính, thi đua khen thưởng, văn thư lưu trữ, tôn giáo.",
}
CB = {
    "unit": "CB", "by": "cb-doccontrol", "body": "中国质量认证中心（CQC）", "number": "00124Q35872R0M",
    "standard": Certificate.Standard.GBT,
    "scope": "建设工程规划许可、施工许可及竣工验收备案等行政审批服务的提供。",
}


def _record(spec, issued, surveillance, audit=None):
    if Certificate.objects.filter(body=spec["body"], number=spec["number"]).exists():
        return 0
    unit = Unit.objects.filter(code=spec["unit"]).first()
    by = User.objects.filter(username=spec["by"]).first()
    if unit is None or by is None:
        return 0
    with demo_clock(issued + timedelta(days=2)):
        services.certificate_create(acting_user=by, unit=unit, body=spec["body"], number=spec["number"],
                                    standard=spec["standard"], scope=spec["scope"], issued_on=issued,
                                    expires_on=add_years(issued, 3) - timedelta(days=1), audit=audit,
                                    surveillance=surveillance)
    return 1


def seed(demo):
    today = timezone.localdate()
    made = 0
    audit_day = project_start().date() + timedelta(days=300)  # the certification audit (plan's demo)
    certification = (demo.get("audits") or {}).get("certification")
    issued = audit_day + timedelta(days=100)
    expires = add_years(issued, 3) - timedelta(days=1)
    doha_visits = [day for day in (today + timedelta(days=45), today + timedelta(days=400)) if issued < day < expires]
    cb_issued = today - timedelta(days=300)
    with muted():
        made += _record(DOHA, issued, doha_visits, audit=certification)
        made += _record(CB, cb_issued, [add_years(cb_issued, 1), add_years(cb_issued, 2)])
    demo["certificates"] = list(Certificate.objects.filter(number__in=[DOHA["number"], CB["number"]]))
    # This morning's reminders, as beat would have sent them (each once: a second run sends nothing).
    from .services.certificates_reminders import audit_reminders_send

    audit_reminders_send(today=today)
    return made
