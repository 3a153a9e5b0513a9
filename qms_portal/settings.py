"""QMS Portal settings: one module, driven by environment variables.

Without configuration the portal runs embedded: SQLite in WAL mode, Celery on kombu's
``filesystem://`` broker and e-mail written to files, all under ``var/``. With
``DATABASE_URL`` and ``REDIS_URL`` it runs on PostgreSQL and Redis. With ``DEBUG`` off it
refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QMS_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest (8.2+) sets PYTEST_VERSION for the whole run: test settings switch on by themselves.
TESTING = env_bool("QMS_TESTING", "PYTEST_VERSION" in os.environ)
DEV_SECRET = "insecure-development-key-do-not-use-in-production"
# manage.py sets QMS_OFFLINE_COMMAND for commands that only touch source files (makemigrations…).
OFFLINE = env_bool("QMS_OFFLINE_COMMAND", False)
SECRET_KEY = env("SECRET_KEY") or (DEV_SECRET if DEBUG or TESTING or OFFLINE else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable (50+ random characters), "
        "or DEBUG=1 for local development."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING or OFFLINE else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set. List the host names the portal answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "qms_portal",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
]
# The areas of the portal, after the core: each is an app whose pages are mounted under /<label>/ and
# which registers its parts (roles, messages, My work, menu, scheduled tasks, tools) from its
# AppConfig.ready() through qms_portal.areas. Adding an area is adding it here.
QMS_AREAS = ["documents", "nonconformities", "audits", "objectives", "training"]  # audits build on nonconformities
INSTALLED_APPS += QMS_AREAS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qms_portal.middleware.CurrentRequestMiddleware",  # for signatures and the pieces every page shows
    "qms_portal.middleware.SessionTimeoutMiddleware",
    "qms_portal.middleware.UserLanguageMiddleware",
    # Every page needs a login, except views marked @login_not_required (the sign-in and
    # password-reset pages, the health check, the language switch, token pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "qms_portal.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms_portal.urls"
WSGI_APPLICATION = "qms_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qms_portal.context_processors.portal",
            ],
            "builtins": ["qms_portal.templatetags.qms"],
        },
    }
]

# Form widgets render from templates/django/forms/ (Bootstrap classes on every field).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    # ``.iterator()`` (which every model choice field uses to list its options) would otherwise open
    # a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a list of a few hundred
    # rows. Fetched in one go instead; this is also what a transaction-pooling PgBouncer needs.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # PostgreSQL's JIT compiler is off for the portal's connections (``QMS_DB_JIT=1`` leaves the
    # server's setting). It compiles a query whose estimated cost passes a threshold, and the
    # portal's correlated subqueries are estimated high while they read few rows: the
    # announcements register spent 198 ms compiling to run 50 ms of work, the dashboard's largest
    # query 10–15 ms. (Behind a PgBouncer that refuses the ``options`` startup parameter, set
    # QMS_DB_JIT=1 and turn it off in the database instead: ALTER DATABASE qms SET jit = off.)
    if "postgresql" in DATABASES["default"]["ENGINE"] and not env_bool("QMS_DB_JIT"):
        db_options = DATABASES["default"].setdefault("OPTIONS", {})
        db_options["options"] = f"{db_options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "qms.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")


def cache_url(redis_url):
    """The cache's own Redis database: the broker's database number + 1 (``redis://host:6379/0``
    → ``/1``). The broker's queued tasks and the cache never share a database, so nothing done to
    the cache (an eviction, an emptied database) can lose a task."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(redis_url)
    number = parts.path.strip("/") or "0"
    if parts.scheme not in ("redis", "rediss") or "db=" in parts.query or not number.isdigit() or int(number) >= 15:
        raise ImproperlyConfigured(
            f"Cannot derive the cache's Redis database from REDIS_URL (database {number!r}): set CACHE_URL."
        )
    return urlunsplit(parts._replace(path=f"/{int(number) + 1}"))


CACHE_URL = env("CACHE_URL") or (cache_url(REDIS_URL) if REDIS_URL else "")
if CACHE_URL:
    # A cache that is down is a cache that misses (qms_portal/cache.py): pages are built from the
    # database, slower, and a warning is logged.
    CACHES = {"default": {"BACKEND": "qms_portal.cache.PortalRedisCache", "LOCATION": CACHE_URL}}
else:
    # Without Redis (``make run``): files under var/, which the web server and the Celery worker
    # share. What one process retires in the cache (fragments.py) must be retired for the others:
    # a cache in each process's memory would let the web server show a register the worker's
    # scheduled publication had changed.
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("CACHE_DIR", str(VAR_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }}

# What names this code in the keys of cached pages (fragments.release): empty, a digest of the
# source, templates and translations; a deployment may set it (a git commit, an image tag).
RELEASE = env("RELEASE", "")

# --- Authentication and security --------------------------------------------------------------
AUTH_USER_MODEL = "qms_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qms_portal.permissions.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Idle timeout: the session cookie expires after this many seconds without a request.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_TIMEOUT", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
# Absolute timeout: a session ends this long after login, however active.
SESSION_ABSOLUTE_TIMEOUT = int(env("SESSION_ABSOLUTE_TIMEOUT", 10 * 60 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "qms_portal.views.errors.csrf_failure"

# With DEBUG off the portal is served over HTTPS: secure cookies, HSTS and the redirect to https.
# HTTPS=0 turns those off, only to try a production configuration over plain HTTP on loopback
# (README, "Trying production settings locally"); `check --deploy` then warns, as it should.
HTTPS = env_bool("HTTPS", True)
SECURE = not DEBUG and not TESTING and HTTPS
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", 31536000)) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Trust X-Forwarded-Proto only when a reverse proxy sets it (and replaces whatever a client sent):
# opt-in with BEHIND_PROXY=1. Trusted by default, any client could claim https and pass as secure.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Object permissions are read by qms_portal.permissions.RoleBackend from guardian's tables, so
# guardian's own backend is deliberately not installed.
SILENCED_SYSTEM_CHECKS = [
    "guardian.W001",
    # SQLite (the embedded default) ignores the covering columns of the registers' count indexes
    # (``include=``): the index still serves, PostgreSQL reads the counts from it alone.
    "models.W040",
]

# django-axes: lock out a username from one address after repeated failures, for a while only,
# so a shared office address is never locked for good.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(env("AXES_PROXY_COUNT", 0)) or None
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# django-csp 4: no inline scripts, no third-party hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The rich-text editor (Trix) injects its base styles with this per-request nonce.
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
# Dates per language (qms_portal/formats/): 4 Dec 2026, 04/12/2026, 2026年12月4日; ISO read first.
FORMAT_MODULE_PATH = ["qms_portal.formats"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: files go out through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Photos and scans (JPEG, PNG, WebP): their own size limit, and a pixel limit checked before any
# pixel is decoded (a small file can claim a huge picture: a "decompression bomb").
UPLOAD_IMAGE_MAX_BYTES = int(env("UPLOAD_IMAGE_MAX_BYTES", 15 * 1024 * 1024))
UPLOAD_IMAGE_MAX_PIXELS = int(env("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000))
# Files one upload form may carry at once (each is checked and stored in the same request).
ATTACHMENT_MAX_FILES = int(env("ATTACHMENT_MAX_FILES", 10))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "QMS Portal <qms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", 587))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    # A mail server that hangs must not hold a worker (nor an e-mail claim) forever.
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", 30))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Celery ---------------------------------------------------------------------------------
# Long work (exports, large PDFs) runs as jobs in the worker, never in a request (qms_portal/jobs.py).
# Delivery is chosen for them:
# * acks_late: a task is acknowledged when it has finished, not when it is taken, so a worker that
#   is stopped or dies while working does not lose the message.
# * reject_on_worker_lost stays off (Celery's default): when a pool process is killed mid-task
#   (out of memory, SIGKILL), the message is acknowledged and dropped rather than handed straight to
#   another process. A message that kills its worker would otherwise kill them all in turn; the
#   job is instead recovered by beat (jobs_recover_stalled, every five minutes): queued again as a
#   new attempt after QMS_JOB_STALLED_MINUTES without a heartbeat, at most QMS_JOB_MAX_ATTEMPTS
#   times, then failed with a message. Controlled copies are recovered the same way.
# * visibility_timeout (Redis): a message taken by a worker that vanished as a whole (its container
#   was stopped) is handed out again after this long. It must exceed the longest task (a job stops
#   at QMS_JOB_TIME_LIMIT) and the longest retry countdown (e-mail retries back off up to ten
#   minutes), or Redis hands a message to a second worker while the first still runs it; a
#   duplicate would do no harm (a job runs only for its current attempt) but would waste a worker.
#   So: the job time limit plus ten minutes (40 minutes), set here rather than left at Redis's
#   default hour. Beat recovers a stalled job long before; the timeout brings back other tasks.
#   (The embedded filesystem broker deletes a message when a worker takes it: there, beat's
#   recovery is the only way back for a job whose worker died.)
# * prefetch multiplier 1: a worker does not reserve a second long task behind the one it runs.
# * max memory per child: a pool process that grew past this (in KB) after a task (a large PDF)
#   is replaced, so the memory it took is given back to the system.
QMS_JOB_TIME_LIMIT = int(env("QMS_JOB_TIME_LIMIT", 30 * 60))  # seconds; soft limit, the task then fails
QMS_JOB_STALLED_MINUTES = int(env("QMS_JOB_STALLED_MINUTES", 10))
QMS_JOB_MAX_ATTEMPTS = int(env("QMS_JOB_MAX_ATTEMPTS", 3))
QMS_JOB_KEEP_DAYS = int(env("QMS_JOB_KEEP_DAYS", 7))  # finished jobs and their files, then purged
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # A broker that does not answer is given up quickly: the outbox keeps the message. Messages not
    # acknowledged within the visibility timeout (a job's time limit and a margin) are redelivered.
    {"socket_connect_timeout": 2,
     "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", QMS_JOB_TIME_LIMIT + 10 * 60))}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "polling_interval": 0.2,
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing (from a request, through notifications.dispatch): one retry at once, then the message
# waits in the outbox for outbox_flush. Celery's default (three retries) would hold the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_TIMEZONE = TIME_ZONE

# --- Portal ---------------------------------------------------------------------------------
# A transition waiting for someone for longer than this many days triggers a reminder.
QMS_PENDING_REMINDER_DAYS = int(env("QMS_PENDING_REMINDER_DAYS", 3))
# Remind readers who have not acknowledged an effective revision after this many days.
QMS_ACK_REMINDER_DAYS = int(env("QMS_ACK_REMINDER_DAYS", 7))
# The hour (local time) when daily digests go out.
QMS_DIGEST_HOUR = int(env("QMS_DIGEST_HOUR", 7))
# Retention: dispatched outbox rows and notifications read more than this many days ago are
# deleted by the nightly purge (qms_portal.outbox.purge); unread notifications are kept.
QMS_RETENTION_DAYS = int(env("QMS_RETENTION_DAYS", 90))
# Reminder claims are kept this long: a record still due after it is reminded once more.
QMS_CLAIM_RETENTION_DAYS = int(env("QMS_CLAIM_RETENTION_DAYS", 365))
# A reminder sweep's claims left unsent this long (the worker died) are taken over by the next run.
QMS_SWEEP_STALE_SECONDS = int(env("QMS_SWEEP_STALE_SECONDS", 3600))
# An e-mail claimed by a worker and not sent after this long (the worker died) is queued again.
QMS_EMAIL_CLAIM_SECONDS = int(env("QMS_EMAIL_CLAIM_SECONDS", 900))
QMS_SITE_URL = env("QMS_SITE_URL", "http://127.0.0.1:8000")
QMS_PAGE_SIZE = 25
# Token pages for people without an account (/p/<token>/): requests per minute allowed from one
# client address and for one token (bad tokens count too) before the page answers 429.
QMS_PUBLIC_LINK_RATE_PER_IP = int(env("QMS_PUBLIC_LINK_RATE_PER_IP", 30))
QMS_PUBLIC_LINK_RATE_PER_LINK = int(env("QMS_PUBLIC_LINK_RATE_PER_LINK", 10))

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user, every page needs a login

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A page refused (403), not found (404) or asked with the wrong method (405) is an ordinary event:
    # one line in the log, not a traceback.
    "filters": {"quiet_client_errors": {"()": "qms_portal.logfilters.QuietClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["quiet_client_errors"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

if not DATABASE_URL or TESTING:
    for sub in ("mail", "celery/queue", "celery/processed", "celery/control", "media", "static"):
        (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
