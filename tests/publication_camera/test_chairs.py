"""The chairs' side: the table (conflicts, query count), the one-click reminder, the settings,
withdrawal of accepted papers, beat reminders, the decision letter's placeholder and the
messaging group's "missing" rule."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Entry
from mail.models import OutgoingEmail
from messaging.models import Group
from messaging.services import recipients_for
from publication.models import CameraReady, PublicationSettings, TermsAcceptance
from publication.services import reminders
from publication.tasks import send_camera_ready_reminders
from reviews.services.decisions import render_decision_email
from reviews.services.templating import DEFAULT_ACCEPT_BODY, validate_template
from submissions.enums import FileKind, SubmissionState
from submissions.models import Submission
from tests import factories as base

from .conftest import CR_DEADLINE, page_url, table_url

pytestmark = pytest.mark.django_db


def complete(paper, settings=None):
    """Make ``paper``'s camera-ready complete: PDF, confirmed metadata, current terms."""
    base.SubmissionFileFactory(submission=paper, kind=FileKind.CAMERA_READY, pages=5)
    CameraReady.objects.update_or_create(
        submission=paper,
        defaults={
            "title": paper.title,
            "authors": [{"name": "Ada Lovelace", "email": "ada@analytical.example"}],
            "confirmed_at": CR_DEADLINE - dt.timedelta(days=12),
        },
    )
    if settings is not None and settings.terms_kind != "none":
        TermsAcceptance.objects.create(
            submission=paper,
            user=paper.created_by,
            kind=settings.terms_kind,
            terms_title=settings.terms_title,
            terms_version=settings.terms_version,
            terms_sha256="0" * 64,
        )


def keys(prefix):
    return sorted(
        OutgoingEmail.objects.filter(idempotency_key__startswith=prefix).values_list(
            "idempotency_key", flat=True
        )
    )


# --- The table ---------------------------------------------------------------------------------


def test_table_shows_each_accepted_paper(client, make_paper, chair, workshop, terms, ada):
    done = make_paper()
    complete(done, terms)
    todo = make_paper()
    make_paper(state=SubmissionState.REJECTED, outcome="reject")
    client.force_login(chair)
    response = client.get(table_url(workshop))
    assert response.status_code == 200
    rows = {r["submission"].pk: r for r in response.context["rows"]}
    assert set(rows) == {done.pk, todo.pk}
    assert rows[done.pk]["missing"] == [] and rows[done.pk]["acceptance"].user == ada
    assert rows[todo.pk]["missing"] == [
        "camera-ready PDF",
        "final title, abstract and authors",
        "Copyright transfer",
    ]
    body = response.content.decode()
    assert "2 accepted, 1 incomplete" in body
    assert "Remind missing (1)" in body
    missing_only = client.get(table_url(workshop) + "?show=missing&sort=-updated")
    assert [r["submission"].pk for r in missing_only.context["rows"]] == [todo.pk]


def test_table_is_for_chairs_and_leaves_out_conflicted_papers(client, make_paper, workshop):
    mine = make_paper()
    theirs = make_paper()
    chair2 = base.member(workshop, "chair", full_name="Conflicted Chair")
    base.ConflictFactory(submission=theirs, user=chair2)
    client.force_login(chair2)
    response = client.get(table_url(workshop))
    assert [r["submission"].pk for r in response.context["rows"]] == [mine.pk]
    assert f"/{theirs.number}/camera-ready/deadline/" not in response.content.decode()
    deadline_url = f"/submissions/{workshop.slug}/{theirs.number}/camera-ready/deadline/"
    assert client.get(deadline_url).status_code == 404
    # The reminder leaves the conflicted paper out too.
    client.post(
        table_url(workshop) + "remind/", {"reminder": "8d0f3f8e-0000-4000-8000-000000000001"}
    )
    assert {e.submission_id for e in Entry.objects.filter(action="reminded")} == {mine.pk}
    reviewer = base.member(workshop, "reviewer")
    client.force_login(reviewer)
    assert client.get(table_url(workshop)).status_code == 403
    client.force_login(base.UserFactory())
    assert client.get(table_url(workshop)).status_code in (403, 404)


def test_table_query_count_is_constant(client, make_paper, chair, workshop, terms):
    def count():
        client.force_login(chair)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(table_url(workshop)).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        complete(make_paper(), terms)
    small = count()
    for _ in range(6):
        paper = make_paper(outcome="accept_poster")
        complete(paper, terms)
        base.SubmissionFileFactory(submission=paper, kind=FileKind.POSTER)
    assert count() == small


# --- Reminders ----------------------------------------------------------------------------------


def test_remind_missing_once_per_paper_and_reminder(client, make_paper, chair, workshop, terms):
    todo = make_paper()
    done = make_paper()
    complete(done, terms)
    client.force_login(chair)
    first = client.get(table_url(workshop)).context["reminder_id"]
    url = table_url(workshop) + "remind/"
    client.post(url, {"reminder": str(first)})
    client.post(url, {"reminder": str(first)})  # a double click: nothing twice
    assert keys("camera-remind:") == [
        f"camera-remind:{first}:{todo.pk}:ada@analytical.example",
        f"camera-remind:{first}:{todo.pk}:bob@difference.example",
    ]
    mail = OutgoingEmail.objects.filter(idempotency_key__startswith="camera-remind:").first()
    assert page_url(todo) in mail.body and "camera-ready PDF" in mail.body
    second = client.get(table_url(workshop)).context["reminder_id"]
    client.post(url, {"reminder": str(second)})  # a later reminder from a fresh page
    assert len(keys("camera-remind:")) == 4
    assert len(keys(f"camera-remind:{second}:")) == 2
    assert Entry.objects.filter(submission=todo, action="reminded").count() == 3
    # A forged or missing id sends nothing.
    client.post(url, {"reminder": "nope"})
    assert len(keys("camera-remind:")) == 4


def test_beat_reminds_7_days_and_1_day_before_each_once(make_paper, workshop, terms, clock):
    todo = make_paper()
    complete(make_paper(), terms)
    for days in (8, 6.5, 5, 0.8, 0.5, -0.1):
        clock(CR_DEADLINE - dt.timedelta(days=days))
        send_camera_ready_reminders()
    iso = CR_DEADLINE.isoformat()
    assert keys("camera-due:") == [
        f"camera-due:{todo.pk}:{iso}:1d:ada@analytical.example",
        f"camera-due:{todo.pk}:{iso}:1d:bob@difference.example",
        f"camera-due:{todo.pk}:{iso}:7d:ada@analytical.example",
        f"camera-due:{todo.pk}:{iso}:7d:bob@difference.example",
    ]


def test_beat_follows_a_papers_own_deadline(make_paper, workshop, clock):
    paper = make_paper()
    own = CR_DEADLINE + dt.timedelta(days=20)
    CameraReady.objects.create(submission=paper, deadline_override=own)
    assert reminders.send_deadline_reminders(now=CR_DEADLINE - dt.timedelta(hours=5)) == 0
    assert reminders.send_deadline_reminders(now=own - dt.timedelta(hours=5)) == 1
    assert reminders.send_deadline_reminders(now=own - dt.timedelta(hours=4)) == 0
    assert keys("camera-due:")[0].startswith(f"camera-due:{paper.pk}:{own.isoformat()}:1d:")


def test_beat_schedule_has_the_task():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "publication.send_camera_ready_reminders" in tasks


# --- Withdrawal of an accepted paper ------------------------------------------------------------


def test_withdraw_accepted_until_the_deadline_chairs_told_once(
    client, make_paper, workshop, chair, ada, clock
):
    conflicted = base.member(workshop, "chair", full_name="Conflicted Chair")
    paper = make_paper()
    base.ConflictFactory(submission=paper, user=conflicted)
    client.force_login(ada)
    url = f"/submissions/{workshop.slug}/{paper.number}/withdraw/"
    response = client.post(url, {"reason": "Cannot travel", "confirm": "on"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.state == SubmissionState.WITHDRAWN
    chair_mails = OutgoingEmail.objects.filter(template_role="publication.accepted_withdrawn")
    assert [m.recipient for m in chair_mails] == [chair.email]
    assert "Cannot travel" in chair_mails[0].body
    client.post(url, {"reason": "again", "confirm": "on"})
    assert chair_mails.count() == 1
    assert Entry.objects.filter(submission=paper, action="accepted_withdrawn").count() == 1


def test_withdraw_accepted_refused_after_the_camera_ready_deadline(
    client, make_paper, workshop, ada, clock
):
    paper = make_paper()
    clock(CR_DEADLINE + dt.timedelta(minutes=1))
    client.force_login(ada)
    url = f"/submissions/{workshop.slug}/{paper.number}/withdraw/"
    client.post(url, {"reason": "late", "confirm": "on"})
    paper.refresh_from_db()
    assert paper.state == SubmissionState.ACCEPTED
    assert not OutgoingEmail.objects.filter(template_role="publication.accepted_withdrawn")
    # A paper's own later deadline keeps withdrawal open for it.
    CameraReady.objects.create(submission=paper, deadline_override=CR_DEADLINE + dt.timedelta(1))
    client.post(url, {"reason": "late", "confirm": "on"})
    assert Submission.objects.get(pk=paper.pk).state == SubmissionState.WITHDRAWN


# --- Decision letter and messaging ---------------------------------------------------------------


def test_acceptance_letter_links_the_camera_ready_page(paper):
    assert "{camera_ready_url}" in DEFAULT_ACCEPT_BODY
    validate_template("Upload here: {camera_ready_url}")
    author = paper.ordered_authors[0]
    _subject, body = render_decision_email(paper.decision, author)
    assert f"https://cfp.example.org{page_url(paper)}" in body
    assert "{camera_ready_url}" not in body


def test_rejection_letter_has_no_camera_ready_link(make_paper):
    paper = make_paper(state=SubmissionState.REJECTED, outcome="reject")
    from reviews.services.decisions import placeholder_values

    values = placeholder_values(paper.decision, paper.ordered_authors[0], reviews="")
    assert values["camera_ready_url"] == ""


def test_messaging_group_uses_the_same_missing_rule(make_paper, chair, workshop, terms):
    no_pdf = make_paper()
    done = make_paper()
    complete(done, terms)
    no_terms = make_paper()
    complete(no_terms)  # PDF and metadata, but not the terms
    recipients = recipients_for(
        workshop, chair, Group.CAMERA_READY_MISSING, subject="{paper_title}", body="x"
    )
    assert {r.paper.pk for r in recipients} == {no_pdf.pk, no_terms.pk}


# --- Settings -----------------------------------------------------------------------------------


def settings_post(**overrides):
    data = {
        "instructions": "Use the IEEE template.",
        "terms_kind": "copyright",
        "terms_title": "IEEE copyright form",
        "terms_text": "You transfer the copyright.",
        "terms_version": "v1",
        "material_accept_talk": ["slides", "video"],
        "material_accept_poster": ["poster"],
        "version": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_page_saves_versioned(client, chair, workshop, paper_type):
    client.force_login(chair)
    url = table_url(workshop) + "settings/"
    assert client.get(url).status_code == 200
    response = client.post(url, settings_post(**{f"limit_{paper_type.pk}": "5"}))
    assert response.status_code == 302
    settings = PublicationSettings.objects.get(workshop=workshop)
    assert settings.material == {"accept_talk": ["slides", "video"], "accept_poster": ["poster"]}
    assert settings.terms_version == "v1"
    paper_type.refresh_from_db()
    assert paper_type.camera_ready_page_limit == 5
    assert Entry.objects.filter(workshop=workshop, kind="settings").count() == 1
    # A page loaded at the old version is refused; nothing is overwritten.
    response = client.post(url, settings_post(instructions="Stale", version="0"))
    assert response.status_code == 409
    assert PublicationSettings.objects.get(workshop=workshop).instructions.startswith("Use")
    # Changing the text needs a new version.
    current = PublicationSettings.objects.get(workshop=workshop).version
    response = client.post(url, settings_post(terms_text="New text.", version=str(current)))
    assert response.status_code == 400
    assert "give it a new version" in response.content.decode()
    response = client.post(
        url, settings_post(terms_text="New text.", terms_version="v2", version=str(current))
    )
    assert response.status_code == 302
    assert PublicationSettings.objects.get(workshop=workshop).terms_version == "v2"


def test_settings_need_terms_fields_and_are_for_chairs(client, chair, workshop):
    client.force_login(chair)
    url = table_url(workshop) + "settings/"
    response = client.post(url, settings_post(terms_title="", terms_text=""))
    assert response.status_code == 400
    assert not PublicationSettings.objects.exists()
    client.force_login(base.member(workshop, "reviewer"))
    assert client.get(url).status_code == 403


def test_chair_tabs_link_the_camera_ready_pages(client, chair, workshop):
    client.force_login(chair)
    body = client.get(table_url(workshop)).content.decode()
    assert 'aria-current="page"' in body
    assert table_url(workshop) + "settings/" in body


def test_own_deadline_only_for_released_accepted_papers(client, make_paper, chair, workshop):
    rejected = make_paper(state=SubmissionState.REJECTED, outcome="reject")
    client.force_login(chair)
    url = f"/submissions/{workshop.slug}/{rejected.number}/camera-ready/deadline/"
    response = client.post(url, {"deadline": "2026-06-10T23:59"})
    assert response.status_code == 302
    assert not CameraReady.objects.exists()
    paper = make_paper()
    url = f"/submissions/{workshop.slug}/{paper.number}/camera-ready/deadline/"
    client.post(url, {"deadline": "2026-06-10T23:59"})
    client.post(url, {"deadline": "2026-06-10T23:59"})  # the same date again: one e-mail each
    mails = OutgoingEmail.objects.filter(template_role="publication.camera_deadline")
    assert sorted(m.recipient for m in mails) == [
        "ada@analytical.example",
        "bob@difference.example",
    ]
    assert "Mon 10 June 2026" in mails[0].body or "10 June 2026" in mails[0].body
    client.post(url, {"remove": "on"})
    assert CameraReady.objects.get(submission=paper).deadline_override is None
