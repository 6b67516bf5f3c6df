"""The authors' pages: dashboard, the submission form, the submission page, withdrawal."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from activity.models import Kind
from workshops.concurrency import EditConflict, FieldChange
from workshops.files import file_response
from workshops.permissions import has_verified_email

from .. import pdf
from ..enums import FileKind, SubmissionState
from ..forms import AuthorFormSet, SubmissionForm, WithdrawForm, author_initial
from ..models import Submission
from ..services import deadlines, state
from ..services.editing import (
    can_remove_authors,
    edit_conflict,
    removal_refusal,
    save_submission,
)
from ..services.fields import shown_answers
from ..services.state import TransitionNotAllowed, set_state
from .common import get_submission, get_workshop


@login_required
def dashboard(request):
    submissions = list(
        Submission.objects.authored_by(request.user)
        .for_lists()
        .order_by("-workshop__year", "workshop__name", "number")
    )
    rows = [_summary(s) for s in submissions]
    return render(request, "submissions/dashboard.html", {"rows": rows})


def _summary(submission) -> dict:
    deadline = deadlines.submission_deadline(submission)
    editable = state.can_edit(submission)
    return {
        "submission": submission,
        "deadline": deadline,
        "deadline_local": deadlines.in_workshop_zone(deadline, submission.workshop),
        "open": editable,
        "missing": state.missing_items(submission)
        if submission.state == SubmissionState.DRAFT
        else [],
    }


def _verified_or_redirect(request):
    if not has_verified_email(request.user):
        messages.error(
            request,
            "Please verify your e-mail address before submitting: we sent you a link. "
            "You can send it again from this page.",
        )
        return redirect("account_email")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def create(request, slug):
    workshop = get_workshop(slug)
    if not request.user.has_perm("workshops.view_workshop", workshop):
        raise Http404("No such workshop.")
    refusal = _verified_or_redirect(request)
    if refusal:
        return refusal
    if not request.user.has_perm("submissions.create_submission", workshop):
        raise Http404("No such workshop.")
    if not deadlines.can_create(workshop):
        closing = deadlines.creation_deadline(workshop)
        if closing and deadlines.abstract_deadline(workshop) == closing:
            text = "Abstract registration has closed: new submissions are no longer accepted."
        elif closing:
            text = "The submission deadline has passed: the call is closed."
        else:
            text = "This call does not accept submissions yet (no deadline is set)."
        messages.error(request, text)
        return redirect(workshop.get_absolute_url())
    return _submission_form(request, workshop, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug, number):
    submission = get_submission(request, slug, number)
    if not request.user.has_perm("submissions.change_submission", submission):
        if submission.state in state.EDITABLE_STATES and not deadlines.is_open(submission):
            messages.error(
                request, "The deadline has passed: the submission can no longer be changed."
            )
        else:
            messages.error(
                request,
                f"A {submission.get_state_display().lower()} submission cannot be changed.",
            )
        return redirect(submission.get_absolute_url())
    return _submission_form(request, submission.workshop, submission)


def _user_emails(user) -> list[str]:
    from allauth.account.models import EmailAddress

    emails = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    return emails or [user.email]


def _submission_form(request, workshop, submission):
    action = request.POST.get("action", "draft")
    is_submitted = submission is not None and submission.state == SubmissionState.SUBMITTED
    submitting = action == "submit" or is_submitted
    instance = copy.copy(submission) if submission is not None else Submission()
    user_emails = _user_emails(request.user)
    author_rules = {"user_emails": user_emails}
    if submission is not None and not can_remove_authors(
        submission, request.user, emails={e.lower() for e in user_emails}
    ):
        author_rules["current_emails"] = [a.email for a in submission.ordered_authors]
        author_rules["removal_refusal"] = removal_refusal(submission)
    warnings: list[str] = []
    refused = False
    if request.method == "POST":
        form = SubmissionForm(
            request.POST,
            request.FILES,
            instance=instance,
            workshop=workshop,
            submitting=submitting,
        )
        formset = AuthorFormSet(request.POST, prefix="authors", **author_rules)
        if form.is_valid() and formset.is_valid():
            authors = formset.entries()
            new_paper_warnings = []
            if workshop.is_double_blind and form.checked_paper is not None:
                new_paper_warnings = pdf.identity_warnings(form.checked_paper, authors)
            # Warn before a paper goes to review: a new PDF of a submitted paper, or a
            # draft being submitted (its stored PDF's warnings were shown when uploaded).
            if form.checked_paper is not None:
                paper_warnings = new_paper_warnings if submitting else []
            elif action == "submit" and not is_submitted and form.current_paper is not None:
                paper_warnings = form.current_paper.warnings if workshop.is_double_blind else []
            else:
                paper_warnings = []
            if paper_warnings and not form.cleaned_data.get("confirm_warnings"):
                warnings = paper_warnings
                messages.warning(
                    request,
                    "Your PDF may reveal who the authors are. Check the warnings below; fix "
                    "the PDF, or tick the box to submit anyway. Nothing has been saved yet.",
                )
            else:
                try:
                    result = save_submission(
                        workshop=workshop,
                        by=request.user,
                        fields=form.metadata(),
                        topics=form.chosen_topics(),
                        authors=authors,
                        submission=submission,
                        paper=form.checked_paper,
                        paper_warnings=new_paper_warnings,
                        supplement=form.checked_supplement,
                        submit=action == "submit" and not is_submitted,
                        form_token=form.cleaned_data.get("form_token") or None,
                        version=form.loaded_version,
                        field_answers=form.field_answers(),
                    )
                except EditConflict as conflict:
                    submission = _refuse_edit(form, formset, conflict)
                    is_submitted = submission.state == SubmissionState.SUBMITTED
                    refused = True
                except TransitionNotAllowed as exc:
                    messages.error(request, f"{exc} Nothing was saved.")
                    if submission is None:
                        return redirect(workshop.get_absolute_url())
                    return redirect(submission.get_absolute_url())
                else:
                    _report_save(request, result)
                    return redirect(result.submission.get_absolute_url())
        else:
            messages.error(request, "Please correct the errors below. Nothing has been saved yet.")
            loaded = form.cleaned_data.get("version")
            if submission is not None and loaded is not None and loaded != submission.version:
                # The errors may come from someone else's save (an author added since):
                # say so, and show what changed.
                submission = _refuse_edit(form, formset, edit_conflict(submission))
                is_submitted = submission.state == SubmissionState.SUBMITTED
                refused = True
    else:
        form = SubmissionForm(instance=instance, workshop=workshop, submitting=is_submitted)
        formset = AuthorFormSet(
            prefix="authors",
            initial=author_initial(submission, request.user),
            **author_rules,
        )
    deadline = (
        deadlines.submission_deadline(submission)
        if submission is not None
        else deadlines.creation_deadline(workshop)
    )
    context = {
        "workshop": workshop,
        "submission": submission,
        "form": form,
        "formset": formset,
        "identity_warnings": warnings,
        "is_submitted": is_submitted,
        "deadline": deadline,
        "deadline_local": deadlines.in_workshop_zone(deadline, workshop),
        "paper_deadline": deadlines.paper_deadline(workshop),
        "submission_types": workshop.submission_types.all(),
        "current_paper": submission.current_paper if submission is not None else None,
        "current_supplement": submission.current_supplement if submission is not None else None,
    }
    status = 409 if refused else 400 if request.method == "POST" else 200
    return render(request, "submissions/form.html", context, status=status)


def _refuse_edit(form, formset, conflict):
    """Show a refused save: the form keeps what was typed, lists what differs from the saved
    version and carries that version. Returns the submission as saved now."""
    current = (
        Submission.objects.select_related("workshop", "submission_type", "created_by")
        .prefetch_related("authors", "files", "topics", "workshop__dates")
        .get(pk=conflict.current.pk)
    )
    form.refuse(conflict, model_to_dict(current, fields=list(form.fields)))
    rows = [f.cleaned_data for f in formset.forms if getattr(f, "cleaned_data", None)]
    rows = [r for r in rows if r.get("email") and not r.get("DELETE")]
    rows.sort(key=lambda r: r.get("ORDER") or 0)
    typed = [f"{r.get('name', '')} <{r['email']}>" for r in rows]
    saved = [f"{a.name} <{a.email}>" for a in current.ordered_authors]
    if typed != saved:
        conflict.changes.append(
            FieldChange(label="Authors", yours="; ".join(typed), saved="; ".join(saved))
        )
    dropped = [
        label
        for label, checked in (
            ("paper PDF", form.checked_paper),
            ("supplementary material", form.checked_supplement),
        )
        if checked is not None
    ]
    if dropped:
        conflict.notes.append(
            f"The {' and the '.join(dropped)} you chose {'were' if len(dropped) > 1 else 'was'} "
            "not attached: choose the file again before saving."
        )
    return current


def _report_save(request, result) -> None:
    submission = result.submission
    if result.duplicate:
        messages.info(
            request,
            f"This form was already saved as submission #{submission.number} (it was sent "
            "twice, or sent again after an error page): nothing was changed or e-mailed again. "
            "Check below that everything is as you want it.",
        )
    elif result.submitted:
        messages.success(
            request,
            f"Submission #{submission.number} is submitted. A confirmation was e-mailed to "
            "every author. You can still edit it until the deadline.",
        )
    elif result.updated:
        messages.success(
            request,
            f"Submission #{submission.number} updated (revision {submission.revision}); the "
            "authors were notified.",
        )
    elif result.created:
        messages.success(
            request,
            f"Draft #{submission.number} saved. It is not submitted yet: press “Submit” "
            "when everything is ready.",
        )
    elif result.changes:
        messages.success(request, "Draft saved. It is not submitted yet.")
    else:
        messages.info(request, "Nothing changed.")
    paper = submission.current_paper
    if (
        submission.workshop.is_double_blind
        and paper is not None
        and paper.warnings
        and not result.duplicate
    ):
        messages.warning(
            request,
            "Your PDF may reveal who the authors are; see the warnings on this page.",
        )


@login_required
def detail(request, slug, number):
    submission = get_submission(request, slug, number)
    user = request.user
    can_see_authors = user.has_perm("submissions.see_authors", submission)
    is_author = any(a.user_id == user.pk for a in submission.authors.all())
    can_manage = user.has_perm("submissions.manage_submissions", submission.workshop)
    insider = is_author or can_manage  # sees every file version and the history
    paper = submission.current_paper
    context = {
        **_summary(submission),
        "workshop": submission.workshop,
        "can_see_authors": can_see_authors,
        # The author list is handed to the template only when the viewer may see it.
        "authors": submission.ordered_authors if can_see_authors else [],
        "is_author": is_author,
        "can_edit": user.has_perm("submissions.change_submission", submission),
        "can_withdraw": user.has_perm("submissions.withdraw_submission", submission),
        "can_manage": can_manage,
        "can_desk_reject": user.has_perm("submissions.desk_reject_submission", submission),
        "can_extend": user.has_perm("submissions.extend_deadline", submission),
        "can_reinstate": can_manage and state.can_reinstate(submission),
        "insider": insider,
        "field_answers": shown_answers(submission, everything=insider),
        "files": sorted(submission.files.all(), key=lambda f: (f.kind, -f.version))
        if insider
        else [f for f in [paper] if f],
        "paper": paper,
        # The paper's own history only (kind "submission"): never its assignments, bids,
        # conflicts or reviewers, which the workshop's log also holds.
        "activities": submission.log_entries.filter(kind=Kind.SUBMISSION)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        if insider
        else [],
    }
    return render(request, "submissions/detail.html", context)


@login_required
def download(request, slug, number, file_id):
    submission = get_submission(request, slug, number, perm="submissions.download_files")
    record = next((f for f in submission.files.all() if f.pk == file_id), None)
    if record is None:
        raise Http404("No such file.")
    can_see_authors = request.user.has_perm("submissions.see_authors", submission)
    # Who may not see the authors (reviewers of a double-blind call) gets the version under
    # review and nothing else: older versions may still name the authors.
    if not can_see_authors:
        current = submission.current_paper
        if current is None or record.pk != current.pk or record.kind != FileKind.PAPER:
            raise Http404("No such file.")
    base = f"{submission.workshop.slug}-{submission.number}-{record.kind}-v{record.version}"
    if not can_see_authors and record.is_pdf:
        return file_response(
            pdf.anonymized_pdf_bytes(record),
            filename=f"{base}.pdf",
            content_type="application/pdf",
        )
    extension = "pdf" if record.is_pdf else "zip"
    return file_response(
        record.file.open("rb"),
        filename=f"{base}.{extension}",
        content_type="application/pdf" if record.is_pdf else "application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, slug, number):
    submission = get_submission(request, slug, number)
    if not request.user.has_perm("submissions.withdraw_submission", submission):
        messages.error(
            request,
            f"A {submission.get_state_display().lower()} submission cannot be withdrawn.",
        )
        return redirect(submission.get_absolute_url())
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            set_state(
                submission,
                SubmissionState.WITHDRAWN,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Submission #{submission.number} is withdrawn. It stays on record as "
                "withdrawn; all authors were notified.",
            )
        return redirect(submission.get_absolute_url())
    return render(
        request,
        "submissions/withdraw.html",
        {"submission": submission, "workshop": submission.workshop, "form": form},
    )
