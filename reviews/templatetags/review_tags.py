"""Template tags for other apps' pages: ``{% load review_tags %}``.

``{% author_reviews submission %}`` renders the released decision and the anonymized reviews of
``submission`` for the signed-in author (nothing before the release, nothing for others).
"""

from django import template

from ..permissions import paper_rights
from ..views.author import author_review_context

register = template.Library()


@register.inclusion_tag("reviews/includes/author_reviews.html", takes_context=True)
def author_reviews(context, submission):
    request = context.get("request")
    user = getattr(request, "user", None)
    rights = paper_rights(user, submission)
    if not rights.is_author:
        return {"decision": None, "author_reviews": [], "hidden": True}
    return {**author_review_context(submission, rights), "hidden": False}
