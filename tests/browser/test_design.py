"""Every role's pages in a real browser at 1280 px and 390 px: no page wider than a phone for
authors and reviewers, no serious or critical axe-core violation on each role's main pages, and a
screenshot of each when ``SCREENSHOT_DIR`` names a folder.

axe-core is vendored in ``tests/browser/vendor/`` (see its README) and injected into the page by
Playwright; the browser context bypasses the content security policy for that injection only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone

from reviews.enums import Phase
from tests import factories as base
from tests.browser import flows
from tests.scenarios import set_phase, submit_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}

# The axe rules of WCAG 2.1 A and AA, and axe's best practices.
_AXE_RUN = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return {
    passes: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    })),
  };
}
"""

# The widest element that sticks out of the viewport, to say *what* makes a page too wide.
_WIDEST_JS = """
() => {
  const w = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && (!worst || r.right > worst.right)) {
      worst = {right: Math.round(r.right), tag: el.tagName.toLowerCase(),
               cls: el.className && el.className.baseVal === undefined ? el.className : '',
               text: (el.textContent || '').trim().slice(0, 60)};
    }
  }
  return worst;
}
"""


@dataclass
class Findings:
    """What went wrong on which page, all reported at once at the end of a test."""

    too_wide: list = field(default_factory=list)
    violations: list = field(default_factory=list)

    def check(self):
        problems = [
            f"{url} at 390 px is {width} px wide ({widest})" for url, width, widest in self.too_wide
        ]
        problems += [
            f"{url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for url, found in self.violations
            for v in found
        ]
        assert not problems, "\n".join(problems)


@pytest.fixture
def tour(browser, live_server):
    """A browser tab (CSP bypassed for the injected axe-core) and the checks of each page."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=DESKTOP, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield Tour(page, Findings())
    context.close()


class Tour:
    def __init__(self, page, findings: Findings):
        self.page = page
        self.findings = findings

    def login(self, email: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(base.PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.get_by_role("button", name="Sign out").wait_for()

    def visit(self, url: str, name: str, *, axe: bool = False, fit: bool = True) -> None:
        """``url`` at 1280 px (with axe-core when ``axe``) and at 390 px (no horizontal scroll
        of the page when ``fit``), with a screenshot of each."""
        page = self.page
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        if axe:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(_AXE_RUN)
            assert result["passes"] > 10, f"{url}: axe-core checked nothing"
            found = [v for v in result["violations"] if v["impact"] in BLOCKING]
            if found:
                self.findings.violations.append((url, found))
        flows.snap(page, f"{name}-1280")
        page.set_viewport_size(PHONE)
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if fit and width > PHONE["width"]:
            self.findings.too_wide.append((url, width, page.evaluate(_WIDEST_JS)))
        flows.snap(page, f"{name}-390")


def test_visitor_pages(tour):
    workshop = flows.open_call()
    tour.visit("/", "visitor-index", axe=True)
    tour.visit(workshop.get_absolute_url(), "visitor-call", axe=True)
    tour.visit("/accounts/login/", "visitor-sign-in", axe=True)
    tour.visit("/accounts/signup/", "visitor-sign-up")
    tour.findings.check()


def test_author_pages_fit_a_phone_and_pass_axe(tour):
    scenario = flows.review_scenario()
    open_call = flows.open_call(name="Workshop on Open Calls", acronym="WOC")
    author = scenario.author
    draft = base.SubmissionFactory(
        workshop=open_call,
        submission_type=open_call.submission_types.get(),
        title="A draft with a rather long title about robustness of learned representations",
        created_by=author,
    )
    base.AuthorshipFactory(
        submission=draft, user=author, name=author.full_name, email=author.email, is_contact=True
    )
    tour.login(author.email)

    tour.visit("/submissions/", "author-dashboard", axe=True)
    tour.visit(f"/submissions/{open_call.slug}/new/", "author-submission-form", axe=True)
    tour.visit(draft.get_absolute_url(), "author-draft")
    tour.visit(f"/submissions/{open_call.slug}/{draft.number}/edit/", "author-edit")
    tour.visit(f"/submissions/{open_call.slug}/{draft.number}/withdraw/", "author-withdraw")
    tour.visit(scenario.paper.get_absolute_url(), "author-paper", axe=True)
    tour.visit("/profile/", "author-profile")
    tour.findings.check()


def test_reviewer_pages_fit_a_phone_and_pass_axe(tour):
    scenario = flows.review_scenario(phase=Phase.BIDDING)
    slug, number = scenario.workshop.slug, scenario.paper.number
    tour.login(scenario.reviewer.email)

    tour.visit("/review/", "reviewer-home", axe=True)
    tour.visit(f"/review/{slug}/", "reviewer-workshop", axe=True)
    tour.visit(f"/review/{slug}/bids/", "reviewer-bids", axe=True)
    tour.visit(f"/review/{slug}/profile/", "reviewer-profile")
    set_phase(scenario.workshop, Phase.REVIEWING)
    tour.visit(f"/review/paper/{slug}/{number}/", "reviewer-paper", axe=True)
    tour.visit(f"/review/paper/{slug}/{number}/review/", "reviewer-review-form", axe=True)
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    tour.visit(f"/review/paper/{slug}/{number}/discussion/", "reviewer-discussion")
    tour.findings.check()


def test_chair_main_pages_pass_axe_and_tables_scroll_in_their_own_box(tour):
    scenario = flows.review_scenario(phase=Phase.DECISIONS)
    workshop = scenario.workshop
    # A paper whose title has no space to wrap at tests the tables' own scrolling.
    wide = base.SubmissionFactory(workshop=workshop, title="Un" + "breakable" * 12, submitted=True)
    base.AuthorshipFactory(submission=wide, is_contact=True)
    base.ImportantDateFactory(
        workshop=workshop, kind="camera_ready", original_at=timezone.now() + dt.timedelta(days=40)
    )
    tour.login(scenario.chair.email)
    slug = workshop.slug

    tour.visit(f"/w/{slug}/manage/", "chair-overview", axe=True)
    tour.visit(f"/submissions/{slug}/manage/", "chair-submissions", axe=True)
    tour.visit(f"/review/{slug}/manage/", "chair-reviews", axe=True)
    tour.visit(f"/review/{slug}/manage/decisions/", "chair-decisions", axe=True)
    tour.visit(f"/review/{slug}/manage/decisions/release/", "chair-release-confirm", axe=True)
    tour.visit(f"/review/{slug}/manage/committee/", "chair-committee", axe=True)
    tour.visit(f"/review/{slug}/manage/messages/", "chair-mail-groups", axe=True)
    tour.visit(f"/w/{slug}/manage/edit/dates/", "chair-call-dates", axe=True)
    tour.visit(f"/review/{slug}/manage/outbox/", "chair-outbox")
    tour.findings.check()

    # One tab bar, the current area marked for assistive technologies; the area's own pages
    # in a second row.
    page = tour.page
    tabs = page.get_by_role("navigation", name=f"Chair pages of {workshop.short_name}")
    assert tabs.locator("[aria-current=true]").inner_text() == "Mail"
    area = page.get_by_role("navigation", name="Mail", exact=True)
    assert area.locator("[aria-current=page]").inner_text() == "Outbox"
    assert page.locator(".chair-bar").count() == 1
