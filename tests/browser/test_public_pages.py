import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_index_lists_a_published_workshop_and_links_to_its_page(page):
    workshop = factories.WorkshopFactory(name="Workshop on Browser Testing")

    page.goto("/")
    page.get_by_role("link", name="Workshop on Browser Testing").click()

    page.wait_for_url(f"**/w/{workshop.slug}/")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Workshop on Browser Testing")
    )
