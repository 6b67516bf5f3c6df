"""The authors' camera-ready page of an accepted paper: final PDF, material, the final title,
abstract and author list, and the publication terms. Only the paper's linked authors open it
(anyone else gets a 404, like other author pages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from submissions.enums import FileKind
from submissions.models import Submission
from workshops.concurrency import EditConflict, FieldChange

from ..accepted import camera_ready_of
from ..camera_forms import FinalAuthorFormSet, MetadataForm, PdfUploadForm, TermsForm, VideoForm
from ..models import Material, TermsAcceptance
from ..services import camera_ready, terms
from ..services.camera_ready import CameraReadyError

FILE_ACTIONS = {
    "pdf": FileKind.CAMERA_READY,
    "slides": FileKind.SLIDES,
    "poster": FileKind.POSTER,
}


def author_submission(request, slug, number):
    """The paper, for one of its linked authors only; 404 for anyone else."""
    submission = (
        Submission.objects.for_lists()
        .select_related("created_by", "decision", "camera_ready")
        .prefetch_related(
            Prefetch("terms_acceptances", queryset=TermsAcceptance.objects.select_related("user"))
        )
        .filter(workshop__slug=slug, number=number)
        .first()
    )
    if submission is None or not any(
        a.user_id == request.user.pk for a in submission.authors.all()
    ):
        raise Http404("No such submission.")
    return submission


@login_required
@require_http_methods(["GET", "POST"])
def camera_ready_page(request, slug, number):
    submission = author_submission(request, slug, number)
    workshop = submission.workshop
    settings = camera_ready.settings_of(workshop)
    closed = camera_ready.closed_reason(submission)
    forms = _blank_forms(submission, settings)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if closed:
            messages.error(request, f"{closed} Nothing was saved.")
            status = 403
        else:
            response, status = _handle(request, submission, settings, action, forms)
            if response is not None:
                return response
    return render(
        request,
        "publication/camera_ready.html",
        _context(submission, settings, closed, forms),
        status=status,
    )


def _blank_forms(submission, settings) -> dict:
    title, abstract, authors = camera_ready.initial_metadata(submission)
    final = camera_ready_of(submission)
    forms = {
        "pdf": PdfUploadForm(submission=submission, kind=FileKind.CAMERA_READY, prefix="pdf"),
        "metadata": MetadataForm(
            prefix="meta",
            initial={
                "title": title,
                "abstract": abstract,
                "version": final.version if final is not None else 0,
            },
        ),
        "authors": FinalAuthorFormSet(
            prefix="authors",
            initial=[{**a, "ORDER": i + 1} for i, a in enumerate(authors)],
        ),
        "conflict": None,
    }
    if terms.terms_required(settings):
        forms["terms"] = TermsForm(
            prefix="terms",
            initial={"version": settings.terms_version, "sha256": terms.terms_sha256(settings)},
        )
    materials = camera_ready.materials_for(submission, settings)
    if Material.SLIDES in materials:
        forms["slides"] = PdfUploadForm(
            submission=submission, kind=FileKind.SLIDES, prefix="slides"
        )
    if Material.POSTER in materials:
        forms["poster"] = PdfUploadForm(
            submission=submission, kind=FileKind.POSTER, prefix="poster"
        )
    if Material.VIDEO in materials:
        forms["video"] = VideoForm(
            prefix="video", initial={"video_url": final.video_url if final else ""}
        )
    return forms


def _handle(request, submission, settings, action, forms):
    """Process one of the page's forms; (redirect, None) on success, else (None, status)."""
    back = redirect(
        "publication:camera_ready", slug=submission.workshop.slug, number=submission.number
    )
    try:
        if action in FILE_ACTIONS and action in forms:
            kind = FILE_ACTIONS[action]
            form = PdfUploadForm(
                request.POST, request.FILES, submission=submission, kind=kind, prefix=action
            )
            forms[action] = form
            if not form.is_valid() or form.checked is None:
                if form.is_valid():
                    form.add_error("file", "Choose a PDF file to upload.")
                messages.error(request, "The file was not saved: see the error below.")
                return None, 400
            stored = camera_ready.upload(
                submission, form.checked, kind=kind, by=request.user, warnings=form.warnings
            )
            if stored is None:
                messages.info(
                    request, "This is the same file as the latest version: nothing changed."
                )
            else:
                label = camera_ready.upper_first(camera_ready.FILE_KINDS[kind])
                messages.success(
                    request,
                    f"{label} version {stored.version} saved"
                    + (
                        f" ({stored.pages} page{'s' if stored.pages != 1 else ''})."
                        if stored.pages
                        else "."
                    ),
                )
                for warning in form.warnings:
                    messages.warning(request, warning)
            return back, None
        if action == "metadata":
            form = MetadataForm(request.POST, prefix="meta")
            formset = FinalAuthorFormSet(request.POST, prefix="authors")
            forms["metadata"], forms["authors"] = form, formset
            if not (form.is_valid() and formset.is_valid()):
                messages.error(request, "Please correct the errors below. Nothing was saved.")
                return None, 400
            try:
                camera_ready.confirm_metadata(
                    submission,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    abstract=form.cleaned_data["abstract"],
                    authors=formset.entries(),
                    version=form.cleaned_data.get("version"),
                )
            except EditConflict as conflict:
                forms["conflict"] = _describe_conflict(conflict, form, formset)
                data = form.data.copy()
                data[form.add_prefix("version")] = str(conflict.version)
                form.data = data
                return None, 409
            messages.success(request, "The final title, abstract and author list are confirmed.")
            return back, None
        if action == "terms" and "terms" in forms:
            form = TermsForm(request.POST, prefix="terms")
            forms["terms"] = form
            if not form.is_valid():
                messages.error(request, "Tick the box to accept the terms. Nothing was recorded.")
                return None, 400
            terms.accept_terms(
                submission,
                by=request.user,
                version=form.cleaned_data["version"],
                sha256=form.cleaned_data["sha256"],
            )
            messages.success(
                request, f"You accepted {settings.terms_title} (version {settings.terms_version})."
            )
            return back, None
        if action == "video" and "video" in forms:
            form = VideoForm(request.POST, prefix="video")
            forms["video"] = form
            if not form.is_valid():
                messages.error(request, "The video link was not saved: see the error below.")
                return None, 400
            camera_ready.set_video_url(submission, form.cleaned_data["video_url"], by=request.user)
            messages.success(request, "Video link saved.")
            return back, None
    except CameraReadyError as exc:
        text = str(exc)
        messages.error(request, text if "Nothing" in text else f"{text} Nothing was saved.")
        return None, 400
    messages.error(request, "Unknown action: nothing was saved.")
    return None, 400


def _describe_conflict(conflict, form, formset):
    final = conflict.current
    if final is not None:
        typed = {
            "Final title": form.cleaned_data["title"],
            "Final abstract": form.cleaned_data["abstract"],
            "Authors": "; ".join(f"{a.name} <{a.email}>" for a in formset.entries()),
        }
        saved = {
            "Final title": final.title,
            "Final abstract": final.abstract,
            "Authors": "; ".join(f"{a.get('name')} <{a.get('email')}>" for a in final.authors),
        }
        conflict.changes = [
            FieldChange(label=k, yours=typed[k], saved=saved[k])
            for k in typed
            if typed[k].strip() != (saved[k] or "").strip()
        ]
    return conflict


def _context(submission, settings, closed, forms) -> dict:
    workshop = submission.workshop
    deadline = camera_ready.camera_ready_deadline(submission)
    files = sorted(
        (f for f in submission.files.all() if f.kind in camera_ready.FILE_KINDS),
        key=lambda f: (f.kind, -f.version),
    )
    current = submission.current_camera_ready
    return {
        "workshop": workshop,
        "submission": submission,
        "settings": settings,
        "closed": closed,
        "deadline": deadline,
        "final": camera_ready_of(submission),
        "current": current,
        "files": files,
        "page_limit": camera_ready.page_limit(submission.submission_type),
        "forms": forms,
        "acceptance": terms.current_acceptance(submission, settings)
        if terms.terms_required(settings)
        else None,
        "earlier_acceptances": [
            t
            for t in submission.terms_acceptances.all()
            if not camera_ready.is_current_terms(t, settings)
        ],
        "missing": camera_ready.missing_items(submission, settings)
        if camera_ready.is_released_accept(submission)
        else [],
        "decision": camera_ready._decision(submission),
    }
