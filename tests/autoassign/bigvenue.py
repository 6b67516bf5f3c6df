"""A venue large enough that an automatic-assignment run takes seconds (bulk-created)."""

import random

from accounts.models import User
from reviews.models import ReviewerProfile
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories
from workshops.models import Membership

WORDS = [
    f"{a}{b}"
    for a in (
        "robust",
        "graph",
        "neural",
        "causal",
        "sparse",
        "private",
        "federated",
        "quantum",
        "symbolic",
        "bayesian",
        "adversarial",
        "kernel",
        "spectral",
        "temporal",
        "generative",
        "convex",
    )
    for b in (
        "learning",
        "inference",
        "models",
        "networks",
        "optimization",
        "control",
        "search",
        "attacks",
        "proofs",
        "embeddings",
        "sampling",
        "verification",
        "planning",
        "retrieval",
        "compression",
        "estimation",
        "fairness",
        "testing",
    )
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_big_venue(*, n_papers: int, n_reviewers: int, seed: int = 0):
    """A workshop, its chair, ``n_papers`` submitted papers with varied abstracts and
    ``n_reviewers`` reviewers with varied expertise. Returns (workshop, chair)."""
    rng = random.Random(seed)
    workshop = factories.WorkshopFactory()
    chair = factories.member(workshop, "chair", full_name="Carla Chair")
    author = factories.UserFactory(full_name="Ada Author")
    Submission.objects.bulk_create(
        [
            Submission(
                workshop=workshop,
                number=i + 1,
                title=f"On {_text(rng, 4)}",
                abstract=_text(rng, 60),
                keywords=_text(rng, 3),
                created_by=author,
                state=SubmissionState.SUBMITTED,
            )
            for i in range(n_papers)
        ],
        batch_size=1000,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"big-reviewer-{seed}-{i}@committee.example", full_name=f"Reviewer {i}")
            for i in range(n_reviewers)
        ],
        batch_size=1000,
    )
    users = list(User.objects.filter(email__startswith=f"big-reviewer-{seed}-"))
    Membership.objects.bulk_create(
        [Membership(workshop=workshop, user=u, role="reviewer") for u in users], batch_size=1000
    )
    ReviewerProfile.objects.bulk_create(
        [ReviewerProfile(workshop=workshop, user=u, expertise=_text(rng, 40)) for u in users],
        batch_size=1000,
    )
    return workshop, chair
