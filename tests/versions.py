"""Reading what an edit page sent to the browser, as a second browser tab would hold it."""

import re

from django.test import Client


def hidden_version(response, name="version") -> str:
    """The version number in the page's hidden field ``name`` (the last one, for pages with
    several forms the caller names by prefix)."""
    found = re.findall(rf'name="{re.escape(name)}" value="(\d+)"', response.content.decode())
    assert found, f"no hidden {name} field in the page"
    return found[-1]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
