"""Forms of the submissions app: the author's form and authors formset, the chairs' forms."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from workshops import custom_fields
from workshops.concurrency import VersionedFormMixin
from workshops.formsets import CheckedManagementFormMixin

from . import pdf
from .enums import SubmissionState
from .models import Submission, SubmissionField
from .services import deadlines
from .services.editing import AuthorEntry
from .services.state import workshop_has_topics

MAX_AUTHORS = 40
ABSTRACT_MAX = 5000


# What the authors are told about who reads their answer to a field the chairs added.
FIELD_READERS = {
    "reviewers": "Read by the reviewers and the chairs.",
    "chairs": "Read by the chairs only.",
}


class SubmissionForm(VersionedFormMixin, forms.ModelForm):
    """Metadata, acknowledgements and files of one submission.

    ``submitting`` asks for everything a complete submission needs (the "Submit" button, or any
    save of an already submitted paper); a draft needs only a title. The hidden ``version``
    refuses a save loaded before someone else's (``workshops.concurrency``).
    """

    paper = forms.FileField(
        label="Paper (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    supplement = forms.FileField(
        label="Supplementary material (PDF or zip, optional)",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.zip,application/pdf,application/zip"}
        ),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    confirm_warnings = forms.BooleanField(
        label="I have checked these warnings: submit anyway",
        required=False,
    )

    class Meta:
        model = Submission
        fields = [
            "submission_type",
            "title",
            "abstract",
            "keywords",
            "topics",
            "ack_code_of_conduct",
            "ack_code_of_ethics",
            "ack_dual_submission",
            "ack_anonymized",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 300}),
            "abstract": forms.Textarea(attrs={"rows": 8, "maxlength": ABSTRACT_MAX}),
            "topics": forms.CheckboxSelectMultiple,
        }
        help_texts = {"keywords": "Comma-separated, e.g. backdoor attacks, data poisoning."}

    def __init__(self, *args, workshop, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.submitting = submitting
        self.checked_paper = None
        self.checked_supplement = None
        self.fields["submission_type"].queryset = workshop.submission_types.all()
        self.fields["submission_type"].empty_label = "Choose a type…"
        self.fields["submission_type"].label_from_instance = lambda t: (
            f"{t.name} — {t.limit_description}"
        )
        self.fields["topics"].queryset = workshop.topics.all()
        self.fields["topics"].required = False
        if not workshop_has_topics(workshop):
            del self.fields["topics"]
        self.fields["abstract"].max_length = ABSTRACT_MAX
        self.fields["paper"].help_text = (
            f"At most {workshop.max_pdf_size_mb} MB. Upload a new file to replace the current "
            "one (earlier versions are kept)."
        )
        self.fields[
            "supplement"
        ].help_text = (
            f"At most {workshop.max_supplement_size_mb} MB. Zip archives are stored as they are."
        )
        self._policy_fields(workshop)
        self._custom_fields(workshop)
        # Every form carries a fresh token: the same form posted twice is saved once.
        if not self.is_bound:
            self.initial["form_token"] = uuid.uuid4().hex

    def _policy_fields(self, workshop) -> None:
        policies = {
            "ack_code_of_conduct": (
                workshop.code_of_conduct_url,
                "I have read the code of conduct and all authors will follow it.",
                "Code of conduct",
            ),
            "ack_code_of_ethics": (
                workshop.code_of_ethics_url,
                "This work follows the code of ethics.",
                "Code of ethics",
            ),
        }
        for name, (url, label, link_text) in policies.items():
            if url:
                self.fields[name].label = label
                # The help text is rendered as HTML: build it escaped.
                self.fields[name].help_text = format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a>', url, link_text
                )
            else:
                del self.fields[name]
        if not workshop.requires_dual_submission_statement:
            del self.fields["ack_dual_submission"]
        else:
            self.fields["ack_dual_submission"].label = (
                "This paper is not under review elsewhere and will not be submitted elsewhere "
                "while under review here."
            )
        if workshop.is_double_blind:
            self.fields["ack_anonymized"].label = (
                "This PDF is anonymized: no author names, affiliations, acknowledgements or "
                "revealing self-citations."
            )
        else:
            del self.fields["ack_anonymized"]

    def _custom_fields(self, workshop) -> None:
        """One ``field_<id>`` per field the chairs added (``submissions.services.fields``)."""
        self.custom_fields = list(workshop.submission_fields.all())
        stored = {}
        if self.instance.pk:
            stored = {a.field_id: a.value for a in self.instance.field_answers.all()}
        for field in self.custom_fields:
            name = f"field_{field.pk}"
            form_field = custom_fields.form_field(field)
            readers = FIELD_READERS.get(field.visibility, "")
            form_field.help_text = f"{form_field.help_text} {readers}".strip()
            self.fields[name] = form_field
            if field.pk in stored and not self.is_bound:
                self.initial[name] = custom_fields.initial_value(field, stored[field.pk])

    @property
    def custom_bound_fields(self) -> list:
        return [self[f"field_{field.pk}"] for field in self.custom_fields]

    def field_answers(self) -> dict[int, object]:
        """{field id: stored value or None} of the custom fields (checked in ``clean``)."""
        return dict(self._field_values)

    def _clean_custom_fields(self, cleaned) -> None:
        self._field_values = {}
        for field in self.custom_fields:
            name = f"field_{field.pk}"
            if name in self.errors:
                continue
            try:
                value = custom_fields.clean_value(field, cleaned.get(name))
            except ValidationError as exc:
                self.add_error(name, exc)
                continue
            self._field_values[field.pk] = value
            if self.submitting and field.required and value is None:
                self.add_error(name, "Required to submit.")

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("A title is required, even for a draft.")
        return title

    def clean_keywords(self):
        keywords = [k.strip() for k in self.cleaned_data.get("keywords", "").split(",")]
        return ", ".join(dict.fromkeys(k for k in keywords if k))

    def clean_paper(self):
        upload = self.cleaned_data.get("paper")
        if not upload:
            return None
        # The text of the first pages is read for the anonymity scan, which only a
        # double-blind call makes (submissions.views.author).
        self.checked_paper = pdf.check_pdf(
            upload,
            max_mb=self.workshop.max_pdf_size_mb,
            read_text=self.workshop.is_double_blind,
        )
        return upload

    def clean_supplement(self):
        upload = self.cleaned_data.get("supplement")
        if not upload:
            return None
        self.checked_supplement = pdf.check_supplement(
            upload, max_mb=self.workshop.max_supplement_size_mb
        )
        return upload

    @property
    def current_paper(self):
        return self.instance.current_paper if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        submission_type = cleaned.get("submission_type")
        paper_pages = None
        if self.checked_paper is not None:
            paper_pages = self.checked_paper.pages
        elif self.current_paper is not None:
            paper_pages = self.current_paper.pages
        if submission_type and paper_pages:
            error = pdf.page_limit_error(paper_pages, submission_type)
            if error:
                field = "paper" if self.checked_paper is not None else "submission_type"
                self.add_error(field, error)
        self._clean_custom_fields(cleaned)
        if self.submitting:
            required = {
                "submission_type": "Choose the type of your submission.",
                "abstract": "An abstract is required to submit.",
            }
            if "topics" in self.fields:
                required["topics"] = "Choose at least one topic."
            for name in (
                "ack_code_of_conduct",
                "ack_code_of_ethics",
                "ack_dual_submission",
                "ack_anonymized",
            ):
                if name in self.fields:
                    required[name] = "Required to submit."
            for name, message in required.items():
                if name in self.fields and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
            if (
                self.checked_paper is None
                and self.current_paper is None
                and "paper" not in self.errors
            ):
                self.add_error("paper", "Upload the paper's PDF to submit.")
        return cleaned

    def metadata(self) -> dict:
        """The model fields to save (topics excluded), with policy fields absent as False."""
        values = {}
        for name in self.Meta.fields:
            if name == "topics":
                continue
            if name in self.fields:
                values[name] = self.cleaned_data.get(name)
            elif name.startswith("ack_"):
                values[name] = getattr(self.instance, name) if self.instance.pk else False
        return values

    def chosen_topics(self):
        return list(self.cleaned_data.get("topics") or []) if "topics" in self.fields else []


class AuthorForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="E-mail")
    affiliation = forms.CharField(max_length=300, required=False)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class BaseAuthorFormSet(CheckedManagementFormMixin, forms.BaseFormSet):
    """The ordered authors; works without JavaScript: order numbers, delete boxes, blank rows."""

    def __init__(self, *args, user_emails=(), current_emails=(), removal_refusal="", **kwargs):
        """``current_emails``: the authors saved so far; with ``removal_refusal`` (the message)
        none of them may be left out: only the contact author and chairs may remove authors."""
        self.user_emails = {e.lower() for e in user_emails}
        self.current_emails = [e.lower() for e in current_emails]
        self.removal_refusal = removal_refusal
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = "Position"
            form.fields["ORDER"].widget.attrs.update({"min": 1, "class": "order"})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"

    def clean(self):
        # A missing or tampered management form leaves no forms to check (Django has already
        # recorded the error), and ``ordered_forms`` does not exist on an invalid formset.
        if any(self.errors) or not self.management_form.is_valid():
            return
        emails = []
        for form in self.ordered_forms:
            email = form.cleaned_data.get("email")
            if email in emails:
                raise ValidationError(f"{email} is listed twice; each author once, please.")
            emails.append(email)
        if not emails:
            raise ValidationError("A submission needs at least one author.")
        if len(emails) > MAX_AUTHORS:
            raise ValidationError(f"At most {MAX_AUTHORS} authors.")
        if self.user_emails and not self.user_emails.intersection(emails):
            raise ValidationError(
                "You cannot remove yourself from the authors (use one of your verified "
                "addresses). Ask the contact author to remove you if you are not an author."
            )
        if self.removal_refusal and any(e not in emails for e in self.current_emails):
            raise ValidationError(self.removal_refusal)

    def entries(self) -> list[AuthorEntry]:
        return [
            AuthorEntry(
                name=f.cleaned_data["name"],
                email=f.cleaned_data["email"],
                affiliation=f.cleaned_data.get("affiliation", ""),
            )
            for f in self.ordered_forms
        ]


AuthorFormSet = forms.formset_factory(
    AuthorForm,
    formset=BaseAuthorFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_AUTHORS,
    validate_max=True,
    # A posted TOTAL_FORMS above this is refused with a form error instead of building (and
    # rendering back) a thousand forms.
    absolute_max=MAX_AUTHORS + 10,
)


def author_initial(submission=None, user=None) -> list[dict]:
    if submission is not None and submission.pk:
        return [
            {"name": a.name, "email": a.email, "affiliation": a.affiliation, "ORDER": i}
            for i, a in enumerate(submission.ordered_authors, start=1)
        ]
    if user is not None:
        return [
            {
                "name": user.full_name,
                "email": user.email,
                "affiliation": user.affiliation,
                "ORDER": 1,
            }
        ]
    return []


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, shared with the chairs and your co-authors)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeskRejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the authors)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Give the authors a reason.")
        return reason


class DeadlineOverrideForm(forms.Form):
    """A per-paper deadline, entered in the workshop's time zone (a subclass sets the labels
    and its own check of the date, e.g. the camera-ready deadline of one paper)."""

    deadline_label = "Deadline for this submission"
    remove_label = "Remove the override"

    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    remove = forms.BooleanField(required=False)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["deadline"].label = self.deadline_label
        self.fields["deadline"].help_text = f"In {workshop.timezone_label}."
        self.fields["remove"].label = self.remove_label

    def deadline_error(self, value) -> str | None:
        """Why ``value`` (aware, UTC) cannot be this paper's deadline, or None."""
        return deadlines.override_error(self.workshop, value)

    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        if value is None:
            return None
        # Read the wall-clock time in the workshop's zone, whatever the server's zone is.
        naive = value.replace(tzinfo=None) if value.tzinfo else value
        return naive.replace(tzinfo=self.workshop.tzinfo).astimezone(dt.UTC)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove"):
            # Clearing is always allowed (even after every deadline): the date is ignored.
            self.errors.pop("deadline", None)
            cleaned["deadline"] = None
            return cleaned
        value = cleaned.get("deadline")
        if value is None:
            if not self.errors:
                raise ValidationError(f"Enter a deadline, or tick “{self.remove_label}”.")
            return cleaned
        error = self.deadline_error(value)
        if error:
            self.add_error("deadline", error)
        return cleaned


class ManageFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Title words, #number, author:name, topic:, type:, state:, decision:, tag:",
    )
    state = forms.ChoiceField(required=False)
    submission_type = forms.ModelChoiceField(queryset=None, required=False, label="Type")
    topic = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "All states"), *SubmissionState.choices]
        self.fields["submission_type"].queryset = workshop.submission_types.all()
        self.fields["submission_type"].empty_label = "All types"
        self.fields["topic"].queryset = workshop.topics.all()
        self.fields["topic"].empty_label = "All topics"
        self.search_query = None

    def filter(self, queryset, *, may_see_authors: bool = False, may_see_tags: bool = False):
        """``queryset`` narrowed by the filters and the search box (``submissions.search``);
        ``may_see_authors`` comes from ``permissions.may_search_authors``."""
        from . import search

        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("submission_type"):
            queryset = queryset.filter(submission_type=data["submission_type"])
        if data.get("topic"):
            queryset = queryset.filter(topics=data["topic"])
        self.search_query = search.parse(data.get("q") or "")
        return search.apply(
            queryset,
            self.search_query,
            may_see_authors=may_see_authors,
            may_see_tags=may_see_tags,
        )


class SubmissionFieldForm(custom_fields.DefinitionFormMixin, forms.ModelForm):
    """A chair's definition of one field of the submission form."""

    class Meta:
        model = SubmissionField
        fields = ["label", "help_text", "kind", "visibility", "required", "order"]
        labels = {"label": "Question", "help_text": "Help text"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_choices()
