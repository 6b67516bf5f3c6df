"""Chair pages: create a workshop, its dashboard, and the page that edits the whole call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from .. import services
from ..concurrency import EditConflict, claim, conflict_with, saved_values
from ..enums import DateKind
from ..forms import WorkshopForm, call_formsets
from ..models import Workshop
from .mixins import WorkshopPermissionMixin


class WorkshopCreateView(LoginRequiredMixin, View):
    """A new workshop from the main form; its creator becomes its chair."""

    template_name = "workshops/manage/create.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("workshops.create_workshop"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": WorkshopForm()})

    def post(self, request):
        form = WorkshopForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        workshop = services.create_workshop(form.save(commit=False), by=request.user)
        messages.success(
            request,
            f"{workshop.short_name} was created and you are its chair. "
            "Add its dates, topics and submission types below.",
        )
        return redirect("workshops:edit", slug=workshop.slug)


class WorkshopDashboardView(WorkshopPermissionMixin, TemplateView):
    """A chair's home for one workshop: its state, what is missing, links to every chair page."""

    permission_required = "workshops.change_workshop"
    template_name = "workshops/manage/dashboard.html"

    def get_workshop_queryset(self):
        return Workshop.objects.with_call_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop = self.workshop
        todo = []
        if not workshop.is_published:
            todo.append("The workshop is not published: only its chairs can see its page.")
        if workshop.date(DateKind.PAPER_SUBMISSION) is None:
            todo.append("There is no paper submission deadline yet.")
        if not workshop.submission_types.all():
            todo.append("There is no submission type (with its page limit) yet.")
        if not workshop.topics.all():
            todo.append("The call lists no topics yet.")
        if not workshop.criteria.all():
            todo.append("There are no review criteria yet.")
        context.update(
            {
                "todo": todo,
                "dates": services.dates_in_order(workshop.dates.all()),
                "next_date": services.next_deadline(workshop),
            }
        )
        return context


class WorkshopEditView(WorkshopPermissionMixin, View):
    """The workshop form and every formset of its call, saved together or not at all."""

    permission_required = "workshops.change_workshop"
    template_name = "workshops/manage/edit.html"

    def get(self, request, slug):
        form = WorkshopForm(instance=self.workshop)
        return self.render(form, call_formsets(self.workshop))

    def post(self, request, slug):
        form = WorkshopForm(request.POST, instance=self.workshop)
        formsets = call_formsets(self.workshop, request.POST, request.FILES)
        # Validate everything (not just up to the first error) so every message shows at once.
        valid = [form.is_valid()] + [formset.is_valid() for formset in formsets]
        if all(valid):
            try:
                with transaction.atomic():
                    # Compare-and-set on the version the page showed: a chair who saved in
                    # another tab (or another chair) since is never silently undone.
                    changed = form.has_changed() or any(f.has_changed() for f in formsets)
                    claimed = claim(
                        Workshop, self.workshop.pk, form.loaded_version, move_on=changed
                    )
                    if claimed is None:
                        raise conflict_with(
                            Workshop.objects.filter(pk=self.workshop.pk).first(),
                            "The call was saved by someone else (or in another tab) after you "
                            "opened this page: nothing of your changes was saved.",
                        )
                    form.instance.version = claimed
                    workshop = form.save()
                    for formset in formsets:
                        formset.save()
            except EditConflict as conflict:
                return self.refuse(form, formsets, conflict)
            except IntegrityError:
                form.add_error(
                    None,
                    "The call could not be saved as it conflicts with other data; "
                    "nothing was changed. Please check for duplicate names and try again.",
                )
            else:
                messages.success(request, f"{workshop.short_name} was saved.")
                return redirect("workshops:edit", slug=workshop.slug)
        # The forms keep what was typed; the page's title and links show what is saved.
        self.workshop.refresh_from_db()
        messages.error(request, "Nothing was saved: please correct the errors below.")
        return self.render(form, formsets)

    def refuse(self, form, formsets, conflict):
        """The page again, with what was typed, what differs from the saved call and the
        saved version (a second save, after reading, goes through)."""
        self.workshop.refresh_from_db()
        form.refuse(conflict, saved_values(form, self.workshop))
        conflict.notes += [
            f"{formset.heading}: what you typed differs from the saved list."
            for formset in formsets
            if formset.has_changed()
        ]
        return self.render(form, formsets, status=409)

    def render(self, form, formsets, status=200):
        summary = []
        if form.errors:
            summary.append(("workshop-form", "Workshop", len(form.errors)))
        for formset in formsets:
            count = sum(len(f.errors) for f in formset.forms) + len(formset.non_form_errors())
            if count:
                summary.append((formset.prefix, formset.heading, count))
        context = {
            "workshop": self.workshop,
            "form": form,
            "formsets": formsets,
            "error_summary": summary,
        }
        return render(self.request, self.template_name, context, status=status)
