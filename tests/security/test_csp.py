"""The Content-Security-Policy header: present on every kind of page, and strict (no inline
script, no inline style, nothing may frame the site). That the site's own pages satisfy it in a
real browser is tested in ``tests/browser/test_csp.py``."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from submissions.forms import AuthorFormSet
from tests import factories as base

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.django_db
def test_public_pages_carry_the_policy(client):
    workshop = base.WorkshopFactory()
    for url in (
        "/",
        reverse("workshops:detail", args=[workshop.slug]),
        reverse("account_login"),
        reverse("account_signup"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == POLICY, url


@pytest.mark.django_db
def test_signed_in_pages_and_admin_carry_the_policy(client):
    workshop = base.WorkshopFactory()
    chair = base.member(workshop, "chair", is_staff=True, is_superuser=True)
    client.force_login(chair)
    for url in (
        reverse("submissions:dashboard"),
        reverse("reviews:manage", args=[workshop.slug]),
        reverse("reviews:committee", args=[workshop.slug]),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == POLICY, url


def test_no_template_or_widget_writes_a_style_attribute():
    """Style attributes are refused by ``style-src 'self'``: templates use classes instead,
    and so does the author form's position field (it had ``style="max-width:5rem"``)."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if re.search(r"\bstyle=|<style|<script>|\bon[a-z]+=", path.read_text())
    ]
    assert offenders == []
    assert "style=" not in str(AuthorFormSet(prefix="authors"))


ORCID_FORM_ACTION = """
import json
from django.conf import settings
print(json.dumps(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]))
"""


def test_orcid_sign_in_may_leave_for_orcid(tmp_path):
    """allauth's ORCID button posts here and is redirected to ORCID: browsers apply
    form-action to that redirect, so ORCID's domain is allowed when (and only when) it is on."""
    from tests.accounts.test_security import django_shell

    assert json.loads(django_shell(ORCID_FORM_ACTION, tmp_path)) == ["'self'"]
    with_orcid = django_shell(
        ORCID_FORM_ACTION,
        tmp_path,
        ORCID_CLIENT_ID="APP-TEST0000000000",
        ORCID_BASE_DOMAIN="sandbox.orcid.org",
    )
    assert json.loads(with_orcid) == ["'self'", "https://sandbox.orcid.org"]
