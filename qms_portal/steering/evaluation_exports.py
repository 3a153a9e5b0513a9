"""The evaluation's ranking and per-criterion breakdown as a spreadsheet (XLSX) and as a PDF, each a
background job (``qms_portal.jobs``) made in the language of the person who asked."""

from django.utils.translation import gettext_lazy

from ..jobs import JobKind
from . import evaluation_selectors

XLSX = "qms_portal.evaluation_xlsx"
PDF = "qms_portal.evaluation_pdf"


def job_kinds():
    return [
        JobKind(XLSX, gettext_lazy("Evaluation of units: ranking (XLSX)"),
                run="qms_portal.steering.evaluation_exports.ranking_xlsx", permission=evaluation_selectors.VIEW,
                describe="qms_portal.steering.evaluation_exports.describe"),
        JobKind(PDF, gettext_lazy("Evaluation of units: ranking (PDF)"),
                run="qms_portal.steering.evaluation_exports.ranking_pdf", permission=evaluation_selectors.VIEW,
                describe="qms_portal.steering.evaluation_exports.describe"),
    ]


def describe(params, user):
    raise NotImplementedError  # TODO(helper): written with the exports


def ranking_xlsx(job):
    raise NotImplementedError  # TODO(helper)


def ranking_pdf(job):
    raise NotImplementedError  # TODO(helper)
