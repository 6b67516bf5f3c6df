"""The complete demo edition's cycle, for ``manage.py load_demo`` (after the other loaders).

The edition ``seeds.COMPLETE_EDITION`` (its workshop, call, accounts and committee come from
``loader``) gets the whole life of a workshop, dated along its 2025 calendar: papers submitted
before the deadline with anonymized PDFs, bids, assignments and submitted reviews, a discussion,
released decisions (accepted as talk or poster, or rejected), camera-ready PDFs naming their
authors, confirmed author lists with affiliations and ORCID iDs, accepted copyright terms, the
accepted papers and the program published, and an activity log of the main steps.

Built once: when the edition has no paper yet, everything is written in one transaction; when it
has papers, nothing is touched, so a chair's edits (an unpublished program, a moved session)
stay. Rows are written directly, never through the services that queue e-mail: nothing is put in
the outbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from activity.models import Entry, Kind
from activity.services import record
from program.models import Program, Session, SessionKind, Slot
from publication.models import (
    CameraReady,
    PublicationSettings,
    TermsAcceptance,
    TermsKind,
)
from reviews.demo import EXPERTISE, REVIEW_TEXTS, _score, _summary, _tone
from reviews.enums import BidPreference, DecisionOutcome, Phase, ReviewState
from reviews.models import (
    Assignment,
    Bid,
    Comment,
    Decision,
    DecisionRelease,
    Review,
    ReviewerProfile,
    ReviewScore,
    ReviewSettings,
)
from reviews.services.conflicts import active_conflict_pairs, detect_conflicts
from submissions.enums import FileKind, SubmissionState
from submissions.models import Authorship, Submission, SubmissionFile
from workshops.enums import DateKind, MemberRole, PersonRole
from workshops.models import Membership, Workshop

from . import seeds
from .pdf import paper_pdf_bytes

SLUG = seeds.COMPLETE_EDITION["slug"]
TALK, POSTER, REJECT = (
    DecisionOutcome.ACCEPT_TALK,
    DecisionOutcome.ACCEPT_POSTER,
    DecisionOutcome.REJECT,
)

# (title, abstract, keywords, author indexes (0 = author1), submission type index, outcome)
PAPERS = [
    (
        "Adaptive Attacks Break Most Published Backdoor Detectors",
        "We evaluate eleven published backdoor detectors against attackers who know the "
        "detector, and show that all but two can be evaded at no cost in attack success.",
        "backdoor detection, adaptive attacks, evaluation",
        (0, 1),
        0,
        TALK,
    ),
    (
        "Differentially Private Fine-Tuning Without the Accuracy Cliff",
        "We show that most of the accuracy lost to differentially private fine-tuning comes "
        "from clipping a few layers, and propose a layer-wise budget that recovers it.",
        "differential privacy, fine-tuning",
        (2,),
        0,
        TALK,
    ),
    (
        "Membership Inference on Tabular Foundation Models",
        "We run membership inference attacks against three tabular foundation models and find "
        "that in-context examples leak far more than the pre-training data.",
        "membership inference, tabular data, foundation models",
        (3, 4),
        1,
        TALK,
    ),
    (
        "A Benchmark of Distribution Shifts in Medical Imaging Robustness",
        "We collect twelve naturally occurring distribution shifts in medical imaging and "
        "measure how well robustness interventions transfer across them.",
        "distribution shift, benchmark, medical imaging",
        (5,),
        1,
        POSTER,
    ),
    (
        "Fairness Audits That Survive Model Updates",
        "An audit is outdated as soon as the model is retrained. We give an incremental audit "
        "that certifies fairness metrics across updates at a fraction of the cost.",
        "fairness, auditing, accountability",
        (6, 7),
        2,
        POSTER,
    ),
    (
        "Watermark Removal Attacks Are Also Membership Signals",
        "Removing a model watermark changes the model's behaviour on its training data in a "
        "measurable way; we turn this into a membership inference signal.",
        "watermarking, membership inference",
        (1, 2),
        1,
        POSTER,
    ),
    (
        "Certified Unlearning for Gradient-Boosted Trees",
        "We give a certified unlearning procedure for gradient-boosted trees and bound the "
        "number of trees that must be retrained per deleted record.",
        "machine unlearning, certification",
        (4,),
        0,
        REJECT,
    ),
    (
        "Robustness Leaderboards Overstate Progress",
        "We re-run the top entries of two robustness leaderboards with fresh random seeds and "
        "adaptive attacks, and find the reported gaps between them mostly vanish.",
        "robustness, evaluation, leaderboards",
        (7, 0),
        2,
        REJECT,
    ),
]
# Recommendations (1 = strong reject ... 6 = strong accept) of the three reviews, by outcome.
RECOMMENDATIONS = {TALK: (6, 5, 5), POSTER: (5, 4, 3), REJECT: (2, 3, 1)}
DECISION_COMMENTS = {
    TALK: "The reviewers agree this is among the strongest submissions; it will be presented "
    "as a talk. Please address the reviewers' comments in the camera-ready version.",
    POSTER: "The committee appreciated the contribution and accepts it as a poster. Please "
    "address the reviewers' comments in the camera-ready version.",
    REJECT: "The reviewers found the topic relevant but the evidence not yet sufficient for "
    "the claims. We hope the reviews help you prepare a stronger version.",
}
EXTERNAL = {
    "name": "Jordan Reyes",
    "email": "j.reyes@unaffiliated.example",
    "affiliation": "Independent researcher",
}
TERMS = {
    "title": "Copyright transfer for the demo proceedings",
    "version": "2025-1",
    "text": """\
**Demo terms: not a legal document.**

By accepting, the authors confirm that the paper is their original work, that they have the \
right to publish it, and they grant the (fictional) publisher of the Demo Proceedings of the \
Workshop on Trustworthy ML the right to publish and distribute the camera-ready version.

The authors keep the right to post the camera-ready version on their own web pages and in \
public repositories.
""",
}
SESSION_ROOM = "Main hall"
POSTER_ROOM = "Foyer"


def orcid(number: int) -> str:
    """A well-formed ORCID iD (ISO 7064 11,2 check digit) in the 0000-0000-… block, which ORCID
    does not assign: it belongs to nobody."""
    base = f"{number:015d}"
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    digits = base + ("X" if check == 10 else str(check))
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def load(stdout=None) -> dict[str, int]:
    """Build the complete edition's cycle if it has no paper yet; returns what was created."""
    workshop = Workshop.objects.filter(slug=SLUG).prefetch_related("dates").first()
    summary = {"papers": 0, "reviews": 0, "camera_ready": 0, "sessions": 0}
    if workshop is not None and not Submission.objects.filter(workshop=workshop).exists():
        _build(workshop, summary)
    if stdout is not None:
        stdout.write(
            f"  complete edition: {summary['papers']} papers, {summary['reviews']} reviews, "
            f"{summary['camera_ready']} camera-ready versions, {summary['sessions']} "
            "program sessions created\n"
        )
    return summary


def _at(workshop, kind: str, *, days: float = 0) -> dt.datetime:
    """The date ``kind`` of the workshop, moved by ``days``."""
    return workshop.date(kind).effective_at + dt.timedelta(days=days)


def _backdate(model, pk, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)


def _log(workshop, when, **kwargs) -> Entry:
    entry = record(workshop=workshop, **kwargs)
    _backdate(Entry, entry.pk, created_at=when)
    return entry


@transaction.atomic
def _build(workshop, summary) -> None:
    users = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=[u["email"] for u in seeds.USERS])
    }
    members = Membership.objects.filter(workshop=workshop).select_related("user")
    chair = next((m.user for m in members if m.role == MemberRole.CHAIR), None)
    reviewers = sorted(
        (m.user for m in members if m.role == MemberRole.REVIEWER), key=lambda u: u.email
    )
    authors = [users.get(a["email"]) for a in seeds.AUTHORS]
    if chair is None or len(reviewers) < 3 or None in authors:
        return  # the edition's committee or accounts were changed: nothing to build on
    types = list(workshop.submission_types.order_by("order"))
    topics = list(workshop.topics.order_by("order"))
    deadline = workshop.submission_deadline

    # --- Call: papers submitted shortly before the deadline --------------------------------
    papers = []
    for number, (title, abstract, keywords, who, type_index, outcome) in enumerate(PAPERS, 1):
        people = [authors[i] for i in who]
        submitted = deadline - dt.timedelta(hours=3 + 9 * number)
        paper = Submission.objects.create(
            workshop=workshop,
            number=number,
            submission_type=types[type_index % len(types)],
            title=title,
            abstract=abstract,
            keywords=keywords,
            created_by=people[0],
            state=SubmissionState.SUBMITTED,
            ack_code_of_conduct=bool(workshop.code_of_conduct_url),
            ack_code_of_ethics=bool(workshop.code_of_ethics_url),
            ack_dual_submission=True,
            ack_anonymized=True,
            submitted_at=submitted,
        )
        _backdate(Submission, paper.pk, created_at=submitted - dt.timedelta(days=4 + number % 3))
        paper.topics.set(topics[number % len(topics) : number % len(topics) + 2])
        order = itertools.count()
        for user in people:
            Authorship.objects.create(
                submission=paper,
                order=next(order),
                name=user.full_name,
                email=user.email.lower(),
                affiliation=user.affiliation,
                user=user,
                is_contact=user == people[0],
            )
        if number == 1:
            Authorship.objects.create(submission=paper, order=next(order), **EXTERNAL)
        pages = min(3 + number % 4, paper.submission_type.max_pdf_pages)
        _store_pdf(
            paper,
            FileKind.PAPER,
            paper_pdf_bytes(
                title=title,
                authors=["Anonymous authors"],
                abstract=abstract,
                pages=pages,
                footer="Under review (demo)",
            ),
            pages,
            people[0],
            submitted - dt.timedelta(minutes=30),
        )
        _log(
            workshop,
            submitted,
            kind=Kind.SUBMISSION,
            action="submitted",
            actor=people[0],
            submission=paper,
            from_state=SubmissionState.DRAFT,
            to_state=SubmissionState.SUBMITTED,
        )
        papers.append((paper, people, outcome))
    summary["papers"] = len(papers)

    # --- Review: bidding, assignments, reviews, discussion -----------------------------------
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    phases = [
        (Phase.SUBMISSION, Phase.BIDDING, deadline + dt.timedelta(hours=13)),
        (Phase.BIDDING, Phase.REVIEWING, deadline + dt.timedelta(days=5)),
        (Phase.REVIEWING, Phase.DISCUSSION, _at(workshop, DateKind.REVIEWS_DUE, days=0.5)),
        (Phase.DISCUSSION, Phase.DECISIONS, _at(workshop, DateKind.REVIEWS_DUE, days=7)),
    ]
    for before, after, when in phases[:2]:
        _log_phase(workshop, chair, before, after, when)
    for i, reviewer in enumerate(reviewers):
        profile, made = ReviewerProfile.objects.get_or_create(
            workshop=workshop,
            user=reviewer,
            defaults={"max_papers": 6, "min_papers": 2, "expertise": EXPERTISE},
        )
        if made:
            profile.topics.set([topics[i % len(topics)], topics[(i + 3) % len(topics)]])
    detected_from = Entry.objects.filter(workshop=workshop).order_by("-pk").values("pk")[:1]
    last_pk = detected_from[0]["pk"] if detected_from else 0
    detect_conflicts(workshop)
    # The detection's own log entries, dated with the bidding like the rest of the story.
    Entry.objects.filter(workshop=workshop, kind=Kind.CONFLICT, pk__gt=last_pk).update(
        created_at=_at(workshop, DateKind.PAPER_SUBMISSION, days=1)
    )
    conflicts = active_conflict_pairs(workshop)
    preferences = [BidPreference.EAGER, BidPreference.WILLING, BidPreference.NEUTRAL]
    for p, (paper, _people, _outcome) in enumerate(papers):
        for r, reviewer in enumerate(reviewers):
            if (paper.pk, reviewer.pk) not in conflicts:
                Bid.objects.create(
                    submission=paper,
                    reviewer=reviewer,
                    preference=preferences[(p + r) % len(preferences)],
                )
    criteria = list(workshop.criteria.order_by("order"))
    due = _at(workshop, DateKind.REVIEWS_DUE)
    assigned_at = deadline + dt.timedelta(days=5)
    for p, (paper, _people, outcome) in enumerate(papers):
        candidates = [
            reviewers[(p + k) % len(reviewers)]
            for k in range(len(reviewers))
            if (paper.pk, reviewers[(p + k) % len(reviewers)].pk) not in conflicts
        ]
        for ordinal, (reviewer, recommendation) in enumerate(
            zip(candidates[:3], RECOMMENDATIONS[outcome], strict=False), 1
        ):
            assignment = Assignment.objects.create(
                submission=paper, reviewer=reviewer, ordinal=ordinal, due_at=due, created_by=chair
            )
            _backdate(Assignment, assignment.pk, created_at=assigned_at)
            _log(
                workshop,
                assigned_at,
                kind=Kind.ASSIGNMENT,
                action="assigned",
                actor=chair,
                submission=paper,
                message=f"Reviewer {ordinal} assigned.",
            )
            written = due - dt.timedelta(days=(p + ordinal) % 6 + 1, hours=ordinal)
            _review(assignment, criteria, recommendation, seed=p + ordinal, when=written)
            _log(
                workshop,
                written,
                kind=Kind.REVIEW,
                action="submitted",
                actor=reviewer,
                submission=paper,
                message=f"Review of reviewer {ordinal} submitted.",
            )
            summary["reviews"] += 1
        first = Assignment.objects.filter(submission=paper).order_by("ordinal").first()
        talk = [
            (chair, "The reviews agree on the outcome; any objection before we decide?"),
            (first.reviewer, "None from me: the outcome matches my review."),
        ]
        for minutes, (author, body) in enumerate(talk):
            comment = Comment.objects.create(submission=paper, author=author, body=body)
            when = phases[2][2] + dt.timedelta(hours=p, minutes=minutes)
            _backdate(Comment, comment.pk, created_at=when)
    for before, after, when in phases[2:]:
        _log_phase(workshop, chair, before, after, when)

    # --- Decisions, released at the notification date ----------------------------------------
    released = _at(workshop, DateKind.AUTHOR_NOTIFICATION, days=-0.5)
    release = DecisionRelease.objects.create(
        workshop=workshop, created_by=chair, notified_at=released
    )
    _backdate(DecisionRelease, release.pk, created_at=released)
    for paper, _people, outcome in papers:
        Decision.objects.create(
            submission=paper,
            outcome=outcome,
            comments=DECISION_COMMENTS[outcome],
            decided_by=chair,
            release=release,
            released_at=released,
        )
        state = SubmissionState.REJECTED if outcome == REJECT else SubmissionState.ACCEPTED
        Submission.objects.filter(pk=paper.pk).update(state=state)
        paper.state = state
        _log(
            workshop,
            released,
            kind=Kind.DECISION,
            action="released",
            actor=chair,
            submission=paper,
            from_state=SubmissionState.SUBMITTED,
            to_state=state,
            changes={"outcome": (None, outcome)},
        )
    _log_phase(workshop, chair, Phase.DECISIONS, Phase.NOTIFIED, released)
    ReviewSettings.objects.filter(pk=settings.pk).update(phase=Phase.NOTIFIED)

    # --- After the decision: publication settings, camera-ready, terms -------------------------
    terms_sha = hashlib.sha256(TERMS["text"].encode()).hexdigest()
    publication, _ = PublicationSettings.objects.get_or_create(
        workshop=workshop,
        defaults={
            "instructions": workshop.camera_ready_instructions,
            "terms_kind": TermsKind.COPYRIGHT,
            "terms_title": TERMS["title"],
            "terms_text": TERMS["text"],
            "terms_version": TERMS["version"],
            "material": {TALK: ["slides", "video"], POSTER: ["poster"]},
            "publish_papers": True,
        },
    )
    camera_ready_due = _at(workshop, DateKind.CAMERA_READY)
    accepted = [(paper, people, outcome) for paper, people, outcome in papers if outcome != REJECT]
    # Proceedings order: the talks, then the posters, as in the program.
    accepted.sort(key=lambda item: (item[2] != TALK, item[0].number))
    for position, (paper, people, outcome) in enumerate(accepted, 1):
        uploaded = camera_ready_due - dt.timedelta(days=position, hours=5)
        printed = [
            {
                "name": a.name,
                "affiliation": a.affiliation,
                "email": a.email,
                # Every other author gives an ORCID iD, as in real author lists.
                "orcid": orcid(1000 + paper.number * 10 + i) if i % 2 == 0 else "",
            }
            for i, a in enumerate(paper.ordered_authors)
        ]
        limit = paper.submission_type.camera_ready_page_limit or paper.submission_type.max_pdf_pages
        pages = min(4 + paper.number % 3, limit)
        _store_pdf(
            paper,
            FileKind.CAMERA_READY,
            paper_pdf_bytes(
                title=paper.title,
                authors=[
                    f"{a['name']}, {a['affiliation']}" if a["affiliation"] else a["name"]
                    for a in printed
                ],
                abstract=paper.abstract,
                pages=pages,
                footer=workshop.proceedings,
            ),
            pages,
            people[0],
            uploaded,
        )
        _log(
            workshop,
            uploaded,
            kind=Kind.CAMERA_READY,
            action="uploaded",
            actor=people[0],
            submission=paper,
            message=f"Camera-ready PDF, version 1, {pages} pages.",
        )
        final = CameraReady.objects.create(
            submission=paper,
            title=paper.title,
            abstract=paper.abstract,
            authors=printed,
            video_url=(
                f"https://video.example/demo-tml-2025/paper-{paper.number}"
                if outcome == TALK
                else ""
            ),
            confirmed_at=uploaded + dt.timedelta(minutes=10),
            confirmed_by=people[0],
            proceedings_order=position,
        )
        _log(
            workshop,
            final.confirmed_at,
            kind=Kind.CAMERA_READY,
            action="confirmed",
            actor=people[0],
            submission=paper,
            message="Title, abstract and author list confirmed.",
        )
        acceptance = TermsAcceptance.objects.create(
            submission=paper,
            user=people[0],
            kind=TermsKind.COPYRIGHT,
            terms_title=TERMS["title"],
            terms_version=TERMS["version"],
            terms_sha256=terms_sha,
        )
        accepted_at = uploaded + dt.timedelta(minutes=15)
        _backdate(TermsAcceptance, acceptance.pk, accepted_at=accepted_at)
        _log(
            workshop,
            accepted_at,
            kind=Kind.TERMS,
            action="accepted",
            actor=people[0],
            submission=paper,
            message=f"{TERMS['title']}, version {TERMS['version']}.",
        )
        summary["camera_ready"] += 1

    published = camera_ready_due + dt.timedelta(days=3)
    PublicationSettings.objects.filter(pk=publication.pk).update(accepted_published_at=published)
    _log(
        workshop,
        published,
        kind=Kind.SETTINGS,
        action="published_accepted",
        actor=chair,
        message=f"Accepted papers published ({len(accepted)}), with their camera-ready PDFs.",
        changes={"accepted_published_at": (None, published)},
    )

    # --- The program, on the workshop day --------------------------------------------------
    summary["sessions"] = _program(workshop, chair, accepted, published + dt.timedelta(days=4))


def _log_phase(workshop, chair, before, after, when) -> None:
    _log(
        workshop,
        when,
        kind=Kind.PHASE,
        action="phase_changed",
        actor=chair,
        from_state=before,
        to_state=after,
        changes={"phase": (before, after)},
    )


def _store_pdf(paper, kind, data: bytes, pages: int, by, when) -> SubmissionFile:
    record_ = SubmissionFile(
        submission=paper,
        kind=kind,
        version=1,
        original_name="camera-ready.pdf" if kind == FileKind.CAMERA_READY else "paper.pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
        uploaded_by=by,
    )
    record_.file.save(record_.original_name, ContentFile(data), save=False)
    record_.save()
    _backdate(SubmissionFile, record_.pk, uploaded_at=when)
    return record_


def _review(assignment, criteria, recommendation: int, *, seed: int, when) -> Review:
    texts = REVIEW_TEXTS[_tone(recommendation)]
    strengths, weaknesses, comments = texts[seed % len(texts)]
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED,
        recommendation=recommendation,
        confidence=2 + seed % 4,
        summary=_summary(assignment.submission),
        strengths=strengths,
        weaknesses=weaknesses,
        comments=comments,
        submitted_at=when,
    )
    _backdate(Review, review.pk, created_at=when - dt.timedelta(days=2))
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(
                review=review,
                criterion=c,
                value=_score(recommendation, len(c.scale), (seed + j) % 3 - 1),
            )
            for j, c in enumerate(criteria)
        ]
    )
    return review


def _program(workshop, chair, accepted, published_at) -> int:
    """Sessions of the workshop day, in the workshop's time zone: talks, posters, a keynote,
    a panel and breaks."""
    tz = workshop.tzinfo
    day = workshop.date(DateKind.WORKSHOP_DAY).effective_at.astimezone(tz).date()

    def at(hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    people = defaultdict(list)
    for person in workshop.people.order_by("order", "pk"):
        people[person.role].append(person)
    speakers = people.get(PersonRole.SPEAKER, [])
    panelists = people.get(PersonRole.PANELIST, [])
    talks = [paper for paper, _people, outcome in accepted if outcome == TALK]
    posters = [paper for paper, _people, outcome in accepted if outcome == POSTER]
    keynote = speakers[0] if speakers else None
    plan = [
        (SessionKind.OTHER, "Opening remarks", at(9), at(9, 15), SESSION_ROOM, [], []),
        (
            SessionKind.INVITED,
            f"Keynote: {keynote.talk_title}" if keynote else "Keynote",
            at(9, 15),
            at(10),
            SESSION_ROOM,
            [keynote] if keynote else [],
            [],
        ),
        (SessionKind.BREAK, "Coffee break", at(10), at(10, 30), "", [], []),
        (SessionKind.TALKS, "Contributed talks", at(10, 30), at(11, 30), SESSION_ROOM, [], talks),
        (SessionKind.POSTERS, "Poster session", at(11, 30), at(12, 30), POSTER_ROOM, [], posters),
        (SessionKind.BREAK, "Lunch", at(12, 30), at(13, 30), "", [], []),
        (
            SessionKind.PANEL,
            "Panel: what should a trustworthy ML workshop accept?",
            at(13, 30),
            at(14, 30),
            SESSION_ROOM,
            panelists,
            [],
        ),
        (SessionKind.OTHER, "Closing remarks", at(14, 30), at(14, 45), SESSION_ROOM, [], []),
    ]
    program, _ = Program.objects.get_or_create(workshop=workshop)
    for kind, title, starts, ends, room, persons, slot_papers in plan:
        session = Session.objects.create(
            workshop=workshop, kind=kind, title=title, starts_at=starts, ends_at=ends, room=room
        )
        if persons:
            session.people.set(persons)
        minutes = (ends - starts).seconds // 60 // max(len(slot_papers), 1)
        for order, paper in enumerate(slot_papers):
            Slot.objects.create(
                session=session,
                submission=paper,
                duration_minutes=minutes if kind == SessionKind.TALKS else None,
                order=order,
            )
    Program.objects.filter(pk=program.pk).update(published_at=published_at)
    _log(
        workshop,
        published_at,
        kind=Kind.PROGRAM,
        action="published",
        actor=chair,
        message=f"Program published: {len(plan)} sessions.",
        changes={"published_at": (None, published_at)},
    )
    return len(plan)
