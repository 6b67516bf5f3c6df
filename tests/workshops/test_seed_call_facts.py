"""The facts of the seed calls that the public pages used to leave out (loaded demo data)."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from workshops.management.commands import load_demo
from workshops.models import Workshop


@pytest.fixture
def seeds_loaded(db, monkeypatch):
    monkeypatch.setattr(load_demo, "APP_LOADERS", [])
    call_command("load_demo", stdout=io.StringIO())


def page(client, slug: str) -> str:
    response = client.get(f"/w/{slug}/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}"[^>]*>(.*?)</section>', html)
    assert match, f"no section #{anchor}"
    return match.group(1)


def test_bands_page_links_the_camera_ready_template(client, seeds_loaded):
    html = page(client, "bands-2023")

    camera_ready = section(html, "camera-ready-call")
    assert "<h2" in camera_ready and "Camera-ready" in camera_ready
    assert 'href="https://iclr23-bands.github.io/files/iclr2023.zip"' in camera_ready
    assert "Download (LaTeX)" in camera_ready
    assert "\\iclrfinalcopy" in camera_ready
    assert "https://openreview.net/group?id=ICLR.cc/2023/Workshop/BANDS" in camera_ready
    assert 'href="#camera-ready-call"' in html  # listed in the page's contents
    # The submission template stays the ICLR master template.
    assert 'href="https://github.com/ICLR/Master-Template/raw/master/iclr2023.zip"' in html


def test_safe_ml_page_says_queries_go_to_the_general_co_chairs_without_inventing_addresses(
    client, seeds_loaded
):
    html = page(client, "safe-ml-2026")

    contact = section(html, "contact")
    assert "General Co-Chairs" in contact
    assert "names no e-mail address" in contact
    assert "mailto:" not in contact and "@" not in contact
    assert 'href="#contact"' in html


@pytest.mark.parametrize(
    "anchor, title",
    [("schedule", "Schedule"), ("speakers", "Invited speakers"), ("panelists", "Panelists")],
)
def test_bugs_page_shows_its_coming_soon_sections_as_announced_later(
    client, seeds_loaded, anchor, title
):
    html = page(client, "bugs-2023")

    body = section(html, anchor)
    assert title in body and "To be announced later." in body
    assert f'href="#{anchor}"' in html


def test_an_announced_later_section_gives_way_to_its_content(client, seeds_loaded):
    bugs = Workshop.objects.get(slug="bugs-2023")
    bugs.people.create(name="Ada Invited", role="speaker")

    html = page(client, "bugs-2023")

    speakers = section(html, "speakers")
    assert "Ada Invited" in speakers and "To be announced" not in speakers
    assert "To be announced later." in section(html, "panelists")


def test_other_seed_pages_announce_nothing_later(client, seeds_loaded):
    for slug in ("bands-2023", "safe-ml-2026", "secure-and-safe-ml", "demo-trustworthy-ml"):
        assert "To be announced later." not in page(client, slug)


def test_the_call_editor_edits_the_new_facts(client, seeds_loaded):
    from accounts.models import User

    client.force_login(User.objects.get(email="chair@demo.test"))
    bugs = Workshop.objects.get(slug="bugs-2023")
    response = client.get(reverse("workshops:edit", kwargs={"slug": bugs.slug}))
    assert response.status_code == 200
    html = response.content.decode()

    for name in (
        "camera_ready_instructions",
        "camera_ready_template_url",
        "contact_note",
        "announced_later",
    ):
        assert f'name="{name}"' in html, name
    assert re.search(r'value="speakers"[^>]*checked', html)
