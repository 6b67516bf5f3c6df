"""Anonymity by crawling: from each reviewer's home and each author's dashboard, follow every
same-site link (GET only, bounded) in every phase, and look for the other side's identities in
every page and PDF (raw bytes too)."""

import re
from urllib.parse import urldefrag, urlparse

import pytest

from reviews.enums import Phase
from reviews.services.assignments import assign
from reviews.services.decisions import stage_decision
from reviews.services.discussion import post_comment
from tests.scenarios import (
    AUTHOR_SECRETS,
    COMMITTEE_AFFILIATION,
    REVIEWER_EMAIL,
    REVIEWER_NAME,
    release_now,
    set_phase,
    submit_review,
)

HREF = re.compile(r'href="([^"]+)"')
SKIP = ("/accounts/logout", "/static/", "/admin/", "/accounts/password", "/accounts/email")
MAX_PAGES = 80
PHASES = [Phase.BIDDING, Phase.REVIEWING, Phase.DISCUSSION, Phase.DECISIONS, Phase.NOTIFIED]
# Public committee lists name every member (not who reviewed which paper).
COMMITTEE_LISTS = ("/conflicts/",)


def crawl(client, start):
    """Every page reachable from ``start`` by same-site GET links: {url: (type, bytes)}."""
    seen, queue, pages = set(), [start], {}
    while queue and len(pages) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        data = b"".join(response.streaming_content) if response.streaming else response.content
        kind = response.get("Content-Type", "")
        pages[url] = (kind, data)
        if "html" in kind:
            for href in HREF.findall(data.decode()):
                href = href.replace("&amp;", "&")
                parsed = urlparse(href)
                if parsed.scheme or parsed.netloc or not href.startswith("/"):
                    continue
                queue.append(href)
    return pages


def assert_clean(pages, secrets, who):
    for url, (kind, data) in pages.items():
        text = data.decode("latin-1").lower()
        for secret in secrets:
            assert secret.lower() not in text, f"{secret!r} reached {who} at {url} ({kind})"


@pytest.fixture
def full_scenario(scenario):
    s = scenario
    second = assign(submission=s.paper, reviewer=s.unassigned, by=s.chair, notify=False)
    return s, second


def _advance(s, second, phase):
    set_phase(s.workshop, phase)
    if phase == Phase.DISCUSSION:
        submit_review(s.assignment, s.criteria, comments="First opinion.")
        submit_review(second, s.criteria, comments="Second opinion.")
        post_comment(submission=s.paper, author=s.chair, body="Let us discuss.")
    if phase == Phase.NOTIFIED:
        set_phase(s.workshop, Phase.DECISIONS)
        stage_decision(submission=s.paper, outcome="accept_talk", comments="Bravo.", by=s.chair)
        stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
        release_now(workshop=s.workshop, by=s.chair)


def test_crawl_reviewers_and_authors_in_every_phase(full_scenario, login):
    s, second = full_scenario
    totals = {"reviewer": 0, "author": 0, "pdf": 0}
    for phase in PHASES:
        _advance(s, second, phase)
        for reviewer in (s.assigned, s.unassigned):
            pages = crawl(login(reviewer), "/review/")
            assert_clean(pages, AUTHOR_SECRETS, f"{reviewer} in {phase}")
            totals["reviewer"] += len(pages)
            totals["pdf"] += sum(1 for kind, _ in pages.values() if "pdf" in kind)
        for author in (s.author, s.coauthor):
            pages = crawl(login(author), "/submissions/")
            listing = {u: p for u, p in pages.items() if not u.endswith(COMMITTEE_LISTS)}
            assert_clean(
                listing,
                [REVIEWER_NAME, REVIEWER_EMAIL, "Uma Unassigned", COMMITTEE_AFFILIATION],
                author,
            )
            assert_clean(pages, ["Secret note for the chairs", "uma@reviewers2.example"], author)
            totals["author"] += len(pages)
            if phase == Phase.NOTIFIED:
                detail = pages[s.paper.get_absolute_url()][1].decode()
                assert "First opinion." in detail and "Reviewer 1" in detail
    # The crawl really went somewhere: papers, reviews, discussion and PDFs.
    assert totals["reviewer"] > 20 and totals["pdf"] > 0 and totals["author"] > 5
