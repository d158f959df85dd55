"""Samen's one settings module: every value comes from the environment (README, "Configuration").

``DJANGO_ENV`` is ``development`` (the default: DEBUG, SQLite, console e-mail) or
``production`` (secure defaults; ``SECRET_KEY`` and ``ALLOWED_HOSTS`` required).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samen.lib.email_url import parse_email_url
from samen.lib.env import env_bool, env_choice, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production"})
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must have at least 50 characters, 5 unique.")
else:
    SECRET_KEY = env_str("SECRET_KEY") or "development-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]
)
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, so that its translated fields show one input per language there too.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "samen.core",
    "samen.audit",
    "samen.accounts",
    "samen.api",
    "samen.communities",
    "samen.ledger",
    "samen.banking",
    "samen.funding",
    "samen.expenses",
    "samen.credits",
    "samen.invoicing",
    "samen.notifications",
    "samen.conversations",
    "samen.events",
    "samen.decisions",
    "samen.knowledge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samen.accounts.middleware.UserLanguageMiddleware",
    "samen.lib.translations.RequestedLanguageMiddleware",
    "samen.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "samen.urls"
WSGI_APPLICATION = "samen.wsgi.application"
ASGI_APPLICATION = "samen.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samen.core.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite file by default (WAL, IMMEDIATE transactions so writers queue instead of
# failing on lock upgrade), PostgreSQL through DATABASE_URL when one machine is outgrown.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    _database["CONN_HEALTH_CHECKS"] = True
if test_db_name := env_str("TEST_DATABASE_NAME"):
    # Lets parallel test runs on one PostgreSQL server use distinct test databases.
    _database["TEST"] = {"NAME": test_db_name}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous visitors of public community pages get cached answers, rebuilt when the community
# changes (samen/core/pagecache.py); this time-out only bounds what no change announces.
# 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)

# Background work: the Tasks API. "db" needs nothing but the database; "rq" needs REDIS_URL;
# "immediate" runs tasks inline (tests).
TASKS_BACKEND = env_choice("TASKS_BACKEND", "rq" if REDIS_URL else "db", {"db", "rq", "immediate"})
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: login by e-mail only, verified before the first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins are counted per account and per address separately; only the account's
    # own count can refuse a correct password (samen/accounts/adapter.py).
    "login_failed": env_str("LOGIN_FAILED_PER_ACCOUNT") or "5/5m/key",
    "login_failed_address": env_str("LOGIN_FAILED_PER_ADDRESS") or "30/5m/ip",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/3m/key",
}
ACCOUNT_ADAPTER = "samen.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "samen.accounts.forms.SignupExtraForm"
# Proxies in front of the app servers: the client address (login rate limits, audit log) is
# read from X-Forwarded-For only as far as this many trusted hops.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Checks a deployment has decided to live with, e.g. "accounts.W001".
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Samen"
# A code typed as its 30-second step ends (or from a phone whose clock is a little off) is
# still accepted in the next step, as RFC 6238 advises; allauth refuses a code used twice.
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# User content (samen/*/translation.py) has one column per language next to its original field.
# A missing translation falls back to any language the author did write, English first: a
# French visitor reads the Dutch story rather than nothing (samen.lib.translations).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "nl", "fr"),
    "en": ("nl", "fr"),
    "nl": ("en", "fr"),
    "fr": ("en", "nl"),
}
# English dates in Belgian order (day first); nl and fr keep Django's own formats.
FORMAT_MODULE_PATH = ["samen.lib.formats"]
TIME_ZONE = env_str("TIME_ZONE") or "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes and WhiteNoise reads; every app server of a release has the same.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT") or BASE_DIR / "private")

S3_BUCKET = env_str("S3_BUCKET") or ""
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "access_key": env_str("S3_ACCESS_KEY") or None,
        "secret_key": env_str("S3_SECRET_KEY") or None,
        "region_name": env_str("S3_REGION") or None,
    }
    _public_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "public", "querystring_auth": False},
    }
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "private", "default_acl": "private"},
    }
else:
    _public_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": "/private-files-are-never-served/"},
    }
STORAGES = {
    "default": _public_storage,
    # Attachments and exports: never linked directly, always streamed through an access check.
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Uploaded images are refused above this many pixels before anything is decoded (image
# bombs: a small file can claim a gigantic canvas); samen/lib/images.py.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Upper bound per kind of amount, in whole units, over the defaults of samen/lib/money.py
# (DEFAULT_AMOUNT_LIMITS), for example {"contribution": 50_000}.
AMOUNT_LIMITS: dict[str, int] = {}
# The window a date that becomes money must fall in (samen/lib/dates.py).
MONEY_DATE_MAX_AGE_DAYS = env_int("MONEY_DATE_MAX_AGE_DAYS", 3 * 366)
MONEY_DATE_MAX_AHEAD_DAYS = env_int("MONEY_DATE_MAX_AHEAD_DAYS", 31)

EMAIL_URL = env_str("EMAIL_URL") or ("smtp://localhost:25" if PRODUCTION else "console://")
globals().update(parse_email_url(EMAIL_URL))
# The mail provider's bounce and complaint webhooks (/anymail/<provider>/tracking/, which
# stop newsletters to that address) authenticate with HTTP basic auth "user:password".
# Unset, a random secret makes every call fail instead of trusting anyone.
ANYMAIL = {
    **globals().get("ANYMAIL", {}),
    "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET") or secrets.token_urlsafe(32),
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Samen <noreply@samen.localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admins", a) for a in env_list("ADMIN_EMAILS", [])]

# Security: secure by default in production (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts and styles only from our own static files, so an injected
# <script> or event handler never runs. No page has an inline script or <style> element, so
# no nonce is needed (and cached public pages stay the same for every visitor); style=""
# attributes (a progress bar's width, chart keys) cannot run code and stay allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        # Uploaded images on S3-compatible storage come from its origin (CSP_IMAGE_SOURCES).
        "img-src": ["'self'", "data:", *env_list("CSP_IMAGE_SOURCES", [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every PDF step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
