"""Editable notification templates with {placeholders}, rendered without touching Python objects.

Only the names in ``PLACEHOLDERS`` are allowed, without attribute access, indexing, conversions
or format specs, so a template can neither reach into objects nor fail at send time.
"""

from __future__ import annotations

from string import Formatter

from django.core.exceptions import ValidationError

from ..enums import DecisionOutcome

PLACEHOLDERS = {
    "title": "the paper's title",
    "number": "the paper's number",
    "outcome": "the decision, e.g. “Accept as poster”",
    "reviews": "the reviews and the chairs' comments, anonymized",
    "camera_ready_deadline": "the camera-ready deadline",
    "workshop": "the workshop's name",
    "author_name": "the recipient's name",
    "paper_url": "the link to the paper and its reviews on the site",
    "camera_ready_url": "the link to the paper's camera-ready page (accepted papers)",
}


def _parts(text: str):
    try:
        return list(Formatter().parse(text or ""))
    except ValueError as exc:
        raise ValidationError(
            "A brace is not closed or not escaped (write {{ and }} for literal braces): %(e)s",
            params={"e": exc},
        ) from None


def validate_template(text: str, allowed=None) -> None:
    """Raise ValidationError naming unknown placeholders or unsupported syntax.

    ``allowed`` names the placeholders of this kind of message (the decision letters' by
    default)."""
    allowed_names = PLACEHOLDERS if allowed is None else allowed
    unknown = []
    for _, field, spec, conversion in _parts(text):
        if field is None:
            continue
        if field not in allowed_names or spec or conversion:
            unknown.append("{" + field + (f"!{conversion}" if conversion else "") + "}")
    if unknown:
        names = ", ".join("{" + p + "}" for p in allowed_names)
        raise ValidationError(
            "Unknown placeholder %(bad)s. Use only: %(allowed)s.",
            params={"bad": ", ".join(unknown), "allowed": names},
        )


def render_template(text: str, values: dict[str, str], allowed=None) -> str:
    validate_template(text, allowed)
    out = []
    for literal, field, _, _ in _parts(text):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")))
    return "".join(out)


# The letters' subjects get the workshop's "[ACRONYM YEAR]" prefix when they do not name it
# (services.decisions.letter_subject), so the defaults leave the workshop out.
DEFAULT_ACCEPT_SUBJECT = "Paper #{number} accepted"
DEFAULT_ACCEPT_BODY = """Dear {author_name},

We are delighted to let you know that your paper

  #{number} {title}

has been accepted at {workshop}. Decision: {outcome}.

Please submit the camera-ready version by {camera_ready_deadline}:
{camera_ready_url}

Your paper and its reviews: {paper_url}

{reviews}

Congratulations, and thank you for submitting to {workshop}.

The program chairs
"""
DEFAULT_REJECT_SUBJECT = "Decision on paper #{number}"
DEFAULT_REJECT_BODY = """Dear {author_name},

Thank you for submitting your paper

  #{number} {title}

to {workshop}. We regret to inform you that it was not accepted this year.
We received many strong submissions and had to make difficult choices.

Your paper and its reviews: {paper_url}

{reviews}

We hope the reviews help you, and that you will submit again.

The program chairs
"""


def default_template(outcome: str) -> tuple[str, str]:
    if outcome == DecisionOutcome.REJECT:
        return DEFAULT_REJECT_SUBJECT, DEFAULT_REJECT_BODY
    return DEFAULT_ACCEPT_SUBJECT, DEFAULT_ACCEPT_BODY
