"""The response demo edition's cycle, for ``manage.py load_demo`` (after the other loaders).

The edition ``seeds.RESPONSE_EDITION`` (its workshop, call, accounts and committee come from
``loader``) stands between reviewing and decisions: its papers were submitted before the
deadline with anonymized PDFs, bids were made, reviewers were assigned and their reviews are in
(one is late), two area chairs oversee three papers each, the author response is open and two
papers have a response, one review was updated after its paper's response, one meta-review is
submitted and one is a draft, and nothing is decided. The review settings follow the dates, so
the phase is the one they imply: "Author response". Reviewer guidelines, two custom review
questions and two custom submission fields come with their answers.

Built once: when the edition has no paper yet, everything is written in one transaction; when it
has papers, nothing is touched (a chair's edits stay), except that the edition's calendar is
kept around today: once its response deadline has passed (and no decision has been staged), its
dates and every dated row of its cycle move forward together by the same time, so the response
window is open again and every row keeps its place in the calendar (``roll``). Rows are written
directly, never through the services that queue e-mail: nothing is put in the outbox.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from activity.models import Entry, Kind
from reviews.demo import EXPERTISE, REVIEW_TEXTS, _score, _summary, _tone
from reviews.enums import (
    BidPreference,
    DecisionOutcome,
    MetaReviewState,
    Phase,
    ResponseReviews,
    ReviewState,
)
from reviews.models import (
    AreaChairAssignment,
    Assignment,
    AuthorResponse,
    Bid,
    Comment,
    Conflict,
    Decision,
    EmergencyReviewerRequest,
    MetaReview,
    Review,
    ReviewerProfile,
    ReviewQuestion,
    ReviewScore,
    ReviewSettings,
    ReviewVersion,
)
from reviews.models.questions import AnswerVisibility, QuestionKind
from reviews.permissions import forget_settings
from reviews.services import questions as question_answers
from reviews.services.conflicts import active_conflict_pairs, detect_conflicts
from reviews.services.phases import phase_by_dates
from reviews.services.review_versions import snapshot_of
from submissions.enums import FileKind, SubmissionState
from submissions.models import (
    Authorship,
    FieldKind,
    FieldVisibility,
    Submission,
    SubmissionField,
    SubmissionFile,
)
from submissions.services import fields as field_answers
from workshops.custom_fields import record_definition
from workshops.enums import AOE, DateKind, MemberRole
from workshops.models import ImportantDate, Membership, Workshop

from . import seeds
from .cycle import _backdate, _log, _log_phase, _store_pdf
from .loader import end_of_day
from .pdf import paper_pdf_bytes

SLUG = seeds.RESPONSE_EDITION["slug"]
# The response deadline is this many days after the day of the run that builds or rolls.
RESPONSE_DAYS_AHEAD = next(
    d["in_days"] for d in seeds.RESPONSE_EDITION["dates"] if d["kind"] == DateKind.AUTHOR_RESPONSE
)

# (title, abstract, keywords, author indexes (0 = author1), submission type index,
#  recommendations of the three reviews (1 = strong reject ... 6 = strong accept))
PAPERS = [
    (
        "Backdoor Triggers That Survive Model Distillation",
        "We show that backdoors planted in a teacher model transfer to distilled students far "
        "more often than assumed, and that trigger robustness predicts the transfer.",
        "backdoors, distillation",
        (0, 2),
        0,
        (5, 4, 3),
    ),
    (
        "Auditing Differential Privacy Claims of Open-Source Training Libraries",
        "We audit the privacy guarantees of five open-source differentially private training "
        "libraries with membership inference canaries and find two accounting errors.",
        "differential privacy, auditing",
        (1,),
        0,
        (6, 5, 5),
    ),
    (
        "Shortcut Features in Toxicity Classifiers Under Dialect Shift",
        "We find that toxicity classifiers rely on dialect markers as shortcuts, and that "
        "their error rates double when the test data shifts to an unseen dialect.",
        "distribution shift, fairness, shortcuts",
        (3, 4),
        1,
        (2, 3, 2),
    ),
    (
        "Privacy Risks of Retrieval-Augmented Generation Caches",
        "Shared caches of retrieval-augmented generation systems leak which documents other "
        "users retrieved; we measure the leakage on two deployed designs.",
        "privacy, retrieval-augmented generation",
        (5, 6),
        1,
        (4, 3, 5),
    ),
    (
        "Evaluating Unlearning With Membership Inference Is Not Enough",
        "We construct models that pass membership-inference unlearning tests while still "
        "encoding the deleted records, and argue for stronger unlearning evaluations.",
        "machine unlearning, evaluation",
        (7,),
        2,
        (1, 2, 2),
    ),
    (
        "Calibrated Abstention for Certified Robustness",
        "We let certified classifiers abstain when the certificate is weak, and show that "
        "calibrated abstention raises certified accuracy at a fixed coverage.",
        "certified robustness, abstention",
        (2,),
        2,
        (4, 4, 5),
    ),
]
# The paper (0-based) whose third review is still a draft after the due date: its area chair
# has a late reviewer to remind.
LATE_REVIEW = (5, 3)
# Author responses by paper (0-based): the first one moved a reviewer to update their review.
RESPONSES = {
    0: """\
We thank the reviewers for their careful reading.

**Adaptive defenses (Reviewer 3).** We ran the two adaptive defenses the reviewer names: the \
trigger still transfers to 71% of the distilled students (Table 2 of the paper reports 78% \
without a defense). We will add these results.

**Distillation temperatures.** All temperatures from 1 to 8 are in the appendix; the transfer \
rate varies by less than five points across them.
""",
    2: """\
We respectfully disagree with the reading that the dialect markers are spurious in our data: \
Section 3 shows they are not correlated with the labels in the training set. We will add \
confidence intervals to every table, as Reviewer 1 asks, and the two recent baselines.
""",
}
# The review updated after its paper's response: (paper, reviewer ordinal, new recommendation).
UPDATED_REVIEW = (0, 3, 4)
UPDATE_NOTE = (
    "\n\nAfter the author response: the adaptive-defense results answer my main concern, and "
    "I raised my recommendation."
)
# Meta-reviews: (paper, state, recommendation, comments for the authors, note to the chairs).
META_REVIEWS = [
    (
        1,
        MetaReviewState.SUBMITTED,
        DecisionOutcome.ACCEPT_TALK,
        "The three reviews agree that the audit is careful and its findings matter to anyone "
        "who relies on these libraries. The reviewers' requests (reporting the canary budget, "
        "releasing the audit scripts) are minor.",
        "Unanimous and confident reviews; I recommend a talk.",
    ),
    (
        0,
        MetaReviewState.DRAFT,
        DecisionOutcome.ACCEPT_POSTER,
        "The reviewers find the transfer of backdoors through distillation relevant and the "
        "experiments broad; the response adds the adaptive defenses one reviewer asked for.",
        "Waiting for the discussion after the response before submitting.",
    ),
]
GUIDELINES = """\
Thank you for reviewing for the demo workshop. A few things we ask of every review:

- **Be specific.** Say what would change your mind: an experiment, a proof step, a comparison.
- **Judge the workshop paper it is.** Preliminary results are welcome; the claims must match \
the evidence.
- **Stay anonymous.** Do not search for the authors, and do not sign your review.
- **After the author response**, read it and update your review if it answers your concerns: \
every submitted version of your review is kept.

Scores: use the whole scale. A *weak accept* means you would be glad to see the paper at the \
workshop.
"""
QUESTIONS = [
    {
        "label": "Is the evidence sufficient to reproduce the main result?",
        "help_text": "Code, data and the details given in the paper and its appendix.",
        "kind": QuestionKind.CHOICE,
        "choices": ["Yes", "Partly", "No"],
        "visibility": AnswerVisibility.AUTHORS,
        "required": True,
    },
    {
        "label": "Nominate for the best paper award",
        "help_text": "Only the chairs read this answer.",
        "kind": QuestionKind.CHECKBOX,
        "choices": [],
        "visibility": AnswerVisibility.CHAIRS,
        "required": False,
    },
]
REPRODUCIBLE = {"positive": "Yes", "mixed": "Partly", "negative": "No"}
FIELDS = [
    {
        "label": "Is the first author a student?",
        "help_text": "Student papers are considered for the best student paper award.",
        "kind": FieldKind.CHOICE,
        "choices": ["Yes", "No"],
        "visibility": FieldVisibility.CHAIRS,
        "required": True,
    },
    {
        "label": "Link to anonymized code",
        "help_text": "An anonymized repository; leave empty when there is no code.",
        "kind": FieldKind.URL,
        "choices": [],
        "visibility": FieldVisibility.REVIEWERS,
        "required": False,
    },
]
DISCUSSION = {
    0: [
        ("ac", "The authors responded. Reviewer 3, does the response address your concern?"),
        ("reviewer3", "Yes: I updated my review and raised my recommendation."),
    ],
    2: [
        ("ac", "Please read the authors' response before the discussion closes."),
    ],
}


def load(stdout=None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Build the response edition's cycle if it has no paper yet, and keep its calendar around
    today; returns what was created."""
    now = now or timezone.now()
    workshop = Workshop.objects.filter(slug=SLUG).prefetch_related("dates").first()
    summary = {"papers": 0, "reviews": 0, "responses": 0, "meta_reviews": 0, "rolled_days": 0}
    if workshop is not None:
        if not Submission.objects.filter(workshop=workshop).exists():
            _build(workshop, summary, now)
        else:
            summary["rolled_days"] = roll(workshop, now)
    if stdout is not None:
        stdout.write(
            f"  response edition: {summary['papers']} papers, {summary['reviews']} reviews, "
            f"{summary['responses']} author responses, {summary['meta_reviews']} meta-reviews "
            "created"
            + (f"; calendar moved {summary['rolled_days']} days" if summary["rolled_days"] else "")
            + "\n"
        )
    return summary


def _date(workshop, kind: str) -> dt.datetime:
    return workshop.date(kind).effective_at


@transaction.atomic
def _build(workshop, summary, now) -> None:
    users = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=[u["email"] for u in seeds.USERS])
    }
    members = Membership.objects.filter(workshop=workshop).select_related("user")
    chair = next((m.user for m in members if m.role == MemberRole.CHAIR), None)
    reviewers = sorted(
        (m.user for m in members if m.role == MemberRole.REVIEWER), key=lambda u: u.email
    )
    area_chairs = sorted(
        (m.user for m in members if m.role == MemberRole.AREA_CHAIR), key=lambda u: u.email
    )
    authors = [users.get(a["email"]) for a in seeds.AUTHORS]
    dates = {d.kind for d in workshop.dates.all()}
    needed = {DateKind.PAPER_SUBMISSION, DateKind.REVIEWS_DUE, DateKind.AUTHOR_RESPONSE}
    if chair is None or len(reviewers) < 3 or not area_chairs or None in authors:
        return  # the edition's committee or accounts were changed: nothing to build on
    if not needed <= dates or _date(workshop, DateKind.REVIEWS_DUE) >= now:
        return  # a chair changed the calendar: a response edition needs its reviews in
    types = list(workshop.submission_types.order_by("order"))
    topics = list(workshop.topics.order_by("order"))
    deadline = workshop.submission_deadline
    due = _date(workshop, DateKind.REVIEWS_DUE)
    bidding_closes = deadline + dt.timedelta(days=5)

    # --- Settings: guidelines, the response, questions and fields -------------------------------
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.workshop = workshop
    settings.follow_dates = True
    settings.bidding_closes_at = bidding_closes
    settings.guidelines = GUIDELINES
    settings.area_chairs_per_paper = 1
    settings.response_enabled = True
    settings.response_word_limit = 500
    settings.response_reviews = ResponseReviews.WITH_SCORES
    settings.phase = phase_by_dates(settings, now)
    settings.save()
    forget_settings(workshop)
    questions = []
    for order, item in enumerate(QUESTIONS):
        question = ReviewQuestion.objects.create(workshop=workshop, order=order, **item)
        questions.append(question)
        _definition_logged(
            workshop, chair, "review question", question, deadline - dt.timedelta(days=40)
        )
    fields = []
    for order, item in enumerate(FIELDS):
        field = SubmissionField.objects.create(workshop=workshop, order=order, **item)
        fields.append(field)
        _definition_logged(
            workshop, chair, "submission field", field, deadline - dt.timedelta(days=40)
        )

    # --- Call: papers submitted shortly before the deadline ----------------------------------
    papers, contacts = [], []
    for number, (title, abstract, keywords, who, type_index, _recs) in enumerate(PAPERS, 1):
        people = [authors[i] for i in who]
        submitted = deadline - dt.timedelta(hours=5 + 11 * number)
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
        _backdate(Submission, paper.pk, created_at=submitted - dt.timedelta(days=3 + number % 3))
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
        answers = {fields[0].pk: "Yes" if number % 2 else "No"}
        if number % 3 != 0:
            answers[fields[1].pk] = f"https://anonymous-code.example/r/dtml-ar-{number}"
        field_answers.write_answers(paper, field_answers.check_answers(fields, answers))
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
        papers.append(paper)
        contacts.append(people[0])
    summary["papers"] = len(papers)

    # --- Committee: profiles, conflicts, bids -------------------------------------------------
    _log_phase(workshop, chair, Phase.SUBMISSION, Phase.BIDDING, deadline + dt.timedelta(hours=13))
    for i, reviewer in enumerate(reviewers):
        profile, made = ReviewerProfile.objects.get_or_create(
            workshop=workshop,
            user=reviewer,
            defaults={"max_papers": 5, "min_papers": 2, "expertise": EXPERTISE},
        )
        if made:
            profile.topics.set([topics[i % len(topics)], topics[(i + 3) % len(topics)]])
    for i, area_chair in enumerate(area_chairs):
        profile, made = ReviewerProfile.objects.get_or_create(
            workshop=workshop,
            user=area_chair,
            defaults={
                "ac_min_papers": 2,
                "ac_max_papers": 4,
                "max_papers": 0,
                "expertise": "Area chair for robustness, privacy and the evaluation of "
                "machine learning systems; I have reviewed for the main ML venues for ten years.",
            },
        )
        if made:
            profile.topics.set(topics[i::2][:3])
    last = Entry.objects.filter(workshop=workshop).order_by("-pk").values_list("pk", flat=True)
    last_pk = last[0] if last else 0
    detect_conflicts(workshop)
    Entry.objects.filter(workshop=workshop, kind=Kind.CONFLICT, pk__gt=last_pk).update(
        created_at=deadline + dt.timedelta(days=1)
    )
    conflicts = active_conflict_pairs(workshop)
    preferences = [BidPreference.EAGER, BidPreference.WILLING, BidPreference.NEUTRAL]
    bids = [
        Bid(submission=paper, reviewer=reviewer, preference=preferences[(p + r) % 3])
        for p, paper in enumerate(papers)
        for r, reviewer in enumerate(reviewers)
        if (paper.pk, reviewer.pk) not in conflicts
    ]
    Bid.objects.bulk_create(bids)
    _log_phase(workshop, chair, Phase.BIDDING, Phase.REVIEWING, bidding_closes)

    # --- Area chairs: three papers each ------------------------------------------------------
    ac_of = {}
    for p, paper in enumerate(papers):
        candidates = [area_chairs[(p + k) % len(area_chairs)] for k in range(len(area_chairs))]
        area_chair = next((a for a in candidates if (paper.pk, a.pk) not in conflicts), None)
        if area_chair is None:
            continue
        ac_assignment = AreaChairAssignment.objects.create(
            submission=paper, area_chair=area_chair, created_by=chair
        )
        _backdate(AreaChairAssignment, ac_assignment.pk, created_at=bidding_closes)
        ac_of[p] = ac_assignment
        _log(
            workshop,
            bidding_closes,
            kind=Kind.ASSIGNMENT,
            action="area_chair_assigned",
            actor=chair,
            submission=paper,
            message="Area chair assigned.",
        )

    # --- Reviews, submitted before the due date -------------------------------------------------
    criteria = list(workshop.criteria.order_by("order"))
    reviews_of = {}
    for p, paper in enumerate(papers):
        candidates = [
            reviewers[(p + k) % len(reviewers)]
            for k in range(len(reviewers))
            if (paper.pk, reviewers[(p + k) % len(reviewers)].pk) not in conflicts
        ]
        for ordinal, (reviewer, recommendation) in enumerate(
            zip(candidates[:3], PAPERS[p][5], strict=False), 1
        ):
            assignment = Assignment.objects.create(
                submission=paper, reviewer=reviewer, ordinal=ordinal, due_at=due, created_by=chair
            )
            _backdate(Assignment, assignment.pk, created_at=bidding_closes)
            _log(
                workshop,
                bidding_closes,
                kind=Kind.ASSIGNMENT,
                action="assigned",
                actor=chair,
                submission=paper,
                message=f"Reviewer {ordinal} assigned.",
            )
            written = due - dt.timedelta(days=(p + ordinal) % 5 + 1, hours=ordinal)
            late = (p, ordinal) == (LATE_REVIEW[0], LATE_REVIEW[1])
            review = _review(
                assignment,
                criteria,
                questions,
                recommendation,
                seed=p + ordinal,
                when=written,
                draft=late,
            )
            reviews_of[(p, ordinal)] = review
            if late:
                continue
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
    # The calendar opened the response when the reviews were due.
    _log(
        workshop,
        due + dt.timedelta(minutes=5),
        kind=Kind.PHASE,
        action="phase_changed",
        actor=None,
        from_state=Phase.REVIEWING,
        to_state=Phase.RESPONSE,
        message=f"Review phase moved by the calendar: {Phase.REVIEWING.label} → "
        f"{Phase.RESPONSE.label}",
        changes={"phase": (Phase.REVIEWING, Phase.RESPONSE)},
    )

    # --- Author responses, and a review updated after one -----------------------------------
    for p, text in RESPONSES.items():
        paper = papers[p]
        contact = contacts[p]
        written = due + dt.timedelta(days=1, hours=2 + p)
        response = AuthorResponse.objects.create(
            submission=paper,
            text=text,
            words=len(text.split()),
            written_by=contact,
            submitted_at=written,
            # Reviewers and the area chair count as told (the demo sends no e-mail).
            notified_at=written + dt.timedelta(minutes=5),
        )
        _backdate(AuthorResponse, response.pk, created_at=written, updated_at=written)
        _log(
            workshop,
            written,
            kind=Kind.SUBMISSION,
            action="response_submitted",
            actor=contact,
            submission=paper,
            message=f"Author response submitted ({response.words} words).",
        )
        summary["responses"] += 1
    p, ordinal, raised = UPDATED_REVIEW
    review = reviews_of[(p, ordinal)]
    updated = due + dt.timedelta(days=2, hours=3)
    before = review.recommendation
    review.recommendation = raised
    review.comments += UPDATE_NOTE
    review.save(update_fields=["recommendation", "comments"])
    for score in review.scores.select_related("criterion"):
        score.value = _score(raised, len(score.criterion.scale), 0)
        score.save(update_fields=["value"])
    ReviewVersion.objects.create(
        review=review,
        number=2,
        snapshot=snapshot_of(review),
        submitted_at=updated,
        after_response=True,
    )
    _backdate(Review, review.pk, updated_at=updated, version=2)
    _log(
        workshop,
        updated,
        kind=Kind.REVIEW,
        action="updated",
        actor=review.assignment.reviewer,
        submission=papers[p],
        message=f"Review of reviewer {ordinal} updated after the author response.",
        changes={"recommendation": (before, raised)},
    )

    # --- Discussion and meta-reviews -----------------------------------------------------------
    for p, messages in DISCUSSION.items():
        if p not in ac_of:
            continue
        for minutes, (who, body) in enumerate(messages):
            author = (
                ac_of[p].area_chair
                if who == "ac"
                else reviews_of[(p, int(who[-1]))].assignment.reviewer
            )
            comment = Comment.objects.create(submission=papers[p], author=author, body=body)
            when = due + dt.timedelta(days=1, hours=6 + 20 * minutes)
            _backdate(Comment, comment.pk, created_at=when)
    for p, state, recommendation, comments, note in META_REVIEWS:
        if p not in ac_of:
            continue
        written = due + dt.timedelta(days=1, hours=1)
        meta = MetaReview.objects.create(
            assignment=ac_of[p],
            state=state,
            recommendation=recommendation,
            comments=comments,
            confidential_note=note,
            submitted_at=written if state == MetaReviewState.SUBMITTED else None,
        )
        _backdate(MetaReview, meta.pk, created_at=written, updated_at=written)
        if state == MetaReviewState.SUBMITTED:
            _log(
                workshop,
                written,
                kind=Kind.REVIEW,
                action="meta_review_submitted",
                actor=ac_of[p].area_chair,
                submission=papers[p],
                message="Meta-review submitted.",
            )
        summary["meta_reviews"] += 1


def _definition_logged(workshop, chair, what: str, definition, when) -> None:
    last = Entry.objects.filter(workshop=workshop).order_by("-pk").values_list("pk", flat=True)
    last_pk = last[0] if last else 0
    record_definition(
        workshop=workshop, by=chair, what=what, label=definition.label, action="added"
    )
    Entry.objects.filter(workshop=workshop, pk__gt=last_pk).update(created_at=when)


def _review(assignment, criteria, questions, recommendation: int, *, seed: int, when, draft: bool):
    """A review in line with its recommendation; ``draft``: the reviewer is late and has only
    started (texts, no recommendation yet, not submitted)."""
    tone = _tone(recommendation)
    texts = REVIEW_TEXTS[tone]
    strengths, weaknesses, comments = texts[seed % len(texts)]
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.DRAFT if draft else ReviewState.SUBMITTED,
        recommendation=None if draft else recommendation,
        confidence=None if draft else 2 + seed % 4,
        summary=_summary(assignment.submission),
        strengths=strengths,
        weaknesses="" if draft else weaknesses,
        comments="" if draft else comments,
        submitted_at=None if draft else when,
    )
    _backdate(Review, review.pk, created_at=when - dt.timedelta(days=2), updated_at=when)
    if draft:
        return review
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
    values = {questions[0].pk: REPRODUCIBLE[tone]}
    if recommendation == 6:
        values[questions[1].pk] = True
    question_answers.write_answers(review, question_answers.check_answers(questions, values))
    ReviewVersion.objects.create(
        review=review, number=1, snapshot=snapshot_of(review), submitted_at=when
    )
    return review


# --- Keeping the calendar around today --------------------------------------------------------

# Every dated field of the edition's rows, by model and the path from the model to the workshop.
DATED = [
    (
        Submission,
        "workshop",
        ("created_at", "updated_at", "submitted_at", "withdrawn_at", "deadline_override"),
    ),
    (SubmissionFile, "submission__workshop", ("uploaded_at",)),
    (Bid, "submission__workshop", ("updated_at",)),
    (Conflict, "submission__workshop", ("created_at", "dismissed_at")),
    (Assignment, "submission__workshop", ("created_at", "due_at")),
    (Review, "assignment__submission__workshop", ("created_at", "updated_at", "submitted_at")),
    (ReviewVersion, "review__assignment__submission__workshop", ("submitted_at",)),
    (AreaChairAssignment, "submission__workshop", ("created_at",)),
    (EmergencyReviewerRequest, "submission__workshop", ("created_at", "handled_at")),
    (MetaReview, "assignment__submission__workshop", ("created_at", "updated_at", "submitted_at")),
    (
        AuthorResponse,
        "submission__workshop",
        ("created_at", "updated_at", "submitted_at", "notified_at", "deadline_override"),
    ),
    (Comment, "submission__workshop", ("created_at",)),
    (Entry, "workshop", ("created_at",)),
    (ReviewQuestion, "workshop", ("created_at",)),
    (SubmissionField, "workshop", ("created_at",)),
    (ImportantDate, "workshop", ("original_at", "extended_at")),
    (ReviewSettings, "workshop", ("bidding_closes_at", "late_reviews_until")),
]


def roll(workshop, now) -> int:
    """Once the response deadline (extension included) has passed, move the edition's dates and
    every dated row of its cycle forward by the same whole number of days, so that the response
    window is open again with its deadline ``RESPONSE_DAYS_AHEAD`` days ahead, and put the phase
    back to the one the dates imply. Nothing moves while the window is open, nor once a chair has
    taken the edition elsewhere: a phase other than the response or the discussion the calendar
    leads to, a staged decision, or review settings that no longer follow the dates. Returns the
    number of days moved."""
    response = workshop.date(DateKind.AUTHOR_RESPONSE)
    if response is None or response.effective_at >= now:
        return 0
    settings = ReviewSettings.objects.filter(workshop=workshop).first()
    if (
        settings is None
        or not settings.follow_dates
        or settings.phase not in (Phase.RESPONSE, Phase.DISCUSSION)
        or Decision.objects.filter(submission__workshop=workshop).exists()
    ):
        return 0
    zone = workshop.timezone or AOE
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    target = end_of_day(today + dt.timedelta(days=RESPONSE_DAYS_AHEAD), zone)
    days = -((response.effective_at - target) // dt.timedelta(days=1))  # rounded up
    shift = dt.timedelta(days=days)
    with transaction.atomic():
        # The calendar's move to the discussion when the window closed is undone by the roll.
        Entry.objects.filter(
            workshop=workshop,
            kind=Kind.PHASE,
            actor__isnull=True,
            created_at__gt=response.effective_at,
            to_state=Phase.DISCUSSION,
        ).delete()
        for model, path, names in DATED:
            rows = model.objects.filter(**{path: workshop})
            for name in names:
                # One field at a time: an empty date stays empty.
                rows.filter(**{f"{name}__isnull": False}).update(**{name: F(name) + shift})
        workshop = Workshop.objects.prefetch_related("dates").get(pk=workshop.pk)
        year = max(d.original_at for d in workshop.dates.all()).year
        Workshop.objects.filter(pk=workshop.pk).update(year=year)
        settings = ReviewSettings.objects.get(pk=settings.pk)
        settings.workshop = workshop
        ReviewSettings.objects.filter(pk=settings.pk).update(phase=phase_by_dates(settings, now))
    forget_settings(workshop)
    return days
