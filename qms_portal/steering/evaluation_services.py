"""Writes of the evaluation of units. Two workflows (through the one engine, ``qms_portal.workflow``):

    evaluation:  draft ──open──▶ open (a sheet for each unit evaluated; its people are told) ──close──▶ closed
                 (criteria set while a draft)                                  (every sheet signed)

    sheet:       self-assessment ──submit──▶ waiting for appraisal ──sign──▶ signed
                       ▲                         │ (password asked again; not by who submitted it)
                       └────── return ───────────┘ (for changes, with the reason)

The steering committee creates, opens and closes an evaluation and appraises the sheets
(``qms_portal.appraise_unitevaluation``); the evaluated unit's management representative or head
scores it (``qms_portal.change_unitevaluation``). The arithmetic is ``evaluation_selectors``'."""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ..models import Unit
from ..notifications import Kind, notify, notify_grouped
from ..permissions import can, users_who_can, users_who_can_each
from ..services import require_can, save_tracked
from ..workflow import Guard, Transition, Workflow, not_the_author, register, register_meaning
from . import evaluation_selectors as sel
from .evaluation_models import Evaluation, EvaluationCriterion, UnitEvaluation

E, S = Evaluation.Status, UnitEvaluation.Status
SIGNED = "evaluation_signed"
SIGNED_LABEL = gettext_lazy("Appraisal signed")
FIELDS = ("title", "scope", "self_due", "instructions")
CRITERION_FIELDS = ("code", "title", "clause", "guidance", "points", "figure")

NOTIFICATION_KINDS = {
    "evaluation_opened": Kind(
        title=ngettext_lazy("Evaluation %(evaluation)s: score %(count)s unit",
                            "Evaluation %(evaluation)s: score %(count)s units", "count"),
        text=gettext_lazy("Score each criterion with its evidence, then submit the sheet for appraisal."),
    ),
    "evaluation_submitted": gettext_lazy("Evaluation sheet to appraise: %(object)s"),
    "evaluation_returned": gettext_lazy("Evaluation sheet returned for changes: %(object)s"),
    "evaluation_signed": gettext_lazy("Evaluation sheet appraised and signed: %(object)s"),
}


def _check_year(year):
    if year is None or not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": [_("Choose a year from 2000 to next year.")]})


def _default_criteria(unit, year):
    """Last year's criteria of the same unit, else the default set (``DEFAULT_CRITERIA``)."""
    before = Evaluation.objects.filter(unit=unit, year=year - 1).first()
    if before is not None:
        return [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in before.criteria.all()]
    figures = sel.rate_figures()
    return [{"code": code, "title": str(title), "clause": clause, "guidance": "", "points": Decimal(pts),
             "figure": figure if figure in figures else ""}
            for code, title, clause, pts, figure in sel.DEFAULT_CRITERIA]


@transaction.atomic
def evaluation_create(*, acting_user, unit, year, title, **fields):
    """Draft an evaluation of the units below ``unit`` for ``year`` (one per unit and year), with
    last year's criteria or the default set."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": [_("Choose an active unit.")]})
    require_can(acting_user, sel.ADD, unit)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise TypeError(f"evaluation_create() got unexpected fields: {', '.join(unknown)}")
    _check_year(year)
    taken = ValidationError({"year": [_("%(unit)s already has an evaluation for %(year)s.") % {
        "unit": unit.code, "year": year}]})
    if Evaluation.objects.filter(unit=unit, year=year).exists():
        raise taken
    evaluation = Evaluation(unit=unit, year=year, title=title, created_by=acting_user, **fields)
    try:
        with transaction.atomic():
            save_tracked(evaluation, acting_user)
    except IntegrityError:  # created by someone else at the same moment
        raise taken from None
    for position, values in enumerate(_default_criteria(unit, year), start=1):
        save_tracked(EvaluationCriterion(evaluation=evaluation, position=position, **values), acting_user)
    return evaluation


def _locked(evaluation_pk):
    return Evaluation.objects.select_for_update().select_related("unit").get(pk=evaluation_pk)


@transaction.atomic
def evaluation_update(*, acting_user, evaluation, criteria=None, **fields):
    """Change a draft evaluation: its heading and, with ``criteria`` (a list of ``{"id": existing
    criterion or None, "delete": bool, code, title, clause, guidance, points, figure}`` in order),
    its criteria. All errors are refused together; nothing is half-saved."""
    evaluation = _locked(evaluation.pk)
    require_can(acting_user, sel.CHANGE, evaluation)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise TypeError(f"evaluation_update() got unexpected fields: {', '.join(unknown)}")
    if evaluation.status != E.DRAFT:
        raise ValidationError(_("Only a draft evaluation can be changed: this one is “%(status)s”.") % {
            "status": evaluation.get_status_display()})
    for name, value in fields.items():
        setattr(evaluation, name, value)
    save_tracked(evaluation, acting_user)
    if criteria is not None:
        _save_criteria(acting_user, evaluation, criteria)
    return evaluation


def _save_criteria(acting_user, evaluation, rows):
    existing = {c.pk: c for c in evaluation.criteria.all()}
    kept = [row for row in rows if not row.get("delete")]
    if not kept:
        raise ValidationError(_("An evaluation needs at least one criterion."))
    codes = [str(row["code"]).strip() for row in kept]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ValidationError(_("Each criterion needs its own code: %(codes)s used twice.") % {
            "codes": ", ".join(twice)})
    figures = sel.rate_figures()
    for row in kept:
        if row.get("figure") and row["figure"] not in figures:
            raise ValidationError(_("“%(figure)s” is not a figure the portal can score from.") % {
                "figure": row["figure"]})
    for row in rows:
        if row.get("delete") and row.get("id") in existing:
            existing.pop(row["id"]).delete()  # a draft's criterion: nobody has scored it
    for position, row in enumerate(kept, start=1):
        criterion = existing.get(row.get("id")) or EvaluationCriterion(evaluation=evaluation)
        criterion.position = position
        for name in CRITERION_FIELDS:
            setattr(criterion, name, row.get(name) or ("" if name != "points" else None))
        criterion.code = str(row["code"]).strip()
        criterion.full_clean(exclude=["evaluation"])
        save_tracked(criterion, acting_user)


# --- the evaluation's workflow ---------------------------------------------------------------------------


def _has_units(evaluation, user):
    return sel.units_evaluated(evaluation).exists()


def _every_sheet_signed(evaluation, user):
    return not evaluation.sheets.exclude(status=S.SIGNED).exists()


def _on_open(evaluation, user, reason, data):
    """A sheet for each unit evaluated, and one message to each person who scores one or more."""
    evaluation = Evaluation.objects.select_related("unit").get(pk=evaluation.pk)
    evaluation.opened_at = timezone.now()
    save_tracked(evaluation, user)
    sheets = []
    for unit in sel.units_evaluated(evaluation):
        sheet = UnitEvaluation(evaluation=evaluation, unit=unit)
        sheets.append(save_tracked(sheet, user))
    by_pk, groups = {sheet.pk: sheet for sheet in sheets}, {}
    for sheet_pk, people in users_who_can_each("change", sheets).items():
        for person in people:
            groups.setdefault(person, []).append(by_pk[sheet_pk])
    notify_grouped("evaluation_opened", groups, params={"evaluation": evaluation},
                   url=lambda person, sheets: _sheets_url(evaluation, sheets), key=f"evaluation-opened-{evaluation.pk}")


def _sheets_url(evaluation, sheets):
    """Where the people who score are sent: their sheet, or the list of their sheets of the year (the
    evaluation's own page is the organisers': a unit's people may not see it)."""
    if len(sheets) == 1:
        return sheets[0].get_absolute_url()
    return f"{reverse('unitevaluation_list')}?{urlencode({'evaluation__year': evaluation.year})}"


def _on_close(evaluation, user, reason, data):
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    evaluation.closed_at = timezone.now()
    save_tracked(evaluation, user)


HAS_UNITS = Guard(_has_units, gettext_lazy("There is no active unit to evaluate below this unit."))
EVERY_SHEET_SIGNED = Guard(_every_sheet_signed, gettext_lazy(
    "Every unit's sheet must be appraised and signed before the evaluation is closed."))

EVALUATION_WORKFLOW = Workflow(
    model=Evaluation,
    waiting={},
    transitions=[
        Transition(name="open", label=gettext_lazy("Open for scoring"), sources=(E.DRAFT,), target=E.OPEN,
                   permission=sel.CHANGE, guards=(HAS_UNITS,), effect=_on_open),
        Transition(name="close", label=gettext_lazy("Close the evaluation"), sources=(E.OPEN,), target=E.CLOSED,
                   permission=sel.CHANGE, guards=(EVERY_SHEET_SIGNED,), effect=_on_close, button="success"),
    ],
)
register(EVALUATION_WORKFLOW)


def evaluation_transition(*, acting_user, evaluation, name, reason="", password=None, data=None):
    """Take transition ``name`` (open, close) through the workflow engine."""
    if not can(acting_user, "view", evaluation):
        raise PermissionDenied
    return EVALUATION_WORKFLOW.perform(evaluation, name, acting_user=acting_user, reason=reason, password=password,
                                       data=data)


# --- a unit's sheet -----------------------------------------------------------------------------------------


def _sheet(sheet_pk):
    return (UnitEvaluation.objects.select_for_update().select_related("unit", "evaluation", "evaluation__unit")
            .get(pk=sheet_pk))


def _check_points(criterion, value, errors, label):
    if value is None:
        return
    if value < 0 or value > criterion.points:
        errors.append(_("%(code)s: the %(score)s must be from 0 to %(points)s.") % {
            "code": criterion.code, "score": label, "points": criterion.points})
    elif value % sel.STEP:
        errors.append(_("%(code)s: the %(score)s is counted in half points (e.g. 7 or 7.5).") % {
            "code": criterion.code, "score": label})


def _apply(sheet, entries, key, text_key, label):
    """Write ``entries`` (``{code: (points or None, text)}``) into the sheet's ``key`` scores."""
    criteria = list(sheet.evaluation.criteria.all())
    unknown = sorted(set(entries) - {c.code for c in criteria})
    if unknown:
        raise ValidationError(_("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)})
    errors = []
    scores = {code: dict(given or {}) for code, given in sheet.scores.items()}
    for criterion in criteria:
        if criterion.code not in entries:
            continue
        value, text = entries[criterion.code]
        given = scores.setdefault(criterion.code, {})
        if given.get("data") is not None:
            continue  # scored from the data: not typed
        value = sel.points(value)
        _check_points(criterion, value, errors, label)
        given[key] = float(value) if value is not None else None
        given[text_key] = (text or "").strip()
    if errors:
        raise ValidationError(errors)
    sel.with_scores(sheet, scores, criteria)


@transaction.atomic
def unit_evaluation_score(*, acting_user, sheet, scores, summary=None):
    """The unit scores itself: ``scores`` is ``{criterion code: (points or None, evidence note)}``.
    Only while the sheet is in self-assessment and the evaluation open."""
    sheet = _sheet(sheet.pk)
    require_can(acting_user, sel.SHEET_CHANGE, sheet)
    if sheet.status != S.SELF or sheet.evaluation.status != E.OPEN:
        raise ValidationError(_("This sheet can no longer be scored by the unit: it is “%(status)s”.") % {
            "status": sheet.get_status_display()})
    _apply(sheet, scores, "self", "note", _("self-assessment score"))
    if summary is not None:
        sheet.summary = summary
    return save_tracked(sheet, acting_user)


@transaction.atomic
def unit_evaluation_appraise(*, acting_user, sheet, scores, conclusion=None):
    """The evaluators score a submitted sheet: ``scores`` is ``{code: (points or None, comment)}``."""
    sheet = _sheet(sheet.pk)
    require_can(acting_user, sel.APPRAISE, sheet)
    if sheet.status != S.SUBMITTED:
        raise ValidationError(_("Only a sheet waiting for appraisal can be appraised: this one is “%(status)s”.") % {
            "status": sheet.get_status_display()})
    _apply(sheet, scores, "appraisal", "comment", _("appraisal score"))
    if conclusion is not None:
        sheet.conclusion = conclusion
    return save_tracked(sheet, acting_user)


def _self_scored(sheet, user):
    criteria = list(sheet.evaluation.criteria.all())
    live = sel.live_rates(user, sheet)
    pending = [c.code for c in criteria if c.code not in live or live[c.code] is None]
    return not sel.missing(sheet.scores, [c for c in criteria if c.code in pending], "self")


def _appraised(sheet, user):
    return not sel.missing(sheet.scores, list(sheet.evaluation.criteria.all()), "appraisal")


def _evaluation_open(sheet, user):
    return sheet.evaluation.status == E.OPEN


def _on_submit(sheet, user, reason, data):
    """Freeze the criteria scored from the data (the rate, and the points as both scores) and the totals.
    ``sheet`` is the row the engine locked and the guard read: the rates are read once."""
    criteria = list(sheet.evaluation.criteria.all())
    live = sel.live_rates(user, sheet)
    scores = {code: dict(given or {}) for code, given in sheet.scores.items()}
    for criterion in criteria:
        rate = live.get(criterion.code)
        if rate is None:
            continue
        pts = float(sel.from_rate(criterion, rate))
        scores[criterion.code] = {**scores.get(criterion.code, {}), "data": round(float(rate), 6), "self": pts,
                                  "appraisal": pts}
    sel.with_scores(sheet, scores, criteria)
    sheet.submitted_by, sheet.submitted_at = user, timezone.now()
    save_tracked(sheet, user)
    appraisers = users_who_can("appraise", sheet)
    notify(appraisers.exclude(pk=user.pk), "evaluation_submitted", params={"object": sheet},
           url=sheet.get_absolute_url())


def _on_return(sheet, user, reason, data):
    """Back to the unit: the data criteria read live again (the frozen ones stay in the History tab)."""
    sheet = UnitEvaluation.objects.select_related("unit", "evaluation").get(pk=sheet.pk)
    scores = {}
    for code, given in sheet.scores.items():
        given = dict(given or {})
        if given.pop("data", None) is not None:
            given.pop("self", None)
            given.pop("appraisal", None)
        scores[code] = given
    sel.with_scores(sheet, scores, list(sheet.evaluation.criteria.all()))
    sheet.submitted_at = None
    save_tracked(sheet, user)
    if sheet.submitted_by_id:
        notify([sheet.submitted_by], "evaluation_returned", params={"object": sheet}, url=sheet.get_absolute_url())


def _on_sign(sheet, user, reason, data):
    sheet = UnitEvaluation.objects.select_related("unit", "evaluation").get(pk=sheet.pk)
    sheet.signed_at = timezone.now()
    save_tracked(sheet, user)
    if sheet.submitted_by_id:
        notify([sheet.submitted_by], "evaluation_signed", params={"object": sheet}, url=sheet.get_absolute_url())


SELF_SCORED = Guard(_self_scored, gettext_lazy(
    "Score every criterion that is not scored from the data before submitting the sheet."))
APPRAISED = Guard(_appraised, gettext_lazy("Give an appraisal score to every criterion before signing."))
EVALUATION_OPEN = Guard(_evaluation_open, gettext_lazy("The evaluation is not open."))
NOT_THE_SUBMITTER = not_the_author("submitted_by", gettext_lazy(
    "You submitted this sheet: another person appraises and signs it."))

SHEET_WORKFLOW = Workflow(
    model=UnitEvaluation,
    waiting={S.SELF: sel.SHEET_CHANGE, S.SUBMITTED: sel.APPRAISE},
    transitions=[
        Transition(name="submit", label=gettext_lazy("Submit for appraisal"), sources=(S.SELF,), target=S.SUBMITTED,
                   permission=sel.SHEET_CHANGE, guards=(EVALUATION_OPEN, SELF_SCORED), effect=_on_submit),
        Transition(name="return", label=gettext_lazy("Return for changes"), sources=(S.SUBMITTED,), target=S.SELF,
                   permission=sel.APPRAISE, reason_required=True, effect=_on_return, button="outline-secondary"),
        Transition(name="sign", label=gettext_lazy("Sign the appraisal"), sources=(S.SUBMITTED,), target=S.SIGNED,
                   permission=sel.APPRAISE, guards=(EVALUATION_OPEN, APPRAISED, NOT_THE_SUBMITTER), signature=SIGNED,
                   effect=_on_sign, button="success"),
    ],
)
register_meaning(SIGNED, SIGNED_LABEL)
register(SHEET_WORKFLOW)


def unit_evaluation_transition(*, acting_user, sheet, name, reason="", password=None, data=None):
    """Take transition ``name`` (submit, return, sign) through the workflow engine."""
    if not can(acting_user, "view", sheet):
        raise PermissionDenied
    return SHEET_WORKFLOW.perform(sheet, name, acting_user=acting_user, reason=reason, password=password, data=data)
