"""Services raise ValidationError keyed by model field: the dashboard shows each on its field."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form: forms.Form, error: ValidationError, aliases=None) -> None:
    """Put each message on the field it names (through `aliases` when the names differ)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        field = aliases.get(key, key)
        form.add_error(field if field in form.fields else None, messages)
