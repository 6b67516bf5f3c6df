"""Account e-mails go through the outbox and speak of the site by its real name and address."""

import re
import time

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from accounts.sites import sync_site
from mail.models import EmailState, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = {
    "email": "grace@example.org",
    "password1": "a-long-enough-passphrase-42",
    "password2": "a-long-enough-passphrase-42",
    "full_name": "Grace Hopper",
}


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = "https://cfp.example.org"
    settings.SITE_NAME = "Workshop CFP"


def test_signup_confirmation_is_an_outbox_row_with_the_sites_link_and_is_delivered(client):
    client.post(reverse("account_signup"), SIGNUP)

    row = OutgoingEmail.objects.get(template_role="accounts.email_confirmation_signup")
    assert row.recipient == "grace@example.org"
    assert row.user.email == "grace@example.org"
    assert row.subject.startswith("[Workshop CFP] ")
    link = re.search(r"\S+/accounts/confirm-email/\S+/", row.body).group(0)
    assert link.startswith("https://cfp.example.org/accounts/confirm-email/")
    assert "Workshop CFP" in row.body and "cfp.example.org" in row.body
    assert "example.com" not in row.body + row.subject

    assert row.state == EmailState.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == row.body
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    # The link works.
    client.post(link.removeprefix("https://cfp.example.org"))
    assert client.session["_auth_user_id"] == str(row.user.pk)


def test_password_reset_mail_goes_through_the_outbox_with_the_sites_link(client):
    UserFactory(email="ada@example.org")

    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})

    row = OutgoingEmail.objects.get(template_role="accounts.password_reset_key")
    assert row.state == EmailState.SENT and row.recipient == "ada@example.org"
    assert "https://cfp.example.org/accounts/password/reset/key/" in row.body
    assert "example.com" not in row.body
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_asking_again_for_a_confirmation_sends_it_again(client):
    """A user who lost the first mail gets another when they ask (a sign-in before confirming
    sends it)."""
    client.post(reverse("account_signup"), SIGNUP)
    login = {"login": SIGNUP["email"], "password": SIGNUP["password1"]}

    client.post(reverse("account_login"), login)
    time.sleep(1.05)  # a later request, not a double click
    client.post(reverse("account_login"), login)

    rows = OutgoingEmail.objects.filter(template_role="accounts.email_confirmation")
    assert rows.count() == 2
    assert len(mail.outbox) == 3  # the sign-up mail and the two asked for


def test_site_takes_domain_and_name_from_settings(settings):
    settings.SITE_URL = "https://cfp.example.net:8443/"
    settings.SITE_NAME = "SAFE-ML CFP"

    sync_site()

    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("cfp.example.net:8443", "SAFE-ML CFP")


def test_migrate_leaves_no_example_com():
    assert not Site.objects.filter(domain="example.com").exists()
