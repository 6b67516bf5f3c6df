"""The public accepted papers: nothing before a chair publishes them; then the workshop page's
section, their own page and, when the workshop publishes its papers, the camera-ready PDFs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Entry, Kind
from publication.models import PublicationSettings
from tests import factories
from tests.pdfs import make_pdf

from .helpers import add_camera_ready, decided_paper, publish, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(media_root):
    workshop = factories.WorkshopFactory(presentation_outcomes=["talk", "poster", "virtual_poster"])
    rel = release(workshop)
    talk = decided_paper(workshop, 1, outcome="accept_talk", rel=rel, title="Talk paper")
    poster = decided_paper(workshop, 2, outcome="accept_poster", rel=rel, title="Poster paper")
    virtual = decided_paper(
        workshop, 3, outcome="accept_virtual_poster", rel=rel, title="Virtual paper"
    )
    rejected = decided_paper(workshop, 4, outcome="reject", rel=rel, title="Rejected paper")
    staged = decided_paper(workshop, 5, released=False, title="Staged paper")
    add_camera_ready(talk, pages=4, version=1)
    _file, latest = add_camera_ready(talk, pages=5, version=2, text="SECOND-VERSION")
    add_camera_ready(poster, pages=2, confirm=False)
    add_camera_ready(rejected, pages=2)
    return workshop, {
        "talk": talk,
        "poster": poster,
        "virtual": virtual,
        "rejected": rejected,
        "staged": staged,
        "latest": latest,
    }


def test_nothing_is_public_before_publication(client, world):
    workshop, papers = world
    detail = client.get(workshop.get_absolute_url())
    assert detail.status_code == 200
    assert "Accepted papers" not in detail.content.decode()
    assert "Talk paper" not in detail.content.decode()
    assert client.get(reverse("accepted:list", args=[workshop.slug])).status_code == 404
    publish(workshop, papers=True)
    PublicationSettings.objects.filter(workshop=workshop).update(accepted_published_at=None)
    assert client.get(reverse("accepted:pdf", args=[workshop.slug, 1])).status_code == 404


def test_published_list_shows_printed_titles_authors_outcomes_and_abstracts(client, world):
    workshop, papers = world
    publish(workshop, papers=False)
    for url in (workshop.get_absolute_url(), reverse("accepted:list", args=[workshop.slug])):
        page = client.get(url).content.decode()
        assert "Accepted papers" in page
        # The confirmed camera-ready metadata is what is printed; else the submission's.
        assert "Talk paper (final)" in page
        assert "Final Author 1.0" in page and "Final Uni 0" in page
        assert page.index("Final Author 1.0") < page.index("Final Author 1.1")
        assert "Final abstract of 1." in page
        assert "Poster paper" in page and "Author 2.0" in page and "Uni 1" in page
        assert "Virtual paper" in page
        assert ">Talk<" in page and ">Poster<" in page and ">Virtual poster<" in page
        # Neither a rejected paper nor a decision still staged.
        assert "Rejected paper" not in page
        assert "Staged paper" not in page
        # The workshop does not publish its papers: no PDF link.
        assert reverse("accepted:pdf", args=[workshop.slug, 1]) not in page
    assert client.get(reverse("accepted:pdf", args=[workshop.slug, 1])).status_code == 404


def test_pdf_link_and_download_only_of_the_latest_camera_ready(client, world):
    workshop, papers = world
    publish(workshop, papers=True)
    page = client.get(reverse("accepted:list", args=[workshop.slug])).content.decode()
    assert reverse("accepted:pdf", args=[workshop.slug, 1]) in page
    assert reverse("accepted:pdf", args=[workshop.slug, 2]) in page
    # No camera-ready yet: no link.
    assert reverse("accepted:pdf", args=[workshop.slug, 3]) not in page

    response = client.get(reverse("accepted:pdf", args=[workshop.slug, 1]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == papers["latest"]  # the latest version, never an older one
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")

    for number in (3, 4, 5, 99):  # no camera-ready, rejected, staged, no such paper
        assert client.get(reverse("accepted:pdf", args=[workshop.slug, number])).status_code == 404


def test_a_draft_workshop_shows_nothing_to_visitors(client, world):
    workshop, papers = world
    publish(workshop, papers=True)
    workshop.is_published = False
    workshop.save()
    assert client.get(reverse("accepted:list", args=[workshop.slug])).status_code == 404
    assert client.get(reverse("accepted:pdf", args=[workshop.slug, 1])).status_code == 404


# --- The chairs' switch -----------------------------------------------------------------------


def test_chair_publishes_and_takes_down_idempotently_and_it_is_logged(client, world):
    workshop, papers = world
    chair = factories.member(workshop, "chair")
    client.force_login(chair)
    url = reverse("accepted:manage", args=[workshop.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Publish the accepted papers" in page.content.decode()

    response = client.post(url, {"action": "publish", "version": "0"}, follow=True)
    assert "The accepted papers are now public." in response.content.decode()
    settings = PublicationSettings.objects.get(workshop=workshop)
    assert settings.accepted_published
    assert client.get(reverse("accepted:list", args=[workshop.slug])).status_code == 200
    # The same post again (a double click): nothing changes, nothing more is logged.
    response = client.post(url, {"action": "publish", "version": "0"}, follow=True)
    assert "Already public." in response.content.decode()
    entries = Entry.objects.filter(workshop=workshop, kind=Kind.SETTINGS)
    assert [e.action for e in entries] == ["accepted_published"]
    assert entries[0].actor == chair
    assert entries[0].changes["accepted_published_at"][0] is None

    # A page loaded before the publication cannot take it down unknowingly.
    response = client.post(url, {"action": "unpublish", "version": "0"}, follow=True)
    assert "Another chair changed" in response.content.decode()
    assert PublicationSettings.objects.get(workshop=workshop).accepted_published
    version = PublicationSettings.objects.get(workshop=workshop).version
    client.post(url, {"action": "unpublish", "version": str(version)})
    assert not PublicationSettings.objects.get(workshop=workshop).accepted_published
    assert client.get(reverse("accepted:list", args=[workshop.slug])).status_code == 404
    assert Entry.objects.filter(workshop=workshop, action="accepted_unpublished").count() == 1


def test_chair_page_hides_the_conflicted_paper(client, world):
    workshop, papers = world
    chair = factories.member(workshop, "chair")
    factories.ConflictFactory(submission=papers["talk"], user=chair)
    client.force_login(chair)
    page = client.get(reverse("accepted:manage", args=[workshop.slug])).content.decode()
    assert "Poster paper" in page
    assert "Talk paper" not in page


@pytest.mark.parametrize("role", ["anonymous", "reviewer", "author", "other_chair"])
def test_only_chairs_publish(client, world, role):
    workshop, papers = world
    url = reverse("accepted:manage", args=[workshop.slug])
    if role == "reviewer":
        client.force_login(factories.member(workshop, "reviewer"))
    elif role == "author":
        user = factories.UserFactory()
        factories.AuthorshipFactory(submission=papers["talk"], user=user, email=user.email)
        client.force_login(user)
    elif role == "other_chair":
        client.force_login(factories.member(factories.WorkshopFactory(), "chair"))
    response = client.post(url, {"action": "publish", "version": "0"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert not PublicationSettings.objects.filter(
        workshop=workshop, accepted_published_at__isnull=False
    ).exists()


# --- Query counts -----------------------------------------------------------------------------


def _fill(size):
    workshop = factories.WorkshopFactory()
    rel = release(workshop)
    for number in range(1, size + 1):
        paper = decided_paper(workshop, number, rel=rel)
        if number % 2:
            add_camera_ready(paper, pages=2, orcid="0000-0002-1825-0097")
    publish(workshop, papers=True)
    return workshop


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("page", ["detail", "accepted"])
def test_query_count_does_not_grow_with_the_papers(client, media_root, page):
    small, big = _fill(3), _fill(30)
    urls = {
        w.pk: (
            w.get_absolute_url() if page == "detail" else reverse("accepted:list", args=[w.slug])
        )
        for w in (small, big)
    }
    few, small_page = _count(client, urls[small.pk])
    many, big_page = _count(client, urls[big.pk])
    assert "Paper 3: a study" in small_page
    assert "Paper 30: a study" in big_page
    assert few == many, (few, many)


def test_pdf_is_a_real_pdf_file(client, media_root):
    workshop = _fill(1)
    body = b"".join(client.get(reverse("accepted:pdf", args=[workshop.slug, 1])).streaming_content)
    assert body[:4] == make_pdf()[:4]


def test_chair_links_the_pdfs(client, world):
    workshop, papers = world
    chair = factories.member(workshop, "chair")
    client.force_login(chair)
    url = reverse("accepted:manage", args=[workshop.slug])
    client.post(url, {"action": "publish", "version": "0"})
    pdf = reverse("accepted:pdf", args=[workshop.slug, 1])
    assert pdf not in client.get(reverse("accepted:list", args=[workshop.slug])).content.decode()
    assert client.get(pdf).status_code == 404
    version = PublicationSettings.objects.get(workshop=workshop).version
    response = client.post(url, {"action": "link_pdfs", "version": str(version)}, follow=True)
    assert "now linked" in response.content.decode()
    assert pdf in client.get(reverse("accepted:list", args=[workshop.slug])).content.decode()
    assert client.get(pdf).status_code == 200
    entry = Entry.objects.get(workshop=workshop, action="papers_published")
    assert entry.changes == {"publish_papers": [False, True]}
    assert client.post(url, {"action": "delete_everything"}, follow=True).status_code == 200
    assert PublicationSettings.objects.get(workshop=workshop).publish_papers


def test_a_consent_workshop_posts_only_the_papers_whose_authors_consented(client, media_root):
    from publication.models import TermsKind

    workshop = factories.WorkshopFactory()
    settings = publish(workshop, papers=True)
    settings.terms_kind = TermsKind.CONSENT
    settings.terms_title = "Consent to post the paper on the website"
    settings.terms_version = "1"
    settings.save()
    rel = release(workshop)
    consented = decided_paper(workshop, 1, rel=rel, title="Consented paper")
    silent = decided_paper(workshop, 2, rel=rel, title="Silent paper")
    add_camera_ready(consented)
    add_camera_ready(silent, terms=False)

    page = client.get(reverse("accepted:list", args=[workshop.slug])).content.decode()
    assert "Silent paper (final)" in page  # listed, as every accepted paper
    assert reverse("accepted:pdf", args=[workshop.slug, 1]) in page
    assert reverse("accepted:pdf", args=[workshop.slug, 2]) not in page
    assert client.get(reverse("accepted:pdf", args=[workshop.slug, 1])).status_code == 200
    assert client.get(reverse("accepted:pdf", args=[workshop.slug, 2])).status_code == 404


def test_the_paper_pdf_is_revalidated_so_a_new_version_is_served_at_once(client, media_root):
    """The same URL serves every version: shared caches must ask again each time (no
    ``max-age``), and an unchanged file answers the conditional request with a 304."""
    workshop = factories.WorkshopFactory()
    publish(workshop, papers=True)
    paper = decided_paper(workshop, 1, title="Versioned paper")
    _, first = add_camera_ready(paper, version=1, text="first")
    url = reverse("accepted:pdf", args=[workshop.slug, 1])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    assert "max-age" not in response["Cache-Control"]
    etag = response["ETag"]
    assert b"".join(response.streaming_content) == first

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag and again["Cache-Control"] == "public, no-cache"
    assert not again.content

    _, second = add_camera_ready(paper, version=2, text="second")
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert b"".join(fresh.streaming_content) == second
