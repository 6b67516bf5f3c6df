"""Settings for every environment, read from environment variables.

The defaults are the embedded ones used by ``make run`` and ``make test``: SQLite, a
filesystem Celery broker and e-mail written to a local outbox folder, so a fresh clone
needs no server. Production overrides live in ``config.settings.production``.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The name e-mails sign with; Site(id=SITE_ID) takes it and SITE_URL's domain at every migrate.
SITE_NAME = env.str("SITE_NAME", default="Workshop CFP")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "accounts",
    "mail",
    "workshops",
    "submissions",
    "reviews",
    "messaging",
    "activity",
    "publication",
    "program",
    "charts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Django's default, stated: every response says "X-Content-Type-Options: nosniff" (file
# responses also set it themselves, in workshops.files.file_response).
SECURE_CONTENT_TYPE_NOSNIFF = True

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
                "workshops.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Connections are kept between requests (CONN_MAX_AGE seconds; 0 opens one per request) and
# checked before a request reuses one, so a restarted database costs no failed request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def sqlite_file_options(database: dict) -> dict:
    """For a SQLite file: writers take the lock when their transaction starts (IMMEDIATE) and
    wait up to 20 s for it, and WAL lets readers run beside the writer, so the web server and
    the Celery worker of ``make run`` do not fail with "database is locked"."""
    name = str(database.get("NAME", ""))
    if database.get("ENGINE") != "django.db.backends.sqlite3" or name in ("", ":memory:"):
        return database.get("OPTIONS", {})
    if name.startswith("file:") and "mode=memory" in name:
        return database.get("OPTIONS", {})
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        **database.get("OPTIONS", {}),
    }


DATABASES["default"]["OPTIONS"] = sqlite_file_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
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
LOGIN_REDIRECT_URL = "workshops:index"

# django-allauth: the e-mail address is the login and must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed sign-ins: 10 a minute per client; 5 in 5 minutes per client and account (the "key" is
# both, see accounts.ratelimit), so a stranger cannot lock out an account's owner; and at most
# 30 in 5 minutes per account from all clients together (a spread-out guessing campaign).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "30/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind N reverse proxies, the client's address is the N-th from the right of X-Forwarded-For
# (for the rate limits); 0 reads REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
# Account e-mails go through the outbox, with links on SITE_URL.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Workshop CFP")
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}
# ORCID sign-in is offered only when the instance has registered an ORCID client: without one
# the provider app is not installed, so /accounts/orcid/login/ does not exist (404, not a 500).
if env.str("ORCID_CLIENT_ID", default=""):
    INSTALLED_APPS.insert(
        INSTALLED_APPS.index("allauth.socialaccount") + 1, "allauth.socialaccount.providers.orcid"
    )
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "BASE_DOMAIN": env.str("ORCID_BASE_DOMAIN", default="orcid.org"),
        "MEMBER_API": env.bool("ORCID_MEMBER_API", default=False),
        "APPS": [
            {
                "client_id": env.str("ORCID_CLIENT_ID"),
                "secret": env.str("ORCID_CLIENT_SECRET", default=""),
            }
        ],
    }

# Content-Security-Policy (django-csp): the site's pages load scripts, styles, images and
# forms from this origin only, with no inline script and no style attribute; nothing may
# frame them. Django's admin and allauth's pages satisfy it too (docs/security.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the QR code of the authenticator set-up
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if "orcid" in SOCIALACCOUNT_PROVIDERS:
    # "Sign in with ORCID" posts to this site, which redirects to ORCID: browsers apply
    # form-action to that redirect.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"https://{SOCIALACCOUNT_PROVIDERS['orcid']['BASE_DOMAIN']}"
    )

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# S3-compatible storage for uploads, through django-storages, when a bucket is configured.
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: every message is first a row of the outbox (mail app); this backend delivers it.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(VAR_DIR / "outbox")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Workshop CFP <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every SMTP operation gives up after this long, so a hung relay cannot outlive a claim's lease.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Outbox delivery (docs/delivery.md): a claimed attempt owns its row for MAIL_LEASE_SECONDS; a
# queued row whose task has not run after MAIL_REQUEUE_AFTER_SECONDS is published again by the
# sweep, which beat runs every MAIL_SWEEP_SECONDS. A killed worker's letters go out within
# lease + sweep period (about 90 s) of its death, or one sweep period after its restart.
MAIL_LEASE_SECONDS = env.int("MAIL_LEASE_SECONDS", default=60)
MAIL_REQUEUE_AFTER_SECONDS = env.int("MAIL_REQUEUE_AFTER_SECONDS", default=60)
MAIL_SWEEP_SECONDS = env.int("MAIL_SWEEP_SECONDS", default=30)
# Bulk sends (decision letters) are handed to the workers this many rows per task, each batch
# sent over one SMTP connection.
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=100)

# A broker that is down must not hold a web request for long: connect within a second or two
# and retry a publish once (the dispatch helpers log and swallow what still fails after the
# COMMIT; the sweeps of the mail and reviews apps queue the work again).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.5)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def broker_transport_options(url: str) -> dict:
    """Transport options bounding a publish to a broker that does not answer: kombu retries a
    connection until ``broker_connection_timeout`` by default (per publish attempt), and the
    Redis transport has no connect timeout of its own (an unreachable host would hang)."""
    options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
    if url.startswith(("redis://", "rediss://")):
        # socket_timeout stays above kombu's 1 s BRPOP wait, which the worker's reads rely on.
        options |= {"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT, "socket_timeout": 2}
    return options


# Celery. The embedded default broker is kombu's filesystem transport: no server to run.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for _sub in ("queue", "control", "processed"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task taken by a worker that dies unacknowledged goes back to the queue this long after
    # it was taken (Redis has no connection-bound acknowledgement; Celery's default is 1 hour).
    # Tasks are idempotent and the outbox is swept from the database anyway, so this only
    # bounds how late other lost tasks run. It must stay longer than the longest task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
        # Look for such tasks about every 30 s instead of every ~100 s.
        "unacked_restore_throttle": 3,
        **broker_transport_options(CELERY_BROKER_URL),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The queue tasks and beat publish to (a worker started with -Q consumes only the queues named).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Long background jobs (automatic-assignment runs) refresh a heartbeat every
# JOB_HEARTBEAT_INTERVAL seconds while they work; one silent for JOB_HEARTBEAT_TIMEOUT seconds is
# failed by the stale sweep (workshops.jobs), so its page stops waiting.
JOB_HEARTBEAT_INTERVAL = env.float("JOB_HEARTBEAT_INTERVAL", default=15.0)
JOB_HEARTBEAT_TIMEOUT = env.float("JOB_HEARTBEAT_TIMEOUT", default=150.0)
# Periodic work; each task records what it has done so a rerun sends nothing twice.
CELERY_BEAT_SCHEDULE: dict = {}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# The public pages as anonymous visitors see them (workshops.page_cache). The alias must be
# shared by every process that serves or changes them: the site's cache when CACHE_URL names one
# (Redis in production), else files under VAR_DIR, which the processes of `make run` share.
if env.str("CACHE_URL", default=""):
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
    }
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "config.cache.RedisCache"  # one client per pool (config/cache.py)
if CACHES["pages"]["BACKEND"] == "config.cache.RedisCache":
    # A Redis that does not answer costs a page at most this long (it is then rendered).
    CACHES["pages"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
# How long a stored page may be served at most (0: never stored); see workshops.page_cache.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "config.logging.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler would print each line a second time beside the root's.
        "django": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}
