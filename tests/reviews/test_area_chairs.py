"""The area-chair role: invitations, roles, profile, conflicts, assignment by hand, what an area
chair may open (assigned, unassigned, conflicted), anonymity, and the chairs' page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import ConflictSource, MetaReviewState, Phase
from reviews.models import AreaChairAssignment, MetaReview, ReviewerInvitation, ReviewerProfile
from reviews.permissions import paper_rights, papers_for_area_chair
from reviews.services import ReviewFlowError
from reviews.services.area_chairs import (
    AreaChairOverMaxError,
    assign_area_chair,
    unassign_area_chair,
)
from submissions.enums import SubmissionState
from tests import factories as base
from tests.scenarios import (
    AUTHOR_NAME,
    AUTHOR_SECRETS,
    COMMITTEE_AFFILIATION,
    set_phase,
    submit_review,
)
from workshops.enums import MemberRole
from workshops.models import Membership


def assert_no_secrets(text, where):
    lowered = text.lower()
    for secret in AUTHOR_SECRETS:
        assert secret.lower() not in lowered, f"{secret!r} leaked in {where}"


@pytest.fixture
def scenario(scenario):
    """The review scenario plus three area chairs: one in charge of paper #1, one without
    papers, one with a conflict with paper #1 (and a stale row putting them in charge)."""
    s = scenario

    def ac(name, email):
        return base.member(
            s.workshop, "area_chair", full_name=name, email=email, affiliation=COMMITTEE_AFFILIATION
        )

    s.ac_assigned = ac("Alice Areachair", "alice@acs1.example")
    s.ac_unassigned = ac("Bruno Areachair", "bruno@acs2.example")
    s.ac_conflicted = ac("Cleo Areachair", "cleo@acs3.example")
    s.ac_assignment = assign_area_chair(
        submission=s.paper, area_chair=s.ac_assigned, by=s.chair, notify=False
    )
    base.ConflictFactory(submission=s.paper, user=s.ac_conflicted, source=ConflictSource.CHAIR)
    AreaChairAssignment.objects.create(submission=s.paper, area_chair=s.ac_conflicted)
    return s


# --- What each area chair may open ---------------------------------------------------------

AC_ROLES = ["ac_assigned", "ac_unassigned", "ac_conflicted", "chair"]
PAPER_PAGES = ["paper", "paper_pdf", "discussion", "review_edit", "manage_paper"]
SUBMISSION_PAGES = ["detail", "download"]
WORKSHOP_PAGES = ["workshop", "profile", "bids"]
CHAIR_PAGES = ["area_chairs", "committee", "manage", "conflicts", "decisions"]


def expected(page, role):
    if role == "chair":
        return 404 if page == "review_edit" else 200
    if page in {"paper", "paper_pdf", "discussion", "detail", "download"}:
        return 200 if role == "ac_assigned" else 404
    if page in WORKSHOP_PAGES:
        return 200  # on the committee, whatever their papers
    return 404  # review form, chair pages


def url_for(page, s):
    slug = s.workshop.slug
    if page in {"paper", "paper_pdf", "discussion", "review_edit", "manage_paper"}:
        return reverse(f"reviews:{page}", args=[slug, 1])
    if page == "detail":
        return reverse("submissions:detail", args=[slug, 1])
    if page == "download":
        return reverse("submissions:download", args=[slug, 1, s.paper.current_paper.pk])
    return reverse(f"reviews:{page}", args=[slug])


@pytest.mark.parametrize("role", AC_ROLES)
@pytest.mark.parametrize("page", PAPER_PAGES + SUBMISSION_PAGES + WORKSHOP_PAGES + CHAIR_PAGES)
def test_area_chair_role_matrix(scenario, login, page, role):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(getattr(scenario, role))

    response = client.get(url_for(page, scenario))

    assert response.status_code == expected(page, role), (page, role)


def test_rights_of_the_three_area_chairs(scenario):
    s = scenario
    set_phase(s.workshop, Phase.DISCUSSION)
    assigned = paper_rights(s.ac_assigned, s.paper)
    unassigned = paper_rights(s.ac_unassigned, s.paper)
    conflicted = paper_rights(s.ac_conflicted, s.paper)

    assert assigned.is_area_chair and assigned.can_see_reviews and assigned.can_read_discussion
    assert not assigned.can_see_authors  # a double-blind call
    assert not assigned.can_review and not assigned.can_assign
    assert not unassigned.can_view_paper and not unassigned.is_area_chair
    assert conflicted.is_conflicted and not conflicted.can_view_paper
    assert not conflicted.is_area_chair and conflicted.area_chair_assignment_id is None


def test_area_chair_cannot_guess_another_papers_number(scenario, login):
    client = login(scenario.ac_assigned)
    slug = scenario.workshop.slug

    assert client.get(reverse("reviews:paper", args=[slug, 2])).status_code == 404
    assert client.get(reverse("reviews:paper_pdf", args=[slug, 2])).status_code == 404
    assert client.get(reverse("submissions:detail", args=[slug, 2])).status_code == 404


def test_area_chair_post_endpoints_of_chairs_are_404(scenario, login):
    s = scenario
    client = login(s.ac_assigned)
    slug = s.workshop.slug

    response = client.post(
        reverse("reviews:area_chair_assign", args=[slug, 2]), {"area_chair": s.ac_assigned.pk}
    )
    unassign = client.post(
        reverse("reviews:area_chair_unassign", args=[slug, 1]),
        {"assignment": s.ac_assignment.pk},
    )

    assert response.status_code == 404 and unassign.status_code == 404
    assert not AreaChairAssignment.objects.filter(submission=s.other_paper).exists()
    assert AreaChairAssignment.objects.filter(pk=s.ac_assignment.pk).exists()


# --- papers_for_area_chair and the reviewer's workshop page ----------------------------------


def test_papers_for_area_chair_lists_own_papers_without_conflicts(scenario):
    s = scenario
    assign_area_chair(submission=s.other_paper, area_chair=s.ac_unassigned, by=s.chair)

    assert list(papers_for_area_chair(s.ac_assigned, s.workshop)) == [s.paper]
    assert list(papers_for_area_chair(s.ac_unassigned, s.workshop)) == [s.other_paper]
    # The stale row of the conflicted area chair gives nothing.
    assert list(papers_for_area_chair(s.ac_conflicted, s.workshop)) == []
    # Nor does a row of someone who is not (or no longer) an area chair.
    assert list(papers_for_area_chair(s.assigned, s.workshop)) == []


def test_papers_for_area_chair_never_selects_author_columns(scenario):
    qs = papers_for_area_chair(scenario.ac_assigned, scenario.workshop)
    with CaptureQueriesContext(connection) as ctx:
        list(qs)
    sql = " ".join(q["sql"].lower() for q in ctx.captured_queries)

    assert '"submissions_authorship"."name"' not in sql
    assert '"submissions_authorship"."email"' not in sql or "exists" in sql


def test_workshop_page_lists_my_papers_as_area_chair(scenario, login):
    client = login(scenario.ac_assigned)

    body = client.get(reverse("reviews:workshop", args=[scenario.workshop.slug])).content.decode()

    assert "My papers as area chair" in body
    assert scenario.paper.title in body
    assert scenario.other_paper.title not in body


# --- Anonymity ---------------------------------------------------------------------------------


def test_area_chair_never_sees_an_author_in_a_double_blind_call(scenario, login):
    s = scenario
    slug = s.workshop.slug
    client = login(s.ac_assigned)
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DISCUSSION)
    pages = {
        "paper": client.get(reverse("reviews:paper", args=[slug, 1])),
        "discussion": client.get(reverse("reviews:discussion", args=[slug, 1])),
        "workshop": client.get(reverse("reviews:workshop", args=[slug])),
        "home": client.get(reverse("reviews:home")),
        "submission page": client.get(reverse("submissions:detail", args=[slug, 1])),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_no_secrets(response.content.decode(), where)
    for name, response in {
        "pdf": client.get(reverse("reviews:paper_pdf", args=[slug, 1])),
        "download": client.get(
            reverse("submissions:download", args=[slug, 1, s.paper.current_paper.pk])
        ),
    }.items():
        assert response.status_code == 200, name
        import io

        from pypdf import PdfReader

        body = b"".join(response.streaming_content) if response.streaming else response.content
        reader = PdfReader(io.BytesIO(body))
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        assert_no_secrets(text + str(reader.metadata or ""), name)


def test_area_chair_assignment_email_names_no_author(scenario):
    s = scenario
    assign_area_chair(submission=s.other_paper, area_chair=s.ac_unassigned, by=s.chair)

    email = OutgoingEmail.objects.get(idempotency_key__startswith="area-chair-assignment:")
    assert email.recipient == s.ac_unassigned.email
    assert "#2" in email.subject and s.other_paper.title in email.body
    assert "Ursula Other" not in email.body and "ursula@other.example" not in email.body


def test_area_chair_sees_authors_in_a_single_blind_call(scenario, login):
    scenario.workshop.anonymity = "single_blind"
    scenario.workshop.save()
    client = login(scenario.ac_assigned)

    body = client.get(reverse("reviews:paper", args=[scenario.workshop.slug, 1])).content.decode()

    assert AUTHOR_NAME in body


# --- Conflicts ---------------------------------------------------------------------------------


def test_conflicted_area_chair_is_never_assigned(scenario):
    s = scenario
    AreaChairAssignment.objects.filter(area_chair=s.ac_conflicted).delete()

    with pytest.raises(ReviewFlowError, match="conflict of interest"):
        assign_area_chair(submission=s.paper, area_chair=s.ac_conflicted, by=s.chair)

    assert not AreaChairAssignment.objects.filter(area_chair=s.ac_conflicted).exists()


def test_conflict_bid_of_an_area_chair_takes_them_off_the_paper(scenario, login):
    s = scenario
    set_phase(s.workshop, Phase.BIDDING)
    client = login(s.ac_assigned)

    client.post(reverse("reviews:bid", args=[s.workshop.slug, 1]), {"preference": "conflict"})

    assert not AreaChairAssignment.objects.filter(pk=s.ac_assignment.pk).exists()
    set_phase(s.workshop, Phase.DISCUSSION)
    assert client.get(reverse("reviews:paper", args=[s.workshop.slug, 1])).status_code == 404
    with pytest.raises(ReviewFlowError, match="conflict of interest"):
        assign_area_chair(submission=s.paper, area_chair=s.ac_assigned, by=s.chair)


def test_automatic_detection_covers_area_chairs(scenario):
    """An area chair sharing the authors' institution domain is found by the detection, and
    loses the paper."""
    from reviews.models import Conflict
    from reviews.services.conflicts import detect_conflicts

    s = scenario
    author_domain = s.author.email.rsplit("@", 1)[1]
    colleague = base.member(
        s.workshop, "area_chair", full_name="Dora Colleague", email=f"dora@{author_domain}"
    )
    AreaChairAssignment.objects.create(submission=s.paper, area_chair=colleague)

    detect_conflicts(s.workshop)

    assert Conflict.objects.active().filter(submission=s.paper, user=colleague).exists()
    assert not AreaChairAssignment.objects.filter(area_chair=colleague).exists()
    with pytest.raises(ReviewFlowError, match="conflict of interest"):
        assign_area_chair(submission=s.paper, area_chair=colleague, by=s.chair)


def test_a_submitted_meta_review_keeps_the_area_chair_through_a_new_conflict(scenario):
    from django.utils import timezone

    from reviews.services.conflicts import add_conflict

    s = scenario
    MetaReview.objects.create(
        assignment=s.ac_assignment,
        state=MetaReviewState.SUBMITTED,
        recommendation="accept",
        submitted_at=timezone.now(),
    )

    add_conflict(submission=s.paper, user=s.ac_assigned, source=ConflictSource.CHAIR, by=s.chair)

    assert AreaChairAssignment.objects.filter(pk=s.ac_assignment.pk).exists()
    assert not paper_rights(s.ac_assigned, s.paper).can_view_paper


# --- Assigning by hand: the one door -----------------------------------------------------------


def test_manual_assign_refusals_change_nothing(scenario):
    s = scenario
    before = AreaChairAssignment.objects.count()
    withdrawn = base.SubmissionFactory(workshop=s.workshop, number=3, submitted=True)
    withdrawn.state = SubmissionState.WITHDRAWN
    withdrawn.save()

    with pytest.raises(ReviewFlowError, match="not an area chair"):
        assign_area_chair(submission=s.other_paper, area_chair=s.unassigned, by=s.chair)
    with pytest.raises(ReviewFlowError, match="not in review"):
        assign_area_chair(submission=withdrawn, area_chair=s.ac_unassigned, by=s.chair)
    with pytest.raises(ReviewFlowError, match="conflict of interest"):
        AreaChairAssignment.objects.filter(area_chair=s.ac_conflicted).delete()
        before -= 1
        assign_area_chair(submission=s.paper, area_chair=s.ac_conflicted, by=s.chair)
    # A chair conflicted with the paper learns nothing, and changes nothing.
    with pytest.raises(ReviewFlowError, match="no paper #1"):
        assign_area_chair(submission=s.paper, area_chair=s.ac_unassigned, by=s.conflicted_chair)

    assert AreaChairAssignment.objects.count() == before
    assert not Entry.objects.filter(action="area_chair_assigned", submission=withdrawn).exists()


def test_manual_assign_respects_the_area_chair_maximum(scenario):
    s = scenario
    ReviewerProfile.objects.update_or_create(
        workshop=s.workshop, user=s.ac_assigned, defaults={"ac_max_papers": 1}
    )

    with pytest.raises(AreaChairOverMaxError):
        assign_area_chair(submission=s.other_paper, area_chair=s.ac_assigned, by=s.chair)
    assign_area_chair(
        submission=s.other_paper, area_chair=s.ac_assigned, by=s.chair, beyond_max=True
    )

    assert AreaChairAssignment.objects.filter(area_chair=s.ac_assigned).count() == 2


def test_assign_and_unassign_are_logged(scenario):
    s = scenario
    assignment = assign_area_chair(submission=s.other_paper, area_chair=s.ac_unassigned, by=s.chair)
    unassign_area_chair(assignment, by=s.chair)

    entries = Entry.objects.filter(submission=s.other_paper).order_by("pk")
    assert [e.action for e in entries if e.action.startswith("area_chair")] == [
        "area_chair_assigned",
        "area_chair_unassigned",
    ]
    assert entries.filter(action="area_chair_assigned").first().actor == s.chair


def test_unassign_refused_once_the_meta_review_is_submitted(scenario):
    from django.utils import timezone

    s = scenario
    MetaReview.objects.create(
        assignment=s.ac_assignment,
        state=MetaReviewState.SUBMITTED,
        recommendation="accept",
        submitted_at=timezone.now(),
    )

    with pytest.raises(ReviewFlowError, match="meta-review"):
        unassign_area_chair(s.ac_assignment, by=s.chair)

    assert AreaChairAssignment.objects.filter(pk=s.ac_assignment.pk).exists()


def test_chair_assigns_from_the_paper_page_without_javascript(scenario, login):
    s = scenario
    client = login(s.chair)
    slug = s.workshop.slug
    page = client.get(reverse("reviews:manage_paper", args=[slug, 2])).content.decode()
    assert "Bruno Areachair" in page and "Make area chair" in page

    response = client.post(
        reverse("reviews:area_chair_assign", args=[slug, 2]), {"area_chair": s.ac_unassigned.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:manage_paper", args=[slug, 2])
    assert AreaChairAssignment.objects.filter(
        submission=s.other_paper, area_chair=s.ac_unassigned
    ).exists()


def test_chair_page_lists_papers_area_chairs_and_candidates(scenario, login):
    s = scenario
    base.BidFactory(submission=s.other_paper, reviewer=s.ac_unassigned, preference="eager")
    client = login(s.chair)

    response = client.get(reverse("reviews:area_chairs", args=[s.workshop.slug]))
    body = response.content.decode()

    assert response.status_code == 200
    row_1 = body.split('id="paper-1"')[1].split("</tr>")[0]
    row_2 = body.split('id="paper-2"')[1].split("</tr>")[0]
    assert "Alice Areachair" in row_1
    # The conflicted area chair is flagged, neither a candidate nor an option.
    cleo = row_1.split("Cleo Areachair")
    assert len(cleo) == 3 and "conflict</span>" in cleo[1]  # name and the button's label
    assert f'<option value="{s.ac_conflicted.pk}"' not in row_1
    assert "Bruno Areachair" in row_2 and "eager" in row_2
    # The table posts to the same door, back to the row.
    response = client.post(
        reverse("reviews:area_chair_assign", args=[s.workshop.slug, 2]),
        {"area_chair": s.ac_unassigned.pk, "next": response.wsgi_request.path + "#paper-2"},
    )
    assert response["Location"].endswith("#paper-2")


def test_conflicted_chair_does_not_see_the_paper_on_the_area_chair_page(scenario, login):
    client = login(scenario.conflicted_chair)

    body = client.get(reverse("reviews:area_chairs", args=[scenario.workshop.slug])).content
    body = body.decode()

    assert 'id="paper-1"' not in body and scenario.paper.title not in body
    assert 'id="paper-2"' in body


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_area_chair_page_queries_constant_at_3_and_30_papers(scenario, login):
    s = scenario
    AreaChairAssignment.objects.filter(area_chair=s.ac_conflicted).delete()
    url = reverse("reviews:area_chairs", args=[s.workshop.slug])
    client = login(s.chair)

    def add(start, n):
        for i in range(start, start + n):
            paper = base.SubmissionFactory(workshop=s.workshop, number=100 + i, submitted=True)
            paper.topics.set(s.topics)
            base.AuthorshipFactory(submission=paper)
            base.BidFactory(submission=paper, reviewer=s.ac_unassigned, preference="willing")
            if i % 2:
                assign_area_chair(
                    submission=paper, area_chair=s.ac_unassigned, by=s.chair, notify=False
                )

    add(0, 1)  # 3 papers
    few = _count(client, url)
    add(1, 27)  # 30 papers
    many = _count(client, url)

    assert many == few


# --- Invitations, roles, profile ---------------------------------------------------------------


def test_invitation_as_area_chair_says_so_and_shows_the_guidelines(scenario, login):
    from reviews.permissions import review_settings
    from reviews.services.committee import accept_invitation, invite_reviewers

    s = scenario
    settings = review_settings(s.workshop)
    settings.guidelines = "Be **kind** and specific."
    settings.save()
    result = invite_reviewers(
        s.workshop, "Eva Meta <eva@acs4.example>", by=s.chair, role="area_chair"
    )
    invitation = result.invited[0]
    email = OutgoingEmail.objects.get(idempotency_key__startswith="reviewer-invitation:")
    assert "area chair" in email.subject.lower() and "area chair" in email.body
    assert "Be **kind** and specific." in email.body

    eva = base.UserFactory(full_name="Eva Meta", email="eva@acs4.example")  # address verified
    page = login(eva).get(reverse("reviews:invitation_accept", args=[invitation.token]))
    body = page.content.decode()
    assert "area chair" in body and "<strong>kind</strong>" in body

    accept_invitation(invitation, eva)

    roles = set(
        Membership.objects.filter(workshop=s.workshop, user=eva).values_list("role", flat=True)
    )
    assert roles == {MemberRole.AREA_CHAIR}
    invitation.refresh_from_db()
    assert invitation.role == "area_chair" and invitation.state == "accepted"


def test_committee_page_offers_the_role_and_lists_area_chair_loads(scenario, login):
    s = scenario
    client = login(s.chair)
    url = reverse("reviews:committee", args=[s.workshop.slug])

    response = client.post(url, {"people": "zoe@acs5.example", "role": "area_chair"})
    body = client.get(url).content.decode()

    assert response.status_code == 302
    assert ReviewerInvitation.objects.get(email="zoe@acs5.example").role == "area_chair"
    assert 'value="area_chair"' in body
    alice_row = body.split("<td>alice@acs1.example</td>")[1].split("</tr>")[0]
    assert "1 paper · 0 meta-reviews done" in alice_row


def test_chair_changes_roles_between_reviewer_and_area_chair(scenario, login):
    s = scenario
    client = login(s.chair)

    def roles(user):
        return set(
            Membership.objects.filter(workshop=s.workshop, user=user).values_list("role", flat=True)
        )

    url = reverse("reviews:member_role", args=[s.workshop.slug, s.unassigned.pk])
    client.post(url, {"role": "reviewer_area_chair"})
    assert roles(s.unassigned) == {"reviewer", "area_chair"}
    client.post(url, {"role": "area_chair"})
    assert roles(s.unassigned) == {"area_chair"}

    # Leaving the role releases the papers in charge (no meta-review submitted).
    url = reverse("reviews:member_role", args=[s.workshop.slug, s.ac_assigned.pk])
    client.post(url, {"role": "reviewer"})
    assert roles(s.ac_assigned) == {"reviewer"}
    assert not AreaChairAssignment.objects.filter(area_chair=s.ac_assigned).exists()
    changes = Entry.objects.filter(action="member_roles").order_by("pk")
    assert [e.changes["roles"][1] for e in changes] == [
        ["area_chair", "reviewer"],
        ["area_chair"],
        ["reviewer"],
    ]


def test_area_chair_profile_holds_area_chair_loads(scenario, login):
    s = scenario
    client = login(s.ac_assigned)
    url = reverse("reviews:profile", args=[s.workshop.slug])
    assert "maximum number of papers as area chair" in client.get(url).content.decode().lower()

    client.post(
        url,
        {"topics": [s.topics[0].pk], "ac_min_papers": "1", "ac_max_papers": "4", "expertise": "x"},
    )
    profile = ReviewerProfile.objects.get(workshop=s.workshop, user=s.ac_assigned)
    assert (profile.ac_min_papers, profile.ac_max_papers) == (1, 4)
    assert list(profile.topics.all()) == [s.topics[0]]

    refused = client.post(url, {"ac_min_papers": "5", "ac_max_papers": "2"})
    assert refused.status_code == 200
    profile.refresh_from_db()
    assert profile.ac_max_papers == 4


def test_reviewer_profile_has_no_area_chair_loads(scenario, login):
    body = (
        login(scenario.assigned)
        .get(reverse("reviews:profile", args=[scenario.workshop.slug]))
        .content.decode()
    )

    assert "as area chair" not in body


def test_area_chairs_bid_on_the_bidding_page(scenario, login):
    s = scenario
    set_phase(s.workshop, Phase.BIDDING)
    client = login(s.ac_unassigned)

    page = client.get(reverse("reviews:bids", args=[s.workshop.slug]))
    client.post(reverse("reviews:bid", args=[s.workshop.slug, 2]), {"preference": "eager"})

    assert page.status_code == 200 and s.other_paper.title in page.content.decode()
    from reviews.models import Bid

    assert Bid.objects.get(reviewer=s.ac_unassigned, submission=s.other_paper).preference == (
        "eager"
    )
