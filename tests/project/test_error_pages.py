"""The error pages: in the site's layout, no traceback or settings, a hint after a failed form,
and a database outage answered with a 503 (Retry-After) and one log line.

The outage is real: on PostgreSQL the test either terminates the request's database session
from a second connection (``pg_terminate_backend``) or points the connection at a closed port,
and the next request runs into it.
"""

import io
import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.template import loader
from django.test import Client
from django.urls import reverse

from config.logging import ClientErrorsWithoutTraceback
from submissions.models import Submission
from tests import factories
from tests.submissions.helpers import form_data

SECRET_MARKERS = ("Traceback", "SECRET_KEY", "DATABASES", "settings.py", 'File "')


@contextmanager
def console_log():
    """What the site's configured console handler writes (the one production logs go to)."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsWithoutTraceback) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def assert_friendly(response, heading: str) -> str:
    page = response.content.decode()
    assert heading in page
    assert "/static/css/site.css" in page  # the site's layout
    assert 'class="site-header"' in page
    for marker in SECRET_MARKERS:
        assert marker not in page
    return page


@pytest.mark.django_db
def test_404_is_the_sites_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert_friendly(response, "Page not found")


@pytest.mark.django_db
def test_403_is_the_sites_page_and_logs_one_line(client):
    workshop = factories.WorkshopFactory()
    client.force_login(factories.UserFactory())
    with console_log() as log:
        response = client.get(reverse("submissions:manage_list", args=[workshop.slug]))

    assert response.status_code == 403
    assert_friendly(response, "You may not do this")
    lines = log.getvalue().strip().splitlines()
    assert lines == [f"Forbidden (Permission denied): /submissions/{workshop.slug}/manage/"]


@pytest.mark.django_db
def test_csrf_failure_says_nothing_was_saved(client):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.UserFactory())
    response = client.post(reverse("accounts:profile"), {})
    assert response.status_code == 403
    page = assert_friendly(response, "This form could not be accepted")
    assert "Nothing was saved" in page


def test_500_renders_with_an_empty_context():
    """What Django's own ``server_error`` does: no request, no context processors."""
    page = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in page
    assert "site.css" in page


def test_400_and_503_render_without_a_request():
    assert "could not be understood" in loader.get_template("400.html").render({})
    assert "briefly unavailable" in loader.get_template("503.html").render({})


# --- The database goes away ------------------------------------------------------------------

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="breaks a real PostgreSQL connection"
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_down(how: str):
    """The database is unreachable for the requests made inside the block."""
    if how == "terminated":
        # The server ends this process's session, as on a restart or failover.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        import psycopg2

        params = connection.get_connection_params()
        other = psycopg2.connect(**params)
        other.autocommit = True
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        try:
            yield
        finally:
            connection.close()
    else:
        # The server is not there at all: connecting is refused.
        connection.close()
        saved = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
        connection.settings_dict["PORT"] = closed_port()
        connection.settings_dict["HOST"] = "127.0.0.1"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"], connection.settings_dict["HOST"] = saved


@pg_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["terminated", "refused"])
def test_database_down_is_a_503_with_retry_after_logged_once(how):
    client = Client(raise_request_exception=False)
    user = factories.UserFactory()
    client.force_login(user)

    with console_log() as log, database_down(how):
        response = client.get(reverse("submissions:dashboard"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = assert_friendly(response, "The site is briefly unavailable")
    assert "Were you sending a form?" not in page
    lines = log.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Database unavailable: GET /submissions/ answered 503")
    # Once the database is back the site works again.
    assert client.get(reverse("submissions:dashboard")).status_code == 200


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_form_posted_while_the_database_is_down_says_what_to_check():
    workshop = factories.WorkshopFactory(code_of_conduct_url="", dual_submission_allowed=True)
    factories.ImportantDateFactory(workshop=workshop)
    factories.SubmissionTypeFactory(workshop=workshop)
    client = Client(raise_request_exception=False)
    client.force_login(factories.UserFactory(email="ada@analytical.example"))
    data = form_data(workshop, authors=[{"name": "Ada", "email": "ada@analytical.example"}])

    with database_down("refused"):
        response = client.post(reverse("submissions:create", args=[workshop.slug]), data)

    assert response.status_code == 503
    page = assert_friendly(response, "The site is briefly unavailable")
    assert "shows whether" in page and "the paper was saved" in page
    assert 'href="/submissions/"' in page
    assert not Submission.objects.exists()
