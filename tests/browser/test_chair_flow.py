"""Chairs in a real browser: extending a deadline through the dates section of the edit page;
staging and releasing a decision, which the author then reads with the anonymized review."""

import datetime as dt

import pytest

from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import Decision
from tests import factories as base
from tests import scenarios
from tests.browser import flows
from workshops.enums import DateKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def long_date(day: dt.date) -> str:
    """A day as the public page writes it ("Tue 15 Dec 2026")."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


def test_chair_extends_paper_deadline_and_public_page_strikes_the_original(page, login):
    workshop = flows.open_call()
    paper_date = workshop.dates.get(kind=DateKind.PAPER_SUBMISSION)
    chair = base.member(workshop, "chair", full_name="Carla Chair")
    original_day = paper_date.original_at.astimezone(workshop.tzinfo).date()
    extended_day = original_day + dt.timedelta(days=7)

    login(chair.email, base.PASSWORD)
    page.goto(workshop.get_absolute_url())
    page.get_by_role("link", name="Manage this workshop").click()
    flows.snap(page, "workshop-manage")
    chair_tabs = page.get_by_role("navigation", name=f"Chair pages of {workshop.short_name}")
    chair_tabs.get_by_role("link", name="Call", exact=True).click()
    flows.snap(page, "workshop-edit")
    page.get_by_role("navigation", name="Sections of the call").get_by_role(
        "link", name="Dates"
    ).click()
    flows.snap(page, "workshop-edit-dates")
    dates = page.get_by_role("region", name="Important dates")
    dates.get_by_role("group", name="Paper submission").get_by_label("Extended to").fill(
        extended_day.isoformat()
    )
    page.get_by_role("button", name="Save dates").click()

    assert f"Dates of {workshop.short_name}: saved." in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Public page").first.click()
    flows.snap(page, "workshop-public-extended")
    row = page.get_by_role("row", name="Paper submission deadline")
    assert row.locator("del").inner_text().startswith(long_date(original_day))
    # A bare date means the end of that day in the workshop's zone.
    assert row.locator("strong").inner_text().startswith(f"{long_date(extended_day)}, 23:59")
    assert row.get_by_text("Extended", exact=True).is_visible()
    # Screen readers hear "Originally …, now …" instead of a silent strike-through.
    assert "Originally" in row.inner_text()
    assert "(extended)" in page.locator(".next-deadline").inner_text()
    paper_date.refresh_from_db()
    assert paper_date.extended_at > paper_date.original_at


def test_chair_stages_and_releases_decision_and_author_reads_anonymized_review(page, login, logout):
    scenario = flows.review_scenario(phase=Phase.DECISIONS)
    scenarios.submit_review(
        scenario.assignment, scenario.criteria, comments="Please add an ablation study."
    )
    paper = scenario.paper

    # The chair stages an outcome on the paper's page...
    login(scenario.chair.email, base.PASSWORD)
    page.goto("/review/")
    page.get_by_role("link", name="Chair dashboard").click()
    flows.snap(page, "chair-review-dashboard")
    page.get_by_role("link", name=paper.title).click()
    page.get_by_label("Outcome").select_option(label="Accept as talk")
    page.get_by_label("Meta-review / comments to the authors").fill("A clear contribution.")
    page.get_by_role("button", name="Stage decision").click()
    assert "staged (not sent yet)" in page.locator(".messages").inner_text()
    flows.snap(page, "chair-manage-paper")

    # ...and releases it from the decisions page, through the confirmation page.
    tabs = page.get_by_role("navigation", name=f"Chair pages of {scenario.workshop.short_name}")
    tabs.get_by_role("link", name="Decisions", exact=True).click()
    assert page.get_by_label(f"Decision on paper #{paper.number}").input_value() == "accept_talk"
    flows.snap(page, "chair-decisions")
    page.get_by_role("link", name="Review and release the staged decisions").click()
    flows.snap(page, "chair-release-confirm")
    assert OutgoingEmail.objects.filter(template_role__startswith="reviews.decision").count() == 0
    letter = page.locator(".letter-preview")
    assert "Your paper and its reviews:" in letter.inner_text()
    page.get_by_role("button", name="Release 1 decision and send 2 letters").click()
    assert "1 decision(s) released" in page.locator(".messages").inner_text()
    released = page.get_by_role("table").nth(1)
    assert "Accept as talk" in released.get_by_role("row", name=f"#{paper.number}").inner_text()
    notices = OutgoingEmail.objects.filter(template_role="reviews.decision.accept_talk")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(
        [scenarios.AUTHOR_EMAIL, scenarios.COAUTHOR_EMAIL]
    )
    logout()

    # The author sees the outcome on their submission, and the review as "Reviewer 1".
    login(scenario.author.email, base.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My submissions").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=paper.title))
    assert row.get_by_role("cell").nth(4).inner_text() == "Accepted"
    row.get_by_role("link", name=paper.title).click()
    page.wait_for_url(f"**/submissions/{scenario.workshop.slug}/{paper.number}/")
    flows.snap(page, "author-decision")
    assert page.locator("main .badge", has_text="Accepted").first.is_visible()
    decision = page.get_by_role("region", name="Decision")
    assert decision.get_by_text("Accept as talk").is_visible()
    assert decision.get_by_text("A clear contribution.").is_visible()
    review = decision.get_by_role("article")
    assert review.get_by_role("heading", name="Reviewer 1").is_visible()
    assert "Please add an ablation study." in review.inner_text()
    text = page.locator("main").inner_text()
    for secret in (scenarios.REVIEWER_NAME, scenarios.REVIEWER_EMAIL, scenarios.CONFIDENTIAL_NOTE):
        assert secret not in text


@pytest.mark.parametrize("width", [1280, 800])
def test_workshop_edit_date_inputs_show_their_whole_placeholder(page, login, width):
    workshop = flows.open_call()
    chair = base.member(workshop, "chair", full_name="Carla Chair")
    page.set_viewport_size({"width": width, "height": 900})

    login(chair.email, base.PASSWORD)
    page.goto(f"/w/{workshop.slug}/manage/edit/dates/")

    dates = page.get_by_role("region", name="Important dates")
    assert dates.get_by_label("Date").first.get_attribute("placeholder")
    assert flows.clipped_placeholders(page) == []


def test_chair_stages_withdraws_inline_with_htmx_without_reloading(page, login):
    scenario = flows.review_scenario(phase=Phase.DECISIONS)
    paper = scenario.paper
    login(scenario.chair.email, base.PASSWORD)
    page.goto(f"/review/{scenario.workshop.slug}/manage/decisions/")
    flows.wait_for_htmx(page)
    # A marker on the document survives only if the page is not reloaded.
    page.evaluate("document.body.dataset.marker = 'same-page'")
    select = page.get_by_label(f"Decision on paper #{paper.number}")

    with page.expect_response(lambda r: "/stage/" in r.url):
        select.select_option(label="Accept as poster")
    page.get_by_text("staged (not sent yet)").wait_for()
    staged = Decision.objects.get(submission=paper).outcome
    flows.snap(page, "chair-decisions-inline")
    flows.wait_for_htmx(page)  # the swapped-in cell's form
    with page.expect_response(lambda r: "/stage/" in r.url):
        page.get_by_label(f"Decision on paper #{paper.number}").select_option(
            label="— not decided —"
        )
    page.get_by_text("withdrawn").wait_for()

    assert staged == "accept_poster"
    assert not Decision.objects.filter(submission=paper).exists()
    assert page.evaluate("document.body.dataset.marker") == "same-page"
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_chair_decision_and_committee_pages_fit_the_screen(page, login, width):
    scenario = flows.review_scenario(phase=Phase.DECISIONS)
    from reviews.services.decisions import stage_decision

    stage_decision(submission=scenario.paper, outcome="reject", by=scenario.chair)
    page.set_viewport_size({"width": width, "height": 900})
    login(scenario.chair.email, base.PASSWORD)
    slug = scenario.workshop.slug
    for name, path in [
        ("chair-decisions", f"/review/{slug}/manage/decisions/"),
        ("chair-release-confirm", f"/review/{slug}/manage/decisions/release/"),
        ("chair-committee", f"/review/{slug}/manage/committee/"),
        (
            "chair-member-remove",
            f"/review/{slug}/manage/committee/member/{scenario.reviewer.pk}/remove/",
        ),
        ("chair-mail-groups", f"/review/{slug}/manage/messages/"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        flows.snap(page, f"{name}-{width}")
