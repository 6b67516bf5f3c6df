"""The program: the chair's builder, the public page and the calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from publication.accepted import accepted_submissions
from submissions.models import Submission
from submissions.permissions import managed_by
from workshops import page_cache
from workshops.concurrency import EditConflict, saved_values
from workshops.files import PRIVATE, file_response
from workshops.models import Workshop
from workshops.views.mixins import VIEW_PERMISSION, get_workshop_or_refuse

from . import services
from .forms import PublishForm, SessionForm, SlotFormSet, slot_inputs
from .ics import program_calendar
from .models import Session, SessionKind, Slot
from .public import program_context

CHAIR_PERMISSION = "workshops.change_workshop"
CONFLICTED = "A paper you are conflicted with"
# The program's feed changes (or is withdrawn) at any time: no cache keeps it without asking
# again; a draft workshop's stays private to its chairs.
FEED_CACHE = "no-cache"


def _chair_workshop(request, slug):
    return get_workshop_or_refuse(
        request, slug, CHAIR_PERMISSION, queryset=Workshop.objects.prefetch_related("dates")
    )


def _managed_ids(user, workshop) -> set[int]:
    return set(
        managed_by(user, Submission.objects.filter(workshop=workshop)).values_list("pk", flat=True)
    )


def _slot_line(slot, managed: set[int]) -> dict:
    """One slot as the builder lists it; a paper the chair is conflicted with stays unnamed."""
    if slot.submission_id is None:
        return {"label": slot.title, "duration": slot.duration_minutes, "hidden": False}
    if slot.submission_id not in managed:
        return {"label": CONFLICTED, "duration": slot.duration_minutes, "hidden": True}
    paper = slot.submission
    return {
        "label": f"#{paper.number} {paper.title}",
        "duration": slot.duration_minutes,
        "hidden": False,
    }


@require_safe
def manage(request, slug):
    """The builder's overview: every session with its slots, the papers still unplaced, and
    publishing."""
    workshop = _chair_workshop(request, slug)
    if not isinstance(workshop, Workshop):
        return workshop
    program = services.program_of(workshop)
    managed = _managed_ids(request.user, workshop)
    sessions = list(
        Session.objects.filter(workshop=workshop).prefetch_related(
            "people", "slots", "slots__submission"
        )
    )
    for session in sessions:
        session.lines = [_slot_line(slot, managed) for slot in session.slots.all()]
    placed = set(
        Slot.objects.filter(session__workshop=workshop, submission__isnull=False).values_list(
            "submission_id", flat=True
        )
    )
    accepted = managed_by(request.user, accepted_submissions(workshop))
    unplaced = [paper for paper in accepted.select_related(None) if paper.pk not in placed]
    return render(
        request,
        "program/manage.html",
        {
            "workshop": workshop,
            "program": program,
            "sessions": sessions,
            "unplaced": unplaced,
            "workshop_day": services.workshop_day(workshop),
            "publish_form": PublishForm(
                initial={"publish": not program.is_published, "version": program.version}
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, slug, pk=None):
    """Create (``pk`` None) or change one session with its slots, all or nothing."""
    workshop = _chair_workshop(request, slug)
    if not isinstance(workshop, Workshop):
        return workshop
    session = None
    if pk is not None:
        session = Session.objects.filter(workshop=workshop, pk=pk).first()
        if session is None:
            raise Http404("No such session.")
    managed = _managed_ids(request.user, workshop)
    papers = managed_by(request.user, accepted_submissions(workshop)).select_related(None)
    existing = list(session.slots.select_related("submission")) if session else []
    shown = [
        slot for slot in existing if slot.submission_id is None or slot.submission_id in managed
    ]
    hidden = [slot for slot in existing if slot not in shown]
    initial = [
        {
            "id": slot.pk,
            "submission": slot.submission_id,
            "title": slot.title,
            "duration_minutes": slot.duration_minutes,
            "order": slot.order,
        }
        for slot in shown
    ]
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, instance=session or Session(workshop=workshop), workshop=workshop)
    formset = SlotFormSet(data, initial=initial, prefix="slots", form_kwargs={"papers": papers})
    status = 200
    if data is not None:
        valid = [form.is_valid(), formset.is_valid()]
        if all(valid):
            try:
                saved = services.save_session(
                    workshop,
                    form.to_input(),
                    slot_inputs(formset),
                    by=request.user,
                    session=session,
                    version=form.loaded_version,
                    shown_slot_ids={slot.pk for slot in shown},
                )
            except EditConflict as conflict:
                current = Session.objects.filter(pk=session.pk).first() if session else None
                form.refuse(conflict, saved_values(form, current))
                status = 409
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(request, f"Session “{saved.title}”: saved.")
                return redirect("program:manage", slug=workshop.slug)
        else:
            status = 400
        if status == 400:
            messages.error(request, "Nothing was saved: please correct the errors below.")
    return render(
        request,
        "program/session_form.html",
        {
            "workshop": workshop,
            "session": session,
            "form": form,
            "formset": formset,
            "hidden_slots": hidden,
            "conflicted_label": CONFLICTED,
            "workshop_day": services.workshop_day(workshop),
            "kinds": SessionKind,
        },
        status=status,
    )


@require_POST
def session_delete(request, slug, pk):
    workshop = _chair_workshop(request, slug)
    if not isinstance(workshop, Workshop):
        return workshop
    session = Session.objects.filter(workshop=workshop, pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    version = request.POST.get("version")
    try:
        services.delete_session(
            workshop,
            session,
            by=request.user,
            version=int(version) if version and version.isdigit() else None,
        )
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, f"Session “{session.title}”: deleted.")
    return redirect("program:manage", slug=workshop.slug)


@require_POST
def publish(request, slug):
    workshop = _chair_workshop(request, slug)
    if not isinstance(workshop, Workshop):
        return workshop
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: the form was not understood.")
        return redirect("program:manage", slug=workshop.slug)
    wanted = form.cleaned_data["publish"]
    try:
        services.set_published(
            workshop, wanted, by=request.user, version=form.cleaned_data.get("version")
        )
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(
            request,
            "The program is published on the workshop page."
            if wanted
            else "The program is no longer public.",
        )
    return redirect("program:manage", slug=workshop.slug)


# --- Public ---------------------------------------------------------------------------------


def _public_workshop(request, slug) -> Workshop:
    workshop = Workshop.objects.filter(slug=slug).first()
    if workshop is None or not request.user.has_perm(VIEW_PERMISSION, workshop):
        raise Http404("No such workshop.")
    return workshop


@require_safe
@page_cache.public_page
def public(request, slug):
    """The program on its own page, once published; before, a preview for the chairs."""
    workshop = _public_workshop(request, slug)
    preview = request.user.has_perm(CHAIR_PERMISSION, workshop)
    context = program_context(workshop, preview=preview, viewer=request.user)
    if context["program"] is None:
        raise Http404("The program is not published yet.")
    context["workshop"] = workshop
    if not preview:
        page_cache.note(request, page_cache.workshop_scope(workshop.pk))
    return render(request, "program/public.html", context)


@require_safe
def calendar(request, slug):
    """The published program as an iCalendar feed."""
    workshop = _public_workshop(request, slug)
    context = program_context(workshop)
    if context["program"] is None:
        raise Http404("The program is not published yet.")
    body = program_calendar(
        workshop,
        context["program_sessions"],
        url=request.build_absolute_uri(workshop.get_absolute_url()) + "#program",
    )
    return file_response(
        body,
        filename=f"{workshop.slug}-program.ics",
        content_type="text/calendar; charset=utf-8",
        inline=True,
        cache_control=FEED_CACHE if workshop.is_published else PRIVATE,
    )
