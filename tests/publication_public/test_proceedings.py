"""The proceedings bundle of an archival workshop, opened and checked against the database, and
the chairs' proceedings order."""

import csv
import hashlib
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from activity.models import Entry, Kind
from publication.models import CameraReady
from publication.proceedings import bibtex_escape
from tests import factories

from .helpers import add_camera_ready, decided_paper, release

pytestmark = pytest.mark.django_db

SPECIAL = "Robust {ML} & 100% _fun_ #1 at $5 ~ ^x \\o/"
ORCID = "0000-0002-1825-0097"


@pytest.fixture
def world(media_root):
    workshop = factories.WorkshopFactory(
        name="Workshop on Safe & Sound ML",
        acronym="SAFE-ML",
        year=2026,
        is_archival=True,
        proceedings="IEEE Xplore",
    )
    chair = factories.member(workshop, "chair")
    rel = release(workshop)
    papers = {
        1: decided_paper(workshop, 1, rel=rel, title="First paper"),
        2: decided_paper(workshop, 2, outcome="accept_poster", rel=rel, title=SPECIAL),
        3: decided_paper(workshop, 3, outcome="accept_virtual_poster", rel=rel, title="Third"),
        4: decided_paper(workshop, 4, outcome="reject", rel=rel, title="Rejected paper"),
    }
    files = {}
    for number, pages in ((1, 2), (2, 3), (3, 4), (4, 1)):
        files[number] = add_camera_ready(papers[number], pages=pages, orcid=ORCID)
    # Paper 2's final title keeps the LaTeX specials.
    CameraReady.objects.filter(submission=papers[2]).update(title=SPECIAL)
    return workshop, chair, papers, files


def _order(client, workshop, positions):
    page = client.get(reverse("exports:index", args=[workshop.slug])).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    data = {"fingerprint": fingerprint}
    data.update({f"position-{n}": str(p) for n, p in positions.items()})
    return client.post(reverse("exports:order", args=[workshop.slug]), data, follow=True)


def _bundle(client, workshop):
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]))
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _bib_entries(text):
    """A small BibTeX reader: entries with their fields, braces balanced (escaped ones aside)."""
    entries = []
    for match in re.finditer(r"@(\w+)\{([^,]+),\n(.*?)\n\}\n", text, re.S):
        kind, key, body = match.groups()
        depth = 0
        for char in re.sub(r"\\[{}]", "", body):
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0
        assert depth == 0
        fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", body, re.M))
        entries.append((kind, key, fields))
    return entries


def test_the_bundle_in_the_chairs_order_matches_the_database(client, world):
    workshop, chair, papers, files = world
    client.force_login(chair)
    response = _order(client, workshop, {3: 1, 1: 2, 2: 3})
    assert "Proceedings order saved (3 papers moved)." in response.content.decode()

    archive = _bundle(client, workshop)
    names = archive.namelist()
    pdfs = sorted(n for n in names if n.startswith("papers/"))
    assert pdfs == [
        "papers/01-third-final.pdf",
        "papers/02-first-paper-final.pdf",
        "papers/03-robust-ml-100-_fun_-1-at-5-x-o.pdf",
    ]
    assert {"metadata.json", "metadata.csv", "proceedings.bib"} <= set(names)

    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["workshop"]["name"] == "Workshop on Safe & Sound ML"
    records = metadata["papers"]
    assert [r["number"] for r in records] == [3, 1, 2]  # the rejected paper is not in it
    expected_pages = {1: 2, 2: 3, 3: 4}
    first = 1
    for order, record in enumerate(records, start=1):
        number = record["number"]
        paper = papers[number]
        file, data = files[number]
        final = CameraReady.objects.get(submission=paper)
        assert record["order"] == order
        assert record["title"] == final.title
        assert record["abstract"] == final.abstract
        assert record["authors"] == [
            {"name": a["name"], "affiliation": a["affiliation"], "orcid": a["orcid"]}
            for a in final.authors
        ]
        assert record["authors"][0]["orcid"] == ORCID
        assert record["outcome"] == paper.decision.outcome
        assert record["pages"] == expected_pages[number]
        assert (record["first_page"], record["last_page"]) == (first, first + record["pages"] - 1)
        first += record["pages"]
        pdf_bytes = archive.read(record["file"])
        assert hashlib.sha256(pdf_bytes).hexdigest() == record["sha256"] == file.sha256
        assert pdf_bytes == data
        assert len(PdfReader(io.BytesIO(pdf_bytes)).pages) == record["pages"]

    rows = list(csv.DictReader(io.StringIO(archive.read("metadata.csv").decode())))
    assert [int(r["number"]) for r in rows] == [3, 1, 2]
    assert [r["sha256"] for r in rows] == [r["sha256"] for r in records]
    assert rows[0]["first_page"] == "1" and rows[0]["last_page"] == "4"
    assert f"[ORCID {ORCID}]" in rows[0]["authors"]

    entries = _bib_entries(archive.read("proceedings.bib").decode())
    assert [kind for kind, _key, _fields in entries] == ["inproceedings"] * 3
    assert len({key for _kind, key, _fields in entries}) == 3
    assert [f["pages"] for _k, _key, f in entries] == ["1--4", "5--6", "7--9"]
    assert all(f["year"] == "2026" for _k, _key, f in entries)
    assert all("Workshop on Safe \\& Sound ML" in f["booktitle"] for _k, _key, f in entries)
    assert entries[2][2]["title"] == "{" + bibtex_escape(SPECIAL) + "}"
    assert entries[1][2]["author"] == "Final Author 1.0 and Final Author 1.1"


def test_bibtex_escaping():
    assert bibtex_escape("A & B 50% $x$ #1 a_b {c} ~ ^ \\") == (
        r"A \& B 50\% \$x\$ \#1 a\_b \{c\} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}"
    )
    assert bibtex_escape("two\nlines") == "two lines"


def test_default_order_is_the_paper_number(client, world):
    workshop, chair, papers, files = world
    client.force_login(chair)
    records = json.loads(_bundle(client, workshop).read("metadata.json"))["papers"]
    assert [r["number"] for r in records] == [1, 2, 3]
    assert records[0]["file"] == "papers/01-first-paper-final.pdf"


def test_reordering_is_logged_per_paper_and_a_stale_form_is_refused(client, world):
    workshop, chair, papers, files = world
    client.force_login(chair)
    page = client.get(reverse("exports:index", args=[workshop.slug])).content.decode()
    stale = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    _order(client, workshop, {2: 1})
    assert list(
        CameraReady.objects.filter(submission__workshop=workshop, submission__number__lte=3)
        .order_by("proceedings_order")
        .values_list("submission__number", flat=True)
    ) == [2, 1, 3]
    entries = Entry.objects.filter(workshop=workshop, action="proceedings_order")
    assert {e.submission.number for e in entries} == {1, 2, 3}
    assert all(e.kind == Kind.CAMERA_READY and e.actor == chair for e in entries)

    response = client.post(
        reverse("exports:order", args=[workshop.slug]),
        {"fingerprint": stale, "position-3": "1"},
        follow=True,
    )
    assert "Another chair changed the order" in response.content.decode()
    assert CameraReady.objects.get(submission=papers[3]).proceedings_order == 3

    # The same order again changes nothing.
    response = _order(client, workshop, {2: 1, 1: 2, 3: 3})
    assert "nothing changed" in response.content.decode()


def test_a_paper_without_camera_ready_stops_the_bundle(client, world, media_root):
    workshop, chair, papers, files = world
    decided_paper(workshop, 5, rel=papers[1].decision.release, title="Late paper")
    client.force_login(chair)
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("exports:index", args=[workshop.slug])
    assert "1 accepted paper not ready for the publisher" in page
    assert "#5 Late paper: missing camera-ready PDF, final title, abstract and authors." in page
    assert "Download the proceedings" not in page


def test_unconfirmed_metadata_or_terms_not_accepted_stop_the_bundle(client, world, media_root):
    """The camera-ready pages' "incomplete" rule: a PDF alone is not enough for the publisher."""
    from publication.models import PublicationSettings, TermsAcceptance

    workshop, chair, papers, files = world
    CameraReady.objects.filter(submission=papers[1]).update(confirmed_at=None)
    PublicationSettings.objects.update_or_create(
        workshop=workshop,
        defaults={
            "terms_kind": "copyright",
            "terms_title": "IEEE copyright form",
            "terms_text": "You transfer the copyright.",
            "terms_version": "1",
        },
    )
    for number in (1, 2):
        TermsAcceptance.objects.create(
            submission=papers[number],
            user=chair,
            kind="copyright",
            terms_title="IEEE copyright form",
            terms_version="1",
            terms_sha256="0" * 64,
        )
    # Paper 3 accepted a consent under the same version: not the copyright form.
    TermsAcceptance.objects.create(
        submission=papers[3],
        user=chair,
        kind="consent",
        terms_title="Consent",
        terms_version="1",
        terms_sha256="0" * 64,
    )
    client.force_login(chair)
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("exports:index", args=[workshop.slug])
    assert "Content-Disposition" not in response
    assert "2 accepted papers not ready for the publisher" in page
    assert "#1 First paper: missing final title, abstract and authors." in page
    assert "#3 Third (final): missing IEEE copyright form." in page
    assert "#2 " + SPECIAL.replace("&", "&amp;") + ": missing" not in page

    # Complete both: the bundle is built.
    CameraReady.objects.filter(submission=papers[1]).update(confirmed_at=papers[1].created_at)
    TermsAcceptance.objects.filter(submission=papers[3]).update(kind="copyright")
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_not_archival_is_refused_with_a_message(client, world):
    workshop, chair, papers, files = world
    workshop.is_archival = False
    workshop.save()
    client.force_login(chair)
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]), follow=True)
    assert "This workshop is not archival" in response.content.decode()
    assert "Content-Disposition" not in response


def test_a_conflicted_chair_gets_no_bundle_and_cannot_reorder(client, world):
    workshop, chair, papers, files = world
    conflicted = factories.member(workshop, "chair")
    factories.ConflictFactory(submission=papers[2], user=conflicted)
    client.force_login(conflicted)
    page = client.get(reverse("exports:index", args=[workshop.slug])).content.decode()
    assert "conflict of interest with at least one accepted paper" in page
    assert SPECIAL not in page and "robust" not in page.lower()
    assert 'name="fingerprint"' not in page
    response = client.get(reverse("exports:proceedings", args=[workshop.slug]), follow=True)
    assert "Content-Disposition" not in response
    assert "another chair must do it" in response.content.decode()
    response = client.post(
        reverse("exports:order", args=[workshop.slug]),
        {"fingerprint": "x", "position-3": "1"},
        follow=True,
    )
    assert "conflict of interest" in response.content.decode()
    assert not CameraReady.objects.filter(proceedings_order__isnull=False).exists()


@pytest.mark.parametrize("role", ["reviewer", "author", "other_chair"])
def test_non_chairs_get_no_bundle(client, world, role):
    workshop, chair, papers, files = world
    if role == "reviewer":
        user = factories.member(workshop, "reviewer")
    elif role == "author":
        user = factories.UserFactory()
        factories.AuthorshipFactory(submission=papers[1], user=user, email=user.email)
    else:
        user = factories.member(factories.WorkshopFactory(), "chair")
    client.force_login(user)
    assert client.get(reverse("exports:proceedings", args=[workshop.slug])).status_code == 403
    response = client.post(reverse("exports:order", args=[workshop.slug]), {"position-1": "2"})
    assert response.status_code == 403


def test_a_place_that_is_not_a_number_saves_nothing(client, world):
    workshop, chair, papers, files = world
    client.force_login(chair)
    response = client.post(
        reverse("exports:order", args=[workshop.slug]),
        {"fingerprint": "x", "position-1": "3", "position-2": "first"},
        follow=True,
    )
    assert "Places are whole numbers: nothing was saved." in response.content.decode()
    assert not CameraReady.objects.filter(proceedings_order__isnull=False).exists()
    assert client.get(reverse("exports:order", args=[workshop.slug])).status_code == 405
