"""Any POST, however malformed, gets a form error (400) or a redirect, never a 500.

Every page with a formset is posted with its management form missing, with a TOTAL_FORMS
that is not a number, with an absurd TOTAL_FORMS, and with random garbage fields; nothing
may be saved half-way (the counts of every affected table stay the same).
"""

import random
import string

import pytest
from django.test import Client
from django.urls import reverse

from submissions.models import Authorship, Submission
from tests import factories
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data
from tests.workshops.payloads import edit_payload
from workshops.models import (
    ImportantDate,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploads go to the test's own folder."""


def without_management(data: dict, prefix: str) -> dict:
    return {k: v for k, v in data.items() if not k.startswith(f"{prefix}-") or "FORMS" not in k}


def tampered(data: dict, prefixes: list[str], case: str) -> dict:
    data = dict(data)
    rng = random.Random(f"{case}-{'-'.join(prefixes)}")
    for prefix in prefixes:
        if case == "missing":
            data = without_management(data, prefix)
        elif case == "not-a-number":
            data[f"{prefix}-TOTAL_FORMS"] = "abc"
            data[f"{prefix}-INITIAL_FORMS"] = "x1"
        elif case == "huge":
            data[f"{prefix}-TOTAL_FORMS"] = "100000"
            data[f"{prefix}-INITIAL_FORMS"] = "100000"
        elif case == "negative":
            data[f"{prefix}-TOTAL_FORMS"] = "-5"
            data[f"{prefix}-INITIAL_FORMS"] = "-1"
        elif case == "garbage":
            for key in list(data):
                if key.startswith(f"{prefix}-"):
                    data[key] = "".join(rng.choices(string.printable, k=rng.randint(0, 40)))
            for _ in range(20):
                name = f"{prefix}-{rng.randint(-3, 3000)}-" + "".join(
                    rng.choices(string.ascii_letters + "_-", k=rng.randint(1, 12))
                )
                data[name] = "".join(rng.choices(string.printable, k=rng.randint(0, 40)))
    return data


CASES = ["missing", "not-a-number", "huge", "negative", "garbage"]


def counts(*models) -> dict:
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def call(db):
    workshop = factories.WorkshopFactory(code_of_conduct_url="", dual_submission_allowed=True)
    factories.ImportantDateFactory(workshop=workshop)  # the paper deadline, in two weeks
    factories.SubmissionTypeFactory(workshop=workshop)
    factories.TopicFactory(workshop=workshop)
    return workshop


@pytest.fixture
def author(call):
    user = factories.UserFactory(full_name="Ada Lovelace", email="ada@analytical.example")
    client = Client()
    client.force_login(user)
    return user, client


def submission_payload(call) -> dict:
    return form_data(
        call,
        pdf=make_pdf(3),
        token=None,
        authors=[{"name": "Ada Lovelace", "email": "ada@analytical.example"}],
    )


@pytest.mark.parametrize("case", CASES)
def test_submission_create_refuses_a_tampered_authors_formset(call, author, case):
    _, client = author
    url = reverse("submissions:create", kwargs={"slug": call.slug})
    before = counts(Submission, Authorship)

    response = client.post(url, tampered(submission_payload(call), ["authors"], case))

    assert response.status_code == 400
    assert "Nothing has been saved" in response.content.decode()
    assert counts(Submission, Authorship) == before


@pytest.mark.parametrize("case", CASES)
def test_submission_edit_refuses_a_tampered_authors_formset(call, author, case):
    user, client = author
    created = client.post(
        reverse("submissions:create", kwargs={"slug": call.slug}), submission_payload(call)
    )
    assert created.status_code == 302
    submission = Submission.objects.get()
    url = reverse("submissions:edit", args=[call.slug, submission.number])
    data = tampered(submission_payload(call) | {"title": "Changed"}, ["authors"], case)

    response = client.post(url, data)

    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.title != "Changed"
    assert list(submission.authors.values_list("email", flat=True)) == [user.email]


@pytest.fixture
def chair_client(call):
    chair = factories.member(call, "chair", full_name="Carla Chair")
    factories.PersonFactory(workshop=call)
    factories.ReviewCriterionFactory(workshop=call)
    client = Client()
    client.force_login(chair)
    return client


CALL_MODELS = (
    Workshop,
    ImportantDate,
    Topic,
    SubmissionType,
    ReviewCriterion,
    Person,
)
CALL_PREFIXES = ["dates", "topics", "types", "criteria", "people"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("prefix", CALL_PREFIXES)
def test_workshop_edit_refuses_tampered_formsets(call, chair_client, case, prefix):
    # Each list of the call is a section of the edit page, saved on its own.
    url = reverse("workshops:edit_section", kwargs={"slug": call.slug, "section": prefix})
    payload = edit_payload(chair_client.get(url))
    before = counts(*CALL_MODELS)
    version = Workshop.objects.get(pk=call.pk).version

    response = chair_client.post(url, tampered(payload, [prefix], case))

    assert response.status_code < 500
    assert response.status_code != 302, "a tampered formset must not be saved"
    assert counts(*CALL_MODELS) == before
    assert Workshop.objects.get(pk=call.pk).version == version


@pytest.mark.parametrize("case", CASES)
def test_review_criteria_refuse_a_tampered_formset(call, chair_client, case):
    url = reverse("reviews:criteria", kwargs={"slug": call.slug})
    formset = chair_client.get(url).context["formset"]
    payload = {
        f"form-{k}": v
        for k, v in {
            "TOTAL_FORMS": str(formset.total_form_count()),
            "INITIAL_FORMS": str(formset.initial_form_count()),
        }.items()
    }
    for i, form in enumerate(formset.forms):
        if form.instance.pk:
            payload[f"form-{i}-id"] = str(form.instance.pk)
        payload[f"form-{i}-name"] = "Renamed"
    before = list(ReviewCriterion.objects.values_list("pk", "name"))

    response = chair_client.post(url, tampered(payload, ["form"], case))

    assert response.status_code < 500
    assert response.status_code != 302
    assert list(ReviewCriterion.objects.values_list("pk", "name")) == before
