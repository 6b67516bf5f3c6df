"""Chair pages: create a workshop, its dashboard, and the sections of the page that edits
the call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from .. import services
from ..concurrency import EditConflict, saved_values
from ..enums import DateKind
from ..forms import CALL_SECTIONS, WorkshopForm, call_section
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
            "Add its dates, topics and submission types in the sections below.",
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
    """One section of the call (``CALL_SECTIONS``: basics, dates, submission types, topics,
    policies, criteria, people), saved on its own: its workshop fields and its
    formset together or not at all, the other sections untouched. ``workshops:edit`` is the
    first section; the program section leads to the program's builder."""

    permission_required = "workshops.change_workshop"
    template_name = "workshops/manage/edit.html"

    @property
    def section(self):
        section = call_section(self.kwargs.get("section"))
        if section is None:  # checked after the permission: nothing is told to strangers
            raise Http404("No such section of the edit page.")
        return section

    def get(self, request, slug, section=None):
        if self.section.url_name:  # edited on a page of its own (the program's builder)
            return redirect(self.section.url_name, slug=self.workshop.slug)
        return self.render(*self.section.build(self.workshop))

    def post(self, request, slug, section=None):
        if self.section.url_name:
            return redirect(self.section.url_name, slug=self.workshop.slug)
        form, formset = self.section.build(self.workshop, request.POST, request.FILES)
        # Validate everything (not just up to the first error) so every message shows at once.
        valid = [form.is_valid()] + ([formset.is_valid()] if formset is not None else [])
        if all(valid):
            try:
                workshop = form.save_section(formset, by=request.user, title=self.section.title)
            except EditConflict as conflict:
                return self.refuse(form, formset, conflict)
            except IntegrityError:
                form.add_error(
                    None,
                    "This section could not be saved as it conflicts with other data; "
                    "nothing was changed. Please check for duplicate names and try again.",
                )
            else:
                messages.success(request, f"{self.section.title} of {workshop.short_name}: saved.")
                return redirect(
                    "workshops:edit_section", slug=workshop.slug, section=self.section.key
                )
        # The forms keep what was typed; the page's title and links show what is saved.
        self.workshop.refresh_from_db()
        messages.error(request, "Nothing was saved: please correct the errors below.")
        return self.render(form, formset)

    def refuse(self, form, formset, conflict):
        """The page again, with what was typed, what differs from the saved call and the
        saved version (a second save, after reading, goes through)."""
        self.workshop.refresh_from_db()
        form.refuse(conflict, saved_values(form, self.workshop))
        if formset is not None and formset.has_changed():
            conflict.notes.append(f"{formset.heading}: what you typed differs from the saved list.")
        return self.render(form, formset, status=409)

    def render(self, form, formset, status=200):
        summary = []
        if form.errors:
            summary.append(("workshop-form", self.section.title, len(form.errors)))
        if formset is not None:
            count = sum(len(f.errors) for f in formset.forms) + len(formset.non_form_errors())
            if count:
                summary.append((formset.prefix, formset.heading, count))
        context = {
            "workshop": self.workshop,
            "section": self.section,
            "sections": CALL_SECTIONS,
            "form": form,
            "formset": formset,
            "formsets": [formset] if formset is not None else [],
            "error_summary": summary,
        }
        return render(self.request, self.template_name, context, status=status)
