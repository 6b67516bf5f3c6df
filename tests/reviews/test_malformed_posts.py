"""The chairs' review pages answer a tampered id with a 400, never a 500, and change nothing."""

import pytest
from django.urls import reverse

from reviews.models import Assignment, Conflict

ODD_IDS = ["", "abc", "-1", "1.5", "9" * 40, "1 OR 1=1"]


@pytest.mark.parametrize("value", ODD_IDS)
def test_conflict_removal_with_a_tampered_id(scenario, login, value):
    client = login(scenario.chair)
    before = Conflict.objects.active().count()
    url = reverse("reviews:conflicts", args=[scenario.workshop.slug])

    for field in ("submission", "user"):
        data = {"action": "remove", "submission": str(scenario.paper.pk)}
        data["user"] = str(scenario.conflicted_reviewer.pk)
        data[field] = value
        response = client.post(url, data)
        assert response.status_code in (400, 404), (field, response.status_code)

    assert Conflict.objects.active().count() == before


@pytest.mark.parametrize("action", ["unassign", "due"])
@pytest.mark.parametrize("value", ODD_IDS)
def test_assignment_change_with_a_tampered_id(scenario, login, action, value):
    client = login(scenario.chair)
    url = reverse("reviews:manage_paper", args=[scenario.workshop.slug, scenario.paper.number])

    response = client.post(url, {"action": action, "assignment": value, "due_at": "2030-01-01"})

    assert response.status_code in (400, 404)
    assignment = Assignment.objects.get(pk=scenario.assignment.pk)
    assert assignment.is_active
    assert assignment.due_at == scenario.assignment.due_at


GARBAGE = ["", "abc", "-1", "0", "1e9", "9" * 40, "\x00", "<script>", "2030-02-30", "ü" * 300]
FIELDS = [
    "action", "outcome", "comments", "reviewer", "due_at", "submission", "user", "assignment",
    "reason", "page", "beyond_max", "phase", "preference", "confidence", "summary", "body",
    "subject", "text", "expertise", "max_load", "email", "form-TOTAL_FORMS",
]  # fmt: skip
ACTIONS = ["assign", "unassign", "due", "decide", "clear_decision", "detect", "remove", "x"]


def garbage_posts(seed: str, n: int = 6):
    import random

    rng = random.Random(seed)
    for i in range(n):
        data = {name: rng.choice(GARBAGE) for name in rng.sample(FIELDS, k=rng.randint(1, 12))}
        data["action"] = ACTIONS[i % len(ACTIONS)]
        for key in rng.sample(FIELDS, k=3):  # criteria scores and other per-row names
            data[f"{key}-{rng.randint(-2, 99)}"] = rng.choice(GARBAGE)
        yield data


def review_pages(s):
    slug, number = s.workshop.slug, s.paper.number
    chair_pages = [
        "manage_settings", "committee", "criteria", "conflicts", "decisions", "templates",
        "remind_late",
    ]  # fmt: skip
    for name in chair_pages:
        yield s.chair, reverse(f"reviews:{name}", args=[slug])
    yield s.chair, reverse("reviews:manage_paper", args=[slug, number])
    for name in ("review_edit", "discussion", "bid", "decline"):
        yield s.assigned, reverse(f"reviews:{name}", args=[slug, number])
    for name in ("profile", "bids"):
        yield s.assigned, reverse(f"reviews:{name}", args=[slug])


def test_garbage_posted_to_any_review_page_is_never_a_500(scenario, login):
    from reviews.enums import Phase
    from tests.scenarios import set_phase

    failures = []
    for phase in (Phase.REVIEWING, Phase.DECISIONS):
        set_phase(scenario.workshop, phase)
        for user, url in review_pages(scenario):
            client = login(user)
            client.raise_request_exception = False
            for data in garbage_posts(f"{phase}{url}"):
                response = client.post(url, data)
                if response.status_code >= 500:
                    failures.append((phase, url, data, response.status_code))
    assert not failures, failures[:5]
