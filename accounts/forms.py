from django import forms

from .models import User


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form: who you are, for author lists and conflicts."""

    full_name = forms.CharField(max_length=200, label="Full name")
    affiliation = forms.CharField(max_length=300, required=False)

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.affiliation = self.cleaned_data.get("affiliation", "")
        user.save(update_fields=["full_name", "affiliation"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "affiliation", "orcid", "email_domains"]
        widgets = {"email_domains": forms.Textarea(attrs={"rows": 3})}
