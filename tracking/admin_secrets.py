"""Admin helpers for encrypted secrets: a write-only form field and the masked display."""

from django import forms

from tracking.fields import mask


class WriteOnlySecretField(forms.CharField):
    """Takes a new secret; never renders the stored one back into the page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        kwargs.setdefault(
            "help_text", "Write-only: leave empty to keep the current value. It is never shown."
        )
        super().__init__(widget=forms.PasswordInput(render_value=False), **kwargs)


def masked(value: str) -> str:
    return mask(value) or "—"
