"""The chairs' "mail to groups" page: compose, preview per recipient, send once, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from reviews.permissions import excluded_submission_ids
from reviews.views.common import managed_workshop_or_404
from submissions.models import Authorship

from .forms import ComposeForm
from .models import GroupMessage
from .services import (
    REVIEWER_GROUPS,
    GroupMailError,
    pickable,
    placeholders_for,
    recipients_for,
    render_for,
    send_message,
)


@login_required
def compose(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    choices = pickable(workshop, request.user)
    form = ComposeForm(request.POST or None, pickable=choices)
    context = {"workshop": workshop, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send":
            try:
                message, created = send_message(
                    workshop=workshop,
                    by=request.user,
                    key=data["key"],
                    group=data["group"],
                    subject=data["subject"],
                    body=data["body"],
                    picked=data["picked"],
                )
            except GroupMailError as exc:
                messages.error(request, str(exc))
            else:
                if created:
                    messages.success(
                        request, f"{message.recipients.count()} e-mail(s) queued in the outbox."
                    )
                else:
                    messages.warning(
                        request, "This message was already sent; nothing was sent again."
                    )
                return redirect("messaging:message", slug=slug, pk=message.pk)
        recipients = recipients_for(
            workshop,
            request.user,
            data["group"],
            subject=data["subject"],
            body=data["body"],
            picked=data["picked"],
        )
        chosen = request.POST.get("preview_for", "")
        shown = next((r for r in recipients if r.token == chosen), None) or (
            recipients[0] if recipients else None
        )
        preview = None
        if shown is not None:
            subject, body = render_for(
                workshop, data["group"], data["subject"], data["body"], shown
            )
            preview = {"to": shown, "subject": subject, "body": body}
        context |= {"recipients": recipients, "preview": preview, "previewing": True}
    context["history"] = (
        GroupMessage.objects.filter(workshop=workshop)
        .select_related("sent_by")
        .annotate(count=Count("recipients"))[:100]
    )
    return render(request, "messaging/compose.html", context)


@login_required
def message_detail(request, slug, pk):
    """What was sent to whom. Recipients tied to papers the viewer may not see (conflicts,
    their own papers) are left out."""
    workshop = managed_workshop_or_404(request, slug)
    message = get_object_or_404(
        GroupMessage.objects.select_related("sent_by"), pk=pk, workshop=workshop
    )
    hidden = excluded_submission_ids(request.user, workshop)
    hidden_emails = set()
    if message.group not in REVIEWER_GROUPS:
        hidden_emails = {
            e.lower()
            for e in Authorship.objects.filter(submission_id__in=hidden).values_list(
                "email", flat=True
            )
        }
    rows = [
        r
        for r in message.recipients.select_related("outgoing", "submission")
        .exclude(submission_id__in=hidden)
        .order_by("email", "pk")
        if r.email.lower() not in hidden_emails
    ]
    return render(
        request,
        "messaging/message.html",
        {
            "workshop": workshop,
            "message": message,
            "rows": rows,
            "placeholders": placeholders_for(message.group),
        },
    )
