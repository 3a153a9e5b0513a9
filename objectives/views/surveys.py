"""Satisfaction surveys: the list, writing a survey, its page (groups, dimensions, links handed out),
its History tab and workflow, handing out links (printed slips with QR codes, a general link,
e-mail invitations), and its results (page with a chart, XLSX, PDF)."""

import io

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from qms_portal import charts
from qms_portal.exports import write_xlsx
from qms_portal.forms import on_fields
from qms_portal.pdf import han_variant
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectMixin,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached
from ..forms.surveys import GeneralLinkForm, InviteForm, LinksForm, SurveyFilter, SurveyForm
from ..models import Indicator, Survey
from ..selectors import surveys as selectors
from ..services import surveys as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SurveyListView(ScopedListView):
    """The surveys in the reader's scope, newest period first, with responses and the share
    satisfied or basically satisfied."""

    model = Survey
    filterset_class = SurveyFilter
    table_template = "objectives/surveys/survey_rows.html"
    title = _("Satisfaction surveys")
    create_url = "objectives:survey_create"
    keyset = ("-period_end", "-pk")
    cache_generations = cached.SURVEY_LIST

    def get_queryset(self):
        return selectors.list_queryset(self.request.user)


def _lines(groups):
    return "\n".join(f"{name}; {invited}" for name, invited in groups)


class SurveyCreateView(ServiceFormView):
    model = Survey
    action = "add"
    form_class = SurveyForm
    title = _("New satisfaction survey")
    success_message = _("The survey was saved as a draft. Open it for answers when it is ready.")

    def get_initial(self):
        initial = {"groups": _lines([(_("City leaders"), 7), (_("Departments"), 23)])}
        unit = self.request.user.primary_unit
        if unit is not None and can(self.request.user, "objectives.add_survey", unit):
            initial["unit"] = unit.pk
        return initial

    def perform(self, form):
        return on_fields(form, services.survey_create, acting_user=self.request.user, **form.cleaned_data)


class SurveyEditView(ObjectFormView):
    model = Survey
    form_class = SurveyForm
    title = _("Change the survey")
    success_message = _("The survey was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["survey"] = self.object
        return kwargs

    def get_initial(self):
        s = self.object
        return {"title": s.title, "introduction": s.introduction, "period_start": s.period_start,
                "period_end": s.period_end, "scale": s.scale,
                "closes_at": timezone.localtime(s.closes_at) if s.closes_at else None,
                "groups": _lines(s.groups.order_by("position", "id").values_list("name", "invited")),
                "dimensions": "\n".join(s.dimensions.order_by("position", "id").values_list("name", flat=True))}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return on_fields(form, services.survey_update, acting_user=self.request.user, survey=self.object, **data)


class SurveyDetailView(ScopedDetailView):
    """A survey's page: what it asks of whom, its state, the links handed out and answers so far."""

    model = Survey
    template_name = "objectives/surveys/survey_detail.html"
    related = ("unit", "created_by")
    history_url_name = "objectives:survey_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        survey, user = self.object, self.request.user
        ctx["result"] = selectors.survey_result(survey)
        links = selectors.link_counts(survey)
        for row in ctx["result"]["groups"]:
            row["links"] = links.get(row["group"].pk)
        ctx["may_change"] = can(user, "change", survey) and survey.status != Survey.Status.CLOSED
        ctx["may_distribute"] = can(user, services.CHANGE, survey) and survey.status == Survey.Status.OPEN
        # The satisfaction indicators it feeds (kpi part), those the reader may see.
        ctx["fed_indicators"] = list(Indicator.objects.restrict(user, "view").filter(survey=survey)
                                     .select_related("unit").only("pk", "name", "code", "unit__name", "unit__path")
                                     .order_by("unit__path", "code")[:20])
        return ctx


class SurveyHistoryView(HistoryView):
    model = Survey
    history_url_name = "objectives:survey_history"


class SurveyTransitionView(TransitionView):
    model = Survey
    service = services.survey_transition
    object_kwarg = "survey"


# ---- handing out links ----------------------------------------------------------------------------
class DistributeView(ObjectFormView):
    """A form about an open survey's links; the address of a new link is shown once, on the page
    that answers the POST (never stored, never redirected to)."""

    model = Survey
    action = services.CHANGE
    template_name = "objectives/surveys/distribute_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["survey"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["survey"] = self.object
        return ctx

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code != 302 or not hasattr(self, "shown"):
            return response
        return self.shown

    def get_success_url(self):
        return self.object.get_absolute_url()


def qr_svg(url, title):
    return segno.make(url, error="m").svg_inline(omitsize=True, title=str(title))


class SurveyLinksView(DistributeView):
    """Single-use links to print: a sheet of slips, each with its QR code and address."""

    form_class = LinksForm
    title = _("Print single-use links")

    def perform(self, form):
        data = form.cleaned_data
        urls = on_fields(form, services.survey_links_create, acting_user=self.request.user, survey=self.object,
                         group=data["group"], count=data["count"], language=data["language"] or None)
        self.shown = render(self.request, "objectives/surveys/slips.html", {
            "survey": self.object, "group": data["group"],
            "slips": [{"url": url, "qr": qr_svg(url, self.object.title)} for url in urls]})
        return self.object


class SurveyGeneralLinkView(DistributeView):
    """One link for everyone (citizens), with a cap on answers: its address and QR code, once."""

    form_class = GeneralLinkForm
    title = _("General link for citizens")

    def perform(self, form):
        data = form.cleaned_data
        link, url = on_fields(form, services.survey_general_link_create, acting_user=self.request.user,
                              survey=self.object, group=data["group"], cap=data["cap"],
                              language=data["language"] or None)
        self.shown = render(self.request, "objectives/surveys/general_link.html", {
            "survey": self.object, "group": data["group"], "link": link, "url": url,
            "qr": qr_svg(url, self.object.title)})
        return self.object


class SurveyInviteView(DistributeView):
    """E-mail invitations, one message per person in their language, each with its own link."""

    form_class = InviteForm
    title = _("Invite by e-mail")

    def perform(self, form):
        data = form.cleaned_data
        self.sent = on_fields(form, services.survey_invite_by_email, acting_user=self.request.user,
                              survey=self.object, group=data["group"], recipients=data["recipients"])
        return self.object

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            messages.success(self.request, ngettext("%(count)s invitation is on its way.",
                                                    "%(count)s invitations are on their way.", self.sent)
                             % {"count": self.sent})
        return response


# ---- results -----------------------------------------------------------------------------------------
def results_chart(result):
    names = [row["dimension"].name for row in result["dimensions"]]
    return charts.bar(names, [(_("Satisfied"), [_n(row["satisfied_pct"]) for row in result["dimensions"]]),
                              (_("Satisfied or basically satisfied"),
                               [_n(row["positive_pct"]) for row in result["dimensions"]])],
                      title=_("Satisfaction per dimension"), unit_label="%", decimals=1)


def results_context(survey, user):
    result = selectors.survey_result(survey)
    dimensions = [row["dimension"] for row in result["dimensions"]]
    matrix = [{"group": row, "cells": [result["cells"].get((row["group"].pk, d.pk)) for d in dimensions]}
              for row in result["groups"]]
    by_dimension = [{"dimension": row, "cells": [result["cells"].get((g["group"].pk, row["dimension"].pk))
                                                 for g in result["groups"]]} for row in result["dimensions"]]
    return {"survey": survey, "object": survey, "result": result, "matrix": matrix, "dimensions": dimensions,
            "by_dimension": by_dimension,
            "chart": results_chart(result), "comments": list(selectors.comments(survey)),
            "han": han_variant(survey.title, survey.unit.name), "printed_by": user, "printed_at": timezone.now()}


class SurveyResultsView(ObjectMixin, View):
    model = Survey
    related = ("unit",)

    def get(self, request, pk):
        survey = self.get_object()
        return render(request, "objectives/surveys/results.html", results_context(survey, request.user))


class SurveyResultsPdfView(ObjectPdfView):
    model = Survey
    related = ("unit",)
    pdf_template = "objectives/surveys/pdf_results.html"

    def pdf_context(self, survey):
        return results_context(survey, self.request.user)

    def pdf_filename(self, survey):
        return f"{survey.number}-results.pdf"

    def back_url(self, survey):
        return reverse("objectives:survey_results", args=[survey.pk])


def _n(value):
    return None if value is None else float(value)


class SurveyResultsXlsxView(ObjectMixin, View):
    model = Survey
    related = ("unit",)

    def get(self, request, pk):
        survey = self.get_object()
        ctx = results_context(survey, request.user)
        result = ctx["result"]
        headers = [_("Respondent group"), _("Dimension"), _("Satisfied"), _("Basically satisfied"), _("Not satisfied"),
                   _("Answers"), _("Share satisfied (%)"), _("Share satisfied or basically satisfied (%)"),
                   _("Responses"), _("Asked"), _("Response rate (%)")]

        def line(group, dimension, t, extra=(None, None, None)):
            return [group, dimension, t["satisfied"], t["basic"], t["not"], t["answers"], _n(t["satisfied_pct"]),
                    _n(t["positive_pct"]), *extra]

        everything = str(_("All"))
        rows = []
        for row in ctx["matrix"]:
            g = row["group"]
            rows.append(line(g["group"].name, everything, g, (g["responses"], g["invited"], _n(g["response_rate"]))))
            for d, cell in zip(ctx["dimensions"], row["cells"], strict=True):
                rows.append(line(g["group"].name, d.name, cell or selectors.tally({}, survey.scale)))
        for d in result["dimensions"]:
            rows.append(line(everything, d["dimension"].name, d))
        rows.append(line(everything, everything, result,
                         (result["responses"], result["invited"], _n(result["response_rate"]))))
        rows.append([])
        for c in ctx["comments"]:
            rows.append([c.group.name, str(_("Comment")), c.comment, c.signed_name])
        preamble = [[survey.number, survey.title], [str(_("Unit")), survey.unit.name],
                    [str(_("Period")), survey.period_start, survey.period_end],
                    [str(_("Status")), survey.get_status_display()]]
        out = io.BytesIO()
        write_xlsx(out, headers=headers, rows=rows, title=survey.number, preamble=preamble)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{survey.number}-results.xlsx"'
        return response
