"""Fixtures of the workshops tests: a call modelled on a real one, and form payloads."""

import pytest

from tests.factories import (
    ImportantDateFactory,
    PersonFactory,
    ReviewCriterionFactory,
    SubmissionTypeFactory,
    TopicFactory,
    WorkshopFactory,
)
from workshops.enums import AOE, Anonymity, DateKind, Format, PersonRole

from .factories import aoe


@pytest.fixture(autouse=True)
def _media_in_tmp(media_root):
    """Uploaded images go to the test's own folder."""


@pytest.fixture
def bands(db):
    """BANDS @ ICLR 2023: virtual, non-archival, double-blind, its deadline extended."""
    workshop = WorkshopFactory(
        name="Backdoor Attacks and Defenses in Machine Learning",
        acronym="BANDS",
        year=2023,
        slug="bands-2023",
        colocated_with="ICLR 2023",
        format=Format.VIRTUAL,
        timezone=AOE,
        anonymity=Anonymity.DOUBLE_BLIND,
        is_archival=False,
        dual_submission_allowed=True,
        presentation_outcomes=["virtual_poster", "virtual_talk"],
        code_of_conduct_url="https://iclr.cc/public/CodeOfConduct",
        code_of_ethics_url="https://iclr.cc/public/CodeOfEthics",
        contact_email="bands.workshop@example.org",
        template_latex_url="https://github.com/ICLR/Master-Template/raw/master/iclr2023.zip",
    )
    ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.PAPER_SUBMISSION,
        original_at=aoe(2023, 1, 25),
        extended_at=aoe(2023, 2, 3),
    )
    ImportantDateFactory(
        workshop=workshop, kind=DateKind.AUTHOR_NOTIFICATION, original_at=aoe(2023, 3, 3)
    )
    ImportantDateFactory(
        workshop=workshop, kind=DateKind.CAMERA_READY, original_at=aoe(2023, 4, 15)
    )
    ImportantDateFactory(
        workshop=workshop, kind=DateKind.WORKSHOP_DAY, original_at=None, note="May 4 or 5"
    )
    SubmissionTypeFactory(
        workshop=workshop, name="Paper", page_limit=4, appendices_excluded=True, order=1
    )
    attacks = TopicFactory(workshop=workshop, name="Backdoor attacks", order=1)
    TopicFactory(workshop=workshop, parent=attacks, name="Clean-label attacks", order=1)
    TopicFactory(workshop=workshop, parent=attacks, name="Poisoning attacks", order=2)
    TopicFactory(workshop=workshop, name="Backdoor defenses", order=2)
    ReviewCriterionFactory(workshop=workshop, name="Soundness of the methodology", order=1)
    ReviewCriterionFactory(workshop=workshop, name="Societal impacts", order=2)
    PersonFactory(
        workshop=workshop,
        name="Khoa D Doan",
        title="General chair",
        affiliation="VinUniversity, Vietnam",
        website="https://khoadoan.me",
    )
    PersonFactory(
        workshop=workshop,
        role=PersonRole.SPEAKER,
        name="Tom Goldstein",
        affiliation="University of Maryland, College Park, USA",
        talk_title="Backdoors for good",
    )
    PersonFactory(
        workshop=workshop, role=PersonRole.PANELIST, name="Rashmi Vinayak", affiliation="CMU"
    )
    return workshop
