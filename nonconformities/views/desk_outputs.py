"""Nonconforming outputs (8.7): the register of late or failed files, a record's page and History
tab, the forms, and the apology letter in the citizen's language."""

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from qms_portal.pdf import render_pdf
from qms_portal.permissions import scope_fingerprint
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from .. import cached
from ..forms.desk import OutputFilter, OutputForm
from ..models import NonconformingOutput
from ..services import desk as services

LETTER = "nonconformities.print_apology_letter"
RAISE = "nonconformities.add_nonconformity"


class OutputListView(ScopedListView):
    """The register of late or failed files, the latest due first; kept in the cache per reader and
    day (the working days late of a file not delivered grow with it: ``cached.py``)."""

    model = NonconformingOutput
    filterset_class = OutputFilter
    content_template = "nonconformities/desk/output_list_content.html"
    title = gettext_lazy("Nonconforming outputs")
    create_url = "nonconformities:output_create"
    related = ("unit", "procedure")
    keyset = ("-due_on", "-pk")
    cache_generations = cached.OUTPUT_GENERATIONS

    def content_key_parts(self):
        # The procedure filter offers the procedures the reader may see (``OutputFilter``): their scope.
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, "documents.view_document"))

    def get_base_queryset(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Exists, OuterRef

        from ..models import Nonconformity

        raised = Nonconformity.objects.filter(source_type=ContentType.objects.get_for_model(NonconformingOutput),
                                              source_id=OuterRef("pk"))
        return (super().get_base_queryset().defer("delivered", "notes", "citizen_address", "unit__search_key")
                .annotate(nonconformity_raised=Exists(raised)))


class OutputDetailView(ScopedDetailView):
    model = NonconformingOutput
    template_name = "nonconformities/desk/output_detail.html"
    related = ("unit", "procedure", "authorised_by", "recorded_by")
    history_url_name = "nonconformities:nonconformingoutput_history"

    def get_context_data(self, **kwargs):
        from qms_portal.permissions import can

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["may_edit"] = can(user, "change", self.object)
        ctx["may_print_letter"] = can(user, LETTER, self.object)
        raised = services.raised_from(self.object)
        ctx["nonconformities"] = raised.restrict(user, "view")
        ctx["may_raise"] = not raised.exists() and can(user, RAISE, self.object)
        return ctx


class OutputHistoryView(HistoryView):
    model = NonconformingOutput
    history_url_name = "nonconformities:nonconformingoutput_history"
    related = ("unit",)


class OutputCreateView(ServiceFormView):
    model = NonconformingOutput
    action = "add"
    form_class = OutputForm
    title = gettext_lazy("Record a nonconforming output")
    success_message = gettext_lazy("The nonconforming output was recorded.")

    def get_initial(self):
        return {"citizen_language": "vi", "unit": self.request.user.primary_unit_id}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.output_record(acting_user=self.request.user, **data)


class OutputEditView(ObjectFormView):
    model = NonconformingOutput
    form_class = OutputForm
    title = gettext_lazy("Edit the nonconforming output")
    success_message = gettext_lazy("The nonconforming output was saved.")

    def perform(self, form):
        return services.output_update(acting_user=self.request.user, output=self.object, **form.cleaned_data)


class OutputRaiseView(ActionView):
    """Raise a nonconformity from the output (once), then open it."""

    model = NonconformingOutput
    action = RAISE
    success_message = gettext_lazy("A nonconformity was raised from this output.")

    def perform(self, output):
        return services.output_raise_nonconformity(acting_user=self.request.user, output=output)

    def get_success_url(self, output, nonconformity):
        return nonconformity.get_absolute_url()


class ApologyLetterView(ObjectPdfView):
    """The apology letter to the citizen, as a PDF in the CITIZEN's language (not the reader's)."""

    model = NonconformingOutput
    action = LETTER
    related = ("unit", "procedure")

    def pdf_response(self, output):
        response = HttpResponse(apology_letter_pdf(output), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="apology-{output.pk}-{output.citizen_language}.pdf"'
        return response


def letter_date(day, language):
    """The letter's date line: "Ngày 01 tháng 04 năm 2026" in a Vietnamese administrative letter,
    else the language's long date (``DATE_FORMAT``)."""
    if language == "vi":
        return f"Ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    return date_format(day, "DATE_FORMAT")


def apology_letter_pdf(output, today=None):
    """The letter's PDF bytes, rendered with the citizen's language active."""
    with translation.override(output.citizen_language):
        return render_pdf("pdf/nonconformities/apology_letter.html", {
            "output": output, "unit": output.unit, "days_late": output.days_late,
            "letter_date": letter_date(today or timezone.localdate(), output.citizen_language),
        })
