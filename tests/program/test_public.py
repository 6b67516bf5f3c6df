"""The published program: on the workshop page, on its own page and as a calendar feed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from program.models import Program, SessionKind
from program.services import SessionInput, SlotInput, save_session, set_published
from publication.models import CameraReady
from tests import factories
from workshops.enums import PersonRole

from .conftest import at, paper

pytestmark = pytest.mark.django_db


def build(workshop, sessions: int, papers_per_session: int, *, publish=True):
    """``sessions`` talk sessions of ``papers_per_session`` accepted papers, an invited talk
    with its speaker, one after the other in two rooms."""
    speaker = factories.PersonFactory(
        workshop=workshop, name="Ida Invited", role=PersonRole.SPEAKER
    )
    save_session(
        workshop,
        SessionInput(SessionKind.INVITED, "Keynote", at(8), at(8, 30), "Hall A", people=[speaker]),
        [SlotInput(title="Robustness, revisited", duration_minutes=30)],
        by=None,
    )
    start = at(8, 30)
    for index in range(sessions):
        room = "Hall A" if index % 2 == 0 else "Hall B"
        begins = start + dt.timedelta(minutes=30 * (index // 2))
        slots = [
            SlotInput(paper(workshop, title=f"Paper {index}-{n}"), duration_minutes=5)
            for n in range(papers_per_session)
        ]
        save_session(
            workshop,
            SessionInput(
                SessionKind.TALKS, f"Talks {index}", begins, begins + dt.timedelta(minutes=30), room
            ),
            slots,
            by=None,
        )
    if publish:
        set_published(workshop, True, by=None)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_workshop_page_shows_the_published_program(client, vienna):
    build(vienna, 2, 2)

    html = client.get(vienna.get_absolute_url()).content.decode()

    assert 'id="program"' in html and 'href="#program"' in html
    assert "Keynote" in html and "Ida Invited" in html and "Robustness, revisited" in html
    assert "Wed 22 May, 08:30" in html  # the workshop's own zone (Vienna)
    assert "Paper 0-0" in html and "Author " in html and "Hall B" in html
    assert reverse("program:calendar", args=[vienna.slug]) in html
    own = client.get(reverse("program:public", args=[vienna.slug])).content.decode()
    assert "Paper 1-1" in own and "08:35" in own  # the second talk starts after the first


def test_an_unpublished_program_is_nowhere_public(client, vienna):
    build(vienna, 1, 1, publish=False)

    html = client.get(vienna.get_absolute_url()).content.decode()

    assert "Paper 0-0" not in html and 'id="program"' not in html
    assert client.get(reverse("program:public", args=[vienna.slug])).status_code == 404
    assert client.get(reverse("program:calendar", args=[vienna.slug])).status_code == 404


def test_public_program_prints_the_camera_ready_title_and_authors(client, vienna):
    build(vienna, 1, 1)
    placed = vienna.submissions.get(title="Paper 0-0")
    CameraReady.objects.create(
        submission=placed,
        title="The final title",
        authors=[{"name": "Final Author", "affiliation": "Final Lab"}],
        confirmed_at=timezone.now(),
    )

    html = client.get(reverse("program:public", args=[vienna.slug])).content.decode()

    assert "The final title" in html and "Final Author (Final Lab)" in html
    assert "Paper 0-0" not in html


def test_a_paper_whose_decision_is_no_longer_public_is_left_out(client, vienna):
    build(vienna, 1, 2)
    hidden = vienna.submissions.get(title="Paper 0-0")
    hidden.state = "withdrawn"
    hidden.save()

    html = client.get(reverse("program:public", args=[vienna.slug])).content.decode()

    assert "Paper 0-1" in html and "Paper 0-0" not in html


@pytest.mark.parametrize("url_name", ["workshops:detail", "program:public", "program:calendar"])
def test_query_count_is_constant_in_sessions_and_papers(client, url_name):
    small = factories.WorkshopFactory(timezone="Europe/Vienna")
    big = factories.WorkshopFactory(timezone="Europe/Vienna")
    for workshop in (small, big):
        factories.ImportantDateFactory(
            workshop=workshop, kind="workshop_day", original_at=at(23, 59)
        )
    build(small, 2, 2)  # 3 sessions, 4 papers
    build(big, 12, 4)  # 13 sessions, 48 papers (only 6 of the 30-minute blocks per room)

    few = count(client, reverse(url_name, args=[small.slug]))
    many = count(client, reverse(url_name, args=[big.slug]))

    assert few == many
    if url_name == "workshops:detail":
        # The call's data (7), the sessions, their people, their slots and the papers' authors.
        assert many <= 7 + 4


def _events(raw: bytes) -> dict:
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}


def test_program_feed_has_one_event_per_session(client, vienna):
    build(vienna, 2, 2)
    url = reverse("program:calendar", args=[vienna.slug])

    response = client.get(url)

    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert set(events) == {"WRP 2030: Keynote", "WRP 2030: Talks 0", "WRP 2030: Talks 1"}
    talks = events["WRP 2030: Talks 1"]
    session = vienna.program_sessions.get(title="Talks 1")
    assert str(talks["UID"]) == f"session-{session.pk}@testserver"
    assert talks.decoded("DTSTART") == dt.datetime(2030, 5, 22, 6, 30, tzinfo=dt.UTC)
    assert talks.decoded("DTEND") == dt.datetime(2030, 5, 22, 7, 0, tzinfo=dt.UTC)
    assert str(talks["LOCATION"]) == "Hall B"
    assert int(talks["SEQUENCE"]) == 0
    description = str(talks["DESCRIPTION"])
    assert "08:30 Paper 1-0 — Author" in description and "08:35 Paper 1-1" in description
    assert "With Ida Invited." in str(events["WRP 2030: Keynote"]["DESCRIPTION"])
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


def test_program_feed_uids_stay_and_sequence_grows_when_a_session_moves(client, vienna):
    build(vienna, 1, 1)
    url = reverse("program:calendar", args=[vienna.slug])
    before = _events(client.get(url).content)
    session = vienna.program_sessions.get(title="Talks 0")
    kept = list(session.slots.all())

    save_session(
        vienna,
        SessionInput(SessionKind.TALKS, "Talks 0", at(11), at(11, 30), "Hall C"),
        [SlotInput(s.submission, s.title, s.duration_minutes, s.order, s.pk) for s in kept],
        by=None,
        session=session,
        version=session.version,
    )

    after = _events(client.get(url).content)
    assert [str(e["UID"]) for e in before.values()] == [str(e["UID"]) for e in after.values()]
    moved = after["WRP 2030: Talks 0"]
    assert int(moved["SEQUENCE"]) == 1 and str(moved["LOCATION"]) == "Hall C"
    assert moved.decoded("DTSTART") == dt.datetime(2030, 5, 22, 9, 0, tzinfo=dt.UTC)
    assert int(after["WRP 2030: Keynote"]["SEQUENCE"]) == 0


def test_program_published_flag_is_what_the_page_reads(vienna):
    build(vienna, 1, 1)
    assert Program.objects.get(workshop=vienna).is_published


def test_the_preview_never_names_a_paper_the_chair_is_conflicted_with(
    client, vienna, program_chair
):
    """Before publication, the preview is the chairs' own: a conflicted chair reads the slot
    unnamed, as in the builder; once published, the program is public for everyone."""
    secret = paper(vienna, title="A secret accepted paper")
    shown = paper(vienna, title="A paper the chair may see")
    save_session(
        vienna,
        SessionInput(SessionKind.TALKS, "Morning talks", at(9), at(10), "Hall A"),
        [SlotInput(secret, duration_minutes=20), SlotInput(shown, duration_minutes=20)],
        by=None,
    )
    conflicted = factories.member(vienna, "chair", full_name="Conny Conflicted")
    factories.ConflictFactory(submission=secret, user=conflicted)
    url = reverse("program:public", args=[vienna.slug])

    client.force_login(conflicted)
    preview = client.get(url).content.decode()
    assert "Preview" in preview
    assert secret.title not in preview and f"Author {secret.number}-0" not in preview
    assert "A paper you are conflicted with" in preview
    assert shown.title in preview and f"Author {shown.number}-0" in preview

    client.force_login(program_chair)
    assert secret.title in client.get(url).content.decode()

    set_published(vienna, True, by=None)
    client.force_login(conflicted)
    published = client.get(url).content.decode()
    assert secret.title in published and "A paper you are conflicted with" not in published


def test_program_feed_is_never_kept_by_a_cache_without_asking_again(client, vienna):
    """A program changes or is withdrawn at any time: a cached feed would lag an hour."""
    build(vienna, 1, 1)
    url = reverse("program:calendar", args=[vienna.slug])

    assert client.get(url)["Cache-Control"] == "no-cache"

    type(vienna).objects.filter(pk=vienna.pk).update(is_published=False)
    chair = factories.member(vienna, "chair")
    client.force_login(chair)
    assert client.get(url)["Cache-Control"] == "private, no-store"
