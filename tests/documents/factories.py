"""Helpers for the documents tests, on top of ``tests.factories``: a unit tree with the people of
clause 7.5, documents driven through the services, and real Office files built in memory."""

import io
import itertools
import zipfile
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentType, LegalDocument, Revision
from tests import factories
from tests.factories import PASSWORD, assign, make_root, make_unit, make_user

_seq = itertools.count(1)


def doc_setup(prefix=None):
    """root ─┬─ dept (the owning unit "SNV") ─── office
             └─ other (out of scope)

    author: document controller on dept (+ sub-units); reviewer1, reviewer2: staff on dept;
    approver: department head on dept; mr: management representative on dept; staff: staff on
    office; outsider: staff on other; nobody: a member of dept without any role."""
    p = prefix or f"D{next(_seq)}x{factories._unique()}-"
    s = SimpleNamespace(prefix=p, password=PASSWORD, roles=factories.roles())
    s.types = services.ensure_system_types()
    s.root = make_root(f"{p}CITY", name=f"Thành phố {p}")
    s.dept = make_unit(s.root, f"{p}SNV", kind="agency", name=f"Sở Nội vụ {p}")
    s.office = make_unit(s.dept, f"{p}OFF", kind="office", name=f"Văn phòng {p}")
    s.other = make_unit(s.root, f"{p}OTH", kind="agency", name=f"Sở Tài chính {p}")

    def person(name, unit, role=None, role_unit=None, **kw):
        user = make_user(f"{p}{name}".lower(), unit, full_name=f"{name.title()} {p}", **kw)
        if role:
            assign(user, s.roles[role], role_unit or unit, include_subunits=True)  # a Role: no re-seeding
        return user

    s.author = person("author", s.dept, "document_controller")
    s.reviewer1 = person("reviewer1", s.dept, "staff")
    s.reviewer2 = person("reviewer2", s.dept, "staff")
    s.approver = person("approver", s.dept, "department_head")
    s.mr = person("mr", s.dept, "management_representative")
    s.staff = person("staff", s.office, "staff")
    s.outsider = person("outsider", s.other, "staff")
    s.nobody = person("nobody", s.dept)
    return s


def doc_type(code):
    """The seeded document type; a transactional test (a browser test, a migration test) empties the
    database after itself, the types the migrations seeded with it: they are made again then."""
    found = DocumentType.objects.filter(code=code).first()
    if found is None:
        from documents.services.register import ensure_system_types

        found = ensure_system_types()[code]
    return found


def new_document(s, *, title=None, type_code="QT", category="operational", unit=None, author=None, **kw):
    """A document with its first draft (rev. 01), numbered automatically unless ``code`` is given."""
    kind = doc_type(type_code)
    return services.document_create(
        acting_user=author or s.author, unit=unit or s.dept, doc_type=kind,
        title=title or f"Quy trình {next(_seq)}", process_owner=kw.pop("process_owner", None) or s.approver,
        category=category if kind.needs_category else "", **kw,
    )


def draft_of(document):
    return document.revisions.get(status__in=[Revision.Status.DRAFT, Revision.Status.IN_REVIEW,
                                              Revision.Status.APPROVED])


def step(title, time_limit, unit="days", **kw):
    return {"title": title, "time_limit": time_limit, "time_unit": unit, **kw}


def save_draft(s, revision, *, content="<p>Nội dung</p>", reason="", effective_date="today", steps=None,
               legal_refs=None, upload=None, author=None):
    revision = Revision.objects.get(pk=revision.pk)
    if effective_date == "today":
        effective_date = timezone.localdate()
    return services.revision_save_draft(
        acting_user=author or revision.author, revision=revision, lock_version=revision.lock_version,
        content=content, reason=reason, effective_date=effective_date, legal_refs=legal_refs, upload=upload,
        steps=steps,
    )


def submit(s, revision, reviewers=None):
    reviewers = list(reviewers) if reviewers is not None else [s.reviewer1, s.reviewer2]
    services.revision_set_reviewers(acting_user=revision.author, revision=revision, reviewers=reviewers)
    services.revision_transition(acting_user=revision.author, revision=revision, name="submit")
    return reviewers


def accept_all(s, revision, reviewers):
    for reviewer in reviewers:
        services.revision_transition(acting_user=reviewer, revision=revision, name="accept", password=PASSWORD)


def approve(s, revision, approver=None):
    services.revision_transition(acting_user=approver or s.approver, revision=revision, name="approve",
                                 password=PASSWORD)


def drive_to_effective(s, revision, *, reviewers=None, approver=None, **draft):
    """Save the draft, name reviewers, submit, accept, approve and publish it (the effective date
    is today unless ``effective_date`` is given in the past)."""
    revision = save_draft(s, revision, **draft)
    reviewers = submit(s, revision, reviewers)
    accept_all(s, revision, reviewers)
    approve(s, revision, approver)
    revision.refresh_from_db()
    # Outside a test transaction (the browser tests) the approval's on-commit hook has already
    # published a revision that takes effect today.
    if revision.status != Revision.Status.EFFECTIVE:
        assert services.revision_publish(revision=revision), "the revision could not be published"
        revision.refresh_from_db()
    return revision


def effective_document(s, *, title=None, type_code="QT", content="<p>Nội dung của quy trình</p>", steps=None,
                       legal_refs=None, unit=None, reviewers=None, approver=None, effective_date="today",
                       **document_kw):
    """A document whose rev. 01 went through the whole workflow and is effective."""
    document = new_document(s, title=title, type_code=type_code, unit=unit, **document_kw)
    drive_to_effective(s, draft_of(document), content=content, steps=steps, legal_refs=legal_refs,
                       reviewers=reviewers, approver=approver, effective_date=effective_date)
    return Document.objects.get(pk=document.pk)


def next_revision(s, document, *, reason="Cập nhật theo quy định mới", author=None, **draft):
    """Open the next draft of an effective document and drive it to effective."""
    revision = services.revision_create_draft(acting_user=author or s.author, document=document, reason=reason)
    revision = drive_to_effective(s, revision, reason=reason, **draft)
    return revision


def legal(number=None, status=LegalDocument.Status.IN_FORCE, acting_user=None, **kw):
    acting_user = acting_user or factories.make_superuser("factory-root")
    return services.legal_document_save(
        acting_user=acting_user, number=number or f"{next(_seq)}/2014/QĐ-TTg",
        title=kw.pop("title", "Quyết định áp dụng TCVN ISO 9001"), issuer=kw.pop("issuer", "Thủ tướng Chính phủ"),
        issue_date=kw.pop("issue_date", timezone.localdate() - timedelta(days=3650)), status=status, **kw,
    )


# --- Files built in memory ----------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs=("Quy trình kiểm soát tài liệu", "文件控制程序"), document_xml=None, extra=None):
    """A minimal, real DOCX: [Content_Types].xml, _rels/.rels and word/document.xml."""
    if document_xml is None:
        body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
        document_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def docx_upload(name="quy-trinh.docx", **kw):
    return upload(name, docx_bytes(**kw),
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# The start of a Windows executable ("MZ" header and DOS stub), as a renamed .exe would begin.
EXE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
       + b"This program cannot be run in DOS mode.")


def document_in(unit, *, author, reviewer, approver, title=None, type_code="QT", source=None, **draft):
    """An effective document on any ``unit``, written, reviewed and approved by the people given
    (superusers will do): for pages tested across a whole tree (the access matrix)."""
    kind = doc_type(type_code)
    document = services.document_create(acting_user=author, unit=unit, doc_type=kind,
                                        title=title or f"Quy trình {next(_seq)}", process_owner=author,
                                        category="operational" if kind.needs_category else "")
    revision = draft_of(document)
    revision = services.revision_save_draft(
        acting_user=author, revision=revision, lock_version=revision.lock_version,
        content=draft.pop("content", "<p>Nội dung · 内容</p>"), effective_date=timezone.localdate(),
        upload=source, **draft,
    )
    services.revision_set_reviewers(acting_user=author, revision=revision, reviewers=[reviewer])
    services.revision_transition(acting_user=author, revision=revision, name="submit")
    services.revision_transition(acting_user=reviewer, revision=revision, name="accept", password=PASSWORD)
    services.revision_transition(acting_user=approver, revision=revision, name="approve", password=PASSWORD)
    services.revision_publish(revision=Revision.objects.get(pk=revision.pk))
    return Document.objects.get(pk=document.pk)


def small_pdf(name="quy-trinh.pdf"):
    return upload(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
