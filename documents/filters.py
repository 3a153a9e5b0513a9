import django_filters
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms_portal.search import matches, words_condition
from qms_portal.unit_picker import UnitChoiceFilter

from .models import Acknowledgement, Clause, Document, DocumentType, Revision

SEARCH_IDS_INLINE = 500  # matching revisions passed as a list of ids; more stay a subquery


class ClauseChoiceFilter(django_filters.ChoiceFilter):
    """An ISO 9001 clause among the catalogue's (``Clause.choices``: no model read per option)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("ISO 9001 clause"))
        super().__init__(*args, choices=Clause.choices, **kwargs)


class DocumentFilter(django_filters.FilterSet):
    STATUS = (
        ("effective", _("Effective")),
        ("active", _("Effective and in preparation")),
        ("pending", _("Not yet effective")),
        ("review_required", _("Review required")),
        ("review_due", _("Periodic review due")),
        ("review_overdue", _("Periodic review overdue")),
        ("obsolete", _("Obsolete")),
        ("all", _("All, including obsolete")),
    )
    q = django_filters.CharFilter(label=_("Search code, title, content"), method="search")
    # The document's copy of its type's level: the page is then read from the level-then-code index
    # (through the type, PostgreSQL read every document of the level and sorted them).
    level = django_filters.ChoiceFilter(label=_("Level"), field_name="level", choices=DocumentType.Level.choices)
    # Procedures only (``DocumentType.needs_category``): mandatory, operational or support.
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Document.Category.choices)
    doc_type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=DocumentType.objects.all())
    unit = UnitChoiceFilter(label=_("Unit"), method="in_unit")  # the units the reader may view
    clause = ClauseChoiceFilter(field_name="clauses")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS, method="by_status", empty_label=None)

    class Meta:
        model = Document
        fields = ["q", "level", "category", "doc_type", "unit", "clause", "status"]

    def __init__(self, data=None, *args, default_status="effective", **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = default_status
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        # Stored text is folded, then followed by its words that carry marks (qms_portal.search):
        # "thu tuc" and "thủ tục" both find "Thủ tục", and "bản" does not find "ban". The query is
        # made the same way (NFC, case-folded), so accents typed as combining marks and capitals
        # match on every database.
        in_key = matches("search_key", value)
        if in_key is None:
            return queryset
        if connection.vendor == "postgresql":
            # The revisions whose text matches, through the trigram index on current revisions
            # (migration 0005: its predicate is this status filter); an OR across the join would
            # read every revision instead. The index only narrows the candidates and PostgreSQL
            # rechecks each long text, so the ids are read once, here, rather than once for the
            # page and again for its count; a broad search (hundreds of documents or more) stays
            # a subquery, as a long list of ids would cost more than the second recheck.
            # Status first: where no index serves (a one- or two-character word), PostgreSQL tests
            # the conditions in this order, and the long texts of past revisions are never read.
            # A query in words (Vietnamese…) is answered by the words' index instead (migration
            # 0016: its predicate is the same), which reads no long text; Chinese by the trigrams.
            current = Revision.objects.filter(status__in=[Revision.Status.EFFECTIVE, Revision.Status.OBSOLETE])
            in_words = words_condition(value, "search_words", "search_text")
            matching = current.filter(in_words if in_words is not None else matches("search_text", value))
            matching = matching.order_by().values_list("pk", flat=True)
            ids = list(matching[:SEARCH_IDS_INLINE + 1])
            in_text = Q(current_revision__in=ids if len(ids) <= SEARCH_IDS_INLINE else matching)
        else:
            in_text = matches("current_revision__search_text", value)
        return queryset.filter(in_key | in_text)

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)

    def by_status(self, queryset, name, value):
        from django.utils import timezone

        if value == "effective":
            return queryset.filter(is_withdrawn=False, current_revision__isnull=False)
        if value == "active":
            return queryset.filter(is_withdrawn=False)
        if value == "pending":
            return queryset.filter(is_withdrawn=False, current_revision__isnull=True)
        if value == "review_required":
            return queryset.filter(is_withdrawn=False, review_required=True)
        if value == "review_due":
            return queryset.filter(is_withdrawn=False, next_review_date__lte=timezone.localdate())
        if value == "review_overdue":  # the dashboard's figure: the review date has passed
            return queryset.filter(is_withdrawn=False, next_review_date__lt=timezone.localdate())
        if value == "obsolete":
            return queryset.filter(is_withdrawn=True)
        return queryset


class AnnouncementRegisterFilter(django_filters.FilterSet):
    """The announcement register's filters: the status of each unit (``documents/announcements.py``)
    and a search on the unit's code or name. Filtering by status reads the standing of every unit
    listed, and keeps it (``standings``) for the page's rows."""

    q = django_filters.CharFilter(label=_("Search unit"), method="search_unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=(), method="by_status")

    standings = None

    def __init__(self, *args, **kwargs):
        from .announcements import STATUS_CHOICES

        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = STATUS_CHOICES
        self.form.fields["status"].choices = [("", "---------"), *STATUS_CHOICES]

    def search_unit(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset

    def by_status(self, queryset, name, value):
        from .announcements import standings

        self.standings = standings(queryset.values_list("pk", flat=True))
        return queryset.filter(pk__in=[pk for pk, s in self.standings.items() if s.announcement_status == value])


class AcknowledgementFilter(django_filters.FilterSet):
    """The register of acknowledgements' filters: the document's unit with its sub-units, given or
    still waiting, the person (name, user name, tone marks optional) and the document (code, title).
    ``?unit=<id>&state=acknowledged`` is the steering dashboard's figure for that unit's subtree."""

    STATES = (("acknowledged", _("Acknowledged")), ("waiting", _("Not yet acknowledged")))

    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), field_name="revision__document__unit", subtree=True)
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="by_state")
    person = django_filters.CharFilter(label=_("Person"), method="by_person")
    document = django_filters.CharFilter(label=_("Document (code or title)"), method="by_document")

    class Meta:
        model = Acknowledgement
        fields = ["unit", "state", "person", "document"]

    def by_state(self, queryset, name, value):
        if value == "acknowledged":
            return queryset.filter(acknowledged_at__isnull=False)
        if value == "waiting":
            return queryset.filter(acknowledged_at__isnull=True)
        return queryset

    def by_person(self, queryset, name, value):
        condition = matches("user__search_key", value)
        return queryset if condition is None else queryset.filter(condition)

    def by_document(self, queryset, name, value):
        condition = matches("revision__document__search_key", value)
        return queryset if condition is None else queryset.filter(condition)
