"""The chairs' submissions list: search language, private tags, bulk actions, table toolkit.

A conflicted chair never sees or touches a conflicted paper through any of them.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.enums import Phase, outcomes_for
from reviews.models import Assignment, Decision
from submissions import search
from submissions.models import PaperTag, Submission
from tests import factories as base
from tests.scenarios import AUTHOR_NAME, COAUTHOR_NAME, set_phase


def list_url(s, **params):
    from urllib.parse import urlencode

    url = reverse("submissions:manage_list", args=[s.workshop.slug])
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def bulk_url(s):
    return reverse("submissions:bulk", args=[s.workshop.slug])


def numbers(response):
    return [row["submission"].number for row in response.context["rows"]]


def bulk(client, s, action, papers, confirm=True, **extra):
    data = {"action": action, "selected": [p.number for p in papers], **extra}
    if confirm:
        data["confirm"] = "1"
    return client.post(bulk_url(s), data)


# --- search ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("robust", [1]),
        ("robust label", [1]),
        ("robust scale", []),
        ("#2", [2]),
        ("2", [2]),
        ("author:lovelace", [1]),
        ('author:"Bob Coauthor"', [1]),
        ("author:ursula", [2]),
        ("topic:poison", [2]),
        ("state:submitted", [1, 2]),
        ("state:withdrawn", []),
        ("decision:none", [1, 2]),
        ("decision:accept", []),
    ],
)
def test_search_language(scenario, login, q, expected):
    client = login(scenario.chair)
    assert numbers(client.get(list_url(scenario, q=q))) == expected


@pytest.mark.django_db
def test_search_by_decision_and_tag(scenario, login):
    set_phase(scenario.workshop, Phase.DECISIONS)
    client = login(scenario.chair)
    bulk(client, scenario, "stage_decision", [scenario.other_paper], outcome="reject")
    bulk(client, scenario, "tag_add", [scenario.paper], tag="Shortlist")

    assert numbers(client.get(list_url(scenario, q="decision:reject"))) == [2]
    assert numbers(client.get(list_url(scenario, q="decision:staged"))) == [2]
    assert numbers(client.get(list_url(scenario, q="decision:none"))) == [1]
    assert numbers(client.get(list_url(scenario, q="tag:shortlist"))) == [1]
    assert numbers(client.get(list_url(scenario, q="tag:shortlist robust"))) == [1]
    assert numbers(client.get(list_url(scenario, q="tag:other"))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", [AUTHOR_NAME, COAUTHOR_NAME, "ursula", "a", ""])
def test_author_search_never_matches_without_the_right(scenario, text):
    """Whoever may not see authors gets no match for an author-name search: not even a
    different number of results that would tell who wrote what."""
    everything = Submission.objects.filter(workshop=scenario.workshop)
    query = f'author:"{text}"' if text else "author:"

    found = search.search(everything, query, may_see_authors=False, may_see_tags=False)
    if text:
        assert list(found) == []
    # The right comes from the rights vocabulary: reviewers and authors do not have it.
    from submissions.permissions import may_search_authors

    assert may_search_authors(scenario.chair, scenario.workshop)
    for user in (scenario.assigned, scenario.unassigned, scenario.author):
        assert not may_search_authors(user, scenario.workshop)


@pytest.mark.django_db
def test_tag_search_never_matches_without_the_right(scenario):
    PaperTag.objects.create(workshop=scenario.workshop, submission=scenario.paper, name="x")
    everything = Submission.objects.filter(workshop=scenario.workshop)

    assert list(search.search(everything, "tag:x", may_see_authors=True, may_see_tags=False)) == []
    assert [
        s.number
        for s in search.search(everything, "tag:x", may_see_authors=True, may_see_tags=True)
    ] == [1]


@pytest.mark.django_db
def test_conflicted_chair_finds_nothing_of_the_conflicted_paper(scenario, login):
    client = login(scenario.conflicted_chair)
    for q in ["robust", "#1", "1", "author:lovelace", "topic:adversarial", "state:submitted"]:
        response = client.get(list_url(scenario, q=q))
        assert 1 not in numbers(response), q
        assert "Robust training" not in response.content.decode()


@pytest.mark.django_db
def test_unknown_search_field_is_said_and_read_as_words(scenario, login):
    client = login(scenario.chair)
    response = client.get(list_url(scenario, q="colour:red"))
    assert numbers(response) == []
    assert "Not a search field: colour" in response.content.decode()


# --- tags --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tag_add_asks_for_confirmation_then_tags(scenario, login):
    client = login(scenario.chair)
    papers = [scenario.paper, scenario.other_paper]

    page = bulk(client, scenario, "tag_add", papers, confirm=False, tag="Needs shepherd")

    assert page.status_code == 200
    assert "please confirm" in page.content.decode()
    assert not PaperTag.objects.exists()

    done = bulk(client, scenario, "tag_add", papers, tag="Needs shepherd")
    assert done.status_code == 302
    assert sorted(PaperTag.objects.values_list("submission__number", "name")) == [
        (1, "needs-shepherd"),
        (2, "needs-shepherd"),
    ]
    # Adding again changes nothing; the list shows the tag.
    bulk(client, scenario, "tag_add", papers, tag="needs-shepherd")
    assert PaperTag.objects.count() == 2
    assert "#needs-shepherd" in client.get(list_url(scenario)).content.decode()


@pytest.mark.django_db
def test_tag_remove(scenario, login):
    client = login(scenario.chair)
    bulk(client, scenario, "tag_add", [scenario.paper, scenario.other_paper], tag="maybe")

    bulk(client, scenario, "tag_remove", [scenario.paper], tag="maybe")

    assert list(PaperTag.objects.values_list("submission__number", flat=True)) == [2]


@pytest.mark.django_db
@pytest.mark.parametrize("tag", ["", "   ", "no/slash", "x" * 41])
def test_bad_tag_refused_and_nothing_changed(scenario, login, tag):
    client = login(scenario.chair)
    response = bulk(client, scenario, "tag_add", [scenario.paper], tag=tag)
    assert response.status_code == 302
    assert not PaperTag.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Nothing was changed" in m for m in messages)


@pytest.mark.django_db
def test_tags_never_shown_to_authors_or_reviewers(scenario, login):
    PaperTag.objects.create(
        workshop=scenario.workshop, submission=scenario.paper, name="weak-reject-likely"
    )
    pages = [
        (scenario.author, scenario.paper.get_absolute_url()),
        (scenario.author, reverse("submissions:dashboard")),
        (scenario.assigned, reverse("reviews:paper", args=[scenario.workshop.slug, 1])),
        (scenario.assigned, reverse("reviews:workshop", args=[scenario.workshop.slug])),
    ]
    for user, url in pages:
        response = login(user).get(url)
        assert response.status_code == 200, url
        assert "weak-reject-likely" not in response.content.decode(), url


# --- decisions, assignments, export ------------------------------------------------------------


@pytest.mark.django_db
def test_stage_decision_in_bulk_sends_nothing(scenario, login):
    set_phase(scenario.workshop, Phase.DECISIONS)
    Decision.objects.create(submission=scenario.paper, outcome="reject", comments="Kept text")
    client = login(scenario.chair)
    mails = OutgoingEmail.objects.count()

    accept = outcomes_for(scenario.workshop)[0].value
    response = bulk(
        client, scenario, "stage_decision", [scenario.paper, scenario.other_paper], outcome=accept
    )

    assert response.status_code == 302
    decisions = {d.submission.number: d for d in Decision.objects.select_related("submission")}
    assert {n: d.outcome for n, d in decisions.items()} == {1: accept, 2: accept}
    assert all(d.released_at is None for d in decisions.values())
    assert decisions[1].comments == "Kept text"  # the meta-review stays
    assert OutgoingEmail.objects.count() == mails


@pytest.mark.django_db
def test_stage_decision_refused_outside_the_decision_phases(scenario, login):
    client = login(scenario.chair)  # the scenario is in the reviewing phase
    accept = outcomes_for(scenario.workshop)[0].value
    response = bulk(client, scenario, "stage_decision", [scenario.paper], outcome=accept)
    assert not Decision.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("#1" in m and "cannot decide" in m for m in messages)


@pytest.mark.django_db
def test_assign_in_bulk_refuses_conflicts_with_a_message(scenario, login):
    client = login(scenario.chair)

    response = bulk(
        client,
        scenario,
        "assign",
        [scenario.paper, scenario.other_paper],
        reviewer=scenario.conflicted_reviewer.pk,
    )

    assert response.status_code == 302
    assigned = set(
        Assignment.objects.filter(reviewer=scenario.conflicted_reviewer).values_list(
            "submission__number", flat=True
        )
    )
    assert assigned == {2}
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Paper #1" in m and "conflict" in m for m in messages)
    assert any("assigned to 1 paper" in m for m in messages)


@pytest.mark.django_db
def test_export_selection_only_and_formula_safe(scenario, login):
    scenario.other_paper.title = "=cmd|' /C calc'!A0"
    scenario.other_paper.save()
    client = login(scenario.chair)

    response = bulk(client, scenario, "export", [scenario.other_paper], confirm=False)

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["number"], r["title"]) for r in rows] == [("2", "'=cmd|' /C calc'!A0")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("tag_add", {"tag": "sneaky"}),
        ("stage_decision", {"outcome": "reject"}),
        ("assign", {}),
        ("export", {}),
    ],
)
def test_conflicted_chair_cannot_touch_the_conflicted_paper(scenario, login, action, extra):
    set_phase(scenario.workshop, Phase.DECISIONS)
    if action == "assign":
        extra = {"reviewer": scenario.unassigned.pk}
    client = login(scenario.conflicted_chair)
    before = Assignment.objects.count()

    response = bulk(client, scenario, action, [scenario.paper], **extra)

    assert response.status_code == 302  # "select at least one paper": nothing to act on
    assert not PaperTag.objects.exists()
    assert not Decision.objects.exists()
    assert Assignment.objects.count() == before
    # Mixed with a paper they may manage: only that one is touched (or exported).
    response = bulk(client, scenario, action, [scenario.paper, scenario.other_paper], **extra)
    if action == "export":
        assert "Robust training" not in response.content.decode()
        assert "Poisoning at scale" in response.content.decode()
    assert not PaperTag.objects.filter(submission=scenario.paper).exists()
    assert not Decision.objects.filter(submission=scenario.paper).exists()
    assert not Assignment.objects.filter(
        submission=scenario.paper, reviewer=scenario.unassigned
    ).exists()


@pytest.mark.django_db
def test_bulk_without_selection_or_action_changes_nothing(scenario, login):
    client = login(scenario.chair)
    assert client.post(bulk_url(scenario), {"action": "tag_add", "tag": "x"}).status_code == 302
    assert client.post(bulk_url(scenario), {"selected": [1]}).status_code == 302
    assert not PaperTag.objects.exists()


@pytest.mark.django_db
def test_bulk_refused_to_reviewers_and_authors(scenario, login):
    for user in (scenario.assigned, scenario.author):
        response = login(user).post(
            bulk_url(scenario), {"action": "tag_add", "tag": "x", "selected": [1], "confirm": "1"}
        )
        assert response.status_code in (403, 404)
    assert not PaperTag.objects.exists()


@pytest.mark.django_db
def test_bulk_returns_to_the_list_as_it_was(scenario, login):
    client = login(scenario.chair)
    response = client.post(
        bulk_url(scenario),
        {"action": "tag_add", "tag": "x", "selected": [1], "confirm": "1", "back": "?sort=-title"},
    )
    assert response.url.endswith("/manage/?sort=-title")
    response = client.post(
        bulk_url(scenario),
        {
            "action": "tag_add",
            "tag": "x",
            "selected": [1],
            "confirm": "1",
            "back": "//evil.example",
        },
    )
    assert response.url == list_url(scenario)


# --- the table toolkit -------------------------------------------------------------------------


def add_papers(s, n, start=10):
    for i in range(n):
        paper = base.SubmissionFactory(
            workshop=s.workshop, number=start + i, title=f"Paper {i:02d}", submitted=True
        )
        paper.topics.set(s.topics)
        base.AuthorshipFactory(submission=paper)
        base.AuthorshipFactory(submission=paper)
        base.SubmissionFileFactory(submission=paper, from_pdf=True)
        PaperTag.objects.create(workshop=s.workshop, submission=paper, name=f"t{i}")


@pytest.mark.django_db
def test_sort_is_whitelisted(scenario, login):
    client = login(scenario.chair)
    assert numbers(client.get(list_url(scenario, sort="-number"))) == [2, 1]
    assert numbers(client.get(list_url(scenario, sort="title"))) == [2, 1]  # Poisoning < Robust
    assert numbers(client.get(list_url(scenario, sort="-title"))) == [1, 2]
    for crafted in ["authors__email", "-authors__email", "?", ""]:
        assert numbers(client.get(list_url(scenario, sort=crafted))) == [1, 2]


@pytest.mark.django_db
def test_pagination_keeps_the_filters(scenario, login):
    add_papers(scenario, 30)
    client = login(scenario.chair)

    first = client.get(list_url(scenario, q="paper", per_page=25, sort="-number"))
    second = client.get(list_url(scenario, q="paper", per_page=25, sort="-number", page=2))

    assert len(numbers(first)) == 25 and numbers(first)[0] == 39
    assert numbers(second) == [14, 13, 12, 11, 10]
    html = first.content.decode()
    assert "q=paper&amp;per_page=25&amp;sort=-number&amp;page=2" in html
    assert "1–25 of 30" in html
    # An unknown page size falls back to the default; a page past the end shows the last.
    assert len(numbers(client.get(list_url(scenario, per_page=7)))) == 32
    assert numbers(client.get(list_url(scenario, q="paper", per_page=25, page=99)))[-1] == 39


@pytest.mark.django_db
def test_column_choice_is_remembered(scenario, login):
    client = login(scenario.chair)
    assert '<th scope="col" class="col-topics"' in client.get(list_url(scenario)).content.decode()

    client.get(list_url(scenario, cols=["", "tags"]))
    html = client.get(list_url(scenario)).content.decode()

    assert 'class="col-topics"' not in html and 'class="col-tags"' in html
    assert 'class="col-title"' in html  # a column that cannot be hidden stays
    client.get(list_url(scenario, cols=""))
    assert 'class="col-tags"' not in client.get(list_url(scenario)).content.decode()


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "paper tag:t1"},
        {"q": "author:a topic:poison state:sub decision:none"},
        {"sort": "-title", "cols": ["tags", "pdf", "deadline", "updated", "authors"]},
        {"per_page": 25, "page": 2},
    ],
)
def test_list_queries_constant_in_the_number_of_papers(scenario, login, params):
    client = login(scenario.chair)
    add_papers(scenario, 2)
    url = list_url(scenario, **params)
    client.get(url)  # warm up
    few = count(client, url)

    add_papers(scenario, 40, start=100)

    assert count(client, url) == few
