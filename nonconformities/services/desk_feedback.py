"""Citizen feedback from the one-stop-shop desk, and the desk's QR code.

* The desk's QR code is a *standing* token link (``qms_portal.public_links``, ``standing=True``):
  every citizen who scans it may answer, rate-limited, until the ISO officer withdraws it. One
  link per unit is in force: making a new one withdraws the old (a lost or defaced poster).
* ``feedback_received`` is the link's handler: a filled honeypot field (people never see it,
  robots fill it) is thanked and dropped; anything else is stored on the link's unit. A bad
  review (not satisfied, very dissatisfied) is the unit's to answer within
  ``QMS_FEEDBACK_REPLY_WORKING_DAYS`` working days, and the people who triage feedback there are told.
* Triage is a workflow (one transition table): answer (the reply), dismiss (a reason), and raise
  a nonconformity — through the area's one entry point, ``nonconformity_create``, with the
  feedback as its source (source "citizen complaint or feedback", linked both ways).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from qms_portal.models import PublicLink
from qms_portal.notifications import notify
from qms_portal.permissions import can, users_who_can
from qms_portal.public_links import public_link_create, public_link_revoke, public_link_standing_url
from qms_portal.services import require_can
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..models import CitizenFeedback, add_working_days
from ..models.desk import CITIZEN_LANGUAGES

PURPOSE = "citizen_feedback"
TRIAGE = "nonconformities.change_citizenfeedback"
DESK_QR = "nonconformities.print_desk_qr"
HONEYPOT = "website"


def reply_working_days():
    return int(getattr(settings, "QMS_FEEDBACK_REPLY_WORKING_DAYS", 5))


# ---- the desk's standing link ------------------------------------------------------------------------
def desk_links(unit):
    """The unit's desk links in force (normally one), newest first."""
    return PublicLink.objects.filter(purpose=PURPOSE, unit=unit, revoked_at__isnull=True, max_uses__isnull=True,
                                     expires_at__isnull=True).order_by("-created_at", "-pk")


@transaction.atomic
def desk_link_create(*, acting_user, unit):
    """A new QR link for the unit's desk; any link in force is withdrawn (its posters stop working).
    Returns ``(link, url)``; the page opens in the unit's language."""
    require_can(acting_user, DESK_QR, unit)
    for old in desk_links(unit):
        public_link_revoke(acting_user=acting_user, link=old)
    return public_link_create(acting_user=acting_user, purpose=PURPOSE, unit=unit, standing=True,
                              language=desk_language(unit))


@transaction.atomic
def desk_link_revoke(*, acting_user, unit):
    """Withdraw the unit's desk links: the printed QR codes stop working at once."""
    require_can(acting_user, DESK_QR, unit)
    for old in desk_links(unit):
        public_link_revoke(acting_user=acting_user, link=old)


def desk_link_url(*, acting_user, unit, language=None):
    """``(link, url)`` of the unit's desk link in force, or ``(None, "")``; the page opens in
    ``language`` (default: the unit's, ``desk_language``)."""
    require_can(acting_user, DESK_QR, unit)
    link = desk_links(unit).first()
    if link is None:
        return None, ""
    return link, public_link_standing_url(acting_user=acting_user, link=link,
                                          language=language or desk_language(unit))


def desk_language(unit):
    """The language a desk's page and poster open in by default: Chinese (Simplified or
    Traditional, by how the unit's name is written) for a unit named in Chinese, else Vietnamese.
    The QR code page offers the four languages."""
    from qms_portal.pdf import han_variant

    variant = han_variant(unit.name, language="zh-hans")
    return variant.lower() if variant else "vi"


# ---- the public form's handler ------------------------------------------------------------------------
def feedback_received(link, cleaned_data):
    """Store what a citizen sent through ``link`` (inside the transaction that counts the use).
    Returns the feedback, or None for a robot (the honeypot was filled): thanked, not stored."""
    if cleaned_data.get(HONEYPOT):
        return None
    language = translation.get_language() or "vi"
    feedback = CitizenFeedback(
        unit=link.unit, link=link, rating=cleaned_data["rating"], comment=cleaned_data.get("comment", ""),
        citizen_name=cleaned_data.get("citizen_name", ""), contact=cleaned_data.get("contact", ""),
        case_reference=cleaned_data.get("case_reference", ""),
        language=language if language in dict(CITIZEN_LANGUAGES) else "vi",
    )
    if feedback.rating in CitizenFeedback.BAD:
        feedback.reply_due_on = add_working_days(timezone.localdate(), reply_working_days())
    feedback._history_user = None
    feedback.full_clean()
    feedback.save()
    if feedback.is_bad:
        notify(users_who_can(TRIAGE, feedback), "feedback_bad_review",
               params={"object": feedback, "unit": feedback.unit, "due": feedback.reply_due_on},
               url=feedback.get_absolute_url())
    return feedback


def thank_you(link, feedback):
    """The thank-you page's words, in the citizen's language."""
    from django.utils.translation import gettext

    if feedback is not None and feedback.is_bad and feedback.contact:
        days = reply_working_days()
        return ngettext("Thank you. We are sorry the service fell short; we will contact you within %(days)s "
                        "working day.",
                        "Thank you. We are sorry the service fell short; we will contact you within %(days)s "
                        "working days.", days) % {"days": days}
    return gettext("Thank you. Your feedback was received and helps us improve our service.")


# ---- triage -------------------------------------------------------------------------------------------
def _on_answer(feedback, user, reason, data):
    feedback.reply = reason
    feedback.answered_at = timezone.now()
    feedback.answered_by = user
    feedback._history_user = user
    feedback._change_reason = gettext_noop("answered")
    feedback.save()


def _on_dismiss(feedback, user, reason, data):
    feedback.dismiss_reason = reason
    feedback._history_user = user
    feedback.save()


def _may_raise(feedback, user):
    return can(user, "nonconformities.add_nonconformity", feedback.unit)


def _on_raise(feedback, user, reason, data):
    from ..models import Nonconformity
    from . import nonconformity_create

    lines = [gettext("Rating: %(rating)s") % {"rating": feedback.get_rating_display()}]
    if feedback.comment:
        lines.append(gettext("The citizen wrote: %(comment)s") % {"comment": feedback.comment})
    if feedback.case_reference:
        lines.append(gettext("File: %(case)s") % {"case": feedback.case_reference})
    if reason:
        lines.append(reason)
    nonconformity_create(
        acting_user=user, unit=feedback.unit, source=Nonconformity.Source.CITIZEN_FEEDBACK, source_object=feedback,
        title=data.get("title") or gettext("Citizen feedback #%(number)s") % {"number": feedback.pk},
        description="\n".join(lines), detected_on=timezone.localtime(feedback.received_at).date(),
    )


def _transitions():
    from ..forms.desk import AnswerForm, RaiseForm

    return [
        Transition(name="answer", label=gettext_lazy("Answer"), sources=(CitizenFeedback.Status.NEW,),
                   target=CitizenFeedback.Status.ANSWERED, permission=TRIAGE, reason_required=True,
                   effect=_on_answer, form_class=AnswerForm, button="success"),
        Transition(name="dismiss", label=gettext_lazy("Dismiss"), sources=(CitizenFeedback.Status.NEW,),
                   target=CitizenFeedback.Status.DISMISSED, permission=TRIAGE, reason_required=True,
                   effect=_on_dismiss, button="outline-secondary"),
        Transition(name="raise_nonconformity", label=gettext_lazy("Raise a nonconformity"),
                   sources=(CitizenFeedback.Status.NEW,), target=CitizenFeedback.Status.NONCONFORMITY,
                   permission=TRIAGE, effect=_on_raise, form_class=RaiseForm, button="danger",
                   guards=(Guard(_may_raise, gettext_lazy("You may not raise nonconformities in this unit.")),)),
    ]


FEEDBACK_WORKFLOW = register(Workflow(
    model=CitizenFeedback,
    transitions=_transitions(),
))


def feedback_transition(*, acting_user, feedback, name, reason="", password=None, data=None):
    """Answer (the reason is the reply told to the citizen), dismiss with a reason, or raise a
    nonconformity (``data["title"]``; the reason, if any, is added to its description)."""
    return FEEDBACK_WORKFLOW.perform(feedback, name, acting_user=acting_user, reason=reason, password=password,
                                     data=data)


# ---- one file, one rating (一事一评) -------------------------------------------------------------------
CASE_PURPOSE = "case_feedback"
CASE_LINK = "nonconformities.issue_case_feedback_link"


def case_link_days():
    return int(getattr(settings, "QMS_CASE_FEEDBACK_DAYS", 14))


@transaction.atomic
def case_link_create(*, acting_user, unit, case_reference, procedure=None, language="vi"):
    """A single-use link for the citizen whose file ``case_reference`` the unit handled, valid
    ``QMS_CASE_FEEDBACK_DAYS`` days, opening in the citizen's language. Returns ``(request, url)``:
    the URL holds the only copy of its token (print it, send it); it cannot be shown again."""
    from qms_portal.services import save_tracked

    from ..models import CaseFeedbackRequest

    require_can(acting_user, CASE_LINK, unit)
    if procedure is not None:
        require_can(acting_user, "view", procedure)
    request = CaseFeedbackRequest(unit=unit, case_reference=case_reference.strip(), procedure=procedure,
                                  language=language, issued_by=acting_user)
    request.full_clean(exclude=["link"])
    save_tracked(request, acting_user)
    link, url = public_link_create(acting_user=acting_user, purpose=CASE_PURPOSE, unit=unit, target=request,
                                   expires_in=timedelta(days=case_link_days()), max_uses=1,
                                   language=language if language in dict(settings.LANGUAGES) else None)
    request.link = link
    save_tracked(request, acting_user)
    return request, url


def case_feedback_received(link, cleaned_data):
    """The per-case link's handler: the feedback carries the file's number from the link."""
    case = link.target
    return feedback_received(link, {**cleaned_data, "case_reference": case.case_reference if case else ""})
