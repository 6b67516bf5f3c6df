"""The permission helpers other apps reuse: same answers for class and function views."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View

from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from workshops.views.mixins import WorkshopPermissionMixin, workshop_permission_required


class ChairOnly(WorkshopPermissionMixin, View):
    permission_required = "workshops.change_workshop"

    def get(self, request, slug):
        return HttpResponse(f"ok {self.workshop.slug}")


@workshop_permission_required("workshops.change_workshop")
def chair_only(request, workshop):
    return HttpResponse(f"ok {workshop.slug}")


def call(view, user, slug):
    request = RequestFactory().get(f"/w/{slug}/x/")
    request.user = user
    return view(request, slug=slug)


VIEWS = [ChairOnly.as_view(), chair_only]


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
def test_helpers_let_the_chair_in_with_the_workshop_loaded(view):
    workshop = WorkshopFactory(is_published=False)
    chair = UserFactory()
    MembershipFactory(workshop=workshop, user=chair, role="chair")

    response = call(view, chair, workshop.slug)

    assert response.content.decode() == f"ok {workshop.slug}"


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
def test_helpers_redirect_anonymous_to_login(view):
    response = call(view, AnonymousUser(), WorkshopFactory().slug)

    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("published", "error"), [(True, PermissionDenied), (False, Http404)])
def test_helpers_refuse_others_with_403_or_404(view, published, error):
    workshop = WorkshopFactory(is_published=published)

    with pytest.raises(error):
        call(view, UserFactory(), workshop.slug)


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
def test_helpers_404_on_unknown_slug(view):
    with pytest.raises(Http404):
        call(view, UserFactory(), "no-such-slug")
