"""Meta-reviews: the area chair's form (draft, preview, submit, stale page), who may write one,
what the chairs read (dashboard, decisions page, paper page) and what authors and reviewers
read of the area chair."""

import pytest
from django.urls import reverse

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import MetaReviewState, Phase
from reviews.models import AreaChairAssignment, Decision, MetaReview
from reviews.permissions import forget_rights, forget_settings, review_settings
from reviews.services.decisions import notify_release, render_decision_email, stage_decision
from reviews.services.meta_reviews import MetaReviewError, MetaReviewInput, save_meta_review
from tests import factories as base
from tests.scenarios import AUTHOR_SECRETS, release_now, set_phase, submit_review

AC_NAME = "Alma Areachair"
AC_EMAIL = "alma@areachairs.example"
NOTE = "Only for the chairs: borderline, lean accept."
TEXT = "The reviewers agree the **method** is sound."


@pytest.fixture
def ac(scenario):
    user = base.member(scenario.workshop, "area_chair", full_name=AC_NAME, email=AC_EMAIL)
    AreaChairAssignment.objects.create(submission=scenario.paper, area_chair=user)
    return user


@pytest.fixture
def other_ac(scenario):
    """An area chair of the workshop, in charge of the other paper only."""
    user = base.member(scenario.workshop, "area_chair", full_name="Otto Otherac")
    AreaChairAssignment.objects.create(submission=scenario.other_paper, area_chair=user)
    return user


def url(s, name="meta_review", number=None):
    return reverse(f"reviews:{name}", args=[s.workshop.slug, number or s.paper.number])


def post_form(client, s, version=0, **data):
    values = {
        "recommendation": "accept_poster",
        "comments": TEXT,
        "confidential_note": NOTE,
        "version": str(version),
        **data,
    }
    return client.post(url(s), values)


def test_area_chair_drafts_then_submits_the_meta_review_logged(scenario, ac, login):
    client = login(ac)
    page = client.get(url(scenario))
    assert page.status_code == 200
    assert "Accept as poster" in page.content.decode()

    response = post_form(client, scenario, save="1", recommendation="")
    assert response.status_code == 302
    meta = MetaReview.objects.get()
    assert meta.state == MetaReviewState.DRAFT
    assert meta.comments == TEXT

    response = post_form(client, scenario, version=meta.version, submit="1")
    assert response.status_code == 302
    meta.refresh_from_db()
    assert meta.state == MetaReviewState.SUBMITTED
    assert meta.recommendation == "accept_poster"
    assert meta.submitted_at is not None
    actions = list(
        Entry.objects.filter(submission=scenario.paper, kind="review").values_list(
            "action", flat=True
        )
    )
    assert "meta_review_draft" in actions and "meta_review_submitted" in actions


def test_preview_renders_sanitised_markdown_and_saves_nothing(scenario, ac, login):
    client = login(ac)
    response = post_form(
        client, scenario, preview="1", comments="**bold** <script>alert(1)</script>"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert not MetaReview.objects.exists()


def test_submitting_needs_a_recommendation_of_the_workshop(scenario, ac, login):
    client = login(ac)
    response = post_form(client, scenario, submit="1", recommendation="")
    assert response.status_code == 400
    assert not MetaReview.objects.filter(state=MetaReviewState.SUBMITTED).exists()
    # An outcome the workshop does not offer (no virtual talks) is refused.
    response = post_form(client, scenario, submit="1", recommendation="accept_virtual_talk")
    assert response.status_code == 400
    with pytest.raises(MetaReviewError):
        save_meta_review(
            submission=scenario.paper,
            user=ac,
            data=MetaReviewInput(recommendation="accept_virtual_talk"),
            submit=True,
        )
    assert not MetaReview.objects.filter(state=MetaReviewState.SUBMITTED).exists()


def test_a_stale_page_is_refused_and_nothing_changes(scenario, ac, login):
    client = login(ac)
    post_form(client, scenario, save="1")
    meta = MetaReview.objects.get()
    loaded = meta.version
    # Saved again from another tab.
    post_form(client, scenario, version=loaded, save="1", comments="Second tab.")
    meta.refresh_from_db()
    assert meta.comments == "Second tab."

    response = post_form(client, scenario, version=loaded, submit="1", comments="First tab.")
    assert response.status_code == 409
    assert "another window or tab" in response.content.decode()
    meta.refresh_from_db()
    assert meta.comments == "Second tab."
    assert meta.state == MetaReviewState.DRAFT


def test_an_area_chair_not_assigned_to_the_paper_is_refused(scenario, ac, other_ac, login):
    client = login(other_ac)
    for name in ("meta_review", "ac_paper"):
        assert client.get(url(scenario, name)).status_code == 404
    assert post_form(client, scenario, submit="1").status_code == 404
    # Guessing a number that does not exist reads the same.
    assert client.get(url(scenario, number=99)).status_code == 404
    assert client.post(url(scenario, "ac_remind"), {"token": "0" * 32}).status_code == 404
    assert client.post(url(scenario, "ac_emergency")).status_code == 404
    assert client.post(url(scenario, "ac_stage"), {"outcome": "reject"}).status_code == 404
    with pytest.raises(MetaReviewError):
        save_meta_review(
            submission=scenario.paper,
            user=other_ac,
            data=MetaReviewInput(recommendation="reject"),
            submit=True,
        )
    assert not MetaReview.objects.exists()
    # Their own paper opens.
    assert client.get(url(scenario, number=scenario.other_paper.number)).status_code == 200


@pytest.mark.parametrize("who", ["assigned", "unassigned", "author", "conflicted_chair"])
def test_others_cannot_open_the_area_chair_pages(scenario, ac, login, who):
    client = login(scenario.user(who))
    assert client.get(url(scenario)).status_code == 404
    assert client.get(url(scenario, "ac_paper")).status_code == 404
    assert client.get(reverse("reviews:ac_papers", args=[scenario.workshop.slug])).status_code == (
        404
    )


def test_a_conflicted_area_chair_loses_the_paper(scenario, ac, login):
    base.ConflictFactory(submission=scenario.paper, user=ac)
    client = login(ac)
    assert client.get(url(scenario)).status_code == 404
    page = client.get(reverse("reviews:ac_papers", args=[scenario.workshop.slug]))
    assert scenario.paper.title not in page.content.decode()


def _release_with_meta_review(s, ac):
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DECISIONS)
    save_meta_review(
        submission=s.paper,
        user=ac,
        data=MetaReviewInput(recommendation="accept_poster", comments=TEXT, confidential_note=NOTE),
        submit=True,
    )
    stage_decision(submission=s.paper, outcome="accept_poster", by=s.chair)
    release_now(workshop=s.workshop, by=s.chair)
    forget_rights(ac)


def test_after_the_release_the_meta_review_is_closed(scenario, ac, login):
    _release_with_meta_review(scenario, ac)
    meta = MetaReview.objects.get()
    client = login(ac)
    page = client.get(url(scenario))
    assert page.status_code == 200
    assert "can no longer change" in page.content.decode()
    response = post_form(client, scenario, version=meta.version, submit="1", comments="Late edit")
    assert response.status_code == 403
    meta.refresh_from_db()
    assert meta.comments == TEXT
    with pytest.raises(MetaReviewError):
        save_meta_review(
            submission=scenario.paper,
            user=ac,
            data=MetaReviewInput(recommendation="reject", comments="Late edit"),
            submit=True,
        )
    meta.refresh_from_db()
    assert meta.recommendation == "accept_poster"


def test_authors_read_the_meta_review_signed_area_chair_after_release(scenario, ac, login):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DECISIONS)
    save_meta_review(
        submission=scenario.paper,
        user=ac,
        data=MetaReviewInput(recommendation="accept_poster", comments=TEXT, confidential_note=NOTE),
        submit=True,
    )
    client = login(scenario.author)
    pages = [
        reverse("reviews:author_view", args=[scenario.workshop.slug, scenario.paper.number]),
        reverse("submissions:detail", args=[scenario.workshop.slug, scenario.paper.number]),
    ]
    for page in pages:
        body = client.get(page).content.decode()
        assert "The reviewers agree" not in body  # not before the release

    stage_decision(submission=scenario.paper, outcome="accept_poster", by=scenario.chair)
    release = release_now(workshop=scenario.workshop, by=scenario.chair)
    notify_release(release.pk)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<strong>method</strong>" in body
        assert "Area chair" in body
        for secret in (AC_NAME, AC_EMAIL, NOTE):
            assert secret not in body

    # The decision letter (reviews included) carries it too, signed the same way.
    letters = OutgoingEmail.objects.filter(template_role__startswith="reviews.decision")
    assert letters.count() == 2
    for letter in letters:
        assert "Meta-review (Area chair)" in letter.body
        assert "**method** is sound" in letter.body
        for secret in (AC_NAME, AC_EMAIL, NOTE):
            assert secret not in letter.body + letter.subject


def test_a_draft_meta_review_never_reaches_the_authors(scenario, ac):
    set_phase(scenario.workshop, Phase.DECISIONS)
    save_meta_review(
        submission=scenario.paper,
        user=ac,
        data=MetaReviewInput(recommendation="reject", comments="Draft words"),
        submit=False,
    )
    decision = stage_decision(submission=scenario.paper, outcome="reject", by=scenario.chair)
    _, body = render_decision_email(decision, scenario.paper.ordered_authors[0])
    assert "Draft words" not in body
    assert "Area chair" not in body


def test_chairs_read_the_meta_review_and_the_note_on_the_paper_page(scenario, ac, login):
    save_meta_review(
        submission=scenario.paper,
        user=ac,
        data=MetaReviewInput(recommendation="reject", comments=TEXT, confidential_note=NOTE),
        submit=True,
    )
    client = login(scenario.chair)
    body = client.get(url(scenario, "manage_paper")).content.decode()
    assert AC_NAME in body
    assert NOTE in body
    assert "<strong>method</strong>" in body
    assert "Reject" in body
    # A conflicted chair sees nothing of the paper, its meta-review included.
    client = login(scenario.conflicted_chair)
    assert client.get(url(scenario, "manage_paper")).status_code == 404


def test_decisions_page_shows_the_recommendation_beside_the_scores(scenario, ac, login):
    submit_review(scenario.assignment, scenario.criteria, recommendation=5)
    save_meta_review(
        submission=scenario.paper,
        user=ac,
        data=MetaReviewInput(recommendation="accept_talk"),
        submit=True,
    )
    client = login(scenario.chair)
    body = client.get(reverse("reviews:decisions", args=[scenario.workshop.slug])).content.decode()
    assert "Area chair recommends" in body
    assert "Accept as talk" in body
    assert "Mean 5.0," in body  # the mean recommendation of the reviews, on its range
    dashboard = client.get(reverse("reviews:manage", args=[scenario.workshop.slug]) + "?cols=ac")
    assert "Accept as talk" in dashboard.content.decode()


def test_area_chair_stages_a_decision_only_when_the_chairs_allow_it(scenario, ac, login):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(ac)
    stage = url(scenario, "ac_stage")
    client.post(stage, {"outcome": "reject", "version": "0"})
    assert not Decision.objects.exists()
    assert "Staged decision" not in client.get(url(scenario, "ac_paper")).content.decode()

    settings = review_settings(scenario.workshop)
    settings.area_chairs_stage_decisions = True
    settings.save()
    forget_settings(scenario.workshop)
    assert "Staged decision" in client.get(url(scenario, "ac_paper")).content.decode()
    client.post(stage, {"outcome": "reject", "version": "0"})
    decision = Decision.objects.get()
    assert decision.outcome == "reject" and decision.decided_by == ac
    assert decision.released_at is None

    # A stale page (it showed no decision) is refused.
    client.post(stage, {"outcome": "accept_talk", "version": "0"})
    decision.refresh_from_db()
    assert decision.outcome == "reject"

    chair = login(scenario.chair)
    body = chair.get(reverse("reviews:decisions", args=[scenario.workshop.slug])).content.decode()
    assert f"Staged by {AC_NAME} (area chair)" in body

    # Area chairs never release.
    client = login(ac)
    release = reverse("reviews:release_confirm", args=[scenario.workshop.slug])
    assert client.get(release).status_code == 404
    assert client.post(release, {"fingerprint": "x"}).status_code == 404
    assert Decision.objects.get().released_at is None

    # Once released, the area chair can no longer change it.
    set_phase(scenario.workshop, Phase.DECISIONS)
    release_now(workshop=scenario.workshop, by=scenario.chair)
    client.post(stage, {"outcome": "accept_talk", "version": str(decision.version)})
    assert Decision.objects.get().outcome == "reject"


def test_reviewers_see_area_chair_not_the_name_unless_allowed(scenario, ac, login):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(ac)
    response = client.post(url(scenario, "discussion"), {"body": "Please discuss novelty."})
    assert response.status_code == 302
    reviewer = login(scenario.assigned)
    body = reviewer.get(url(scenario, "discussion")).content.decode()
    assert "Please discuss novelty." in body
    assert "Area chair" in body
    assert AC_NAME not in body
    # The e-mail to the reviewer names no one either.
    mail = OutgoingEmail.objects.get(recipient=scenario.assigned.email)
    assert AC_NAME not in mail.subject + mail.body and "Area chair" in mail.subject

    settings = review_settings(scenario.workshop)
    settings.reviewers_see_area_chair_name = True
    settings.save()
    body = reviewer.get(url(scenario, "discussion")).content.decode()
    assert f"Area chair ({AC_NAME})" in body


def test_area_chair_pages_never_show_the_authors_of_a_double_blind_paper(scenario, ac, login):
    assert scenario.workshop.hides_authors_from_reviewers
    submit_review(scenario.assignment, scenario.criteria)
    client = login(ac)
    for page in (
        reverse("reviews:ac_papers", args=[scenario.workshop.slug]),
        url(scenario, "ac_paper"),
        url(scenario),
        url(scenario, "paper"),
    ):
        body = client.get(page).content.decode()
        for secret in AUTHOR_SECRETS:
            assert secret not in body, (page, secret)
    # The submissions app's page of the paper opens for the paper's area chair, as for its
    # reviewers, with the authors hidden.
    detail = reverse("submissions:detail", args=[scenario.workshop.slug, scenario.paper.number])
    page = client.get(detail)
    assert page.status_code == 200
    for secret in AUTHOR_SECRETS:
        assert secret not in page.content.decode(), secret


def test_settings_page_has_the_area_chair_section(scenario, login):
    client = login(scenario.chair)
    page = client.get(reverse("reviews:manage_settings", args=[scenario.workshop.slug]))
    body = page.content.decode()
    assert "Area chairs" in body
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "guidelines"}
    data.update(
        {
            "phase": "reviewing",
            "others_reviews": form.initial["others_reviews"],
            "default_reviews_per_paper": form.initial["default_reviews_per_paper"],
            "area_chairs_per_paper": "2",
            "area_chairs_stage_decisions": "on",
            "reviewers_see_area_chair_name": "on",
            "version": str(form.initial["version"]),
        }
    )
    response = client.post(reverse("reviews:manage_settings", args=[scenario.workshop.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    forget_settings(scenario.workshop)
    settings = review_settings(scenario.workshop)
    assert settings.area_chairs_per_paper == 2
    assert settings.area_chairs_stage_decisions and settings.reviewers_see_area_chair_name
    data["area_chairs_per_paper"] = "0"
    data["version"] = str(settings.version)
    response = client.post(reverse("reviews:manage_settings", args=[scenario.workshop.slug]), data)
    assert response.status_code == 200
    forget_settings(scenario.workshop)
    assert review_settings(scenario.workshop).area_chairs_per_paper == 2
