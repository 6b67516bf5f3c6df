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
    "author_chair",
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

COMMITTEE = {
    "assigned",
    "unassigned",
    "conflicted_reviewer",
    "chair",
    "conflicted_chair",
    "author_chair",
}
CHAIRS = {"chair", "conflicted_chair", "author_chair"}
AUTHORS = {"author", "coauthor", "author_chair"}


@pytest.fixture
def scenario(scenario):
    """The review scenario plus a chair who is a co-author of paper #1 (by account)."""
    from tests import factories as base

    scenario.author_chair = base.member(
        scenario.workshop, "chair", full_name="Alma Author-Chair", email="alma@chairs3.example"
    )
    base.AuthorshipFactory(
        submission=scenario.paper,
        user=scenario.author_chair,
        name="Alma Author-Chair",
        email="alma@chairs3.example",
        order=7,
    )
    return scenario


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


# --- POST endpoints, the reviewer page, invitations, and the submissions app ------------------


def _post_cases(s):
    """(name, url, data, {role: status}) for every state-changing endpoint; 404 elsewhere."""
    from mail.models import OutgoingEmail
    from reviews.models import ReviewerInvitation

    slug = s.workshop.slug
    email = OutgoingEmail.objects.create(
        workshop=s.workshop,
        recipient="x@y.example",
        subject="Hello",
        body="Hi",
        idempotency_key="test:matrix",
        state="failed",
    )
    invitation = ReviewerInvitation.objects.create(workshop=s.workshop, email="inv@x.example")
    chairs_redirect = dict.fromkeys(CHAIRS, 302)
    return [
        ("decline", reverse("reviews:decline", args=[slug, 1]), {}, {"assigned": 302}),
        ("remind_late", reverse("reviews:remind_late", args=[slug]), {}, chairs_redirect),
        (
            "outbox_resend",
            reverse("reviews:outbox_resend", args=[slug, email.pk]),
            {},
            chairs_redirect,
        ),
        (
            "invitation_resend",
            reverse("reviews:invitation_resend", args=[slug, invitation.pk]),
            {},
            chairs_redirect,
        ),
        (
            "release",
            reverse("reviews:release_confirm", args=[slug]),
            {"fingerprint": ""},
            chairs_redirect,
        ),
        (
            "decision_stage",
            reverse("reviews:decision_stage", args=[slug, 1]),
            {"outcome": "reject"},
            {"chair": 302},
        ),
        (
            "conflict_add",
            reverse("reviews:conflicts", args=[slug]),
            {"action": "add", "submission": s.other_paper.pk, "user": s.unassigned.pk},
            chairs_redirect,
        ),
        (
            "conflict_remove",
            reverse("reviews:conflicts", args=[slug]),
            {"action": "remove", "submission": s.paper.pk, "user": s.conflicted_reviewer.pk},
            {"chair": 302},
        ),
        (
            "review_submit",
            reverse("reviews:review_edit", args=[slug, 1]),
            {"submit": "1"},
            {"assigned": 400},
        ),
        (
            "assign",
            reverse("reviews:manage_paper", args=[slug, 1]),
            {"action": "assign", "reviewer": s.unassigned.pk},
            {"chair": 302},
        ),
    ]


POST_NAMES = [
    "decline",
    "remind_late",
    "outbox_resend",
    "invitation_resend",
    "release",
    "decision_stage",
    "conflict_add",
    "conflict_remove",
    "review_submit",
    "assign",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", POST_NAMES)
def test_role_matrix_post(scenario, login, name, role):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    case = next(c for c in _post_cases(scenario) if c[0] == name)
    _name, url, data, allowed = case
    client = login(scenario.user(role))

    response = client.post(url, data)

    wanted = 302 if role == "anonymous" else allowed.get(role, 404)
    assert response.status_code == wanted, (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_bid(scenario, login, role):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.user(role))

    response = client.post(
        reverse("reviews:bid", args=[scenario.workshop.slug, 1]), {"preference": "eager"}
    )

    allowed = {"assigned", "unassigned", "chair"}
    wanted = 302 if role == "anonymous" else 302 if role in allowed else 404
    assert response.status_code == wanted, role


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_manage_reviewer_and_invitations(scenario, login, role):
    from reviews.models import ReviewerInvitation

    invitation = ReviewerInvitation.objects.create(workshop=scenario.workshop, email="i@x.example")
    client = login(scenario.user(role))
    slug = scenario.workshop.slug

    reviewer_page = client.get(
        reverse("reviews:manage_reviewer", args=[slug, scenario.assigned.pk])
    )
    accept = client.get(reverse("reviews:invitation_accept", args=[invitation.token]))
    decline = client.get(reverse("reviews:invitation_decline", args=[invitation.token]))

    if role == "anonymous":
        assert (reviewer_page.status_code, accept.status_code) == (302, 302)
    else:
        assert reviewer_page.status_code == (200 if role in CHAIRS else 404), role
        assert accept.status_code == 200
    assert decline.status_code == 200


def _submissions_expected(page, role):
    if role == "anonymous":
        return 302
    if page in {"detail", "download"}:
        return 200 if role in AUTHORS | {"assigned", "chair"} else 404
    if page in {"manage_list", "export_csv"}:
        return 200 if role in CHAIRS else 404
    raise AssertionError(page)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["detail", "download", "manage_list", "export_csv"])
def test_role_matrix_submissions_pages(scenario, login, page, role):
    s = scenario
    client = login(s.user(role))
    slug = s.workshop.slug
    urls = {
        "detail": reverse("submissions:detail", args=[slug, 1]),
        "download": reverse("submissions:download", args=[slug, 1, s.paper.current_paper.pk]),
        "manage_list": reverse("submissions:manage_list", args=[slug]),
        "export_csv": reverse("submissions:export_csv", args=[slug]),
    }

    response = client.get(urls[page])

    wanted = _submissions_expected(page, role)
    if wanted == 404 and page in {"manage_list", "export_csv"}:
        # Signed-in people who may see the workshop get a 403 there (it is public).
        assert response.status_code in {403, 404}, (page, role)
    else:
        assert response.status_code == wanted, (page, role)
