"""Demo submissions for ``manage.py load_demo``: drafts, submitted and withdrawn papers with
several authors and real (blank, valid) PDFs, on the seeded workshops and the demo edition.

Idempotent: a submission is identified by its workshop and title; running ``load()`` again
changes nothing. Rows are written directly (no e-mail is queued for demo data). The PDFs are
generated with pypdf only, so no test dependency is needed at runtime.

Realistic: papers are dated shortly before their call's deadline (a 2023 call has papers
submitted in 2023), drafts exist only where the call is still open, and a workshop whose page
publishes no call (Secure and Safe ML: no dates, no submission types) has no papers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from workshops.models import Workshop

from .enums import ActivityAction, FileKind, SubmissionState
from .models import Authorship, Submission, SubmissionFile
from .pdf import minimal_pdf_bytes
from .services.state import log_activity

DEMO_EDITION = "demo-trustworthy-ml"
SEED_SLUGS = ["bands-2023", "bugs-2023", "safe-ml-2026", "secure-and-safe-ml"]
AUTHOR_EMAILS = [f"author{i}@demo.test" for i in range(1, 9)]

D, S, W = SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN

PAPERS = [
    (
        "Clean-Label Backdoors Survive Parameter-Efficient Fine-Tuning",
        "We show that clean-label backdoors planted during pre-training persist through LoRA "
        "and adapter fine-tuning, and measure how trigger strength decays with rank.",
        "backdoor attacks, fine-tuning, LoRA",
    ),
    (
        "Spectral Signatures Revisited: Detecting Poisoned Samples in Vision Transformers",
        "Spectral defenses were designed for CNNs. We revisit them for ViTs and propose a "
        "token-level variant that recovers most of the lost detection power.",
        "data poisoning, detection, vision transformers",
    ),
    (
        "Trigger Inversion at Scale for Large Language Models",
        "A gradient-free trigger inversion method for decoder-only language models that scales "
        "to 7B parameters and finds planted triggers in under an hour.",
        "trigger inversion, LLM, backdoor defense",
    ),
    (
        "Certified Robustness Against Backdoors via Randomized Ablation",
        "We certify predictions against bounded trigger patches using randomized ablation and "
        "report certified accuracy on CIFAR-10 and GTSRB.",
        "certified defenses, randomized smoothing",
    ),
    (
        "Federated Backdoors Under Secure Aggregation: A Measurement Study",
        "How much can a single malicious client achieve when the server only sees aggregates? "
        "We measure attack success across ten aggregation rules.",
        "federated learning, secure aggregation",
    ),
    (
        "Watermarks or Backdoors? Auditing Model Ownership Claims",
        "Model watermarks are benign backdoors. We propose an audit protocol that distinguishes "
        "ownership watermarks from malicious implants.",
        "watermarking, model ownership, auditing",
    ),
    (
        "Unlearning Backdoors Without Clean Data",
        "A data-free unlearning procedure that removes backdoor behaviour using synthesized "
        "inputs, evaluated against six attacks.",
        "machine unlearning, backdoor removal",
    ),
    (
        "Testing Safety Constraints of Autonomous Driving Policies with Adversarial Scenarios",
        "A search-based generator of driving scenarios that violate safety constraints, and "
        "what it found in three open-source driving stacks.",
        "safety testing, autonomous driving",
    ),
]

# (workshop slug, paper index, state, author indexes, with an external co-author)
PLAN = [
    (DEMO_EDITION, 0, S, (0, 1), True),
    (DEMO_EDITION, 1, S, (2,), False),
    (DEMO_EDITION, 2, S, (3, 4, 0), False),
    (DEMO_EDITION, 3, S, (5,), True),
    (DEMO_EDITION, 4, S, (6, 7), False),
    (DEMO_EDITION, 5, D, (1,), False),
    (DEMO_EDITION, 6, D, (0, 2), True),
    (DEMO_EDITION, 7, W, (4,), False),
    ("bands-2023", 0, S, (0, 3), False),
    ("bands-2023", 6, S, (1, 2), True),
    ("bands-2023", 1, W, (5,), False),
    ("bugs-2023", 2, S, (4, 6), False),
    ("bugs-2023", 5, S, (7,), True),
    ("safe-ml-2026", 7, S, (2, 5), False),
    ("safe-ml-2026", 3, S, (6,), False),
    # None on secure-and-safe-ml: its page publishes no deadline and no submission type.
]

EXTERNAL = {"name": "Jordan Reyes", "email": "j.reyes@unaffiliated.example", "affiliation": ""}


def load(stdout=None) -> int:
    """Create the demo submissions that do not exist yet; returns how many were created."""
    users = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=AUTHOR_EMAILS)}
    authors = [users.get(email) for email in AUTHOR_EMAILS]
    workshops = {
        w.slug: w
        for w in Workshop.objects.filter(slug__in=[DEMO_EDITION, *SEED_SLUGS]).prefetch_related(
            "submission_types", "topics", "dates"
        )
    }
    created = 0
    for slug, paper, state, author_indexes, external in PLAN:
        workshop = workshops.get(slug)
        people = [authors[i] for i in author_indexes if authors[i] is not None]
        if workshop is None or not people:
            continue
        if state == D and not _is_open(workshop):
            continue  # a draft left in a closed call would never be submitted
        if _create(workshop, PAPERS[paper], state, people, external):
            created += 1
    if stdout is not None:
        stdout.write(f"  {created} demo submissions created\n")
    return created


def _is_open(workshop) -> bool:
    deadline = workshop.submission_deadline
    return deadline is None or deadline > timezone.now()


def _timeline(workshop, number: int) -> dict[str, dt.datetime]:
    """When paper ``number`` was started and submitted: hours to days before the call's deadline
    (extension included), and never in the future while the call is open."""
    now = timezone.now()
    deadline = workshop.submission_deadline
    anchor = min(now, deadline) if deadline else now
    submitted = anchor - dt.timedelta(hours=2 + 7 * number)
    return {
        "created": submitted - dt.timedelta(days=3 + number % 4, hours=number),
        "submitted": submitted,
        "withdrawn": min(now, submitted + dt.timedelta(days=2)),
    }


@transaction.atomic
def _create(workshop, paper, state, people, external) -> bool:
    title, abstract, keywords = paper
    if Submission.objects.filter(workshop=workshop, title=title).exists():
        return False
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    number = (Submission.objects.filter(workshop=workshop).aggregate(n=Max("number"))["n"] or 0) + 1
    types = list(workshop.submission_types.all())
    topics = list(workshop.topics.all())
    when = _timeline(workshop, number)
    contact = people[0]
    submission = Submission.objects.create(
        workshop=workshop,
        number=number,
        submission_type=types[number % len(types)] if types else None,
        title=title,
        abstract=abstract,
        keywords=keywords,
        created_by=contact,
        state=state,
        ack_code_of_conduct=bool(workshop.code_of_conduct_url),
        ack_code_of_ethics=bool(workshop.code_of_ethics_url),
        ack_dual_submission=workshop.dual_submission_allowed is False,
        ack_anonymized=workshop.is_double_blind and state != SubmissionState.DRAFT,
        submitted_at=when["submitted"] if state != SubmissionState.DRAFT else None,
        withdrawn_at=when["withdrawn"] if state == SubmissionState.WITHDRAWN else None,
    )
    # created_at is set on insert (auto_now_add): date it back like the rest of the timeline.
    Submission.objects.filter(pk=submission.pk).update(created_at=when["created"])
    if topics:
        submission.topics.set(topics[number % len(topics) : number % len(topics) + 2])
    order = itertools.count()
    for user in people:
        Authorship.objects.create(
            submission=submission,
            order=next(order),
            name=user.full_name or user.email,
            email=user.email.lower(),
            affiliation=user.affiliation,
            user=user,
            is_contact=user == contact,
        )
    if external:
        Authorship.objects.create(submission=submission, order=next(order), **EXTERNAL)
    log_activity(submission, ActivityAction.CREATED, by=contact)
    if state != SubmissionState.DRAFT or number % 2:
        pages = 2 + number % 5
        if submission.submission_type is not None:
            pages = min(pages, submission.submission_type.max_pdf_pages)
        data = minimal_pdf_bytes(pages=pages, title=title)
        record = SubmissionFile(
            submission=submission,
            kind=FileKind.PAPER,
            version=1,
            original_name="paper.pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            pages=pages,
            uploaded_by=contact,
        )
        record.file.save("paper.pdf", ContentFile(data), save=False)
        record.save()
    if state != SubmissionState.DRAFT:
        log_activity(
            submission,
            ActivityAction.SUBMITTED,
            by=contact,
            from_state=SubmissionState.DRAFT,
            to_state=SubmissionState.SUBMITTED,
        )
    if state == SubmissionState.WITHDRAWN:
        log_activity(
            submission,
            ActivityAction.WITHDRAWN,
            by=contact,
            from_state=SubmissionState.SUBMITTED,
            to_state=SubmissionState.WITHDRAWN,
            message="Withdrawn by the authors (demo).",
        )
    # The activity log and the file carry the same timeline as the submission.
    activities = submission.log_entries.all()
    for action, key in (
        (ActivityAction.CREATED, "created"),
        (ActivityAction.SUBMITTED, "submitted"),
        (ActivityAction.WITHDRAWN, "withdrawn"),
    ):
        activities.filter(action=action).update(created_at=when[key])
    uploaded = when["created"] + dt.timedelta(hours=1)
    if state != SubmissionState.DRAFT:
        uploaded = when["submitted"] - dt.timedelta(minutes=20)
    SubmissionFile.objects.filter(submission=submission).update(uploaded_at=uploaded)
    return True
