"""The training matrix (``selectors/matrix.py``): for a unit, its people (a page at a time) × the
competences their roles require, with the gaps per person and per sub-unit and what expires soon;
its XLSX export (a background job, ``training/exports_matrix.py``); and the training coverage panel
on a document's page (registered with the core: ``areas.Panel``)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from qms_portal.jobs import job_start
from qms_portal.models import User
from qms_portal.pagination import keyset_page
from qms_portal.permissions import can
from qms_portal.views.generic import ScopedMixin

from .. import exports_matrix as exports
from ..forms.matrix import MatrixForm
from ..models import Qualification
from ..selectors import matrix as selectors


def reads_matrix(user):
    """Whether ``user`` may read the matrix of some unit: training.view_qualification through a
    role (everyone reads their own qualifications, which opens no unit's matrix)."""
    return selectors.matrix_units(user).exists()


def chosen(request):
    """``(form, unit, subunits)`` from the query string: the unit picked (default: the reader's
    own or highest unit they may read), or None when the reader may read no unit's matrix."""
    form = MatrixForm(request.GET or None, user=request.user)
    unit, subunits = None, True
    if form.is_bound and form.is_valid():
        unit, subunits = form.cleaned_data.get("unit"), form.cleaned_data["subunits"]
    if unit is None and not (form.is_bound and form.errors.get("unit")):
        unit = selectors.default_unit(request.user)
        if unit is not None and not form.is_bound:  # the picker shows the unit the page opened on
            form = MatrixForm(initial={"unit": unit.pk}, user=request.user)
    return form, unit, subunits


class MatrixView(ScopedMixin, TemplateView):
    """The matrix of one unit (with or without its sub-units' people), a page of people at a time."""

    model = Qualification
    template_name = "training/matrix/matrix.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        form, unit, subunits = chosen(self.request)
        ctx.update(form=form, unit=unit, subunits=subunits, today=today, expiring_days=selectors.EXPIRING_DAYS,
                   title=_("Training matrix"))
        if unit is None:
            if not form.errors:
                # No unit's matrix to read: the reader's own row (their own qualifications).
                ctx["own"] = True
                columns = selectors.required_competences(User.objects.filter(pk=user.pk))
                ctx.update(columns=columns, rows=_decorate(selectors.person_rows([user], columns, today), columns))
            return ctx
        scope = selectors.people(user, unit, subunits)
        columns = selectors.required_competences(scope)
        page = keyset_page(scope.select_related("primary_unit"), selectors.ORDERING, selectors.PER_PAGE,
                           self.request.GET, salt="training.matrix")
        rows = selectors.person_rows(list(page.object_list), columns, today)
        _decorate(rows, columns)
        ancestors, children = selectors.ancestors_and_children(user, unit)
        summaries = selectors.unit_summaries(user, unit, today, children=children)
        expiring, expiring_total = selectors.expiring_soon(user, unit, subunits, today)
        query = {"unit": unit.pk, "subunits": "1" if subunits else "0"}
        ctx.update(columns=columns, rows=rows, page_obj=page, summaries=summaries,
                   subunit_total=summaries[0] if summaries else None,
                   expiring=expiring, expiring_total=expiring_total, query=urlencode(query),
                   ancestors=ancestors,
                   totals=_totals(summaries))
        return ctx


def _decorate(rows, columns):
    """For the template: a heading where the unit changes (the page is in unit order) and, for the
    phone's cards, the required competences of each person beside their cells."""
    previous = None
    for row in rows:
        row.new_unit = row.user.primary_unit_id != previous
        previous = row.user.primary_unit_id
        row.pairs = [(c, cell) for c, cell in zip(columns, row.cells, strict=True)
                     if cell.state != selectors.NOT_REQUIRED]
    return rows


def _totals(summaries):
    totals = selectors.UnitSummary(None)
    for node in summaries:
        totals.people += node.people
        totals.with_gaps += node.with_gaps
        totals.gaps += node.gaps
        totals.expiring += node.expiring
    return totals


class MatrixExportView(ScopedMixin, View):
    """The matrix of a unit and its sub-units as XLSX: the page says what the file will list; asking
    for it (POST) queues a background job and opens its progress page."""

    model = Qualification

    def get(self, request, status=200):
        params = exports.matrix_params(request.GET)
        unit, problem = exports.matrix_unit(request.user, params)
        return render(request, "training/matrix/export.html", {
            "unit": unit, "problem": problem, "query": urlencode(params),
            "details": exports.describe_matrix(params, request.user) if unit else [],
        }, status=status)

    def post(self, request):
        params = exports.matrix_params(request.GET)
        unit, problem = exports.matrix_unit(request.user, params)
        if unit is None:
            return self.get(request, status=400)
        job = job_start(acting_user=request.user, kind=exports.JOB_KIND, params=params)
        return HttpResponseRedirect(job.get_absolute_url())


COVERAGE_ROWS = 10


# --- the panel on a document's page (``areas.Panel``) ------------------------------------------------


def document_panel(request, document):
    """The training coverage of a document's effective revision when it needs training: per unit,
    people trained of people required, beside the acknowledgement coverage. None (no panel) when
    the document has no effective revision needing training."""
    revision = document.current_revision
    if revision is None or not revision.needs_training:
        return None
    if not can(request.user, "documents.view_document", document):
        raise PermissionDenied
    rows = selectors.revision_coverage(revision)
    # The units furthest behind first; all of them only when asked (a province has hundreds).
    rows.sort(key=lambda r: (r["done"] / r["total"] if r["total"] else 1, r["unit__code"] or ""))
    shown = rows if request.GET.get("training_coverage") == "all" else rows[:COVERAGE_ROWS]
    return {
        "revision": revision, "rows": shown, "total": sum(r["total"] for r in rows),
        "done": sum(r["done"] for r in rows), "courses": selectors.training_courses(revision),
        "more": len(shown) < len(rows), "units": len(rows),
        # person by person, for whoever reads the training records of the document's unit
        "register_url": (f"{reverse('training:revision_trainings')}?{urlencode({'document': document.code})}"
                         if can(request.user, selectors.PERMISSION, document.unit) else ""),
    }
