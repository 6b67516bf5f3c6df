"""The proceedings of an archival workshop: the order of its papers and the bundle handed to a
publisher.

The bundle is one zip, built in a temporary file on disk (one PDF in memory at a time), with

- ``papers/NN-<slugified-title>.pdf``: the latest camera-ready of each accepted paper, named
  by its place in the proceedings;
- ``metadata.json`` and ``metadata.csv``: order, number, title, authors with affiliations and
  ORCID iDs, abstract, pages (count and range), outcome, file name and SHA-256;
- ``proceedings.bib``: one ``@inproceedings`` per paper, pages consecutive in order.

Order: ``CameraReady.proceedings_order`` where a chair set it, then the paper number.
The bundle is refused (``ProceedingsPlan.problems``) when the workshop is not archival, has no
accepted paper, a paper is incomplete by the camera-ready pages' rule
(``services.camera_ready.missing_papers``: no camera-ready PDF, metadata not confirmed, or the
current terms not accepted; each such paper is listed with what it lacks), or the chair has a
conflict of interest with an accepted paper (they would otherwise hand over an incomplete
proceedings).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from activity.models import Kind
from activity.services import record
from submissions.permissions import managed_by
from workshops.concurrency import EditConflict

from .accepted import (
    accepted_submissions,
    camera_ready_of,
    printed_abstract,
    printed_authors,
    printed_title,
)
from .models import CameraReady, PublicationSettings
from .publishing import outcome_label
from .services.camera_ready import missing_items, missing_papers
from .services.camera_ready import settings_of as camera_ready_settings_of

RECORD_HEADER = [
    "order",
    "number",
    "title",
    "authors",
    "abstract",
    "pages",
    "outcome",
    "outcome_label",
]
METADATA_HEADER = [*RECORD_HEADER, "first_page", "last_page", "file", "sha256"]


def _order_key(submission):
    final = camera_ready_of(submission)
    order = final.proceedings_order if final is not None else None
    return (order is None, order or 0, submission.number)


def ordered_accepted(workshop, queryset=None) -> list[tuple[int, object]]:
    """``(place, submission)`` of the accepted papers (``queryset``: by default all of them),
    in proceedings order, places from 1."""
    papers = list(accepted_submissions(workshop) if queryset is None else queryset)
    papers.sort(key=_order_key)
    return list(enumerate(papers, start=1))


def paper_record(submission, order: int) -> dict:
    camera_ready = submission.current_camera_ready
    return {
        "order": order,
        "number": submission.number,
        "title": printed_title(submission),
        "authors": [
            {"name": a["name"], "affiliation": a["affiliation"], "orcid": a["orcid"]}
            for a in printed_authors(submission)
        ],
        "abstract": printed_abstract(submission),
        "pages": camera_ready.pages if camera_ready else None,
        "outcome": submission.decision.outcome,
        "outcome_label": outcome_label(submission) or "Paper",
    }


def order_fingerprint(papers: list[tuple[int, object]]) -> str:
    """What the order form showed: a page loaded before another change is refused."""
    text = ",".join(
        f"{s.number}:{getattr(camera_ready_of(s), 'proceedings_order', None)}" for _o, s in papers
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- Readiness ---------------------------------------------------------------------------------


@dataclass
class ProceedingsPlan:
    archival: bool
    papers: list = field(default_factory=list)  # (place, submission) the chair may see
    missing: list = field(default_factory=list)  # submissions without a camera-ready PDF
    # (submission, what it lacks) for every incomplete paper (services.camera_ready rule)
    incomplete: list = field(default_factory=list)
    conflicted: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems


def plan(workshop, user) -> ProceedingsPlan:
    """What the bundle would hold for ``user``, and why it cannot be built yet."""
    result = ProceedingsPlan(archival=bool(workshop.is_archival))
    if not result.archival:
        result.problems.append(
            "This workshop is not archival: it has no proceedings to bundle (set the "
            "“archival” policy on the call to change that)."
        )
        return result
    everything = accepted_submissions(workshop)
    visible = list(managed_by(user, everything))
    all_ids = set(everything.values_list("pk", flat=True))
    result.conflicted = bool(all_ids - {s.pk for s in visible})
    result.papers = ordered_accepted(workshop, visible)
    result.missing = [s for _o, s in result.papers if s.current_camera_ready is None]
    # The one "incomplete" rule of the camera-ready pages (PDF, confirmed metadata, current
    # terms): a paper the reminders chase is not handed to the publisher either.
    incomplete_ids = set(
        missing_papers(workshop, managed_by(user, everything)).values_list("pk", flat=True)
    )
    if incomplete_ids:
        settings = camera_ready_settings_of(workshop)
        papers = [s for _o, s in result.papers if s.pk in incomplete_ids]
        prefetch_related_objects(papers, "terms_acceptances")
        for s in papers:
            result.incomplete.append((s, missing_items(s, settings)))
    if result.conflicted:
        result.problems.append(
            "You have a conflict of interest with at least one accepted paper, so you cannot "
            "download or reorder the proceedings: another chair must do it."
        )
    if not all_ids:
        result.problems.append("No accepted paper with a released decision yet.")
    if result.incomplete:
        count = len(result.incomplete)
        result.problems.append(
            f"{count} accepted paper{'s' if count != 1 else ''} not ready for the publisher: "
            "the bundle is built once every paper has its camera-ready PDF, its confirmed "
            "title, abstract and authors and, when the workshop has terms, the current terms "
            "accepted."
        )
        result.problems.extend(
            f"#{s.number} {printed_title(s)}: missing {', '.join(items)}."
            for s, items in result.incomplete
        )
    return result


# --- Order -------------------------------------------------------------------------------------


def set_order(workshop, *, by, positions: dict[int, int], fingerprint: str) -> int:
    """Put the accepted papers in the order of ``positions`` (paper number → wanted place; on a
    tie the paper moved goes first, then the current order; papers left out keep their place).
    Returns how many moved.

    Refused (``EditConflict``, nothing written) when the order changed since the form was
    loaded, and (``PermissionError``) for a chair with a conflict on any accepted paper."""
    with transaction.atomic():
        # One chair at a time: the publication settings row is the workshop's lock.
        PublicationSettings.objects.select_for_update().get_or_create(workshop=workshop)
        everything = accepted_submissions(workshop)
        papers = ordered_accepted(workshop)
        if len(list(managed_by(by, everything))) != len(papers):
            raise PermissionError("A chair with a conflict of interest cannot reorder.")
        if fingerprint != order_fingerprint(papers):
            raise EditConflict(
                "Another chair changed the order (or the accepted papers changed) after you "
                "opened this page: nothing was saved. Here is the order as it is now."
            )

        def wanted_key(item):
            place, submission = item
            wanted = positions.get(submission.number, place)
            # On a tie, the paper the chair moved goes before the one already there.
            return (wanted, wanted == place, place)

        wanted = sorted(papers, key=wanted_key)
        moved = 0
        for place, (_before, submission) in enumerate(wanted, start=1):
            final = camera_ready_of(submission)
            before = final.proceedings_order if final is not None else None
            if before == place:
                continue
            CameraReady.objects.update_or_create(
                submission=submission, defaults={"proceedings_order": place}
            )
            record(
                workshop=workshop,
                kind=Kind.CAMERA_READY,
                action="proceedings_order",
                actor=by,
                submission=submission,
                message=f"Place in the proceedings set to {place}.",
                changes={"proceedings_order": (before, place)},
            )
            moved += 1
        return moved


# --- BibTeX ------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    """``text`` safe inside a braced BibTeX field: LaTeX specials escaped, braces balanced,
    line breaks folded (UTF-8 is kept: biber and modern BibTeX read it)."""
    text = " ".join(str(text).split())
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], text)


def _bib_name(name: str) -> str:
    # A name holding " and " or a comma would be split by BibTeX: keep it whole.
    name = bibtex_escape(name)
    return "{" + name + "}" if re.search(r",|\band\b", name) else name


def bibtex_entry(workshop, record: dict, key: str) -> str:
    booktitle = f"Proceedings of the {workshop.name}"
    if workshop.acronym:
        booktitle += f" ({workshop.short_name})"
    fields = [
        ("title", "{" + bibtex_escape(record["title"]) + "}"),  # keeps its capitals
        ("author", " and ".join(_bib_name(a["name"]) for a in record["authors"])),
        ("booktitle", bibtex_escape(booktitle)),
    ]
    if workshop.year:
        fields.append(("year", str(workshop.year)))
    if record.get("first_page"):
        fields.append(("pages", f"{record['first_page']}--{record['last_page']}"))
    if workshop.proceedings:
        fields.append(("publisher", bibtex_escape(workshop.proceedings)))
    if record["abstract"]:
        fields.append(("abstract", bibtex_escape(record["abstract"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@inproceedings{{{key},\n{body}\n}}\n"


def bibtex_key(workshop, record: dict) -> str:
    base = re.sub(r"[^A-Za-z0-9]", "", workshop.acronym or workshop.slug) or "paper"
    return f"{base}{workshop.year or ''}-{record['order']:02d}"


# --- The bundle --------------------------------------------------------------------------------


def pdf_name(record: dict, width: int) -> str:
    title = slugify(record["title"])[:60].strip("-") or f"paper-{record['number']}"
    return f"papers/{record['order']:0{width}d}-{title}.pdf"


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def build_bundle(workshop, papers: list[tuple[int, object]]):
    """The zip of ``papers`` (a ready plan's), in an open temporary file at position 0."""
    width = max(2, len(str(len(papers))))
    records = []
    out = tempfile.TemporaryFile()
    next_page = 1
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for order, submission in papers:
            camera_ready = submission.current_camera_ready
            with camera_ready.file.open("rb") as handle:
                data = handle.read()
            entry = paper_record(submission, order)
            pages = camera_ready.pages or _page_count(data)
            entry.update(
                pages=pages,
                first_page=next_page,
                last_page=next_page + pages - 1,
                file=pdf_name(entry, width),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            next_page += pages
            archive.writestr(entry["file"], data, compress_type=zipfile.ZIP_STORED)
            del data
            records.append(entry)
        archive.writestr(
            "metadata.json",
            json.dumps(
                {
                    "workshop": {
                        "name": workshop.name,
                        "acronym": workshop.acronym,
                        "year": workshop.year,
                        "proceedings": workshop.proceedings,
                        "url": workshop.get_absolute_url(),
                    },
                    "generated_at": timezone.now().isoformat(),
                    "papers": records,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
        text = io.StringIO()
        from .exports import write_csv

        write_csv(text, METADATA_HEADER, records)
        archive.writestr("metadata.csv", text.getvalue())
        archive.writestr(
            "proceedings.bib",
            "\n".join(bibtex_entry(workshop, r, bibtex_key(workshop, r)) for r in records),
        )
    out.seek(0)
    return out
