"""The workshop's publication terms (a copyright or licence form, or a consent to post the paper)
and the authors' recorded acceptances; and saving the publication settings.

An acceptance records who, when, the kind, the title, the version and the sha256 of the exact
text shown. A new version of the terms asks again (one acceptance per paper and version).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction

from activity.models import Kind
from activity.services import record
from submissions.services import deadlines

from ..models import PublicationSettings, TermsAcceptance
from .camera_ready import (  # noqa: F401  (current_acceptance, terms_required: re-exported)
    CameraReadyError,
    _check_author,
    _check_open,
    _locked,
    current_acceptance,
    current_terms_q,
    settings_of,
    terms_required,
)


def terms_sha256(settings: PublicationSettings) -> str:
    return hashlib.sha256((settings.terms_text or "").encode("utf-8")).hexdigest()


def accept_terms(
    submission, *, by, version: str, sha256: str, now: dt.datetime | None = None
) -> TermsAcceptance:
    """Record that ``by`` accepted the terms shown (``version`` and ``sha256`` of the page).

    Refused (nothing saved) when the workshop has no terms, when the terms changed since the
    page was shown, or when the camera-ready is closed. Accepting the same version twice
    returns the first acceptance."""
    with transaction.atomic():
        locked = _locked(submission)
        _check_author(locked, by)
        _check_open(locked, now or deadlines.now())
        settings = PublicationSettings.objects.filter(workshop=locked.workshop).first()
        if settings is None or not terms_required(settings):
            raise CameraReadyError("This workshop has no publication terms to accept.")
        if settings.terms_version != version or terms_sha256(settings) != sha256:
            raise CameraReadyError(
                "The publication terms changed after you opened this page: read the current "
                "version below and accept it. Nothing was recorded."
            )
        earlier = TermsAcceptance.objects.filter(
            submission=locked, terms_version=settings.terms_version
        ).first()
        if earlier is not None and earlier.kind == settings.terms_kind:
            return earlier
        if earlier is not None:
            # Terms of another kind were accepted under the same version string (saved before
            # the settings form asked for a new version when the kind changes).
            raise CameraReadyError(
                "Terms of another kind were accepted for this paper under the same version: "
                "the chairs must give the current terms a new version. Nothing was recorded."
            )
        try:
            with transaction.atomic():
                acceptance = TermsAcceptance.objects.create(
                    submission=locked,
                    user=by,
                    kind=settings.terms_kind,
                    terms_title=settings.terms_title,
                    terms_version=settings.terms_version,
                    terms_sha256=terms_sha256(settings),
                )
        except IntegrityError:  # a co-author accepted at the same moment
            return TermsAcceptance.objects.get(current_terms_q(settings), submission=locked)
        record(
            workshop=locked.workshop,
            kind=Kind.TERMS,
            action="accepted",
            actor=by,
            submission=locked,
            message=f"{settings.terms_title or settings.get_terms_kind_display()} "
            f"version {settings.terms_version} accepted",
            changes={"terms_version": (None, settings.terms_version)},
        )
        return acceptance


SETTINGS_FIELDS = (
    "instructions",
    "terms_kind",
    "terms_title",
    "terms_text",
    "terms_version",
    "material",
    "publish_papers",
)


def save_settings(form, *, by, page_limits: dict | None = None) -> PublicationSettings:
    """Save the chairs' settings form (a ``VersionedFormMixin`` model form) and the camera-ready
    page limit of each submission type, in one transaction, logging what changed.

    ``page_limits`` maps a ``SubmissionType`` to its new limit (None: same as for review)."""
    instance = form.instance
    workshop = instance.workshop
    before = {}
    if instance.pk:
        saved = PublicationSettings.objects.get(pk=instance.pk)
        before = {f: getattr(saved, f) for f in SETTINGS_FIELDS}
    with transaction.atomic():
        settings = form.save_versioned(
            message="The publication settings were changed after you opened this page: your "
            "changes were not saved.",
            find=lambda: PublicationSettings.objects.filter(workshop=workshop).first(),
        )
        changes = {
            f: (before.get(f), getattr(settings, f))
            for f in SETTINGS_FIELDS
            if before.get(f) != getattr(settings, f)
            and not (not before and not getattr(settings, f))
        }
        for submission_type, limit in (page_limits or {}).items():
            if submission_type.camera_ready_page_limit != limit:
                changes[f"camera_ready_page_limit[{submission_type.name}]"] = (
                    submission_type.camera_ready_page_limit,
                    limit,
                )
                submission_type.camera_ready_page_limit = limit
                submission_type.save(update_fields=["camera_ready_page_limit"])
        if changes:
            record(
                workshop=workshop,
                kind=Kind.SETTINGS,
                action="publication_settings",
                actor=by,
                message="Camera-ready and publication settings changed: " + ", ".join(changes),
                changes=changes,
            )
    workshop._publication_settings = settings
    return settings
