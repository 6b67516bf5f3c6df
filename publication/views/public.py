"""The public accepted papers: their page, the camera-ready PDFs, and the chairs' switch that
publishes them. Nothing here is public before a chair publishes the list (404)."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from submissions.permissions import managed_by
from workshops import page_cache
from workshops.concurrency import EditConflict
from workshops.files import PRIVATE, PUBLIC, REVALIDATE, cache_for, file_response
from workshops.models import Workshop
from workshops.views.mixins import VIEW_PERMISSION, workshop_permission_required

from ..accepted import accepted_submissions, printed_title
from ..publishing import (
    may_post_pdf,
    outcome_label,
    pdf_filename,
    public_papers,
    set_accepted_published,
    set_publish_papers,
    settings_of,
)

CHAIR_PERMISSION = "submissions.manage_submissions"


def _visible_workshop(request, slug):
    workshop = Workshop.objects.filter(slug=slug).first()
    if workshop is None or not request.user.has_perm(VIEW_PERMISSION, workshop):
        raise Http404("No such workshop.")
    return workshop


def _published_settings(workshop):
    settings = settings_of(workshop)
    if settings is None or not settings.accepted_published:
        raise Http404("The accepted papers are not published.")
    return settings


@require_safe
@page_cache.public_page
def accepted_list(request, slug):
    """The accepted papers of a workshop, once a chair has published them."""
    workshop = _visible_workshop(request, slug)
    settings = _published_settings(workshop)
    page_cache.note(request, page_cache.workshop_scope(workshop.pk))
    return render(
        request,
        "publication/public/accepted.html",
        {"workshop": workshop, "papers": public_papers(workshop, settings)},
    )


@require_safe
def paper_pdf(request, slug, number):
    """The latest camera-ready PDF of a published accepted paper, when the workshop publishes
    its papers; 404 for everything else (another version, a rejected paper, before publication)."""
    workshop = _visible_workshop(request, slug)
    settings = _published_settings(workshop)
    if not settings.publish_papers:
        raise Http404("The workshop does not publish its papers.")
    submission = (
        accepted_submissions(workshop)
        .prefetch_related("terms_acceptances")
        .filter(number=number)
        .first()
    )
    if submission is None or not may_post_pdf(settings, submission):
        raise Http404("No such paper.")
    camera_ready = submission.current_camera_ready
    filename = pdf_filename(workshop, submission)
    # The same URL serves every version (and stops serving a withdrawn or unpublished paper):
    # caches revalidate each time, against an ETag of the file's content and download name.
    cache_control = REVALIDATE if cache_for(workshop) == PUBLIC else PRIVATE
    etag = '"{}"'.format(
        hashlib.sha256(f"{camera_ready.sha256}:{filename}".encode()).hexdigest()[:40]
    )
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = file_response(
            camera_ready.file.open("rb"),
            filename=filename,
            content_type="application/pdf",
            inline=True,
            cache_control=cache_control,
        )
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def _published(workshop, value, **kwargs):
    return set_accepted_published(workshop, publish=value, **kwargs)


def _papers(workshop, value, **kwargs):
    return set_publish_papers(workshop, publish_papers=value, **kwargs)


# action -> (service, value, message when done, message when it was so already)
MANAGE_ACTIONS = {
    "publish": (_published, True, "The accepted papers are now public.", "Already public."),
    "unpublish": (
        _published,
        False,
        "The accepted papers are no longer public.",
        "Already hidden.",
    ),
    "link_pdfs": (
        _papers,
        True,
        "The camera-ready PDFs are now linked from the list.",
        "Already linked.",
    ),
    "unlink_pdfs": (
        _papers,
        False,
        "The camera-ready PDFs are no longer linked.",
        "Already not linked.",
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@workshop_permission_required(CHAIR_PERMISSION)
def manage(request, workshop):
    """The chairs' page: what the public list shows (the papers this chair may see) and the
    button that publishes it or takes it down."""
    settings = settings_of(workshop)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in MANAGE_ACTIONS:
            messages.error(request, "Unknown action: nothing was changed.")
            return redirect("accepted:manage", workshop.slug)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        change, value, done, already = MANAGE_ACTIONS[action]
        try:
            changed = change(workshop, value, by=request.user, version=version)
        except EditConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("accepted:manage", workshop.slug)
        messages.success(request, done if changed else already)
        return redirect("accepted:manage", workshop.slug)
    papers = managed_by(request.user, accepted_submissions(workshop))
    rows = [
        {
            "number": s.number,
            "title": printed_title(s),
            "outcome": outcome_label(s) or "Accepted",
            "camera_ready": s.current_camera_ready,
        }
        for s in papers
    ]
    return render(
        request,
        "publication/manage_accepted.html",
        {
            "workshop": workshop,
            "settings": settings,
            "published": bool(settings and settings.accepted_published),
            "version": settings.version if settings else 0,
            "rows": rows,
        },
    )
