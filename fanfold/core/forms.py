"""Rules every form shares: text the archive can store, and which fields are secrets."""

from django import forms
from django.core.exceptions import ValidationError

from fanfold.core.text import text_problem


class CleanTextForm:
    """Mixin for every form of Fanfold: refuse text that can't be stored, keeping what was typed.

    NUL characters, halves of surrogate pairs and Unicode non-characters get a form error on
    their field (the page re-renders with the text as typed), never a 500 from the database.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        if not form.is_bound or not hasattr(form, "cleaned_data"):
            return
        for name, field in form.fields.items():
            if name in form.errors:
                continue
            raw = form[name].data
            for value in raw if isinstance(raw, list | tuple) else [raw]:
                if isinstance(value, str) and (problem := text_problem(value)):
                    form.add_error(name, f"{field.label or name.capitalize()} {problem}")
                    break


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Put a service's refusal next to the fields it names (``rename`` maps a service's
    field name to the form's), or above the form; the typed text stays in the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, messages)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found |= {sub} | _subclasses(sub)
    return found


def secret_field_names() -> set[str]:
    """Names of the fields that hide what is typed (passwords), over every form class loaded.

    Decided by the widget, so a new password field is a secret whatever it is called.
    """
    return {
        name
        for form_class in _subclasses(forms.BaseForm)
        for name, field in getattr(form_class, "base_fields", {}).items()
        if isinstance(field.widget, forms.PasswordInput)
    }
