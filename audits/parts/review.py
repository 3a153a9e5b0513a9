"""The review part of the audits area: its input to a management review (``objectives``' review
part compiles every registered input; the audits area adds "audit results", ISO 9001 9.3.2 c) 6)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import ReviewInput


def _compile(unit, start, end):
    from audits.selectors.review_input import compile_audits

    return compile_audits(unit, start, end)


PART = {
    "review_inputs": [ReviewInput("audits", _("Audit results"), _compile, "audits/review_input.html")],
}
