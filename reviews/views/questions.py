"""The chairs' page of the workshop's own review questions, beside the criteria."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from workshops.views.custom_fields import editor

from ..forms import ReviewQuestionForm
from ..models import ReviewQuestion
from ..services.questions import QuestionLocked, delete_question, update_question
from .common import managed_workshop_or_404


@login_required
def questions(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    return editor(
        request,
        workshop,
        model=ReviewQuestion,
        form_class=ReviewQuestionForm,
        save=lambda form, question, by: update_question(form, question, by=by),
        delete=delete_question,
        locked_error=QuestionLocked,
        url_name="reviews:questions",
        context={
            "title": "Review questions",
            "intro": "Questions reviewers answer besides the criteria's scores: text, single or "
            "multiple choice, checkbox or score. Each says who reads the answers: the authors "
            "and the committee (once reviews are released to the authors), the committee only, "
            "or the chairs only.",
        },
    )
