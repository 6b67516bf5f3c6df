"""Sign-in protections and the settings that switch optional services on: login rate limits,
TOTP two-factor authentication, ORCID sign-in and S3 storage."""

import json
import os
import subprocess
import sys
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from config.settings import base
from tests.factories import PASSWORD, UserFactory


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return totp.format_hotp_value(totp.hotp_value(secret, int(time.time()) // 30))


# --- Login rate limits --------------------------------------------------------------------


@pytest.fixture
def rate_limits(settings):
    """The production rate limits (the test settings switch them off for every other test)."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_login_rate_limits_are_read_at_runtime(rate_limits):
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"


@pytest.mark.django_db
def test_sixth_failed_login_within_five_minutes_is_refused(client, rate_limits):
    user = UserFactory(email="ada@example.org")
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()

    refused = client.post(url, {"login": user.email, "password": PASSWORD})

    # Even the right password is refused once the address has had five failures.
    assert "_auth_user_id" not in client.session
    assert refused.status_code in (200, 429)
    assert "Too many failed login attempts" in refused.content.decode()


@pytest.mark.django_db
def test_login_is_not_rate_limited_below_the_limit(client, rate_limits):
    user = UserFactory(email="ada@example.org")
    url = reverse("account_login")
    for _ in range(4):
        client.post(url, {"login": user.email, "password": "wrong-password"})

    response = client.post(url, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# --- TOTP two-factor authentication ---------------------------------------------------------


@pytest.mark.django_db
def test_totp_activation_then_login_asks_for_the_code(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30 s boundary still counts
    user = UserFactory(email="ada@example.org")
    login = reverse("account_login")
    client.post(login, {"login": user.email, "password": PASSWORD})
    activate = reverse("mfa_activate_totp")
    # Adding a second factor asks for the password again first.
    assert client.get(activate).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(activate).status_code == 200
    secret = client.session[totp.SECRET_SESSION_KEY]

    wrong_code = "000000" if current_totp_code(secret) != "000000" else "111111"
    wrong = client.post(activate, {"code": wrong_code})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    response = client.post(activate, {"code": current_totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    step = client.post(login, {"login": user.email, "password": PASSWORD})
    assert step.status_code == 302 and step.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not sign in

    refused = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    done = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})

    assert done.status_code == 302 and done.url == reverse("workshops:index")
    assert client.session["_auth_user_id"] == str(user.pk)


# --- Settings that depend on the environment (a fresh process each) ------------------------


def django_shell(code: str, tmp_path, **env) -> str:
    """Run ``code`` in ``manage.py shell`` under the test settings with ``env`` and return what
    it prints. The variables are set explicitly so a developer's .env cannot change the result."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "sqlite:///:memory:",
        "CELERY_BROKER_URL": "memory://",
        "VAR_DIR": str(tmp_path),
        "ORCID_CLIENT_ID": "",
        "AWS_STORAGE_BUCKET_NAME": "",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        cwd=django_settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


ORCID_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client()
login = client.get("/accounts/login/")
orcid = client.get("/accounts/orcid/login/")
print(json.dumps({
    "installed": "allauth.socialaccount.providers.orcid" in settings.INSTALLED_APPS,
    "login": login.status_code,
    "orcid_on_login_page": "/accounts/orcid/login/" in login.content.decode(),
    "orcid_login": orcid.status_code,
}))
"""


def test_orcid_is_not_offered_without_a_client(tmp_path):
    result = json.loads(django_shell(ORCID_PROBE, tmp_path))

    assert result == {
        "installed": False,
        "login": 200,
        "orcid_on_login_page": False,
        "orcid_login": 404,
    }


def test_orcid_is_offered_when_a_client_is_configured(tmp_path):
    result = json.loads(
        django_shell(
            ORCID_PROBE,
            tmp_path,
            ORCID_CLIENT_ID="APP-TEST0000000000",
            ORCID_CLIENT_SECRET="secret",
        )
    )

    assert result["installed"] and result["login"] == 200
    assert result["orcid_on_login_page"]
    assert result["orcid_login"] == 200  # allauth asks to confirm before leaving for ORCID


STORAGE_PROBE = """
import json
from django.conf import settings
print(json.dumps(settings.STORAGES["default"]))
"""


def test_uploads_go_to_s3_when_a_bucket_is_configured(tmp_path):
    storage = json.loads(
        django_shell(
            STORAGE_PROBE,
            tmp_path,
            AWS_STORAGE_BUCKET_NAME="cfp-uploads",
            AWS_S3_ENDPOINT_URL="https://s3.example.org",
        )
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "cfp-uploads"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["default_acl"] == "private"


def test_uploads_stay_on_disk_without_a_bucket(tmp_path):
    storage = json.loads(django_shell(STORAGE_PROBE, tmp_path))

    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"


# --- SQLite under make run ------------------------------------------------------------------


def test_sqlite_file_waits_for_the_lock_in_wal_mode(tmp_path):
    probe = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
print(json.dumps({"options": connection.settings_dict["OPTIONS"], "journal_mode": mode}))
"""
    result = json.loads(
        django_shell(
            probe,
            tmp_path,
            DJANGO_SETTINGS_MODULE="config.settings.base",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        )
    )

    assert result["options"]["transaction_mode"] == "IMMEDIATE"
    assert result["options"]["timeout"] == 20
    assert result["journal_mode"] == "wal"


def test_sqlite_options_only_for_a_sqlite_file():
    assert (
        base.sqlite_file_options({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}) == {}
    )
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "cfp", "OPTIONS": {}}
    assert base.sqlite_file_options(postgres) == {}
