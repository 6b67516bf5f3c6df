"""The calendar feed: a valid RFC 5545 file with one event per known date."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import ImportantDateFactory, MembershipFactory, UserFactory, WorkshopFactory
from workshops.enums import DateKind


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", ""), "bare LF line ending"
    return text.replace("\r\n ", "").split("\r\n")


def events(text: str) -> list[dict[str, str]]:
    """Each VEVENT as {property name with parameters: value}."""
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def feed(client, workshop):
    return client.get(reverse("workshops:calendar", kwargs={"slug": workshop.slug}))


@pytest.mark.django_db
def test_calendar_is_text_calendar_with_one_event_per_known_date(client, bands):
    response = feed(client, bands)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert len(events(text)) == 3  # the TBD workshop day is left out


@pytest.mark.django_db
def test_calendar_deadline_dtstart_is_the_effective_utc_instant(client, bands):
    by_summary = {e["SUMMARY"]: e for e in events(feed(client, bands).content.decode())}

    submission = by_summary["BANDS 2023: Paper submission deadline (extended)"]
    assert submission["DTSTART"] == "20230204T115959Z"  # Feb 3 23:59:59 AoE
    assert submission["SEQUENCE"] == "1"
    assert "Extended from January 25\\, 2023 23:59 AoE" in submission["DESCRIPTION"]
    camera = by_summary["BANDS 2023: Camera-ready deadline"]
    assert camera["DTSTART"] == "20230416T115959Z"


@pytest.mark.django_db
def test_calendar_notification_is_an_all_day_event_on_its_local_date(client, bands):
    by_summary = {e["SUMMARY"]: e for e in events(feed(client, bands).content.decode())}

    notification = by_summary["BANDS 2023: Author notification"]
    assert notification["DTSTART;VALUE=DATE"] == "20230303"
    assert notification["DTEND;VALUE=DATE"] == "20230304"


@pytest.mark.django_db
def test_calendar_uids_are_stable_and_unique(client, bands):
    first = [e["UID"] for e in events(feed(client, bands).content.decode())]
    date = bands.dates.get(kind=DateKind.CAMERA_READY)
    date.extended_at = date.original_at.replace(day=20)
    date.save()

    second = [e["UID"] for e in events(feed(client, bands).content.decode())]

    assert first == second
    assert len(set(first)) == 3
    assert all(uid.endswith("@testserver") and "dtstamp" not in uid for uid in first)
    assert all(
        e.get("DTSTAMP", "").endswith("Z") for e in events(feed(client, bands).content.decode())
    )


@pytest.mark.django_db
def test_calendar_lines_are_folded_at_75_octets(client):
    workshop = WorkshopFactory(acronym="", name="Sécurité " * 20)
    ImportantDateFactory(workshop=workshop, note="Un; deux, trois\nquatre")

    raw = feed(client, workshop).content

    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a multi-byte character
    description = events(raw.decode())[0]["DESCRIPTION"]
    assert description.startswith("Un\\; deux\\, trois\\nquatre")


@pytest.mark.django_db
def test_calendar_escapes_rfc5545_specials_and_parses_back(client):
    # The feed is written by the icalendar library: its escaping (RFC 5545 §3.3.11) holds
    # and a reader gets the original text back.
    workshop = WorkshopFactory(acronym="A;B", name="x")
    ImportantDateFactory(workshop=workshop, note="a\\b;c,d\ne")

    raw = feed(client, workshop).content

    description = events(raw.decode())[0]["DESCRIPTION"]
    assert description.startswith("a\\\\b\\;c\\,d\\ne")
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith("a\\b;c,d\ne")
    assert str(event["SUMMARY"]).startswith("A;B 2026:")


@pytest.mark.django_db
def test_calendar_of_unpublished_workshop_is_404_for_non_chairs(client):
    workshop = WorkshopFactory(is_published=False)
    ImportantDateFactory(workshop=workshop)
    assert feed(client, workshop).status_code == 404
    chair = UserFactory()
    MembershipFactory(workshop=workshop, user=chair, role="chair")
    client.force_login(chair)

    assert feed(client, workshop).status_code == 200
