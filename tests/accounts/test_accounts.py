"""Accounts: sign-up with a confirmed address, sign-in by e-mail, the profile form."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

SIGNUP = {
    "email": "Grace.Hopper@Example.org",
    "password1": "a-long-enough-passphrase-42",
    "password2": "a-long-enough-passphrase-42",
    "full_name": "Grace Hopper",
    "affiliation": "Yale University",
}


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db(transaction=True)  # account mail leaves the outbox at commit
def test_signup_sends_confirmation_and_does_not_sign_in(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="grace.hopper@example.org")
    assert user.full_name == "Grace Hopper" and user.affiliation == "Yale University"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace.hopper@example.org"]
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "Confirm your e-mail address" in page.content.decode()


@pytest.mark.django_db(transaction=True)  # account mail leaves the outbox at commit
def test_login_refused_until_address_is_confirmed(client):
    client.post(reverse("account_signup"), SIGNUP)
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # a fresh confirmation link


@pytest.mark.django_db(transaction=True)  # account mail leaves the outbox at commit
def test_confirming_the_address_signs_in_and_allows_login(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mail.outbox[0])

    confirm_page = client.get(link)
    assert "Please confirm that" in confirm_page.content.decode()
    client.post(link)

    user = User.objects.get(email="grace.hopper@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302 and response.url == reverse("workshops:index")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_with_email_any_case(client):
    user = UserFactory(email="ada@example.org")

    response = client.post(
        reverse("account_login"), {"login": "ADA@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error(client):
    UserFactory(email="ada@example.org")

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": "nope"}
    )

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # account mail leaves the outbox at commit
def test_signup_with_a_used_address_creates_no_account_nor_reveals_it(client):
    UserFactory(email="grace.hopper@example.org")

    response = client.post(reverse("account_signup"), SIGNUP)

    # Same answer as a fresh sign-up (no account enumeration); the owner is told by e-mail.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="grace.hopper@example.org").count() == 1
    assert mail.outbox[0].to == ["grace.hopper@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
        "account_reset_password_done",
    ],
)
def test_allauth_entrance_pages_use_the_site_layout(client, name):
    html = client.get(reverse(name)).content.decode()

    assert 'class="site-header"' in html and 'href="/static/css/site.css"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["account_email", "account_logout", "account_change_password", "mfa_index"]
)
def test_allauth_account_pages_use_the_site_layout(client, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db(transaction=True)  # account mail leaves the outbox at commit
def test_password_reset_sends_a_link(client):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def profile_data(**overrides):
    data = {
        "full_name": "Ada Lovelace",
        "affiliation": "Analytical Engines",
        "orcid": "",
        "email_domains": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_profile_saves_valid_orcid_and_domains(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        profile_data(orcid="0000-0002-1825-0097", email_domains="cs.umd.edu\n@Example.ORG"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.orcid == "0000-0002-1825-0097"
    assert {"cs.umd.edu", "example.org"} <= user.institution_domains


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("orcid", "message"),
    [
        ("0000-0002-1825-0098", "wrong check digit"),
        ("0000-0002-1825", "looks like 0000-0002-1825-0097"),
    ],
)
def test_profile_rejects_bad_orcid(client, orcid, message):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), profile_data(orcid=orcid))

    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.orcid == "" and user.full_name != "Ada Lovelace"


@pytest.mark.django_db
def test_profile_accepts_orcid_with_x_check_digit(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), profile_data(orcid="0000-0002-9079-593X"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_profile_rejects_bad_email_domain(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"), profile_data(email_domains="cs.umd.edu\nnot a domain!")
    )

    assert response.status_code == 200
    assert "Not an e-mail domain" in response.content.decode()
    user.refresh_from_db()
    assert user.email_domains == ""
