"""The public pages are stored for anonymous visitors and never outlive what they show."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from program.models import SessionKind
from program.services import SessionInput, SlotInput, save_session, set_published
from publication.publishing import set_accepted_published
from tests.factories import ImportantDateFactory, MembershipFactory, UserFactory, WorkshopFactory
from workshops import page_cache
from workshops.enums import DateKind, MemberRole, PersonRole
from workshops.markdown import _render, render_markdown
from workshops.models import Workshop

from .factories import aoe
from .payloads import edit_payload, first_empty_row, row_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(bands):
    user = UserFactory(full_name="Carla Chair")
    MembershipFactory(workshop=bands, user=user, role=MemberRole.CHAIR)
    chair_client = Client()
    chair_client.force_login(user)
    return chair_client


def queries_of(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def stored(client, url) -> str:
    """Visit ``url`` until it comes from the cache (no query), and return that page."""
    for _ in range(3):
        count, html = queries_of(client, url)
        if count == 0:
            return html
    raise AssertionError(f"{url} is never served from the cache")


# --- What is stored, and for whom ----------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", "detail"])
def test_an_anonymous_visit_is_served_without_a_query_once_stored(client, bands, page):
    url = reverse("workshops:index") if page == "index" else bands.get_absolute_url()
    first_count, first = queries_of(client, url)

    assert first_count > 0
    assert stored(client, url) == first
    response = client.get(url)
    # The middleware still answers every request: security headers and the policy are there.
    assert response["Content-Security-Policy"]
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_a_signed_in_user_never_gets_the_anonymous_page_nor_leaves_theirs(client, bands, chair):
    url = bands.get_absolute_url()
    stored(client, url)

    html = chair.get(url).content.decode()
    assert "Carla Chair" in html and "Sign out" in html and "Manage this workshop" in html
    assert "csrfmiddlewaretoken" in html
    # The chair's page was not stored for the others.
    html = stored(client, url)
    assert "Carla Chair" not in html and "csrfmiddlewaretoken" not in html
    assert "Sign in" in html


def test_a_signed_in_visit_runs_the_same_queries_every_time(bands, chair):
    url = bands.get_absolute_url()
    counts = {queries_of(chair, url)[0] for _ in range(3)}

    assert len(counts) == 1 and counts.pop() > 0


def test_a_visitor_with_a_message_waiting_sees_it_and_does_not_share_it(client, bands, chair):
    url = bands.get_absolute_url()
    stored(client, url)

    chair.post(reverse("account_logout"))  # signed out, with a message for the next page

    assert "You have signed out." in chair.get(url).content.decode()
    assert "You have signed out." not in stored(client, url)


def test_a_query_string_is_never_stored(client, bands):
    url = bands.get_absolute_url() + "?utm_source=mail"

    assert {queries_of(client, url)[0] > 0 for _ in range(3)} == {True}


def test_a_draft_is_never_stored_and_stays_hidden(client, bands):
    Workshop.objects.filter(pk=bands.pk).update(is_published=False)

    for _ in range(3):
        assert client.get(bands.get_absolute_url()).status_code == 404


# --- A chair's edit shows at once ----------------------------------------------------------------


def _edit(chair_client, workshop, section, change):
    response = chair_client.get(reverse("workshops:edit_section", args=[workshop.slug, section]))
    data = edit_payload(response)
    change(response, data)
    saved = chair_client.post(
        reverse("workshops:edit_section", args=[workshop.slug, section]), data
    )
    assert saved.status_code == 302, saved.context and saved.context["error_summary"]


EDITS = {
    "basics": (lambda r, d: d.update(name="Backdoors, renamed"), "Backdoors, renamed"),
    "dates": (
        lambda r, d: d.update(
            {f"dates-{row_index(r, 'dates', kind=DateKind.CAMERA_READY)}-note": "Firm date"}
        ),
        "Firm date",
    ),
    "topics": (
        lambda r, d: d.update({f"topics-{first_empty_row(r, 'topics')}-name": "Trojan nets"}),
        "Trojan nets",
    ),
    "people": (
        lambda r, d: d.update(
            {
                f"people-{first_empty_row(r, 'people')}-role": PersonRole.SPEAKER,
                f"people-{first_empty_row(r, 'people')}-name": "Ann Invited",
            }
        ),
        "Ann Invited",
    ),
    "policies": (lambda r, d: d.update(anonymity="open"), "Open review."),
}


@pytest.mark.parametrize("section", list(EDITS))
def test_a_chairs_edit_shows_at_once_on_the_stored_pages(client, bands, chair, section):
    change, shown = EDITS[section]
    index, page = reverse("workshops:index"), bands.get_absolute_url()
    assert shown not in stored(client, page)
    stored(client, index)

    _edit(chair, bands, section, change)

    assert shown in client.get(page).content.decode()
    if section == "basics":
        assert shown in client.get(index).content.decode()
    # And the new page is what is stored from now on.
    assert shown in stored(client, page)


def test_publishing_the_accepted_papers_and_the_program_shows_at_once(client, bands):
    page = bands.get_absolute_url()
    assert 'id="accepted"' not in stored(client, page)

    set_accepted_published(bands, publish=True, by=None, version=None)
    assert 'id="accepted"' in client.get(page).content.decode()

    day = bands.dates.get(kind=DateKind.WORKSHOP_DAY)
    day.original_at = aoe(2023, 5, 4, 23, 59, 59)
    day.save()
    start = aoe(2023, 5, 4, 9, 0, 0)
    save_session(
        bands,
        SessionInput(SessionKind.INVITED, "Opening keynote", start, start + dt.timedelta(hours=1)),
        [SlotInput(title="Why backdoors", duration_minutes=60)],
        by=None,
    )
    stored(client, page)
    set_published(bands, True, by=None)
    assert "Opening keynote" in client.get(page).content.decode()
    assert "Opening keynote" in stored(client, reverse("program:public", args=[bands.slug]))


def test_a_change_written_by_a_query_and_recorded_shows_at_once(client, bands):
    """State changes written with ``QuerySet.update`` go through ``activity.services.record``."""
    from activity.services import record

    stored(client, bands.get_absolute_url())
    Workshop.objects.filter(pk=bands.pk).update(tagline="Updated by a service")
    record(workshop=bands, kind="settings", action="edited")

    assert "Updated by a service" in client.get(bands.get_absolute_url()).content.decode()


def test_another_workshops_change_keeps_this_page_stored(client, bands):
    other = WorkshopFactory()
    stored(client, bands.get_absolute_url())

    other.tagline = "Elsewhere"
    other.save()

    assert queries_of(client, bands.get_absolute_url())[0] == 0


def test_a_sent_email_keeps_the_page_stored_and_a_logged_change_does_not(client, bands):
    from activity.models import Kind
    from activity.services import record

    stored(client, bands.get_absolute_url())
    record(workshop=bands, kind=Kind.MAIL, action="sent", message="E-mail sent")
    assert queries_of(client, bands.get_absolute_url())[0] == 0

    record(workshop=bands, kind=Kind.SETTINGS, action="edited", message="Call edited")
    assert queries_of(client, bands.get_absolute_url())[0] > 0


# --- Time ----------------------------------------------------------------------------------------


def test_a_stored_page_expires_when_its_next_date_passes(settings):
    settings.PAGE_CACHE_SECONDS = 30
    now = timezone.now()

    assert page_cache._timeout(now + dt.timedelta(seconds=10.2)) in (11, 12)
    assert page_cache._timeout(now + dt.timedelta(days=3)) == 30
    assert page_cache._timeout(None) == 30


def test_a_deadline_in_seconds_closes_the_call_on_the_stored_page(client):
    workshop = WorkshopFactory()
    ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.PAPER_SUBMISSION,
        original_at=timezone.now() + dt.timedelta(seconds=2),
    )
    assert "Submit a paper" in stored(client, workshop.get_absolute_url())

    time.sleep(3.2)  # the deadline passed: the stored page went with it

    assert "Submit a paper" not in client.get(workshop.get_absolute_url()).content.decode()


def test_markdown_is_rendered_once_per_text():
    text = "**Call** for papers <script>alert(1)</script> (rendered once)"
    before = _render.cache_info()

    first, second = render_markdown(text), render_markdown(text)

    after = _render.cache_info()
    assert (after.misses, after.hits) == (before.misses + 1, before.hits + 1)
    assert first == second and "<strong>Call</strong>" in first and "<script" not in first
    assert "<strong>Edited</strong>" in render_markdown(text.replace("Call", "Edited"))
