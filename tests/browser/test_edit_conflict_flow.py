"""Two co-authors edit the same draft in two browsers, without JavaScript: the later save is
refused with what differs, keeps what was typed, and goes through once saved again."""

import pytest

from submissions.models import Submission
from tests import factories as base
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(base.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    return context, page


def test_later_coauthor_save_is_refused_then_saved_after_reading(browser, live_server):
    workshop = flows.open_call()
    ada = base.UserFactory(full_name="Ada Lovelace", email="ada@analytical.example")
    charles = base.UserFactory(full_name="Charles Babbage", email="charles@engine.example")
    paper = base.SubmissionFactory(
        workshop=workshop, created_by=ada, title="Clean-label backdoors in practice"
    )
    for order, user in enumerate([ada, charles]):
        base.AuthorshipFactory(
            submission=paper,
            user=user,
            name=user.full_name,
            email=user.email,
            affiliation="",
            is_contact=order == 0,
            order=order,
        )
    url = f"/submissions/{workshop.slug}/{paper.number}/edit/"
    context_a, page_a = signed_in(browser, live_server, ada)
    context_c, page_c = signed_in(browser, live_server, charles)
    try:
        page_a.goto(url)
        page_c.goto(url)

        page_a.get_by_label("Title").fill("Clean-label backdoors, revisited")
        page_a.get_by_role("button", name="Save draft").click()
        page_a.get_by_role("status").get_by_text("Draft saved").wait_for()

        page_c.get_by_label("Abstract").fill("Charles's abstract.")
        page_c.get_by_role("button", name="Save draft").click()
        alert = page_c.locator("#edit-conflict")
        alert.wait_for()
        assert "Ada Lovelace" in alert.inner_text()
        title_row = alert.get_by_role("row", name="Title")
        assert "Clean-label backdoors in practice" in title_row.inner_text()
        assert "Clean-label backdoors, revisited" in title_row.inner_text()
        assert page_c.get_by_label("Abstract").input_value() == "Charles's abstract."
        page_c.set_viewport_size({"width": 1280, "height": 900})
        flows.snap(page_c, "edit-conflict-1280")
        page_c.set_viewport_size({"width": 390, "height": 844})
        flows.snap(page_c, "edit-conflict-390")
        assert Submission.objects.get(pk=paper.pk).abstract == "We study tests."

        page_c.get_by_label("Title").fill("Clean-label backdoors, revisited")
        page_c.get_by_role("button", name="Save draft").click()
        page_c.get_by_role("status").get_by_text("Draft saved").wait_for()
        saved = Submission.objects.get(pk=paper.pk)
        assert (saved.title, saved.abstract) == (
            "Clean-label backdoors, revisited",
            "Charles's abstract.",
        )
    finally:
        context_a.close()
        context_c.close()
