"""Writes of the annual ISO report: drafting it, changing its sections while it is a draft, and its
workflow (through the one engine, ``qms_portal.workflow``):

    draft ──submit──▶ submitted (the rows and totals frozen in ``snapshot``) ──sign──▶ signed
      ▲                    │ (password asked again; not by the person who submitted it)
      └──── return ────────┘ (for changes, with the reason; the snapshot is dropped, the figures live again)

The management representative drafts and submits; the steering committee returns or signs
(``qms_portal.sign_annualreport``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Unit
from ..notifications import notify
from ..permissions import can, users_who_can
from ..services import require_can, save_tracked
from ..workflow import Guard, Transition, Workflow, not_the_author, register, register_meaning
from . import report_selectors
from .report_models import AnnualReport

S = AnnualReport.Status
ADD, CHANGE, SIGN = report_selectors.ADD, report_selectors.CHANGE, report_selectors.SIGN
SIGNED = "report_signed"
SIGNED_LABEL = gettext_lazy("Report signed")
FIELDS = ("number", "recipient", "place", "achievements", "difficulties", "proposals")
SECTIONS = ("achievements", "difficulties", "proposals")
NOTIFICATION_KINDS = {
    "annualreport_submitted": gettext_lazy("Annual ISO report to review and sign: %(object)s"),
    "annualreport_returned": gettext_lazy("Annual ISO report returned for changes: %(object)s"),
    "annualreport_signed": gettext_lazy("Annual ISO report signed: %(object)s"),
}


def _check_year(year):
    if year is None or not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("Choose a year from 2000 to this year.")]})


@transaction.atomic
def annual_report_create(*, acting_user, unit, year, **fields):
    """Draft the report of ``unit`` (with its sub-units) for ``year``: one per unit and year."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": [_("Choose an active unit.")]})
    require_can(acting_user, ADD, unit)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise TypeError(f"annual_report_create() got unexpected fields: {', '.join(unknown)}")
    _check_year(year)
    if AnnualReport.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": [_("%(unit)s already has a report for %(year)s.") % {
            "unit": unit.code, "year": year}]})
    report = AnnualReport(unit=unit, year=year, drafted_by=acting_user, **fields)
    try:
        with transaction.atomic():
            return save_tracked(report, acting_user)
    except IntegrityError:  # drafted by someone else at the same moment
        raise ValidationError({"year": [_("%(unit)s already has a report for %(year)s.") % {
            "unit": unit.code, "year": year}]}) from None


@transaction.atomic
def annual_report_update(*, acting_user, report, **fields):
    """Change the report's heading and sections while it is a draft."""
    report = AnnualReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    require_can(acting_user, CHANGE, report)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise TypeError(f"annual_report_update() got unexpected fields: {', '.join(unknown)}")
    if report.status != S.DRAFT:
        raise ValidationError(_("Only a draft can be changed: this report is “%(status)s”.") % {
            "status": report.get_status_display()})
    for name, value in fields.items():
        setattr(report, name, value)
    return save_tracked(report, acting_user)


# --- Workflow -------------------------------------------------------------------------------------------


def _sections_written(report, user):
    return all((getattr(report, name) or "").strip() for name in SECTIONS)


SECTIONS_WRITTEN = Guard(_sections_written, gettext_lazy(
    "Write the achievements, the difficulties and the proposals before submitting the report."))
NOT_THE_SUBMITTER = not_the_author("submitted_by", gettext_lazy(
    "You submitted this report: another person reviews and signs it."))


def _on_submit(report, user, reason, data):
    """Freeze the rows and totals as the person who submits sees them now."""
    report = AnnualReport.objects.select_related("unit").get(pk=report.pk)
    now = timezone.now()
    table = report_selectors.compute(user, report.unit, report.year)
    report.snapshot = report_selectors.snapshot(table, now)
    report.submitted_by, report.submitted_at = user, now
    save_tracked(report, user)
    notify(users_who_can("sign", report).exclude(pk=user.pk), "annualreport_submitted", params={"object": report},
           url=report.get_absolute_url())


def _tell_the_drafters(report, user, kind):
    """The person who drafted it and the one who submitted it (once each), not the one acting."""
    people = {report.drafted_by, report.submitted_by} - {None, user}
    notify(people, kind, params={"object": report}, url=report.get_absolute_url())


def _on_return(report, user, reason, data):
    """Back to the drafter: the figures read live again (the frozen ones stay in the History tab)."""
    report = AnnualReport.objects.select_related("drafted_by", "submitted_by").get(pk=report.pk)
    report.snapshot, report.submitted_at = None, None
    save_tracked(report, user)  # (the reason is the transition's, shown once)
    _tell_the_drafters(report, user, "annualreport_returned")


def _on_sign(report, user, reason, data):
    report = AnnualReport.objects.select_related("drafted_by", "submitted_by").get(pk=report.pk)
    report.signed_at = timezone.now()
    save_tracked(report, user)
    _tell_the_drafters(report, user, "annualreport_signed")


WORKFLOW = Workflow(
    model=AnnualReport,
    waiting={S.DRAFT: CHANGE, S.SUBMITTED: SIGN},
    transitions=[
        Transition(name="submit", label=gettext_lazy("Submit for review"), sources=(S.DRAFT,), target=S.SUBMITTED,
                   permission=CHANGE, guards=(SECTIONS_WRITTEN,), effect=_on_submit),
        Transition(name="return", label=gettext_lazy("Return for changes"), sources=(S.SUBMITTED,), target=S.DRAFT,
                   permission=SIGN, reason_required=True, effect=_on_return, button="outline-secondary"),
        Transition(name="sign", label=gettext_lazy("Sign the report"), sources=(S.SUBMITTED,), target=S.SIGNED,
                   permission=SIGN, guards=(NOT_THE_SUBMITTER,), signature=SIGNED, effect=_on_sign,
                   button="success"),
    ],
)
register_meaning(SIGNED, SIGNED_LABEL)
register(WORKFLOW)


def annual_report_transition(*, acting_user, report, name, reason="", password=None, data=None):
    """Take transition ``name`` (submit, return, sign) through the workflow engine."""
    if not can(acting_user, "view", report):
        raise PermissionDenied
    return WORKFLOW.perform(report, name, acting_user=acting_user, reason=reason, password=password, data=data)
