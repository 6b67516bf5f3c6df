"""Every role's main pages in a real Chromium under the site's Content-Security-Policy: the
header is there and the browser reports no violation (no inline script, no style attribute, no
resource from elsewhere)."""

import pytest
from django.urls import reverse

from tests import factories as base
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium fires ``securitypolicyviolation`` on the document for every refused script, style,
# image or form target, and also logs "Refused to ... Content Security Policy" to the console.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile
                    + ':' + e.lineNumber);
});
"""


@pytest.fixture
def csp_page(page):
    """``page`` with two ears for violations; ``visit(url)`` loads a page and returns what the
    browser refused there (console messages and events)."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(COLLECT_VIOLATIONS)

    def visit(url: str) -> list[str]:
        console.clear()
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        assert "default-src 'self'" in response.headers.get("content-security-policy", ""), url
        page.wait_for_load_state("load")
        return console + page.evaluate("window.__csp")

    page.visit = visit
    return page


def visit_all(page, urls) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        violations = page.visit(url)
        if violations:
            found[url] = violations
    return found


def test_the_listener_hears_a_violation(csp_page):
    """The ears work: a style attribute added to a page is refused and reported."""
    assert csp_page.visit("/") == []
    csp_page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
    )
    csp_page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in csp_page.evaluate("window.__csp")[0]


def test_main_pages_of_every_role_raise_no_violation(csp_page, login, live_server):
    scenario = flows.review_scenario()
    workshop, paper = scenario.workshop, scenario.paper
    call = flows.open_call()
    slug, number = workshop.slug, paper.number
    admin = base.UserFactory(email="root@site.example", is_staff=True, is_superuser=True)

    anonymous = [
        "/",
        reverse("workshops:detail", args=[slug]),
        reverse("workshops:detail", args=[call.slug]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    assert visit_all(csp_page, anonymous) == {}

    login(scenario.author.email, base.PASSWORD)
    author = [
        reverse("submissions:dashboard"),
        reverse("submissions:create", args=[call.slug]),
        reverse("submissions:detail", args=[slug, number]),
        reverse("accounts:profile"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),  # the QR code is a data: image
    ]
    assert visit_all(csp_page, author) == {}
    flows.snap(csp_page, "csp-author-form")

    csp_page.context.clear_cookies()
    login(scenario.reviewer.email, base.PASSWORD)
    reviewer = [
        reverse("reviews:home"),
        reverse("reviews:workshop", args=[slug]),
        reverse("reviews:profile", args=[slug]),
        reverse("reviews:paper", args=[slug, number]),
        reverse("reviews:review_edit", args=[slug, number]),
    ]
    assert visit_all(csp_page, reviewer) == {}

    csp_page.context.clear_cookies()
    login(scenario.chair.email, base.PASSWORD)
    chair = [
        reverse("reviews:manage", args=[slug]),
        reverse("reviews:manage_settings", args=[slug]),
        reverse("reviews:committee", args=[slug]),
        reverse("reviews:criteria", args=[slug]),
        reverse("reviews:conflicts", args=[slug]),
        reverse("reviews:manage_paper", args=[slug, number]),
        reverse("reviews:decisions", args=[slug]),
        reverse("reviews:templates", args=[slug]),
        reverse("reviews:outbox", args=[slug]),
        reverse("autoassign:index", args=[slug]),
        reverse("submissions:manage_list", args=[slug]),
        reverse("submissions:edit", args=[slug, number]),  # the author formset
        reverse("workshops:manage", args=[slug]),
        reverse("workshops:edit", args=[slug]),
    ]
    assert visit_all(csp_page, chair) == {}

    csp_page.context.clear_cookies()
    login(admin.email, base.PASSWORD)
    site_admin = [
        "/admin/",
        "/admin/submissions/submission/",
        f"/admin/submissions/submission/{paper.pk}/change/",
        "/admin/workshops/workshop/add/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.pk}/change/",
    ]
    assert visit_all(csp_page, site_admin) == {}
