"""Every URL that serves a file goes through the same rights as the pages, and carries the same
safety headers (``workshops.files.file_response``).

``test_every_download_url_is_declared`` walks the URL configuration and finds every view whose
code builds a file response: a new download URL fails it until it is added to ``DOWNLOADS``
below, with its rights matrix. The matrix is then requested as every role.
"""

import csv
import inspect
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from activity.services import record
from program.models import Program
from reviews.enums import Phase
from reviews.models import AssignmentRun, ProposedPair, ReviewSettings, RunState
from submissions.enums import FileKind
from tests import factories
from tests.pdfs import make_pdf

from ..workshops.test_person_photo import _png

# A view builds a file response when its code calls one of these.
# A view that builds its file itself, or through the submissions export or the chairs' exports
# (which build it with file_response); the bulk actions' export is checked by the bulk-action
# tests.
FILE_RESPONSE = re.compile(
    r"\b(?:FileResponse|StreamingHttpResponse|file_response|export_response|dataset_response)\("
    r"|content_type\s*="
)
# Django's admin is for site administrators only (is_staff, checked by the admin itself); its
# history views only mention ``content_type`` (the ContentType model).
NOT_SCANNED_NAMESPACES = {"admin"}

THIRD_PARTY = {"mfa_download_recovery_codes"}
LOGIN = "login"  # redirected to the login page
WITH_P = "with P"  # 200, and the export lists the conflicted paper
WITHOUT_P = "without P"  # 200, and the export leaves the conflicted paper out
REFUSED = "refused"  # redirected to the chairs' exports page, which says why

ROLES = (
    "anonymous",
    "unrelated",
    "reviewer",  # on the committee, not assigned to P
    "conflicted_chair",  # a chair with a conflict of interest on P
    "author",  # of P
    "assigned_reviewer",  # of P
    "chair",
)

# URL name -> {case: (kind of file, {role: expected})}
DOWNLOADS = {
    "submissions:download": {
        "paper": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 404,
                "reviewer": 404,
                "conflicted_chair": 404,
                "author": 200,
                "assigned_reviewer": 200,  # the anonymized copy
                "chair": 200,
            },
        ),
        "supplement": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 404,
                "reviewer": 404,
                "conflicted_chair": 404,
                "author": 200,
                "assigned_reviewer": 404,  # double blind: the paper under review only
                "chair": 200,
            },
        ),
    },
    "reviews:paper_pdf": {
        "paper": (
            "inline",
            {
                "anonymous": LOGIN,
                "unrelated": 404,
                "reviewer": 404,
                "conflicted_chair": 404,
                "author": 404,
                "assigned_reviewer": 200,
                "chair": 200,
            },
        ),
    },
    "submissions:export_csv": {
        # The workshop is public: a 403 tells nothing that its page does not.
        "csv": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 403,
                "reviewer": 403,
                "conflicted_chair": WITHOUT_P,
                "author": 403,
                "assigned_reviewer": 403,
                "chair": WITH_P,
            },
        ),
    },
    "autoassign:csv": {
        "csv": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 404,
                "reviewer": 404,
                "conflicted_chair": WITHOUT_P,
                "author": 404,
                "assigned_reviewer": 404,
                "chair": WITH_P,
            },
        ),
    },
    "exports:download": {
        "submissions-csv": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 403,
                "reviewer": 403,
                "conflicted_chair": WITHOUT_P,
                "author": 403,
                "assigned_reviewer": 403,
                "chair": WITH_P,
            },
        ),
        "reviews-json": (
            "attachment",
            {"anonymous": LOGIN, "unrelated": 403, "reviewer": 403, "author": 403, "chair": 200},
        ),
    },
    # The world's workshop is not archival: no bundle, for anyone (tests/publication_public).
    "exports:proceedings": {
        "not archival": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 403,
                "reviewer": 403,
                "conflicted_chair": REFUSED,
                "author": 403,
                "assigned_reviewer": 403,
                "chair": REFUSED,
            },
        ),
    },
    # A published accepted paper's camera-ready: public once the chairs publish the list.
    "accepted:pdf": {
        "published": ("inline", dict.fromkeys(ROLES, 200)),
        "not published": ("inline", dict.fromkeys(ROLES, 404)),
    },
    "activity:workshop_log_export": {
        "csv": (
            "attachment",
            {
                "anonymous": LOGIN,
                "unrelated": 404,
                "reviewer": 404,
                "conflicted_chair": WITHOUT_P,
                "author": 404,
                "assigned_reviewer": 404,
                "chair": WITH_P,
            },
        ),
    },
    # Public files of a published workshop; a draft's are its chairs' only.
    "workshops:calendar": {
        "published": ("inline", dict.fromkeys(ROLES, 200)),
        "draft": ("inline", {"anonymous": 404, "unrelated": 404, "author": 404, "chair": 200}),
    },
    # The program's feed: once the program is published, as public as the workshop page.
    "program:calendar": {
        "published": ("inline", dict.fromkeys(ROLES, 200)),
        "unpublished": ("inline", dict.fromkeys(ROLES, 404)),
        "draft": ("inline", {"anonymous": 404, "unrelated": 404, "author": 404, "chair": 200}),
    },
    "workshops:person_photo": {
        "published": ("inline", dict.fromkeys(ROLES, 200)),
        "draft": ("inline", {"anonymous": 404, "unrelated": 404, "author": 404, "chair": 200}),
    },
    # django-allauth: a user's own TOTP recovery codes (the owner, after re-authentication); its
    # nosniff header comes from SecurityMiddleware (SECURE_CONTENT_TYPE_NOSNIFF, always on).
    "mfa_download_recovery_codes": {
        "own": ("attachment", {"anonymous": LOGIN, "unrelated": 404, "chair": 404}),
    },
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern.callback


def file_urls() -> set[str]:
    found = set()
    for name, callback in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in NOT_SCANNED_NAMESPACES:
            continue
        view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
        if FILE_RESPONSE.search(inspect.getsource(view)):
            found.add(name)
    return found


def test_every_download_url_is_declared():
    assert file_urls() == set(DOWNLOADS)


# ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(db, media_root):
    """A double-blind workshop in its reviewing phase: paper P (number 1, with a PDF and a
    zip of supplementary material) and paper Q (number 2); one user per role; a finished
    assignment run proposing reviewers for both; and a draft workshop with a photo."""
    workshop = factories.WorkshopFactory()
    ReviewSettings.objects.update_or_create(workshop=workshop, defaults={"phase": Phase.REVIEWING})
    users = {
        "unrelated": factories.UserFactory(),
        "reviewer": factories.member(workshop, "reviewer"),
        "conflicted_chair": factories.member(workshop, "chair"),
        "author": factories.UserFactory(),
        "assigned_reviewer": factories.member(workshop, "reviewer"),
        "chair": factories.member(workshop, "chair"),
    }
    paper = factories.SubmissionFactory(
        workshop=workshop, number=1, submitted=True, created_by=users["author"]
    )
    other = factories.SubmissionFactory(workshop=workshop, number=2, submitted=True)
    factories.AuthorshipFactory(
        submission=paper, user=users["author"], email=users["author"].email, order=0
    )
    factories.ConflictFactory(submission=paper, user=users["conflicted_chair"], source="chair")
    factories.AssignmentFactory(submission=paper, reviewer=users["assigned_reviewer"])
    pdf = factories.SubmissionFileFactory(submission=paper, content=make_pdf())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    supplement = factories.SubmissionFileFactory(
        submission=paper,
        kind=FileKind.SUPPLEMENT,
        file=ContentFile(buffer.getvalue(), name="supplement.zip"),
    )
    run = AssignmentRun.objects.create(workshop=workshop, state=RunState.DONE, progress=100)
    for submission in (paper, other):
        ProposedPair.objects.create(run=run, submission=submission, reviewer=users["reviewer"])
    person = factories.PersonFactory(workshop=workshop, photo=_png())
    for submission in (paper, other):
        record(workshop=workshop, kind="review", action="submitted", submission=submission)
    draft = factories.WorkshopFactory(is_published=False)
    factories.MembershipFactory(workshop=draft, user=users["chair"], role="chair")
    draft_person = factories.PersonFactory(workshop=draft, photo=_png())
    from tests.publication_public.helpers import add_camera_ready, decided_paper, publish

    accepted, hidden = factories.WorkshopFactory(), factories.WorkshopFactory()
    add_camera_ready(decided_paper(accepted, 1))
    add_camera_ready(decided_paper(hidden, 1))
    publish(accepted, papers=True)
    unpublished = factories.WorkshopFactory()
    for shown in (workshop, draft):
        Program.objects.create(workshop=shown, published_at=timezone.now())
    Program.objects.create(workshop=unpublished)
    slug = workshop.slug
    urls = {
        ("exports:download", "submissions-csv"): reverse(
            "exports:download", args=[slug, "submissions", "csv"]
        ),
        ("exports:download", "reviews-json"): reverse(
            "exports:download", args=[slug, "reviews", "json"]
        ),
        ("exports:proceedings", "not archival"): reverse("exports:proceedings", args=[slug]),
        ("accepted:pdf", "published"): reverse("accepted:pdf", args=[accepted.slug, 1]),
        ("accepted:pdf", "not published"): reverse("accepted:pdf", args=[hidden.slug, 1]),
        ("program:calendar", "published"): reverse("program:calendar", args=[slug]),
        ("program:calendar", "unpublished"): reverse("program:calendar", args=[unpublished.slug]),
        ("program:calendar", "draft"): reverse("program:calendar", args=[draft.slug]),
        ("submissions:download", "paper"): reverse("submissions:download", args=[slug, 1, pdf.pk]),
        ("submissions:download", "supplement"): reverse(
            "submissions:download", args=[slug, 1, supplement.pk]
        ),
        ("reviews:paper_pdf", "paper"): reverse("reviews:paper_pdf", args=[slug, 1]),
        ("submissions:export_csv", "csv"): reverse("submissions:export_csv", args=[slug]),
        ("autoassign:csv", "csv"): reverse("autoassign:csv", args=[slug, run.pk]),
        ("activity:workshop_log_export", "csv"): reverse(
            "activity:workshop_log_export", args=[slug, "csv"]
        ),
        ("workshops:calendar", "published"): reverse("workshops:calendar", args=[slug]),
        ("workshops:calendar", "draft"): reverse("workshops:calendar", args=[draft.slug]),
        ("workshops:person_photo", "published"): reverse(
            "workshops:person_photo", args=[slug, person.pk]
        ),
        ("workshops:person_photo", "draft"): reverse(
            "workshops:person_photo", args=[draft.slug, draft_person.pk]
        ),
        ("mfa_download_recovery_codes", "own"): reverse("mfa_download_recovery_codes"),
    }
    return users, urls


CASES = [
    pytest.param(name, case, role, expected, id=f"{name}-{case}-{role}")
    for name, cases in DOWNLOADS.items()
    for case, (_disposition, matrix) in cases.items()
    for role, expected in matrix.items()
]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _numbers(body: bytes) -> set[str]:
    return {row[0] for row in list(csv.reader(io.StringIO(body.decode())))[1:]}


def workshop_slug(urls) -> str:
    return urls[("submissions:export_csv", "csv")].split("/")[2]


@pytest.mark.parametrize(("name", "case", "role", "expected"), CASES)
def test_download_rights_and_headers(client, settings, world, name, case, role, expected):
    users, urls = world
    if name not in THIRD_PARTY:
        # Our file responses say nosniff themselves, whatever the middleware does.
        settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    if role != "anonymous":
        client.force_login(users[role])

    response = client.get(urls[(name, case)])

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    if expected == REFUSED:
        assert response.status_code == 302
        assert response["Location"] == reverse("exports:index", args=[workshop_slug(urls)])
        return
    if expected in (403, 404):
        assert response.status_code == expected
        assert "Content-Disposition" not in response
        return
    assert response.status_code == 200
    disposition = DOWNLOADS[name][case][0]
    assert re.match(
        rf'{disposition}; filename(\*=utf-8\'\'|=")[\w.%-]+', response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    body = _body(response)
    assert body
    if expected in (WITH_P, WITHOUT_P):
        numbers = _numbers(body)
        assert "2" in numbers
        assert ("1" in numbers) == (expected == WITH_P)


def test_nosniff_is_on_for_every_response(settings):
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert "django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE


def test_file_names_cannot_break_out_of_the_header():
    from workshops.files import file_response

    response = file_response(
        b"x", filename='evil"; filename=run.html\r\nX-Bad: 1.pdf', content_type="application/pdf"
    )

    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert '"' not in header and "\r" not in header and "\n" not in header
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
