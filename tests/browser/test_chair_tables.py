"""The chairs' dense tables in a real browser: they fit a 1280 px window (long titles are cut
with an ellipsis and kept whole in a tooltip), the outbox stays short, the edit page comes in
sections. Figures are printed (run with ``-s``) for docs/chair-tools.md."""

import pytest
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.services.assignments import assign
from submissions.models import PaperTag
from tests import factories as base
from tests import scenarios
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "Towards Provably Robust and Certifiably Fair Backdoor Defenses for Large-Scale "
    "Self-Supervised Vision-Language Foundation Models under Distribution Shift, Revisited"
)

SIZE_JS = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


@pytest.fixture
def busy_workshop():
    s = flows.review_scenario()
    reviewers = [s.reviewer] + [base.member(s.workshop, "reviewer") for _ in range(2)]
    for criterion_name in ("Clarity of the presentation", "Reproducibility"):
        base.ReviewCriterionFactory(workshop=s.workshop, name=criterion_name)
    criteria = list(s.workshop.criteria.all())
    for i in range(30):
        paper = base.SubmissionFactory(
            workshop=s.workshop, number=10 + i, title=f"{LONG_TITLE} ({i})", submitted=True
        )
        base.AuthorshipFactory(submission=paper)
        PaperTag.objects.create(workshop=s.workshop, submission=paper, name="shortlist")
        for reviewer in reviewers[: 1 + i % 3]:
            a = assign(submission=paper, reviewer=reviewer, by=s.chair, notify=False)
            if i % 2:
                scenarios.submit_review(a, criteria)
    for i in range(36):
        OutgoingEmail.objects.create(
            workshop=s.workshop,
            recipient=f"someone.with.a.long.address{i}@university-of-examples.example.org",
            subject=f"[{s.workshop.short_name}] Your review assignment: {LONG_TITLE}",
            body="Dear reviewer,\n\n" + "A line of the body.\n" * 20,
            template_role="review.assigned",
            idempotency_key=f"browser-test:{i}",
        )
    return s


@pytest.mark.parametrize(
    ("name", "url_name", "extra"),
    [
        ("chair-dashboard", "reviews:manage", {}),
        ("chair-submissions", "submissions:manage_list", {}),
        ("chair-outbox", "reviews:outbox", {}),
        ("chair-edit-basics", "workshops:edit", {}),
        ("chair-edit-dates", "workshops:edit_section", {"section": "dates"}),
    ],
)
def test_chair_pages_fit_1280(page, login, busy_workshop, name, url_name, extra):
    page.set_default_timeout(60_000)  # the fixture's pages are large; CI machines are small
    page.set_viewport_size({"width": 1280, "height": 900})
    login(busy_workshop.chair.email, base.PASSWORD)

    response = page.goto(reverse(url_name, kwargs={"slug": busy_workshop.workshop.slug, **extra}))
    assert response.status == 200
    flows.snap(page, name)
    width, height = page.evaluate(SIZE_JS)
    print(f"\n{name}: {width} x {height} px at 1280")

    assert width <= 1280
    if name == "chair-outbox":
        assert height < 3000  # 36 mails, one line each
    if name in {"chair-dashboard", "chair-submissions"}:
        link = page.locator("td.col-title a").nth(1)  # the first is a short title
        assert link.get_attribute("title").startswith(LONG_TITLE)
        assert link.bounding_box()["height"] < 30  # one line, not six
    if name == "chair-dashboard":
        # Four criteria and every default column fit without scrolling the table either.
        inner, outer = page.locator(".table-wrap").first.evaluate(
            "el => [el.scrollWidth, el.clientWidth]"
        )
        assert inner <= outer


def test_wide_tables_scroll_inside_their_container_at_390(page, login, busy_workshop):
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 390, "height": 800})
    login(busy_workshop.chair.email, base.PASSWORD)
    page.goto(reverse("reviews:manage", args=[busy_workshop.workshop.slug]))
    flows.snap(page, "chair-dashboard-390")
    wrap = page.locator(".table-wrap").first
    inner, outer = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    print(f"\ndashboard table at 390: {inner} px inside a {outer} px container")
    assert inner > outer  # the table scrolls inside its container
