"""An archival workshop with released decisions: an accepted paper by Ada (contact) and Bob,
its camera-ready due on 1 June 2026 (AoE), and two chairs. The clock is pinned."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from publication.models import PublicationSettings
from reviews.models import Decision, DecisionRelease
from submissions.enums import SubmissionState
from submissions.services import deadlines
from tests import factories as base

# Uploaded files of the browser test go to the test's own folder.
from tests.browser.conftest import _media  # noqa: E402, F401
from tests.pdfs import make_pdf

# 23:59 AoE on 1 June 2026 is 11:59 UTC on 2 June.
CR_DEADLINE = dt.datetime(2026, 6, 2, 11, 59, tzinfo=dt.UTC)
ADA = {"name": "Ada Lovelace", "email": "ada@analytical.example", "affiliation": "Engine Lab"}
BOB = {"name": "Bob Babbage", "email": "bob@difference.example", "affiliation": "Diff Inst"}


@pytest.fixture(autouse=True)
def _files_and_links(media_root, settings):
    settings.SITE_URL = "https://cfp.example.org"


@pytest.fixture
def clock(monkeypatch):
    """Pin the deadlines clock (a week before the camera-ready deadline); returns a setter."""
    state = {"now": CR_DEADLINE - dt.timedelta(days=10)}
    monkeypatch.setattr(deadlines, "now", lambda: state["now"])

    def set_now(value):
        state["now"] = value

    set_now.get = lambda: state["now"]
    return set_now


@pytest.fixture
def workshop(db, clock):
    workshop = base.WorkshopFactory(
        presentation_outcomes=["talk", "poster"], is_archival=True, timezone="Etc/GMT+12"
    )
    base.ImportantDateFactory(
        workshop=workshop,
        kind="paper_submission",
        original_at=CR_DEADLINE - dt.timedelta(days=90),
    )
    base.ImportantDateFactory(workshop=workshop, kind="camera_ready", original_at=CR_DEADLINE)
    return workshop


@pytest.fixture
def paper_type(workshop):
    return base.SubmissionTypeFactory(
        workshop=workshop,
        name="Full paper",
        page_limit=4,
        extra_pages_allowance=1,
        camera_ready_page_limit=6,
    )


@pytest.fixture
def chair(workshop):
    return base.member(
        workshop,
        "chair",
        full_name="Carla Chair",
        email="carla@chairs.example",
        affiliation="Chairs College",
    )


@pytest.fixture
def ada(db):
    return base.UserFactory(
        full_name=ADA["name"], email=ADA["email"], affiliation=ADA["affiliation"]
    )


@pytest.fixture
def bob(db):
    return base.UserFactory(
        full_name=BOB["name"], email=BOB["email"], affiliation=BOB["affiliation"]
    )


_numbers = iter(range(1, 10_000))


@pytest.fixture
def make_paper(workshop, paper_type, ada, bob, chair):
    def make(
        *,
        state=SubmissionState.ACCEPTED,
        outcome="accept_talk",
        released=True,
        authors=(ADA, BOB),
        users=None,
        submission_type=None,
    ):
        users = users if users is not None else (ada, bob)
        paper = base.SubmissionFactory(
            workshop=workshop,
            number=next(_numbers),
            title="Engines that think",
            abstract="We study engines.",
            created_by=users[0],
            submission_type=submission_type or paper_type,
            state=state,
            submitted_at=CR_DEADLINE - dt.timedelta(days=91),
        )
        for order, (author, user) in enumerate(zip(authors, users, strict=False)):
            base.AuthorshipFactory(
                submission=paper, user=user, order=order, is_contact=order == 0, **author
            )
        base.SubmissionFileFactory(submission=paper, from_pdf=True)
        if outcome:
            release = (
                DecisionRelease.objects.create(workshop=workshop, created_by=chair)
                if released
                else None
            )
            Decision.objects.create(
                submission=paper,
                outcome=outcome,
                decided_by=chair,
                release=release,
                released_at=CR_DEADLINE - dt.timedelta(days=30) if released else None,
            )
        return paper

    return make


@pytest.fixture
def paper(make_paper):
    return make_paper()


@pytest.fixture
def terms(workshop):
    return PublicationSettings.objects.create(
        workshop=workshop,
        terms_kind="copyright",
        terms_title="Copyright transfer",
        terms_text="The authors transfer the copyright to the publisher.",
        terms_version="2026-1",
        material={"accept_talk": ["slides", "video"], "accept_poster": ["poster"]},
    )


def pdf_upload(pages=3, *, text="", name="final.pdf", data=None):
    return SimpleUploadedFile(
        name, data if data is not None else make_pdf(pages, text=text), "application/pdf"
    )


def page_url(paper):
    return f"/submissions/{paper.workshop.slug}/{paper.number}/camera-ready/"


def table_url(workshop):
    return f"/submissions/{workshop.slug}/manage/camera-ready/"
