"""The chairs' page of the workshop's own submission form fields, beside the call editor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from workshops.views.custom_fields import editor

from ..forms import SubmissionFieldForm
from ..models import SubmissionField
from ..services.fields import FieldLocked, delete_field, update_field
from .chair import _managed_workshop


@login_required
def fields(request, slug):
    workshop = _managed_workshop(request, slug)
    return editor(
        request,
        workshop,
        model=SubmissionField,
        form_class=SubmissionFieldForm,
        save=lambda form, field, by: update_field(form, field, by=by),
        delete=delete_field,
        locked_error=FieldLocked,
        url_name="submissions:fields",
        context={
            "title": "Submission form fields",
            "intro": "Questions the authors answer in the submission form besides the fixed "
            "ones (e.g. “Is the first author a student?”, “Link to code”): text, choice, "
            "checkbox or URL. The authors always see their answers; each field says whether "
            "reviewers read it too or only the chairs. A required field is needed to submit.",
        },
    )
