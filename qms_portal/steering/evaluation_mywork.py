"""The evaluation's part of "My work": the sheets the reader's units have to score and the sheets
waiting for the reader's appraisal. Two queries at most, whatever the number of sheets."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ..mywork import Section
from ..permissions import restrict
from . import evaluation_selectors as sel
from .evaluation_models import Evaluation, UnitEvaluation

SHOWN = 10


def _due(sheet):
    due = sheet.evaluation.self_due
    return _("due %(date)s") % {"date": formats.date_format(due, "SHORT_DATE_FORMAT")} if due else ""


def evaluation_work(user):
    sections = []
    # What a line shows (the sheet's name: the year and the unit's code; its due date, its status),
    # not the sheets' scores nor the evaluations' texts.
    open_ = (UnitEvaluation.objects.filter(evaluation__status=Evaluation.Status.OPEN)
             .select_related("unit", "evaluation").only("pk", "status", "unit__code", "evaluation__year",
                                                        "evaluation__self_due")
             .order_by("evaluation__self_due", "unit__path", "pk"))
    if user.has_perm(sel.SHEET_CHANGE):
        mine = list(restrict(open_.filter(status=UnitEvaluation.Status.SELF), user, sel.SHEET_CHANGE)[:SHOWN])
        if mine:
            sections.append(Section(_("Evaluation sheets to score"), [(str(s), s.get_absolute_url(), _due(s))
                                                                       for s in mine],
                                    "", reverse("unitevaluation_list") + "?status=self"))
    if user.has_perm(sel.APPRAISE):
        waiting = list(restrict(open_.filter(status=UnitEvaluation.Status.SUBMITTED), user, sel.APPRAISE)[:SHOWN])
        if waiting:
            sections.append(Section(_("Evaluation sheets to appraise"),
                                    [(str(s), s.get_absolute_url(), s.get_status_display()) for s in waiting],
                                    "", reverse("unitevaluation_list") + "?status=submitted"))
    return sections

