"""Fixtures of the submissions tests: an open double-blind call, authors, PDFs, media in tmp."""

import datetime as dt

import pytest
from django.utils import timezone

from submissions.enums import SubmissionState
from submissions.services import deadlines
from tests import factories as base
from tests.pdfs import make_pdf


@pytest.fixture(autouse=True)
def _files_and_links(media_root, settings):
    """Uploads go to the test's own folder; links point at the public site."""
    settings.SITE_URL = "https://cfp.example.org"


@pytest.fixture
def deadline():
    # 23:59:59 AoE (UTC-12) on 28 February 2026 is 11:59:59 UTC on 1 March.
    return dt.datetime(2026, 3, 1, 11, 59, 59, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch, deadline):
    """Pin the deadlines clock; returns a setter."""
    state = {"now": deadline - dt.timedelta(days=7)}
    monkeypatch.setattr(deadlines, "now", lambda: state["now"])

    def set_now(value):
        state["now"] = value

    return set_now


@pytest.fixture
def workshop(db, deadline):
    workshop = base.WorkshopFactory(
        code_of_conduct_url="https://example.org/coc",
        dual_submission_allowed=False,
    )
    base.ImportantDateFactory(workshop=workshop, original_at=deadline)
    return workshop


@pytest.fixture
def paper_type(workshop):
    return base.SubmissionTypeFactory(
        workshop=workshop, name="Full paper", page_limit=8, extra_pages_allowance=2
    )


@pytest.fixture
def topics(workshop):
    return [
        base.TopicFactory(workshop=workshop, name="Backdoor attacks"),
        base.TopicFactory(workshop=workshop, name="Defenses"),
    ]


@pytest.fixture
def call(workshop, paper_type, topics):
    """The open call with its type and topics, the way most tests need it."""
    return workshop


@pytest.fixture
def author_user(db):
    return base.UserFactory(
        full_name="Ada Lovelace", email="ada@analytical.example", affiliation="Analytical Society"
    )


@pytest.fixture
def author_client(client, author_user, frozen_now):
    client.force_login(author_user)
    return client


@pytest.fixture
def pdf_bytes():
    return make_pdf(3)


@pytest.fixture
def make_submission(call, author_user, paper_type, topics):
    """A complete submission by ``author_user`` (submitted unless ``state`` says otherwise)."""

    def make(state=SubmissionState.SUBMITTED, co_authors=(), **kwargs):
        submission = base.SubmissionFactory(
            workshop=call,
            created_by=author_user,
            submission_type=paper_type,
            state=state,
            ack_code_of_conduct=True,
            ack_dual_submission=True,
            ack_anonymized=True,
            submitted_at=timezone.now() if state != SubmissionState.DRAFT else None,
            **kwargs,
        )
        submission.topics.set([topics[0]])
        base.AuthorshipFactory(
            submission=submission,
            name=author_user.full_name,
            email=author_user.email,
            affiliation=author_user.affiliation,
            user=author_user,
            is_contact=True,
            order=0,
        )
        for i, co in enumerate(co_authors, start=1):
            base.AuthorshipFactory(submission=submission, order=i, **co)
        base.SubmissionFileFactory(submission=submission, pages=3)
        return submission

    return make
