"""Publishing the accepted papers: the chairs' switch, and what the public pages show.

The switch is ``PublicationSettings.accepted_published_at``; it changes only through
:func:`set_accepted_published`, which is versioned (a page loaded before another chair's change
is refused), idempotent (asking for the state the workshop is already in changes nothing) and
recorded in the activity log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from activity.models import Kind
from activity.services import record
from reviews.enums import DecisionOutcome
from workshops.concurrency import EditConflict, claim

from .accepted import accepted_submissions, printed_abstract, printed_authors, printed_title
from .models import PublicationSettings, TermsKind

# How an accept outcome reads on the public pages ("" for a plain accept: no format to tell).
PUBLIC_OUTCOME_LABELS = {
    DecisionOutcome.ACCEPT: "",
    DecisionOutcome.ACCEPT_TALK: "Talk",
    DecisionOutcome.ACCEPT_POSTER: "Poster",
    DecisionOutcome.ACCEPT_VIRTUAL_TALK: "Virtual talk",
    DecisionOutcome.ACCEPT_VIRTUAL_POSTER: "Virtual poster",
}


def outcome_label(submission) -> str:
    return PUBLIC_OUTCOME_LABELS.get(submission.decision.outcome, "")


def settings_of(workshop) -> PublicationSettings | None:
    """The workshop's publication settings, or None when no chair has set any: no query when
    the workshop was loaded with ``select_related("publication_settings")``, one otherwise."""
    from workshops.models import Workshop

    if Workshop.publication_settings.is_cached(workshop):
        try:
            return workshop.publication_settings
        except PublicationSettings.DoesNotExist:
            return None
    return PublicationSettings.objects.filter(workshop=workshop).first()


@dataclass
class PublicPaper:
    """One accepted paper as the public pages show it."""

    number: int
    title: str
    authors: list[dict]
    outcome: str
    abstract: str
    pdf_name: str = ""  # the camera-ready's download name, "" when not published

    @property
    def affiliations(self) -> list[str]:
        """The distinct affiliations in printed order (for the numbered footnote style)."""
        seen: list[str] = []
        for author in self.authors:
            if author["affiliation"] and author["affiliation"] not in seen:
                seen.append(author["affiliation"])
        return seen


def may_post_pdf(settings: PublicationSettings, submission) -> bool:
    """Whether the public pages may offer ``submission``'s camera-ready PDF: the workshop
    publishes its papers, the paper has a camera-ready and, where the terms are a consent to
    post the paper on the website, one of its authors has accepted the current terms (the same
    rule as everywhere else: kind and version). Reads ``files`` and ``terms_acceptances``
    through ``.all()`` (prefetches)."""
    if not settings.publish_papers or submission.current_camera_ready is None:
        return False
    if settings.terms_kind == TermsKind.CONSENT:
        from .services.camera_ready import current_acceptance

        return current_acceptance(submission, settings) is not None
    return True


def pdf_filename(workshop, submission) -> str:
    title = slugify(printed_title(submission))[:60].strip("-") or "paper"
    return f"{workshop.slug}-{submission.number}-{title}.pdf"


def public_papers(workshop, settings: PublicationSettings | None) -> list[PublicPaper]:
    """The published accepted papers, in number order (three queries whatever their number)."""
    if settings is None or not settings.accepted_published:
        return []
    papers = []
    for submission in accepted_submissions(workshop).prefetch_related("terms_acceptances"):
        papers.append(
            PublicPaper(
                number=submission.number,
                title=printed_title(submission),
                authors=printed_authors(submission),
                outcome=outcome_label(submission),
                abstract=printed_abstract(submission),
                pdf_name=(
                    pdf_filename(workshop, submission) if may_post_pdf(settings, submission) else ""
                ),
            )
        )
    return papers


@dataclass
class AcceptedSection:
    published: bool = False
    papers: list[PublicPaper] = field(default_factory=list)


def accepted_context(workshop) -> dict:
    """What ``templates/publication/includes/accepted_section.html`` needs, in a constant number
    of queries: none while unpublished (with the settings joined to the workshop, as the
    workshop page does), three once published."""
    settings = settings_of(workshop)
    published = bool(settings and settings.accepted_published)
    return {"accepted": AcceptedSection(published, public_papers(workshop, settings))}


# --- The chairs' switch ------------------------------------------------------------------------


def _switch(
    workshop, field: str, value, *, on: bool, is_on, by, version, action: str, message: str
):
    """Turn one public switch of the workshop's publication settings ``on`` or off, by setting
    ``field`` to ``value``; ``is_on(settings)`` reads the switch's state. ``version`` is the
    ``PublicationSettings.version`` the chair's page showed (0 when the row did not exist yet).
    Asking for the current state changes nothing, whatever the version; asking for a change with
    a stale version raises :class:`EditConflict` and writes nothing. Returns whether anything
    changed."""
    with transaction.atomic():
        settings, created = PublicationSettings.objects.select_for_update().get_or_create(
            workshop=workshop
        )
        before = getattr(settings, field)
        if is_on(settings) == on:
            return False
        if not created and version is not None and version != settings.version:
            raise EditConflict(
                "Another chair changed the publication settings after you opened this page: "
                "nothing was changed. Check the page as it is now and try again.",
                version=settings.version,
                saved_at=settings.updated_at,
            )
        claim(PublicationSettings, settings.pk, None)
        PublicationSettings.objects.filter(pk=settings.pk).update(
            **{field: value, "updated_at": timezone.now()}
        )
        record(
            workshop=workshop,
            kind=Kind.SETTINGS,
            action=action,
            actor=by,
            message=message,
            changes={field: (before, value)},
        )
        return True


def set_accepted_published(workshop, *, publish: bool, by, version: int | None) -> bool:
    """Publish (or take down) the workshop's accepted papers (see :func:`_switch`)."""
    return _switch(
        workshop,
        "accepted_published_at",
        timezone.now() if publish else None,
        on=publish,
        is_on=lambda settings: settings.accepted_published,
        by=by,
        version=version,
        action="accepted_published" if publish else "accepted_unpublished",
        message=(
            "Accepted papers published on the workshop page."
            if publish
            else "Accepted papers taken down from the workshop page."
        ),
    )


def set_publish_papers(workshop, *, publish_papers: bool, by, version: int | None) -> bool:
    """Link (or stop linking) the camera-ready PDFs from the public list (see :func:`_switch`)."""
    return _switch(
        workshop,
        "publish_papers",
        publish_papers,
        on=publish_papers,
        is_on=lambda settings: settings.publish_papers,
        by=by,
        version=version,
        action="papers_published" if publish_papers else "papers_unpublished",
        message=(
            "Camera-ready PDFs linked from the accepted papers."
            if publish_papers
            else "Camera-ready PDFs no longer linked from the accepted papers."
        ),
    )
