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
