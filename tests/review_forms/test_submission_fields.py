"""Custom submission fields: every kind in the authors' form, saved with the rest, required only
to submit, shown by role (authors and chairs all, reviewers their own), in the chairs' export,
and locked once answered."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from submissions.enums import SubmissionState
from submissions.models import SubmissionField, SubmissionFieldAnswer
from submissions.services.state import missing_items
from tests import factories as base
from tests.submissions.conftest import (  # noqa: F401
    _files_and_links,
    author_client,
    author_user,
    call,
    deadline,
    frozen_now,
    make_submission,
    paper_type,
    topics,
    workshop,
)
from tests.submissions.helpers import form_data
from tests.submissions.test_views_author import edit_url, post  # noqa: F401

from .helpers import field


def every_kind(ws, **kwargs):
    return {
        "text": field(ws, "Student first author details", "text", **kwargs),
        "choice": field(ws, "Is the first author a student?", "choice", **kwargs),
        "checkbox": field(ws, "Consent to post the paper online", "checkbox", **kwargs),
        "url": field(ws, "Link to code", "url", **kwargs),
    }


def answers_data(fs):
    return {
        f"field_{fs['text'].pk}": "PhD student, second year.",
        f"field_{fs['choice'].pk}": "Yes",
        f"field_{fs['checkbox'].pk}": "on",
        f"field_{fs['url'].pk}": "https://example.org/code",
    }


def stored(submission):
    return {
        a.field.label: a.value for a in SubmissionFieldAnswer.objects.filter(submission=submission)
    }


@pytest.mark.django_db
def test_every_kind_is_asked_and_saved_with_the_rest(post, author_client, make_submission, call):  # noqa: F811
    fs = every_kind(call)
    submission = make_submission(state=SubmissionState.DRAFT)
    page = author_client.get(edit_url(submission)).content.decode()
    assert "Further questions" in page
    for f in fs.values():
        assert f.label in page

    response = post(
        edit_url(submission),
        form_data(call, action="draft", token=None, title="New title", **answers_data(fs)),
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title == "New title"
    assert stored(submission) == {
        "Student first author details": "PhD student, second year.",
        "Is the first author a student?": "Yes",
        "Consent to post the paper online": True,
        "Link to code": "https://example.org/code",
    }
    page = author_client.get(edit_url(submission)).content.decode()
    assert 'value="https://example.org/code"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "value"), [("url", "javascript:alert(1)"), ("url", "not a url"), ("choice", "Maybe")]
)
def test_a_bad_answer_is_refused_and_nothing_is_saved(
    post,  # noqa: F811
    make_submission,  # noqa: F811
    call,  # noqa: F811
    kind,
    value,
):
    f = field(call, "Q", kind)
    submission = make_submission(state=SubmissionState.DRAFT)
    response = post(
        edit_url(submission),
        form_data(call, action="draft", token=None, title="Changed", **{f"field_{f.pk}": value}),
    )
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.title != "Changed"
    assert not SubmissionFieldAnswer.objects.exists()


@pytest.mark.django_db
def test_required_fields_block_submission_not_drafts(post, make_submission, call):  # noqa: F811
    required = field(call, "Consent to post the paper online", "checkbox", required=True)
    field(call, "Link to code", "url", required=False)
    submission = make_submission(state=SubmissionState.DRAFT)
    assert "“Consent to post the paper online” not answered" in missing_items(submission)

    draft = post(edit_url(submission), form_data(call, action="draft", token=None))
    assert draft.status_code == 302

    refused = post(edit_url(submission), form_data(call, action="submit", token=None))
    assert refused.status_code == 400
    assert "Required to submit." in refused.content.decode()
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT

    accepted = post(
        edit_url(submission),
        form_data(call, action="submit", token=None, **{f"field_{required.pk}": "on"}),
    )
    assert accepted.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert missing_items(submission) == []


@pytest.mark.django_db
def test_a_new_required_field_blocks_the_service_too(make_submission, call, frozen_now):  # noqa: F811
    """``set_state`` refuses to submit a draft whose required field is empty, whatever form."""
    from submissions.services.state import TransitionNotAllowed, set_state

    field(call, "Consent", "checkbox", required=True)
    submission = make_submission(state=SubmissionState.DRAFT)
    with pytest.raises(TransitionNotAllowed, match="Consent"):
        set_state(submission, SubmissionState.SUBMITTED, by=submission.created_by)


# --- Who reads which answer (the review scenario) --------------------------------------------


@pytest.fixture
def answered(scenario):
    s = scenario
    shown = field(s.workshop, "Link to code", "url", visibility="reviewers")
    hidden = field(s.workshop, "Is the first author a student?", "choice", visibility="chairs")
    SubmissionFieldAnswer.objects.create(
        submission=s.paper, field=shown, value="https://example.org/code"
    )
    SubmissionFieldAnswer.objects.create(submission=s.paper, field=hidden, value="Yes")
    return s


def shown_in(body):
    return {
        label
        for label in ("Link to code", "Is the first author a student?")
        if label in body and (label != "Link to code" or "https://example.org/code" in body)
    }


BOTH = {"Link to code", "Is the first author a student?"}


def test_the_assigned_reviewer_reads_reviewer_fields_only(answered, login):
    s = answered
    body = login(s.assigned).get(reverse("reviews:paper", args=[s.workshop.slug, 1]))
    assert shown_in(body.content.decode()) == {"Link to code"}


def test_chairs_and_authors_read_every_field(answered, login):
    s = answered
    chair = login(s.chair)
    for name in ("reviews:paper", "reviews:manage_paper", "submissions:detail"):
        body = chair.get(reverse(name, args=[s.workshop.slug, 1])).content.decode()
        assert shown_in(body) == BOTH, name
    author = login(s.author).get(reverse("submissions:detail", args=[s.workshop.slug, 1]))
    assert shown_in(author.content.decode()) == BOTH


def test_conflicted_chair_sees_nothing_of_the_paper(answered, login):
    s = answered
    client = login(s.conflicted_chair)
    for name in ("reviews:paper", "reviews:manage_paper", "submissions:detail"):
        assert client.get(reverse(name, args=[s.workshop.slug, 1])).status_code == 404
    export = client.get(reverse("submissions:export_csv", args=[s.workshop.slug]))
    assert "https://example.org/code" not in export.content.decode()


# --- Export --------------------------------------------------------------------------------------


def export_rows(client, s):
    response = client.get(reverse("submissions:export_csv", args=[s.workshop.slug]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_export_has_a_column_per_field_with_formulas_defused(answered, login):
    s = answered
    note = field(s.workshop, "=Note", "text")
    SubmissionFieldAnswer.objects.create(
        submission=s.paper, field=note, value='=HYPERLINK("http://evil")'
    )
    rows = export_rows(login(s.chair), s)
    header, by_number = rows[0], {row[0]: row for row in rows[1:]}
    columns = header[-3:]
    assert columns == [
        "field: Link to code",
        "field: Is the first author a student?",
        "field: =Note",
    ]
    assert by_number["1"][-3:] == ["https://example.org/code", "Yes", '\'=HYPERLINK("http://evil")']
    assert by_number["2"][-3:] == ["", "", ""]


def test_export_queries_do_not_grow_with_papers_or_fields(answered, login):
    s = answered
    client = login(s.chair)
    url = reverse("submissions:export_csv", args=[s.workshop.slug])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    few = count()
    for i in range(5):
        paper = base.SubmissionFactory(workshop=s.workshop, number=10 + i, submitted=True)
        base.AuthorshipFactory(submission=paper)
        f = field(s.workshop, f"Extra {i}")
        SubmissionFieldAnswer.objects.create(submission=paper, field=f, value="x")
    assert count() == few


# --- The chairs' editor and the lock ----------------------------------------------------------


def fields_url(s):
    return reverse("submissions:fields", args=[s.workshop.slug])


def definition(**kwargs):
    data = {
        "action": "save",
        "label": "Link to code",
        "help_text": "",
        "kind": "url",
        "visibility": "reviewers",
        "order": "1",
        "choices_text": "",
    }
    data.update(kwargs)
    return data


def test_chairs_add_edit_and_delete_unanswered_fields(scenario, login):
    s = scenario
    client = login(s.chair)
    assert client.get(fields_url(s)).status_code == 200
    assert client.post(fields_url(s), definition()).status_code == 302
    f = SubmissionField.objects.get()
    assert (f.workshop, f.kind, f.visibility) == (s.workshop, "url", "reviewers")

    client.post(
        fields_url(s),
        definition(question=str(f.pk), kind="choice", choices_text="Yes\nNo", visibility="chairs"),
    )
    f.refresh_from_db()
    assert (f.kind, f.choices, f.visibility) == ("choice", ["Yes", "No"], "chairs")

    client.post(fields_url(s), {"action": "delete", "question": str(f.pk)})
    assert not SubmissionField.objects.exists()


def test_a_locked_field_cannot_change_or_go(answered, login):
    s = answered
    locked = SubmissionField.objects.get(label="Link to code")
    before = list(SubmissionField.objects.values())
    client = login(s.chair)

    edit = client.post(
        fields_url(s), definition(question=str(locked.pk), label="Changed"), follow=True
    )
    assert "can no longer be changed or deleted" in edit.content.decode()
    delete = client.post(
        fields_url(s), {"action": "delete", "question": str(locked.pk)}, follow=True
    )
    assert "can no longer be changed or deleted" in delete.content.decode()
    assert list(SubmissionField.objects.values()) == before
    assert SubmissionFieldAnswer.objects.count() == 2

    assert client.post(fields_url(s), definition(label="Slides link")).status_code == 302
    assert SubmissionField.objects.count() == 3


def test_only_chairs_edit_fields(scenario, login):
    s = scenario
    for user in (s.assigned, s.author):
        response = login(user).post(fields_url(s), definition())
        assert response.status_code in (403, 404)
    assert not SubmissionField.objects.exists()
