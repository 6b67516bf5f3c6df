"""The chairs' camera-ready pages: one table of the accepted papers they manage, the one-click
reminder, a paper's own camera-ready deadline, and the publication settings."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from submissions.permissions import managed_by
from submissions.views.common import get_submission, get_workshop
from workshops.concurrency import EditConflict, saved_values
from workshops.tables import Column, Table

from ..accepted import accepted_submissions, camera_ready_of
from ..camera_forms import CameraDeadlineForm, PublicationSettingsForm
from ..models import PublicationSettings, TermsAcceptance
from ..services import camera_ready, reminders, terms
from ..services.camera_ready import CameraReadyError


def _managed_workshop(request, slug):
    workshop = get_workshop(slug)
    if not request.user.has_perm("submissions.manage_submissions", workshop):
        if request.user.has_perm("workshops.view_workshop", workshop):
            raise PermissionDenied("Only the workshop's chairs can manage the camera-ready.")
        raise Http404("No such workshop.")
    return workshop


COLUMNS = [
    Column("number", "#", sort="number", numeric=True),
    Column("title", "Title", sort="title"),
    Column("outcome", "Outcome", sort="outcome", optional=True),
    Column("pdf", "Camera-ready", sort="pdf"),
    Column("pages", "Pages", numeric=True, optional=True),
    Column("terms", "Terms", sort="terms"),
    Column("metadata", "Metadata", sort="metadata"),
    Column("material", "Material", optional=True),
    Column("deadline", "Deadline", sort="deadline", optional=True),
    Column("updated", "Last change", sort="updated"),
    Column("actions", "Actions"),
]


def _sorts():
    import datetime as dt

    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return {
        "number": lambda r: r["submission"].number,
        "title": lambda r: (r["title"].lower(), r["submission"].number),
        "outcome": lambda r: (r["outcome"], r["submission"].number),
        "pdf": lambda r: (r["pdf"] is not None, r["submission"].number),
        "terms": lambda r: (r["acceptance"] is not None, r["submission"].number),
        "metadata": lambda r: (r["confirmed"], r["submission"].number),
        "deadline": lambda r: (r["deadline"] or epoch, r["submission"].number),
        "updated": lambda r: (r["updated"] or epoch, r["submission"].number),
    }


def table_rows(workshop, user) -> list[dict]:
    """One row per accepted paper ``user`` manages, in a constant number of queries."""
    settings = camera_ready.settings_of(workshop)
    papers = managed_by(
        user,
        accepted_submissions(workshop)
        .select_related("camera_ready__confirmed_by", "workshop")
        .prefetch_related(
            "workshop__dates",
            Prefetch("terms_acceptances", queryset=TermsAcceptance.objects.select_related("user")),
        ),
    )
    needs_terms = terms.terms_required(settings)
    rows = []
    for paper in papers:
        final = camera_ready_of(paper)
        pdf = paper.current_camera_ready
        slides = paper._latest_file("slides")
        poster = paper._latest_file("poster")
        acceptance = terms.current_acceptance(paper, settings) if needs_terms else None
        stamps = [
            s
            for s in (
                final.updated_at if final else None,
                pdf.uploaded_at if pdf else None,
                slides.uploaded_at if slides else None,
                poster.uploaded_at if poster else None,
                *(t.accepted_at for t in paper.terms_acceptances.all()),
            )
            if s
        ]
        rows.append(
            {
                "submission": paper,
                "title": final.title
                if final and final.confirmed_at and final.title
                else paper.title,
                "outcome": paper.decision.get_outcome_display(),
                "pdf": pdf,
                "acceptance": acceptance,
                "needs_terms": needs_terms,
                "final": final,
                "confirmed": bool(final and final.confirmed_at),
                "slides": slides,
                "poster": poster,
                "video": final.video_url if final else "",
                "materials": camera_ready.materials_for(paper, settings),
                "deadline": camera_ready.camera_ready_deadline(paper),
                "own_deadline": bool(final and final.deadline_override),
                "updated": max(stamps) if stamps else None,
                "missing": camera_ready.missing_items(paper, settings),
            }
        )
    return rows


@login_required
def camera_table(request, slug):
    workshop = _managed_workshop(request, slug)
    table = Table(
        request, name="camera_ready", columns=COLUMNS, sorts=_sorts(), default_sort="number"
    )
    rows = table_rows(workshop, request.user)
    total = len(rows)
    missing_count = sum(1 for r in rows if r["missing"])
    show = request.GET.get("show", "")
    if show == "missing":
        rows = [r for r in rows if r["missing"]]
    elif show == "complete":
        rows = [r for r in rows if not r["missing"]]
    page = table.paginate(table.sort_list(rows))
    return render(
        request,
        "publication/camera_ready_table.html",
        {
            "workshop": workshop,
            "table": table,
            "page": page,
            "rows": list(page),
            "total": total,
            "missing_count": missing_count,
            "show": show,
            "settings": camera_ready.settings_of(workshop),
            "workshop_deadline": camera_ready.workshop_deadline(workshop),
            "reminder_id": uuid.uuid4(),
        },
    )


@login_required
@require_POST
def camera_remind(request, slug):
    workshop = _managed_workshop(request, slug)
    try:
        papers, mails = reminders.remind_missing(
            workshop, by=request.user, reminder_id=request.POST.get("reminder", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if papers:
            messages.success(
                request,
                f"Reminder queued for {papers} paper{'s' if papers != 1 else ''} "
                f"({mails} e-mail{'s' if mails != 1 else ''}). Clicking again on this same page "
                "sends nothing twice.",
            )
        else:
            messages.info(request, "Every camera-ready is complete: nobody was reminded.")
    return redirect("publication:camera_table", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def camera_deadline(request, slug, number):
    submission = get_submission(request, slug, number, perm="submissions.manage_submissions")
    workshop = submission.workshop
    if not camera_ready.is_released_accept(submission):
        messages.error(
            request, "Only accepted papers with a released decision have a camera-ready."
        )
        return redirect(submission.get_absolute_url())
    final = camera_ready_of(submission)
    initial = {}
    if final is not None and final.deadline_override:
        initial["deadline"] = final.deadline_override.astimezone(workshop.tzinfo).replace(
            tzinfo=None
        )
    form = CameraDeadlineForm(
        request.POST if request.method == "POST" else None, initial=initial, workshop=workshop
    )
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["deadline"]
        try:
            camera_ready.set_deadline_override(submission, new, by=request.user)
        except CameraReadyError as exc:
            messages.error(request, f"{exc} Nothing was changed.")
            return redirect("publication:camera_deadline", slug=slug, number=number)
        if new:
            messages.success(
                request,
                f"Paper #{submission.number} may send its camera-ready until "
                f"{camera_ready.format_deadline(new, workshop)}; its authors were told.",
            )
        else:
            messages.success(
                request, "The paper follows the workshop's camera-ready deadline again."
            )
        return redirect("publication:camera_table", slug=slug)
    return render(
        request,
        "publication/camera_ready_deadline.html",
        {
            "workshop": workshop,
            "submission": submission,
            "form": form,
            "workshop_deadline": camera_ready.workshop_deadline(workshop),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication_settings(request, slug):
    workshop = _managed_workshop(request, slug)
    instance = PublicationSettings.objects.filter(workshop=workshop).first() or PublicationSettings(
        workshop=workshop
    )
    form = PublicationSettingsForm(
        request.POST if request.method == "POST" else None, instance=instance, workshop=workshop
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                terms.save_settings(form, by=request.user, page_limits=form.page_limits())
            except EditConflict as conflict:
                current = PublicationSettings.objects.filter(workshop=workshop).first()
                form.refuse(conflict, saved_values(form, current))
                status = 409
            else:
                messages.success(request, "Camera-ready and publication settings saved.")
                return redirect("publication:publication_settings", slug=slug)
        else:
            messages.error(request, "Please correct the errors below. Nothing was saved.")
            status = 400
    return render(
        request,
        "publication/camera_ready_settings.html",
        {"workshop": workshop, "form": form},
        status=status,
    )
