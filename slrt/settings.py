"""Settings for SLRT, read from the environment (see `.env.example` for every variable).

With no environment at all the project runs for a demo: SQLite, tasks executed in-process,
Indonesian interface. Production sets `DEBUG=false`, `SECRET_KEY`, `ALLOWED_HOSTS`,
`DATABASE_URL` (PostgreSQL) and `CELERY_BROKER_URL` (Redis).
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from slrt.brokers import broker_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

# pytest, or `manage.py test`: fast hashing, in-process tasks, no manifest for static files.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DEBUG = env.bool("DEBUG", default=False)

# Management commands run without a key; the web process refuses to serve with
# DEBUG=false and the development key (see slrt/wsgi.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
SECRET_KEY_IS_DEVELOPMENT = SECRET_KEY == DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A post past the upload limit is answered 413, not "CSRF token missing" (slrt/uploads.py).
CSRF_FAILURE_VIEW = "slrt.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "csp",
    "regions",
    "accounts",
    "households",
    "complaints",
    "programs",
    "outbox",
    "referrals",
    "documents",
    "visits",
    "proposals",
    "letters",
    "reports",
    "slrt",  # project-wide commands: seed_demo
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "slrt.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "slrt.middleware.LanguageMiddleware",
    "slrt.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.OfficeTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "slrt.middleware.SessionLimitsMiddleware",
    "accounts.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "slrt.urls"
WSGI_APPLICATION = "slrt.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"  # widgets may use templates/

# --- Database ---------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Rate limits count here: shared by every web process only with a shared cache (Redis).
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://")}
# With a shared cache (CACHE_URL: Redis), a request reads its session from it instead of the
# database; sessions are still written through to the database (the session limits list them).
if env.str("CACHE_URL", default=""):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A demo database shared by the web process and in-process tasks: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica of the primary for the supervisors' reports and exports
# (slrt/routers.py). In tests the alias mirrors the primary, and routing is off unless a
# test turns it on.
SLRT_READ_REPLICA = env.str("DATABASE_REPLICA_URL", default="") != ""
if SLRT_READ_REPLICA:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
elif TESTING:
    DATABASES["replica"] = dict(DATABASES["default"])
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["slrt.routers.ReplicaRouter"]

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before any check
    "accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.OfficeArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2id sized for a two-core server (bench/signin.py): 19 MiB, three passes, one lane, at
# or above OWASP's minimum (checked at startup); Django's own takes 100 MiB and eight lanes.
SLRT_ARGON2_MEMORY_KIB = env.int("SLRT_ARGON2_MEMORY_KIB", default=19456)
SLRT_ARGON2_TIME_COST = env.int("SLRT_ARGON2_TIME_COST", default=3)
SLRT_ARGON2_PARALLELISM = env.int("SLRT_ARGON2_PARALLELISM", default=1)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# `regions` is the ground floor and imports no app of the project: the picker, the region
# field and the region admin ask this function for a user's working area (a region code).
REGIONS_AREA_OF = "accounts.selectors.scope_code_of"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account + address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Proxies of our own in front of gunicorn (nginx: 1). 0: X-Forwarded-For is ignored. The
# token endpoint's rate limit and django-axes read the client's address the same way.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.authentication.client_address"

# Two-factor sign-in (TOTP, an authenticator app) for supervisors and administrators, who
# read every household of their area. Required in production; offered in the demo.
TWO_FACTOR_REQUIRED = env.bool("SLRT_REQUIRE_2FA", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = "SLRT"

# --- Language, time ------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["slrt.formats"]  # Indonesian dates: DD-MM-YYYY, "1 Desember 2026"
USE_I18N = True
# Only the default: each office's pages and jobs use its region's zone (regions/time_zones.py).
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded registry extracts and their error reports: personal data, never served as files
# (no MEDIA_URL route); pages hand them out after checking who asks. Web and worker machines
# must share this folder (or configure another storage here).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SLRT_IMPORT_MAX_MB = env.int("SLRT_IMPORT_MAX_MB", default=500)
# Documents (photos, scans): the largest file taken, and how long a kind without its own
# retention period is kept (documents/, `purge_documents`).
SLRT_DOCUMENT_MAX_MB = env.int("SLRT_DOCUMENT_MAX_MB", default=10)
SLRT_DOCUMENT_RETENTION_DAYS = env.int("SLRT_DOCUMENT_RETENTION_DAYS", default=5 * 365)
# Home visits: working days from the request to the visit's due date, unless one is chosen.
SLRT_VISIT_DUE_DAYS = env.int("SLRT_VISIT_DUE_DAYS", default=5)
# The public status page (/status/): look-ups allowed per address and per ticket within
# the window, counted in the database (complaints.StatusLookup).
SLRT_STATUS_WINDOW_MINUTES = env.int("SLRT_STATUS_WINDOW_MINUTES", default=15)
SLRT_STATUS_PER_ADDRESS = env.int("SLRT_STATUS_PER_ADDRESS", default=10)
SLRT_STATUS_PER_TICKET = env.int("SLRT_STATUS_PER_TICKET", default=5)
# ...and per ticket in a day: four digits are 10,000 guesses, of which a day allows this many.
SLRT_STATUS_PER_TICKET_DAY = env.int("SLRT_STATUS_PER_TICKET_DAY", default=20)
# ...and kept this many days (the caller's address is personal data), then deleted daily.
SLRT_STATUS_LOG_DAYS = env.int("SLRT_STATUS_LOG_DAYS", default=90)
# The letter register: a letter's number, per office (the regency or city) and year, with
# {n} the serial and {year}; {office} the office's region code (slrt/number_patterns.py). An
# office may set its own (admin › Kantor); this one numbers the letters of the others.
SLRT_LETTER_NUMBER_PATTERN = env.str(
    "SLRT_LETTER_NUMBER_PATTERN", default="400.9/{n}/Dinsos/{year}"
)
# A letter's public check (/v/{token}/): checks allowed per address within the window.
SLRT_LETTER_CHECK_WINDOW_MINUTES = env.int("SLRT_LETTER_CHECK_WINDOW_MINUTES", default=15)
SLRT_LETTER_CHECK_PER_ADDRESS = env.int("SLRT_LETTER_CHECK_PER_ADDRESS", default=30)
# Every upload stops being received past that limit, the largest there is (slrt/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "slrt.uploads.UploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents (photos, scans): under MEDIA_ROOT/documents/ by default, never served by URL
    # (the scoped download view streams them). SLRT_DOCUMENT_STORAGE=s3: any S3-compatible
    # store, private objects (docs/DEPLOYMENT.md).
    "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if env.str("SLRT_DOCUMENT_STORAGE", default="filesystem") == "s3":  # needs requirements-s3.txt
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SLRT_DOCUMENT_S3_BUCKET"),
            # MinIO and other S3-compatible stores: their address; empty for AWS itself.
            "endpoint_url": env.str("SLRT_DOCUMENT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SLRT_DOCUMENT_S3_REGION", default="") or None,
            # Empty: boto3 finds credentials itself (an instance role, AWS_* variables).
            "access_key": env.str("SLRT_DOCUMENT_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("SLRT_DOCUMENT_S3_SECRET_KEY", default="") or None,
            "addressing_style": env.str("SLRT_DOCUMENT_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": "private",
            "file_overwrite": False,
            # The application reads objects itself; it never hands out their addresses.
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }

# --- E-mail ---------------------------------------------------------------------------------
# smtp+tls://user:password@host:587, or consolemail:// (the default) to print mails.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SLRT <slrt@localhost>")
# Where the site is reached, for the links in e-mails and webhooks to agencies.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long one delivery attempt holds an outbox row before the sweep may send it again.
SLRT_DISPATCH_CLAIM_SECONDS = env.int("SLRT_DISPATCH_CLAIM_SECONDS", default=90)
# Webhooks go to https on public addresses only; on: http and loopback or private addresses
# too (tests, the demo). Off unless DEBUG.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
# Seconds one webhook attempt may take in all: connecting, sending and reading the answer.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Short messages to residents (SMS, WhatsApp; `outbox.gateways`): `console` writes them to the
# log; `http` POSTs each as JSON to the provider's (or a bridge's) URL with a bearer token.
SLRT_SMS_GATEWAY = env.str("SLRT_SMS_GATEWAY", default="console")
SLRT_SMS_GATEWAY_URL = env.str("SLRT_SMS_GATEWAY_URL", default="")
SLRT_SMS_GATEWAY_TOKEN = env.str("SLRT_SMS_GATEWAY_TOKEN", default="")
# Seconds one message's attempt may take (connect, send, answer); then it is retried.
SLRT_SMS_GATEWAY_TIMEOUT_SECONDS = env.float("SLRT_SMS_GATEWAY_TIMEOUT_SECONDS", default=10.0)
if SLRT_SMS_GATEWAY not in ("console", "http"):
    raise ImproperlyConfigured("SLRT_SMS_GATEWAY is console or http.")
if SLRT_SMS_GATEWAY == "http" and not SLRT_SMS_GATEWAY_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SLRT_SMS_GATEWAY=http needs SLRT_SMS_GATEWAY_URL (http or https).")

# --- Celery ---------------------------------------------------------------------------------
# Without a broker the demo runs every task in-process, right away.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task a dying worker held is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# What depends on the broker (slrt/brokers.py): with Redis, a task taken by a worker that then
# died goes back to the queue after CELERY_VISIBILITY_TIMEOUT seconds; with RabbitMQ, quorum
# queues and publisher confirms.
_broker = broker_settings(
    CELERY_BROKER_URL, visibility_timeout=env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
)
CELERY_BROKER_TRANSPORT_OPTIONS = _broker["broker_transport_options"]
CELERY_TASK_DEFAULT_QUEUE_TYPE = _broker["task_default_queue_type"]
CELERY_TASK_CREATE_MISSING_QUEUE_TYPE = _broker["task_create_missing_queue_type"]
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or _broker["result_backend"]
# Redis with Sentinel (CELERY_BROKER_URL=sentinel://host:26379;sentinel://…): the master's name.
if sentinel_master := env.str("CELERY_SENTINEL_MASTER", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = sentinel_master
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"master_name": sentinel_master}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 15 * 60  # tasks declare tighter limits of their own
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# Celery closes the database connection around every task unless told to reuse it, and a
# worker then opens a PostgreSQL connection per task. It keeps it as a web process does
# instead (CONN_MAX_AGE, health checks: slrt/celery.py), and renews it every 1,000 tasks.
CELERY_DB_REUSE_MAX = 1000
# The beat (one process) puts these in django-celery-beat's tables, where admins can change
# them.
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "outbox.tasks.sweep_outbox", "schedule": 60.0},
    "sla-sweep": {"task": "referrals.tasks.sla_sweep", "schedule": 60.0 * 60},
    # The emergency lane is due in hours: its reminders and escalations every 15 minutes.
    "emergency-sla-sweep": {"task": "referrals.tasks.emergency_sla_sweep", "schedule": 15 * 60.0},
    "visit-sla-sweep": {"task": "visits.tasks.visit_sla_sweep", "schedule": 60.0 * 60},
    "objection-sla-sweep": {
        "task": "proposals.tasks.objection_sla_sweep",
        "schedule": 60.0 * 60,
    },
    "purge-status-lookups": {
        "task": "complaints.tasks.purge_status_lookups",
        "schedule": 24 * 60.0 * 60,
    },
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a call without credentials gets 401 with WWW-Authenticate.
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON that cannot be read is a 400 in the caller's language, never a 500 (slrt/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "slrt.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # A service's ValidationError is a 400 with messages by field (slrt/api_errors.py).
    "EXCEPTION_HANDLER": "slrt.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "slrt.pagination.ApiPageNumberPagination",
    "PAGE_SIZE": 50,
    # Password guessing on the token endpoint, per client address; django-axes also locks
    # the account after AXES_FAILURE_LIMIT failures, as on the sign-in page.
    "DEFAULT_THROTTLE_RATES": {"auth_token": env.str("API_TOKEN_RATE", default="10/minute")},
    # The client's address is REMOTE_ADDR unless proxies we run sit in front: a client sets
    # X-Forwarded-For at will, so it is read only as far as TRUSTED_PROXY_COUNT proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# A token lasts this many seconds after it is issued (default one working day), then the
# caller asks for a new one (accounts/authentication.py).
API_TOKEN_LIFETIME = env.int("API_TOKEN_LIFETIME", default=8 * 60 * 60)
SPECTACULAR_SETTINGS = {
    "TITLE": "SLRT API",
    "DESCRIPTION": "Sistem Layanan dan Rujukan Terpadu: households, complaints, programmes "
    "and referrals, limited to the caller's scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Requests get components of their own, which say what a request must hold (non-blank
    # strings: minLength 1) without read-only fields (slrt/openapi.py adds the rest).
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "slrt.openapi.document_json_bodies",
        "slrt.openapi.document_string_rules",
        "slrt.openapi.document_request_bounds",
        "slrt.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "ReferralStatusEnum": "referrals.models.Referral.Status",
        "VisitStatusEnum": "visits.models.Visit.Status",
        "ProposalStatusEnum": "proposals.models.Proposal.Status",
        "LetterStatusEnum": "letters.models.Letter.Status",
    },
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -------------------------------------------------------------------------
# Pages load only what the project serves itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds without a request
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
ONE_YEAR = 365 * 24 * 60 * 60
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and container checks speak HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=ONE_YEAR)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if SECURE_HSTS_PRELOAD:  # browsers' preload lists take only a max-age of a year or more
        SECURE_HSTS_SECONDS = max(SECURE_HSTS_SECONDS, ONE_YEAR)
if TESTING:
    SECURE_SSL_REDIRECT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},  # one line per sign-in is too much
}
