"""Every e-mail about a paper is logged with its paper, so a conflicted chair never reads of
it: the outbox keys the code builds are all known to ``activity.mail``."""

import re
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activity.mail import OTHER_KEY_PREFIXES, PAPER_KEY_PREFIXES, paper_of
from activity.models import Entry, Kind
from mail.models import OutgoingEmail
from mail.services import deliver
from reviews.models import Decision, DecisionRelease
from submissions.enums import SubmissionState
from tests import factories as base

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"tests", "migrations", "node_modules", "static", "media"}
# An f-string starting with a literal "<prefix>:{": the shape of every outbox key.
KEY_FORMAT = re.compile(r"""\bf["']([a-z][a-z0-9-]*):\{""")
# Keys of the same shape that name no e-mail: the public page cache's entries.
NOT_MAIL = {"workshops/page_cache.py": {"public-gen", "public-page", "public-scope"}}


def key_prefixes() -> dict[str, set[str]]:
    """Each literal key prefix in the project's source, with the files using it."""
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in SKIPPED for p in parts[:-1]):
            continue
        for prefix in KEY_FORMAT.findall(path.read_text(encoding="utf-8")):
            if prefix in NOT_MAIL.get(path.relative_to(ROOT).as_posix(), ()):
                continue
            found.setdefault(prefix, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_key_prefix_in_the_code_is_tied_to_a_paper_or_listed_as_about_none():
    found = key_prefixes()
    # The scan sees the keys of every area (a broken scan must not pass silently).
    assert {"submission", "decision", "assignment", "camera-remind", "group"} <= set(found)
    unknown = {
        p: sorted(files)
        for p, files in found.items()
        if p not in PAPER_KEY_PREFIXES and p not in OTHER_KEY_PREFIXES
    }
    assert not unknown, (
        "New outbox key prefixes: tie each to its paper in activity.mail._PAPER_KEYS, or "
        f"list it in OTHER_KEY_PREFIXES if the e-mail is about no paper: {unknown}"
    )
    assert not PAPER_KEY_PREFIXES & set(OTHER_KEY_PREFIXES)
    stale = (PAPER_KEY_PREFIXES | set(OTHER_KEY_PREFIXES)) - set(found)
    assert not stale, f"Prefixes no code uses any more: {sorted(stale)}"


@pytest.fixture
def accepted(scenario):
    """The scenario's paper, accepted with its decision released."""
    paper = scenario.paper
    type(paper).objects.filter(pk=paper.pk).update(state=SubmissionState.ACCEPTED)
    release = DecisionRelease.objects.create(workshop=scenario.workshop)
    Decision.objects.filter(submission=paper).delete()
    Decision.objects.create(
        submission=paper, outcome="accept_talk", release=release, released_at=timezone.now()
    )
    paper.refresh_from_db()
    return paper


@pytest.mark.parametrize(
    "key",
    [
        "camera-remind:{uuid}:{paper}:ada@example.org",
        "camera-due:{paper}:2026-06-02T11:59:00+00:00:week:ada@example.org",
        "camera-deadline:{paper}:2026-06-02T11:59:00+00:00:ada@example.org",
        "accepted-withdrawn:{paper}:{chair}",
    ],
)
def test_camera_ready_keys_name_their_paper(scenario, key):
    paper = scenario.paper
    email = OutgoingEmail(
        workshop=scenario.workshop,
        idempotency_key=key.format(uuid=uuid.uuid4(), paper=paper.pk, chair=scenario.chair.pk),
    )
    assert paper_of(email) == paper.pk
    elsewhere = base.WorkshopFactory()
    email.workshop = elsewhere
    assert paper_of(email) is None  # a paper of another workshop is never tied


def test_a_conflicted_chair_never_reads_of_a_camera_ready_reminder(
    scenario, accepted, settings, login
):
    from publication.services.camera_ready import tell_chairs_withdrawn
    from publication.services.reminders import remind_missing

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    papers, mails = remind_missing(
        scenario.workshop, by=scenario.chair, reminder_id=str(uuid.uuid4())
    )
    assert papers == 1 and mails >= 1
    tell_chairs_withdrawn(accepted, by=scenario.chair)
    queued = list(OutgoingEmail.objects.filter(workshop=scenario.workshop))
    for email in queued:
        deliver(email.pk)
    assert len(mail.outbox) == len(queued) >= 2

    sent = list(Entry.objects.filter(workshop=scenario.workshop, kind=Kind.MAIL))
    assert len(sent) == len(queued)
    assert {e.submission_id for e in sent} == {accepted.pk}
    authors = [a.email for a in accepted.authors.all()]

    page = login(scenario.conflicted_chair).get(
        reverse("activity:workshop_log", args=[scenario.workshop.slug]), {"kind": Kind.MAIL}
    )
    assert page.status_code == 200 and not list(page.context["page"])
    html = page.content.decode()
    assert not any(address in html for address in authors)
    assert "Camera-ready of paper" not in html

    page = login(scenario.chair).get(
        reverse("activity:workshop_log", args=[scenario.workshop.slug]), {"kind": Kind.MAIL}
    )
    assert len(list(page.context["page"])) == len(queued)
    assert f"Camera-ready of paper #{accepted.number}" in page.content.decode()


def test_the_bulk_lookup_ties_every_kind_of_key_like_the_single_one(scenario):
    """``papers_of`` (the batch sender's) knows every kind of number a key can name: a key it
    did not know would fail the marking of a whole batch as sent."""
    from activity.mail import _PAPER_KEYS, papers_of
    from reviews.models import AreaChairAssignment, Comment

    paper = scenario.paper
    ac = base.member(scenario.workshop, "area_chair")
    ac_row = AreaChairAssignment.objects.create(submission=paper, area_chair=ac)
    comment = Comment.objects.create(submission=paper, author=scenario.chair, body="Hi")
    keys = {
        "submission": f"submission:{paper.pk}:received:ada@example.org",
        "assignment": f"assignment:{scenario.assignment.pk}",
        "area_chair_assignment": f"area-chair-assignment:{ac_row.pk}",
        "comment": f"comment:{comment.pk}:{scenario.chair.pk}",
    }
    assert set(keys) == {what for _pattern, what in _PAPER_KEYS}
    emails = [
        OutgoingEmail.objects.create(
            workshop=scenario.workshop,
            recipient="x@example.org",
            subject="s",
            body="b",
            idempotency_key=key,
        )
        for key in keys.values()
    ]
    found = papers_of(emails)
    assert [found[e.pk] for e in emails] == [paper_of(e) for e in emails] == [paper.pk] * 4
