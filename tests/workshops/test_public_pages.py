"""The public pages: what a visitor reads on the list of calls and on a workshop's page."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ImportantDateFactory,
    MembershipFactory,
    PersonFactory,
    SubmissionTypeFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.enums import Anonymity, DateKind, Format, PersonRole

from .factories import ProgramSessionFactory, png_upload


def page(client, workshop):
    response = client.get(reverse("workshops:detail", kwargs={"slug": workshop.slug}))
    assert response.status_code == 200
    return response.content.decode()


def squash(html: str) -> str:
    """The page with runs of whitespace collapsed, to match text across template lines."""
    return re.sub(r"\s+", " ", html)


@pytest.mark.django_db
def test_detail_extended_deadline_strikes_original_and_marks_extension(client, bands):
    html = squash(page(client, bands))

    row = re.search(r'<tr class="date-paper_submission[^"]*">(.*?)</tr>', html).group(1)
    assert re.search(r"<del><time datetime=\"2023-01-26T11:59:59Z\">[^<]*Wed 25 Jan 2023", row)
    assert re.search(
        r'<strong><time data-local datetime="2023-02-04T11:59:59Z">'
        r"Fri 3 Feb 2023, 23:59 AoE \(UTC−12\)</time></strong>",
        row,
    )
    assert "Extended</span>" in row


@pytest.mark.django_db
def test_detail_unextended_date_has_no_strike_nor_marker(client, bands):
    html = squash(page(client, bands))

    row = re.search(r'<tr class="date-camera_ready[^"]*">(.*?)</tr>', html).group(1)
    assert "<del>" not in row and "Extended" not in row
    assert "Sat 15 Apr 2023, 23:59 AoE (UTC−12)" in row


@pytest.mark.django_db
def test_detail_notification_shows_day_without_time(client, bands):
    html = squash(page(client, bands))

    row = re.search(r'<tr class="date-author_notification[^"]*">(.*?)</tr>', html).group(1)
    assert '<time datetime="2023-03-03">Fri 3 Mar 2023</time>' in row


@pytest.mark.django_db
def test_detail_date_without_value_shows_tbd_and_note(client, bands):
    html = squash(page(client, bands))

    row = re.search(r'<tr class="date-workshop_day[^"]*">(.*?)</tr>', html).group(1)
    assert "TBD" in row and "May 4 or 5" in row


@pytest.mark.django_db
def test_detail_dates_in_workshop_timezone_not_aoe(client):
    workshop = WorkshopFactory(timezone="Asia/Seoul")
    ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.PAPER_SUBMISSION,
        original_at=dt.datetime(2030, 3, 6, 14, 59, 59, tzinfo=dt.UTC),
    )

    html = squash(page(client, workshop))

    assert "Wed 6 Mar 2030, 23:59 Asia/Seoul" in html
    assert 'datetime="2030-03-06T14:59:59Z"' in html


@pytest.mark.django_db
def test_detail_next_deadline_has_countdown_text_and_data(client):
    workshop = WorkshopFactory()
    deadline = timezone.now() + dt.timedelta(days=12, hours=5)
    ImportantDateFactory(workshop=workshop, kind=DateKind.PAPER_SUBMISSION, original_at=deadline)

    html = page(client, workshop)

    assert "12 days left" in html
    stamp = deadline.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'data-countdown="{stamp}"' in html


@pytest.mark.django_db
def test_detail_countdown_skips_passed_deadline(client):
    workshop = WorkshopFactory()
    now = timezone.now()
    ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.PAPER_SUBMISSION,
        original_at=now - dt.timedelta(days=1),
    )
    ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.CAMERA_READY,
        original_at=now + dt.timedelta(days=3, hours=1),
    )

    html = squash(page(client, workshop))

    assert re.search(r"Next: <strong>Camera-ready</strong>", html)
    assert "3 days left" in html


@pytest.mark.django_db
def test_detail_nests_subtopics_in_a_list_inside_their_topic(client, bands):
    html = squash(page(client, bands))

    topics = re.search(r'<ul class="topics">(.*)</ul>', html).group(1)
    assert re.search(
        r"<li>Backdoor attacks <ul><li>Clean-label attacks</li><li>Poisoning attacks</li></ul>",
        topics,
    )
    assert "<li>Backdoor defenses </li>" in topics


@pytest.mark.django_db
def test_detail_lists_submission_types_with_page_limits(client):
    workshop = WorkshopFactory()
    SubmissionTypeFactory(workshop=workshop, name="Full paper", page_limit=8, order=1)
    SubmissionTypeFactory(workshop=workshop, name="Position paper", page_limit=2, order=2)

    html = page(client, workshop)

    assert "<strong>Full paper</strong> — up to 8 pages, excluding references" in html
    assert "<strong>Position paper</strong> — up to 2 pages, excluding references" in html


@pytest.mark.django_db
def test_detail_shows_colocation_format_and_acronym(client, bands):
    html = squash(page(client, bands))

    assert "co-located with ICLR 2023" in html
    assert "Format: <strong>Virtual</strong>" in html
    assert "(BANDS 2023)" in html


@pytest.mark.django_db
def test_detail_policies_of_a_virtual_non_archival_call(client, bands):
    html = squash(page(client, bands))

    assert "Double-blind review." in html
    assert "Non-archival." in html and "no official proceedings" in html
    assert "Dual submission allowed." in html
    assert "allocated a virtual poster or virtual talk" in html
    assert 'href="https://iclr.cc/public/CodeOfConduct"' in html
    assert "must read it and acknowledge it" in html


@pytest.mark.django_db
def test_detail_policies_of_an_archival_single_blind_call(client):
    workshop = WorkshopFactory(
        anonymity=Anonymity.SINGLE_BLIND,
        is_archival=True,
        proceedings="IEEE Xplore",
        dual_submission_allowed=False,
        presentation_outcomes=["talk"],
        format=Format.IN_PERSON,
        venue="Daejeon, South Korea",
    )

    html = squash(page(client, workshop))

    assert "Single-blind review." in html
    assert (
        "Archival. Accepted papers will be published in the official proceedings (IEEE Xplore)"
        in (html.replace("<strong>", "").replace("</strong>", ""))
    )
    assert "Dual submission not allowed." in html
    assert "allocated a talk." in html
    assert "Format: <strong>In person</strong>" in html and "Daejeon, South Korea" in html


@pytest.mark.django_db
def test_detail_demo_edition_is_labelled(client):
    workshop = WorkshopFactory(is_demo=True)

    html = page(client, workshop)

    assert "Demo edition" in html


@pytest.mark.django_db
def test_detail_real_edition_has_no_demo_label(client, bands):
    assert "Demo edition" not in page(client, bands)


@pytest.mark.django_db
def test_detail_people_by_role_with_initials_or_photo(client, bands):
    saha = PersonFactory(workshop=bands, name="Aniruddha Saha", photo=png_upload("saha.png"))

    html = squash(page(client, bands))

    organizers = re.search(r'id="organizers"(.*?)</section>', html).group(1)
    assert '<span class="avatar initials" aria-hidden="true">KD</span>' in organizers
    assert "General chair" in organizers and "VinUniversity, Vietnam" in organizers
    photo_url = reverse("workshops:person_photo", args=[bands.slug, saha.pk])
    assert f'<img class="avatar" src="{photo_url}"' in organizers
    speakers = re.search(r'id="speakers"(.*?)</section>', html).group(1)
    assert "Tom Goldstein" in speakers and "Backdoors for good" in speakers
    assert "Rashmi Vinayak" in re.search(r'id="panelists"(.*?)</section>', html).group(1)
    assert "Tom Goldstein" not in organizers


@pytest.mark.django_db
def test_detail_review_criteria_and_contact(client, bands):
    html = page(client, bands)

    assert "Soundness of the methodology" in html and "Societal impacts" in html
    assert 'href="mailto:bands.workshop@example.org"' in html
    assert "LaTeX template" in html


@pytest.mark.django_db
def test_detail_program_in_workshop_timezone(client):
    workshop = WorkshopFactory(timezone="Pacific/Honolulu")
    ProgramSessionFactory(
        workshop=workshop,
        title="Opening remarks",
        starts_at=dt.datetime(2030, 12, 15, 19, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 12, 15, 19, 5, tzinfo=dt.UTC),
        room="Hall A",
    )

    html = page(client, workshop)

    assert "Opening remarks" in html
    assert "Sun 15 Dec, 09:00" in html and "09:05" in html


@pytest.mark.django_db
def test_detail_strips_script_and_event_handlers_from_markdown(client):
    workshop = WorkshopFactory(
        overview="Hello <script>alert('x')</script> **world**",
        call_for_papers='<img src="x" onerror="alert(1)"> [link](javascript:alert(2))',
        submission_instructions='<a href="#" onclick="steal()">here</a>',
    )

    html = page(client, workshop)

    assert "<strong>world</strong>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_detail_escapes_html_in_plain_fields(client):
    workshop = WorkshopFactory(name="<script>alert(1)</script>", tagline='"><img onerror=x>')

    html = page(client, workshop)

    assert "<script>alert(1)</script>" not in html
    assert "onerror=x>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "author", "reviewer"])
def test_detail_unpublished_is_404_for_non_chairs(client, who):
    workshop = WorkshopFactory(is_published=False)
    if who == "author":
        client.force_login(UserFactory())
    elif who == "reviewer":
        user = UserFactory()
        MembershipFactory(workshop=workshop, user=user, role="reviewer")
        client.force_login(user)

    response = client.get(reverse("workshops:detail", kwargs={"slug": workshop.slug}))

    assert response.status_code == 404


@pytest.mark.django_db
def test_detail_unpublished_is_shown_to_its_chair_as_draft(client):
    workshop = WorkshopFactory(is_published=False)
    user = UserFactory()
    MembershipFactory(workshop=workshop, user=user, role="chair")
    client.force_login(user)

    html = page(client, workshop)

    assert "Draft" in html and "Manage this workshop" in html


@pytest.mark.django_db
def test_detail_unknown_slug_is_404(client):
    response = client.get(reverse("workshops:detail", kwargs={"slug": "nope"}))

    assert response.status_code == 404


@pytest.mark.django_db
def test_index_lists_open_calls_first_by_deadline_then_past(client):
    now = timezone.now()
    later = WorkshopFactory(name="Later call")
    ImportantDateFactory(workshop=later, original_at=now + dt.timedelta(days=30, hours=1))
    sooner = WorkshopFactory(name="Sooner call")
    ImportantDateFactory(workshop=sooner, original_at=now + dt.timedelta(days=5, hours=1))
    past = WorkshopFactory(name="Past call", year=2023)
    ImportantDateFactory(workshop=past, original_at=now - dt.timedelta(days=400))
    WorkshopFactory(name="Hidden draft", is_published=False)

    html = client.get(reverse("workshops:index")).content.decode()

    open_part, past_part = html.split("Closed and past calls")
    assert open_part.index("Sooner call") < open_part.index("Later call")
    assert "5 days left" in open_part and "30 days left" in open_part
    assert "Past call" in past_part and "Past call" not in open_part
    assert "Hidden draft" not in html


@pytest.mark.django_db
def test_index_shows_colocation_and_demo_badge(client):
    WorkshopFactory(name="Demo call", is_demo=True, colocated_with="NeurIPS 2030")

    html = client.get(reverse("workshops:index")).content.decode()

    assert "co-located with NeurIPS 2030" in html
    assert "Demo edition" in html


@pytest.mark.django_db
def test_index_lists_chaired_drafts_for_their_chair_only(client):
    draft = WorkshopFactory(name="Draft call", acronym="DRAFT", is_published=False)
    chair = UserFactory()
    MembershipFactory(workshop=draft, user=chair, role="chair")
    client.force_login(UserFactory())
    assert "DRAFT" not in client.get(reverse("workshops:index")).content.decode()

    client.force_login(chair)
    html = client.get(reverse("workshops:index")).content.decode()

    assert reverse("workshops:manage", kwargs={"slug": draft.slug}) in html
    assert "Create a workshop" in html


@pytest.mark.django_db
def test_people_roles_are_grouped_on_the_page(client):
    workshop = WorkshopFactory()
    PersonFactory(workshop=workshop, role=PersonRole.PANELIST, name="Pat Panel")

    html = squash(page(client, workshop))

    assert 'id="panelists"' in html and 'id="organizers"' not in html


# --- Policies a call does not state -------------------------------------------------------


@pytest.mark.django_db
def test_detail_hides_policies_and_year_a_call_does_not_state(client):
    workshop = WorkshopFactory(
        name="Secure and Safe ML",
        acronym="",
        year=None,
        anonymity=Anonymity.NOT_STATED,
        is_archival=None,
        dual_submission_allowed=None,
        presentation_outcomes=[],
    )

    html = squash(page(client, workshop))

    assert 'id="policies"' not in html
    for line in ("review.", "Archival.", "Non-archival.", "Dual submission"):
        assert line not in html
    assert "None" not in html
    assert "<title>Secure and Safe ML" in html


@pytest.mark.django_db
def test_detail_shows_only_the_policies_a_call_states(client):
    workshop = WorkshopFactory(
        anonymity=Anonymity.NOT_STATED,
        is_archival=True,
        proceedings="IEEE Digital Library",
        dual_submission_allowed=None,
        presentation_outcomes=[],
    )

    html = squash(page(client, workshop))

    assert "Archival." in html and "(IEEE Digital Library)" in html
    assert "review." not in html and "Dual submission" not in html


# --- The real demo data ------------------------------------------------------------------


@pytest.fixture
def demo_data(db, monkeypatch):
    """The workshops of ``load_demo`` (without demo papers: these pages do not show them)."""
    from django.core.management import call_command

    from workshops.management.commands import load_demo

    monkeypatch.setattr(load_demo, "APP_LOADERS", [])
    call_command("load_demo", stdout=io.StringIO())


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return squash(response.content.decode())


def test_demo_bugs_page_nests_its_topics(client, demo_data):
    html = get(client, "/w/bugs-2023/")

    topics = re.search(r'<ul class="topics">(.*)</ul>', html).group(1)
    assert re.search(
        r"<li>Backdoor attacks <ul><li>Poisoning attacks</li><li>Dirty-label backdoor attacks</li>",
        topics,
    )
    assert re.search(
        r"<li>Backdoor defenses <ul><li>Backdoor detection \(poisoned inputs, poisoned models\)"
        r"</li><li>Backdoor mitigation \(data sanitization, model repair\)</li>",
        topics,
    )
    assert re.search(r"<li>Backdoor for social good <ul><li>Watermarking", topics)
    assert "Double-blind review." in html and "Non-archival." in html
    assert "Dual submission allowed." in html


def test_demo_safe_ml_page_lists_three_types_and_only_stated_policies(client, demo_data):
    html = get(client, "/w/safe-ml-2026/")

    for name, pages in (("Full Paper", 8), ("Short Paper", 4), ("Position Paper", 2)):
        assert f"<strong>{name}</strong> — up to {pages} pages, excluding references" in html
    assert "Archival." in html and "(IEEE Digital Library)" in html
    assert "review." not in html and "Dual submission" not in html
    assert "ieee.org" not in html


def test_demo_bands_page_strikes_the_original_deadline(client, demo_data):
    html = get(client, "/w/bands-2023/")

    row = re.search(r'<tr class="date-paper_submission[^"]*">(.*?)</tr>', html).group(1)
    assert re.search(r"<del><time datetime=\"2023-01-26T11:59:59Z\">[^<]*Wed 25 Jan 2023", row)
    assert re.search(
        r'<strong><time data-local datetime="2023-02-04T11:59:59Z">[^<]*Fri 3 Feb', row
    )
    assert "Extended</span>" in row


def test_demo_secure_and_safe_ml_page_states_no_year_nor_policy(client, demo_data):
    html = get(client, "/w/secure-and-safe-ml/")

    assert 'id="policies"' not in html and "None" not in html
    assert "Submit a paper" not in html
    index = get(client, "/")
    assert "Secure and Safe ML" in index and "None" not in index
