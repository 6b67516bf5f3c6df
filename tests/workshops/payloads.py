"""POST payloads built from the forms a page rendered, the way a browser would submit them."""

from django import forms


def form_data(form) -> dict:
    """What a browser submits for ``form`` left as rendered (initial values)."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        widget = field.widget
        if isinstance(field, forms.FileField):
            continue
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif getattr(widget, "allow_multiple_selected", False):  # select or checkboxes
            data[key] = [str(v) for v in value or []]
        else:
            data[key] = "" if value is None else str(value)
    return data


def edit_payload(response) -> dict:
    """An edit page (the section form and its formsets) as the browser would post it."""
    data = form_data(response.context["form"])
    for formset in response.context["formsets"]:
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def row_index(response, prefix: str, **match) -> int:
    """The index of the form of formset ``prefix`` whose instance matches ``match``."""
    formset = next(fs for fs in response.context["formsets"] if fs.prefix == prefix)
    for index, form in enumerate(formset.forms):
        if all(getattr(form.instance, k) == v for k, v in match.items()):
            return index
    raise LookupError(match)


def first_empty_row(response, prefix: str) -> int:
    formset = next(fs for fs in response.context["formsets"] if fs.prefix == prefix)
    return formset.initial_form_count()
