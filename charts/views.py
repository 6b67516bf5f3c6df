"""The chair's chart pages: the deadline, reviewing progress, scores and decisions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews.views.common import managed_workshop_or_404

from . import queries


def _page(request, slug, template, build, **kwargs):
    workshop = managed_workshop_or_404(request, slug)
    context = build(request.user, workshop, **kwargs)
    context["workshop"] = workshop
    return render(request, f"charts/{template}.html", context)


@login_required
@require_GET
def deadline(request, slug):
    return _page(request, slug, "deadline", queries.deadline_data)


@login_required
@require_GET
def reviewing(request, slug):
    return _page(
        request,
        slug,
        "reviewing",
        queries.reviewing_data,
        sort=request.GET.get("sort"),
        show_all=request.GET.get("all") == "1",
    )


@login_required
@require_GET
def scores(request, slug):
    return _page(
        request,
        slug,
        "scores",
        queries.scores_data,
        sort=request.GET.get("sort"),
        show_all=request.GET.get("all") == "1",
    )


@login_required
@require_GET
def decisions(request, slug):
    return _page(request, slug, "decisions", queries.decisions_data)
