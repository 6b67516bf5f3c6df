"""The forms of the camera-ready pages: the authors' (final PDF, material, metadata, terms) and
the chairs' (settings, per-paper deadline, reminder)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from reviews.enums import DecisionOutcome
from submissions import pdf
from submissions.forms import DeadlineOverrideForm
from workshops.concurrency import VersionedFormMixin

from .accepted import ACCEPT_OUTCOMES
from .models import Material, PublicationSettings, TermsAcceptance, TermsKind
from .services import camera_ready

MAX_AUTHORS = 40
ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit of an ORCID iD."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    check = "X" if result == 10 else str(result)
    return digits[-1] == check


FILE_LABELS = {
    "camera_ready": "Final PDF",
    "slides": "Slides (PDF)",
    "poster": "Poster (PDF)",
}


class PdfUploadForm(forms.Form):
    """The final PDF (or slides / poster): checked like at submission, page limit of the
    camera-ready, no anonymity refusal."""

    file = forms.FileField(
        label="PDF file", widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})
    )

    def __init__(self, *args, submission, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.kind = kind
        self.checked = None
        self.warnings: list[str] = []
        self.fields["file"].label = FILE_LABELS[kind]
        limit = camera_ready.page_limit(submission.submission_type)
        if kind == "camera_ready" and limit:
            self.fields["file"].help_text = f"At most {limit} pages."

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        label = camera_ready.FILE_KINDS[self.kind]
        self.checked = pdf.check_pdf(
            upload, max_mb=self.submission.workshop.max_pdf_size_mb, label=label
        )
        if self.kind == "camera_ready":
            error = camera_ready.page_limit_error(
                self.checked.pages or 0, self.submission.submission_type
            )
            if error:
                raise ValidationError(error, code="page_limit")
            self.warnings = camera_ready.anonymity_warnings(self.checked)
        return upload


class VideoForm(forms.Form):
    video_url = forms.URLField(
        label="Video link", required=False, assume_scheme="https", max_length=200
    )

    def clean_video_url(self):
        url = self.cleaned_data.get("video_url") or ""
        if url and not url.lower().startswith(("https://", "http://")):
            raise ValidationError("Give an http(s) link.")
        return url


class MetadataForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    title = forms.CharField(label="Final title", max_length=300)
    abstract = forms.CharField(
        label="Final abstract", widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )


class FinalAuthorForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name as printed")
    affiliation = forms.CharField(max_length=300, required=False, label="Affiliation as printed")
    email = forms.EmailField(label="E-mail")
    orcid = forms.CharField(
        max_length=40, required=False, label="ORCID iD", help_text="e.g. 0000-0002-1825-0097"
    )

    def clean_orcid(self):
        value = (self.cleaned_data.get("orcid") or "").strip()
        if not value:
            return ""
        match = ORCID_RE.match(value.upper().replace("HTTPS://ORCID.ORG/", "https://orcid.org/"))
        if not match or not orcid_checksum_ok(match.group(1)):
            raise ValidationError("Not a valid ORCID iD (16 digits, e.g. 0000-0002-1825-0097).")
        return match.group(1)


class BaseFinalAuthorFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        emails = []
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            email = (form.cleaned_data.get("email") or "").lower()
            if email in emails:
                raise ValidationError(f"{email} is listed twice.")
            emails.append(email)
        if not emails:
            raise ValidationError("List at least one author.")

    def entries(self) -> list[camera_ready.FinalAuthor]:
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("email") or self._should_delete_form(form):
                continue
            order = data.get("ORDER")
            rows.append((order if order is not None else 1000 + index, index, data))
        rows.sort(key=lambda r: (r[0], r[1]))
        return [
            camera_ready.FinalAuthor(
                name=d["name"],
                email=d["email"],
                affiliation=d.get("affiliation", ""),
                orcid=d.get("orcid", ""),
            )
            for _o, _i, d in rows
        ]


FinalAuthorFormSet = forms.formset_factory(
    FinalAuthorForm,
    formset=BaseFinalAuthorFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_AUTHORS,
    validate_max=True,
)


class TermsForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    sha256 = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(label="I accept these terms on behalf of all authors")


# --- Chairs ----------------------------------------------------------------------------------


class PublicationSettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PublicationSettings
        fields = [
            "instructions",
            "terms_kind",
            "terms_title",
            "terms_text",
            "terms_version",
            "publish_papers",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 6}),
            "terms_text": forms.Textarea(attrs={"rows": 10}),
        }

    conflict_skip = ("version",)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        outcomes = workshop_outcomes(workshop)
        saved = self.instance.material or {}
        for outcome in outcomes:
            self.fields[f"material_{outcome}"] = forms.MultipleChoiceField(
                label=f"Material for “{DecisionOutcome(outcome).label}”",
                choices=Material.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=saved.get(outcome, []),
            )
        self.types = list(workshop.submission_types.all())
        for submission_type in self.types:
            self.fields[f"limit_{submission_type.pk}"] = forms.IntegerField(
                label=f"Camera-ready page limit: {submission_type.name}",
                required=False,
                min_value=1,
                max_value=500,
                initial=submission_type.camera_ready_page_limit,
                help_text=f"Pages in the final PDF; empty: as for review "
                f"({submission_type.max_pdf_pages}).",
            )
        self.outcomes = outcomes

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("terms_kind")
        if kind and kind != TermsKind.NONE:
            for name in ("terms_title", "terms_text", "terms_version"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, "Needed when the authors must accept terms.")
        if self.instance.pk and kind and kind != TermsKind.NONE:
            saved = PublicationSettings.objects.filter(pk=self.instance.pk).first()
            version = cleaned.get("terms_version")
            same_version = (
                saved is not None
                and saved.terms_version == version
                and saved.terms_kind != TermsKind.NONE
            )
            if same_version and saved.terms_kind != kind:
                self.add_error(
                    "terms_version",
                    "The kind of terms changed: give them a new version, so the authors are "
                    "asked again.",
                )
            elif same_version and saved.terms_text != cleaned.get("terms_text"):
                self.add_error(
                    "terms_version",
                    "The text changed: give it a new version, so the authors are asked again.",
                )
            elif (
                version
                and TermsAcceptance.objects.filter(
                    submission__workshop_id=self.instance.workshop_id, terms_version=version
                )
                .exclude(kind=kind)
                .exists()
            ):
                # e.g. consent "1" -> no terms -> copyright "1": the old acceptances still
                # carry that version.
                self.add_error(
                    "terms_version",
                    "Terms of another kind were already accepted under this version: give a "
                    "new version.",
                )
        cleaned["material"] = {
            outcome: cleaned.get(f"material_{outcome}") or [] for outcome in self.outcomes
        }
        return cleaned

    def save(self, commit=True):
        self.instance.material = {k: v for k, v in self.cleaned_data["material"].items() if v}
        return super().save(commit=commit)

    def page_limits(self) -> dict:
        return {t: self.cleaned_data.get(f"limit_{t.pk}") for t in self.types}


def workshop_outcomes(workshop) -> list[str]:
    from reviews.enums import outcomes_for

    return [o for o in outcomes_for(workshop) if o in ACCEPT_OUTCOMES]


class CameraDeadlineForm(DeadlineOverrideForm):
    """One paper's own camera-ready deadline, in the workshop's time zone (any date: it may
    also shorten the time left)."""

    deadline_label = "Camera-ready deadline for this paper"
    remove_label = "Back to the workshop's deadline"

    def deadline_error(self, value) -> str | None:
        return None
