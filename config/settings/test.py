"""Test settings: the base settings with fast hashing, eager Celery and in-memory mail.

``DATABASE_URL`` still decides the database, so CI runs the suite on PostgreSQL.
"""

from .base import *  # noqa: F403
from .base import broker_transport_options, env

DATABASES["default"] = env.db(  # noqa: F405
    "DATABASE_URL", default="sqlite:///:memory:"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ACCOUNT_RATE_LIMITS = False
# The live server of the browser tests serves static files straight from the apps' folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The public pages' cache lives in this process (one per test run; emptied before each test).
CACHES["pages"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
}
