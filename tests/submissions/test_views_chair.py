import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories as base


@pytest.fixture
def chair_client(client, chair, frozen_now):
    client.force_login(chair)
    return client


@pytest.fixture
def many(make_submission, topics, paper_type, call):
    short = base.SubmissionTypeFactory(workshop=call, name="Short paper", page_limit=4)
    subs = [
        make_submission(
            title="Poisoning the well", co_authors=[{"name": "Bo", "email": "bo@x.example"}]
        ),
        make_submission(title="Trigger inversion", state=SubmissionState.DRAFT),
        make_submission(title="Certified defenses", state=SubmissionState.WITHDRAWN),
    ]
    subs[2].topics.set([topics[1]])
    subs[2].submission_type = short
    subs[2].save()
    return subs


def list_url(call, **params):
    from urllib.parse import urlencode

    url = reverse("submissions:manage_list", args=[call.slug])
    return f"{url}?{urlencode(params)}" if params else url


def titles(response):
    return [row["submission"].title for row in response.context["rows"]]


@pytest.mark.django_db
def test_manage_list_chair_sees_all_with_counts(chair_client, call, many):
    response = chair_client.get(list_url(call))
    assert response.status_code == 200
    assert titles(response) == ["Poisoning the well", "Trigger inversion", "Certified defenses"]
    counts = {value: n for value, _label, n in response.context["state_counts"]}
    assert counts["submitted"] == 1 and counts["draft"] == 1 and counts["withdrawn"] == 1
    assert "Ada Lovelace" in response.content.decode()  # chairs see authors, double-blind too


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "draft"}, ["Trigger inversion"]),
        ({"q": "trigger"}, ["Trigger inversion"]),
        ({"q": "#2"}, None),
        ({"topic": "second"}, ["Certified defenses"]),
        ({"submission_type": "short"}, ["Certified defenses"]),
    ],
)
@pytest.mark.django_db
def test_manage_list_filters(chair_client, call, many, topics, params, expected):
    if params.get("q") == "#2":
        params = {"q": f"#{many[1].number}"}
        expected = ["Trigger inversion"]
    if params.get("topic") == "second":
        params = {"topic": topics[1].pk}
    if params.get("submission_type") == "short":
        params = {"submission_type": many[2].submission_type_id}
    assert titles(chair_client.get(list_url(call, **params))) == expected


@pytest.mark.django_db
def test_manage_list_non_chair_refused(client, call, many, author_user, reviewer_user):
    for user in (author_user, reviewer_user):
        client.force_login(user)
        assert client.get(list_url(call)).status_code == 403
        assert client.get(reverse("submissions:export_csv", args=[call.slug])).status_code == 403


@pytest.mark.django_db
def test_manage_list_unpublished_workshop_hidden_from_others(client, call, many):
    call.is_published = False
    call.save()
    client.force_login(base.UserFactory())
    assert client.get(list_url(call)).status_code == 404


@pytest.mark.django_db
def test_export_csv_uses_filters_and_defuses_formulas(chair_client, call, many):
    many[0].title = "=HYPERLINK(evil)"
    many[0].save()
    response = chair_client.get(
        reverse("submissions:export_csv", args=[call.slug]) + "?state=submitted"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(evil)"]
    assert rows[0]["emails"] == "ada@analytical.example; bo@x.example"
    assert rows[0]["pages"] == "3"


@pytest.mark.django_db
def test_desk_reject_mails_reason_to_authors(
    chair_client, call, many, django_capture_on_commit_callbacks
):
    submission = many[0]
    url = reverse("submissions:desk_reject", args=[call.slug, submission.number])
    assert chair_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(url, {"reason": "Exceeds the page limit."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DESK_REJECTED
    assert submission.desk_reject_reason == "Exceeds the page limit."
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@analytical.example", "bo@x.example"]
    assert all("Exceeds the page limit." in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_desk_reject_without_reason_refused(chair_client, call, many):
    url = reverse("submissions:desk_reject", args=[call.slug, many[0].number])
    assert chair_client.post(url, {"reason": "  "}).status_code == 200
    many[0].refresh_from_db()
    assert many[0].state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_desk_reject_by_author_404(author_client, call, many):
    url = reverse("submissions:desk_reject", args=[call.slug, many[0].number])
    assert author_client.post(url, {"reason": "mine"}).status_code == 404
    many[0].refresh_from_db()
    assert many[0].state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_extend_deadline_in_workshop_zone(chair_client, call, many, deadline):
    submission = many[1]
    url = reverse("submissions:extend_deadline", args=[call.slug, submission.number])
    assert chair_client.get(url).status_code == 200
    response = chair_client.post(url, {"deadline": "2026-03-03T23:59"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.deadline_override == dt.datetime(2026, 3, 4, 11, 59, tzinfo=dt.UTC)
    assert OutgoingEmail.objects.filter(template_role="submission.deadline_extended").count() == 1
    chair_client.post(url, {"remove": "on"})
    submission.refresh_from_db()
    assert submission.deadline_override is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-27T12:00", "later than the call’s paper deadline"),
        ("2026-02-28T23:59", "later than the call’s paper deadline"),  # the deadline itself
    ],
)
def test_extend_deadline_refuses_a_date_not_after_the_call_deadline(
    chair_client, call, many, typed, message
):
    submission = many[1]
    url = reverse("submissions:extend_deadline", args=[call.slug, submission.number])
    response = chair_client.post(url, {"deadline": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    submission.refresh_from_db()
    assert submission.deadline_override is None
    assert not OutgoingEmail.objects.filter(template_role="submission.deadline_extended").exists()


@pytest.mark.django_db
def test_extend_deadline_refuses_a_date_in_the_past(chair_client, call, many, frozen_now):
    # The call's deadline was extended long ago and is over; the typed date is past too.
    frozen_now(dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    submission = many[1]
    url = reverse("submissions:extend_deadline", args=[call.slug, submission.number])
    response = chair_client.post(url, {"deadline": "2026-03-20T12:00"})
    assert response.status_code == 200
    assert "already in the past" in response.content.decode()
    submission.refresh_from_db()
    assert submission.deadline_override is None
    assert not OutgoingEmail.objects.filter(template_role="submission.deadline_extended").exists()


@pytest.mark.django_db
def test_extend_deadline_can_be_cleared_after_the_call_deadline(chair_client, call, many):
    submission = many[1]
    submission.deadline_override = dt.datetime(2026, 3, 4, 11, 59, tzinfo=dt.UTC)
    submission.save()
    url = reverse("submissions:extend_deadline", args=[call.slug, submission.number])
    response = chair_client.post(url, {"remove": "on", "deadline": "2026-01-01T00:00"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.deadline_override is None


@pytest.mark.django_db
def test_chair_sees_submission_page_with_actions(chair_client, call, many):
    content = chair_client.get(many[0].get_absolute_url()).content.decode()
    assert "Desk reject" in content
    assert "Ada Lovelace" in content


# --- Query counts -----------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_submissions(make_submission, n):
    for i in range(n):
        make_submission(
            title=f"Paper {i}",
            co_authors=[
                {"name": f"Co {i}a", "email": f"co{i}a@x.example"},
                {"name": f"Co {i}b", "email": f"co{i}b@x.example"},
            ],
        )


@pytest.mark.django_db
def test_dashboard_query_count_constant(author_client, make_submission, call):
    add_submissions(make_submission, 1)
    url = reverse("submissions:dashboard")
    one = count_queries(author_client, url)
    add_submissions(make_submission, 9)
    assert Submission.objects.count() == 10
    assert count_queries(author_client, url) == one


@pytest.mark.django_db
def test_manage_list_query_count_constant(chair_client, make_submission, call):
    add_submissions(make_submission, 1)
    url = list_url(call)
    one = count_queries(chair_client, url)
    add_submissions(make_submission, 9)
    assert count_queries(chair_client, url) == one


@pytest.mark.django_db
def test_export_query_count_constant(chair_client, make_submission, call):
    add_submissions(make_submission, 1)
    url = reverse("submissions:export_csv", args=[call.slug])
    one = count_queries(chair_client, url)
    add_submissions(make_submission, 9)
    assert count_queries(chair_client, url) == one


@pytest.mark.django_db
def test_dashboard_shows_missing_items_and_countdown(author_client, call, make_submission):
    draft = make_submission(state=SubmissionState.DRAFT)
    draft.files.all().delete()
    draft.ack_code_of_conduct = False
    draft.save()
    content = author_client.get(reverse("submissions:dashboard")).content.decode()
    assert "PDF missing" in content
    assert "Code of conduct not acknowledged" in content
    assert "data-countdown=" in content
    assert "data-local" in content


@pytest.mark.django_db
def test_set_deadline_override_service_refuses_an_earlier_date(many, chair, deadline, frozen_now):
    from submissions.services.editing import set_deadline_override
    from submissions.services.state import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed, match="later than the call’s paper deadline"):
        set_deadline_override(many[1], deadline - dt.timedelta(hours=1), by=chair)
    many[1].refresh_from_db()
    assert many[1].deadline_override is None
    assert not OutgoingEmail.objects.exists()
