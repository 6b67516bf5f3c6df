"""The author's path in a real browser: from the call to a confirmed submission, bad files, and
the submission form read by keyboard and assistive technology."""

import pytest

from mail.models import OutgoingEmail
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories as base
from tests.browser import flows
from tests.pdfs import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = "application/pdf"


@pytest.fixture
def author():
    return base.UserFactory(
        full_name="Ada Lovelace", email="ada@analytical.example", affiliation="Analytical Society"
    )


def fill_submission_form(page, workshop, *, title: str) -> None:
    paper_type = workshop.submission_types.get()
    page.get_by_label("Submission type").select_option(
        label=f"{paper_type.name} — {paper_type.limit_description}"
    )
    page.get_by_label("Title").fill(title)
    page.get_by_label("Abstract").fill("We show how clean-label backdoors survive fine-tuning.")
    page.get_by_label("Keywords").fill("backdoors, poisoning")
    page.get_by_role("group", name="Topics").get_by_label("Defenses").check()
    page.get_by_label("Name of author 2").fill("Charles Babbage")
    page.get_by_label("E-mail of author 2").fill("charles@engine.example")
    page.get_by_label("Affiliation of author 2").fill("Difference Engine Ltd")
    page.get_by_label("Paper (PDF)").set_input_files(
        files=[{"name": "paper.pdf", "mimeType": PDF, "buffer": make_pdf(1)}]
    )
    page.get_by_label("I have read the code of conduct").check()
    page.get_by_label("This paper is not under review elsewhere").check()
    page.get_by_label("This PDF is anonymized").check()


def test_author_submits_from_the_call_page_and_sees_confirmation(page, login, author):
    workshop = flows.open_call()
    title = "Clean-label backdoors in practice"

    login(author.email, base.PASSWORD)
    page.goto("/")
    flows.snap(page, "index")
    page.get_by_role("link", name=workshop.name).click()
    flows.snap(page, "workshop-public")
    page.get_by_role("link", name="Submit a paper").click()
    page.wait_for_url(f"**/submissions/{workshop.slug}/new/")
    flows.snap(page, "submission-form")
    fill_submission_form(page, workshop, title=title)
    page.get_by_role("button", name="Submit", exact=True).click()

    # The confirmation page: the number, the state, and what happens next.
    page.wait_for_url(f"**/submissions/{workshop.slug}/1/")
    flows.snap(page, "submission-confirmation")
    assert page.get_by_role("heading", level=1).inner_text() == f"#1 {title}"
    status = page.locator(".messages")
    assert "Submission #1 is submitted" in status.inner_text()
    assert "e-mailed to every author" in status.inner_text()
    main = page.locator("main")
    assert main.locator(".badge", has_text="Submitted").first.is_visible()
    assert "Charles Babbage" in main.inner_text()
    assert "Defenses" in main.inner_text()

    # The dashboard lists it as submitted.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My submissions").click()
    flows.snap(page, "author-dashboard")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    assert row.get_by_role("cell").nth(4).inner_text() == "Submitted"

    submission = Submission.objects.get(workshop=workshop)
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.current_paper.pages == 1
    confirmations = OutgoingEmail.objects.filter(template_role="submission.submitted")
    assert sorted(confirmations.values_list("recipient", flat=True)) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]


def test_author_uploads_renamed_text_file_sees_error_and_draft_is_intact(page, login, author):
    workshop = flows.open_call()
    draft = base.SubmissionFactory(
        workshop=workshop,
        number=1,
        title="My careful draft",
        created_by=author,
        state=SubmissionState.DRAFT,
    )
    base.AuthorshipFactory(
        submission=draft,
        user=author,
        name=author.full_name,
        email=author.email,
        is_contact=True,
        order=0,
    )
    base.SubmissionFileFactory(submission=draft, version=1, pages=1)

    login(author.email, base.PASSWORD)
    page.goto("/submissions/")
    page.get_by_role("link", name="My careful draft").click()
    page.get_by_role("link", name="Edit and submit").click()
    page.get_by_label("Title").fill("A title that must not be saved")
    page.get_by_label("Paper (PDF)").set_input_files(
        files=[{"name": "paper.pdf", "mimeType": PDF, "buffer": b"just some text\n" * 50}]
    )
    page.get_by_role("button", name="Save draft").click()

    error = page.locator(".field-paper .errorlist")
    error.wait_for()
    flows.snap(page, "submission-form-bad-pdf")
    assert "is not a PDF file (whatever its name says)" in error.inner_text()
    assert "Nothing has been saved yet" in page.locator(".messages").inner_text()
    # The field is tied to its error for assistive technologies.
    described_by = page.get_by_label("Paper (PDF)").get_attribute("aria-describedby") or ""
    assert "id_paper_error" in described_by

    # Back on the submission page: the title and the PDF are the ones saved before.
    page.get_by_role("link", name="#1", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "#1 My careful draft"
    assert page.get_by_role("row", name="v1 current").is_visible()
    draft.refresh_from_db()
    assert draft.title == "My careful draft"
    assert draft.state == SubmissionState.DRAFT
    assert list(draft.files.values_list("version", flat=True)) == [1]


# --- Keyboard and assistive technology ---------------------------------------------------------


def test_submission_form_fields_are_found_by_their_labels_and_reached_by_keyboard(
    page, login, author
):
    workshop = flows.open_call()
    login(author.email, base.PASSWORD)
    page.goto(f"/submissions/{workshop.slug}/new/")

    labels = [
        "Submission type",
        "Title",
        "Abstract",
        "Keywords",
        "Backdoor attacks",
        "Defenses",
        "Name of author 1",
        "E-mail of author 1",
        "Affiliation of author 1",
        "Remove author 1",
        "Name of author 2",
        "Paper (PDF)",
        "Supplementary material (PDF or zip, optional)",
        "I have read the code of conduct",
        "This paper is not under review elsewhere",
        "This PDF is anonymized",
    ]
    for label in labels:
        assert page.get_by_label(label).count() == 1, label

    # Tab from the title to the end of the form: every field is reached, in reading order.
    page.get_by_label("Title").focus()
    reached = []
    for _ in range(60):
        reached.append(page.evaluate("document.activeElement.name || document.activeElement.id"))
        if page.evaluate("document.activeElement.textContent.trim()") == "Submit":
            break
        page.keyboard.press("Tab")
    order = ["title", "abstract", "keywords", "topics", "authors-1-name", "paper", "action"]
    positions = [reached.index(name) for name in order]
    assert positions == sorted(positions), reached
    assert reached[-1] == "action"


def test_submission_form_every_visible_control_has_an_accessible_name(page, login, author):
    workshop = flows.open_call()
    login(author.email, base.PASSWORD)
    page.goto(f"/submissions/{workshop.slug}/new/")

    assert flows.unlabeled_controls(page) == []
    assert flows.orphan_labels(page) == []
