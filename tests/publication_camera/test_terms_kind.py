"""The terms are (kind, version): switching from a consent to a copyright form is new terms, and
every check ("accepted the current terms") compares both."""

import pytest

from publication.models import PublicationSettings, TermsAcceptance
from publication.services import camera_ready, terms
from publication.services.camera_ready import CameraReadyError

from .conftest import table_url
from .test_chairs import complete, settings_post

pytestmark = pytest.mark.django_db


def test_changing_the_kind_of_terms_needs_a_new_version(client, chair, workshop):
    client.force_login(chair)
    url = table_url(workshop) + "settings/"
    assert (
        client.post(url, settings_post(terms_kind="consent", terms_version="1")).status_code == 302
    )
    current = PublicationSettings.objects.get(workshop=workshop).version
    response = client.post(
        url, settings_post(terms_kind="copyright", terms_version="1", version=str(current))
    )
    assert response.status_code == 400
    assert "kind of terms changed" in response.content.decode()
    assert PublicationSettings.objects.get(workshop=workshop).terms_kind == "consent"
    response = client.post(
        url, settings_post(terms_kind="copyright", terms_version="2", version=str(current))
    )
    assert response.status_code == 302
    assert PublicationSettings.objects.get(workshop=workshop).terms_kind == "copyright"


def test_a_version_accepted_under_another_kind_cannot_be_reused(
    client, chair, workshop, make_paper
):
    settings = PublicationSettings.objects.create(
        workshop=workshop,
        terms_kind="consent",
        terms_title="Consent",
        terms_text="You consent.",
        terms_version="1",
    )
    complete(make_paper(), settings)
    settings.terms_kind = "none"
    settings.save()
    client.force_login(chair)
    url = table_url(workshop) + "settings/"
    response = client.post(
        url,
        settings_post(terms_kind="copyright", terms_version="1", version=str(settings.version)),
    )
    assert response.status_code == 400
    assert "already accepted under this version" in response.content.decode()


def test_a_consent_does_not_count_as_the_copyright_form_of_the_same_version(
    workshop, make_paper, ada
):
    """Terms saved before the form asked for a new version: consent "1" accepted, then the
    settings say copyright "1". The paper is incomplete everywhere, and the author is told
    why rather than being handed the old consent."""
    settings = PublicationSettings.objects.create(
        workshop=workshop,
        terms_kind="consent",
        terms_title="Consent",
        terms_text="You consent.",
        terms_version="1",
    )
    paper = make_paper()
    complete(paper, settings)
    assert not camera_ready.missing_papers(workshop).exists()
    PublicationSettings.objects.filter(pk=settings.pk).update(
        terms_kind="copyright", terms_title="Copyright form", terms_text="You transfer."
    )
    workshop._publication_settings = None
    settings = PublicationSettings.objects.get(pk=settings.pk)
    paper = type(paper).objects.prefetch_related("terms_acceptances", "files").get(pk=paper.pk)
    assert terms.current_acceptance(paper, settings) is None
    assert list(camera_ready.missing_papers(workshop)) == [paper]
    assert camera_ready.missing_items(paper, settings) == ["Copyright form"]
    with pytest.raises(CameraReadyError, match="new version"):
        terms.accept_terms(paper, by=ada, version="1", sha256=terms.terms_sha256(settings))
    assert TermsAcceptance.objects.filter(submission=paper).count() == 1
