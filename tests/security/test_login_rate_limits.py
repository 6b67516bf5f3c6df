"""Failed sign-ins are counted per client and account: a stranger who knows an address cannot
lock its owner out, and still cannot guess on."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config.settings import base
from tests.factories import PASSWORD, UserFactory

URL = "/accounts/login/"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


@pytest.fixture
def rate_limits(settings):
    """The production rate limits (the test settings switch them off for every other test)."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def sign_in(client, ip, email, password):
    return client.post(URL, {"login": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_failed_logins_from_one_client_do_not_lock_out_the_owner(rate_limits):
    assert reverse("account_login") == URL
    user = UserFactory(email="ada@example.org")
    attacker, owner = Client(), Client()
    for _ in range(5):
        response = sign_in(attacker, ATTACKER, user.email, "wrong-password")
        assert "not correct" in response.content.decode()

    # The attacker is throttled, even with the right password...
    refused = sign_in(attacker, ATTACKER, user.email, PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(attacker)
    # ...and the owner, from their own client, signs in.
    response = sign_in(owner, OWNER, user.email, PASSWORD)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_the_owner_keeps_their_own_five_tries(rate_limits):
    """The attacker's failures do not use up the owner's: they mistype four times, then sign in."""
    user = UserFactory(email="ada@example.org")
    attacker, owner = Client(), Client()
    for _ in range(8):
        sign_in(attacker, ATTACKER, user.email, "wrong-password")
    for _ in range(4):
        sign_in(owner, OWNER, user.email, "typo")
    assert sign_in(owner, OWNER, user.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_many_clients_together_hit_the_per_account_ceiling(rate_limits):
    """A guessing campaign spread over six addresses (5 tries each) reaches the ceiling of 30
    per account in five minutes: the next try is refused whatever the client."""
    user = UserFactory(email="ada@example.org")
    for n in range(6):
        client = Client()
        for _ in range(5):
            response = sign_in(client, f"192.0.2.{n + 1}", user.email, "wrong-password")
            assert "not correct" in response.content.decode()
    fresh = sign_in(Client(), "192.0.2.99", user.email, "wrong-password")
    assert "Too many failed login attempts" in fresh.content.decode()


@pytest.mark.django_db
def test_a_client_is_throttled_across_accounts(rate_limits):
    """Ten failures a minute per client, whichever accounts they aim at."""
    users = [UserFactory(email=f"user{n}@example.org") for n in range(3)]
    client = Client()
    for n in range(10):
        sign_in(client, ATTACKER, users[n % 3].email, "wrong-password")
    refused = sign_in(client, ATTACKER, users[2].email, PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(client)
