"""Invitations to the program committee and reviewer profiles."""

import pytest
from django.core import mail
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.enums import InvitationState
from reviews.models import ReviewerInvitation, ReviewerProfile
from reviews.services.committee import parse_invitees
from workshops.models import Membership
from workshops.roles import has_role


def test_parse_invitees_reads_common_formats():
    people, errors = parse_invitees(
        "Ada Lovelace <ADA@example.org>\n"
        "bob@example.org\n"
        "Carl Gauss, carl@example.org\n"
        '"Dora, D." <dora@example.org>\n'
        "not an address\n"
        "bob@example.org\n"
    )

    assert people == [
        ("Ada Lovelace", "ada@example.org"),
        ("", "bob@example.org"),
        ("Carl Gauss", "carl@example.org"),
        ("Dora, D.", "dora@example.org"),
    ]
    assert errors == ["not an address"]


def test_chair_invites_and_sees_answers(scenario, login, django_capture_on_commit_callbacks):
    client = login(scenario.chair)
    url = reverse("reviews:committee", args=[scenario.workshop.slug])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"people": "Nia New <nia@new.example>\nmo@new.example\nrita@reviewers.example"}
        )

    invitations = ReviewerInvitation.objects.filter(workshop=scenario.workshop)
    assert sorted(invitations.values_list("email", flat=True)) == [
        "mo@new.example",
        "nia@new.example",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["mo@new.example", "nia@new.example"]
    invitation = invitations.get(email="nia@new.example")
    assert invitation.token in mail.outbox[0].body or invitation.token in mail.outbox[1].body
    body = client.get(url).content.decode()
    assert "Not answered" in body and "0 accepted" in body


def test_resend_queues_a_new_email(scenario, login, django_capture_on_commit_callbacks):
    client = login(scenario.chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reviews:committee", args=[scenario.workshop.slug]),
            {"people": "nia@new.example"},
        )
        invitation = ReviewerInvitation.objects.get()
        client.post(
            reverse("reviews:invitation_resend", args=[scenario.workshop.slug, invitation.pk])
        )

    assert len(mail.outbox) == 2
    assert ReviewerInvitation.objects.get().times_sent == 2


def test_accept_link_requires_login_then_creates_membership(scenario, client):
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email="nia@new.example", invited_by=scenario.chair
    )
    url = reverse("reviews:invitation_accept", args=[invitation.token])

    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=" in response["Location"]

    from tests.factories import UserFactory

    user = UserFactory(email="nia@new.example")
    client.force_login(user)
    assert "Answer the invitation" in client.get(reverse("reviews:home")).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.user == user
    assert Membership.objects.filter(
        workshop=scenario.workshop, user=user, role="reviewer"
    ).exists()
    assert ReviewerProfile.objects.filter(workshop=scenario.workshop, user=user).exists()
    assert has_role(user, scenario.workshop, "reviewer")


def test_decline_needs_no_account(scenario, client):
    invitation = ReviewerInvitation.objects.create(workshop=scenario.workshop, email="x@y.example")

    response = client.post(reverse("reviews:invitation_decline", args=[invitation.token]))

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


def test_unknown_token_is_404(db, client):
    assert client.get(reverse("reviews:invitation_decline", args=["nope"])).status_code == 404


def test_invitation_accepted_by_another_account_is_refused(scenario, client):
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email="x@y.example", state="accepted", user=scenario.chair
    )
    client.force_login(scenario.unassigned)

    client.post(reverse("reviews:invitation_accept", args=[invitation.token]))

    invitation.refresh_from_db()
    assert invitation.user == scenario.chair


def test_profile_saves_topics_and_loads(scenario, login):
    client = login(scenario.assigned)

    response = client.post(
        reverse("reviews:profile", args=[scenario.workshop.slug]),
        {
            "topics": [scenario.topics[0].pk],
            "max_papers": "4",
            "min_papers": "2",
            "expertise": "My abstracts.",
        },
    )

    assert response.status_code == 302
    profile = ReviewerProfile.objects.get(user=scenario.assigned)
    assert list(profile.topics.all()) == [scenario.topics[0]]
    assert (profile.min_papers, profile.max_papers) == (2, 4)


def test_profile_refuses_min_above_max(scenario, login):
    client = login(scenario.assigned)

    response = client.post(
        reverse("reviews:profile", args=[scenario.workshop.slug]),
        {"max_papers": "1", "min_papers": "3"},
    )

    assert response.status_code == 200
    assert not ReviewerProfile.objects.filter(user=scenario.assigned, max_papers=1).exists()


def test_invitation_emails_go_through_the_outbox(scenario, django_capture_on_commit_callbacks):
    from reviews.services.committee import invite_reviewers

    with django_capture_on_commit_callbacks(execute=True):
        invite_reviewers(scenario.workshop, "a@b.example", by=scenario.chair)
        invite_reviewers(scenario.workshop, "a@b.example", by=scenario.chair)

    assert OutgoingEmail.objects.filter(template_role="reviews.invitation").count() == 1


@pytest.mark.parametrize("role", ["assigned", "author"])
def test_non_chairs_cannot_invite(scenario, login, role):
    client = login(scenario.user(role))

    response = client.post(
        reverse("reviews:committee", args=[scenario.workshop.slug]), {"people": "a@b.example"}
    )

    assert response.status_code == 404
    assert not ReviewerInvitation.objects.exists()


def test_invitee_signs_up_verifies_and_returns_to_the_accept_link(
    scenario, client, django_capture_on_commit_callbacks
):
    import re

    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email="newbie@new.example"
    )
    accept = reverse("reviews:invitation_accept", args=[invitation.token])
    login_url = client.get(accept)["Location"]
    next_url = login_url.split("next=", 1)[1]

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends at commit
        client.post(
            f"/accounts/signup/?next={next_url}",
            {
                "email": "newbie@new.example",
                "password1": "a-long-pass-2026!",
                "password2": "a-long-pass-2026!",
                "full_name": "New Bie",
                "next": accept,
            },
        )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == accept
    client.post(accept)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
