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
from tests import factories as base
from tests.scenarios import (
    COMMITTEE_AFFILIATION,
    REVIEWER_EMAIL,
    REVIEWER_NAME,
    paper_under_review,
    set_phase,
    the_authors,
    workshop_in_review,
)

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
    workshop, criteria = workshop_in_review(now)
    topic = base.TopicFactory(workshop=workshop, name="Adversarial examples")
    chair = base.member(workshop, "chair", full_name="Carla Chair", email="carla@chairs.example")
    reviewer = base.member(
        workshop,
        "reviewer",
        full_name=REVIEWER_NAME,
        email=REVIEWER_EMAIL,
        affiliation=COMMITTEE_AFFILIATION,
    )
    author, coauthor = the_authors()
    paper = paper_under_review(workshop, topic, [author, coauthor])
    assignment = base.AssignmentFactory(
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
    """Save a full-page screenshot when ``SCREENSHOT_DIR`` (or ``BROWSER_SHOTS``) names a
    folder; nothing is written otherwise. See docs/interface.md for the curated set."""
    folder = os.environ.get("SCREENSHOT_DIR") or os.environ.get("BROWSER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def wait_for_htmx(page) -> None:
    """Wait until htmx has processed the page's forms (it starts after the deferred script
    runs, which a fast Chromium may not have done yet when ``load`` fires)."""
    page.wait_for_function(
        "() => window.htmx && [...document.querySelectorAll('[hx-post],[hx-get]')]"
        ".every(el => el['htmx-internal-data'])"
    )
