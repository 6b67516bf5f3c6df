"""The authors' camera-ready page: uploads, metadata, terms, material, and every refusal."""

import datetime as dt

import pytest

from activity.models import Entry
from publication.accepted import printed_authors
from publication.models import CameraReady, TermsAcceptance
from submissions.enums import FileKind, SubmissionState
from submissions.models import SubmissionFile
from tests import factories as base

from .conftest import ADA, BOB, CR_DEADLINE, page_url, pdf_upload

pytestmark = pytest.mark.django_db


def camera_files(paper, kind=FileKind.CAMERA_READY):
    return list(
        SubmissionFile.objects.filter(submission=paper, kind=kind)
        .order_by("version")
        .values_list("version", "pages")
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def metadata_post(paper, *, authors, title="Engines that think, final", version=0, **extra):
    data = {
        "action": "metadata",
        "meta-title": title,
        "meta-abstract": "We study engines, finally.",
        "meta-version": str(version),
        "authors-TOTAL_FORMS": str(len(authors)),
        "authors-INITIAL_FORMS": str(len(authors)),
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "40",
    }
    for i, author in enumerate(authors):
        data.update(
            {
                f"authors-{i}-name": author["name"],
                f"authors-{i}-email": author["email"],
                f"authors-{i}-affiliation": author.get("affiliation", ""),
                f"authors-{i}-orcid": author.get("orcid", ""),
                f"authors-{i}-ORDER": str(i + 1),
            }
        )
    data.update(extra)
    return data


# --- Upload -------------------------------------------------------------------------------


def test_author_uploads_final_pdf_as_new_versions(client, paper, ada, bob):
    client.force_login(ada)
    page = client.get(page_url(paper))
    assert page.status_code == 200
    assert "At most 6 pages" in page.content.decode()
    response = client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(3)})
    assert response.status_code == 302
    client.force_login(bob)  # a co-author uploads the next version
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(6)})
    assert camera_files(paper) == [(1, 3), (2, 6)]
    # The review version is untouched: a new kind, never an overwrite.
    assert SubmissionFile.objects.filter(submission=paper, kind=FileKind.PAPER).count() == 1
    entries = Entry.objects.filter(submission=paper, kind="camera_ready")
    assert entries.count() == 2
    assert {e.actor for e in entries} == {ada, bob}


def test_non_pdf_is_refused(client, paper, ada):
    client.force_login(ada)
    response = client.post(
        page_url(paper),
        {"action": "pdf", "pdf-file": pdf_upload(data=b"just some words", name="final.pdf")},
    )
    assert response.status_code == 400
    assert "not a PDF file" in response.content.decode()
    assert camera_files(paper) == []


def test_over_the_camera_ready_page_limit_is_refused(client, paper, ada):
    client.force_login(ada)
    response = client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(7)})
    assert response.status_code == 400
    assert "has 7 pages" in response.content.decode()
    assert "at most 6 pages" in response.content.decode()
    assert camera_files(paper) == []


def test_page_limit_falls_back_to_the_review_limit(client, make_paper, workshop, ada):
    short = base.SubmissionTypeFactory(
        workshop=workshop, name="Short", page_limit=2, extra_pages_allowance=1
    )
    paper = make_paper(submission_type=short)
    client.force_login(ada)
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(4)})
    assert camera_files(paper) == []
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(3)})
    assert camera_files(paper) == [(1, 3)]


def test_anonymous_looking_pdf_is_saved_with_a_warning(client, paper, ada):
    client.force_login(ada)
    response = client.post(
        page_url(paper),
        {"action": "pdf", "pdf-file": pdf_upload(2, text="Anonymous Authors, Paper ID 42")},
        follow=True,
    )
    assert camera_files(paper) == [(1, 2)]
    stored = SubmissionFile.objects.get(submission=paper, kind=FileKind.CAMERA_READY)
    assert stored.warnings and "Anonymous Authors" in stored.warnings[0]
    assert any("still looks like the anonymous review version" in m for m in messages_of(response))
    # A named final version carries no warning.
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(2, text="Ada Lovelace")})
    assert (
        SubmissionFile.objects.get(submission=paper, version=2, kind="camera_ready").warnings == []
    )


# --- When it is open ------------------------------------------------------------------------


def test_after_the_deadline_nothing_is_saved(client, paper, ada, clock):
    clock(CR_DEADLINE + dt.timedelta(minutes=1))
    client.force_login(ada)
    page = client.get(page_url(paper))
    assert "has passed" in page.content.decode()
    response = client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(3)})
    assert response.status_code == 403
    assert any("has passed" in m and "Nothing was saved" in m for m in messages_of(response))
    response = client.post(page_url(paper), metadata_post(paper, authors=[ADA, BOB]))
    assert response.status_code == 403
    assert camera_files(paper) == []
    assert not CameraReady.objects.filter(submission=paper, confirmed_at__isnull=False).exists()


def test_deadline_is_the_extension_then_the_papers_own(client, paper, ada, chair, clock, workshop):
    clock(CR_DEADLINE + dt.timedelta(hours=1))
    client.force_login(ada)
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(2)})
    assert camera_files(paper) == []
    # The workshop's extension opens it again for everyone.
    date = workshop.dates.get(kind="camera_ready")
    date.extended_at = CR_DEADLINE + dt.timedelta(days=2)
    date.save()
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(2)})
    assert camera_files(paper) == [(1, 2)]
    # Past the extension: closed, until a chair grants this paper its own date.
    clock(CR_DEADLINE + dt.timedelta(days=3))
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(3)})
    assert camera_files(paper) == [(1, 2)]
    client.force_login(chair)
    url = f"/submissions/{workshop.slug}/{paper.number}/camera-ready/deadline/"
    # An earlier date than the workshop's changes nothing and is refused.
    client.post(url, {"deadline": "2026-06-02T10:00"})
    assert not CameraReady.objects.filter(deadline_override__isnull=False).exists()
    response = client.post(url, {"deadline": "2026-06-10T23:59"})
    assert response.status_code == 302
    final = CameraReady.objects.get(submission=paper)
    # Read in the workshop's zone (UTC-12): 23:59 on 10 June is 11:59 UTC on the 11th.
    assert final.deadline_override == dt.datetime(2026, 6, 11, 11, 59, tzinfo=dt.UTC)
    assert Entry.objects.filter(submission=paper, action="deadline_override").exists()
    client.force_login(ada)
    client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(3)})
    assert camera_files(paper) == [(1, 2), (2, 3)]


@pytest.mark.parametrize(
    ("state", "outcome", "released", "reason"),
    [
        (SubmissionState.REJECTED, "reject", True, "rejected paper"),
        (SubmissionState.WITHDRAWN, "", True, "withdrawn paper"),
        (SubmissionState.SUBMITTED, "", True, "no released decision"),
        (SubmissionState.ACCEPTED, "accept_talk", False, "not been released"),
    ],
)
def test_only_released_accepted_papers(client, make_paper, ada, state, outcome, released, reason):
    paper = make_paper(state=state, outcome=outcome, released=released)
    client.force_login(ada)
    assert reason in client.get(page_url(paper)).content.decode()
    response = client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(2)})
    assert response.status_code == 403
    response = client.post(page_url(paper), metadata_post(paper, authors=[ADA, BOB]))
    assert response.status_code == 403
    assert camera_files(paper) == []
    assert not CameraReady.objects.exists()


def test_only_linked_authors_open_the_page(client, paper, chair, workshop):
    stranger = base.UserFactory()
    reviewer = base.member(workshop, "reviewer")
    for user in (stranger, reviewer, chair):
        client.force_login(user)
        assert client.get(page_url(paper)).status_code == 404
        response = client.post(page_url(paper), {"action": "pdf", "pdf-file": pdf_upload(2)})
        assert response.status_code == 404
    assert camera_files(paper) == []


# --- Metadata ---------------------------------------------------------------------------------


def test_author_confirms_final_metadata(client, paper, ada):
    client.force_login(ada)
    carl = {"name": "Carl Gauss", "email": "carl@numbers.example", "affiliation": "Göttingen"}
    ada_orcid = {**ADA, "orcid": "0000-0002-1825-0097"}
    response = client.post(page_url(paper), metadata_post(paper, authors=[BOB, ada_orcid, carl]))
    assert response.status_code == 302
    final = CameraReady.objects.get(submission=paper)
    assert final.confirmed_by == ada and final.confirmed_at
    assert [a["name"] for a in printed_authors(paper)] == [
        "Bob Babbage",
        "Ada Lovelace",
        "Carl Gauss",
    ]
    assert final.authors[1]["orcid"] == "0000-0002-1825-0097"
    entry = Entry.objects.get(submission=paper, action="metadata_confirmed")
    assert entry.kind == "camera_ready" and entry.actor == ada
    assert "title" in entry.changes


def test_bad_orcid_is_refused(client, paper, ada):
    client.force_login(ada)
    bad = {**ADA, "orcid": "0000-0002-1825-0098"}  # wrong check digit
    response = client.post(page_url(paper), metadata_post(paper, authors=[bad, BOB]))
    assert response.status_code == 400
    assert "Not a valid ORCID" in response.content.decode()
    assert not CameraReady.objects.exists()


def test_author_list_without_the_contact_author_is_refused(client, paper, bob):
    client.force_login(bob)
    response = client.post(page_url(paper), metadata_post(paper, authors=[BOB]))
    assert response.status_code == 400
    assert "contact author (Ada Lovelace, ada@analytical.example) must stay" in (
        response.content.decode()
    )
    assert not CameraReady.objects.filter(confirmed_at__isnull=False).exists()


def test_stale_metadata_form_is_refused(client, paper, ada, bob):
    client.force_login(ada)
    client.post(page_url(paper), metadata_post(paper, authors=[ADA, BOB], title="First"))
    final = CameraReady.objects.get(submission=paper)
    loaded = final.version
    # Bob and Ada both open the page at this version; Bob saves first.
    client.force_login(bob)
    client.post(
        page_url(paper), metadata_post(paper, authors=[ADA, BOB], title="Bob's", version=loaded)
    )
    client.force_login(ada)
    response = client.post(
        page_url(paper), metadata_post(paper, authors=[ADA, BOB], title="Ada's", version=loaded)
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved: someone else saved first" in body
    assert "Bob Babbage" in body  # who saved, by name
    assert CameraReady.objects.get(submission=paper).title == "Bob's"
    # Saving again from the refused page (it carries the new version) goes through.
    final.refresh_from_db()
    client.post(
        page_url(paper),
        metadata_post(paper, authors=[ADA, BOB], title="Ada's", version=final.version),
    )
    assert CameraReady.objects.get(submission=paper).title == "Ada's"


# --- Terms and material -------------------------------------------------------------------------


def terms_post(settings):
    import hashlib

    return {
        "action": "terms",
        "terms-version": settings.terms_version,
        "terms-sha256": hashlib.sha256(settings.terms_text.encode()).hexdigest(),
        "terms-agree": "on",
    }


def test_terms_recorded_and_asked_again_for_a_new_version(client, paper, ada, terms):
    client.force_login(ada)
    page = client.get(page_url(paper)).content.decode()
    assert "Copyright transfer" in page and "version 2026-1" in page
    assert "transfer the copyright" in page
    client.post(page_url(paper), terms_post(terms))
    client.post(page_url(paper), terms_post(terms))  # twice: still one acceptance
    acceptance = TermsAcceptance.objects.get(submission=paper)
    assert acceptance.user == ada and acceptance.terms_version == "2026-1"
    assert acceptance.terms_sha256 == terms_post(terms)["terms-sha256"]
    assert acceptance.kind == "copyright" and acceptance.terms_title == "Copyright transfer"
    assert Entry.objects.filter(submission=paper, kind="terms", action="accepted").count() == 1
    # A new version of the terms asks again; the stale page's acceptance is refused.
    old = terms_post(terms)
    terms.terms_text = "The authors grant a licence."
    terms.terms_version = "2026-2"
    terms.save()
    page = client.get(page_url(paper)).content.decode()
    assert "please accept the current version" in page
    response = client.post(page_url(paper), old)
    assert response.status_code == 400
    assert TermsAcceptance.objects.filter(submission=paper).count() == 1
    client.post(page_url(paper), terms_post(terms))
    assert sorted(
        TermsAcceptance.objects.filter(submission=paper).values_list("terms_version", flat=True)
    ) == ["2026-1", "2026-2"]


def test_terms_without_ticking_the_box_record_nothing(client, paper, ada, terms):
    client.force_login(ada)
    data = terms_post(terms)
    del data["terms-agree"]
    assert client.post(page_url(paper), data).status_code == 400
    assert not TermsAcceptance.objects.exists()


def test_material_per_outcome(client, make_paper, ada, terms):
    talk = make_paper(outcome="accept_talk")
    poster = make_paper(outcome="accept_poster")
    client.force_login(ada)
    talk_page = client.get(page_url(talk)).content.decode()
    assert "Upload slides" in talk_page and "Upload poster" not in talk_page
    client.post(page_url(talk), {"action": "slides", "slides-file": pdf_upload(12)})
    client.post(
        page_url(talk), {"action": "video", "video-video_url": "https://video.example/talk"}
    )
    assert camera_files(talk, FileKind.SLIDES) == [(1, 12)]
    assert CameraReady.objects.get(submission=talk).video_url == "https://video.example/talk"
    # Posters are not asked of a talk, nor slides of a poster.
    client.post(page_url(talk), {"action": "poster", "poster-file": pdf_upload(1)})
    client.post(page_url(poster), {"action": "slides", "slides-file": pdf_upload(1)})
    assert camera_files(talk, FileKind.POSTER) == []
    assert camera_files(poster, FileKind.SLIDES) == []
    client.post(page_url(poster), {"action": "poster", "poster-file": pdf_upload(1)})
    assert camera_files(poster, FileKind.POSTER) == [(1, 1)]


def test_links_from_the_paper_page_and_the_dashboard(client, paper, ada):
    client.force_login(ada)
    assert page_url(paper) in client.get(paper.get_absolute_url()).content.decode()
    assert page_url(paper) in client.get("/submissions/").content.decode()
