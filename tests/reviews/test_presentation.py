"""How the review pages read: questions as named groups, times in the workshop's zone, labels
instead of raw values."""

import datetime as dt
import re

from django.core import mail
from django.urls import reverse

from reviews.enums import Phase
from reviews.services.assignments import assign
from reviews.services.discussion import post_comment
from reviews.services.reminders import send_due_reminders
from tests.scenarios import set_phase, submit_review

AOE = "AoE (UTC−12)"
# What Django's DATETIME_FORMAT in UTC looked like: "Dec. 1, 2026, 2:19 p.m." + " UTC".
UTC_STYLE = re.compile(r"\d{4}, \d{1,2}(:\d\d)? [ap]\.m\.|\bUTC\b(?!−)")


def get(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def assert_workshop_zone(body):
    assert AOE in body
    assert not UTC_STYLE.search(body), UTC_STYLE.search(body).group(0)


# --- Questions with options are fieldsets named by a legend ------------------------------------


def test_review_form_criteria_are_fieldsets_named_with_their_description(scenario, login):
    novelty = scenario.criteria[0]
    novelty.description = "Is the idea new to the field?"
    novelty.save()
    client = login(scenario.assigned)

    body = get(client, "reviews:review_edit", scenario.workshop.slug, 1)

    assert body.count("<fieldset") == 4  # two criteria, recommendation, confidence
    legend = re.search(r"<legend>(.*?)</legend>", body, re.S).group(1)
    assert "Novelty" in legend and "Is the idea new to the field?" in legend
    for question in ("Soundness", "Overall recommendation", "Confidence"):
        assert f'<legend><span class="question">{question}</span>' in body
    assert 'for=""' not in body
    assert '<label class="choice" for="id_score_' in body


def test_reviewer_profile_topics_are_a_named_group(scenario, login):
    client = login(scenario.assigned)

    body = get(client, "reviews:profile", scenario.workshop.slug)

    assert '<legend><span class="question">Topics you are an expert in</span>' in body
    assert 'for=""' not in body


def test_author_conflicts_members_are_a_named_group(scenario, login):
    from tests.reviews.conftest import reopen

    reopen(scenario.paper)
    client = login(scenario.author)

    body = get(client, "reviews:author_conflicts", scenario.workshop.slug, 1)

    assert (
        '<legend><span class="question">Committee members you have a conflict of interest with'
        in body
    )
    assert 'for=""' not in body


# --- Times in the workshop's zone --------------------------------------------------------------


def test_reviewer_pages_show_deadlines_in_the_workshop_zone(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)
    client = login(scenario.assigned)

    for name, args in [
        ("reviews:workshop", [scenario.workshop.slug]),
        ("reviews:paper", [scenario.workshop.slug, 1]),
        ("reviews:review_edit", [scenario.workshop.slug, 1]),
    ]:
        assert_workshop_zone(get(client, name, *args))


def test_discussion_shows_message_times_in_the_workshop_zone(scenario, login):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    post_comment(submission=scenario.paper, author=scenario.chair, body="Let us discuss.")

    body = get(login(scenario.chair), "reviews:discussion", scenario.workshop.slug, 1)

    assert "Let us discuss." in body
    assert_workshop_zone(body)


def test_chair_paper_page_shows_and_reads_due_dates_in_the_workshop_zone(scenario, login):
    client = login(scenario.chair)
    url = reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1])
    scenario.assignment.due_at = None
    scenario.assignment.save()

    assert_workshop_zone(client.get(url).content.decode())

    client.post(
        url,
        {"action": "due", "assignment": scenario.assignment.pk, "due_at": "2026-12-05T23:59"},
    )

    scenario.assignment.refresh_from_db()
    # 23:59 on the AoE wall clock is noon the next day in UTC.
    assert scenario.assignment.due_at == dt.datetime(2026, 12, 6, 11, 59, tzinfo=dt.UTC)
    assert 'value="2026-12-05T23:59"' in client.get(url).content.decode()


def test_review_emails_give_the_due_date_in_the_workshop_zone(
    scenario, django_capture_on_commit_callbacks
):
    due = scenario.assignment.due_at
    with django_capture_on_commit_callbacks(execute=True):
        assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
        send_due_reminders(now=due - dt.timedelta(days=2, hours=23))

    # The assignment to Uma, then a "due soon" reminder to each of the two reviewers.
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert f"{AOE}." in message.body
        assert "(UTC)" not in message.body


# --- Labels, not raw values --------------------------------------------------------------------


def test_chair_dashboard_shows_the_state_label(scenario, login):
    body = get(login(scenario.chair), "reviews:manage", scenario.workshop.slug)

    cell = re.search(r'<span class="badge ok">(\w+)</span>', body)
    assert cell is not None and cell.group(1) == "Submitted"
    assert "<td>submitted</td>" not in body
