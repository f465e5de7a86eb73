"""Settings, read from the environment (django-environ). See README's configuration table.

The embedded defaults (SQLite under var/, eager Celery, the offline payment gateway) serve a
fresh machine; production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and the Stripe keys.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# pytest (8.2+) sets PYTEST_VERSION for the whole session.
TESTING = env.bool("TESTING", default="PYTEST_VERSION" in os.environ)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-dev-key-only-for-debug-and-tests"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without it: "
            "set SECRET_KEY in the environment, or DEBUG=1 for a development machine."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "marketplace.error_views.csrf_failure"

INSTALLED_APPS = [
    "marketplace",
    "marketplace.payments",
    "marketplace.desk",
    "marketplace.accounts",
    "valuation",
    "listings",
    "contracts",
    "contracts.documents",
    "contracts.storage",
    "contracts.insurance",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc served from our static files: no CDN
    "django_filters",
    "axes",
    "rules",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "marketplace.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.security.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "marketplace.error_views.DatabaseUnavailableMiddleware",
    "marketplace.rule_refs.RuleReferenceMiddleware",  # rule numbers: small for staff, else none
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "marketplace.context_processors.exchange",
                "marketplace.context_processors.inbox",
                "cms.chrome.site_chrome",
            ],
            "builtins": ["marketplace.templatetags.exchange"],
        },
    }
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'exchange.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves the demo and plain `make test`; give writers time instead of "database is locked".
    # IMMEDIATE: a transaction takes the write lock at BEGIN, so one that read first never fails
    # to upgrade (two bids at once in the demo were a 500); WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
else:
    # A bounded connection pool per process (Django 5.2 + psycopg_pool): however many request
    # threads a process runs (runserver starts one per request), it holds at most
    # DB_POOL_MAX_SIZE connections; a request that finds none free waits DB_POOL_TIMEOUT seconds,
    # then answers 503 (marketplace.health.database_unavailable). Size it so that
    # processes × DB_POOL_MAX_SIZE stays below PostgreSQL's max_connections (docs/operations.md).
    # DB_POOL_MAX_SIZE=0 turns the pool off: persistent connections per thread (CONN_MAX_AGE).
    DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=0 if TESTING else 10)
    if DB_POOL_MAX_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", default=2), DB_POOL_MAX_SIZE),
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Server-side binding lets psycopg prepare what a connection runs again and again (the
        # bidding hot path: PostgreSQL's CPU per refused bid 0.59 → 0.16 ms, docs/bidding.md).
        # Set DB_PREPARED_STATEMENTS=0 behind a transaction-pooling pgbouncer.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The access policy (marketplace/permissions.py): object permissions by rules' predicates.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"

# Failed logins: 5 failures lock that username from that address for 15 minutes; an address with
# LOGIN_ADDRESS_FAILURE_LIMIT failures over all usernames is refused for the same time. The
# address is REMOTE_ADDR, or X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies
# (marketplace/security.py, docs/security.md).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "marketplace.security.axes_client_ip"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# API tokens expire (0: never); a password change deletes the user's token.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 30)
# Result-announcement objections (anonymous allowed) from one address per hour (0: no limit).
OBJECTIONS_PER_ADDRESS_PER_HOUR = env.int("OBJECTIONS_PER_ADDRESS_PER_HOUR", default=5)
# Parcel import: an XLSX (a zip archive) that unpacks beyond this size or ratio is refused.
IMPORT_XLSX_MAX_UNCOMPRESSED_MB = env.int("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", default=200)
IMPORT_XLSX_MAX_RATIO = env.int("IMPORT_XLSX_MAX_RATIO", default=200)
# Staff sessions (exchange staff, Django staff) end after this many idle minutes (0: never).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=not TESTING)  # its own test enables it

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "marketplace" / "locale"]  # apps keep their own catalogues
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files that name a person or are deal documents (marketplace/storage.py): never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
# Behind nginx: private files are sent by an `internal` location at this prefix (empty: streamed).
PRIVATE_MEDIA_ACCEL_PREFIX = env.str("PRIVATE_MEDIA_ACCEL_PREFIX", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: no broker configured means tasks run in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env.bool("CELERY_EAGER", default=False)
if TESTING and not env.bool("CELERY_INTEGRATION", default=False):
    # Unit tests run tasks in-process; the integration test starts a real worker on Redis.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE: dict = {}
# The audit log's sealer (marketplace/audit.py): also queued on commit of every audited write.
CELERY_BEAT_SCHEDULE["marketplace-seal-audit"] = {"task": "marketplace.seal_audit", "schedule": 60}
# Payments: settle intents pending > 24 h, attach missing intents, resubmit refunds (daily).
CELERY_BEAT_SCHEDULE["payments-reconcile-daily"] = {
    "task": "payments.reconcile_payments",
    "schedule": 24 * 60 * 60,
}

# Notifications: deliveries whose retry is due (backoff) are sent again, every minute.
CELERY_BEAT_SCHEDULE["marketplace-deliveries-retry"] = {
    "task": "marketplace.deliveries_retry",
    "schedule": 60.0,
}
# Contracts and settlement: R-DEAL-2/3 deadline sweep (→ R-DEAL-5) and the daily rent reminders.
CELERY_BEAT_SCHEDULE["contract-documents-deadlines"] = {
    "task": "contract_documents.sweep_deadlines",
    "schedule": 15 * 60,
}
CELERY_BEAT_SCHEDULE["contract-documents-rent-reminders"] = {
    "task": "contract_documents.rent_reminders",
    "schedule": 24 * 60 * 60,
}
# Floor-price storage: guarantee instalments due (R-STORE-3) become payouts, daily.
CELERY_BEAT_SCHEDULE["storage-instruct-due-guarantees"] = {
    "task": "storage.instruct_due_guarantees",
    "schedule": 24 * 60 * 60,
}
# Deals: R-MODE-1 when announcement periods end; overdue auctions closed (R-BID-8), R-BID-9 windows.
CELERY_BEAT_SCHEDULE["contracts-select-modes"] = {
    "task": "contracts.tasks.select_modes_task",
    "schedule": 5 * 60,
}
CELERY_BEAT_SCHEDULE["contracts-auctions-starting-soon"] = {
    "task": "contracts.auctions_starting_soon",
    "schedule": 5 * 60,
}
CELERY_BEAT_SCHEDULE["contracts-sweep-auctions"] = {
    "task": "contracts.tasks.sweep_auctions_task",
    "schedule": 30,
}

# Health (marketplace/health.py): beat sends a heartbeat; /readyz fails when it is older than
# the limit, or when a deadline sweep has not succeeded within FACTOR × its interval (+ 60 s).
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=30)
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env.int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", default=120)
HEALTH_JOB_LATENESS_FACTOR = env.int("HEALTH_JOB_LATENESS_FACTOR", default=3)
# /metrics: with a token set, scrapers must send `Authorization: Bearer <token>`.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
CELERY_BEAT_SCHEDULE["marketplace-heartbeat"] = {
    "task": "marketplace.heartbeat",
    "schedule": HEALTH_HEARTBEAT_SECONDS,
}

# Stripe. With no secret key the offline fake gateway answers (the default in demo and tests).
# DEBUG off refuses to start without a key (unless PAYMENTS_OFFLINE_ALLOWED=1) and with a missing
# or demo webhook secret (marketplace/payments/checks.py, docs/security.md).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str(
    "STRIPE_WEBHOOK_SECRET", default="whsec_offline_demo_secret" if DEBUG or TESTING else ""
)
PAYMENTS_OFFLINE = not STRIPE_SECRET_KEY
PAYMENTS_OFFLINE_ALLOWED = env.bool("PAYMENTS_OFFLINE_ALLOWED", default=False)

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Optional 天地图 key: public maps then draw the parcels over Tianditu tiles; without it (and in
# tests, where no tile server is reachable) the polygons render alone.
TIANDITU_KEY = env.str("TIANDITU_KEY", default="")
# SMS (marketplace.sms): a provider class; the console provider keeps an SMS log staff can read.
SMS_PROVIDER = env.str("SMS_PROVIDER", default="marketplace.sms.console.ConsoleSmsProvider")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="exchange@example.invalid")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend",
)

# Wagtail
WAGTAIL_SITE_NAME = "湘西州农村产权流转交易平台"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.security.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "湘西州农村产权流转交易 API",
    "DESCRIPTION": "Listings, registrations, bidding and valuation quotes for agribusinesses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["marketplace.api.only_our_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.api.document_errors",
    ],
    # The API docs page loads Redoc from the site's own static files (no CDN, no web fonts).
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Exchange-wide domain settings ([default]/[practice] values of RULES.md that staff may change
# per listing are stored on the listing; these are the seeds).
EXCHANGE = {
    "PREFECTURE_CODE": "433100",
    "DEADLINE_HOUR": 17,  # R-TIME-2
}

# The rulebook's numbers staff change (marketplace/rulebook.py): seeds by key, e.g.
# RULEBOOK = {"bid.extension_minutes": 5}. Each process re-reads staff changes after this many
# seconds (0 in tests: every read goes to the database, so a rolled-back change is never seen).
RULEBOOK: dict = {}
RULEBOOK_CACHE_SECONDS = 0 if TESTING else env.int("RULEBOOK_CACHE_SECONDS", default=30)
# Staff-entered working-day overrides, kept per process (marketplace.workdays).
WORKDAY_CACHE_SECONDS = 0 if TESTING else env.int("WORKDAY_CACHE_SECONDS", default=30)
# The public site's main menu, kept per process (cms.chrome).
MENU_CACHE_SECONDS = 0 if TESTING else env.int("MENU_CACHE_SECONDS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "modelsearch": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp): no inline script or style unless it carries the
# request's nonce (`nonce="{{ request.csp_nonce }}"`); page behaviours live in static/js. The
# Wagtail and Django admins bring their own inline code and are left out.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/cms-admin/", "/django-admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "https://js.stripe.com"],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https://*.tianditu.gov.cn"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, "https://api.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://hooks.stripe.com"],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Production hardening (DEBUG off). `manage.py check --deploy` prints no warning with these.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = not TESTING
    CSRF_COOKIE_SECURE = not TESTING
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
