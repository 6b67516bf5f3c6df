"""The compact bidding page: one click per bid, saved at once, filters that stay in the URL."""

from django.urls import reverse

from reviews.enums import Phase
from reviews.models import Bid, Conflict, ReviewerProfile
from tests import factories as base
from tests.scenarios import set_phase


def bids_url(scenario, query=""):
    url = reverse("reviews:bids", args=[scenario.workshop.slug])
    return f"{url}?{query}" if query else url


def bid_url(scenario, number):
    return reverse("reviews:bid", args=[scenario.workshop.slug, number])


def test_bid_click_with_htmx_returns_only_the_updated_row(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)

    response = client.post(bid_url(scenario, 2), {"preference": "eager"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<li class="bid-row" id="paper-2">')
    assert "<html" not in body
    assert 'value="eager" class="bid-choice bid-eager"\n              aria-pressed="true"' in body
    assert "Saved: Eager." in body
    assert Bid.objects.get(reviewer=scenario.unassigned).preference == "eager"


def test_bid_click_without_javascript_redirects_back_to_the_filtered_list(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)

    response = client.post(bid_url(scenario, 2), {"preference": "willing", "query": "show=open"})

    assert response.status_code == 302
    assert response.url == bids_url(scenario, "show=open") + "#paper-2"
    assert Bid.objects.get(reviewer=scenario.unassigned).preference == "willing"


def test_changing_a_bid_keeps_one_bid_per_paper(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)

    client.post(bid_url(scenario, 2), {"preference": "eager"}, HTTP_HX_REQUEST="true")
    client.post(bid_url(scenario, 2), {"preference": "not_willing"}, HTTP_HX_REQUEST="true")

    assert list(Bid.objects.values_list("preference", flat=True)) == ["not_willing"]


def test_unknown_bid_is_refused_in_the_row_and_nothing_saved(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)

    response = client.post(bid_url(scenario, 2), {"preference": "maybe"}, HTTP_HX_REQUEST="true")

    assert "Choose one of the bids." in response.content.decode()
    assert not Bid.objects.exists()


def test_conflict_is_declared_on_purpose_and_removes_the_row(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)
    page = client.get(bids_url(scenario)).content.decode()
    # The one-click bids never include the conflict: it has its own, explicit button.
    assert 'class="bid-choice bid-conflict"' not in page
    assert "Declare a conflict with #2" in page

    response = client.post(bid_url(scenario, 2), {"preference": "conflict"}, HTTP_HX_REQUEST="true")

    assert "no longer in your list" in response.content.decode()
    assert Conflict.objects.filter(user=scenario.unassigned, submission__number=2).exists()
    assert "Poisoning at scale" not in client.get(bids_url(scenario)).content.decode()


def test_filter_by_topic_and_by_papers_without_a_bid(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    extra = base.SubmissionFactory(
        workshop=scenario.workshop, number=3, title="Certified defences", submitted=True
    )
    extra.topics.set([scenario.topics[0]])
    scenario.other_paper.topics.set([scenario.topics[1]])
    client = login(scenario.unassigned)
    client.post(bid_url(scenario, 3), {"preference": "eager"})

    by_topic = client.get(bids_url(scenario, f"topic={scenario.topics[1].pk}")).content.decode()
    assert "Poisoning at scale" in by_topic and "Certified defences" not in by_topic

    open_only = client.get(bids_url(scenario, "show=open")).content.decode()
    assert "Poisoning at scale" in open_only and "Certified defences" not in open_only
    assert "You have bid on <strong>1</strong> of" in open_only


def test_bidding_page_lists_profile_topics_first(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    scenario.other_paper.topics.set([scenario.topics[1]])
    profile = ReviewerProfile.objects.create(workshop=scenario.workshop, user=scenario.unassigned)
    profile.topics.set([scenario.topics[1]])

    body = login(scenario.unassigned).get(bids_url(scenario)).content.decode()

    assert "1 of your topic" in body
    assert body.index("Poisoning at scale") < body.index("Robust training under label noise")


def test_bid_row_for_another_reviewers_conflicted_paper_is_404(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.conflicted_reviewer)

    response = client.post(bid_url(scenario, 1), {"preference": "eager"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert not Bid.objects.exists()
