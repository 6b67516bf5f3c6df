"""Saving what an author entered: metadata, topics, authors and files, in one transaction.

The form and formset have validated everything (files included) before these functions run;
files reach the storage only here, last, and are deleted again if the transaction fails, so a
refused request leaves both the database and the storage as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q
from django.template.defaultfilters import pluralize

from workshops.concurrency import EditConflict, bump, claim

from ..enums import ActivityAction, FileKind, SubmissionState
from . import deadlines
from .state import TransitionNotAllowed, can_edit, log_activity, set_state

METADATA_FIELDS = (
    "submission_type",
    "title",
    "abstract",
    "keywords",
    "ack_code_of_conduct",
    "ack_code_of_ethics",
    "ack_dual_submission",
    "ack_anonymized",
)


# What the activity log records for saves of the edit form.
EDIT_ACTIONS = (
    ActivityAction.CREATED,
    ActivityAction.SAVED,
    ActivityAction.SUBMITTED,
    ActivityAction.UPDATED,
    ActivityAction.FILE_UPLOADED,
)


class DeadlinePassed(TransitionNotAllowed):
    """The deadline that applies has passed; nothing was saved."""


class AuthorRemovalNotAllowed(TransitionNotAllowed):
    """A co-author tried to remove another author (or the contact author); nothing was saved."""


def verified_emails(user) -> set[str]:
    """The lowercased addresses ``user`` has verified (their account address if none)."""
    from allauth.account.models import EmailAddress

    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    emails = {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    return emails or {user.email.lower()}


def can_remove_authors(submission, user, *, emails=None) -> bool:
    """Only the contact author and the workshop's chairs may remove authors from the list
    (and so change who the contact author is); co-authors may add and reorder authors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("submissions.manage_submissions", submission.workshop):
        return True
    contact = submission.contact_author
    if contact is None:
        return True
    if contact.user_id is not None:
        return contact.user_id == user.pk
    return contact.email.lower() in (emails if emails is not None else verified_emails(user))


def removal_refusal(submission) -> str:
    contact = submission.contact_author
    who = f" ({contact.name})" if contact is not None else ""
    return (
        f"Only the contact author{who} can remove authors or change the contact author. "
        "Ask them to make this change, or keep every current author in the list."
    )


@dataclass
class AuthorEntry:
    name: str
    email: str
    affiliation: str = ""


@dataclass
class SaveResult:
    submission: object
    created: bool = False
    duplicate: bool = False  # the same form was posted before: nothing new was saved
    submitted: bool = False  # the draft became a submission in this save
    updated: bool = False  # a submitted paper changed (an update e-mail was queued)
    changes: list[str] = field(default_factory=list)


# --- Linking authors to accounts ---------------------------------------------------------------


def users_by_verified_email(emails) -> dict[str, object]:
    """Map lowercased address → user for the addresses some user has verified."""
    from allauth.account.models import EmailAddress

    lowered = {e.strip().lower() for e in emails if e and e.strip()}
    if not lowered:
        return {}
    query = Q()
    for email in lowered:
        query |= Q(email__iexact=email)
    found = {}
    for address in EmailAddress.objects.filter(query, verified=True).select_related("user"):
        found.setdefault(address.email.lower(), address.user)
    return found


def link_authorships_for_address(user, email: str) -> int:
    """Give ``user`` the author rights of every authorship listing ``email`` (verified)."""
    from ..models import Authorship

    return (
        Authorship.objects.filter(email__iexact=email.strip(), user__isnull=True)
        .exclude(submission__authors__user=user)
        .update(user=user)
    )


# --- Saving the form ---------------------------------------------------------------------------


def _store_file(
    submission, checked, kind: str, *, by, warnings=None, stored: list, created: bool = False
):
    """Store ``checked`` as the next version of ``kind``; None (nothing stored) when it is
    the same file as the latest version (same sha256): re-uploading a file is not a change.
    ``created``: the submission was created in this transaction, so it has no file yet."""
    from ..models import SubmissionFile

    latest = (
        None
        if created
        else SubmissionFile.objects.filter(submission=submission, kind=kind)
        .order_by("-version")
        .only("version", "sha256")
        .first()
    )
    if latest is not None and latest.sha256 == checked.sha256:
        return None
    record = SubmissionFile(
        submission=submission,
        kind=kind,
        version=(latest.version if latest else 0) + 1,
        original_name=checked.original_name,
        sha256=checked.sha256,
        size=checked.size,
        pages=checked.pages,
        uploaded_by=by,
        warnings=warnings or [],
    )
    extension = "zip" if checked.kind == "zip" else "pdf"
    checked.upload.seek(0)
    # The storage name comes from upload_path (ids and version), never from the author's name.
    record.file.save(f"upload.{extension}", checked.upload, save=False)
    stored.append(record.file.name)
    record.save()
    return record


def _sync_authors(
    submission, entries: list[AuthorEntry], *, by, created: bool = False
) -> tuple[list, bool, list]:
    """Make the authorships match ``entries`` (in order); keep links and ids of kept authors.

    Returns the authorships that are new, whether anything changed, and the authorships that
    were removed (deleted rows, for the e-mail telling them). Raises
    :class:`AuthorRemovalNotAllowed` when ``by`` may not remove authors (``can_remove_authors``).
    ``created``: the submission was created in this transaction, so it has no author yet.
    """
    from ..models import Authorship

    existing = {} if created else {a.email.lower(): a for a in submission.authors.all()}
    wanted = [e.email.strip().lower() for e in entries]
    linked = users_by_verified_email(wanted)
    changed = False
    removed = [a for email, a in existing.items() if email not in wanted]
    if removed:
        if not can_remove_authors(submission, by):
            raise AuthorRemovalNotAllowed(removal_refusal(submission))
        Authorship.objects.filter(pk__in=[a.pk for a in removed]).delete()
        changed = True
    contact_email = submission.created_by.email.lower()
    new = []
    for order, entry in enumerate(entries):
        email = entry.email.strip().lower()
        values = {
            "order": order,
            "name": entry.name.strip(),
            "affiliation": entry.affiliation.strip(),
            "is_contact": email == contact_email,
        }
        author = existing.get(email)
        if author is None:
            author = Authorship.objects.create(
                submission=submission, email=email, user=linked.get(email), **values
            )
            new.append(author)
            changed = True
            continue
        dirty = [k for k, v in values.items() if getattr(author, k) != v]
        if author.user_id is None and email in linked:
            author.user = linked[email]
            dirty.append("user")
        if dirty:
            for key in dirty:
                if key != "user":
                    setattr(author, key, values[key])
            author.save(update_fields=dirty)
            changed = changed or any(k != "user" for k in dirty)
    if not any(e.email.strip().lower() == contact_email for e in entries) and entries:
        # The contact author left the list: the first author becomes the contact.
        Authorship.objects.filter(submission=submission).order_by("order").filter(
            email=wanted[0]
        ).update(is_contact=True)
    return new, changed, removed


def save_submission(
    *,
    workshop,
    by,
    fields: dict,
    topics,
    authors: list[AuthorEntry],
    submission=None,
    paper=None,
    paper_warnings=None,
    supplement=None,
    submit: bool = False,
    form_token: str | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
    field_answers: dict | None = None,
) -> SaveResult:
    """Create (``submission`` None) or update a submission from the author's form.

    ``paper`` and ``supplement`` are ``pdf.CheckedFile`` objects (already validated). With
    ``submit`` a draft becomes a submission (through ``set_state``). ``version`` is the
    version the form was loaded with: when someone saved since, :class:`EditConflict` is
    raised (``workshops.concurrency``). Raises :class:`DeadlinePassed`,
    :class:`TransitionNotAllowed` or :class:`EditConflict`, in which case nothing is saved
    (no file either). ``field_answers`` ({field id: stored value or None}, checked by the
    form) answers the workshop's own fields (``submissions.services.fields``).
    """
    from workshops.models import Workshop

    from ..emails import send_to_authors
    from ..models import Submission

    when = now or deadlines.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            created = False
            if submission is None:
                # Lock the workshop row: numbers are allocated one at a time, and a form
                # posted twice finds the submission its first post created.
                locked_workshop = (
                    Workshop.objects.select_for_update(of=("self",))
                    .prefetch_related("dates")
                    .get(pk=workshop.pk)
                )
                if form_token:
                    # The same form again: a double click, or a retry after an error page
                    # whose request had in fact committed. Only its own author's form counts
                    # (a token copied from someone else's page is simply not reused).
                    previous = Submission.objects.filter(form_token=form_token).first()
                    if previous is not None and (
                        previous.created_by_id == getattr(by, "pk", None)
                        and previous.workshop_id == workshop.pk
                    ):
                        return SaveResult(previous, duplicate=True)
                    if previous is not None:
                        form_token = None
                if not deadlines.can_create(locked_workshop, now=when):
                    raise DeadlinePassed("The call is closed for new submissions.")
                number = (
                    Submission.objects.filter(workshop=locked_workshop).aggregate(n=Max("number"))[
                        "n"
                    ]
                    or 0
                ) + 1
                submission = Submission.objects.create(
                    workshop=locked_workshop,
                    number=number,
                    created_by=by,
                    form_token=form_token or None,
                    last_form_token=form_token or "",
                    **fields,
                )
                created = True
                log_activity(submission, ActivityAction.CREATED, by=by)
                changes = ["created"]
            else:
                submission = (
                    Submission.objects.select_for_update(of=("self",))
                    .select_related("workshop", "submission_type", "created_by")
                    .get(pk=submission.pk)
                )
                if form_token and form_token in (submission.last_form_token, submission.form_token):
                    # The same form again (double click, reload, resent request): it was saved.
                    return SaveResult(submission, duplicate=True)
                if not can_edit(submission, now=when):
                    if submission.state in (SubmissionState.DRAFT, SubmissionState.SUBMITTED):
                        raise DeadlinePassed(
                            "The deadline has passed: the submission can no longer be changed."
                        )
                    raise TransitionNotAllowed(
                        f"A {submission.get_state_display().lower()} submission cannot be changed."
                    )
                # Compare-and-set on the version the form showed: the row is then exactly
                # the state the author loaded, so the changes below are exactly theirs.
                # It moves the version on below, once the save turns out to change something.
                if claim(Submission, submission.pk, version, move_on=False) is None:
                    raise edit_conflict(submission)
                changes = [k for k, v in fields.items() if getattr(submission, k) != v]
                for key, value in fields.items():
                    setattr(submission, key, value)
                if changes:
                    submission.save()

            topic_ids = {t.pk for t in topics}
            if created:
                # A new submission has no topics yet: one INSERT, no read of what is there.
                submission.topics.add(*topic_ids)
            elif set(submission.topics.values_list("pk", flat=True)) != topic_ids:
                submission.topics.set(topic_ids)
                changes.append("topics")
            if field_answers is not None and _save_field_answers(submission, field_answers):
                if not created:
                    changes.append("form fields")
            new_authors, authors_changed, removed_authors = _sync_authors(
                submission, authors, by=by, created=created
            )
            if authors_changed and not created:
                changes.append("authors")
            record = None
            if paper is not None:
                record = _store_file(
                    submission,
                    paper,
                    FileKind.PAPER,
                    by=by,
                    warnings=paper_warnings,
                    stored=stored,
                    created=created,
                )
            if record is not None:
                changes.append(f"paper v{record.version}")
                log_activity(
                    submission,
                    ActivityAction.FILE_UPLOADED,
                    by=by,
                    message=(
                        f"Paper PDF version {record.version} "
                        f"({record.pages} page{pluralize(record.pages)})"
                    ),
                )
            record = None
            if supplement is not None:
                record = _store_file(
                    submission,
                    supplement,
                    FileKind.SUPPLEMENT,
                    by=by,
                    stored=stored,
                    created=created,
                )
            if record is not None:
                changes.append(f"supplement v{record.version}")
                log_activity(
                    submission,
                    ActivityAction.FILE_UPLOADED,
                    by=by,
                    message=f"Supplementary material version {record.version}",
                )

            if changes and not created:
                bump(Submission, submission.pk)
            if form_token and not created:
                Submission.objects.filter(pk=submission.pk).update(last_form_token=form_token)
            # What the e-mails below and the author's next page read; the rest (topics, form
            # fields) loads if someone asks.
            submission = (
                Submission.objects.select_related("workshop", "submission_type", "created_by")
                .prefetch_related("authors", "files", "workshop__dates")
                .get(pk=submission.pk)
            )
            result = SaveResult(submission, created=created, changes=changes)
            told = [a for a in removed_authors if by is None or a.user_id != by.pk]
            for author in told:
                # One e-mail per removal: the key names the (deleted) authorship row, so
                # a retried request sends nothing twice, and a later re-listing and removal
                # (a new row) is told again.
                send_to_authors(
                    submission,
                    "author_removed",
                    key=f"submission:{submission.pk}:author_removed:{author.pk}",
                    authors=[author],
                    extra={"removed_by": _public_name(by, submission)},
                )
            co_authors = [a for a in new_authors if not by or a.email != by.email.lower()]
            if co_authors:
                send_to_authors(
                    submission,
                    "coauthor_added",
                    key=f"submission:{submission.pk}:coauthor",
                    authors=co_authors,
                    extra={"added_by": by.get_full_name() if by else ""},
                )
            if submission.state == SubmissionState.DRAFT:
                if submit:
                    set_state(submission, SubmissionState.SUBMITTED, by=by, now=when)
                    result.submitted = True
                elif changes and not created:
                    log_activity(
                        submission, ActivityAction.SAVED, by=by, message=", ".join(changes)
                    )
            elif changes:
                submission.revision += 1
                submission.save(update_fields=["revision", "updated_at"])
                log_activity(
                    submission,
                    ActivityAction.UPDATED,
                    by=by,
                    message=f"Revision {submission.revision}: " + ", ".join(changes),
                )
                send_to_authors(
                    submission,
                    "updated",
                    key=f"submission:{submission.pk}:updated:r{submission.revision}",
                    extra={"changes": changes},
                )
                result.updated = True
            return result
    except BaseException:
        _delete_stored(stored)
        raise


def _save_field_answers(submission, values: dict) -> bool:
    """The answers to the workshop's own fields (``submissions.services.fields``); an id of
    another workshop's field is refused."""
    from ..models import SubmissionField
    from .fields import write_answers

    known = set(
        SubmissionField.objects.filter(
            workshop_id=submission.workshop_id, pk__in=list(values)
        ).values_list("pk", flat=True)
    )
    if set(values) - known:
        raise TransitionNotAllowed("An answer refers to a field of another workshop.")
    return write_answers(submission, values)


def edit_conflict(submission) -> EditConflict:
    """The refusal of a save loaded before ``submission``'s current version: who saved last
    and when, from the activity log."""
    from activity.models import Entry, Kind

    last = (
        Entry.objects.filter(submission=submission, kind=Kind.SUBMISSION, action__in=EDIT_ACTIONS)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return EditConflict(
        "This submission was changed after you opened this page: your changes were not "
        "saved, and no file was attached.",
        version=submission.version,
        saved_by=_public_name(last.actor, submission) if last and last.actor else "",
        saved_at=last.created_at if last else submission.updated_at,
        current=submission,
    )


def _public_name(user, submission) -> str:
    """How ``user`` is named to other authors: by name, never by e-mail address."""
    if user is None:
        return ""
    listed = next((a for a in submission.authors.all() if a.user_id == user.pk), None)
    if listed is not None and listed.name:
        return listed.name
    if getattr(user, "full_name", ""):
        return user.full_name
    if user.has_perm("submissions.manage_submissions", submission.workshop):
        return f"A chair of {submission.workshop.short_name}"
    return "Another author"


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 — best effort: an orphan file is harmless
            pass


def set_deadline_override(submission, deadline: dt.datetime | None, *, by) -> object:
    """A chair grants ``submission`` its own (later) deadline, or removes it (None).

    Raises :class:`TransitionNotAllowed` (nothing saved, nobody mailed) for a date that is not
    later than the call's paper deadline or already past (``deadlines.override_error``).
    """
    from ..emails import send_to_authors
    from ..models import Submission

    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .get(pk=submission.pk)
        )
        if deadline is not None:
            error = deadlines.override_error(locked.workshop, deadline)
            if error:
                raise TransitionNotAllowed(error)
        locked.deadline_override = deadline
        locked.save(update_fields=["deadline_override", "updated_at"])
        log_activity(
            locked,
            ActivityAction.DEADLINE_EXTENDED,
            by=by,
            message=f"Deadline set to {deadline.isoformat()}" if deadline else "Override removed",
        )
        if deadline is not None:
            send_to_authors(
                locked,
                "deadline_extended",
                key=f"submission:{locked.pk}:deadline:{deadline.isoformat()}",
            )
    submission.deadline_override = deadline
    return submission
