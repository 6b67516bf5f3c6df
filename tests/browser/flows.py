"""Arranging data and small page helpers shared by the browser tests.

The data is arranged with the factories (what a test is *about* is done through the browser);
the helpers read a page the way a user or an assistive technology does.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from reviews.enums import Phase
from reviews.models import ReviewSettings
from tests import factories as base
from tests.reviews import factories as rf
from tests.submissions.pdfs import make_pdf

__all__ = ["make_pdf"]


# --- Arrange -----------------------------------------------------------------------------------


def open_call(**kwargs):
    """A published double-blind call open for two more weeks, with a type and two topics."""
    defaults = {
        "name": "Workshop on Browser-Tested Learning",
        "acronym": "BTL",
        "code_of_conduct_url": "https://example.org/coc",
        "dual_submission_allowed": False,
    }
    workshop = base.WorkshopFactory(**{**defaults, **kwargs})
    base.ImportantDateFactory(workshop=workshop, original_at=timezone.now() + dt.timedelta(days=14))
    base.SubmissionTypeFactory(workshop=workshop, name="Full paper", page_limit=8)
    base.TopicFactory(workshop=workshop, name="Backdoor attacks")
    base.TopicFactory(workshop=workshop, name="Defenses")
    return workshop


def set_phase(workshop, phase: str) -> None:
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.phase = phase
    settings.save()


# Strings a reviewer must never see: who wrote the paper.
AUTHOR_NAME = "Ada Lovelace-Author"
AUTHOR_EMAIL = "ada@anon-institute.edu"
AUTHOR_AFFILIATION = "Anon Institute of Secrets"
COAUTHOR_NAME = "Bob Coauthor-Smith"
COAUTHOR_EMAIL = "bob@coauthor-lab.org"
COAUTHOR_AFFILIATION = "Coauthor Lab"
AUTHOR_SECRETS = [
    AUTHOR_NAME,
    AUTHOR_EMAIL,
    AUTHOR_AFFILIATION,
    COAUTHOR_NAME,
    COAUTHOR_EMAIL,
    COAUTHOR_AFFILIATION,
]
# Strings an author must never see: who reviewed the paper, and what they told the chairs only.
REVIEWER_NAME = "Rita Reviewer-Jones"
REVIEWER_EMAIL = "rita@reviewers.example"
CONFIDENTIAL_NOTE = "Secret note for the chairs."


@dataclass
class ReviewScenario:
    workshop: object
    paper: object
    chair: object
    reviewer: object
    author: object
    assignment: object
    criteria: list


def review_scenario(phase: str = Phase.REVIEWING) -> ReviewScenario:
    """A double-blind workshop in review: one submitted paper with two authors, a chair, and a
    reviewer assigned to the paper; two criteria (the second with its own scale)."""
    now = timezone.now()
    workshop = base.WorkshopFactory(name="Workshop on Robust Learning", acronym="WRL")
    base.ImportantDateFactory(
        workshop=workshop, kind="paper_submission", original_at=now - dt.timedelta(days=20)
    )
    base.ImportantDateFactory(
        workshop=workshop, kind="reviews_due", original_at=now + dt.timedelta(days=10)
    )
    topic = base.TopicFactory(workshop=workshop, name="Adversarial examples")
    criteria = [
        base.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1),
        base.ReviewCriterionFactory(
            workshop=workshop, name="Soundness", order=2, scale=["Weak", "OK", "Strong"]
        ),
    ]
    chair = base.UserFactory(full_name="Carla Chair", email="carla@chairs.example")
    base.MembershipFactory(workshop=workshop, user=chair, role="chair")
    reviewer = base.UserFactory(
        full_name=REVIEWER_NAME, email=REVIEWER_EMAIL, affiliation="Committee University"
    )
    base.MembershipFactory(workshop=workshop, user=reviewer, role="reviewer")
    author = base.UserFactory(
        full_name=AUTHOR_NAME, email=AUTHOR_EMAIL, affiliation=AUTHOR_AFFILIATION
    )
    coauthor = base.UserFactory(
        full_name=COAUTHOR_NAME, email=COAUTHOR_EMAIL, affiliation=COAUTHOR_AFFILIATION
    )
    paper = rf.SubmissionFactory(
        workshop=workshop,
        number=1,
        title="Robust training under label noise",
        abstract="We propose a robust method.",
        created_by=author,
    )
    paper.topics.set([topic])
    for order, user in enumerate([author, coauthor]):
        rf.AuthorshipFactory(
            submission=paper,
            user=user,
            name=user.full_name,
            email=user.email,
            affiliation=user.affiliation,
            is_contact=order == 0,
            order=order,
        )
    rf.pdf_file(paper)
    assignment = rf.AssignmentFactory(
        submission=paper, reviewer=reviewer, ordinal=1, due_at=now + dt.timedelta(days=10)
    )
    set_phase(workshop, phase)
    return ReviewScenario(
        workshop=workshop,
        paper=paper,
        chair=chair,
        reviewer=reviewer,
        author=author,
        assignment=assignment,
        criteria=criteria,
    )


def submitted_review(scenario: ReviewScenario, **kwargs):
    review = rf.ReviewFactory(
        assignment=scenario.assignment, confidential_note=CONFIDENTIAL_NOTE, **kwargs
    )
    for criterion in scenario.criteria:
        rf.ReviewScoreFactory(review=review, criterion=criterion, value=2)
    return review


# --- Read the page -----------------------------------------------------------------------------


def field_group(page, label: str):
    """The ``div.field`` whose own label reads ``label``: how a sighted user finds a question
    whose radio buttons are not grouped for assistive technologies."""
    return page.locator("div.field").filter(has=page.get_by_text(label, exact=True))


# Every visible form control without an accessible name: no <label for>, no wrapping label, no
# aria-label / aria-labelledby, no title. Django's hidden inputs and buttons are left out.
_UNLABELED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
  .filter(el => el.offsetParent !== null || el.getClientRects().length > 0)
  .filter(el => {
    if (el.getAttribute('aria-label')) return false;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some(id => (document.getElementById(id)?.textContent || '').trim()))
      return false;
    if (el.title && el.title.trim()) return false;
    return !Array.from(el.labels || []).some(l => l.textContent.trim());
  })
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""

# Labels that point at nothing: <label for=""> or a ``for`` naming no element.
_ORPHAN_LABELS_JS = """
() => Array.from(document.querySelectorAll('label[for]'))
  .filter(l => !l.htmlFor || !document.getElementById(l.htmlFor))
  .map(l => l.textContent.trim())
"""


# Visible text inputs too narrow to show their whole placeholder (e.g. "YYYY-MM-DD HH:MM").
_CLIPPED_PLACEHOLDERS_JS = """
() => {
  const ctx = document.createElement('canvas').getContext('2d');
  return Array.from(document.querySelectorAll('input[placeholder]'))
    .filter(el => el.offsetParent !== null)
    .filter(el => {
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return ctx.measureText(el.placeholder).width > room;
    })
    .map(el => el.name || el.id);
}
"""


def clipped_placeholders(page) -> list[str]:
    return page.evaluate(_CLIPPED_PLACEHOLDERS_JS)


def unlabeled_controls(page) -> list[str]:
    return page.evaluate(_UNLABELED_JS)


def orphan_labels(page) -> list[str]:
    return page.evaluate(_ORPHAN_LABELS_JS)


def snap(page, name: str) -> None:
    """Save a full-page screenshot when ``BROWSER_SHOTS`` names a folder (kept out of the repo)."""
    folder = os.environ.get("BROWSER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
