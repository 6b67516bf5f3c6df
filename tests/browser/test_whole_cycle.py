"""The whole cycle of a workshop in a real browser, each step done by its person on its page:
an author submits, the chair assigns a reviewer who reviews, the chair accepts and releases, the
author uploads the camera-ready, confirms the printed details and accepts the terms, the chair
publishes the accepted papers and the program, and a visitor reads both and downloads the PDF.

Only what would need waiting is arranged with the ORM: the submission deadline passing and the
committee starting to review."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from activity.models import Entry, Kind
from mail.models import OutgoingEmail
from program.models import Program, Slot
from publication.models import CameraReady, PublicationSettings, TermsAcceptance, TermsKind
from reviews.enums import Phase, ReviewState
from reviews.models import Decision, Review
from submissions.enums import FileKind, SubmissionState
from submissions.models import Submission
from tests import factories as base
from tests import scenarios
from tests.browser import flows
from tests.browser.test_author_flow import fill_submission_form
from tests.pdfs import make_pdf
from workshops.enums import DateKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = "application/pdf"
TITLE = "Clean-label backdoors survive fine-tuning"
TERMS_TITLE = "Copyright transfer form"
ORCID = "0000-0002-1825-0097"


@pytest.fixture
def new_page(browser, live_server):
    """A page in a browser context of its own (its own cookies): one person each."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _new_page
    for context in contexts:
        context.close()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(base.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()


def messages_text(page) -> str:
    return page.locator(".messages").inner_text()


def chair_tab(page, workshop, name: str, *, area: str = "") -> None:
    """Open a chair tab, or the tab ``name`` of the open ``area`` (its own row of tabs)."""
    bar = area or f"Chair pages of {workshop.short_name}"
    tab = page.get_by_role("navigation", name=bar, exact=True).get_by_role(
        "link", name=name, exact=True
    )
    href = tab.get_attribute("href")
    tab.click()
    page.wait_for_url(f"**{href}")


def test_whole_cycle_from_submission_to_published_program(page, login, new_page):
    now = timezone.now()
    workshop = flows.open_call(is_archival=True)
    workshop_day = (now + dt.timedelta(days=60)).date()
    base.ImportantDateFactory(
        workshop=workshop, kind=DateKind.REVIEWS_DUE, original_at=now + dt.timedelta(days=20)
    )
    base.ImportantDateFactory(
        workshop=workshop, kind=DateKind.CAMERA_READY, original_at=now + dt.timedelta(days=40)
    )
    base.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.WORKSHOP_DAY,
        original_at=dt.datetime.combine(workshop_day, dt.time(12), tzinfo=workshop.tzinfo),
    )
    base.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1)
    chair = base.member(workshop, "chair", full_name="Carla Chair", email="carla@chairs.example")
    reviewer = base.member(
        workshop,
        "reviewer",
        full_name=scenarios.REVIEWER_NAME,
        email=scenarios.REVIEWER_EMAIL,
        affiliation=scenarios.COMMITTEE_AFFILIATION,
    )
    author = base.UserFactory(
        full_name="Ada Lovelace", email="ada@analytical.example", affiliation="Analytical Society"
    )

    # 1. The author submits from the call page.
    login(author.email, base.PASSWORD)
    page.goto(workshop.get_absolute_url())
    page.get_by_role("link", name="Submit a paper").click()
    fill_submission_form(page, workshop, title=TITLE)
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(f"**/submissions/{workshop.slug}/1/")
    assert "Submission #1 is submitted" in messages_text(page)
    flows.snap(page, "cycle-1-submitted")
    paper = Submission.objects.get(workshop=workshop)
    assert paper.state == SubmissionState.SUBMITTED

    # 2. What would need waiting: the call closes and the committee starts reviewing.
    submission_date = workshop.dates.get(kind=DateKind.PAPER_SUBMISSION)
    submission_date.original_at = now - dt.timedelta(minutes=1)
    submission_date.save()
    scenarios.set_phase(workshop, Phase.REVIEWING)

    # The chair assigns the reviewer on the paper's page.
    chair_page = new_page()
    sign_in(chair_page, chair.email)
    chair_page.goto(f"/review/{workshop.slug}/manage/paper/1/")
    candidates = chair_page.get_by_role("table").nth(1)
    candidates.get_by_role("row").filter(has_text=scenarios.REVIEWER_NAME).get_by_role(
        "button", name="Assign"
    ).click()
    assert f"{scenarios.REVIEWER_NAME} assigned to paper #1." in messages_text(chair_page)

    # 3. The reviewer reviews through the review form, without seeing who wrote the paper.
    reviewer_page = new_page()
    sign_in(reviewer_page, reviewer.email)
    nav = reviewer_page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Reviewing").click()
    reviewer_page.get_by_role("link", name="My papers").click()
    reviewer_page.get_by_role("link", name=TITLE).click()
    for secret in ("Ada Lovelace", "Charles Babbage", author.email):
        assert secret not in reviewer_page.content()
    reviewer_page.get_by_role("link", name="Write my review").click()
    flows.field_group(reviewer_page, "Novelty").get_by_label("4 — Very good").check()
    flows.field_group(reviewer_page, "Overall recommendation").get_by_label("5 — Accept").check()
    flows.field_group(reviewer_page, "Confidence").get_by_label("4 — Confident").check()
    reviewer_page.get_by_label("Summary of the paper").fill("Backdoors that survive tuning.")
    reviewer_page.get_by_label("Strengths").fill("Careful experiments.")
    reviewer_page.get_by_label("Weaknesses").fill("One model family.")
    reviewer_page.get_by_label("Detailed comments to the authors").fill("Add a larger model.")
    reviewer_page.get_by_role("button", name="Submit review").click()
    reviewer_page.wait_for_url(f"**/review/paper/{workshop.slug}/1/")
    assert "Review submitted." in messages_text(reviewer_page)
    flows.snap(reviewer_page, "cycle-3-reviewed")
    assert Review.objects.get().state == ReviewState.SUBMITTED

    # 4. The chair moves to the decisions phase, stages "Accept as talk" and releases it.
    chair_page.goto(f"/review/{workshop.slug}/manage/settings/")
    chair_page.get_by_role("combobox", name="Phase", exact=True).select_option(label="Decisions")
    chair_page.get_by_role("button", name="Save", exact=True).click()
    assert "Phase: Decisions." in messages_text(chair_page)
    chair_tab(chair_page, workshop, "Decisions")
    decision = chair_page.get_by_label("Decision on paper #1")
    with chair_page.expect_response(lambda r: "/stage/" in r.url):
        decision.select_option(label="Accept as talk")
    chair_page.get_by_text("staged (not sent yet)").wait_for()
    chair_page.get_by_role("link", name="Review and release the staged decisions").click()
    assert OutgoingEmail.objects.filter(template_role__startswith="reviews.decision").count() == 0
    chair_page.get_by_role("button", name="Release 1 decision and send 2 letters").click()
    assert "1 decision(s) released" in messages_text(chair_page)
    released = chair_page.get_by_role("table").nth(1)
    assert "Accept as talk" in released.get_by_role("row", name="#1").inner_text()
    flows.snap(chair_page, "cycle-4-released")

    # The chair sets the publication terms, the final page limit and the public PDFs.
    chair_tab(chair_page, workshop, "Publication")
    chair_tab(chair_page, workshop, "Camera-ready settings", area="Publication")
    chair_page.get_by_label("Terms kind").select_option(value=TermsKind.COPYRIGHT)
    chair_page.get_by_label("Terms title").fill(TERMS_TITLE)
    chair_page.get_by_label("Terms text").fill("The authors grant the workshop the right to print.")
    chair_page.get_by_label("Terms version").fill("2026-1")
    chair_page.get_by_label("Publish the camera-ready PDFs").check()
    chair_page.get_by_label("Camera-ready page limit: Full paper").fill("9")
    chair_page.get_by_role("button", name="Save", exact=True).click()
    assert "Camera-ready and publication settings saved." in messages_text(chair_page)

    # 5. The author opens the camera-ready page from their paper's page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My submissions").click()
    page.get_by_role("link", name=TITLE).click()
    assert page.locator("main .badge", has_text="Accepted").first.is_visible()
    page.get_by_role("link", name="Upload the camera-ready and confirm the details").click()
    page.wait_for_url(f"**/submissions/{workshop.slug}/1/camera-ready/")
    # The status box of the page (the messages are statuses too).
    status = page.get_by_role("status").filter(has_text="Camera-ready deadline:")
    assert "Still to do" in status.inner_text()
    assert "At most 9 pages." in page.locator("#final-pdf").inner_text()

    final_pdf = make_pdf(2, text="Ada Lovelace and Charles Babbage", title=TITLE)
    page.get_by_label("Final PDF").set_input_files(
        files=[{"name": "final.pdf", "mimeType": PDF, "buffer": final_pdf}]
    )
    page.get_by_role("button", name="Upload the final PDF").click()
    assert "Camera-ready PDF version 1 saved (2 pages)." in messages_text(page)
    assert "Current: version 1, 2 pages" in page.locator("#final-pdf").inner_text()

    first, second = (
        page.get_by_role("group", name="Author 1"),
        page.get_by_role("group", name="Author 2"),
    )
    assert first.get_by_label("Name as printed").input_value() == "Ada Lovelace"
    first.get_by_label("ORCID iD").fill(ORCID)
    second.get_by_label("Affiliation as printed").fill("Difference Engine Ltd, London")
    page.get_by_role("button", name="Confirm title, abstract and authors").click()
    assert "The final title, abstract and author list are confirmed." in messages_text(page)

    terms = page.locator("#terms")
    assert TERMS_TITLE in terms.inner_text()
    terms.get_by_label("I accept these terms on behalf of all authors").check()
    terms.get_by_role("button", name="Accept", exact=True).click()
    assert f"You accepted {TERMS_TITLE} (version 2026-1)." in messages_text(page)
    assert "Accepted by Ada Lovelace" in page.locator("#terms").inner_text()
    assert "Your camera-ready is complete." in status.inner_text()
    flows.snap(page, "cycle-5-camera-ready")

    # The chairs' camera-ready table shows the paper complete.
    chair_page.goto(f"/submissions/{workshop.slug}/manage/camera-ready/")
    row = chair_page.get_by_role("row").filter(has_text=TITLE)
    assert "Missing" not in row.inner_text()

    # 6. The chair builds the program: a talk session on the workshop day, then publishes it.
    chair_tab(chair_page, workshop, "Accepted papers", area="Publication")
    chair_page.get_by_role("button", name="Publish the accepted papers").click()
    assert "The accepted papers are now public." in messages_text(chair_page)
    assert chair_page.get_by_role("button", name="Stop linking the PDFs").is_visible()
    accepted_rows = chair_page.get_by_role("row").filter(has_text=TITLE)
    assert "Version 1, 2 pages" in accepted_rows.inner_text()

    chair_tab(chair_page, workshop, "Program", area="Publication")
    assert (
        f"#1 {TITLE}"
        in chair_page.get_by_role(
            "region", name="Accepted papers not yet in the program"
        ).inner_text()
    )
    chair_page.get_by_role("link", name="Add a session").click()
    session = chair_page.get_by_role("group", name="Session", exact=True)
    session.get_by_label("Kind").select_option(label="Paper talks")
    session.get_by_role("textbox", name="Title", exact=True).fill("Backdoors and defenses")
    session.get_by_label("Starts").fill(f"{workshop_day} 09:00")
    session.get_by_label("Ends").fill(f"{workshop_day} 10:30")
    session.get_by_label("Room or stream").fill("Room A")
    slot = chair_page.get_by_role("group", name="Slot 1", exact=True)
    slot.get_by_label("Accepted paper").select_option(label=f"#1 {TITLE}")
    slot.get_by_label("Minutes").fill("20")
    chair_page.get_by_role("button", name="Save the session").click()
    assert "Session “Backdoors and defenses”: saved." in messages_text(chair_page)
    sessions = chair_page.get_by_role("region", name="Sessions")
    assert f"#1 {TITLE} (20 min)" in sessions.inner_text()
    chair_page.get_by_role("button", name="Publish the program").click()
    assert "The program is published on the workshop page." in messages_text(chair_page)
    flows.snap(chair_page, "cycle-6-program")

    # 7. A visitor, signed out, reads the paper in the accepted papers and in the program.
    visitor = new_page()
    visitor.goto(workshop.get_absolute_url())
    assert visitor.get_by_role("link", name="Sign in").is_visible()
    toc = visitor.get_by_role("navigation", name="On this page")
    for name in ("Program", "Accepted papers"):
        assert toc.get_by_role("link", name=name, exact=True).is_visible()
    accepted = visitor.get_by_role("region", name="Accepted papers")
    program = visitor.get_by_role("region", name="Program", exact=True)
    for section in (accepted, program):
        text = section.inner_text()
        assert TITLE in text
        assert "Ada Lovelace (Analytical Society)" in text
        assert "Charles Babbage (Difference Engine Ltd, London)" in text
    assert "Talk" in accepted.inner_text()
    assert "Backdoors and defenses" in program.inner_text()
    assert "09:00" in program.inner_text()
    flows.snap(visitor, "cycle-7-public")
    href = accepted.get_by_role("link", name=f"PDF of “{TITLE}”").get_attribute("href")
    download = visitor.request.get(href)
    assert download.ok
    assert download.headers["content-type"] == PDF
    assert download.body() == final_pdf

    # And the database agrees.
    paper.refresh_from_db()
    assert paper.state == SubmissionState.ACCEPTED
    assert Decision.objects.get(submission=paper).outcome == "accept_talk"
    versions = paper.files.filter(kind=FileKind.CAMERA_READY)
    assert list(versions.values_list("version", "pages")) == [(1, 2)]
    assert versions.get().sha256 == hashlib.sha256(final_pdf).hexdigest()
    final = CameraReady.objects.get(submission=paper)
    assert final.confirmed_by == author
    assert [(a["name"], a["affiliation"], a["orcid"]) for a in final.authors] == [
        ("Ada Lovelace", "Analytical Society", ORCID),
        ("Charles Babbage", "Difference Engine Ltd, London", ""),
    ]
    acceptance = TermsAcceptance.objects.get(submission=paper)
    assert (acceptance.user, acceptance.kind, acceptance.terms_version) == (
        author,
        TermsKind.COPYRIGHT,
        "2026-1",
    )
    settings = PublicationSettings.objects.get(workshop=workshop)
    assert settings.accepted_published and settings.publish_papers
    assert Program.objects.get(workshop=workshop).is_published
    assert Slot.objects.get().submission == paper
    letters = OutgoingEmail.objects.filter(template_role__startswith="reviews.decision")
    assert sorted(letters.values_list("template_role", "recipient")) == [
        ("reviews.decision.accept_talk", "ada@analytical.example"),
        ("reviews.decision.accept_talk", "charles@engine.example"),
    ]
    logged = set(Entry.objects.filter(workshop=workshop).values_list("kind", "action"))
    assert {
        (Kind.PHASE, "phase_changed"),
        (Kind.CAMERA_READY, "camera_ready_uploaded"),
        (Kind.CAMERA_READY, "metadata_confirmed"),
        (Kind.TERMS, "accepted"),
    } <= logged
    phases = Entry.objects.filter(workshop=workshop, kind=Kind.PHASE).order_by("pk")
    assert [(e.actor, e.from_state, e.to_state) for e in phases] == [
        (chair, Phase.REVIEWING, Phase.DECISIONS),  # the chair on the settings page
        (chair, Phase.DECISIONS, Phase.NOTIFIED),  # the release of every decision
    ]
