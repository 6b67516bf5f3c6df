"""What the public sees of a program: only once published, and only released accepted papers.

``program_context`` loads the whole program in a constant number of queries (the program
row, the sessions, their people, their slots with each paper, decision and camera-ready
joined, the papers' authors), whatever the number of sessions and papers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch

from publication.accepted import ACCEPT_OUTCOMES, printed_authors, printed_title
from submissions.enums import SubmissionState
from submissions.models import Authorship, Submission
from submissions.permissions import managed_by

from .models import Program, Session, SessionKind, Slot


@dataclass
class Item:
    """One line of a session: a paper (printed title and authors) or a titled item."""

    title: str
    authors: list[dict] = field(default_factory=list)
    number: int | None = None
    duration_minutes: int | None = None
    starts_at: dt.datetime | None = None

    @property
    def is_paper(self) -> bool:
        return self.number is not None

    @property
    def author_names(self) -> str:
        return ", ".join(a["name"] for a in self.authors)


def is_public_paper(submission) -> bool:
    """An accepted paper whose decision is released: its title and authors may be printed."""
    try:
        decision = submission.decision
    except ObjectDoesNotExist:
        return False
    return bool(
        submission.state == SubmissionState.ACCEPTED
        and decision is not None
        and decision.released_at is not None
        and decision.outcome in ACCEPT_OUTCOMES
    )


# as the builder (``program.views._slot_line``) names it
HIDDEN_PAPER = "A paper you are conflicted with"


def items_of(session: Session, *, hidden_unless: set[int] | None = None) -> list[Item]:
    """The public lines of a session, in order; talks get their start time when the
    durations before them are known. A paper not (or no longer) public is left out.

    ``hidden_unless`` (the chairs' preview of an unpublished program): the ids of the papers
    the viewer may manage; any other paper is listed unnamed, without its authors."""
    items, clock = [], session.starts_at
    timed = session.kind in (SessionKind.TALKS, SessionKind.INVITED, SessionKind.PANEL)
    for slot in session.slots.all():
        starts = clock if timed and clock is not None else None
        if clock is not None:
            clock = (
                clock + dt.timedelta(minutes=slot.duration_minutes)
                if slot.duration_minutes
                else None
            )
        if slot.submission_id is not None:
            paper = slot.submission
            if not is_public_paper(paper):
                continue
            if hidden_unless is not None and paper.pk not in hidden_unless:
                items.append(
                    Item(
                        title=HIDDEN_PAPER, duration_minutes=slot.duration_minutes, starts_at=starts
                    )
                )
                continue
            items.append(
                Item(
                    title=printed_title(paper),
                    authors=printed_authors(paper),
                    number=paper.number,
                    duration_minutes=slot.duration_minutes,
                    starts_at=starts,
                )
            )
        elif slot.title:
            items.append(
                Item(title=slot.title, duration_minutes=slot.duration_minutes, starts_at=starts)
            )
    return items


def sessions_with_slots(workshop):
    """The workshop's sessions in time order, with people and slots (papers, decisions,
    camera-ready rows and authors) loaded: five queries in all."""
    slots = Slot.objects.select_related(
        "submission", "submission__decision", "submission__camera_ready"
    ).prefetch_related(
        Prefetch("submission__authors", queryset=Authorship.objects.order_by("order", "pk"))
    )
    return Session.objects.filter(workshop=workshop).prefetch_related(
        "people", Prefetch("slots", queryset=slots)
    )


def published_program(workshop) -> Program | None:
    """The workshop's program if published (no query when ``select_related("program")``)."""
    try:
        program = workshop.program
    except ObjectDoesNotExist:
        return None
    return program if program is not None and program.is_published else None


def program_context(workshop, *, preview: bool = False, viewer=None) -> dict:
    """``program`` (None while unpublished) and ``program_sessions`` (each with ``items``).

    ``preview`` (for the chairs' preview page only) shows an unpublished program too, to
    ``viewer``: a paper the viewer may not manage (conflicted with, or an author of) is
    listed unnamed until the program is published."""
    program = published_program(workshop)
    hidden_unless = None
    if program is None and preview:
        program = Program.objects.filter(workshop=workshop).first()
        if program is not None:
            hidden_unless = set(
                managed_by(viewer, Submission.objects.filter(workshop=workshop)).values_list(
                    "pk", flat=True
                )
            )
    if program is None:
        return {"program": None, "program_sessions": []}
    sessions = list(sessions_with_slots(workshop))
    for session in sessions:
        session.items = items_of(session, hidden_unless=hidden_unless)
    return {"program": program, "program_sessions": sessions}
