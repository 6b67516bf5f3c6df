"""The chairs' editor of a workshop's own questions (review questions, submission fields).

One page lists the questions with their answer counts, edits one (``?edit=<id>``) or adds a new
one; a question with answers is locked: its edit and delete are refused with a message and
nothing changes. Both apps call :func:`editor` with their model, form and services.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render

from ..concurrency import EditConflict


def editor(
    request,
    workshop,
    *,
    model,
    form_class,
    save,
    delete,
    locked_error,
    url_name: str,
    context: dict,
):
    questions = list(model.objects.filter(workshop=workshop).annotate(n_answers=Count("answers")))
    by_id = {q.pk: q for q in questions}

    def chosen(value):
        try:
            question = by_id[int(value)]
        except (TypeError, ValueError, KeyError):
            raise Http404 from None
        return question

    edit_id = request.POST.get("question") or request.GET.get("edit")
    editing = chosen(edit_id) if edit_id else None
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            question = chosen(request.POST.get("question"))
            try:
                delete(question, by=request.user)
            except locked_error as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"“{question.label}” deleted.")
            return redirect(url_name, slug=workshop.slug)
        instance = editing or model(workshop=workshop)
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                question = save(form, instance, by=request.user)
            except locked_error as exc:
                messages.error(request, str(exc))
                return redirect(url_name, slug=workshop.slug)
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            else:
                messages.success(request, f"“{question.label}” saved.")
                return redirect(url_name, slug=workshop.slug)
        else:
            status = 400
    else:
        instance = editing or model(workshop=workshop, order=len(questions) + 1)
        form = form_class(instance=instance)
    if editing is not None and editing.n_answers:
        # Shown read-only: the page says why it cannot change.
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "workshops/custom_fields_editor.html",
        {
            "workshop": workshop,
            "questions": questions,
            "form": form,
            "editing": editing,
            "url_name": url_name,
            **context,
        },
        status=status,
    )
