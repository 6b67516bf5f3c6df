from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.html import escape

from accounts.models import User
from workshops import custom_fields
from workshops.concurrency import VersionedFormMixin
from workshops.enums import MemberRole
from workshops.markdown import render_markdown
from workshops.models import ReviewCriterion, Topic

from .enums import CONFIDENCE_SCALE, RECOMMENDATION_SCALE, Phase, outcomes_for
from .models import DecisionTemplate, ReviewerProfile, ReviewQuestion, ReviewSettings
from .services.reviewing import TEXT_FIELDS, ReviewInput
from .services.templating import PLACEHOLDERS, validate_template


def level_choices(scale: list[str]) -> list[tuple[str, str]]:
    return [(str(i), f"{i} — {label}") for i, label in enumerate(scale, start=1)]


class InviteForm(forms.Form):
    people = forms.CharField(
        label="Reviewers to invite",
        widget=forms.Textarea(attrs={"rows": 6}),
        # Help texts are HTML (templates print them as is): the example address is escaped.
        help_text=escape('One per line: "Ada Lovelace <ada@example.org>" or just the address.'),
    )
    role = forms.ChoiceField(
        label="Invite them as",
        choices=[
            (MemberRole.REVIEWER.value, "Reviewers"),
            (MemberRole.AREA_CHAIR.value, "Area chairs (meta-reviewers)"),
        ],
        initial=MemberRole.REVIEWER.value,
        required=False,
    )

    def clean_role(self):
        return self.cleaned_data.get("role") or MemberRole.REVIEWER.value


class ReviewerProfileForm(forms.ModelForm):
    """Topics, expertise and loads; the loads of the roles the member holds (reviewer, area
    chair or both: the same topics, expertise and bids serve both)."""

    class Meta:
        model = ReviewerProfile
        fields = [
            "topics",
            "max_papers",
            "min_papers",
            "ac_max_papers",
            "ac_min_papers",
            "expertise",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "expertise": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"topics": "Topics you are an expert in"}

    def __init__(self, *args, workshop, reviewer=True, area_chair=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(workshop=workshop)
        if not area_chair:
            del self.fields["ac_max_papers"]
            del self.fields["ac_min_papers"]
        elif not reviewer:
            del self.fields["max_papers"]
            del self.fields["min_papers"]

    def clean(self):
        data = super().clean()
        for low_name, high_name in (
            ("min_papers", "max_papers"),
            ("ac_min_papers", "ac_max_papers"),
        ):
            low, high = data.get(low_name), data.get(high_name)
            if low is not None and high is not None and low > high:
                self.add_error(low_name, "The minimum cannot exceed the maximum.")
        return data


MARKDOWN_HELP = "Markdown works: **bold**, *italic*, lists, `code` and links; no images or HTML."


ANSWER_READERS = {
    "authors": "Shown to the authors with your review, and to the committee.",
    "committee": "Shown to the committee, not to the authors.",
    "chairs": "Shown to the chairs only.",
}


class ReviewForm(VersionedFormMixin, forms.Form):
    """Built from the workshop's criteria: one ``score_<id>`` field per criterion; the hidden
    ``version`` is the review's (0: no review yet)."""

    recommendation = forms.ChoiceField(
        label="Overall recommendation", required=False, widget=forms.RadioSelect
    )
    confidence = forms.ChoiceField(label="Confidence", required=False, widget=forms.RadioSelect)
    summary = forms.CharField(
        label="Summary of the paper", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    strengths = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    weaknesses = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    comments = forms.CharField(
        label="Detailed comments to the authors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    confidential_note = forms.CharField(
        label="Confidential note to the chairs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never shown to the authors or the other reviewers.",
    )

    def __init__(self, *args, criteria, review=None, questions=(), **kwargs):
        self.questions = list(questions)
        if review is not None and "initial" not in kwargs:
            initial = {name: getattr(review, name) for name in TEXT_FIELDS}
            initial["recommendation"] = review.recommendation
            initial["confidence"] = review.confidence
            for score in review.scores.all():
                initial[f"score_{score.criterion_id}"] = score.value
            by_id = {q.pk: q for q in self.questions}
            for answer in review.answers.all():
                if answer.question_id in by_id:
                    question = by_id[answer.question_id]
                    initial[f"q_{question.pk}"] = custom_fields.initial_value(
                        question, answer.value
                    )
            kwargs["initial"] = initial
        kwargs.setdefault("version", review.version if review is not None else 0)
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            field = self.fields[name]
            field.help_text = " ".join(filter(None, [field.help_text, MARKDOWN_HELP]))
        self.criteria = list(criteria)
        self.fields["recommendation"].choices = level_choices(RECOMMENDATION_SCALE)
        self.fields["confidence"].choices = level_choices(CONFIDENCE_SCALE)
        score_fields = {}
        for criterion in self.criteria:
            score_fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=level_choices(criterion.scale),
                required=False,
                widget=forms.RadioSelect,
            )
        # Scores first, in the criteria's order; the workshop's own questions before the
        # confidential note.
        question_fields = {}
        for question in self.questions:
            field = custom_fields.form_field(question)
            # The reviewer knows who will read the answer.
            field.help_text = f"{field.help_text} {ANSWER_READERS[question.visibility]}".strip()
            question_fields[f"q_{question.pk}"] = field
        fields = dict(self.fields)
        note = fields.pop("confidential_note")
        self.fields = {**score_fields, **fields, **question_fields, "confidential_note": note}

    def preview(self) -> list[tuple[str, str]]:
        """The filled-in texts as they will be shown: (label, sanitized HTML) pairs."""
        return [
            (self.fields[name].label or name.capitalize(), render_markdown(text))
            for name in TEXT_FIELDS
            if (text := self.cleaned_data.get(name))
        ]

    def saved_values(self, review) -> dict:
        """The saved review in the form's terms (what a refused save is compared with)."""
        values = {name: getattr(review, name) for name in TEXT_FIELDS}
        values["recommendation"] = review.recommendation
        values["confidence"] = review.confidence
        scores = {s.criterion_id: s.value for s in review.scores.all()}
        answers = {a.question_id: a.value for a in review.answers.all()}
        values |= {
            f"q_{q.pk}": custom_fields.initial_value(q, answers.get(q.pk)) for q in self.questions
        }
        return values | {f"score_{c.pk}": scores.get(c.pk) for c in self.criteria}

    def review_input(self) -> ReviewInput:
        data = self.cleaned_data
        return ReviewInput(
            recommendation=data.get("recommendation") or None,
            confidence=data.get("confidence") or None,
            **{name: data.get(name, "") for name in TEXT_FIELDS},
        )

    def answers(self) -> dict[int, object]:
        """{question id: form value} of the custom questions."""
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}

    def scores(self) -> dict[int, str | None]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") or None for c in self.criteria}


class CriterionForm(forms.ModelForm):
    scale_text = forms.CharField(
        label="Scale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One level per line, lowest first.",
    )

    class Meta:
        model = ReviewCriterion
        fields = ["name", "description", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scale_text"].initial = "\n".join(self.instance.scale)
        else:
            self.fields["scale_text"].initial = "Poor\nFair\nGood\nVery good\nExcellent"

    def clean_scale_text(self):
        levels = [line.strip() for line in self.cleaned_data["scale_text"].splitlines()]
        levels = [level for level in levels if level]
        if len(levels) < 2:
            raise ValidationError("A scale needs at least two labelled levels.")
        if len(levels) > 10:
            raise ValidationError("Use at most ten levels.")
        return levels

    def save(self, commit=True):
        self.instance.scale = self.cleaned_data["scale_text"]
        return super().save(commit)


# The area chairs' section of the review settings page.
AREA_CHAIR_SETTINGS = (
    "area_chairs_per_paper",
    "area_chairs_stage_decisions",
    "reviewers_see_area_chair_name",
)
RESPONSE_SETTINGS = ("response_enabled", "response_word_limit", "response_reviews")


class SettingsForm(VersionedFormMixin, forms.ModelForm):
    @property
    def area_chair_fields(self):
        return [self[name] for name in AREA_CHAIR_SETTINGS]

    @property
    def main_fields(self):
        grouped = {*AREA_CHAIR_SETTINGS, *RESPONSE_SETTINGS}
        return [f for f in self.visible_fields() if f.name not in grouped]

    @property
    def response_fields(self):
        return [self[name] for name in RESPONSE_SETTINGS]

    class Meta:
        model = ReviewSettings
        fields = [
            "phase",
            "follow_dates",
            "bidding_closes_at",
            "others_reviews",
            "late_reviews_until",
            "default_reviews_per_paper",
            "guidelines",
            *AREA_CHAIR_SETTINGS,
            *RESPONSE_SETTINGS,
        ]
        widgets = {
            "guidelines": forms.Textarea(attrs={"rows": 10}),
            "bidding_closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "late_reviews_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "area_chairs_per_paper": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }
        labels = {"area_chairs_per_paper": "Area chairs per paper"}
        help_texts = {
            "area_chairs_per_paper": "How many area chairs the assignment gives each paper.",
            "response_enabled": "Authors read the reviews and answer them between reviewing "
            "and discussion; the deadline is the call's “Author response” date.",
            "response_word_limit": "Counted on the server; a longer response is refused.",
        }

    # Posted by the page; a post without them (an older page, a script) keeps the saved ones.
    KEPT_WHEN_MISSING = ("area_chairs_per_paper", "response_word_limit", "response_reviews")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEPT_WHEN_MISSING:
            self.fields[name].required = False
        limit = self.fields["response_word_limit"]
        limit.validators.append(MinValueValidator(1))
        limit.widget.attrs["min"] = 1

    def clean_area_chairs_per_paper(self):
        value = self.cleaned_data.get("area_chairs_per_paper")
        if value is None:
            return self.instance.area_chairs_per_paper
        if not 1 <= value <= 5:
            raise ValidationError("Between 1 and 5 area chairs per paper.")
        return value

    def clean(self):
        cleaned = super().clean()
        for name in self.KEPT_WHEN_MISSING:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        # The response phase exists only when the chairs enabled it.
        if cleaned.get("phase") == Phase.RESPONSE and not cleaned.get("response_enabled"):
            self.add_error("phase", "Enable the author response below before moving to its phase.")
        return cleaned


class ConflictForm(forms.Form):
    submission = forms.TypedChoiceField(label="Paper", coerce=int)
    user = forms.TypedChoiceField(label="Committee member", coerce=int)
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, papers, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [(p.pk, f"#{p.number} {p.title}") for p in papers]
        self.fields["user"].choices = [(u.pk, f"{u} <{u.email}>") for u in members]


class AuthorConflictForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Committee members you have a conflict of interest with",
        help_text="Advisors, students, recent co-authors, colleagues at your institution, "
        "family and close friends.",
    )
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class AssignForm(forms.Form):
    reviewer = forms.TypedChoiceField(coerce=int)
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Empty: the workshop's reviews-due date.",
    )

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [(u.pk, str(u)) for u in reviewers]


class DueForm(forms.Form):
    due_at = forms.DateTimeField(
        label="Due", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DecisionForm(VersionedFormMixin, forms.Form):
    outcome = forms.ChoiceField()
    comments = forms.CharField(
        label="Meta-review / comments to the authors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing is preselected: a chair picks the outcome on purpose.
        self.fields["outcome"].choices = [("", "— choose an outcome —")] + [
            (o.value, o.label) for o in outcomes_for(workshop)
        ]


class DecisionCorrectionForm(DecisionForm):
    """Change a released decision; the authors get a follow-up letter."""

    confirm = forms.BooleanField(
        label="Send the authors a follow-up letter with the corrected decision",
        error_messages={"required": "Tick the box to confirm the follow-up letter."},
    )


class DecisionTemplateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DecisionTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body": "Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
        }

    def clean_subject(self):
        value = self.cleaned_data["subject"]
        validate_template(value)
        return value

    def clean_body(self):
        value = self.cleaned_data["body"]
        validate_template(value)
        return value


class CommentForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}))


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, label="Reason (for the chairs)")


class AddChairForm(forms.Form):
    email = forms.EmailField(
        label="Add a co-chair",
        help_text="The e-mail address of their account on this site.",
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[
            ("reviewer", "Reviewer"),
            ("area_chair", "Area chair"),
            ("reviewer_area_chair", "Reviewer and area chair"),
            ("chair", "Chair"),
            ("both", "Chair and reviewer"),
        ],
    )


class ReviewQuestionForm(custom_fields.DefinitionFormMixin, forms.ModelForm):
    """A chair's definition of one custom review question."""

    class Meta:
        model = ReviewQuestion
        fields = ["label", "help_text", "kind", "score_max", "visibility", "required", "order"]
        labels = {"label": "Question", "help_text": "Help text"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_choices()
