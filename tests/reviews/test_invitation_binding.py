"""An invitation link is not a bearer token: it is bound to the invited address; another
verified account accepts only after an explicit confirmation the chairs can see; and an author
of a paper of the workshop joins its committee only if a chair allows it."""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from reviews.enums import InvitationState
from reviews.models import ReviewerInvitation
from submissions.models import Authorship
from tests import factories as base
from workshops.models import Membership

INVITED = "nia@new.example"


@pytest.fixture
def invitation(scenario):
    return ReviewerInvitation.objects.create(
        workshop=scenario.workshop, name="Nia New", email=INVITED, invited_by=scenario.chair
    )


def accept_url(invitation):
    return reverse("reviews:invitation_accept", args=[invitation.token])


def is_reviewer(workshop, user) -> bool:
    return Membership.objects.filter(workshop=workshop, user=user, role="reviewer").exists()


def committee_page(scenario, login) -> str:
    client = login(scenario.chair)
    return client.get(reverse("reviews:committee", args=[scenario.workshop.slug])).content.decode()


def test_another_account_holding_the_link_is_not_made_a_reviewer(scenario, login, invitation):
    stranger = base.UserFactory(email="sam@elsewhere.example")
    client = login(stranger)

    page = client.get(accept_url(invitation)).content.decode()
    assert f"sent to <strong>{INVITED}</strong>" in page
    assert 'name="confirm_other_account"' in page
    response = client.post(accept_url(invitation))

    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not is_reviewer(scenario.workshop, stranger)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING and invitation.user is None


def test_another_account_accepts_after_confirming_and_the_chairs_see_it(
    scenario, login, invitation, caplog
):
    colleague = base.UserFactory(email="nia.private@home.example")
    client = login(colleague)

    with caplog.at_level(logging.WARNING, logger="reviews.services.committee"):
        response = client.post(accept_url(invitation), {"confirm_other_account": "yes"})

    assert response.status_code == 302
    assert is_reviewer(scenario.workshop, colleague)
    invitation.refresh_from_db()
    assert invitation.accepted_as == "nia.private@home.example"
    assert "accepted by another account, nia.private@home.example" in caplog.text
    page = committee_page(scenario, login)
    assert f"Accepted by nia.private@home.example instead of the invited {INVITED}" in page


def test_the_invited_address_as_a_second_verified_address_needs_no_confirmation(
    scenario, login, invitation
):
    user = base.UserFactory(email="nia@work.example")
    EmailAddress.objects.create(user=user, email=INVITED.upper(), verified=True, primary=False)

    response = login(user).post(accept_url(invitation))

    assert response.status_code == 302
    assert is_reviewer(scenario.workshop, user)
    invitation.refresh_from_db()
    assert invitation.accepted_as == ""
    assert "instead of the invited" not in committee_page(scenario, login)


def test_an_unverified_copy_of_the_invited_address_does_not_count(scenario, login, invitation):
    user = base.UserFactory(email="nia@work.example")
    EmailAddress.objects.create(user=user, email=INVITED, verified=False, primary=False)

    response = login(user).post(accept_url(invitation))

    assert response.status_code == 400
    assert not is_reviewer(scenario.workshop, user)


def test_an_author_of_the_workshop_is_refused_and_the_chairs_see_it(scenario, login):
    author = scenario.author  # an author of paper #1, invited under their own address
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email=author.email, invited_by=scenario.chair
    )
    client = login(author)

    assert "You are an author of a paper" in client.get(accept_url(invitation)).content.decode()
    response = client.post(accept_url(invitation))

    assert response.status_code == 302
    messages = client.get(response["Location"]).content.decode()
    assert "cannot join its program committee unless the chairs allow it" in messages
    assert not is_reviewer(scenario.workshop, author)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert invitation.refused_author == author
    page = committee_page(scenario, login)
    assert f"Refused: {author.email} is an author of a paper of this workshop" in page
    assert "Allow although an author" in page


def test_an_author_listed_only_by_a_verified_address_is_refused(scenario, login, invitation):
    """Authorship rows need not be linked to the account: the verified address is enough."""
    user = base.UserFactory(email=INVITED)
    Authorship.objects.create(
        submission=scenario.other_paper, name="Nia New", email=INVITED, order=5
    )

    login(user).post(accept_url(invitation))

    assert not is_reviewer(scenario.workshop, user)


def test_chair_override_lets_the_author_accept_and_is_recorded(scenario, login, caplog):
    author = scenario.author
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email=author.email, invited_by=scenario.chair
    )
    login(author).post(accept_url(invitation))

    chair = login(scenario.chair)
    with caplog.at_level(logging.WARNING, logger="reviews.services.committee"):
        response = chair.post(
            reverse("reviews:invitation_allow_author", args=[scenario.workshop.slug, invitation.pk])
        )
    assert response.status_code == 302
    assert "allowed an author of the workshop to accept" in caplog.text
    invitation.refresh_from_db()
    assert invitation.author_allowed_by == scenario.chair

    response = login(author).post(accept_url(invitation))

    assert response.status_code == 302
    assert is_reviewer(scenario.workshop, author)
    page = committee_page(scenario, login)
    assert f"allowed to accept by {scenario.chair}" in page
    assert "Allow although an author" not in page


@pytest.mark.parametrize("role", ["assigned", "author", "anonymous"])
def test_only_chairs_can_override(scenario, login, role):
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email=scenario.author.email
    )

    response = login(scenario.user(role)).post(
        reverse("reviews:invitation_allow_author", args=[scenario.workshop.slug, invitation.pk])
    )

    assert response.status_code == (302 if role == "anonymous" else 404)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    invitation.refresh_from_db()
    assert invitation.author_allowed_at is None
