"""Demo documents, as an auditor would find them in three agencies (the data is in ``data/demo_vi.py``
and ``data/demo_zh.py``):

* the Department of Home Affairs (DOHA, certified): the 35-document set of the source articles, in
  Vietnamese — its own quality policy, objectives and manual (scope, exclusions, process map,
  responsibilities, the list of procedures), 6 mandatory, 22 operational procedures with their
  steps and 4 support procedures. The set took effect two years ago; every document had its
  annual periodic review; a third of them were revised since (online filing, a shorter appraisal
  step: the comparison shows it); two revisions wait for the department head's review; two
  reviews are due within 30 days and one is overdue; the Law on Cadres and Civil Servants was
  amended six days ago, so the procedures citing it are flagged "review required". Two
  procedures are also sent to the district.
* the construction bureau (CB, writing its documents), in Chinese: policy, objectives, manual and
  the mandatory procedures effective two months ago, the construction permit being revised (its
  committed time limit shortened from 7 to 5 working days), the pre-sale permit in review.
* announcements of conformity (Vietnam): the department's is current; the district's is late (a
  document took effect after it, eight months ago) with a re-announcement in draft; the bureau has none.
* the district's wards, in Vietnamese: the policy and three one-stop-shop procedures.

Everything goes through the services, by the people who hold the roles, each step on the day the
story says (``qms_portal.demo.demo_clock``): drafted, reviewed and approved before the effective
date, published by the portal on that date, acknowledged in the days after. Idempotent: a
document whose title exists in its unit is left as it is, and the story's one-off events (the law
amended) happen once."""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from qms_portal.demo import DEMO_PASSWORD, demo_clock, demo_units
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from . import services
from .data import demo_vi as vi
from .data import demo_zh as zh
from .models import (
    Clause,
    Document,
    DocumentType,
    LegalDocument,
    PeriodicReview,
    RegisterSettings,
    Revision,
)

PASSWORD = DEMO_PASSWORD
DOHA = "DOHA"
DISTRICT = "DIST"
BUREAU = "CB"
FOR_THE_DISTRICT = vi.FOR_THE_DISTRICT

# The DOHA documents whose story differs from the rest (by key).
PENDING = ("Establishment of public service units", "Reorganisation of administrative bodies")
DUE_SOON = {"Internal communication": 12, "Emulation and commendation": 25}  # days until the review
OVERDUE = "Recognition of social funds"
CIVIL_SERVICE = {"Civil servant recruitment", "Promotion of civil servants", "Salary grade increases",
                 "Appointment of leaders", "Training and retraining of civil servants",
                 "Handling of complaints about staff", "Commune-level civil servant management",
                 "Retirement procedures", "Administrative reform inspection"}
NOT_REVISED = {*PENDING, *DUE_SOON, OVERDUE}


def _at(day, hour=9, minute=0):
    """A moment of ``day`` in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_start(today, months_back):
    return today.replace(day=1) - relativedelta(months=months_back)


class Story:
    """The people of one agency's document set and the services they call, each at its moment."""

    def __init__(self, unit_code, author, reviewers, approver):
        self.unit = Unit.objects.get(code=unit_code)
        self.author = User.objects.get(username=author)
        self.reviewers = [User.objects.get(username=u) for u in reviewers]
        self.approver = User.objects.get(username=approver)
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.clauses = {c.number: c for c in Clause.objects.all()}

    def exists(self, title):
        return Document.objects.filter(unit=self.unit, title=title).exists()

    def create(self, *, day, type_code, title, clauses, category="", days=None, owner=None):
        with demo_clock(_at(day, 8, 40)):
            return services.document_create(
                acting_user=self.author, unit=self.unit, doc_type=self.types[type_code], title=title,
                process_owner=owner or self.author, category=category,
                clauses=[self.clauses[n] for n in clauses if n in self.clauses], legal_time_limit_days=days)

    def revise(self, document, *, day, reason=""):
        with demo_clock(_at(day, 8, 50)):
            return services.revision_create_draft(acting_user=self.author, document=document, reason=reason)

    def drive(self, revision, *, content, effective, steps=None, legal=(), reason="", until="effective",
              submitted=None, minute=0):
        """Write, submit, review, approve and publish ``revision``: the draft saved 18 days before the
        effective date, submitted 14 days before, reviewed 10 days before, approved 7 days before,
        published by the portal on the effective date at 00:05 (``submitted`` moves the start, for
        what is still in review today). ``until``: "in_review", "accepted" (reviewed, waiting for
        approval) or "effective"."""
        submitted = submitted or effective - timedelta(days=14)
        with demo_clock(_at(submitted - timedelta(days=4), 10, 15 + minute % 40)):
            revision = services.revision_save_draft(
                acting_user=self.author, revision=revision, lock_version=revision.lock_version, content=content,
                reason=reason, effective_date=effective, legal_refs=list(legal), steps=steps)
        with demo_clock(_at(submitted, 14, 30 + minute % 25)):
            services.revision_set_reviewers(acting_user=self.author, revision=revision, reviewers=self.reviewers)
            services.revision_transition(acting_user=self.author, revision=revision, name="submit")
        if until == "in_review":
            return revision
        for n, reviewer in enumerate(self.reviewers):
            with demo_clock(_at(submitted + timedelta(days=4), 9 + n, 40 - minute % 30)):
                services.revision_transition(acting_user=reviewer, revision=revision, name="accept",
                                             password=PASSWORD)
        if until == "accepted":
            return revision
        with demo_clock(_at(submitted + timedelta(days=7), 15, 20 + minute % 30)):
            services.revision_transition(acting_user=self.approver, revision=revision, name="approve",
                                         password=PASSWORD)
        if effective <= timezone.localdate():
            with demo_clock(_at(effective, 0, 5)):
                if not services.revision_publish(revision=Revision.objects.get(pk=revision.pk), today=effective):
                    raise RuntimeError(f"The demo could not publish {revision} on {effective}.")
            self.acknowledge(revision, effective)
        return Revision.objects.get(pk=revision.pk)

    def acknowledge(self, revision, effective):
        """Those it was sent to read it within days; the demo's ``staff`` login keeps its tasks
        open, to try acknowledging."""
        today = timezone.localdate()
        for n, row in enumerate(revision.acknowledgements.select_related("user").order_by("user__username")):
            day = effective + timedelta(days=1 + n % 4)
            if row.user.username == "staff" or day >= today:
                continue
            with demo_clock(_at(day, 8 + n % 8, 10 + (7 * n) % 45)):
                services.revision_acknowledge(acting_user=row.user, revision=revision)

    def periodic_review(self, document, day, notes):
        with demo_clock(_at(day, 10, 30)):
            services.periodic_review_record(acting_user=self.author, document=document,
                                            outcome=PeriodicReview.Outcome.VALID, notes=notes)


def _steps(rows, units):
    """Steps as the service takes them, the responsible unit's code turned into the unit."""
    return [{**{k: v for k, v in row.items() if k != "responsible_unit"}, "time_unit": row.get("time_unit", "days"),
             "responsible_unit": units.get(row.get("responsible_unit"))} for row in rows]


def _legal(rows, by):
    """The legal register's rows (made once, by the document controller ``by``)."""
    legal = {}
    for number, title, issuer, issued, effective in rows:
        legal[number] = LegalDocument.objects.filter(number=number).first() or services.legal_document_save(
            acting_user=by, number=number, title=title, issuer=issuer, issue_date=issued, effective_date=effective)
    return legal


def _register(story, prefix, day, by=None):
    if not RegisterSettings.objects.filter(unit=story.unit).exists():
        with demo_clock(_at(day, 8, 0)):
            services.register_settings_save(acting_user=by or story.author, unit=story.unit, prefix=prefix,
                                            pattern="{prefix}-{type}-{number:02d}")


# --- The Department of Home Affairs ---------------------------------------------------------------


def _doha_plan():
    plan = [dict(key=k, type=t, clauses=c, title=title, kind="level1") for k, t, c, title in vi.LEVEL1]
    plan += [dict(key=k, type="QT", category="mandatory", clauses=[c], title=title, covers=covers, kind="system")
             for k, c, title, covers in vi.MANDATORY]
    plan += [dict(key=k, type="QT", category="operational", clauses=["8.1", "8.5"], title=title, days=days,
                  division=division, kind="operational") for k, title, days, division in vi.OPERATIONAL]
    plan += [dict(key=k, type="QT", category="support", clauses=[c], title=title, covers=covers, kind="system")
             for k, c, title, covers in vi.SUPPORT]
    for index, entry in enumerate(plan, start=1):
        entry["revised"] = index % 3 == 0 and entry["key"] not in NOT_REVISED
    return plan


def _doha_content(entry, legal, units, register, revised=False, year=None):
    refs = [(number, legal[number].title) for number in entry["legal"]]
    if entry["key"] == "Quality policy":
        return vi.policy_html(), None
    if entry["key"] == "Quality objectives":
        return vi.objectives_html(year, revised), None
    if entry["key"] == "Quality manual":
        return vi.manual_html(register, list(vi.DIVISION_NAMES.values())), None
    if entry["kind"] == "operational":
        division = vi.DIVISION_NAMES[entry["division"]]
        content = vi.procedure_html(entry["title"], "Áp dụng tại Bộ phận Một cửa và các phòng, Chi cục thuộc Sở.",
                                    refs, days=entry["days"], revised=revised, division=division)
        return content, _steps(vi.steps(entry["days"], entry["division"], revised), units)
    return vi.procedure_html(entry["title"], "Áp dụng cho tất cả các phòng, Chi cục thuộc Sở.", refs,
                             covers=entry["covers"], revised=revised), None


def _seed_doha(today):
    story = Story(DOHA, "doccontrol", ["doha-office"], "mr")
    district = Unit.objects.filter(code=DISTRICT).first()
    units = {u.code: u for u in Unit.objects.filter(code__startswith="DOHA-")}
    start = _month_start(today, 24)  # the set took effect on the first of that month
    created_on = start - timedelta(days=40)
    with demo_clock(_at(created_on - timedelta(days=10), 8, 0)):
        legal = _legal(vi.LEGAL, story.author)
    _register(story, "SNV", created_on - timedelta(days=5))
    plan = [entry for entry in _doha_plan() if not story.exists(entry["title"])]
    depthead = User.objects.get(username="depthead")
    for entry in plan:  # first every document, so that the manual can list the procedures' codes
        numbers = [vi.QMS_DECISION, vi.ISO] + ([vi.ONE_STOP] if entry["kind"] == "operational" else [])
        entry["legal"] = numbers + ([vi.CIVIL_SERVANTS] if entry["key"] in CIVIL_SERVICE else [])
        with transaction.atomic():
            owner = depthead if entry.get("division") == "DOHA-D03" else None
            entry["document"] = story.create(day=created_on, type_code=entry["type"], title=entry["title"],
                                             clauses=entry["clauses"], category=entry.get("category", ""),
                                             days=entry.get("days"), owner=owner)
            if entry["key"] in FOR_THE_DISTRICT and district is not None:
                with demo_clock(_at(created_on, 9, 0)):
                    for audience in (story.unit, district):  # the department's own people, and the district's
                        services.distribution_add(acting_user=story.author, document=entry["document"],
                                                  unit=audience)
    register = [(e["document"].code, e["title"]) for e in plan if e["type"] == "QT"]
    register = register or list(Document.objects.filter(unit=story.unit, doc_type__code="QT")
                                .values_list("code", "title"))
    for index, entry in enumerate(plan):
        with transaction.atomic():
            _doha_story(story, entry, index, start, today, legal, units, register)
    _doha_today(story, today, legal, units, register)
    return len(plan)


def _doha_story(story, entry, index, start, today, legal, units, register):
    """One document's two years: issued, reviewed each year (or revised), as the plan says."""
    document, key = entry["document"], entry["key"]
    content, steps = _doha_content(entry, legal, units, register, year=start.year)
    effective = start + timedelta(days=index % 3)  # the director signed the set over three days
    story.drive(document.revisions.get(), content=content, effective=effective, steps=steps,
                legal=[legal[n] for n in entry["legal"]], minute=index)
    anniversary = effective + relativedelta(years=1)
    if key in DUE_SOON:  # reviewed late last year: the next review falls within the month
        story.periodic_review(document, today - relativedelta(years=1) + timedelta(days=DUE_SOON[key]),
                              vi.PERIODIC_VALID)
        return
    story.periodic_review(document, anniversary - timedelta(days=5 + index % 15), vi.PERIODIC_VALID)
    if key == OVERDUE:
        return  # the second review not yet recorded: overdue
    if entry["revised"]:
        revised_on = _month_start(today, 3 + index % 8)
        draft = story.revise(document, day=revised_on - timedelta(days=30))
        content, steps = _doha_content(entry, legal, units, register, revised=True, year=revised_on.year)
        reason = (vi.OBJECTIVES_REASON if key == "Quality objectives" else
                  vi.REVISION_REASON if entry["kind"] == "operational" else vi.REVISION_REASON_SHORT)
        refs = entry["legal"] + ([vi.ONLINE] if entry["kind"] == "operational" else [])
        story.drive(draft, content=content, effective=revised_on, steps=steps, legal=[legal[n] for n in refs],
                    reason=reason, minute=index)
    else:
        story.periodic_review(document, anniversary + relativedelta(years=1) - timedelta(days=12 + index % 20),
                              vi.PERIODIC_VALID)


def _doha_today(story, today, legal, units, register):
    """What is going on now: two revisions wait for the office chief's review, and the Law on Cadres
    and Civil Servants was amended six days ago (its citing procedures need a review)."""
    for key in PENDING:
        title = next(t for k, t, *_rest in vi.OPERATIONAL if k == key)
        document = Document.objects.filter(unit=story.unit, title=title, current_revision__isnull=False).first()
        if document is None or document.revisions.filter(status__in=["draft", "in_review", "approved"]).exists():
            continue
        with transaction.atomic():
            draft = story.revise(document, day=today - timedelta(days=8), reason=vi.REVISION_REASON)
            entry = next(e for e in _doha_plan() if e["key"] == key)
            entry["legal"] = [vi.QMS_DECISION, vi.ISO, vi.ONE_STOP, vi.ONLINE]
            content, steps = _doha_content(entry, legal, units, register, revised=True)
            story.drive(draft, content=content, effective=today + timedelta(days=20), steps=steps,
                        legal=[legal[n] for n in entry["legal"]], reason=vi.REVISION_REASON, until="in_review",
                        submitted=today - timedelta(days=4 - PENDING.index(key)))
    _division_procedure(today, legal)
    law = legal[vi.CIVIL_SERVANTS]
    if law.status == LegalDocument.Status.IN_FORCE:
        with demo_clock(_at(today - timedelta(days=6), 11, 5)):
            services.legal_document_save(acting_user=story.author, legal=law, status=LegalDocument.Status.AMENDED)


def _division_procedure(today, legal):
    """The Administrative Reform Division's own procedure, written by its deputy head and waiting
    for the department head's review."""
    key, title, days, numbers = vi.DIVISION_PROCEDURE
    story = Story("DOHA-D03", "d03-deputy", ["depthead"], "mr")
    if story.exists(title):
        return
    controller = User.objects.get(username="doccontrol")  # numbering and the legal register are theirs
    _register(story, "SNV-CCHC", today - timedelta(days=20), by=controller)
    with demo_clock(_at(today - timedelta(days=20), 8, 0)):
        legal = {**legal, **_legal([row for row in vi.LEGAL if row[0] in numbers], controller)}
    with transaction.atomic():
        document = story.create(day=today - timedelta(days=15), type_code="QT", title=title, category="operational",
                                clauses=["8.2.1", "9.1.2"], days=days, owner=User.objects.get(username="depthead"))
        refs = [(n, legal[n].title) for n in numbers]
        content = vi.procedure_html(title, "Áp dụng cho việc tiếp nhận, xử lý phản ánh, kiến nghị gửi đến Sở.", refs,
                                    days=days, revised=True, division=vi.DIVISION_NAMES["DOHA-D03"])
        story.drive(document.revisions.get(), content=content, effective=today + timedelta(days=14),
                    steps=_steps(vi.steps(days, "DOHA-D03", revised=True), {"DOHA-D03": story.unit}),
                    legal=[legal[n] for n in numbers], until="in_review", submitted=today - timedelta(days=3))


# --- The district's wards -------------------------------------------------------------------------


def _seed_district(today):
    if not User.objects.filter(username="dist-iso").exists():
        return 0
    story = Story(DISTRICT, "dist-iso", ["dist-office"], "dist-mr")
    effective = _month_start(today, 8)
    created_on = effective - timedelta(days=35)
    _register(story, "QTT", created_on)
    with demo_clock(_at(created_on, 8, 0)):
        legal = _legal([row for row in vi.LEGAL if row[0] in {vi.QMS_DECISION, vi.ISO, vi.ONE_STOP, vi.CIVIL_STATUS,
                                                               vi.CERTIFICATION}], story.author)
    created = 0
    for index, (_key, type_code, category, title, days, numbers, rows) in enumerate(vi.DISTRICT):
        if story.exists(title):
            continue
        with transaction.atomic():
            document = story.create(day=created_on, type_code=type_code, title=title, category=category,
                                    clauses=["5.2"] if type_code == "CS" else ["8.1", "8.5"], days=days)
            refs = [(n, legal[n].title) for n in numbers]
            content = vi.district_policy_html() if type_code == "CS" else vi.district_procedure_html(title, refs, days)
            steps = [{"title": t, "responsible_position": p, "time_limit": limit, "time_unit": unit}
                     for t, p, limit, unit in rows] or None
            story.drive(document.revisions.get(), content=content, effective=effective + timedelta(days=index),
                        steps=steps, legal=[legal[n] for n in numbers], minute=index)
        created += 1
        if index == 2:  # announced with three documents; the fourth took effect the day after
            _announce(DISTRICT, "dist-mr", DIST_DECISION, effective + timedelta(days=2), DIST_SCOPE)
    if created:  # the re-announcement the district's representative is preparing
        _announce(DISTRICT, "dist-mr", DIST_REDECISION, today - timedelta(days=3), DIST_SCOPE, sign=False)
    return created


# --- The construction bureau ----------------------------------------------------------------------


def _seed_bureau(today):
    if not User.objects.filter(username="cb-doccontrol").exists():
        return 0
    story = Story(BUREAU, "cb-doccontrol", ["cb-promotion"], "cb-mr")
    units = {u.code: u for u in Unit.objects.filter(code__startswith="CB-")}
    effective = _month_start(today, 2)
    created_on = effective - timedelta(days=45)
    _register(story, "CJJ", created_on - timedelta(days=3))
    with demo_clock(_at(created_on - timedelta(days=3), 9, 0)):
        legal = _legal(zh.LEGAL, story.author)
    owner = User.objects.get(username="cb-approvals")
    plan = [dict(key=k, type=t, clauses=c, title=title) for k, t, c, title in zh.LEVEL1]
    plan += [dict(key=k, type="QT", category="mandatory", clauses=[c], title=title, covers=covers)
             for k, c, title, covers in zh.MANDATORY]
    plan += [dict(key=k, type="QT", category="operational", clauses=["8.1", "8.5"], title=title, days=days,
                  division=division, legal=numbers, basis=basis)
             for k, title, days, division, numbers, basis in zh.OPERATIONAL]
    plan = [entry for entry in plan if not story.exists(entry["title"])]
    for entry in plan:
        with transaction.atomic():
            entry["document"] = story.create(
                day=created_on, type_code=entry["type"], title=entry["title"], clauses=entry["clauses"],
                category=entry.get("category", ""), days=entry.get("days"),
                owner=owner if entry.get("division") == "CB-D16" else None)
    register = [(e["document"].code, e["title"]) for e in plan if e["type"] == "QT"]
    divisions = [name for code, name, *_rest in demo_units("zh-hans") if code.startswith("CB-D")]
    for index, entry in enumerate(plan):
        numbers = entry.get("legal", [zh.GBT])
        refs = [(n, legal[n].title) for n in numbers]
        steps = None
        if entry["key"] == "Quality policy":
            content = zh.policy_html()
        elif entry["key"] == "Quality objectives":
            content = zh.objectives_html(effective.year)
        elif entry["key"] == "Quality manual":
            content = zh.manual_html(register, divisions)
        elif entry.get("days"):
            content = zh.procedure_html(entry["title"], refs, days=entry["days"], basis=entry["basis"])
            steps = _steps(zh.steps(entry["days"], entry["division"]), units)
        else:
            content = zh.procedure_html(entry["title"], refs, covers=entry["covers"])
        with transaction.atomic():
            in_review = entry["key"] == "Pre-sale permits for commercial housing"
            planned = today.replace(day=1) + relativedelta(months=1) if in_review else effective + timedelta(days=1)
            story.drive(entry["document"].revisions.get(), content=content, effective=planned,
                        steps=steps, legal=[legal[n] for n in numbers], minute=index,
                        until="in_review" if in_review else "effective",
                        submitted=today - timedelta(days=2) if in_review else None)
            if entry["key"] == zh.PERMIT_KEY:
                _bureau_permit_revision(story, entry, legal, units, today)
    return len(plan)


def _bureau_permit_revision(story, entry, legal, units, today):
    """The construction permit revised: the committed time limit shortened from 7 to 5 working days,
    applications accepted online; reviewed, waiting for the management representative."""
    numbers = entry["legal"] + [zh.BUSINESS_ENVIRONMENT]
    refs = [(n, legal[n].title) for n in numbers]
    draft = story.revise(entry["document"], day=today - timedelta(days=12), reason=zh.PERMIT_REASON)
    content = zh.procedure_html(entry["title"], refs, days=entry["days"], basis=entry["basis"], committed=5,
                                online=True)
    story.drive(draft, content=content, effective=today.replace(day=1) + relativedelta(months=1),
                steps=_steps(zh.steps(entry["days"], entry["division"], committed=5, online=True), units),
                legal=[legal[n] for n in numbers], reason=zh.PERMIT_REASON, until="accepted",
                submitted=today - timedelta(days=7))


# --- Announcements of conformity (công bố HTQLCL phù hợp) -------------------------------------------

DOHA_DECISION = "125/QĐ-SNV"
DOHA_SCOPE = ("Tiếp nhận, giải quyết thủ tục hành chính và thực hiện chức năng quản lý nhà nước về nội vụ "
              "của Sở Nội vụ và các phòng, chi cục trực thuộc.")
DIST_DECISION = "87/QĐ-UBND"
DIST_REDECISION = "214/QĐ-UBND"
DIST_SCOPE = "Tiếp nhận và giải quyết thủ tục hành chính tại Bộ phận Một cửa của quận và các phường."


def _announce(unit_code, username, number, day, scope, sign=True):
    """The unit's management representative drafts the decision that morning and signs it in the
    afternoon (once: a decision number already recorded for the unit is left as it is)."""
    from .models import Announcement

    unit = Unit.objects.get(code=unit_code)
    if Announcement.objects.filter(unit=unit, decision_number=number).exists():
        return None
    representative = User.objects.get(username=username)
    with demo_clock(_at(day, 9, 30)):
        announcement = services.announcement_create(acting_user=representative, unit=unit, decision_number=number,
                                                    decision_date=day, scope=scope)
    if sign:
        with demo_clock(_at(day, 15, 10)):
            services.announcement_transition(acting_user=representative, announcement=announcement,
                                             name="announce", password=PASSWORD)
    return announcement


def _seed_announcements(today):
    """The Department of Home Affairs announced its 35 documents six weeks ago (current); the
    district announced three of its four eight months ago, the fourth took effect the day after, and
    it has not announced again (late: its scope changed more than 90 days ago — a draft of the
    re-announcement is waiting); the construction bureau has not announced (a Chinese agency)."""
    if User.objects.filter(username="mr").exists():
        _announce(DOHA, "mr", DOHA_DECISION, today - timedelta(days=45), DOHA_SCOPE)


def seed(language="en"):
    """Idempotent: documents whose title exists in their unit are left as they are. Returns the
    number created. (The documents are in their agency's language whatever ``language`` is.)"""
    if Unit.objects.filter(code=DOHA).first() is None or not User.objects.filter(username="doccontrol").exists():
        return 0
    services.ensure_system_types()
    today = timezone.localdate()
    with muted():
        created = _seed_doha(today) + _seed_district(today) + _seed_bureau(today)
        _seed_announcements(today)
        return created
