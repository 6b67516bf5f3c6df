"""The camera-ready stage of an accepted paper: when it is open, the final PDF and the
presentation material (new ``SubmissionFile`` versions), the confirmed metadata as it will be
printed, a chair's per-paper deadline, withdrawal of an accepted paper, and the one "missing"
rule that the chairs' table, the reminders and the messaging group share.

Every function that changes something locks the paper's row, checks the deadline on the server
(aware datetimes; the workshop's zone only decides how it is shown), writes the activity log in
the same transaction and raises :class:`CameraReadyError` (nothing saved) when it may not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from activity.models import Kind
from activity.services import record
from submissions.enums import ActivityAction, FileKind, SubmissionState
from submissions.services import deadlines
from submissions.services.state import TransitionNotAllowed, log_activity
from workshops.concurrency import EditConflict, claim
from workshops.enums import DateKind

from ..accepted import ACCEPT_OUTCOMES, camera_ready_of
from ..models import CameraReady, Material, PublicationSettings, TermsAcceptance, TermsKind

FILE_KINDS = {
    FileKind.CAMERA_READY: "camera-ready PDF",
    FileKind.SLIDES: "slides",
    FileKind.POSTER: "poster",
}
MATERIAL_FILE_KINDS = {Material.SLIDES: FileKind.SLIDES, Material.POSTER: FileKind.POSTER}


class CameraReadyError(TransitionNotAllowed):
    """The camera-ready cannot be changed now (or not like this); nothing was saved."""


class CameraReadyClosed(CameraReadyError):
    """The paper is not (or no longer) open for its camera-ready: not accepted, not released,
    or past its deadline."""


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- Settings -------------------------------------------------------------------------------


def settings_of(workshop) -> PublicationSettings:
    """The workshop's publication settings; an unsaved default row when none were saved."""
    cached = getattr(workshop, "_publication_settings", None)
    if cached is None:
        cached = PublicationSettings.objects.filter(workshop=workshop).first()
        if cached is None:
            cached = PublicationSettings(workshop=workshop, version=0)
        workshop._publication_settings = cached
    return cached


# --- "Accepted the current terms": the one definition ----------------------------------------


def terms_required(settings: PublicationSettings | None) -> bool:
    return settings is not None and settings.terms_kind != TermsKind.NONE


def is_current_terms(acceptance, settings: PublicationSettings) -> bool:
    """Whether ``acceptance`` is of the workshop's current terms: the same kind AND the same
    version (a consent is not a copyright form, whatever their version strings)."""
    return (
        acceptance.kind == settings.terms_kind
        and acceptance.terms_version == settings.terms_version
    )


def current_terms_q(settings: PublicationSettings, prefix: str = "") -> Q:
    """The same rule as a filter on ``TermsAcceptance`` (``prefix``: e.g. through a relation)."""
    return Q(
        **{f"{prefix}kind": settings.terms_kind, f"{prefix}terms_version": settings.terms_version}
    )


def current_acceptance(submission, settings: PublicationSettings | None = None):
    """The acceptance of the workshop's current terms (kind and version), or None when not
    accepted or when the workshop has no terms. Reads ``terms_acceptances.all()`` (prefetch it)."""
    settings = settings or settings_of(submission.workshop)
    if not terms_required(settings):
        return None
    return next(
        (t for t in submission.terms_acceptances.all() if is_current_terms(t, settings)), None
    )


def materials_for(submission, settings: PublicationSettings | None = None) -> list[str]:
    """What presentation material the paper's outcome may bring (``Material`` values)."""
    settings = settings or settings_of(submission.workshop)
    decision = _decision(submission)
    outcome = decision.outcome if decision is not None else ""
    wanted = (settings.material or {}).get(outcome, [])
    return [m for m in Material.values if m in wanted]


# --- When it is open -----------------------------------------------------------------------


def workshop_deadline(workshop) -> dt.datetime | None:
    """The workshop's camera-ready date, its extension included."""
    date = workshop.date(DateKind.CAMERA_READY)
    return date.effective_at if date else None


def camera_ready_deadline(submission) -> dt.datetime | None:
    """The paper's camera-ready deadline: the workshop's, or the later one a chair granted."""
    general = workshop_deadline(submission.workshop)
    final = camera_ready_of(submission)
    override = final.deadline_override if final is not None else None
    if override and (general is None or override > general):
        return override
    return general


def _decision(submission):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return submission.decision
    except ObjectDoesNotExist:
        return None


def is_released_accept(submission) -> bool:
    """Accepted, with an accept decision released to the authors."""
    decision = _decision(submission)
    return bool(
        submission.state == SubmissionState.ACCEPTED
        and decision is not None
        and decision.released_at is not None
        and decision.outcome in ACCEPT_OUTCOMES
    )


def closed_reason(submission, *, now: dt.datetime | None = None) -> str | None:
    """Why the authors may not change the camera-ready now, or None when they may."""
    if not is_released_accept(submission):
        if submission.state in (SubmissionState.SUBMITTED, SubmissionState.DRAFT):
            return "There is no released decision on this paper yet: no camera-ready is due."
        if submission.state == SubmissionState.ACCEPTED:
            return "The decision on this paper has not been released yet."
        return (
            f"A {submission.get_state_display().lower()} paper has no camera-ready version: "
            "only accepted papers do."
        )
    deadline = camera_ready_deadline(submission)
    if deadline is None:
        return "The workshop has not set a camera-ready deadline yet; the chairs will announce it."
    if (now or deadlines.now()) > deadline:
        return (
            f"The camera-ready deadline ({format_deadline(deadline, submission.workshop)}) has "
            "passed: the camera-ready can no longer be changed. Write to the chairs if you need "
            "more time."
        )
    return None


def is_open(submission, *, now: dt.datetime | None = None) -> bool:
    return closed_reason(submission, now=now) is None


def format_deadline(value: dt.datetime | None, workshop) -> str:
    from submissions.emails import format_in_zone

    return format_in_zone(value, workshop)


def withdrawal_open(submission, *, now: dt.datetime | None = None) -> bool:
    """An accepted paper may be withdrawn until its camera-ready deadline (any time while the
    workshop has none)."""
    deadline = camera_ready_deadline(submission)
    return deadline is None or (now or deadlines.now()) <= deadline


def camera_ready_url(submission, *, absolute: bool = False) -> str:
    path = reverse("publication:camera_ready", args=[submission.workshop.slug, submission.number])
    if absolute:
        from reviews.services.emails import site_url

        return site_url(path)
    return path


# --- The PDF checks ------------------------------------------------------------------------


def page_limit(submission_type) -> int | None:
    """The most pages of the final PDF: the type's camera-ready limit, else its review limit."""
    if submission_type is None:
        return None
    return submission_type.camera_ready_page_limit or submission_type.max_pdf_pages


def page_limit_error(pages: int, submission_type) -> str | None:
    limit = page_limit(submission_type)
    if limit is None or pages <= limit:
        return None
    return (
        f"Your camera-ready PDF has {pages} pages; {submission_type.name} allows at most "
        f"{limit} page{'s' if limit != 1 else ''} in the final version. Nothing was saved."
    )


# Page 1 of a final version that still reads like the anonymous review copy.
ANONYMOUS_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\banonymous\s+authors?\b",
        r"\banonymous\s+submission\b",
        r"\banonymi[sz]ed\s+(?:for|submission)\b",
        r"\bunder\s+(?:double[- ]blind\s+)?review\b",
        r"\bpaper\s+id\s*[:#]?\s*\d+",
        r"\banonymous\s+(?:institution|affiliation)\b",
    )
]


def anonymity_warnings(checked) -> list[str]:
    """Warnings (never a refusal) when page 1 of the final PDF still looks anonymous."""
    from pypdf import PdfReader

    try:
        checked.upload.seek(0)
        reader = PdfReader(checked.upload)
        text = reader.pages[0].extract_text() or "" if reader.pages else ""
    except Exception:  # noqa: BLE001 — the PDF was checked already; text is best effort
        text = checked.first_pages_text or ""
    finally:
        checked.upload.seek(0)
    found = []
    for pattern in ANONYMOUS_PATTERNS:
        match = pattern.search(" ".join(text.split()))
        if match:
            found.append(match.group(0))
    if not found:
        return []
    return [
        "Page 1 still looks like the anonymous review version (it reads “"
        + "”, “".join(found)
        + "”). The final version should name its authors: check that you uploaded the right file."
    ]


# --- Changes -------------------------------------------------------------------------------


def _locked(submission):
    from submissions.models import Submission

    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("workshop", "submission_type", "decision", "camera_ready")
        .prefetch_related("workshop__dates")
        .get(pk=submission.pk)
    )


def _check_author(submission, by) -> None:
    if by is None or not submission.authors.filter(user=by).exists():
        raise CameraReadyError("Only the paper's authors can change its camera-ready version.")


def _check_open(locked, now) -> None:
    reason = closed_reason(locked, now=now)
    if reason:
        raise CameraReadyClosed(reason)


def upload(submission, checked, *, kind: str = FileKind.CAMERA_READY, by, warnings=None, now=None):
    """Store ``checked`` (a ``submissions.pdf.CheckedFile``) as the next version of ``kind``
    (camera-ready PDF, slides or poster). Returns the new ``SubmissionFile``, or None when it is
    the very file of the latest version. The page limit of the camera-ready is checked again
    here, under the lock."""
    from submissions.services.editing import _delete_stored, _store_file

    if kind not in FILE_KINDS:
        raise CameraReadyError("Not a file of the camera-ready.")
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _locked(submission)
            _check_author(locked, by)
            _check_open(locked, now)
            if kind == FileKind.CAMERA_READY:
                error = page_limit_error(checked.pages or 0, locked.submission_type)
                if error:
                    raise CameraReadyError(error)
            else:
                allowed = materials_for(locked)
                material = next(m for m, k in MATERIAL_FILE_KINDS.items() if k == kind)
                if material not in allowed:
                    raise CameraReadyError(
                        f"The workshop does not ask for {FILE_KINDS[kind]} for this paper."
                    )
            result = _store_file(locked, checked, kind, by=by, warnings=warnings, stored=stored)
            if result is None:
                return None
            label = FILE_KINDS[kind]
            message = f"{upper_first(label)} version {result.version}" + (
                f" ({result.pages} page{'s' if result.pages != 1 else ''})" if result.pages else ""
            )
            log_activity(locked, ActivityAction.FILE_UPLOADED, by=by, message=message)
            record(
                workshop=locked.workshop,
                kind=Kind.CAMERA_READY,
                action=f"{kind}_uploaded",
                actor=by,
                submission=locked,
                message=message,
                changes={f"{kind}_version": (result.version - 1 or None, result.version)},
            )
            return result
    except BaseException:
        _delete_stored(stored)
        raise


@dataclass
class FinalAuthor:
    name: str
    email: str
    affiliation: str = ""
    orcid: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name.strip(),
            "affiliation": self.affiliation.strip(),
            "email": self.email.strip().lower(),
            "orcid": self.orcid.strip(),
        }


def contact_email(submission) -> str:
    contact = submission.contact_author
    return contact.email.lower() if contact is not None else ""


def initial_metadata(submission) -> tuple[str, str, list[dict]]:
    """What the confirmation form shows first: the confirmed values, else the submission's."""
    final = camera_ready_of(submission)
    if final is not None and final.confirmed_at:
        return final.title, final.abstract, list(final.authors)
    authors = [
        {"name": a.name, "affiliation": a.affiliation, "email": a.email, "orcid": ""}
        for a in submission.ordered_authors
    ]
    return submission.title, submission.abstract, authors


def confirm_metadata(
    submission,
    *,
    by,
    title: str,
    abstract: str,
    authors: list[FinalAuthor],
    version: int | None,
    now: dt.datetime | None = None,
) -> CameraReady:
    """Record the final title, abstract and author list (printed order) as confirmed by ``by``.

    ``version`` is the version of the camera-ready the page showed (0: none yet): a save since
    raises :class:`EditConflict`, nothing written. The contact author must stay in the list.
    """
    when = now or deadlines.now()
    rows = [a.as_dict() for a in authors]
    if not title.strip():
        raise CameraReadyError("The final title cannot be empty.")
    if not rows:
        raise CameraReadyError("The author list cannot be empty.")
    emails = [r["email"] for r in rows]
    if len(set(emails)) != len(emails):
        raise CameraReadyError("An e-mail address is listed twice in the author list.")
    with transaction.atomic():
        locked = _locked(submission)
        _check_author(locked, by)
        _check_open(locked, when)
        contact = contact_email(locked)
        if contact and contact not in emails:
            who = locked.contact_author
            raise CameraReadyError(
                f"The contact author ({who.name}, {who.email}) must stay in the author list. "
                "Nothing was saved."
            )
        final = CameraReady.objects.filter(submission=locked).first()
        if final is None:
            if version:
                raise metadata_conflict(locked)
            final = CameraReady.objects.create(submission=locked)
            before = {"title": "", "abstract": "", "authors": []}
        else:
            before = {
                "title": final.title,
                "abstract": final.abstract,
                "authors": final.authors,
            }
            if claim(CameraReady, final.pk, version) is None:
                raise metadata_conflict(locked)
            final.refresh_from_db()
        after = {"title": title.strip(), "abstract": abstract.strip(), "authors": rows}
        changes = {k: (before[k], v) for k, v in after.items() if before[k] != v}
        first = final.confirmed_at is None
        final.title, final.abstract, final.authors = after["title"], after["abstract"], rows
        final.confirmed_at = when
        final.confirmed_by = by
        final.save()
        record(
            workshop=locked.workshop,
            kind=Kind.CAMERA_READY,
            action="metadata_confirmed",
            actor=by,
            submission=locked,
            message=(
                "Final title, abstract and authors confirmed"
                if first
                else "Final metadata changed: " + (", ".join(changes) or "confirmed again")
            ),
            changes=changes,
        )
        return final


def metadata_conflict(submission) -> EditConflict:
    final = CameraReady.objects.filter(submission=submission).select_related("confirmed_by").first()
    saved_by = ""
    if final is not None and final.confirmed_by_id:
        listed = submission.authors.filter(user_id=final.confirmed_by_id).first()
        saved_by = listed.name if listed else ""
    return EditConflict(
        "The final title, abstract or author list was changed after you opened this page: your "
        "changes were not saved.",
        version=final.version if final else 0,
        saved_by=saved_by,
        saved_at=final.updated_at if final else None,
        current=final,
    )


def set_video_url(submission, url: str, *, by, now: dt.datetime | None = None) -> CameraReady:
    with transaction.atomic():
        locked = _locked(submission)
        _check_author(locked, by)
        _check_open(locked, now)
        if url and Material.VIDEO not in materials_for(locked):
            raise CameraReadyError("The workshop does not ask for a video for this paper.")
        final, _ = CameraReady.objects.get_or_create(submission=locked)
        if final.video_url == url:
            return final
        before = final.video_url
        final.video_url = url
        final.save(update_fields=["video_url", "updated_at"])
        record(
            workshop=locked.workshop,
            kind=Kind.CAMERA_READY,
            action="video_set" if url else "video_removed",
            actor=by,
            submission=locked,
            message="Video link set" if url else "Video link removed",
            changes={"video_url": (before, url)},
        )
        return final


def set_deadline_override(submission, deadline: dt.datetime | None, *, by, now=None):
    """A chair grants the paper a later camera-ready deadline (None: back to the workshop's).

    Refused for a date not later than the workshop's camera-ready date or already past. The
    authors are e-mailed the new deadline once per date."""
    from mail.services import queue_email
    from submissions.emails import _site_url

    when = now or deadlines.now()
    with transaction.atomic():
        locked = _locked(submission)
        if not is_released_accept(locked):
            raise CameraReadyError("Only accepted papers with a released decision have one.")
        general = workshop_deadline(locked.workshop)
        if deadline is not None:
            if general is not None and deadline <= general:
                raise CameraReadyError(
                    "A paper's own camera-ready deadline must be later than the workshop's ("
                    f"{format_deadline(general, locked.workshop)})."
                )
            if deadline <= when:
                raise CameraReadyError("That date is already in the past: choose a later one.")
        final, _ = CameraReady.objects.get_or_create(submission=locked)
        before = final.deadline_override
        if before == deadline:
            return final
        final.deadline_override = deadline
        final.save(update_fields=["deadline_override", "updated_at"])
        record(
            workshop=locked.workshop,
            kind=Kind.CAMERA_READY,
            action="deadline_override",
            actor=by,
            submission=locked,
            message=(
                f"Camera-ready deadline set to {format_deadline(deadline, locked.workshop)}"
                if deadline
                else "Back to the workshop's camera-ready deadline"
            ),
            changes={"deadline_override": (before, deadline)},
        )
        if deadline is not None:
            from django.template.loader import render_to_string

            for author in locked.ordered_authors:
                queue_email(
                    recipient=author.email,
                    subject=f"[{locked.workshop.short_name}] New camera-ready deadline for "
                    f"paper #{locked.number}",
                    body=render_to_string(
                        "publication/email/camera_deadline.txt",
                        {
                            "submission": locked,
                            "workshop": locked.workshop,
                            "recipient": author,
                            "deadline_text": format_deadline(deadline, locked.workshop),
                            "url": _site_url(camera_ready_url(locked)),
                        },
                    ),
                    key=f"camera-deadline:{locked.pk}:{deadline.isoformat()}:{author.email.lower()}"[
                        :255
                    ],
                    workshop=locked.workshop,
                    user=author.user,
                    template_role="publication.camera_deadline",
                    reply_to=locked.workshop.contact_email,
                )
        return final


def tell_chairs_withdrawn(submission, *, by, reason: str = "") -> int:
    """An accepted paper was withdrawn: every chair who may see it is e-mailed, once."""
    from django.template.loader import render_to_string

    from mail.services import queue_email
    from reviews.permissions import excluded_submission_ids
    from reviews.services.emails import site_url
    from workshops.enums import MemberRole
    from workshops.models import Membership

    workshop = submission.workshop
    count = 0
    chairs = (
        Membership.objects.filter(workshop=workshop, role=MemberRole.CHAIR)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in chairs:
        chair = membership.user
        if excluded_submission_ids(chair, workshop).filter(pk=submission.pk).exists():
            continue
        queue_email(
            recipient=chair.email,
            subject=f"[{workshop.short_name}] Accepted paper #{submission.number} withdrawn",
            body=render_to_string(
                "publication/email/accepted_withdrawn.txt",
                {
                    "submission": submission,
                    "workshop": workshop,
                    "chair": chair,
                    "reason": reason,
                    "url": site_url(reverse("publication:camera_table", args=[workshop.slug])),
                },
            ),
            key=f"accepted-withdrawn:{submission.pk}:{chair.pk}",
            workshop=workshop,
            user=chair,
            template_role="publication.accepted_withdrawn",
        )
        count += 1
    record(
        workshop=workshop,
        kind=Kind.CAMERA_READY,
        action="accepted_withdrawn",
        actor=by,
        submission=submission,
        message=f"Accepted paper withdrawn; {count} chair{'s' if count != 1 else ''} told",
        from_state=SubmissionState.ACCEPTED,
        to_state=SubmissionState.WITHDRAWN,
    )
    return count


# --- The "missing" rule --------------------------------------------------------------------


def missing_q(workshop) -> Q:
    """Papers whose camera-ready is not complete: no final PDF, metadata not confirmed, or
    (when the workshop has terms) the current terms (kind and version) not accepted. Applies to the
    accepted papers (``accepted.accepted_submissions``)."""
    from submissions.models import SubmissionFile

    has_pdf = Exists(
        SubmissionFile.objects.filter(submission=OuterRef("pk"), kind=FileKind.CAMERA_READY)
    )
    confirmed = Exists(
        CameraReady.objects.filter(submission=OuterRef("pk"), confirmed_at__isnull=False)
    )
    q = ~has_pdf | ~confirmed
    settings = settings_of(workshop)
    if settings.terms_kind != TermsKind.NONE:
        accepted = Exists(
            TermsAcceptance.objects.filter(current_terms_q(settings), submission=OuterRef("pk"))
        )
        q |= ~accepted
    return q


def missing_papers(workshop, queryset=None):
    """The accepted papers (of ``queryset``, default all) whose camera-ready is incomplete."""
    from ..accepted import accepted_submissions

    papers = accepted_submissions(workshop)
    if queryset is not None:
        papers = papers.filter(pk__in=queryset.values("pk"))
    return papers.filter(missing_q(workshop))


def missing_items(submission, settings=None) -> list[str]:
    """The same rule for one paper (prefetched files and acceptances), as the page lists it."""
    settings = settings or settings_of(submission.workshop)
    items = []
    if submission.current_camera_ready is None:
        items.append("camera-ready PDF")
    final = camera_ready_of(submission)
    if final is None or final.confirmed_at is None:
        items.append("final title, abstract and authors")
    if terms_required(settings) and current_acceptance(submission, settings) is None:
        items.append(settings.terms_title or "publication terms")
    return items
