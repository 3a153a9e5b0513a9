"""Controlled documents (ISO 9001:2015 clause 7.5): the register, revisions with review and
approval, procedures as steps, distribution and acknowledgement, periodic review, the legal
register and the ISO clause catalogue."""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from qms_portal.links import pk_url
from qms_portal.models import BaseModel, Role, Unit


class Clause(models.Model):
    """A clause of ISO 9001:2015, with its title in the four languages (shared with audits)."""

    number = models.CharField(_("clause"), max_length=10, unique=True)
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    title_en = models.CharField(max_length=200)
    title_vi = models.CharField(max_length=200)
    title_zh_hans = models.CharField(max_length=200)
    title_zh_hant = models.CharField(max_length=200)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def title(self):
        language = (translation.get_language() or "en").replace("-", "_")
        return getattr(self, f"title_{language}", None) or self.title_en

    @staticmethod
    def key_for(number):
        return ".".join(part.zfill(3) for part in number.split("."))

    @classmethod
    def choices(cls):
        """``[(id, "7.5 Documented information"), …]`` in the catalogue's order and the current
        language, for a filter or a form: one query of three columns, no model instance per option."""
        language = (translation.get_language() or "en").replace("-", "_")
        column = f"title_{language}" if f"title_{language}" in _CLAUSE_TITLES else "title_en"
        rows = cls.objects.order_by("sort_key").values_list("pk", "number", column, "title_en")
        return [(pk, f"{number} {title or title_en}") for pk, number, title, title_en in rows]


_CLAUSE_TITLES = ("title_en", "title_vi", "title_zh_hans", "title_zh_hant")


class DocumentType(BaseModel):
    """Configurable per deployment; seeded for a government QMS (manual, policy, procedures…)."""

    class Level(models.IntegerChoices):
        MANUAL = 1, _("Level 1 — manual, policy, objectives")
        PROCEDURE = 2, _("Level 2 — procedures")
        INSTRUCTION = 3, _("Level 3 — work instructions")
        FORM = 4, _("Level 4 — forms and record templates")
        EXTERNAL = 5, _("External documents")

    code = models.CharField(_("code"), max_length=10, unique=True,
                            help_text=_("Used in document numbers, e.g. QT for procedures."))
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    has_steps = models.BooleanField(_("has a steps table"), default=False)
    needs_category = models.BooleanField(_("needs a category"), default=False)
    is_form = models.BooleanField(_("is a form or record template"), default=False)
    is_system = models.BooleanField(default=False, editable=False)
    default_review_months = models.PositiveSmallIntegerField(_("default review period (months)"), default=12)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self):
        return gettext(self.name) if self.is_system else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The documents keep a copy of their type's level (the register's order reads it).
        Document.objects.filter(doc_type=self).exclude(level=self.level).update(level=self.level)


class RegisterSettings(BaseModel):
    """How a unit numbers its documents: ``{prefix}-{type}-{number:02d}`` gives ``SNV-QT-05``."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                                related_name="document_register")
    prefix = models.CharField(_("code prefix"), max_length=20)
    pattern = models.CharField(_("numbering pattern"), max_length=60, default="{prefix}-{type}-{number:02d}",
                               help_text=_("Fields: {prefix}, {type}, {number}."))

    unit_field = "unit"

    class Meta:
        verbose_name = _("register settings")

    def __str__(self):
        return f"{self.unit.code}: {self.pattern}"


class LegalDocument(BaseModel):
    """A law, decree, decision or standard that documents rest on (e.g. 19/2014/QĐ-TTg)."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPLACED = "replaced", _("Replaced")
        REPEALED = "repealed", _("Repealed")

    number = models.CharField(_("number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=400)
    issuer = models.CharField(_("issued by"), max_length=200)
    issue_date = models.DateField(_("issue date"))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    replaced_by = models.ForeignKey("self", verbose_name=_("replaced by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaces")

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ()

    class Meta:
        ordering = ["-issue_date", "number"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")

    def __str__(self):
        return f"{self.number} — {self.title}"

    def get_absolute_url(self):
        return pk_url("documents:legal_detail", self.pk)


class Document(BaseModel):
    class Category(models.TextChoices):
        MANDATORY = "mandatory", _("Mandatory procedure")
        OPERATIONAL = "operational", _("Operational procedure")
        SUPPORT = "support", _("Support procedure")

    unit = models.ForeignKey(Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT,
                             related_name="documents")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("type"), on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    process_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("process owner"),
                                      on_delete=models.PROTECT, related_name="owned_documents")
    clauses = models.ManyToManyField(Clause, verbose_name=_("ISO 9001 clauses"), blank=True)
    review_months = models.PositiveSmallIntegerField(_("review period (months)"), default=12)
    legal_time_limit_days = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), null=True, blank=True,
        help_text=_("For a procedure: the time limit the law sets for the whole procedure."),
    )
    # Denormalised from the revisions by the services, so the register filters without joins.
    current_revision = models.ForeignKey("Revision", verbose_name=_("current revision"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+", editable=False)
    effective_since = models.DateField(_("effective since"), null=True, blank=True, editable=False)
    next_review_date = models.DateField(_("next review"), null=True, blank=True, editable=False)
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False, editable=False)
    review_required = models.BooleanField(
        _("review required"), default=False, editable=False,
        help_text=_("Set when a legal document it cites changes status."),
    )
    # Code and title as the register search matches them (qms_portal.search.searchable: folded, then
    # the words that carry marks), kept with every save.
    search_key = models.CharField(max_length=800, blank=True, editable=False)
    # The type's level, copied with every save (and by DocumentType.save when a type changes level),
    # so the register's first page in level-then-code order is read from an index, not sorted.
    level = models.PositiveSmallIntegerField(default=0, editable=False)

    unit_field = "unit"
    history_m2m_fields = ("clauses",)

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ()

    class Meta:
        # Codes are unique per unit only: the id keeps the order total, so pages never overlap.
        ordering = ["code", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="unique_document_code_per_unit")]
        indexes = [
            # The register's page: the first 25 in code order are read from the index and the
            # filter is checked on those, instead of sorting every document in scope.
            models.Index(fields=["code", "id"], name="document_code_order"),
            # The register's order (selectors.REGISTER_ORDER): its pages are read from this index.
            models.Index(fields=["level", "code", "id"], name="document_level_order"),
            # The register's counts by level and category: an index-only scan on PostgreSQL (the
            # scope join needs the unit and the id; the status filters the revision and the
            # withdrawal; the counts are grouped by the last two).
            models.Index(fields=["unit", "id"], include=["current_revision", "is_withdrawn", "level", "category"],
                         name="document_register_counts"),
            # The same counts for a reader of the whole tree (no scope join), or of one level: read
            # in level and category order from this index alone (a first visit counted 9,500
            # documents by reading the table: 3 ms; from this index, 1 ms).
            models.Index(fields=["level", "category"], include=["current_revision", "is_withdrawn", "id"],
                         name="document_level_counts"),
        ]
        permissions = [
            ("withdraw_document", _("Can withdraw documents")),
            ("review_document", _("Can record the periodic review of documents")),
            ("export_document", _("Can export the master list")),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return pk_url("documents:document_detail", self.pk)

    def normalise_text(self):
        super().normalise_text()
        from .services.content import search_key_of

        self.search_key = search_key_of(self.code, self.title)[:800]
        if self.doc_type_id:  # the derived columns too: bulk builders call this as save() does
            self.level = self.doc_type.level

    @classmethod
    def widened_permissions(cls, user, held):
        """Someone a document was distributed to reads it (and its effective revision: see
        ``Revision.scope_extra``), even without a role."""
        wanted = {"documents.view_document", "documents.view_revision"}
        if wanted <= held or not Acknowledgement.objects.filter(user=user).exists():
            return set()
        return wanted

    @classmethod
    def scope_extra(cls, user, perm):
        """Whoever a document was distributed to may read it, wherever they work."""
        if perm == "documents.view_document":
            return models.Q(pk__in=Acknowledgement.objects.filter(user=user).values("revision__document_id"))
        return None

    @property
    def status_label(self):
        if self.is_withdrawn:
            return _("Obsolete")
        if self.current_revision_id:
            return _("Effective")
        return _("Not yet effective")


# A document has at most one revision in preparation: drafted, in review or approved (not yet effective).
OPEN_REVISION_STATUSES = ["draft", "in_review", "approved"]


class Revision(BaseModel):
    # The text columns of a 20-page procedure weigh 100 KB or more each: lists of revisions leave
    # them in the database (``.defer(*Revision.BULKY)``); the search text is read by searches only.
    BULKY = ("content", "source_html", "search_text")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        EFFECTIVE = "effective", _("Effective")
        SUPERSEDED = "superseded", _("Superseded")
        OBSOLETE = "obsolete", _("Obsolete")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT,
                               related_name="authored_revisions")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason for change"), blank=True)
    content = models.TextField(_("content"), blank=True, help_text=_("Rich text; sanitised when saved."))
    source_file = models.FileField(_("source file"), upload_to="documents/", blank=True)
    source_name = models.CharField(_("original file name"), max_length=255, blank=True)
    source_html = models.TextField(blank=True, editable=False)  # a DOCX shown as HTML (mammoth), sanitised
    # Plain text of the code, title, content and source as search matches it (services.content.search_text_of).
    search_text = models.TextField(blank=True, editable=False)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    # Marked by its approver: the people it is distributed to are trained on it (a session of a
    # course on this revision), besides acknowledging it. The training area shows the coverage.
    needs_training = models.BooleanField(
        _("needs training"), default=False,
        help_text=_("The people it is distributed to attend a training session on it."))
    legal_refs = models.ManyToManyField(LegalDocument, verbose_name=_("legal basis"), blank=True,
                                        related_name="citing_revisions")
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    unit_field = "document__unit"
    history_m2m_fields = ("legal_refs",)

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("document",)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["document"], condition=models.Q(status__in=OPEN_REVISION_STATUSES),
                name="one_open_revision_per_document",
            ),
        ]
        indexes = [
            # The effective revisions that need training (a handful of a province's 40,000): the
            # training area's register of training on revisions and the steering dashboard's
            # coverage read them from here instead of scanning every revision (20 ms at that size).
            models.Index(fields=["document"], condition=models.Q(needs_training=True, status="effective"),
                         name="revision_needs_training"),
            # When each published revision took effect, per document: the announcements' "first
            # effective date" of the documents an announcement does not cover (the register
            # filtered by status, the scope-change sweep) reads it from the index alone instead of
            # scanning every revision's row with its text (30 -> 7 ms at province scale).
            models.Index(fields=["document", "effective_date"],
                         condition=models.Q(status__in=("effective", "superseded")), name="revision_published_on"),
        ]
        permissions = [
            ("submit_revision", _("Can submit revisions for review")),
            ("review_revision", _("Can review revisions")),
            ("approve_revision", _("Can approve revisions")),
            ("publish_revision", _("Can publish approved revisions")),
        ]

    def __str__(self):
        return f"{self.document.code} rev. {self.label}"

    @property
    def label(self):
        return f"{self.number:02d}"

    def get_absolute_url(self):
        return pk_url("documents:revision_detail", self.pk)

    @classmethod
    def scope_extra(cls, user, perm):
        """Whoever a revision was distributed to may read it (and print it) while it is effective,
        and only then (ISO 9001 7.5.3: the reader gets the version in force). Their
        acknowledgements of earlier revisions stay, as the record of who read what, but open
        nothing: superseded and withdrawn revisions are for those who hold the permission through
        a role on the document's unit."""
        if perm == "documents.view_revision":
            return models.Q(status=cls.Status.EFFECTIVE,
                            pk__in=Acknowledgement.objects.filter(user=user).values("revision_id"))
        return None

    @property
    def is_open(self):
        return self.status in (self.Status.DRAFT, self.Status.IN_REVIEW, self.Status.APPROVED)

    def total_time(self):
        """Total of the steps' time limits: (working days, hours)."""
        from .time_limits import step_total

        total = step_total(self.steps.all())
        return total.days, total.hours


class ReviewerAssignment(BaseModel):
    """A named reviewer of one revision; every one must accept before approval."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES = "changes", _("Changes requested")

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="reviewers")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    unit_field = "revision__document__unit"

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["revision", "reviewer"], name="unique_reviewer")]
        verbose_name = _("reviewer")

    def __str__(self):
        return f"{self.reviewer} ({self.get_decision_display()})"


class ProcedureStep(BaseModel):
    """One step of a procedure ("three clears": who, how long, in which order)."""

    class TimeUnit(models.TextChoices):
        DAYS = "days", _("working days")
        HOURS = "hours", _("working hours")

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("step"))
    title = models.CharField(_("what is done"), max_length=300)
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    responsible_role = models.ForeignKey(Role, verbose_name=_("responsible role"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    responsible_position = models.CharField(_("responsible position"), max_length=200, blank=True)
    time_limit = models.DecimalField(_("time limit"), max_digits=6, decimal_places=1)
    time_unit = models.CharField(_("unit of time"), max_length=5, choices=TimeUnit.choices, default=TimeUnit.DAYS)
    output = models.CharField(_("output or record"), max_length=300, blank=True)
    output_form = models.ForeignKey(Document, verbose_name=_("form"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    unit_field = "revision__document__unit"

    class Meta:
        # By the revision's id, not the revision: ordering by the relation would join the revision
        # and its document (their own orderings) to every list of steps.
        ordering = ["revision_id", "order"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            models.CheckConstraint(condition=models.Q(time_limit__gte=0), name="step_time_limit_not_negative"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def responsible(self):
        return ", ".join(str(x) for x in (self.responsible_unit, self.responsible_role, self.responsible_position)
                         if x)


class Distribution(BaseModel):
    """Who must read a document: a unit (its members, with sub-units), a role, or one person."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="distribution")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    role = models.ForeignKey(Role, verbose_name=_("role"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    unit_field = "document__unit"

    class Meta:
        verbose_name = _("distribution entry")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, role__isnull=True, person__isnull=True)
                    | models.Q(unit__isnull=True, role__isnull=False, person__isnull=True)
                    | models.Q(unit__isnull=True, role__isnull=True, person__isnull=False)
                ),
                name="distribution_one_target",
            ),
        ]

    def __str__(self):
        return str(self.unit or self.role or self.person)


class Acknowledgement(BaseModel):
    """A read-and-acknowledge task for one person and one effective revision."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    unit_field = "revision__document__unit"

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("user", "revision__document")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["revision", "user"], name="unique_acknowledgement")]
        indexes = [
            models.Index(fields=["user", "acknowledged_at"]),
            # The register of acknowledgements, newest asked first (``selectors.ACKNOWLEDGEMENT_ORDER``,
            # keyset pages): a province's 100,000 rows are read in index order, never sorted.
            models.Index(fields=["-created_at", "-id"], name="acknowledgement_asked_order"),
            # The acknowledgements given, per revision: the steering dashboard's acknowledgement
            # coverage counts each effective document's from the index alone, as it counts those
            # asked from the revision's own index (at province scale one index page per document
            # instead of a heap visit per acknowledgement: about a quarter of that query's reads).
            models.Index(fields=["revision"], condition=models.Q(acknowledged_at__isnull=False),
                         name="acknowledgement_given"),
        ]
        verbose_name = _("acknowledgement")

    def __str__(self):
        return f"{self.user} — {self.revision}"


class ChangeRequest(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="change_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                  on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("proposed change and reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    new_revision = models.ForeignKey(Revision, verbose_name=_("new revision"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False)

    unit_field = "document__unit"
    # Attachments (qms_portal.attachments): a photo or scan of the marked-up page, the proposed
    # wording as a Word file. Added by the person who proposed the change and by those who may
    # decide it, while it is open; once decided, what the decision rested on stays as it was.
    attachment_types = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx")
    attachment_action = "documents.decide_changerequest"
    attachment_people = ("requester",)

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("document",)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        permissions = [("decide_changerequest", _("Can accept or decline change requests"))]

    def __str__(self):
        return gettext("Change request for %(code)s") % {"code": self.document.code}

    @classmethod
    def widened_permissions(cls, user, held):
        """Whoever proposed a change follows it."""
        if "documents.view_changerequest" in held or not cls.objects.filter(requester=user).exists():
            return set()
        return {"documents.view_changerequest"}

    @classmethod
    def scope_extra(cls, user, perm):
        """Whoever proposed a change may follow it, even on a document of another unit that was
        only distributed to them."""
        if perm == "documents.view_changerequest":
            return models.Q(requester=user)
        return None

    def get_absolute_url(self):
        return pk_url("documents:changerequest_detail", self.pk)

    def attachments_locked(self):
        return self.status != self.Status.OPEN


class PeriodicReview(BaseModel):
    class Outcome(models.TextChoices):
        VALID = "valid", _("Still valid")
        REVISE = "revise", _("Revise")
        WITHDRAW = "withdraw", _("Withdraw the document")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="periodic_reviews")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(default=timezone.localdate)

    unit_field = "document__unit"

    # What ``__str__`` reads, loaded with the row when a message shows it (qms_portal.notifications).
    display_related = ("document",)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("periodic review")

    def __str__(self):
        return f"{self.document.code} {self.reviewed_on}: {self.get_outcome_display()}"


class ControlledCopy(models.Model):
    """The rendered PDF of an effective (or superseded, obsolete) revision in one language, made once
    by a task. Rendering bookkeeping, not a business record: no history."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="controlled_copies")
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="controlled-copies/", blank=True)
    revision_status = models.CharField(max_length=12, blank=True)  # the status the copy was rendered for
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the heartbeat while it renders
    # Renderings queued since someone last asked: beat queues a stalled one again, a bounded number of times.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["revision", "language"], name="one_copy_per_language")]

    def __str__(self):
        return f"{self.revision_id} ({self.language}): {self.state}"

    @property
    def is_current(self):
        return self.state == self.State.READY and self.revision_status == self.revision.status and bool(self.file)


class RevisionUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on revisions: a named reviewer may see and review that revision."""

    content_object = models.ForeignKey(Revision, on_delete=models.CASCADE)


# --- Announcement of conformity (Vietnam: công bố HTQLCL phù hợp với TCVN ISO 9001) ----------------


class Announcement(BaseModel):
    """A unit's announcement that its QMS conforms to TCVN ISO 9001, made by decision (number and
    date) over a scope: the unit's effective documents (``selectors.announcement_scope``), frozen in
    ``items`` when it is signed. A later announcement of the same unit supersedes the earlier one;
    the register says which units are current, whose scope changed since, and who is late
    (``documents/announcements.py``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        SUPERSEDED = "superseded", _("Superseded")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="announcements")
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    scope = models.TextField(_("scope of the QMS"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"),
                                    on_delete=models.PROTECT, related_name="+")
    announced_at = models.DateTimeField(_("announced on"), null=True, blank=True, editable=False)

    unit_field = "unit"
    display_related = ("unit",)

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("announcement of conformity")
        verbose_name_plural = _("announcements of conformity")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(status="draft"),
                                    name="one_draft_announcement_per_unit"),
        ]
        indexes = [models.Index(fields=["unit", "status", "decision_date"], name="announcement_unit_status")]
        permissions = [("announce_announcement", _("Can sign announcements of conformity"))]

    def __str__(self):
        return f"{self.decision_number} — {self.unit}"

    def get_absolute_url(self):
        return pk_url("documents:announcement_detail", self.pk)


class AnnouncementItem(BaseModel):
    """One document an announcement covers, frozen when it was signed: which document and which of
    its revisions was effective, with its code and title as they read then."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(Revision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)

    unit_field = "announcement__unit"

    class Meta:
        ordering = ["announcement_id", "code", "pk"]
        verbose_name = _("document covered")
        verbose_name_plural = _("documents covered")
        constraints = [models.UniqueConstraint(fields=["announcement", "document"], name="unique_announced_document")]

    def __str__(self):
        return f"{self.code} {self.title}"
