"""Settings for the Hong Kong/Chongqing Co-operation Platform.

Every value that differs between machines comes from the environment; `.env.example`
lists them all. With no environment at all the platform runs on SQLite in ./data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """The variable's value; unset or empty (a blank line copied from .env.example) is the default."""
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ALLOW_INSECURE_SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "ninja",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "hkcq.core",
    "hkcq.accounts",
    "hkcq.registry",
    "hkcq.notifications",
    "hkcq.progress",
    "hkcq.reporting",
    "hkcq.kb",
    "hkcq.calendars",
    "hkcq.enquiries",
    "hkcq.open311",
    "hkcq.suggestions",
    "hkcq.partnering",
    "hkcq.exchanges",
    "hkcq.defaults",  # last: it loads every app's default data
]

MIDDLEWARE = [
    # First: the client's address from X-Forwarded-For, for requests from TRUSTED_PROXIES only.
    "hkcq.core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hkcq.core.throttle.ThrottledMiddleware",
    "hkcq.core.uploads.UploadTooLargeMiddleware",
    "hkcq.core.badinput.BadInputMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hkcq" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hkcq.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff land on their "my work" page; it sends everyone else on to HOME_URL.
LOGIN_REDIRECT_URL = "my_work"
HOME_URL = "registry:home"
LOGOUT_REDIRECT_URL = "registry:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Sign-in throttling (hkcq/accounts/services.py): failures per (user name, address) or per (user
# name, trusted browser), in tiers of growing windows; and failures per address across user names
# (not applied to a trusted browser). Never per user name alone: nobody can lock a user out.
LOGIN_THROTTLE_RATES = ["5/m", "10/h", "30/d"]
LOGIN_ADDRESS_RATES = ["50/h", "200/d"]
# Staff may turn on a second factor (TOTP, django-otp); the secretariat can require it for all
# staff on the account page (accounts.SignInPolicy).
OTP_TOTP_ISSUER = "HKCQ"

LANGUAGE_CODE = "en"
# Every paginated API list is bounded (limit and offset have maxima, so a number too large for the
# database is invalid input, 422): a bare ``@paginate`` uses the bounded class too.
NINJA_PAGINATION_CLASS = "hkcq.core.pagination.LimitOffsetPagination"

LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language ("5 December 2026", "2026年12月5日"): config/formats, read
# through hkcq.core.dates.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Hong_Kong"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "hkcq_language"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
import xstatic.pkg.bootstrap as _xstatic_bootstrap  # noqa: E402

STATICFILES_DIRS = [("bootstrap", _xstatic_bootstrap.BASE_DIR), BASE_DIR / "hkcq" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# The knowledge base's search index (hkcq.kb.search): built once per change of the entries and
# mapped read-only by every worker of a host (docs/decisions/0011-shared-knowledge-base-index.md).
# A local disk; on the shared volume, one build serves every host.
KB_INDEX_DIR = Path(env("KB_INDEX_DIR", str(DATA_DIR / "kb-index")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES = int(env("DOCUMENT_MAX_BYTES", str(25 * 1024 * 1024)))
# Every stored file (agreement documents, evidence, imports, generated reports) goes through the
# default storage: MEDIA_ROOT on disk (a volume shared by every server when there are several), or an
# S3-compatible object store with STORAGE_BACKEND=s3 (django-storages; docs/deploy.md "Files").
# Files are served only through views that check permission: never serve MEDIA_ROOT directly.
STORAGE_BACKEND = env("STORAGE_BACKEND", "filesystem")
_DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "location": env("S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise RuntimeError("STORAGE_BACKEND must be filesystem or s3 (see docs/deploy.md).")
# Every upload (hkcq/core/uploads.py): larger ones are cut off before the body is read (413).
UPLOAD_MAX_BYTES = DOCUMENT_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "hkcq.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Spreadsheets the platform reads (reporting imports, allocation rounds; hkcq/core/sheets.py), checked
# before and while they are parsed: rows with content, cells read (rows × columns), what an XLSX's zip
# would decompress to, and how much more than that a large zip member may be compressed (a zip bomb).
# An import job keeps at most IMPORT_RESULT_MAX_ROWS row messages (errors first) and counts the rest.
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "10000"))
IMPORT_MAX_CELLS = int(env("IMPORT_MAX_CELLS", "500000"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(env("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024)))
IMPORT_MAX_COMPRESSION_RATIO = int(env("IMPORT_MAX_COMPRESSION_RATIO", "100"))
IMPORT_RESULT_MAX_ROWS = int(env("IMPORT_RESULT_MAX_ROWS", "500"))
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set. Without it, development (DEBUG, or no SECRET_KEY: tests and
# tools) prints each e-mail's headers with links and tokens hidden (hkcq.core.mail); production
# refuses to start unless EMAIL_BACKEND names another backend on purpose (docs/deploy.md: the file
# backend, django.core.mail.backends.filebased.EmailBackend with EMAIL_FILE_PATH, for a trial).
EMAIL_HOST = env("EMAIL_HOST", "")
# A real SECRET_KEY with DEBUG off is a deployment: web servers and workers alike (manage.py lets
# tools run without a key, so the key, not ALLOW_INSECURE_SECRET_KEY, tells).
if not EMAIL_HOST and not env("EMAIL_BACKEND") and not DEBUG and env("SECRET_KEY"):
    raise RuntimeError("Set EMAIL_HOST, or choose EMAIL_BACKEND on purpose (docs/deploy.md), when DEBUG is off.")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "hkcq.core.mail.RedactedConsoleBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Its address; e-mails name the sender with the platform's name in the recipient's language
# (hkcq.core.tasks.sender).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")
# The secretariat's generic mailbox, shown on the contact, privacy and accessibility pages
# (empty: the pages show a placeholder for the secretariat to fill in).
SECRETARIAT_EMAIL = env("SECRETARIAT_EMAIL", "")
# The outbox (hkcq.core.outbox, docs/deploy.md "E-mail"): a refused e-mail is tried again after
# EMAIL_RETRY_SECONDS, doubling each time up to EMAIL_RETRY_MAX_SECONDS, at most EMAIL_MAX_ATTEMPTS
# times (10 attempts span about 8.5 hours); a worker holds an e-mail for EMAIL_LEASE_SECONDS, far
# longer than one attempt can take (EMAIL_TIMEOUT); `requeue_email` queues again what has been due
# for EMAIL_REQUEUE_AFTER_SECONDS.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
EMAIL_MAX_ATTEMPTS = int(env("EMAIL_MAX_ATTEMPTS", "10"))
EMAIL_RETRY_SECONDS = int(env("EMAIL_RETRY_SECONDS", "60"))
EMAIL_RETRY_MAX_SECONDS = int(env("EMAIL_RETRY_MAX_SECONDS", str(6 * 3600)))
EMAIL_LEASE_SECONDS = int(env("EMAIL_LEASE_SECONDS", "300"))
EMAIL_REQUEUE_AFTER_SECONDS = int(env("EMAIL_REQUEUE_AFTER_SECONDS", "60"))

# Background tasks: the database worker by default (`make worker`); RQ when REDIS_URL is set
# and TASK_BACKEND=rq (see docs/deploy.md).
TASK_BACKEND = env("TASK_BACKEND", "database")
if TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASK_BACKEND == "rq":
    # django_rq provides the queues' connections and the `rqworker` command.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # QUEUE_CLASS: one Redis client per process, not a new connection per task queued.
    RQ_QUEUES = {
        "default": {
            "URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "QUEUE_CLASS": "hkcq.core.rq_queues.SharedConnectionQueue",
        }
    }
    # Workers must run django_tasks_rq's job class, which calls the Task (`rqworker` reads this).
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}  # type: ignore[dict-item]
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Import and report jobs (hkcq.reporting.services): a worker holds a job for JOB_LEASE_SECONDS,
# renewed as it progresses; `requeue_jobs` (run every minute, like `requeue_email`) queues again a
# job whose worker stopped, at most JOB_MAX_ATTEMPTS times, then marks it failed with a retry button.
JOB_LEASE_SECONDS = int(env("JOB_LEASE_SECONDS", "600"))
JOB_MAX_ATTEMPTS = int(env("JOB_MAX_ATTEMPTS", "3"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Public pages kept ready for visitors (hkcq/core/pagecache.py, docs/benchmarks.md): how long a copy
# may live (0: no page cache), and the tables whose every committed write throws all copies away
# (by name prefix; the ignored ones are written by visitors' own actions and shown on no cached page).
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "60"))
# Where the version of what the pages show lives: with the copies in Redis (one round trip per
# page), or in the database when each process has its own memory cache.
PAGE_CACHE_VERSION_IN = env("PAGE_CACHE_VERSION_IN", "cache" if env("REDIS_URL") else "database")
PAGE_CACHE_WATCHED_TABLES = ["registry_", "progress_", "kb_", "exchanges_", "partnering_", "calendars_"]
PAGE_CACHE_IGNORED_TABLES = {"kb_gap", "kb_feedback", "progress_reminderlog"}

# Throttling of public writes and look-ups (hkcq/core/throttle.py, docs/security.md): per action,
# (scope, rate) with scope "address" (the client's IP) or "target" (the e-mail address written to,
# the reference looked up). Counted in the cache above: Redis shares the counts between servers.
RATELIMIT_USE_CACHE = "default"
THROTTLE_RATES: dict[str, list[tuple[str, str]]] = {
    "enquiry_submit": [("address", "10/h"), ("target", "5/h")],
    "suggestion_submit": [("address", "10/h"), ("target", "5/h")],
    "ask": [("address", "60/m"), ("address", "600/h")],
    "kb_feedback": [("address", "30/h")],
    "enquiry_find": [("address", "10/h"), ("target", "5/h")],
    "tracking": [("address", "120/h")],
    "tracking_write": [("address", "30/h"), ("target", "20/h")],
    "password_reset": [("address", "10/h"), ("target", "3/h")],
    # Organisation sign-up and its "send the confirmation link again" (docs/security.md, "Sign-up").
    "sign_up": [("address", "10/h"), ("target", "3/h")],
    "sign_up_resend": [("address", "10/h"), ("target", "3/h")],
}
# How long the link confirming a sign-up's e-mail address works (seconds; docs/security.md).
SIGN_UP_CONFIRM_MAX_AGE = int(env("SIGN_UP_CONFIRM_MAX_AGE", str(3 * 24 * 3600)))
# Sign-ups never confirmed are deleted after this many days (never while their link still works)
# by the daily `manage.py prune_unconfirmed_sign_ups` (docs/security.md, "Sign-up").
SIGN_UP_UNCONFIRMED_DAYS = int(env("SIGN_UP_UNCONFIRMED_DAYS", "30"))
if env_bool("THROTTLE_DISABLED"):  # load tests only; never in production
    THROTTLE_RATES = {}
# The proxies in front of the application servers (addresses or networks, comma-separated): for a
# request from one of them the client's address is read from X-Forwarded-For (hkcq/core/proxies.py);
# from any other peer the header is ignored. Empty: every peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    import ipaddress as _ipaddress

    [_ipaddress.ip_network(_proxy, strict=False) for _proxy in TRUSTED_PROXIES]
except ValueError as _error:
    raise RuntimeError(f"TRUSTED_PROXIES: {_error} (addresses or networks, e.g. 127.0.0.1,10.0.0.0/8).") from None

# Transport security (docs/deploy.md, docs/security.md). Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto (only if the proxy sets it).
HTTPS = SITE_URL.startswith("https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and HTTPS)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if not DEBUG and HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A strict Content-Security-Policy (django-csp): scripts, styles and everything else only from
# this site; no inline script, no style attribute, no eval (htmx is configured without it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

PAGE_SIZE = 20

# Every handler masks personal data (identity card and phone numbers, e-mail addresses) in the
# lines it writes, query strings included (hkcq/core/logs.py): the ask box is a GET form. Django's
# own loggers are configured here so that none keeps a handler of Django's defaults without the
# filter: "django" (and "django.request" below it) writes through the root handler, and
# "django.server" (runserver's access log) through its own, in Django's format.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "hkcq.core.logs.MaskPersonalDataFilter"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "jieba": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Suggestions (hkcq.suggestions): how many may be sent is THROTTLE_RATES["suggestion_submit"] (per
# address, and per e-mail address or account); a form sent faster than the minimum fill time is
# treated as a bot.
SUGGESTION_MIN_FILL_SECONDS = int(env("SUGGESTION_MIN_FILL_SECONDS", "4"))

# Partnering (hkcq.partnering): opportunities expire after this many months unless renewed (owners
# are reminded this many days before); expressions of interest expire after this many days, with
# reminders on the listed days; an organisation may have at most this many open at a time.
PARTNERING_OPPORTUNITY_MONTHS = int(env("PARTNERING_OPPORTUNITY_MONTHS", "6"))
PARTNERING_EXPIRY_REMINDER_DAYS = int(env("PARTNERING_EXPIRY_REMINDER_DAYS", "14"))
PARTNERING_INTEREST_DAYS = int(env("PARTNERING_INTEREST_DAYS", "7"))
PARTNERING_INTEREST_REMINDER_DAYS = (3, 6)
PARTNERING_OPEN_INTERESTS_CAP = int(env("PARTNERING_OPEN_INTERESTS_CAP", "10"))
