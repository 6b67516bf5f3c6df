"""Template tags of the author response, for the pages that show it: ``{% load response_tags %}``.

``{% response_link submission %}`` — for an author during the response window: a link to the
response page with its deadline (nothing for anyone else).
``{% committee_response submission %}`` — the response, signed "Authors", for the paper's
reviewers, area chairs and chairs (``PaperRights.can_read_response``).
``{% review_updates submission %}`` — for chairs and the paper's area chairs: the reviews
updated after the response, each with a link to what changed.
``{% papers_updated_after_response workshop as ids %}`` — ids of the papers with a review
updated after the response (one query), for the chairs' dashboard.
"""

from django import template

from ..models import AuthorResponse, ReviewVersion
from ..permissions import paper_rights, papers_for_manager, review_settings
from ..services.responses import deadline_for, window_open
from ..services.review_versions import updated_after_response_ids

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("reviews/includes/response_link.html", takes_context=True)
def response_link(context, submission):
    rights = paper_rights(_user(context), submission)
    if not rights.author_can_respond:
        return {"show": False}
    response = AuthorResponse.objects.filter(submission=submission).first()
    return {
        "show": True,
        "open": window_open(submission, rights, response),
        "deadline": deadline_for(submission, response),
        "response": response,
        "workshop": submission.workshop,
        "paper": submission,
    }


@register.inclusion_tag("reviews/includes/author_response_card.html", takes_context=True)
def committee_response(context, submission):
    rights = paper_rights(_user(context), submission)
    if not rights.can_read_response:
        return {"response": None}
    response = (
        AuthorResponse.objects.filter(submission=submission, submitted_at__isnull=False)
        .only("id", "text", "words", "submitted_at", "updated_at", "submission_id")
        .first()
    )
    return {
        "response": response,
        "workshop": submission.workshop,
        "still_open": rights.phase is not None and rights.phase.authors_respond,
    }


@register.inclusion_tag("reviews/includes/review_updates.html", takes_context=True)
def review_updates(context, submission):
    rights = paper_rights(_user(context), submission)
    if not rights.can_see_review_versions:
        return {"show": False}
    ordinals = sorted(
        set(
            ReviewVersion.objects.filter(
                review__assignment__submission=submission, after_response=True
            ).values_list("review__assignment__ordinal", flat=True)
        )
    )
    responded = AuthorResponse.objects.filter(
        submission=submission, submitted_at__isnull=False
    ).exists()
    settings = review_settings(submission.workshop)
    response = None
    if rights.can_assign and settings.response_enabled:
        response = AuthorResponse.objects.filter(submission=submission).first()
    return {
        "show": responded or bool(ordinals) or (rights.can_assign and settings.response_enabled),
        "responded": responded,
        "ordinals": ordinals,
        "workshop": submission.workshop,
        "paper": submission,
        # Chairs: the paper's response deadline and the form to extend it.
        "can_extend": rights.can_assign and settings.response_enabled,
        "deadline": deadline_for(submission, response) if rights.can_assign else None,
        "own_deadline": bool(response and response.deadline_override),
    }


@register.simple_tag(takes_context=True)
def papers_updated_after_response(context, workshop) -> set[int]:
    user = _user(context)
    if user is None:
        return set()
    return updated_after_response_ids(papers_for_manager(user, workshop).order_by().values("pk"))
