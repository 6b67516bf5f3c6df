"""The chairs' exports page: CSV and JSON downloads, the proceedings order and bundle.

Chairs only (``submissions.manage_submissions``: anonymous → login, others → 403, or 404 when
they cannot even see the workshop), and every file holds only the papers the chair may manage.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from workshops.concurrency import EditConflict
from workshops.files import file_response
from workshops.views.mixins import workshop_permission_required

from .. import proceedings
from ..exports import DATASETS, dataset_response

CHAIR_PERMISSION = "submissions.manage_submissions"


@require_safe
@workshop_permission_required(CHAIR_PERMISSION)
def index(request, workshop):
    bundle = proceedings.plan(workshop, request.user)
    return render(
        request,
        "publication/exports.html",
        {
            "workshop": workshop,
            "datasets": DATASETS.values(),
            "bundle": bundle,
            "fingerprint": proceedings.order_fingerprint(bundle.papers),
        },
    )


@require_safe
@workshop_permission_required(CHAIR_PERMISSION)
def download(request, workshop, dataset, fmt):
    if dataset not in DATASETS or fmt not in ("csv", "json"):
        raise Http404("No such export.")
    return dataset_response(workshop, request.user, DATASETS[dataset], fmt)


@require_safe
@workshop_permission_required(CHAIR_PERMISSION)
def bundle(request, workshop):
    """The proceedings zip, or back to the exports page saying why it cannot be built."""
    ready = proceedings.plan(workshop, request.user)
    if not ready.ready:
        for problem in ready.problems:
            messages.error(request, problem)
        return redirect("exports:index", workshop.slug)
    archive = proceedings.build_bundle(workshop, ready.papers)
    return file_response(
        archive,
        filename=f"{workshop.slug}-proceedings.zip",
        content_type="application/zip",
    )


@require_POST
@workshop_permission_required(CHAIR_PERMISSION)
def order(request, workshop):
    positions = {}
    for key, value in request.POST.items():
        if key.startswith("position-") and key[9:].isdigit():
            try:
                positions[int(key[9:])] = int(value)
            except ValueError:
                messages.error(request, "Places are whole numbers: nothing was saved.")
                return redirect("exports:index", workshop.slug)
    try:
        moved = proceedings.set_order(
            workshop,
            by=request.user,
            positions=positions,
            fingerprint=request.POST.get("fingerprint", ""),
        )
    except PermissionError:
        messages.error(
            request,
            "You have a conflict of interest with an accepted paper: another chair must set "
            "the order. Nothing was saved.",
        )
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(
            request,
            f"Proceedings order saved ({moved} paper{'s' if moved != 1 else ''} moved)."
            if moved
            else "The order was already so: nothing changed.",
        )
    return redirect("exports:index", workshop.slug)
