"""One navigation: the header names the user's roles, every chair page of a workshop shows the
same tab bar with its current area marked, and pages speak in words and one date format."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.templatetags.review_tags import mail_kind
from tests import factories as base
from workshops.enums import AOE
from workshops.forms import WorkshopForm
from workshops.navigation import CHAIR_TABS, chair_tabs

pytestmark = pytest.mark.django_db


def main_nav(html: str) -> str:
    return re.search(r'<nav aria-label="Main".*?</nav>', html, re.S).group(0)


def current_tabs(html: str) -> list[tuple[str, str]]:
    """The marked tabs of a chair page, outside the header."""
    page = html.replace(main_nav(html), "")
    return re.findall(r'aria-current="(page|true)">([^<]+)</a>', page)


def test_header_of_an_author_offers_no_reviewing_and_no_chairing(client):
    user = base.UserFactory()
    client.force_login(user)
    nav = main_nav(client.get("/").content.decode())
    assert "My submissions" in nav
    assert "Reviewing" not in nav
    assert "Chairing" not in nav


def test_header_names_the_committee_and_every_chaired_workshop(client):
    first = base.WorkshopFactory(acronym="AAA", year=2026)
    second = base.WorkshopFactory(acronym="BBB", year=2026)
    user = base.member(first, "chair")
    base.MembershipFactory(workshop=second, user=user, role="chair")
    base.MembershipFactory(workshop=second, user=user, role="reviewer")
    client.force_login(user)
    nav = main_nav(client.get("/").content.decode())
    assert 'href="/review/">Reviewing</a>' in nav
    assert "<summary>Chairing</summary>" in nav
    for workshop in (first, second):
        url = reverse("workshops:manage", args=[workshop.slug])
        assert f'<a href="{url}">{workshop.short_name}</a>' in nav


def test_header_roles_cost_one_query_however_many_workshops(client):
    def queries_for_index(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    one = base.member(base.WorkshopFactory(), "chair")
    many = base.UserFactory()
    for _ in range(6):
        base.MembershipFactory(workshop=base.WorkshopFactory(), user=many, role="chair")
        base.MembershipFactory(workshop=base.WorkshopFactory(), user=many, role="reviewer")
    assert queries_for_index(one) == queries_for_index(many)


def test_every_chair_tab_is_a_page_that_exists():
    workshop = base.WorkshopFactory()
    tabs = chair_tabs(workshop, None)
    assert [tab.label for tab in tabs] == [tab.label for tab in CHAIR_TABS]
    assert all(tab.url.startswith("/") and not tab.current for tab in tabs)


@pytest.mark.parametrize(
    ("url_name", "current"),
    [
        ("workshops:manage", [("page", "Overview")]),
        # The call's own section nav marks its section too.
        ("workshops:edit", [("page", "Call"), ("page", "Call text and basics")]),
        ("submissions:manage_list", [("page", "Submissions")]),
        ("reviews:manage", [("page", "Reviews")]),
        ("reviews:decisions", [("page", "Decisions"), ("page", "Decisions")]),
        ("reviews:templates", [("true", "Decisions"), ("page", "Letter templates")]),
        ("reviews:conflicts", [("true", "Committee"), ("page", "Conflicts")]),
        ("reviews:outbox", [("true", "Mail"), ("page", "Outbox")]),
        ("messaging:compose", [("page", "Mail"), ("page", "Mail to groups")]),
        ("autoassign:index", [("page", "Assignment")]),
    ],
)
def test_each_chair_page_shows_the_one_tab_bar_with_its_area_current(client, url_name, current):
    workshop = base.WorkshopFactory()
    client.force_login(base.member(workshop, "chair"))
    response = client.get(reverse(url_name, args=[workshop.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chair-bar"') == 1
    assert 'class="manage-nav' not in html  # the old sidebar and card of links are gone
    assert current_tabs(html) == current


def test_a_page_inside_an_area_marks_the_area_not_the_page(client):
    workshop = base.WorkshopFactory()
    client.force_login(base.member(workshop, "chair"))
    paper = base.SubmissionFactory(workshop=workshop, submitted=True)
    html = client.get(reverse("submissions:desk_reject", args=[workshop.slug, paper.number]))
    assert current_tabs(html.content.decode()) == [("true", "Submissions")]


def test_dates_read_one_way_in_the_workshop_zone():
    workshop = base.WorkshopFactory(timezone=AOE)
    # 23:59 AoE on Monday 2 March 2026 is 11:59 UTC on Tuesday 3 March.
    moment = dt.datetime(2026, 3, 3, 11, 59, tzinfo=dt.UTC)
    html = Template(
        "{% load workshop_tags %}{% workshop_time moment workshop %}|"
        "{% workshop_time moment workshop with_time=False %}"
    ).render(Context({"moment": moment, "workshop": workshop}))
    deadline, day = html.split("|")
    assert ">Mon 2 Mar 2026, 23:59 AoE (UTC−12)</time>" in deadline
    assert "data-local" in deadline  # site.js adds the viewer's own time beside it
    assert day == '<time datetime="2026-03-02">Mon 2 Mar 2026</time>'


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("reviews.decision.accept_poster", "Decision letter: Accept as poster"),
        ("reviews.invitation", "Committee invitation"),
        ("submission.desk_rejected", "Desk rejection"),
        ("somewhere.new_kind", "New kind"),
    ],
)
def test_outbox_kinds_read_as_words(code, words):
    assert mail_kind(code) == words


def test_slug_help_shows_an_example_address():
    help_text = str(WorkshopForm().fields["slug"].help_text)
    assert "/w/bands-2023/" in help_text
    assert "<" not in help_text


def test_help_texts_are_text_so_the_committee_example_address_shows(client):
    workshop = base.WorkshopFactory()
    client.force_login(base.member(workshop, "chair"))
    html = client.get(reverse("reviews:committee", args=[workshop.slug])).content.decode()
    assert "Ada Lovelace &lt;ada@example.org&gt;" in html
