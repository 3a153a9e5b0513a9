"""Satisfaction surveys (ISO 9001 9.1.2): writing a survey, opening and closing it, handing out its
links, taking an answer, and feeding the result to the indicators it measures.

* A survey is written in draft (title, period, respondent groups with how many are asked, the
  dimensions rated — by default the five of the source articles, in the survey unit's language),
  opened for answers, then closed. Closing withdraws the links not used up and writes the result
  (% satisfied or basically satisfied) as the period's measurement of every indicator that names
  the survey (``Indicator.survey``, kind "satisfaction").
* Answers come through the platform's token pages (``qms_portal.public_links``), purpose
  ``PURPOSE``, each link aimed at one respondent group (its target): single-use links (printed
  with QR codes, or e-mailed, one message per person in their language) and a general link with a
  cap on answers for citizens. A response keeps nothing of its link: organisers see what was
  answered, not who answered, unless the respondent signs.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qms_portal import outbox
from qms_portal.history import reason as fixed_reason
from qms_portal.notifications import notify
from qms_portal.numbering import next_number
from qms_portal.permissions import users_who_can
from qms_portal.public_links import public_link_create, public_link_revoke
from qms_portal.search import searchable
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..cached import forget_survey_counts
from ..models import Indicator, Survey, SurveyAnswer, SurveyDimension, SurveyGroup, SurveyResponse
from ..selectors.surveys import NO_COUNTS, POSITIVE_MAX, stored_counts

PURPOSE = "satisfaction_survey"
CHANGE = "objectives.change_survey"
NUMBER_KIND = "objectives:SV"
NUMBER_PATTERN = "{unit}-SV-{year}-{n:02}"
LINK_DAYS = 30  # a link's life when the survey names no closing time
MAX_LINKS = 500  # single-use links printed at once
MAX_CAP = 100000  # answers a general link may take
INVITE_TASK = "objectives.tasks_surveys.send_invitation"
S = Survey.Status

# The five dimensions of the source articles (Shaoxing): marked for translation, written in the
# survey unit's language when a survey is created.
DEFAULT_DIMENSIONS = (
    gettext_noop("Service attitude"),
    gettext_noop("Work order"),
    gettext_noop("Environment and appearance"),
    gettext_noop("Efficiency"),
    gettext_noop("Integrity"),
)
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def unit_language(unit):
    """The language a unit writes in: Chinese (Simplified or Traditional, by its name's characters),
    Vietnamese for a name with Vietnamese letters, else the active language."""
    from qms_portal.pdf import han_variant

    variant = han_variant(unit.name, language="zh-hans")
    if variant:
        return variant.lower()
    if VIETNAMESE.search(unit.name):
        return "vi"
    return translation.get_language() or settings.LANGUAGE_CODE


def default_dimensions(unit):
    with translation.override(unit_language(unit)):
        return [_(name) for name in DEFAULT_DIMENSIONS]


# ---- writing a survey ------------------------------------------------------------------------------
def _clean_groups(groups):
    """``[(name, invited)]`` → cleaned, at least one, names unique."""
    cleaned, seen = [], set()
    for name, invited in groups:
        name = " ".join((name or "").split())[:200]
        if not name:
            continue
        if name.casefold() in seen:
            raise ValidationError({"groups": _("The group “%(name)s” is named twice.") % {"name": name}})
        seen.add(name.casefold())
        if invited is None or invited < 0:
            raise ValidationError({"groups": _("Give how many people were asked as a number, 0 or more.")})
        cleaned.append((name, int(invited)))
    if not cleaned:
        raise ValidationError({"groups": _("Name at least one group of respondents.")})
    return cleaned


def _clean_dimensions(dimensions):
    cleaned, seen = [], set()
    for name in dimensions:
        name = " ".join((name or "").split())[:200]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    if not cleaned:
        raise ValidationError({"dimensions": _("Name at least one thing to rate.")})
    return cleaned


def _check_survey(survey):
    if survey.period_start and survey.period_end and survey.period_end < survey.period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})


def _set_rows(survey, model, rows, acting_user, fields):
    """Make ``survey``'s groups or dimensions those of ``rows`` (in order), reusing the existing
    rows by position; rows beyond are removed (only in draft: nothing was answered)."""
    existing = list(model.objects.filter(survey=survey).order_by("position", "id"))
    for position, values in enumerate(rows, start=1):
        row = existing[position - 1] if position <= len(existing) else model(survey=survey)
        row.position = position
        for name, value in zip(fields, values if isinstance(values, tuple) else (values,), strict=True):
            setattr(row, name, value)
        save_tracked(row, acting_user)
    for row in existing[len(rows):]:
        row._history_user = acting_user
        row.delete()


@transaction.atomic
def survey_create(*, acting_user, unit, title, period_start, period_end, scale=Survey.Scale.THREE, introduction="",
                  closes_at=None, groups, dimensions=None):
    """A survey in draft, numbered ``{unit}-SV-{year}-{n}``. ``groups``: ``[(name, how many asked)]``;
    ``dimensions``: the names rated (default: the five of the source articles, in the unit's
    language)."""
    require_can(acting_user, "objectives.add_survey", unit)
    groups = _clean_groups(groups)
    dimensions = _clean_dimensions(dimensions if dimensions else default_dimensions(unit))
    survey = Survey(unit=unit, title=" ".join(title.split()), introduction=introduction.strip(),
                    period_start=period_start, period_end=period_end, scale=scale, closes_at=closes_at,
                    created_by=acting_user)
    _check_survey(survey)
    survey.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=period_start.year)
    survey.search_key = searchable(f"{survey.number} {survey.title}")[:800]
    save_tracked(survey, acting_user)
    _set_rows(survey, SurveyGroup, groups, acting_user, ("name", "invited"))
    _set_rows(survey, SurveyDimension, dimensions, acting_user, ("name",))
    return survey


@transaction.atomic
def survey_update(*, acting_user, survey, title, period_start, period_end, scale, introduction="", closes_at=None,
                  groups, dimensions):
    """Change a survey in draft; once open, only its closing time and introduction."""
    survey = Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
    require_can(acting_user, "change", survey)
    if survey.status == S.CLOSED:
        raise ValidationError(_("A closed survey cannot be changed."))
    survey.introduction, survey.closes_at = introduction.strip(), closes_at
    if survey.status == S.DRAFT:
        groups, dimensions = _clean_groups(groups), _clean_dimensions(dimensions)
        survey.title = " ".join(title.split())
        survey.period_start, survey.period_end, survey.scale = period_start, period_end, scale
        _check_survey(survey)
        survey.search_key = searchable(f"{survey.number} {survey.title}")[:800]
        save_tracked(survey, acting_user)
        _set_rows(survey, SurveyGroup, groups, acting_user, ("name", "invited"))
        _set_rows(survey, SurveyDimension, dimensions, acting_user, ("name",))
    else:
        save_tracked(survey, acting_user)
        # Open: the numbers asked may still grow (more people reached); names stay as answered.
        by_name = {name: invited for name, invited in _clean_groups(groups)}
        for group in survey.groups.all():
            if group.name in by_name and by_name[group.name] != group.invited:
                group.invited = by_name[group.name]
                save_tracked(group, acting_user)
    return survey


# ---- the workflow: draft → open → closed --------------------------------------------------------------
def _ready(survey, user):
    return survey.groups.exists() and survey.dimensions.exists()


def _on_open(survey, user, reason, data):
    survey.opened_at = timezone.now()
    survey._history_user = user
    survey.save(update_fields=["opened_at"])


def _on_close(survey, user, reason, data):
    """Closing counts the survey's sheets and answers once more (``selectors.stored_counts``): what
    it keeps from then on, when no answer comes any more, is counted from the answers themselves."""
    survey.closed_at = timezone.now()
    counts = stored_counts([survey.pk]).get(survey.pk, NO_COUNTS)
    for name, value in counts.items():
        setattr(survey, name, value)
    survey._history_user = user
    survey.save(update_fields=["closed_at", *counts])
    for link in survey_links(survey).filter(revoked_at__isnull=True):
        if link.refusal() == "":
            public_link_revoke(acting_user=user, link=link)
    survey_feed_indicators(acting_user=user, survey=survey)
    from ..selectors.surveys import survey_result

    result = survey_result(survey)
    notify(users_who_can(CHANGE, survey), "survey_closed", url=reverse("objectives:survey_results", args=[survey.pk]),
           params={"object": survey, "responses": result["responses"],
                   "satisfied": result["satisfied_pct"] if result["answers"] else "—",
                   "positive": result["positive_pct"] if result["answers"] else "—"})


def _transitions():
    return [
        Transition(name="open", label=gettext_lazy("Open for answers"), sources=(S.DRAFT,), target=S.OPEN,
                   permission=CHANGE, effect=_on_open, button="success",
                   guards=(Guard(_ready, gettext_lazy("Name the groups asked and what they rate first.")),)),
        Transition(name="close", label=gettext_lazy("Close the survey"), sources=(S.OPEN,), target=S.CLOSED,
                   permission=CHANGE, effect=_on_close, button="outline-danger"),
    ]


def register_workflow():
    return register(Workflow(model=Survey, transitions=_transitions()))


def survey_transition(*, acting_user, survey, name, reason="", password=None, data=None):
    """Open a draft for answers, or close an open survey (its unused links are withdrawn and the
    indicators it feeds get its result)."""
    return Survey.workflow.perform(survey, name, acting_user=acting_user, reason=reason, password=password,
                                   data=data)


# ---- handing out links -----------------------------------------------------------------------------------
def survey_links(survey):
    """The links handed out for ``survey`` (its groups are their targets)."""
    from django.contrib.contenttypes.models import ContentType

    from qms_portal.models import PublicLink

    return PublicLink.objects.filter(purpose=PURPOSE, content_type=ContentType.objects.get_for_model(SurveyGroup),
                                     object_id__in=survey.groups.values("pk"))


def _link_life(survey):
    """How long a link lives: until the survey's closing time, else ``LINK_DAYS`` days."""
    if survey.closes_at is not None:
        life = survey.closes_at - timezone.now()
        if life <= timedelta(0):
            raise ValidationError(_("The survey's closing time has passed: change it before handing out links."))
        return life
    return timedelta(days=LINK_DAYS)


def _open_group(acting_user, survey, group):
    survey = Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
    require_can(acting_user, CHANGE, survey)
    if survey.status != S.OPEN:
        raise ValidationError(_("Links are handed out while the survey is open for answers."))
    if group.survey_id != survey.pk:
        raise ValidationError({"group": _("Choose a group of this survey.")})
    return survey, SurveyGroup.objects.select_for_update().get(pk=group.pk)


def _language(language, survey):
    if language in dict(settings.LANGUAGES):
        return language
    return unit_language(survey.unit)


def _count_invited(group, acting_user, issued):
    """A group's number asked is at least the single-use links handed out to it."""
    single = survey_links(group.survey).filter(object_id=group.pk, max_uses=1).count()
    if group.invited < single:
        group.invited = single
        save_tracked(group, acting_user, reason=fixed_reason(gettext_noop("Links handed out: %(count)s"),
                                                             count=issued))


@transaction.atomic
def survey_links_create(*, acting_user, survey, group, count, language=None):
    """``count`` single-use links for ``group`` (to print with QR codes): ``[url]``, shown once."""
    survey, group = _open_group(acting_user, survey, group)
    if not 1 <= count <= MAX_LINKS:
        raise ValidationError({"count": _("Between 1 and %(max)s links at a time.") % {"max": MAX_LINKS}})
    life, language = _link_life(survey), _language(language, survey)
    urls = [public_link_create(acting_user=acting_user, purpose=PURPOSE, unit=survey.unit, target=group,
                               expires_in=life, max_uses=1, language=language)[1] for _i in range(count)]
    _count_invited(group, acting_user, count)
    return urls


@transaction.atomic
def survey_general_link_create(*, acting_user, survey, group, cap, language=None):
    """One link for anyone (citizens), taking at most ``cap`` answers → ``(link, url)``, shown once."""
    survey, group = _open_group(acting_user, survey, group)
    if not 1 <= cap <= MAX_CAP:
        raise ValidationError({"cap": _("Between 1 and %(max)s answers.") % {"max": MAX_CAP}})
    return public_link_create(acting_user=acting_user, purpose=PURPOSE, unit=survey.unit, target=group,
                              expires_in=_link_life(survey), max_uses=cap, language=_language(language, survey))


def parse_recipients(text, default_language):
    """Lines ``address`` or ``address language`` (vi, zh-hans, zh-hant, en) → ``[(address, language)]``."""
    recipients, seen, errors = [], set(), []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace(",", " ").replace(";", " ").split()
        if not parts:
            continue
        address, language = parts[0], (parts[1].lower() if len(parts) > 1 else default_language)
        try:
            validate_email(address)
        except ValidationError:
            errors.append(_("Line %(line)s: “%(address)s” is not an e-mail address.") % {"line": number,
                                                                                     "address": address})
            continue
        if language not in dict(settings.LANGUAGES):
            errors.append(_("Line %(line)s: unknown language “%(language)s” (vi, zh-hans, zh-hant or en).")
                          % {"line": number, "language": language})
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            recipients.append((address, language))
    if errors:
        raise ValidationError({"recipients": errors})
    if not recipients:
        raise ValidationError({"recipients": _("Give at least one e-mail address.")})
    if len(recipients) > MAX_LINKS:
        raise ValidationError({"recipients": _("At most %(max)s addresses at a time.") % {"max": MAX_LINKS}})
    return recipients


@transaction.atomic
def survey_invite_by_email(*, acting_user, survey, group, recipients):
    """One e-mail per person of ``recipients`` (``[(address, language)]``), each with a single-use
    link of its own, in their language. Each message is an outbox row written now and sent after
    the commit; its link is made when it is sent, so neither the database nor the outbox holds a
    usable address, and nothing records which link went to whom."""
    survey, group = _open_group(acting_user, survey, group)
    _link_life(survey)
    for address, language in recipients:
        outbox.enqueue(INVITE_TASK, survey_id=survey.pk, group_id=group.pk, address=address, language=language,
                       sender_id=acting_user.pk)
    total = survey_links(survey).filter(object_id=group.pk, max_uses=1).count() + len(recipients)
    if group.invited < total:
        group.invited = total
        save_tracked(group, acting_user, reason=fixed_reason(gettext_noop("Invitations sent: %(count)s"),
                                                             count=len(recipients)))
    return len(recipients)


def send_invitation(*, survey_id, group_id, address, language, sender_id):
    """The outbox task's work: make the person's link and e-mail it in their language. A survey no
    longer open sends nothing. A failed send withdraws the link and raises (the task retries)."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from qms_portal.models import User

    survey = Survey.objects.select_related("unit").filter(pk=survey_id, status=S.OPEN).first()
    group = SurveyGroup.objects.filter(pk=group_id, survey_id=survey_id).first()
    sender = User.objects.filter(pk=sender_id, is_active=True).first()
    if survey is None or group is None or sender is None:
        return False
    with transaction.atomic():
        link, url = public_link_create(acting_user=sender, purpose=PURPOSE, unit=survey.unit, target=group,
                                       expires_in=_link_life(survey), max_uses=1, language=language)
    with translation.override(language):
        context = {"survey": survey, "group": group, "url": url, "expires": link.expires_at}
        subject = render_to_string("objectives/surveys/email_subject.txt", context).strip()
        body = render_to_string("objectives/surveys/email.txt", context)
    try:
        EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
    except Exception:
        public_link_revoke(acting_user=sender, link=link)
        raise
    return True


# ---- an answer ---------------------------------------------------------------------------------------------
def survey_answer_received(link, cleaned_data):
    """The link's handler (inside the transaction that counts the use): one answer sheet for the
    link's group. Refused (nothing consumed) when the survey is not open. The sheet keeps no trace
    of the link, and its time only to the hour."""
    group = SurveyGroup.objects.select_related("survey").get(pk=link.object_id)
    survey = group.survey
    if survey.status != S.OPEN or (survey.closes_at is not None and timezone.now() >= survey.closes_at):
        raise ValidationError(_("This survey is closed: answers are no longer taken."))
    dimensions = list(survey.dimensions.order_by("position", "id"))
    top = 3 if survey.scale == Survey.Scale.THREE else 5
    ratings = {}
    for dimension in dimensions:
        rating = cleaned_data.get(f"d{dimension.pk}")
        if rating is None or not 1 <= int(rating) <= top:
            raise ValidationError(_("Please rate every line."))
        ratings[dimension] = int(rating)
    signed = " ".join((cleaned_data.get("signed_name") or "").split())[:200] if cleaned_data.get("sign") else ""
    response = SurveyResponse.objects.create(
        survey=survey, group=group, submitted_at=timezone.now().replace(minute=0, second=0, microsecond=0),
        comment=(cleaned_data.get("comment") or "").strip(), signed_name=signed)
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, dimension=d, rating=r)
                                      for d, r in ratings.items()])
    # The survey's counts, in the sheet's transaction: F() expressions, so two sheets arriving
    # at once both count (the row is locked until the transaction ends), and no history row.
    positive = sum(1 for rating in ratings.values() if rating <= POSITIVE_MAX[survey.scale])
    Survey.objects.filter(pk=survey.pk).update(responses_count=F("responses_count") + 1,
                                               answers_total=F("answers_total") + len(ratings),
                                               answers_positive=F("answers_positive") + positive)
    forget_survey_counts()  # (an update() sends no signal: the surveys' list shows these counts)
    return response


# ---- the result feeds indicators -------------------------------------------------------------------------
@transaction.atomic
def survey_feed_indicators(*, acting_user, survey):
    """Write ``survey``'s % satisfied or basically satisfied as the measurement, for the period that
    holds the survey's last day, of each active indicator that names it (``Indicator.survey``,
    kind "satisfaction"), through the kpi part's ``measurement_from_survey``; a value already there
    for that period is replaced (its history keeps the old one). Returns the measurements."""
    from ..selectors.surveys import survey_result
    from .kpi import measurement_from_survey

    indicators = list(Indicator.objects.filter(survey=survey, kind=Indicator.Kind.SATISFACTION, is_active=True))
    if not indicators:
        return []
    result = survey_result(survey)
    written = [measurement_from_survey(acting_user=acting_user, indicator=indicator, survey=survey, result=result)
               for indicator in indicators]
    return [m for m in written if m is not None]
