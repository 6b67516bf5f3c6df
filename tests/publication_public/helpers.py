"""Accepted papers made directly through the models: a released accept decision, the authors,
a real camera-ready PDF (``tests/pdfs.py``), the confirmed metadata and the terms accepted."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from publication.models import CameraReady, PublicationSettings, TermsAcceptance, TermsKind
from reviews.models import Decision, DecisionRelease
from submissions.enums import FileKind, SubmissionState
from tests import factories
from tests.pdfs import make_pdf


def release(workshop):
    return DecisionRelease.objects.create(workshop=workshop)


def decided_paper(workshop, number, *, outcome="accept_talk", released=True, title=None, rel=None):
    """Paper ``number`` of ``workshop`` with two authors and a decision (released by default)."""
    state = SubmissionState.REJECTED if outcome == "reject" else SubmissionState.ACCEPTED
    paper = factories.SubmissionFactory(
        workshop=workshop,
        number=number,
        title=title or f"Paper {number}: a study",
        abstract=f"Abstract of paper {number}.",
        state=state,
        submitted_at=timezone.now(),
    )
    for order in range(2):
        factories.AuthorshipFactory(
            submission=paper,
            order=order,
            name=f"Author {number}.{order}",
            email=f"a{number}-{order}@uni.example",
            affiliation=f"Uni {order}",
            is_contact=order == 0,
        )
    if released:
        rel = rel or release(workshop)
        Decision.objects.create(
            submission=paper, outcome=outcome, release=rel, released_at=timezone.now()
        )
    else:
        Decision.objects.create(submission=paper, outcome=outcome)
    return paper


def add_camera_ready(paper, *, pages=3, version=1, text="", confirm=True, orcid="", terms=True):
    """A camera-ready version (a real ``pages``-page PDF), the confirmed metadata and the
    acceptance of the workshop's current terms."""
    data = make_pdf(pages, title=paper.title, text=text or f"Final version of #{paper.number}")
    file = factories.SubmissionFileFactory(
        submission=paper,
        kind=FileKind.CAMERA_READY,
        version=version,
        content=data,
        file=ContentFile(data, name="camera.pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
    )
    if confirm:
        CameraReady.objects.update_or_create(
            submission=paper,
            defaults={
                "title": f"{paper.title} (final)",
                "abstract": f"Final abstract of {paper.number}.",
                "authors": [
                    {
                        "name": f"Final Author {paper.number}.{i}",
                        "affiliation": f"Final Uni {i}",
                        "email": f"f{paper.number}-{i}@uni.example",
                        "orcid": orcid if i == 0 else "",
                    }
                    for i in range(2)
                ],
                "confirmed_at": timezone.now(),
            },
        )
    settings = PublicationSettings.objects.filter(workshop=paper.workshop).first()
    if terms and settings and settings.terms_kind != TermsKind.NONE:
        user = factories.UserFactory()
        TermsAcceptance.objects.create(
            submission=paper,
            user=user,
            kind=settings.terms_kind,
            terms_title=settings.terms_title,
            terms_version=settings.terms_version,
            terms_sha256="0" * 64,
        )
    return file, data


def publish(workshop, *, papers=True):
    settings, _ = PublicationSettings.objects.get_or_create(workshop=workshop)
    settings.accepted_published_at = timezone.now()
    settings.publish_papers = papers
    settings.save()
    return settings
