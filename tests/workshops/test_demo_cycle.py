"""The two demo editions of ``load_demo``: the open one follows its dates, the complete one has
run its whole cycle (decisions, camera-ready, terms, accepted papers, program)."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from pypdf import PdfReader

from activity.models import Entry, Kind
from mail.models import OutgoingEmail
from program.models import Program, Session, SessionKind, Slot
from publication.accepted import accepted_submissions, printed_authors
from publication.models import CameraReady, PublicationSettings, TermsAcceptance, TermsKind
from reviews.enums import DecisionOutcome, Phase, ReviewState
from reviews.models import (
    Assignment,
    Bid,
    Conflict,
    Decision,
    DecisionRelease,
    Review,
    ReviewSettings,
)
from reviews.services.phases import phase_by_dates
from submissions.enums import FileKind, SubmissionState
from submissions.models import Authorship, Submission, SubmissionFile
from workshops.demo import cycle, seeds
from workshops.enums import DateKind
from workshops.models import Membership, Person, Workshop

OPEN = seeds.DEMO_EDITION["slug"]
COMPLETE = seeds.COMPLETE_EDITION["slug"]
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
COUNTED = [
    Workshop,
    Membership,
    Person,
    Submission,
    Authorship,
    SubmissionFile,
    Bid,
    Conflict,
    Assignment,
    Review,
    Decision,
    DecisionRelease,
    ReviewSettings,
    PublicationSettings,
    CameraReady,
    TermsAcceptance,
    Program,
    Session,
    Slot,
    Entry,
    OutgoingEmail,
]


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo(db):
    load()
    return Workshop.objects.prefetch_related("dates").get(slug=COMPLETE)


def test_complete_edition_is_labelled_archival_and_notified(demo):
    assert demo.is_demo and demo.is_published
    assert "(demo, complete cycle)" in demo.name
    assert demo.is_archival and demo.proceedings
    assert demo.year == 2025
    # Every date is over.
    assert all(d.effective_at < timezone.now() for d in demo.dates.all())
    assert ReviewSettings.objects.get(workshop=demo).phase == Phase.NOTIFIED
    assert demo.memberships.filter(role="reviewer").count() == 6


def test_complete_edition_has_released_decisions_that_match_the_reviews(demo):
    papers = Submission.objects.filter(workshop=demo).select_related("decision")

    assert papers.count() == len(cycle.PAPERS)
    outcomes = Counter(p.decision.outcome for p in papers)
    assert outcomes[DecisionOutcome.ACCEPT_TALK] >= 2
    assert outcomes[DecisionOutcome.ACCEPT_POSTER] >= 2
    assert outcomes[DecisionOutcome.REJECT] >= 1
    for paper in papers:
        decision = paper.decision
        assert decision.released_at is not None and decision.release_id is not None
        expected = (
            SubmissionState.REJECTED
            if decision.outcome == DecisionOutcome.REJECT
            else SubmissionState.ACCEPTED
        )
        assert paper.state == expected
        reviews = Review.objects.filter(assignment__submission=paper)
        assert reviews.count() == 3
        assert not reviews.exclude(state=ReviewState.SUBMITTED).exists()
        mean = sum(r.recommendation for r in reviews) / 3
        assert (mean >= 4) == (decision.outcome != DecisionOutcome.REJECT)
        assert paper.submitted_at <= demo.submission_deadline
        assert decision.released_at > paper.submitted_at
    conflicted = set(Conflict.objects.active().values_list("submission_id", "user_id"))
    assert conflicted  # author 1 shares an institution with reviewer 1
    assert not conflicted & set(
        Assignment.objects.filter(submission__workshop=demo).values_list(
            "submission_id", "reviewer_id"
        )
    )


def test_every_accepted_paper_has_a_readable_camera_ready_pdf_naming_its_authors(demo):
    accepted = list(accepted_submissions(demo))
    settings = PublicationSettings.objects.get(workshop=demo)

    assert len(accepted) == Submission.objects.filter(workshop=demo, state="accepted").count()
    assert len(accepted) >= 4
    orders = []
    orcids = 0
    for paper in accepted:
        final = paper.current_camera_ready
        assert final is not None and final.kind == FileKind.CAMERA_READY
        with final.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()), strict=True)
        assert len(reader.pages) == final.pages >= 1
        limit = paper.submission_type.camera_ready_page_limit
        assert limit and final.pages <= limit
        first_page = " ".join(reader.pages[0].extract_text().split())
        assert paper.title in first_page
        authors = printed_authors(paper)
        for author in authors:
            assert author["name"] in first_page
            assert author["affiliation"]
        orcids += sum(1 for a in authors if a["orcid"])
        assert all(ORCID.match(a["orcid"]) for a in authors if a["orcid"])
        camera_ready = paper.camera_ready
        assert camera_ready.confirmed_at and camera_ready.confirmed_by_id
        assert camera_ready.confirmed_at <= demo.date(DateKind.CAMERA_READY).effective_at
        orders.append(camera_ready.proceedings_order)
        # The terms of the current version, accepted by an author of the paper.
        acceptance = TermsAcceptance.objects.get(submission=paper)
        assert acceptance.kind == TermsKind.COPYRIGHT
        assert acceptance.terms_version == settings.terms_version
        assert paper.authors.filter(user=acceptance.user).exists()
    assert orcids >= 1
    assert sorted(orders) == list(range(1, len(accepted) + 1))
    assert settings.terms_kind == TermsKind.COPYRIGHT and settings.terms_text
    assert settings.publish_papers and settings.accepted_published_at is not None
    assert settings.accepted_published_at > demo.date(DateKind.CAMERA_READY).effective_at
    # Rejected papers have no camera-ready version, no terms and no program slot.
    rejected = Submission.objects.filter(workshop=demo, state="rejected")
    assert not SubmissionFile.objects.filter(submission__in=rejected, kind="camera_ready").exists()
    assert not TermsAcceptance.objects.filter(submission__in=rejected).exists()
    assert not Slot.objects.filter(submission__in=rejected).exists()


def test_the_program_is_published_within_the_workshop_day(demo):
    program = Program.objects.get(workshop=demo)
    sessions = list(Session.objects.filter(workshop=demo).annotate(n=Count("slots")))
    day = demo.date(DateKind.WORKSHOP_DAY).effective_at.astimezone(demo.tzinfo).date()

    assert program.published_at is not None
    for session in sessions:
        assert session.starts_at.astimezone(demo.tzinfo).date() == day
        assert session.ends_at.astimezone(demo.tzinfo).date() == day
        assert session.starts_at < session.ends_at
    by_room = {}
    for session in sessions:
        by_room.setdefault(session.room, []).append(session)
    for room, items in by_room.items():
        items.sort(key=lambda s: s.starts_at)
        for before, after in zip(items, items[1:], strict=False):
            assert before.ends_at <= after.starts_at, room
    kinds = {s.kind for s in sessions}
    assert {SessionKind.TALKS, SessionKind.POSTERS, SessionKind.INVITED, SessionKind.BREAK} <= kinds
    invited = next(s for s in sessions if s.kind == SessionKind.INVITED)
    assert invited.people.filter(role="speaker").exists()
    # Every accepted paper is in the program once: talks in the talk session, posters in the
    # poster session.
    slots = Slot.objects.filter(session__workshop=demo, submission__isnull=False)
    scheduled = Counter(slots.values_list("submission_id", flat=True))
    accepted = {p.pk: p.decision.outcome for p in accepted_submissions(demo)}
    assert set(scheduled) == set(accepted) and set(scheduled.values()) == {1}
    for slot in slots.select_related("session"):
        expected = (
            SessionKind.TALKS
            if accepted[slot.submission_id] == DecisionOutcome.ACCEPT_TALK
            else SessionKind.POSTERS
        )
        assert slot.session.kind == expected
    talk_session = next(s for s in sessions if s.kind == SessionKind.TALKS)
    minutes = sum(talk_session.slots.values_list("duration_minutes", flat=True))
    assert minutes <= (talk_session.ends_at - talk_session.starts_at).seconds // 60


def test_the_main_steps_are_in_the_activity_log(demo):
    entries = Entry.objects.filter(workshop=demo)
    kinds = set(entries.values_list("kind", flat=True))

    assert {
        Kind.SUBMISSION,
        Kind.PHASE,
        Kind.ASSIGNMENT,
        Kind.REVIEW,
        Kind.DECISION,
        Kind.CAMERA_READY,
        Kind.TERMS,
        Kind.SETTINGS,
        Kind.PROGRAM,
    } <= kinds
    paper_kinds = [Kind.SUBMISSION, Kind.ASSIGNMENT, Kind.REVIEW, Kind.DECISION]
    paper_kinds += [Kind.CAMERA_READY, Kind.TERMS]
    # An entry about a paper names it (a conflicted chair must not see it).
    assert not entries.filter(kind__in=paper_kinds, submission__isnull=True).exists()
    # Dated along the 2025 calendar, not the day of the run.
    assert set(entries.values_list("created_at__year", flat=True)) == {2025}
    phases = list(
        entries.filter(kind=Kind.PHASE).order_by("created_at").values_list("to_state", flat=True)
    )
    assert phases == [
        Phase.BIDDING,
        Phase.REVIEWING,
        Phase.DISCUSSION,
        Phase.DECISIONS,
        Phase.NOTIFIED,
    ]


def test_open_edition_phase_follows_its_dates(demo):
    workshop = Workshop.objects.prefetch_related("dates").get(slug=OPEN)
    settings = ReviewSettings.objects.select_related("workshop").get(workshop=workshop)

    assert workshop.accepts_new_submissions()
    assert settings.phase == phase_by_dates(settings, timezone.now()) == Phase.SUBMISSION
    # Nothing of a later phase exists yet: no bids, assignments, reviews or decisions.
    for model, field in (
        (Bid, "submission__workshop"),
        (Assignment, "submission__workshop"),
        (Review, "assignment__submission__workshop"),
        (Decision, "submission__workshop"),
    ):
        assert not model.objects.filter(**{field: workshop}).exists(), model.__name__
    assert Submission.objects.filter(workshop=workshop, state="submitted").exists()
    assert Submission.objects.filter(workshop=workshop, state="draft").exists()


def test_load_demo_twice_creates_nothing_and_keeps_a_chairs_edits(demo):
    Program.objects.filter(workshop=demo).update(published_at=None)
    session = Session.objects.filter(workshop=demo, kind=SessionKind.BREAK).first()
    session.title = "Long coffee break"
    session.save()
    first = counts()

    output = load()

    assert counts() == first
    assert "0 papers" in output
    assert Program.objects.get(workshop=demo).published_at is None
    assert Session.objects.filter(title="Long coffee break").exists()


def test_load_demo_writes_no_email_to_deliver(demo):
    # The only outbox rows are the demo's sent and failed examples, never delivered again.
    assert not OutgoingEmail.objects.exclude(idempotency_key__startswith="demo:").exists()
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) <= {"sent", "failed"}
    assert not OutgoingEmail.objects.filter(workshop=demo).exists()


def test_public_pages_of_both_editions_render(client, demo):
    open_page = client.get(f"/w/{OPEN}/")
    complete_page = client.get(f"/w/{COMPLETE}/")

    assert open_page.status_code == 200 and complete_page.status_code == 200
    assert "Submit a paper" in open_page.content.decode()
    html = complete_page.content.decode()
    assert "(demo, complete cycle)" in html and "Demo edition" in html
    assert "Submit a paper" not in html
    # Each edition points to the other.
    assert f'href="/w/{OPEN}/"' in html
    assert f'href="/w/{COMPLETE}/"' in open_page.content.decode()
    accepted = [p.title for p in accepted_submissions(demo)]
    rejected = list(
        Submission.objects.filter(workshop=demo, state="rejected").values_list("title", flat=True)
    )
    # The accepted papers and the program are built by their own pages; when the workshop page
    # has the section, it lists the accepted papers and never a rejected one.
    if re.search(r'id="accepted[-_]papers"', html):
        assert all(title in html for title in accepted)
        assert not any(title in html for title in rejected)
    if re.search(r'id="program"', html):
        assert all(s.title in html for s in Session.objects.filter(workshop=demo))


def test_demo_orcid_ids_have_a_valid_check_digit_and_belong_to_nobody():
    # The check digit of ORCID's own documented example, 0000-0002-1825-0097.
    assert cycle.orcid(21825009) == "0000-0002-1825-0097"
    assert cycle.orcid(1010).startswith("0000-0000-")


def test_every_row_of_the_complete_edition_passes_model_validation(demo):
    for model in (
        Submission,
        Decision,
        CameraReady,
        PublicationSettings,
        TermsAcceptance,
        Program,
        Session,
        Slot,
    ):
        rows = model.objects.all()
        assert rows.exists(), model.__name__
        for row in rows:
            row.full_clean()


def test_a_chairs_phase_change_on_the_open_edition_survives_a_rerun(demo):
    from reviews.services.phases import set_phase

    workshop = Workshop.objects.get(slug=OPEN)
    set_phase(workshop, Phase.BIDDING)

    load()

    assert ReviewSettings.objects.get(workshop=workshop).phase == Phase.BIDDING


def test_reset_brings_an_open_edition_left_in_discussion_back_to_its_dates(demo):
    """A database loaded when the open edition was kept in "discussion" with reviews."""
    from reviews import demo as reviews_demo
    from reviews.services.phases import set_phase

    workshop = Workshop.objects.get(slug=OPEN)
    set_phase(workshop, Phase.DISCUSSION)
    reviews_demo.load()
    assert Review.objects.filter(assignment__submission__workshop=workshop).exists()
    complete = counts()

    out = io.StringIO()
    call_command("load_demo", "--reset", stdout=out)

    assert ReviewSettings.objects.get(workshop=workshop).phase == Phase.SUBMISSION
    for model, field in (
        (Bid, "submission__workshop"),
        (Assignment, "submission__workshop"),
        (Review, "assignment__submission__workshop"),
        (Decision, "submission__workshop"),
    ):
        assert not model.objects.filter(**{field: workshop}).exists(), model.__name__
    assert not OutgoingEmail.objects.filter(
        idempotency_key__startswith=f"demo:{OPEN}:assigned-"
    ).exists()
    # The papers and the complete edition are kept.
    after = counts()
    for name in ("Submission", "CameraReady", "Session", "TermsAcceptance", "DecisionRelease"):
        assert after[name] == complete[name], name
