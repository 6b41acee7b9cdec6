"""Settings for the BCF plans service: one file, switched by environment variables.

Development defaults are safe to run on a laptop; `DJANGO_ENV=production` refuses to start
without a SECRET_KEY and turns on the secure-cookie and HSTS settings.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = os.environ.get("DJANGO_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
elif PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 10 or SECRET_KEY.startswith("django-insecure")):
    # The same test as Django's check --deploy (security.W009), made fatal: a guessable key lets anyone
    # forge sessions and password-reset links.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, for example from "
        "python -c 'from django.core.management.utils import get_random_secret_key as k; print(k())'"
    )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "bcf.core",
    "plans",
    "schemes",
    "metrics",
    # After plans, so plans' `db_worker` (the backend's worker, started warm and with the job sweeper)
    # is the one `manage.py db_worker` runs.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bcf.core.security.SecurityHeadersMiddleware",
    "bcf.core.security.MethodAllowlistMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bcf.core.auth.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bcf.urls"
WSGI_APPLICATION = "bcf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.service",
                "bcf.core.carried.carried_form_error",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a competing writer instead of failing at once ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several instances must share the sign-in throttling counts: production uses a database cache
# table (`manage.py createcachetable`); development keeps them in memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bcf_cache"}
        if PRODUCTION or os.environ.get("CACHE_BACKEND") == "db"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Rendered fragments keyed by what fully determines them (the task list: plan and summary tag), so
    # each process keeps its own and nothing needs invalidating across instances.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}},
}

AUTHENTICATION_BACKENDS = ["bcf.core.auth.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:home"
LOGOUT_REDIRECT_URL = "signed_out"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after two idle hours and when the browser closes. Requests renew them, written back at
# most every SESSION_RENEW_SECONDS (bcf.core.auth.IdleSessionMiddleware), not on every page view.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "300"))
# Pages warn this long before the session ends and offer "Stay signed in" (GOV.UK timeout warning).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sign-in throttling: after this many failures for one email from one address, wait; and after this
# many failures from one address whatever the email (one password sprayed across accounts).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "10"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it in production
# Outside production (`make run` has DEBUG off to show the service's own error pages) WhiteNoise serves
# static files straight from the source folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = DEBUG or not PRODUCTION
# Uploaded files live outside any web root and are served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Rendered Part 1 PDFs, one file per content hash (plans/outputs/pdf.py); safe to empty at any time.
PDF_CACHE_DIR = Path(os.environ.get("PDF_CACHE_DIR", BASE_DIR / "var" / "pdf-cache"))
# Uploaded images larger than this many pixels are refused (Pillow's decompression-bomb limit is 89
# megapixels; a diagram needs far fewer, and WeasyPrint holds every pixel in memory).
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", str(25_000_000)))

# Every file goes through Django's storage API, so a deployment can point these at object storage
# (django-storages: see the README) and any instance serves any file. "pdf_cache" holds rendered
# Part 1 PDFs by key and may be emptied at any time.
STORAGES = {
    # FileSystemStorage without options keeps its files under MEDIA_ROOT.
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "pdf_cache": {
        "BACKEND": os.environ.get("PDF_CACHE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {} if os.environ.get("PDF_CACHE_STORAGE_BACKEND") else {"location": str(PDF_CACHE_DIR)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background jobs (bcf/core/jobs.py): Django's tasks API through django-tasks, queued in the
# application's own database, run by `manage.py db_worker` (as many workers as you like, on any
# machine that reaches the database). Jobs are queued inside the transaction that asks for them.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A render job (PDF layout) runs in a child process with these limits; past them it fails with a
# message for the editor. Other jobs get JOB_TIME_LIMIT_SECONDS.
RENDER_TIME_LIMIT_SECONDS = int(os.environ.get("RENDER_TIME_LIMIT_SECONDS", "120"))
RENDER_MEMORY_LIMIT_MB = int(os.environ.get("RENDER_MEMORY_LIMIT_MB", "1024"))
JOB_TIME_LIMIT_SECONDS = int(os.environ.get("JOB_TIME_LIMIT_SECONDS", "300"))
# The area zip and the national CSV are made in the request up to these sizes, and by a background
# job (with a "being prepared" page) above them: versions in the zip, rows (plans) in the CSV.
EXPORT_JOB_THRESHOLD_VERSIONS = int(os.environ.get("EXPORT_JOB_THRESHOLD_VERSIONS", "40"))
EXPORT_JOB_THRESHOLD_ROWS = int(os.environ.get("EXPORT_JOB_THRESHOLD_ROWS", "200"))
# E-mails are retried with exponential backoff (EMAIL_RETRY_BASE_SECONDS × 2^attempt) this many times
# before they are marked failed for an administrator to see (Django admin: Outgoing e-mails).
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "6"))
EMAIL_RETRY_BASE_SECONDS = float(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "30"))
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = False
CRISPY_GDS_FRONTEND_VERSION = "5.14.0"
# crispy-forms-gds leaves these widgets without GOV.UK classes.
CRISPY_CLASS_CONVERTERS = {"numberinput": "govuk-input", "fileinput": "govuk-file-upload", "urlinput": "govuk-input"}

SERVICE_NAME = "Better Care Fund plans"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bcf-plans@example.org")
# The address the service runs at, for links in emails. `make run` sets it from PORT; without either,
# the development server's default address.
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "bcf.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
