"""What every formset of the site adds to Django's: a tampered management form is refused.

Django refuses a missing or non-numeric ``TOTAL_FORMS`` (a non-form error) and caps a huge one
at ``absolute_max``, but takes a negative count as "no forms": a crafted post would then save
the page's main form while silently dropping every row. Here that is a form error too.
"""

from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.functional import cached_property


class CheckedManagementFormMixin:
    """Mix into a formset class, before Django's base formset."""

    @cached_property
    def management_form(self):
        form = super().management_form
        if self.is_bound and form.is_valid():
            counts = [
                form.cleaned_data.get(TOTAL_FORM_COUNT),
                form.cleaned_data.get(INITIAL_FORM_COUNT),
            ]
            if any(count is None or count < 0 for count in counts):
                form.add_error(None, "The form counts were tampered with.")
                form.cleaned_data[TOTAL_FORM_COUNT] = 0
                form.cleaned_data[INITIAL_FORM_COUNT] = 0
        return form
