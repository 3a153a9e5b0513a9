"""The nonconformities part of ``seed_demo`` (registered as ``areas.register(demo=…)``), built through
the area's services at the moments the story says (``qms_portal.demo.demo_clock``): real
transitions, guards and signatures (the management representative signs each closing with their
password), history rows dated then. Idempotent: each record is looked up (by unit and title, or
case reference) before it is made; a second run makes nothing. Texts are in ``demo_data.py``, in the
agencies' own languages whatever language the demo is seeded in.

* **Department of Home Affairs** (certified): the certification audit of the source article — the
  certification body's 6 minor (category 2) nonconformities, each with its corrective actions, all
  done, verified and closed (signed) ten days before the certificate deadline; today a late file
  with its apology letter and the nonconformity raised from it, in progress, one action overdue
  whose owner asks for a later due date (``mr`` decides), one due in five days (``depthead``); and a
  staff report waiting for the ISO officer (``doccontrol``).
* **District**: an internal audit's nonconformity at the district office whose action is 16 days
  overdue (escalated to ``dist-mr``); Ward 1's late files (``staff`` recorded them; two apology
  letters) and the feedback its desk QR code brought in (one bad review waiting for ``dist-iso``).
* **Construction bureau**, in Chinese: its approval hall's QR code feedback, a bad review raised as
  a nonconformity (actions in progress), a late permit with its apology letter, and a nonconformity
  waiting for ``cb-mr`` to verify.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone, translation

from qms_portal import services as core
from qms_portal.demo import DEMO_PASSWORD, demo_clock, project_start
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import muted
from qms_portal.public_links import public_link_use

from . import demo_data as text
from . import services
from .models import NonconformingOutput, Nonconformity
from .models.desk import add_working_days
from .services import desk, desk_feedback

SRC = Nonconformity.Source
# The department heads the nonconformities need where the core's demo has none: the chief of the
# department office heads it (it owns the document and records findings), and the chief of the
# district office heads that office.
HEADS = [("doha-office", "DOHA-D01"), ("dist-office", "DIST-O01")]


def _at(day, hour=9, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Demo:
    def __init__(self, today):
        self.today = today
        self.people = {u.username: u for u in User.objects.filter(username__in=[
            "admin", "mr", "doccontrol", "depthead", "d03-deputy", "doha-office", "staff", "auditor", "dist-mr",
            "dist-iso", "dist-office", "cb-mr", "cb-doccontrol", "cb-promotion", "cb-approvals"])}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=[
            "DOHA", "DOHA-D01", "DOHA-D03", "DIST", "DIST-O01", "DIST-W01", "CB", "CB-D16"])}
        self.made = 0

    def __getitem__(self, username):
        return self.people[username]

    def exists(self, unit, title):
        return Nonconformity.objects.filter(unit=self.units[unit], title=title).exists()

    def at(self, day, hour=9, minute=0):
        return demo_clock(_at(day, hour, minute))

    def raise_nc(self, day, unit, by, source, title, description, **fields):
        with self.at(day, 9, 10):
            nc = services.nonconformity_create(acting_user=self[by], unit=self.units[unit], source=source,
                                               title=title, description=description, detected_on=day, **fields)
        self.made += 1
        return nc

    def move(self, day, nc, by, name, hour=10, **kwargs):
        with self.at(day, hour):
            services.nonconformity_transition(acting_user=self[by], nonconformity=nc, name=name, **kwargs)
        nc.refresh_from_db()
        return nc

    def analyse(self, day, nc, head, whys, root_cause, fishbone=None, iso="doccontrol"):
        if nc.status == Nonconformity.Status.REPORTED:
            self.move(day, nc, iso, "accept", hour=9)
        self.move(day, nc, head, "start_analysis", hour=10)
        with self.at(day, 14):
            services.nonconformity_update_analysis(acting_user=self[head], nonconformity=nc, five_whys=whys,
                                                   fishbone=fishbone or {}, root_cause=root_cause)
        return self.move(day, nc, head, "plan", hour=15)

    def plan(self, day, nc, head, actions):
        made = []
        for kind, owner, description, due in actions:
            with self.at(day, 16):
                made.append(services.action_create(acting_user=self[head], nonconformity=nc, description=description,
                                                   owner=self[owner], due=due, kind=kind))
        self.move(day, nc, head, "start", hour=17)
        return made

    def complete(self, day, action, note):
        with self.at(day, 15):
            services.action_complete(acting_user=action.owner, action=action, completion_note=note)


def _heads(demo):
    admin = demo["admin"]
    role = core_roles()["department_head"]
    for username, code in HEADS:
        user, unit = demo[username], demo.units[code]
        if not RoleAssignment.objects.current().filter(user=user, role=role, unit=unit).exists():
            with demo_clock(project_start() + timedelta(days=2)):
                core.role_assign(acting_user=admin, user=user, role=role, unit=unit, include_subunits=True,
                                 notify_user=False)


def core_roles():
    from qms_portal.roles import ensure_system_roles

    return ensure_system_roles()


def _clause(number):
    from documents.models import Clause

    return Clause.objects.filter(number=number).first()


# --- Department of Home Affairs: the certification audit ----------------------------------------


def certification_audit(demo):
    """QUACERT's 6 minor nonconformities, found on the audit day, all closed ten days before the
    deadline for applying for the certificate (90 days after the audit)."""
    audit = project_start().date() + timedelta(days=300)
    deadline = audit + timedelta(days=90)
    head_of = {"DOHA-D01": "doha-office", "DOHA-D03": "depthead"}
    for i, (unit, clause, title, description, containment, whys, fishbone, root, actions, verification) in \
            enumerate(text.QUACERT_FINDINGS):
        if demo.exists(unit, title):
            continue
        with transaction.atomic():
            nc = demo.raise_nc(audit, unit, "doccontrol", SRC.EXTERNAL_AUDIT, title,
                               f"{description}\n{text.AUDIT_REFERENCE}", grade=Nonconformity.Grade.MINOR,
                               clause=_clause(clause), containment=containment)
            head = head_of[unit]
            nc = demo.analyse(audit + timedelta(days=3 + i % 3), nc, head, whys, root, fishbone)
            day = audit + timedelta(days=6 + i % 3)
            made = demo.plan(day, nc, head, [(kind, owner, what, audit + timedelta(days=45 + 5 * n + i))
                                             for n, (kind, owner, what, _note) in enumerate(actions)])
            for n, (action, (*_rest, note)) in enumerate(zip(made, actions, strict=True)):
                demo.complete(audit + timedelta(days=30 + 4 * n + i * 2), action, note)
            demo.move(audit + timedelta(days=62 + i), nc, head, "submit_for_verification")
            demo.move(deadline - timedelta(days=10 + (6 - i) % 3), nc, "mr", "close", hour=16,
                      password=DEMO_PASSWORD, data={"verification_note": f"{verification} {text.CLOSING_NOTE}"})


def doha_today(demo):
    """A late file (with its apology letter) raised as a nonconformity, in progress: one action
    overdue whose owner asks for a later due date, one due in five days; a staff report waiting."""
    today = demo.today
    unit = demo.units["DOHA-D03"]
    late = text.DOHA_LATE_FILE
    output = NonconformingOutput.objects.filter(unit=unit, case_reference=late["case_reference"]).first()
    if output is None:
        received = today - timedelta(days=32)
        due = add_working_days(received, 10)
        with demo.at(due + timedelta(days=6), 14):
            output = desk.output_record(
                acting_user=demo["doccontrol"], unit=unit, received_on=received, due_on=due,
                delivered_on=add_working_days(due, 4), citizen_language="vi",
                disposition=NonconformingOutput.Disposition.APOLOGY,
                requirement="Thời hạn giải quyết 10 ngày làm việc theo quy trình nâng bậc lương", **late)
    o = text.DOHA_OPEN
    if not demo.exists("DOHA-D03", o["title"]):
        with transaction.atomic():
            start = output.delivered_on + timedelta(days=1)
            with demo.at(start, 9, 30):
                nc = desk.output_raise_nonconformity(acting_user=demo["doccontrol"], output=output, title=o["title"])
            demo.made += 1
            nc = demo.analyse(start + timedelta(days=1), nc, "depthead", o["whys"], o["root_cause"],
                              {"method": [o["root_cause"]]})
            actions = demo.plan(start + timedelta(days=2), nc, "depthead",
                                [(kind, owner, what, today + timedelta(days=days))
                                 for kind, owner, what, days in o["actions"]])
            with demo.at(start + timedelta(days=3), 8, 30):
                services.action_start(acting_user=actions[0].owner, action=actions[0])
            with demo.at(today - timedelta(days=1), 16, 40):
                services.extension_request(acting_user=actions[0].owner, action=actions[0],
                                           requested_due=today + timedelta(days=14), reason=o["extension_reason"])
    unit_code, by, source, title, description = text.DOHA_REPORTED
    if not demo.exists(unit_code, title):
        demo.raise_nc(today - timedelta(days=2), unit_code, by, source, title, description, clause=_clause("7.5.3"))


# --- District --------------------------------------------------------------------------------


def district(demo):
    today = demo.today
    d = text.DIST_OVERDUE
    if not demo.exists(d["unit"], d["title"]):
        with transaction.atomic():
            found = today - timedelta(days=45)
            nc = demo.raise_nc(found, d["unit"], "auditor", SRC.INTERNAL_AUDIT, d["title"], d["description"],
                               clause=_clause("7.5.3"))
            nc = demo.analyse(found + timedelta(days=2), nc, "dist-office", ["Biên bản không được nộp lưu"],
                              d["root_cause"], iso="dist-iso")
            kind, owner, what, days = d["action"]
            demo.plan(found + timedelta(days=3), nc, "dist-office", [(kind, owner, what, today + timedelta(days=days))])
    ward = demo.units["DIST-W01"]
    for case, delivered, citizen, address, ago, allowed, late, disposition in text.WARD_LATE_FILES:
        if NonconformingOutput.objects.filter(unit=ward, case_reference=case).exists():
            continue
        received = today - timedelta(days=ago)
        due = add_working_days(received, allowed)
        delivered_on = add_working_days(due, late)
        with demo.at(delivered_on, 16, 30):
            desk.output_record(acting_user=demo["staff"], unit=ward, case_reference=case, delivered=delivered,
                               requirement=text.WARD_REQUIREMENT, received_on=received, due_on=due,
                               delivered_on=delivered_on, citizen_name=citizen, citizen_language="vi",
                               citizen_address=address, disposition=disposition)
    _desk_feedback(demo, "DIST-W01", "dist-iso", text.WARD_FEEDBACK, "vi", answer=text.WARD_ANSWER)


def _desk_feedback(demo, unit_code, officer, rows, language, answer=None, raise_title=None):
    """The desk's QR link (made by the unit's ISO officer), the citizens' answers through it over
    the last days, and the officer's triage of the first bad review (answered or raised)."""
    unit = demo.units[unit_code]
    if desk_feedback.desk_links(unit).exists():
        return None
    with demo.at(demo.today - timedelta(days=20), 8, 0):
        link, _url = desk_feedback.desk_link_create(acting_user=demo[officer], unit=unit)
    received = []
    for n, (rating, comment, name, contact) in enumerate(rows):
        day = demo.today - timedelta(days=len(rows) - n)
        with demo.at(day, 10 + n, 15), translation.override(language):
            received.append(public_link_use(link=link, cleaned_data={
                "rating": rating, "comment": comment, "citizen_name": name, "contact": contact,
                "case_reference": "", "website": ""}))
    bad = next((f for f in received if f is not None and f.is_bad), None)
    if bad is None or (answer is None and raise_title is None):
        return None
    if answer is not None and len([f for f in received if f.is_bad]) > 1:  # the first answered, the last waits
        with demo.at(demo.today - timedelta(days=1), 11):
            desk_feedback.feedback_transition(acting_user=demo[officer], feedback=bad, name="answer", reason=answer)
    if raise_title is not None:
        with demo.at(demo.today - timedelta(days=1), 9, 30):
            desk_feedback.feedback_transition(acting_user=demo[officer], feedback=bad, name="raise_nonconformity",
                                              data={"title": raise_title})
        demo.made += 1
    return bad


# --- Construction bureau (Chinese) -------------------------------------------------------------------


def bureau(demo):
    today = demo.today
    hall = demo.units["CB-D16"]
    late = text.CB_LATE_FILE
    if not NonconformingOutput.objects.filter(unit=hall, case_reference=late["case_reference"]).exists():
        received = today - timedelta(days=18)
        due = add_working_days(received, 7)
        with demo.at(add_working_days(due, 2), 15):
            desk.output_record(acting_user=demo["cb-doccontrol"], unit=hall, received_on=received, due_on=due,
                               delivered_on=add_working_days(due, 2), citizen_language="zh-hans",
                               disposition=NonconformingOutput.Disposition.APOLOGY,
                               requirement=text.CB_REQUIREMENT, **late)
    _desk_feedback(demo, "CB-D16", "cb-doccontrol", text.CB_FEEDBACK, "zh-hans", raise_title=text.CB_RAISED_TITLE)
    o = text.CB_OPEN
    nc = Nonconformity.objects.filter(unit=hall, title=text.CB_RAISED_TITLE).first()
    if nc is not None and nc.status == Nonconformity.Status.REPORTED:
        with transaction.atomic():
            nc = demo.analyse(today, nc, "cb-approvals", o["whys"], o["root_cause"],
                              {"method": [o["root_cause"]]}, iso="cb-doccontrol")
            kind, owner, what, days = o["action"]
            demo.plan(today, nc, "cb-approvals", [(kind, owner, what, today + timedelta(days=days))])
    v = text.CB_VERIFICATION
    if not demo.exists("CB-D16", v["title"]):
        with transaction.atomic():
            found = today - timedelta(days=40)
            nc = demo.raise_nc(found, "CB-D16", "cb-doccontrol", SRC.INTERNAL_AUDIT, v["title"], v["description"],
                               clause=_clause("7.5.3"))
            nc = demo.analyse(found + timedelta(days=2), nc, "cb-approvals", [v["root_cause"]], v["root_cause"],
                              iso="cb-doccontrol")
            kind, owner, what, note = v["action"]
            [action] = demo.plan(found + timedelta(days=3), nc, "cb-approvals",
                                 [(kind, owner, what, found + timedelta(days=25))])
            demo.complete(found + timedelta(days=20), action, note)
            demo.move(today - timedelta(days=3), nc, "cb-approvals", "submit_for_verification")


def seed(language="en"):
    """Idempotent: returns the number of nonconformities made (0 on a second run, or without the
    core's demo). The texts are in each agency's language whatever ``language`` is."""
    if not Unit.objects.filter(code="DOHA").exists() or not User.objects.filter(username="doccontrol").exists():
        return 0
    demo = Demo(timezone.localdate())
    with muted():
        _heads(demo)
        certification_audit(demo)
        doha_today(demo)
        district(demo)
        bureau(demo)
    return demo.made

