import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from workshops.enums import DateKind


@pytest.mark.django_db
def test_workshop_page_open_call_links_to_the_submission_form(client):
    workshop = factories.WorkshopFactory()
    factories.ImportantDateFactory(workshop=workshop, kind=DateKind.PAPER_SUBMISSION)

    response = client.get(workshop.get_absolute_url())

    assert reverse("submissions:create", args=[workshop.slug]) in response.content.decode()
    assert "Submit a paper" in response.content.decode()


@pytest.mark.django_db
def test_workshop_page_closed_abstract_registration_offers_no_new_submission(client):
    workshop = factories.WorkshopFactory()
    now = timezone.now()
    factories.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.ABSTRACT_REGISTRATION,
        original_at=now - dt.timedelta(hours=1),
    )
    factories.ImportantDateFactory(
        workshop=workshop, kind=DateKind.PAPER_SUBMISSION, original_at=now + dt.timedelta(days=3)
    )

    html = client.get(workshop.get_absolute_url()).content.decode()

    assert "Submit a paper" not in html
    assert "Submissions to this call are closed." not in html
    assert "New submissions are closed" in html
    assert "Registered submissions can be completed until the paper deadline" in html


@pytest.mark.django_db
def test_workshop_page_past_paper_deadline_says_submissions_are_closed(client):
    workshop = factories.WorkshopFactory()
    now = timezone.now()
    factories.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.ABSTRACT_REGISTRATION,
        original_at=now - dt.timedelta(days=3),
    )
    factories.ImportantDateFactory(
        workshop=workshop, kind=DateKind.PAPER_SUBMISSION, original_at=now - dt.timedelta(hours=1)
    )

    html = client.get(workshop.get_absolute_url()).content.decode()

    assert "Submit a paper" not in html
    assert "Submissions to this call are closed." in html
    assert "Registered submissions can be completed" not in html
