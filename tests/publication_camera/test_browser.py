"""The camera-ready page in a real Chromium: an author uploads the final PDF, confirms the
details and accepts the terms; the chair sees the paper complete in the table. Screenshots at
1280 and 390 px when ``SCREENSHOT_DIR`` is set."""

import pytest

from publication.models import CameraReady, TermsAcceptance
from submissions.models import SubmissionFile
from tests.browser.flows import snap as shot
from tests.factories import PASSWORD
from tests.pdfs import make_pdf

from .conftest import page_url, table_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_author_completes_the_camera_ready_in_a_browser(
    page, login, paper, terms, chair, ada, tmp_path
):
    final = tmp_path / "final.pdf"
    final.write_bytes(make_pdf(5, text="Ada Lovelace, Engine Lab"))
    login(ada.email, PASSWORD)
    page.goto(page_url(paper))
    shot(page, "camera-ready-author-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "camera-ready-author-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#final-pdf input[type=file]").set_input_files(str(final))
    page.get_by_role("button", name="Upload the final PDF").click()
    page.get_by_text("Camera-ready PDF version 1 saved (5 pages).").wait_for()
    page.get_by_label("Final title").fill("Engines that think, camera-ready")
    page.get_by_role("button", name="Confirm title, abstract and authors").click()
    page.get_by_text("are confirmed").wait_for()
    page.get_by_label("I accept these terms on behalf of all authors").check()
    page.get_by_role("button", name="Accept", exact=True).click()
    page.get_by_text("Your camera-ready is complete").wait_for()
    assert SubmissionFile.objects.filter(submission=paper, kind="camera_ready").count() == 1
    assert CameraReady.objects.get(submission=paper).title == "Engines that think, camera-ready"
    assert TermsAcceptance.objects.get(submission=paper).user == ada

    page.get_by_role("button", name="Sign out").click()
    login(chair.email, PASSWORD)
    page.goto(table_url(paper.workshop))
    page.get_by_text("1 accepted, 0 incomplete").wait_for()
    shot(page, "camera-ready-table-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "camera-ready-table-390")
    page.goto(table_url(paper.workshop) + "settings/")
    shot(page, "camera-ready-settings-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "camera-ready-settings-1280")
