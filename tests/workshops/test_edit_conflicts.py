"""Two chairs (or two tabs) editing the same call: the later save, loaded before the first, is
refused as a whole (workshop and lists), shows what differs and keeps what was typed."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from tests.versions import browser, hidden_version
from workshops.enums import MemberRole
from workshops.models import Topic, Workshop

from .payloads import edit_payload, first_empty_row

pytestmark = pytest.mark.django_db


def edit_url(workshop, section=None):
    if section is None:
        return reverse("workshops:edit", kwargs={"slug": workshop.slug})
    return reverse("workshops:edit_section", kwargs={"slug": workshop.slug, "section": section})


@pytest.fixture
def chairs(bands):
    users = [UserFactory(full_name="Carla Chair"), UserFactory(full_name="Dana Chair")]
    for user in users:
        MembershipFactory(workshop=bands, user=user, role=MemberRole.CHAIR)
    return [browser(user) for user in users]


def test_second_chair_save_is_refused_whole_and_keeps_the_input(bands, chairs):
    carla, dana = chairs
    page_carla, page_dana = carla.get(edit_url(bands)), dana.get(edit_url(bands))
    topics_dana = dana.get(edit_url(bands, "topics"))
    old_name = bands.name
    new_topic = first_empty_row(topics_dana, "topics")

    first = carla.post(edit_url(bands), {**edit_payload(page_carla), "name": "Carla's name"})
    assert first.status_code == 302
    second = dana.post(edit_url(bands), {**edit_payload(page_dana), "tagline": "Dana's tagline"})

    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved: someone else saved first" in body
    assert "Carla&#x27;s name" in body and old_name in body  # saved name vs the one she sent
    assert 'value="Dana&#x27;s tagline"' in body

    # A section's list saved from a page loaded before Carla's save is refused too, whole.
    topics = dana.post(
        edit_url(bands, "topics"),
        {**edit_payload(topics_dana), f"topics-{new_topic}-name": "Dana's topic"},
    )
    assert topics.status_code == 409
    assert 'value="Dana&#x27;s topic"' in topics.content.decode()
    assert "Topics: what you typed differs from the saved list." in topics.content.decode()
    bands.refresh_from_db()
    assert (bands.name, bands.tagline) == ("Carla's name", "")
    assert not Topic.objects.filter(workshop=bands, name="Dana's topic").exists()

    # Having read it, Dana keeps Carla's name and saves again: it goes through.
    again = dana.post(
        edit_url(bands),
        {
            **edit_payload(second),
            "name": "Carla's name",
            "version": hidden_version(second),
        },
    )
    assert again.status_code == 302
    bands.refresh_from_db()
    assert (bands.name, bands.tagline) == ("Carla's name", "Dana's tagline")


def test_saving_unchanged_call_keeps_other_tabs_valid(bands, chairs):
    carla, dana = chairs
    page_carla, page_dana = carla.get(edit_url(bands)), dana.get(edit_url(bands))
    version = Workshop.objects.get(pk=bands.pk).version

    assert carla.post(edit_url(bands), edit_payload(page_carla)).status_code == 302
    assert Workshop.objects.get(pk=bands.pk).version == version
    response = dana.post(edit_url(bands), {**edit_payload(page_dana), "tagline": "Fine."})
    assert response.status_code == 302
