"""Pages for people without an account: a link with a token opens one form, and nothing else.

A citizen who used a one-stop-shop service rates it; an external auditor confirms a report. The
core holds the mechanism; an area says what a kind of link (a *purpose*) shows and does, in its
``AppConfig.ready()``::

    from qms_portal.public_links import register_purpose

    register_purpose(
        "citizen_feedback",
        title=_("How was our service?"),
        form_class=FeedbackForm,               # a plain django.forms.Form
        handle=feedback_received,              # handle(link, cleaned_data), inside the transaction
        permission="nonconformities.add_nonconformity",  # who may hand out such links
        done_message=_("Thank you. Your feedback was received."),
    )

and creates links through the service (the URL is absolute, for an e-mail or a QR code; it is
returned once and never stored)::

    link, url = public_link_create(acting_user=official, purpose="citizen_feedback", unit=ward,
                                   target=service_record, expires_in=timedelta(days=14), language="vi")

Tokens: ``secrets.token_urlsafe(32)`` (256 random bits) in the URL; only its SHA-256 is stored.
A random token of that size cannot be guessed, so a fast unsalted hash is enough (a slow password
hash protects *low*-entropy secrets), and it is found by an indexed equality: a copy of the
database holds no usable link. Django's signing was not chosen: a link must be revocable and
counted, so a row is needed anyway, and a signed value would only make the URL longer.

*Standing* links (``standing=True``: a QR code posted at a one-stop-shop desk, used by every
visitor until it is revoked) have no expiry and no limit of uses, and must be printed again when
the poster wears out: their token is not random but an HMAC of the link's purpose, unit, creator
and creation time under ``SECRET_KEY`` (``standing_token``), so ``public_link_standing_url`` can
give the same address again to someone allowed to create such links, while a copy of the database
alone still holds no usable link. Everything else is the same: the SHA-256 is stored, the page is
rate-limited, a use is counted (with its history), revoking refuses the link at once.

The page (``/p/<token>/``, ``views/public.py``) never signs anyone in and writes nothing to the
session; it is rate-limited per client address and per token (``over_the_limit``).
"""

import base64
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import PublicLink
from .services import require_can, save_tracked

log = logging.getLogger(__name__)

DEFAULT_PERMISSION = "qms_portal.add_publiclink"
THANK_YOU = _("Thank you. Your answer was received.")


# ---- the registry of purposes -----------------------------------------------------------------------
@dataclass(frozen=True)
class Purpose:
    name: str
    title: str
    form_class: type
    handle: object  # handle(link, cleaned_data) → anything; raise ValidationError to refuse the answer
    template: str = "public/form.html"
    done_message: str = THANK_YOU
    permission: str = DEFAULT_PERMISSION  # needed on the unit (and on the target) to create or revoke
    intro: str = ""
    link_form: bool = False  # the form is made with the link: form_class(data, link=link)

    def form(self, link, data=None):
        """The purpose's form for ``link`` (bound to ``data`` on a POST)."""
        return self.form_class(data, link=link) if self.link_form else self.form_class(data)


PURPOSES = {}


def register_purpose(name, *, title, form_class, handle, template="public/form.html", done_message=THANK_YOU,
                     permission=DEFAULT_PERMISSION, intro="", link_form=False):
    """Say what a kind of link shows and does.

    ``title``, ``done_message`` and ``intro`` are ``gettext_lazy`` strings, shown in the visitor's
    language; ``done_message`` may also be a function ``(link, result) → str`` given what the
    handler returned (to quote a reference number, say). ``handle(link, cleaned_data)`` runs inside
    the transaction that consumes the use, so what it writes and the use stand or fall together;
    it may raise ``ValidationError`` to refuse the answer (shown on the form, nothing consumed).
    ``template`` extends ``public/base.html``. ``permission`` is what an official needs on the
    link's unit (and target) to create or revoke such links. ``link_form=True``: the form is made
    with the link (``form_class(data, link=link)``), to show or fix what the link already says (the
    file a per-case feedback link was handed out for)."""
    if name in PURPOSES:
        raise ImproperlyConfigured(f"The public link purpose {name!r} is registered twice.")
    if len(name) > PublicLink._meta.get_field("purpose").max_length:
        raise ImproperlyConfigured(f"The public link purpose {name!r} is too long.")
    PURPOSES[name] = Purpose(name, title, form_class, handle, template, done_message, permission, intro, link_form)
    return PURPOSES[name]


def purpose_of(link_or_name):
    name = link_or_name.purpose if isinstance(link_or_name, PublicLink) else link_or_name
    return PURPOSES.get(name)


# ---- why a link cannot be used -----------------------------------------------------------------------
class PublicLinkInvalid(Exception):
    """The link cannot be used. ``message`` is for the visitor; an unknown token and a link whose
    purpose is no longer registered get the same words, so nothing tells which tokens exist."""

    MESSAGES = {
        "unknown": _("This link is not valid or has expired."),
        "expired": _("This link is no longer valid: it has expired."),
        "used": _("This link is no longer valid: it has already been used."),
        "revoked": _("This link is no longer valid: it was withdrawn."),
    }

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self):
        return self.MESSAGES[self.reason]

    @property
    def status(self):
        return 404 if self.reason == "unknown" else 410


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def public_link_url(token, language=None):
    """The absolute address of a token page (``QMS_SITE_URL``), in ``language`` when given."""
    url = settings.QMS_SITE_URL.rstrip("/") + reverse("public_link", kwargs={"token": token})
    return f"{url}?lang={language}" if language else url


# ---- services ------------------------------------------------------------------------------------------
def _check_permission(acting_user, purpose, unit, target):
    require_can(acting_user, purpose.permission, unit)
    if target is not None:
        require_can(acting_user, purpose.permission, target)


STANDING_SALT = "qms_portal.public_links.standing"


def standing_token(link, secret=None):
    """The token of a standing link, derived from what the row holds and ``SECRET_KEY`` (or
    ``secret``, one of ``SECRET_KEY_FALLBACKS`` after a key rotation)."""
    created = link.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    value = f"{link.purpose}:{link.unit_id}:{link.created_by_id}:{created}"
    digest = salted_hmac(STANDING_SALT, value, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@transaction.atomic
def public_link_create(*, acting_user, purpose, unit, target=None, expires_in=timedelta(days=30), max_uses=1,
                       language=None, standing=False):
    """A new link → ``(link, url)``. The URL carries the only copy of the token: send it, print it
    as a QR code, but it cannot be shown again. ``language`` (a code of ``LANGUAGES``) makes the
    page open in that language (``?lang=``); the visitor can still switch.

    ``standing=True``: a link for many visitors (a desk's QR code), without expiry or limit of
    uses (``expires_in`` and ``max_uses`` are ignored) until it is revoked; its address can be
    shown again (``public_link_standing_url``)."""
    spec = purpose_of(purpose)
    if spec is None:
        raise ImproperlyConfigured(f"No public link purpose {purpose!r} is registered.")
    _check_permission(acting_user, spec, unit, target)
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if standing:
        link = PublicLink(purpose=purpose, unit=unit, target=target, expires_at=None, max_uses=None,
                          created_by=acting_user, created_at=timezone.now())
        token = standing_token(link)
    else:
        if expires_in <= timedelta(0):
            raise ValidationError(_("A link must be valid for some time."))
        token = secrets.token_urlsafe(32)
        link = PublicLink(purpose=purpose, unit=unit, target=target, expires_at=timezone.now() + expires_in,
                          max_uses=max_uses, created_by=acting_user)
    link.token_hash = hash_token(token)
    save_tracked(link, acting_user)
    return link, public_link_url(token, language)


def public_link_standing_url(*, acting_user, link, language=None):
    """The address of a standing link again (to print its QR code once more), for someone who may
    create links of its purpose on its unit. Refused (``ValidationError``) for a link that is not
    standing, is revoked, or whose token no key of ``SECRET_KEY`` and its fallbacks gives back."""
    spec = purpose_of(link)
    if spec is None:
        raise ValidationError(_("This link cannot be shown again."))
    _check_permission(acting_user, spec, link.unit, link.target)
    if link.revoked_at is not None or link.max_uses is not None or link.expires_at is not None:
        raise ValidationError(_("This link cannot be shown again."))
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        token = standing_token(link, secret=secret)
        if hash_token(token) == link.token_hash:
            return public_link_url(token, language)
    raise ValidationError(_("This link cannot be shown again."))


@transaction.atomic
def public_link_revoke(*, acting_user, link):
    """Withdraw a link at once (its page then says so). Revoking twice changes nothing."""
    link = PublicLink.objects.select_for_update().get(pk=link.pk)
    spec = purpose_of(link) or Purpose(link.purpose, "", None, None)  # an area removed: the default permission
    _check_permission(acting_user, spec, link.unit, link.target)
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), acting_user
        save_tracked(link, acting_user, reason=gettext_noop("revoked"))
    return link


def public_link_resolve(token):
    """The usable link for ``token``, or ``PublicLinkInvalid``. Reads only; a GET never consumes."""
    if not token or len(token) > 100:
        raise PublicLinkInvalid("unknown")
    link = PublicLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None or purpose_of(link) is None:
        raise PublicLinkInvalid("unknown")
    refusal = link.refusal()
    if refusal:
        raise PublicLinkInvalid(refusal)
    return link


def public_link_use(*, link, cleaned_data):
    """Consume one use of ``link`` and run its purpose's handler, in one transaction, with the row
    locked: of two submissions at once only as many succeed as the link has uses left; the others
    get ``PublicLinkInvalid("used")``. If the handler raises (``ValidationError`` to refuse the
    answer), the use is not consumed. Returns what the handler returns. There is no acting user:
    the history of the link records an anonymous use, whoever is signed in."""
    with transaction.atomic():
        locked = PublicLink.objects.select_for_update().get(pk=link.pk)
        spec = purpose_of(locked)
        if spec is None:
            raise PublicLinkInvalid("unknown")
        refusal = locked.refusal()
        if refusal:
            raise PublicLinkInvalid(refusal)
        locked.uses += 1
        locked.used_at = timezone.now()
        save_tracked(locked, None, reason=gettext_noop("used"))
        return spec.handle(locked, cleaned_data)


# ---- rate limit -------------------------------------------------------------------------------------------
def client_ip(request):
    """The visitor's address: behind ``AXES_PROXY_COUNT`` reverse proxies (the same setting as the
    sign-in lockout) the one that many hops from the right of X-Forwarded-For, else REMOTE_ADDR."""
    hops = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _count(key):
    if cache.add(key, 1, timeout=120):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=120)
        return 1


def rate_window():
    """The minute requests are counted in."""
    return int(time.time() // 60)


def over_the_limit(request, token):
    """Count this request against the visitor's address and against the token (whether or not it
    exists: guessing counts too), per minute; True when either is over its limit
    (``QMS_PUBLIC_LINK_RATE_PER_IP``, ``QMS_PUBLIC_LINK_RATE_PER_LINK``). Without a working cache
    the page is served: the database still refuses bad tokens."""
    window = rate_window()
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    counters = (
        (f"qms:public:ip:{address}:{window}", settings.QMS_PUBLIC_LINK_RATE_PER_IP),
        (f"qms:public:link:{hash_token(token)}:{window}", settings.QMS_PUBLIC_LINK_RATE_PER_LINK),
    )
    try:
        return any([_count(key) > limit for key, limit in counters])  # a list: both are counted
    except Exception:  # noqa: BLE001 - the cache is down: serve the page
        log.warning("public link rate limit skipped: the cache is not available", exc_info=True)
        return False
