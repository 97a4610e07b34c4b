"""Settings shared by every environment. Everything that differs between machines comes
from environment variables (see README "Configuration")."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_NAME = env.str("SITE_NAME", default="Imprimatur Health")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "editorial.apps.EditorialAdminConfig",  # django.contrib.admin with the board's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_fsm",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles",
    "reviewers",
    "editorial",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "editorial.views.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy on every page, the admin's included (django-csp): scripts and
# styles from our own origin only, or inline with the request's nonce (templates use
# ``request.csp_nonce``; cached reader pages need none: they carry no inline code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Two-factor authentication for staff (django-otp): with this on, reviewers, the chair and
# superusers enrol an authenticator app on their first admin sign-in and give a code (or a
# recovery code) at every sign-in. Production turns it on.
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = SITE_NAME

# Sign-in protection (django-axes), the same for the admin and the author sign-in: after
# AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, that account or
# address is locked out for the cool-off, even with the right password. Attempts and
# lockouts are recorded in the database (the chair reads them in the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "articles.client_ip.client_ip_for_axes"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many reverse proxies of ours stand in front of the app (nginx: 1). The client's
# address is read from X-Forwarded-For that many hops from the right; 0 ignores the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Password-reset requests, per client address and per account (email), per hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
RATE_LIMIT_KEY_PREFIX = ""

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    # The reader's article page only (articles/jinja2/: the page and its chrome): compiled
    # to Python, it renders several times faster than in Django's template language
    # (issue 12). Every other template is Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "articles.jinja2_env.environment",
            "autoescape": True,
            "keep_trailing_newline": True,
            "context_processors": ["articles.context_processors.site"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/imprimatur"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each web process's connection between requests (a new PostgreSQL connection costs
# more than an uncached reader page's four queries); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Let psycopg keep prepared statements on a connection. Django's own cursors bind on
    # the client and never prepare; only the reader page's one statement asks to be
    # prepared (articles/reader_query.py): PostgreSQL planned it longer than it ran it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    # No JIT compilation: it pays off for long analytical queries, not for a web page's;
    # it added ~300 ms to the board view's member query at 150,000 assignments, chosen
    # only because the estimated cost crossed jit_above_cost.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# A cache call must never hold a request hostage: short timeouts, no retries, and a
# circuit breaker (config/cache.py) that fails every call at once for
# CACHE_BREAKER_SECONDS after a failure. Correctness never depends on the cache: see
# articles/page_cache.py.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The author workspace's sign-in page; the admin keeps its own (admin:login).
LOGIN_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Imprimatur <editorial@localhost>")

# Celery. With no REDIS_URL (the embedded default of `make run`) tasks run in-process,
# after the transaction that queued them commits; see README "Architecture".
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down must make .delay() fail in seconds, not hang a request for minutes.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
# Enqueues after a workflow write (editorial/notifications/delivery.py) use their own
# short timeout, no retries and a circuit breaker: the outbox and the sweep cover a miss.
BROKER_PUBLISH_TIMEOUT_SECONDS = env.float("BROKER_PUBLISH_TIMEOUT_SECONDS", default=0.5)
BROKER_BREAKER_SECONDS = env.float("BROKER_BREAKER_SECONDS", default=5.0)
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step of a dossier PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# The Ed25519 private key (PEM) that signs review records and audit checkpoints. Production
# refuses to start without it; development and tests create one on first use.
SIGNING_KEY_FILE = env.str("SIGNING_KEY_FILE", default="")
SIGNING_KEY_AUTOCREATE = False

OUTBOX_RESEND_GRACE_SECONDS = env.int("OUTBOX_RESEND_GRACE_SECONDS", default=600)
# A notification that fails this many times (or once, with a permanent error) is marked
# failed with its reason, shown in the admin, and no longer re-queued.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
# How often each web process asks PostgreSQL which reader pages changed: a change made in
# one process reaches the cached pages of the others at most this late.
READER_CACHE_CHECK_SECONDS = env.float("READER_CACHE_CHECK_SECONDS", default=1.0)
# Off: every reader page is rendered (from the stored HTML of its revision), for
# benchmarks and diagnosis.
READER_PAGE_CACHE = env.bool("READER_PAGE_CACHE", default=True)

# How often beat runs the sweep; /healthz and the chair's admin index turn red when the last
# sweep is more than two intervals old.
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=15 * 60)
CELERY_BEAT_SCHEDULE = {
    "editorial-sweep": {
        "task": "editorial.tasks.sweep",
        "schedule": SWEEP_INTERVAL_SECONDS,
    },
}

# The public read API (/api/v1/, README "API"): Django REST Framework with an OpenAPI 3
# schema from drf-spectacular; the docs page's Swagger UI ships in drf-spectacular-sidecar
# and is served from our static files, never from a CDN.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]
API_ANONYMOUS_RATE = env.str("API_ANONYMOUS_RATE", default="60/minute")
API_KEY_RATE = env.str("API_KEY_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.keys.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AddressThrottle", "api.throttling.KeyThrottle"],
    # The address is REMOTE_ADDR: X-Forwarded-For is not trusted unless configured here.
    "NUM_PROXIES": 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imprimatur public API",
    "DESCRIPTION": "Reviewed medical answers, their topics, the board that reviews them and "
    "the editorial policy. Read-only; public data needs no key (a key raises the rate limit).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Outbound webhooks (README "Webhooks"): only https endpoints on public addresses, unless
# this is on (development and tests): then http to a loopback address is allowed too.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_CLAIM_LEASE_SECONDS = env.float("WEBHOOK_CLAIM_LEASE_SECONDS", default=60.0)
