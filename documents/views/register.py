"""The register, a document's page and its administration (edit, distribution, periodic review)."""

from functools import partial
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from qms_portal import fragments
from qms_portal.links import pk_url
from qms_portal.permissions import can, scope_fingerprint
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from .. import cached, selectors, services
from ..filters import DocumentFilter
from ..flow import flow_svg
from ..forms import DistributionForm, DocumentForm, PeriodicReviewForm
from ..models import OPEN_REVISION_STATUSES, Document, Revision
from ..time_limits import step_total

COVERAGE_ROWS = 10  # units shown on a document page before "show every unit"


class RegisterView(ScopedListView):
    """Browse by level, category, type, unit, clause and status; staff see effective documents by
    default. Sorted by level then code (``selectors.REGISTER_ORDER``); above the list, how many
    documents the filters select by level and category of procedure, with the total
    ("3 + 6 + 22 + 4 = 35"), counted in one GROUP BY query within the reader's scope.

    The page's content (filters, table, pages) is a cached fragment (``fragments.py``), one per
    reader, filter, page, language and day: officials go back to the same register again and
    again, and a province has 10,000 documents to count and sort. Any change to a document, a
    revision it can show, a type, unit or clause, or a new distribution, retires every such
    fragment (``cached.REGISTER_GENERATIONS``); a change to the reader's roles (the documents and
    the units they may see) changes their key. On a cached visit the filters are not built, the
    documents are neither counted nor read, and a search reads no text.
    """

    model = Document
    filterset_class = DocumentFilter
    template_name = "documents/register.html"
    content_template = "documents/register_content.html"
    cache_generations = cached.REGISTER_GENERATIONS
    cache_seconds = cached.REGISTER_SECONDS
    title = gettext_lazy("Documents")
    create_url = "documents:document_create"
    related = ("unit", "doc_type")
    ordering = selectors.REGISTER_ORDER
    keyset = selectors.REGISTER_ORDER  # paged by cursor in the register's order

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["default_status"] = "active" if self.writer() else "effective"
        return kwargs

    def writer(self):
        return self.request.user.has_perm("documents.change_document")

    def content_key_parts(self):
        user = self.request.user
        return (self.writer(), user.has_perm("documents.export_document"), user.has_perm("documents.add_document"),
                scope_fingerprint(user, "documents.view_document"),
                scope_fingerprint(user, "qms_portal.view_unit"))  # the units its filter offers

    def get_content_context(self):
        """The filters, the counts, the table and its pages (the rows are read here only)."""
        context = super().get_content_context()
        valid = self.filterset.is_valid()
        groups, total = selectors.counts(self.object_list) if valid else ([], 0)
        context.update(groups=groups, total=total, equation=selectors.equation(groups, total))
        return context

    def get_queryset(self):
        # The revision numbers are fetched for the rows shown only (a join to every revision would
        # make the database read all of them before it sorts and takes a page).
        return super().get_queryset().only(
            "pk", "code", "title", "level", "category", "is_withdrawn", "review_required", "effective_since",
            "next_review_date", "current_revision_id", "unit__code", "unit__name", "doc_type__code",
            "doc_type__name", "doc_type__level", "doc_type__is_system",
        ).order_by(*self.get_ordering()).prefetch_related(
            Prefetch("current_revision", queryset=Revision.objects.only("pk", "number")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_export"] = self.request.user.has_perm("documents.export_document")
        ctx["today"] = timezone.localdate()
        ctx["rows"] = register_rows(ctx["object_list"], ctx["today"])
        return ctx


def register_rows(documents, today):
    """The register table's rows (``<tr>`` … for each document), written in Python: the template
    engine took longer over 25 rows of six cells than the database took to find them (a first
    visit renders them all). The same HTML as a template loop would write, every value escaped."""
    labels = {key: conditional_escape(gettext(text)) for key, text in (
        ("obsolete", "Obsolete"), ("effective", "Effective"), ("in_preparation", "In preparation"),
        ("review_required", "Review required"), ("review_due", "Review due"))}
    fragments.shows(documents, "code", "title", "category", "is_withdrawn", "review_required", "next_review_date",
                    "doc_type", "unit__code", "current_revision__number")
    rows = []
    for d in documents:
        code, title = conditional_escape(d.code), conditional_escape(d.title)
        category = conditional_escape(choice_label(d, "category"))
        revision = d.current_revision
        if d.is_withdrawn:
            state = f'<span class="badge text-bg-dark">{labels["obsolete"]}</span>'
        elif revision is not None:
            state = f'<span class="badge text-bg-success">{labels["effective"]}</span>'
        else:
            state = f'<span class="badge text-bg-warning">{labels["in_preparation"]}</span>'
        if d.review_required:
            state += f' <span class="badge text-bg-danger">{labels["review_required"]}</span>'
        if d.next_review_date and d.next_review_date <= today and not d.is_withdrawn:
            state += f' <span class="badge text-bg-warning">{labels["review_due"]}</span>'
        withdrawn = ' class="table-secondary"' if d.is_withdrawn else ""
        shown_title = f"<del>{title}</del>" if d.is_withdrawn else title
        small = (f'<span class="d-block d-md-none small text-body-secondary">{category}</span>'
                 if d.category else "")
        number = conditional_escape(revision.label) if revision is not None else "—"
        rows.append(
            f'<tr data-code="{code}"{withdrawn}>'
            f'<td><a class="text-nowrap" href="{conditional_escape(d.get_absolute_url())}">{code}</a><br>'
            f"{shown_title}{small}</td>"
            f'<td class="d-none d-md-table-cell">{conditional_escape(str(d.doc_type))}</td>'
            f'<td class="d-none d-md-table-cell">{category}</td>'
            f'<td class="d-none d-lg-table-cell">{conditional_escape(d.unit.code)}</td>'
            f'<td class="d-none d-sm-table-cell">{number}</td>'
            f"<td>{state}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class DocumentDetailView(ScopedDetailView):
    """A document's page. Its body (facts, effective revision, lists; coverage) is the same for
    every reader and comes rendered from the cache while current (``documents/cached.py``), with
    the reader's own acknowledgement, in one round trip (the navigation's unread count comes with
    it). The header (what this reader may do) and the acknowledgement form are rendered for each
    request."""

    model = Document
    template_name = "documents/document_detail.html"
    # The type and the process owner are shown in the cached body only: read when it is rendered.
    related = ("unit", "current_revision")

    def get_base_queryset(self):
        # The revision's long texts are read only when its cached body is missing.
        return super().get_base_queryset().defer(*(f"current_revision__{name}" for name in Revision.BULKY))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        document, user = self.object, self.request.user
        current = document.current_revision
        # A role on the document's unit opens its every revision and proposed change; someone it
        # was only distributed to opens the effective revision they received (its text, its PDF),
        # and sees the others listed, not linked.
        every_revision = can(user, "documents.view_revision", document.unit)
        links = {
            "revision_links": every_revision,
            "current_link": every_revision or (current is not None and can(user, "view", current)),
            "request_links": can(user, "documents.view_changerequest", document.unit),
            "legal_links": user.has_perm("documents.view_legaldocument"),  # global: held anywhere
        }
        pieces = {
            "page": cached.page_piece(document, links, partial(self.render_page, document, links)),
        }
        if current is not None:
            coverage_all = self.request.GET.get("coverage") == "all"
            pieces["coverage"] = cached.coverage_page_piece(current, coverage_all,
                                                            partial(self.render_coverage, current, coverage_all))
            pieces["mine"] = cached.my_acknowledgement_piece(current, user)
        found = fragments.cached_many(pieces)  # one round trip to the cache
        ctx["page"] = found["page"]
        ctx["open_revision"] = found["page"]["open_revision"] if every_revision else None
        ctx["current"] = current
        ctx["current_link"] = links["current_link"]
        ctx["coverage"] = found.get("coverage", "")
        # Who has read it, person by person, for those who may see that on the document's unit (the
        # coverage above, counts per unit, is for every reader).
        if current is not None and can(user, "documents.view_acknowledgement", document.unit):
            ctx["acknowledgements_url"] = acknowledgements_url(document)
        ctx["my_acknowledgement"] = mine = found["mine"][0] if current is not None else None
        ctx["to_acknowledge"] = mine is not None and mine.acknowledged_at is None and not document.is_withdrawn
        ctx["can_change"] = can(user, "change", document)
        ctx["can_revise"] = can(user, "documents.add_revision", document.unit) and not document.is_withdrawn
        ctx["can_review"] = can(user, "documents.review_document", document) and current is not None
        return ctx

    def render_page(self, document, links):
        """The page's facts, effective revision and lists from their cached pieces (one more round
        trip; only the pieces whose generations moved are read from the database). The revision's
        text only for a reader who may open it (not a withdrawn one for a reader it was sent to)."""
        current = document.current_revision
        pieces = {"lists": cached.lists_piece(document)}
        if current is not None and links["current_link"]:
            pieces["body"] = cached.body_piece(current, document, partial(self.render_body, current, document))
        found = fragments.cached_many(pieces)
        context = {"object": document, "current": current, "today": timezone.localdate(),
                   "revision_body": found.get("body", ""), **links, **found["lists"]}
        open_revision = next((r for r in context["revisions"] if r.status in OPEN_REVISION_STATUSES), None)
        return {"facts": render_to_string("documents/document_facts.html", context),
                "lists": render_to_string("documents/document_lists.html", context), "open_revision": open_revision}

    def render_coverage(self, revision, coverage_all):
        """Per unit, how many have acknowledged the revision: the units furthest behind first, all
        of them only when asked (a province has hundreds)."""
        rows = list(cached.coverage(revision))
        context = {
            "coverage_total": sum(r["total"] for r in rows), "coverage_done": sum(r["done"] for r in rows),
            "coverage_units": len(rows), "coverage_all": coverage_all,
        }
        rows.sort(key=lambda r: (r["done"] / r["total"] if r["total"] else 1, r["unit__code"] or ""))
        context["coverage"] = rows if coverage_all else rows[:COVERAGE_ROWS]
        return render_to_string("documents/document_coverage.html", context)

    def render_body(self, revision, document):
        """The effective revision's text, steps, flow and signatures (its long texts and steps are
        read here only)."""
        steps = list(revision.steps.select_related("responsible_unit", "responsible_role", "output_form"))
        context = {"revision": revision, "object": revision, "request": self.request,
                   **steps_context(revision, steps, document)}
        return render_to_string("documents/revision_body.html", context)


def acknowledgements_url(document):
    """The register of acknowledgements narrowed to a document's (its code, on its unit)."""
    query = urlencode({"document": document.code, "unit": document.unit_id})
    return f"{pk_url('documents:acknowledgement_list')}?{query}"


def steps_context(revision, steps, document):
    """The steps table, its total, the legal-limit warning and the flow diagram."""
    total = step_total(steps, document.legal_time_limit_days)
    return {
        "steps": steps,
        "total": total,
        "total_days": total.days,
        "total_hours": total.hours,
        "over_limit": total.over_limit,
        "legal_limit": total.limit,
        "flow": flow_svg(steps),
    }


class DocumentHistoryView(HistoryView):
    model = Document


class DocumentCreateView(ServiceFormView):
    model = Document
    action = "add"
    form_class = DocumentForm
    title = gettext_lazy("New document")
    success_message = gettext_lazy("The document was created with a first draft.")

    def get_initial(self):
        return {"process_owner": self.request.user.pk, "unit": self.request.user.primary_unit_id}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.document_create(acting_user=self.request.user, **data)


class DocumentUpdateView(ObjectFormView):
    model = Document
    form_class = DocumentForm
    title = gettext_lazy("Edit document")
    success_message = gettext_lazy("The document was saved.")

    def perform(self, form):
        return services.document_update(acting_user=self.request.user, document=self.object, **form.cleaned_data)


class NewRevisionView(ActionView):
    """POST: open a new draft revision from the effective one."""

    model = Document
    action = "documents.add_revision"

    def perform(self, document):
        return services.revision_create_draft(acting_user=self.request.user, document=document,
                                              reason=self.request.POST.get("reason", ""))

    def get_success_url(self, document, draft):
        return draft.get_absolute_url() + "edit/"


class DistributionView(ObjectFormView):
    model = Document
    form_class = DistributionForm
    template_name = "documents/distribution.html"
    title = gettext_lazy("Distribution")
    success_message = gettext_lazy("Added to the distribution list.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["entries"] = self.object.distribution.select_related("unit", "role", "person")
        ctx["recipient_count"] = selectors.recipients(self.object).count()
        return ctx

    def perform(self, form):
        services.distribution_add(acting_user=self.request.user, document=self.object, **form.cleaned_data)
        return self.object

    def get_success_url(self):
        return self.request.path


class DistributionRemoveView(ActionView):
    model = Document
    action = "change"
    success_message = gettext_lazy("Removed from the distribution list.")

    def perform(self, document):
        row = document.distribution.filter(pk=self.kwargs["entry"]).first()
        if row is None:
            raise Http404
        return services.distribution_remove(acting_user=self.request.user, entry=row)

    def get_success_url(self, document, result):
        return document.get_absolute_url() + "distribution/"


class PeriodicReviewView(ObjectFormView):
    model = Document
    action = "documents.review_document"
    form_class = PeriodicReviewForm
    title = gettext_lazy("Record the periodic review")
    success_message = gettext_lazy("The periodic review was recorded.")

    def perform(self, form):
        services.periodic_review_record(acting_user=self.request.user, document=self.object, **form.cleaned_data)
        return Document.objects.get(pk=self.object.pk)


class AcknowledgeView(ActionView):
    """POST: "I have read and understood the effective revision"."""

    model = Document
    success_message = gettext_lazy("Thank you. Your acknowledgement was recorded.")

    def perform(self, document):
        return services.revision_acknowledge(acting_user=self.request.user, revision=document.current_revision)
