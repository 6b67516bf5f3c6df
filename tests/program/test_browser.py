"""In Chromium: a chair builds a session of talks, publishes the program, a visitor reads it."""

import pytest

from tests import factories
from tests.browser.flows import orphan_labels, snap, unlabeled_controls

from .conftest import paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded files go to the test's own folder."""


def test_chair_builds_and_publishes_the_program(page, login, vienna):  # noqa: F811
    chair = factories.member(vienna, "chair", full_name="Paula Program-Chair")
    accepted = paper(vienna, title="Backdoors in the wild")
    login(chair.email, factories.PASSWORD)

    page.goto(f"/review/{vienna.slug}/manage/program/")
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Title").first.fill("Morning talks")
    page.get_by_label("Starts").fill("2030-05-22 09:00")
    page.get_by_label("Ends").fill("2030-05-22 10:00")
    page.get_by_label("Room or stream").fill("Hall A")
    page.locator("#id_slots-0-submission").select_option(str(accepted.pk))
    page.locator("#id_slots-0-duration_minutes").fill("20")
    page.locator("#id_slots-1-title").fill("Coffee break")
    page.locator("#id_slots-1-duration_minutes").fill("15")
    assert unlabeled_controls(page) == [] and orphan_labels(page) == []
    snap(page, "program-session-form-1280")
    page.get_by_role("button", name="Save the session").click()

    page.get_by_text("Session “Morning talks”: saved.").wait_for()
    assert "Backdoors in the wild (20 min)" in page.content()
    page.get_by_role("button", name="Publish the program").click()
    page.get_by_text("The program is published on the workshop page.").wait_for()
    snap(page, "program-builder-1280")

    visitor = page.context.browser.new_context(base_url=page.url.split("/review/")[0])
    public = visitor.new_page()
    public.goto(vienna.get_absolute_url())
    section = public.locator("#program")
    assert "Backdoors in the wild" in section.inner_text()
    assert "09:00" in section.inner_text() and "Hall A" in section.inner_text()
    snap(public, "program-workshop-page-1280")
    public.set_viewport_size({"width": 390, "height": 844})
    public.goto(f"/w/{vienna.slug}/program/")
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the program page scrolls sideways at 390 px ({width} px)"
    snap(public, "program-page-390")
    visitor.close()
