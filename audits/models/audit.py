"""An audit plan and its on-site checklist.

How each record reaches its unit: an audit, its own ``unit`` (the unit whose QMS runs it); a
checklist item, its audit's. Beyond roles, single-object grants (``AuditUserObjectPermission``,
written by the services) give the lead auditor and the team the audits they are on, and the
auditees the audit that concerns them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from qms_portal.models import BaseModel, Unit
from qms_portal.search import searchable


class Audit(BaseModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal audit")
        CERTIFICATION = "certification", _("Certification audit")
        SURVEILLANCE = "surveillance", _("Surveillance audit")
        RECERTIFICATION = "recertification", _("Recertification audit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        NOTIFIED = "notified", _("Auditees notified")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTING = "reporting", _("Reporting")
        CLOSED = "closed", _("Closed")

    EXTERNAL_KINDS = (Kind.CERTIFICATION, Kind.SURVEILLANCE, Kind.RECERTIFICATION)

    number = models.CharField(_("number"), max_length=60, unique=True, editable=False)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="audits",
                             help_text=_("The unit whose quality management system is audited."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INTERNAL)
    title = models.CharField(_("title"), max_length=300)
    programme_entry = models.ForeignKey("audits.ProgrammeEntry", verbose_name=_("programme entry"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="audits")
    # External kinds: the certification body (e.g. QUACERT) and its auditors, by name.
    certification_body = models.CharField(_("certification body"), max_length=200, blank=True)
    external_auditors = models.TextField(_("external auditors"), blank=True,
                                         help_text=_("One name per line."))
    # Scope and criteria.
    scope_units = models.ManyToManyField(Unit, verbose_name=_("units audited"), related_name="+", blank=True)
    processes = models.ManyToManyField("documents.Document", verbose_name=_("processes and procedures"),
                                       related_name="audits", blank=True)
    clauses = models.ManyToManyField("documents.Clause", verbose_name=_("ISO 9001 clauses"), related_name="+",
                                     blank=True)
    criteria_note = models.TextField(_("other criteria"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_auditor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lead auditor"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="led_audits")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("audit team"), related_name="audits",
                                  blank=True)
    auditees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("auditees"),
                                      related_name="audited_in", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The report.
    summary = models.TextField(_("summary"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    report_signed_at = models.DateTimeField(_("report signed"), null=True, blank=True, editable=False)
    report_due = models.DateField(_("report due"), null=True, blank=True)
    # External audits: the response owed to the certification body.
    response_due = models.DateField(_("response due to the certification body"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    search_key = models.CharField(max_length=800, blank=True, editable=False)

    unit_field = "unit"
    history_m2m_fields = ("scope_units", "processes", "clauses", "team", "auditees")
    attachment_types = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx")
    attachment_action = ("change",)
    attachment_people = ("lead_auditor",)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="audit_list_order"),
            models.Index(fields=["unit", "status"], name="audit_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="audit_ends_after_it_starts"),
        ]
        permissions = [
            ("conduct_audit", _("Can conduct audits (answer checklists, record findings)")),
            ("sign_audit_report", _("Can sign audit reports")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:audit_detail", args=[self.pk])

    def normalise_text(self):
        super().normalise_text()
        self.search_key = searchable(f"{self.number} {self.title} {self.certification_body}")[:800]

    @property
    def is_external(self):
        return self.kind in self.EXTERNAL_KINDS

    def attachments_locked(self):
        return self.status == self.Status.CLOSED


class ChecklistItem(BaseModel):
    class Answer(models.TextChoices):
        CONFORMS = "conforms", _("Conforms")
        NONCONFORMITY = "nonconformity", _("Nonconformity")
        OBSERVATION = "observation", _("Observation")
        NOT_APPLICABLE = "na", _("Not applicable")

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    clause = models.ForeignKey("documents.Clause", verbose_name=_("ISO 9001 clause"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("documents.Document", verbose_name=_("procedure"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    answer = models.CharField(_("answer"), max_length=14, choices=Answer.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Bumped by every saved answer: a phone that answered version n while another device saved n+1
    # gets a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=0, editable=False)

    unit_field = "audit__unit"
    attachment_types = ("jpg", "jpeg", "png", "webp", "heic")
    attachment_action = ("audits.conduct_audit",)

    class Meta:
        ordering = ["audit", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        indexes = [models.Index(fields=["audit", "position", "id"], name="checklist_order")]

    def __str__(self):
        return self.question[:80]

    def get_absolute_url(self):
        return reverse("audits:checklist", args=[self.audit_id]) + f"#item-{self.pk}"

    def attachments_locked(self):
        return self.audit.status not in (Audit.Status.NOTIFIED, Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)

    # checklist: an item is its audit's. Whoever may see the audit (a role on its unit, or the
    # single-object grants of the lead auditor, the team and the auditees) sees its checklist, and
    # whoever conducts it (the grant "audits.conduct_audit") answers the items and adds their photos
    # (``attachment_action``): the grants live on the audit, never on each item.
    @classmethod
    def widened_permissions(cls, user, held):
        return {"audits.view_checklistitem"} if "audits.view_audit" in held else set()

    @classmethod
    def scope_extra(cls, user, perm):
        if perm == "audits.view_checklistitem":
            return models.Q(audit__in=Audit.objects.restrict(user, "view").values("pk"))
        if perm == "audits.conduct_audit":
            return models.Q(audit__in=Audit.objects.restrict(user, "audits.conduct_audit").values("pk"))
        return None


class AnswerReceipt(models.Model):
    """An answer's idempotency key, written with the answer in one transaction: the same key sent
    again (a phone replaying its queue) returns what was saved the first time."""

    key = models.UUIDField(unique=True)
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("answer receipt")
        verbose_name_plural = _("answer receipts")

    def __str__(self):
        return str(self.key)


class AuditUserObjectPermission(UserObjectPermissionBase):
    """Single-object grants on audits: the lead auditor and the team (view, conduct), the auditees (view)."""

    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)
