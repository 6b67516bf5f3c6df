"""Two people (or two tabs) editing the same submission: the later save, loaded before the
earlier one, is refused with what differs, keeps its input and attaches no file; the activity
log names each editor for exactly the fields they changed."""

import pytest
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions.enums import ActivityAction
from submissions.models import SubmissionFile
from tests import factories as base
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data as submission_form_data
from tests.versions import browser, hidden_version

pytestmark = pytest.mark.django_db

ABSTRACT = "We show how clean-label backdoors survive fine-tuning."
AUTHORS = [
    {
        "name": "Ada Lovelace",
        "email": "ada@analytical.example",
        "affiliation": "Analytical Society",
    },
    {"name": "Charles Babbage", "email": "charles@engine.example", "affiliation": "CE"},
]


def form_data(call, **kwargs):
    kwargs.setdefault("authors", AUTHORS)
    return submission_form_data(call, **kwargs)


@pytest.fixture
def charles(db):
    return base.UserFactory(full_name="Charles Babbage", email="charles@engine.example")


@pytest.fixture
def paper(make_submission, charles):
    return make_submission(
        co_authors=[
            {
                "name": "Charles Babbage",
                "email": "charles@engine.example",
                "affiliation": "CE",
                "user": charles,
            }
        ],
        title="Clean-label backdoors in practice",
        abstract=ABSTRACT,
        keywords="backdoors, poisoning",
    )


def edit_url(submission):
    return reverse("submissions:edit", args=[submission.workshop.slug, submission.number])


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def test_second_coauthor_save_is_refused_and_the_log_names_each_editor(
    call, paper, author_user, charles, frozen_now
):
    ada, bob = browser(author_user), browser(charles)
    url = edit_url(paper)
    ada_version = hidden_version(ada.get(url))
    charles_version = hidden_version(bob.get(url))
    assert ada_version == charles_version

    first = ada.post(
        url,
        form_data(call, title="Clean-label backdoors, revisited", token="a", version=ada_version),
    )
    assert first.status_code == 302
    second = bob.post(
        url,
        form_data(call, abstract="A new abstract by Charles.", token="c", version=charles_version),
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert "Not saved: someone else saved first" in page
    assert "was changed after you opened this page" in page
    assert "Ada Lovelace" in page  # who saved
    # Field by field: the title he would revert and the abstract he changed.
    assert "Clean-label backdoors, revisited" in page
    assert "A new abstract by Charles." in page  # his input is kept in the form
    assert ">Title<" in page and ">Abstract<" in page
    paper.refresh_from_db()
    assert paper.title == "Clean-label backdoors, revisited"
    assert paper.abstract == ABSTRACT
    updates = list(paper.log_entries.filter(action=ActivityAction.UPDATED))
    assert [(a.actor, a.message) for a in updates] == [(author_user, "Revision 1: title")]
    assert OutgoingEmail.objects.filter(template_role="submission.updated").count() == 2

    # After reading, Charles keeps Ada's title and saves again with the version the page gave.
    resave = bob.post(
        url,
        form_data(
            call,
            title="Clean-label backdoors, revisited",
            abstract="A new abstract by Charles.",
            token="c",
            version=hidden_version(second),
        ),
    )
    assert resave.status_code == 302
    paper.refresh_from_db()
    assert (paper.title, paper.abstract) == (
        "Clean-label backdoors, revisited",
        "A new abstract by Charles.",
    )
    updates = list(paper.log_entries.filter(action=ActivityAction.UPDATED).order_by("pk"))
    assert [(a.actor, a.message) for a in updates] == [
        (author_user, "Revision 1: title"),
        (charles, "Revision 2: abstract"),
    ]


def test_two_tabs_of_one_author_the_stale_tab_is_refused(call, paper, author_user, frozen_now):
    tab1, tab2 = browser(author_user), browser(author_user)
    url = edit_url(paper)
    v1, v2 = hidden_version(tab1.get(url)), hidden_version(tab2.get(url))
    assert (
        tab1.post(url, form_data(call, keywords="one, two", token="t1", version=v1)).status_code
        == 302
    )
    refused = tab2.post(url, form_data(call, title="Another title", token="t2", version=v2))
    assert refused.status_code == 409
    paper.refresh_from_db()
    assert (paper.title, paper.keywords) == ("Clean-label backdoors in practice", "one, two")


def test_refused_save_attaches_no_pdf_and_says_so(
    call, paper, author_user, charles, frozen_now, media_root
):
    ada, bob = browser(author_user), browser(charles)
    url = edit_url(paper)
    v_ada, v_charles = hidden_version(ada.get(url)), hidden_version(bob.get(url))
    assert (
        ada.post(url, form_data(call, title="Ada's title", token="a", version=v_ada)).status_code
        == 302
    )
    before = stored_files(media_root)

    refused = bob.post(url, form_data(call, pdf=make_pdf(4), token="c", version=v_charles))

    assert refused.status_code == 409
    assert "The paper PDF you chose was not attached: choose the file again" in (
        refused.content.decode()
    )
    assert SubmissionFile.objects.filter(submission=paper).count() == 1
    assert stored_files(media_root) == before
    assert not paper.log_entries.filter(action=ActivityAction.FILE_UPLOADED).exists()


def test_refused_save_shows_changed_authors(call, paper, author_user, frozen_now):
    tab1, tab2 = browser(author_user), browser(author_user)
    url = edit_url(paper)
    v1, v2 = hidden_version(tab1.get(url)), hidden_version(tab2.get(url))
    three = [*AUTHORS, {"name": "Mary Somerville", "email": "mary@example.org"}]
    assert tab1.post(url, form_data(call, authors=three, token="a", version=v1)).status_code == 302

    # The stale tab still lists two authors: saving it would silently remove Mary.
    refused = tab2.post(url, form_data(call, title="New title", token="b", version=v2))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Mary Somerville &lt;mary@example.org&gt;" in page
    assert paper.authors.count() == 3
    paper.refresh_from_db()
    assert paper.title == "Clean-label backdoors in practice"


def test_stale_page_with_errors_caused_by_the_other_save_explains_them(
    call, paper, author_user, charles, frozen_now
):
    """Charles may not remove authors; Ada added one after he opened the page: his page is
    refused with the conflict, not only with an error he cannot understand."""
    ada, bob = browser(author_user), browser(charles)
    url = edit_url(paper)
    v_ada, v_charles = hidden_version(ada.get(url)), hidden_version(bob.get(url))
    three = [*AUTHORS, {"name": "Mary Somerville", "email": "mary@example.org"}]
    assert (
        ada.post(url, form_data(call, authors=three, token="a", version=v_ada)).status_code == 302
    )

    refused = bob.post(url, form_data(call, title="Charles's title", token="c", version=v_charles))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "was changed after you opened this page" in page
    assert "Mary Somerville &lt;mary@example.org&gt;" in page
    assert hidden_version(refused) == str(int(v_charles) + 1)
    assert paper.authors.count() == 3
