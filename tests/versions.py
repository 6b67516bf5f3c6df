"""Reading what an edit page sent to the browser, as a second browser tab would hold it."""

import re

from django.test import Client


def hidden_version(response, name="version") -> str:
    """The version number in the page's hidden field ``name`` (the last one on the page); ""
    when the page has none (a browser then posts nothing for it)."""
    found = re.findall(rf'name="{re.escape(name)}" value="(\d+)"', response.content.decode())
    return found[-1] if found else ""


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
