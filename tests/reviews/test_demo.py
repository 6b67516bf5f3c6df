"""The demo loader populates every role's pages and is idempotent."""

from reviews import demo
from reviews.models import Assignment, Bid, Conflict, Decision, Review, ReviewerProfile
from tests.scenarios import set_phase


def counts():
    return [
        m.objects.count() for m in (Assignment, Bid, Conflict, Decision, Review, ReviewerProfile)
    ]


def test_demo_load_is_idempotent_and_never_assigns_conflicts(scenario):
    set_phase(scenario.workshop, "discussion")

    first = demo.load()
    before = counts()
    demo.load()

    assert counts() == before
    assert first["assignments"] > 0 and first["reviews"] > 0
    assert Review.objects.filter(state="submitted").exists()
    assert Review.objects.filter(state="draft").exists()
    assert Decision.objects.filter(released_at__isnull=True).exists()
    conflicted = set(Conflict.objects.active().values_list("submission_id", "user_id"))
    assert not conflicted & set(Assignment.objects.values_list("submission_id", "reviewer_id"))


def test_demo_load_skips_quietly_without_submissions(db):
    assert demo.load() == {"assignments": 0, "reviews": 0, "decisions": 0}


def test_demo_releases_past_workshops_and_adds_invitations_and_outbox(scenario):
    from mail.models import OutgoingEmail
    from reviews.models import ReviewerInvitation
    from reviews.permissions import forget_settings, review_settings

    scenario.workshop.year = 2023
    scenario.workshop.save()
    ReviewSettingsModel = type(review_settings(scenario.workshop))
    ReviewSettingsModel.objects.filter(workshop=scenario.workshop).delete()
    forget_settings(scenario.workshop)

    demo.load()
    demo.load()

    forget_settings(scenario.workshop)
    assert review_settings(scenario.workshop).phase == "notified"
    assert Decision.objects.exists()
    assert not Decision.objects.filter(released_at__isnull=True).exists()
    assert set(ReviewerInvitation.objects.values_list("state", flat=True)) == {
        "pending",
        "declined",
        "accepted",
    }
    demo_rows = OutgoingEmail.objects.filter(idempotency_key__startswith="demo:")
    assert set(demo_rows.values_list("state", flat=True)) == {"sent", "failed"}
    # Nothing was really queued for delivery.
    assert not OutgoingEmail.objects.exclude(idempotency_key__startswith="demo:").exists()
