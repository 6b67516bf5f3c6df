"""The chairs' review pages answer a tampered id with a 400, never a 500, and change nothing."""

import pytest
from django.urls import reverse

from reviews.models import Assignment, Conflict

ODD_IDS = ["", "abc", "-1", "1.5", "9" * 40, "1 OR 1=1"]


@pytest.mark.parametrize("value", ODD_IDS)
def test_conflict_removal_with_a_tampered_id(scenario, login, value):
    client = login(scenario.chair)
    before = Conflict.objects.active().count()
    url = reverse("reviews:conflicts", args=[scenario.workshop.slug])

    for field in ("submission", "user"):
        data = {"action": "remove", "submission": str(scenario.paper.pk)}
        data["user"] = str(scenario.conflicted_reviewer.pk)
        data[field] = value
        response = client.post(url, data)
        assert response.status_code in (400, 404), (field, response.status_code)

    assert Conflict.objects.active().count() == before


@pytest.mark.parametrize("action", ["unassign", "due"])
@pytest.mark.parametrize("value", ODD_IDS)
def test_assignment_change_with_a_tampered_id(scenario, login, action, value):
    client = login(scenario.chair)
    url = reverse("reviews:manage_paper", args=[scenario.workshop.slug, scenario.paper.number])

    response = client.post(url, {"action": action, "assignment": value, "due_at": "2030-01-01"})

    assert response.status_code in (400, 404)
    assignment = Assignment.objects.get(pk=scenario.assignment.pk)
    assert assignment.is_active
    assert assignment.due_at == scenario.assignment.due_at
