"""Settings for the S2S tracking hub.

Every knob comes from the environment (django-environ) and has an embedded default that runs on
a laptop: SQLite under var/, a filesystem Celery broker under var/broker/, and development secrets
generated once into var/. With DEBUG off, SECRET_KEY and FIELD_ENCRYPTION_KEYS must be set.
The README lists every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from tracking.devsecrets import dev_secret

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)


def _required_in_production(name: str, dev_default) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (see README, 'Environment variables')."
        )
    return dev_default()


SECRET_KEY = _required_in_production("SECRET_KEY", lambda: dev_secret(VAR_DIR, "secret_key"))
# Comma-separated Fernet keys, newest first: the first encrypts, all of them decrypt (rotation).
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in _required_in_production(
        "FIELD_ENCRYPTION_KEYS", lambda: dev_secret(VAR_DIR, "field_encryption_key", fernet=True)
    ).split(",")
    if key.strip()
]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "campaigns",
    "partners",
    "tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tracking.urls"
WSGI_APPLICATION = "tracking.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that test runs can share their database with worker processes.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Dashboard sign-in ----------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins allowed per client IP + username within the window before the form refuses more.
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=5)
LOGIN_RATE_WINDOW_SECONDS = env.int("LOGIN_RATE_WINDOW_SECONDS", default=300)

# `manage.py seed_demo`: passwords of the demo logins (generated and printed when empty).
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="")
DEMO_MARKETER_PASSWORD = env.str("DEMO_MARKETER_PASSWORD", default="")
# seed_demo's callbacks go to this base URL instead of the partners' hosts (make run: the sandbox).
DEMO_CALLBACK_BASE_URL = env.str("DEMO_CALLBACK_BASE_URL", default="")

# --- Security (production defaults follow DEBUG; each can be overridden) -------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "S2S tracking hub ingestion API",
    "DESCRIPTION": "Send installs, in-app events, ad clicks and completed views from your servers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Ingestion API --------------------------------------------------------------------------------
# Local memory on a laptop; in production a cache shared by every process (redis://...), so that
# rate limits are per token across all web workers and token revocation reaches every worker.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
_shared_cache = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
INGEST_MAX_BODY_BYTES = env.int("INGEST_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_BODY_BYTES
INGEST_RATE_LIMIT = env.str("INGEST_RATE_LIMIT", default="6000/min")
INGEST_BATCH_MAX_RECORDS = env.int("INGEST_BATCH_MAX_RECORDS", default=1000)
# Seconds each web process keeps an app's partner configuration for routing new records.
INGEST_APP_CACHE_SECONDS = env.float("INGEST_APP_CACHE_SECONDS", default=5.0)
# How long an Idempotency-Key's first answer is kept for retries (purge_idempotency_keys).
IDEMPOTENCY_KEY_RETENTION_HOURS = env.int("IDEMPOTENCY_KEY_RETENTION_HOURS", default=72)
INGESTION_TOKEN_ROTATION_GRACE_HOURS = env.int("INGESTION_TOKEN_ROTATION_GRACE_HOURS", default=24)
# Token lookups are cached briefly to spare the hot path a query; only with a shared cache, since
# a revocation must reach every process at once.
INGESTION_TOKEN_CACHE_SECONDS = env.int(
    "INGESTION_TOKEN_CACHE_SECONDS", default=10 if _shared_cache else 0
)

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    # Messages written atomically (see tracking/broker.py), polled often enough for a laptop.
    CELERY_BROKER_TRANSPORT = "tracking.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = 0.01
    # kombu's filesystem transport does not create its folders.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Publishing from a web request must not hang when the broker is down: the Delivery rows are the
# outbox and the sweep re-queues whatever could not be published, so one quick try is enough.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("CELERY_PUBLISH_MAX_RETRIES", default=0),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
if CELERY_BROKER_URL.startswith(("redis", "rediss")):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    }
# Clicks and completed views go to `realtime`, installs and in-app events to `deliveries`, the
# sweep to `celery`: a backlog of events never delays a click (see README, "Delivery").
CELERY_TASK_DEFAULT_QUEUE = "celery"
DELIVERY_SWEEP_SECONDS = env.float("DELIVERY_SWEEP_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-deliveries": {
        "task": "tracking.sweep_deliveries",
        "schedule": DELIVERY_SWEEP_SECONDS,
        "options": {"expires": DELIVERY_SWEEP_SECONDS},
    }
}

# --- Delivery (see README, "Delivery") ------------------------------------------------------------
# Seconds to wait after the 1st, 2nd, ... transient failure; the last value repeats until the age
# limit. Each wait gets +/- DELIVERY_RETRY_JITTER of random spread so retries do not stampede.
DELIVERY_RETRY_SCHEDULE = [
    float(step)
    for step in env.list(
        "DELIVERY_RETRY_SCHEDULE", default=["10", "60", "300", "1800", "7200", "21600"]
    )
]
DELIVERY_RETRY_JITTER = env.float("DELIVERY_RETRY_JITTER", default=0.2)
DELIVERY_MAX_AGE_HOURS = env.float("DELIVERY_MAX_AGE_HOURS", default=24)
# A delivery claimed for sending is held this long; past it the sweep assumes the worker died.
# Longer than the HTTP connect + read timeouts.
DELIVERY_SENDING_LEASE_SECONDS = env.float("DELIVERY_SENDING_LEASE_SECONDS", default=60)
# A queued message not consumed within this long is assumed lost and queued again by the sweep.
DELIVERY_REQUEUE_AFTER_SECONDS = env.float("DELIVERY_REQUEUE_AFTER_SECONDS", default=300)
# Deliveries named by one message (one destination's): a 1,000-record batch is a few messages,
# and a worker claims and looks up each message's deliveries together.
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=100)
DELIVERY_SWEEP_BATCH = env.int("DELIVERY_SWEEP_BATCH", default=2000)
DELIVERY_SWEEP_PER_APP = env.int("DELIVERY_SWEEP_PER_APP", default=500)
# How soon a delivery that may not go yet looks again: an earlier one of its order is being sent,
# or its destination has its share of requests in flight.
DELIVERY_RECHECK_SECONDS = env.float("DELIVERY_RECHECK_SECONDS", default=1.0)
# Circuit breaker per destination and host: this many transient failures in a row pause it.
DELIVERY_CIRCUIT_FAILURES = env.int("DELIVERY_CIRCUIT_FAILURES", default=5)
DELIVERY_CIRCUIT_PAUSE_SECONDS = env.float("DELIVERY_CIRCUIT_PAUSE_SECONDS", default=30)
# At most this many requests in flight per destination across all workers (0: no limit). Keep it
# below the workers' total concurrency so that a hanging partner never holds every slot.
DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION = env.int(
    "DELIVERY_MAX_IN_FLIGHT_PER_DESTINATION", default=8
)
# After a failed publish, a process stops trying the broker for this long (the sweep catches up).
DELIVERY_BROKER_DOWN_SECONDS = env.float("DELIVERY_BROKER_DOWN_SECONDS", default=5)

# --- Partners -------------------------------------------------------------------------------------
ADJUST_S2S_URL = env.str("ADJUST_S2S_URL", default="https://s2s.adjust.com/event")
KOCHAVA_S2S_URL = env.str("KOCHAVA_S2S_URL", default="https://control.kochava.com/track/json")
APPSFLYER_S2S_EVENTS_URL = env.str(
    "APPSFLYER_S2S_EVENTS_URL", default="https://api3.appsflyer.com/inappevent/{app_id}"
)
APPSFLYER_CLICK_URL = env.str("APPSFLYER_CLICK_URL", default="https://app.appsflyer.com/{app_id}")
# Hosts that outbound requests may reach even though they resolve to private/loopback addresses.
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
HTTP_CONNECT_TIMEOUT = env.float("HTTP_CONNECT_TIMEOUT", default=3.05)
HTTP_READ_TIMEOUT = env.float("HTTP_READ_TIMEOUT", default=10.0)
HTTP_MAX_RESPONSE_BYTES = env.int("HTTP_MAX_RESPONSE_BYTES", default=64 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
