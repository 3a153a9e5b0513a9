"""Helpers for the matrix part's tests: competences, requirements, qualifications, courses and
sessions on the shared small tree (``tests.factories.small_tree``), and an effective revision marked
"needs training" through the documents' workflow."""

import itertools
from datetime import timedelta

from django.utils import timezone

from documents import services as documents
from documents.models import Revision
from qms_portal.services import save_tracked
from tests import factories
from tests.documents import factories as docs
from training.models import Competence, CompetenceRequirement, Course, Participant, Session
from training.services.qualifications import qualification_create

_seq = itertools.count(1)


def competence(code=None, months=36, name=None):
    code = code or f"comp-{next(_seq)}"
    return save_tracked(Competence(code=code, name_en=name or f"Competence {code}", validity_months=months),
                        factories._acting())


def requirement(role_code, comp, unit, is_active=True):
    role = factories.roles()[role_code]
    return save_tracked(CompetenceRequirement(role=role, competence=comp, unit=unit, is_active=is_active),
                        factories._acting())


def qualify(user, comp, *, obtained_days_ago=100, valid_for_days=None, forever=False):
    """A qualification obtained ``obtained_days_ago`` days ago, valid ``valid_for_days`` from today
    (negative: expired), or without end (``forever``)."""
    today = timezone.localdate()
    obtained = today - timedelta(days=obtained_days_ago)
    until = None if forever else today + timedelta(days=valid_for_days if valid_for_days is not None else 400)
    q = qualification_create(acting_user=factories._acting(), user=user, competence=comp, obtained_on=obtained,
                             valid_until=until, check=False)
    if forever:  # qualification_create fills in the competence's validity when none is given
        q.valid_until = None
        save_tracked(q, factories._acting())
    return q


def withdraw(qualification):
    qualification.is_withdrawn = True
    qualification.withdrawn_reason = "Cấp sai"
    return save_tracked(qualification, factories._acting())


def course(revision=None, code=None):
    code = code or f"C-{next(_seq)}"
    return save_tracked(Course(code=code, title=f"Course {code}", revision=revision,
                               topic=Course.Topic.PROCEDURE if revision else Course.Topic.OTHER), factories._acting())


def session(crs, unit, status=Session.Status.HELD, days_ago=3):
    start = timezone.now() - timedelta(days=days_ago)
    return save_tracked(Session(course=crs, unit=unit, starts_at=start, ends_at=start + timedelta(hours=3),
                                status=status), factories._acting())


def attend(sess, user, attendance=Participant.Attendance.PRESENT, reason=""):
    return save_tracked(Participant(session=sess, user=user, unit=user.primary_unit, attendance=attendance,
                                    absence_reason=reason or ("Đi công tác" if attendance == "absent" else "")),
                        factories._acting())


def revision_needing_training(s, *, needs_training=True, **document_kw):
    """A document of ``s`` (``tests.documents.factories.doc_setup``) whose first revision its approver
    approved with "needs training", then published: every member of the owning unit and below got an
    acknowledgement to give."""
    document = docs.new_document(s, **document_kw)
    revision = docs.save_draft(s, docs.draft_of(document))
    reviewers = docs.submit(s, revision)
    docs.accept_all(s, revision, reviewers)
    documents.revision_transition(acting_user=s.approver, revision=revision, name="approve",
                                  password=factories.PASSWORD, data={"needs_training": needs_training})
    revision.refresh_from_db()
    if revision.status != Revision.Status.EFFECTIVE:
        assert documents.revision_publish(revision=revision)
        revision.refresh_from_db()
    return revision
