"""Loading a workshop from the URL and checking a permission on it, for every app's views.

Use ``WorkshopPermissionMixin`` in class-based views and ``workshop_permission_required`` on
function views. Both answer the same way when the permission is missing:

* anonymous visitor → redirect to the login page (whether or not the workshop exists, so the
  redirect reveals nothing);
* signed-in user who may not even see the workshop (unpublished, or no such slug) → 404;
* signed-in user who may see it but lacks the permission → 403.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ..models import Workshop

VIEW_PERMISSION = "workshops.view_workshop"


def get_workshop_or_refuse(
    request, slug: str, permission: str, *, queryset: QuerySet | None = None
):
    """The workshop with ``slug`` if ``request.user`` has ``permission`` on it.

    Returns the workshop, or a login redirect response for anonymous visitors; raises
    ``Http404`` or ``PermissionDenied`` otherwise (see the module docstring).
    """
    queryset = Workshop.objects.all() if queryset is None else queryset
    workshop = queryset.filter(slug=slug).first()
    user = request.user
    if workshop is not None and user.has_perm(permission, workshop):
        return workshop
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if workshop is None or not user.has_perm(VIEW_PERMISSION, workshop):
        raise Http404("No such workshop.")
    raise PermissionDenied


class WorkshopPermissionMixin:
    """Load ``self.workshop`` by slug and require a permission on it before the view runs.

    Put it first among the bases::

        class ReviewerListView(WorkshopPermissionMixin, TemplateView):
            permission_required = "workshops.manage_members"
            slug_url_kwarg = "slug"          # the URL keyword holding the workshop's slug

            def get_workshop_queryset(self):  # optional, e.g. to prefetch
                return Workshop.objects.with_call_data()

    Any permission name registered with ``rules`` works (``workshops.change_workshop``,
    ``submissions.…``); it is checked as ``user.has_perm(permission_required, workshop)``.
    Refusals: anonymous → login redirect, cannot see the workshop → 404, else → 403.
    ``self.workshop`` is set before ``get``/``post`` run and is added to the template
    context as ``workshop``.
    """

    permission_required: str = "workshops.change_workshop"
    slug_url_kwarg: str = "slug"
    workshop: Workshop

    def get_workshop_queryset(self) -> QuerySet:
        return Workshop.objects.all()

    def dispatch(self, request, *args, **kwargs):
        result = get_workshop_or_refuse(
            request,
            kwargs[self.slug_url_kwarg],
            self.permission_required,
            queryset=self.get_workshop_queryset(),
        )
        if not isinstance(result, Workshop):
            return result
        self.workshop = result
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("workshop", self.workshop)
        return context


def workshop_permission_required(permission: str, *, slug_url_kwarg: str = "slug", queryset=None):
    """Function-view twin of ``WorkshopPermissionMixin``; the view receives ``workshop=``.

    ::

        @workshop_permission_required("workshops.change_workshop")
        def export(request, workshop): ...
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            slug = kwargs.pop(slug_url_kwarg)
            result = get_workshop_or_refuse(request, slug, permission, queryset=queryset)
            if not isinstance(result, Workshop):
                return result
            return view(request, *args, workshop=result, **kwargs)

        return wrapped

    return decorator
