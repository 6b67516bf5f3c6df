"""Every role against every page of the review process (status codes)."""

import pytest
from django.urls import reverse

from reviews.enums import Phase
from tests.scenarios import set_phase, submit_review

ROLES = [
    "anonymous",
    "author",
    "coauthor",
    "unrelated_author",
    "assigned",
    "unassigned",
    "conflicted_reviewer",
    "chair",
    "conflicted_chair",
]

PAPER_PAGES = ["paper", "paper_pdf", "review_edit", "discussion"]
AUTHOR_PAGES = ["author_view", "author_conflicts"]
WORKSHOP_PAGES = ["workshop", "profile", "bids"]
CHAIR_PAGES = [
    "manage",
    "manage_settings",
    "committee",
    "criteria",
    "conflicts",
    "decisions",
    "templates",
    "outbox",
]

COMMITTEE = {"assigned", "unassigned", "conflicted_reviewer", "chair", "conflicted_chair"}
CHAIRS = {"chair", "conflicted_chair"}
AUTHORS = {"author", "coauthor"}


def expected(page, role):
    if role == "anonymous":
        return 302
    if page in PAPER_PAGES:
        if page == "review_edit":
            return 200 if role == "assigned" else 404
        return 200 if role in {"assigned", "chair"} else 404
    if page in AUTHOR_PAGES:
        return 200 if role in AUTHORS else 404
    if page in WORKSHOP_PAGES:
        return 200 if role in COMMITTEE else 404
    if page in CHAIR_PAGES:
        return 200 if role in CHAIRS else 404
    if page == "manage_paper":
        return 200 if role == "chair" else 404
    raise AssertionError(page)


def url_for(page, s):
    slug, number = s.workshop.slug, s.paper.number
    if page in PAPER_PAGES or page in AUTHOR_PAGES:
        return reverse(f"reviews:{page}", args=[slug, number])
    if page == "manage_paper":
        return reverse("reviews:manage_paper", args=[slug, number])
    return reverse(f"reviews:{page}", args=[slug])


ALL_PAGES = PAPER_PAGES + AUTHOR_PAGES + WORKSHOP_PAGES + CHAIR_PAGES + ["manage_paper"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_role_matrix_status(scenario, login, page, role):
    # In discussion, with the assigned reviewer's review submitted: the fullest state.
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(scenario.user(role))

    response = client.get(url_for(page, scenario))

    assert response.status_code == expected(page, role), (page, role)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_home(scenario, login, role):
    client = login(scenario.user(role))

    response = client.get(reverse("reviews:home"))

    assert response.status_code == (302 if role == "anonymous" else 200)


@pytest.mark.parametrize(
    "role,status",
    [
        ("assigned", 200),
        ("unassigned", 200),
        ("conflicted_reviewer", 404),
        ("chair", 200),
        ("conflicted_chair", 404),
        ("author", 404),
    ],
)
def test_bidding_phase_opens_paper_page_to_unconflicted_committee(scenario, login, role, status):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.user(role))

    response = client.get(reverse("reviews:paper", args=[scenario.workshop.slug, 1]))

    assert response.status_code == status


@pytest.mark.parametrize("role", ["assigned", "unassigned", "chair"])
def test_paper_of_another_workshop_number_is_404(scenario, login, role):
    client = login(scenario.user(role))

    response = client.get(reverse("reviews:paper", args=[scenario.workshop.slug, 99]))

    assert response.status_code == 404
