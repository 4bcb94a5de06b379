"""Dashboard forms of the tracking app: ingestion tokens and the delivery monitor."""

from datetime import timedelta

from django import forms

from campaigns.models import App
from tracking.models import Destination

GRACE_CHOICES = [
    (0, "None: the old token stops now"),
    (1, "1 hour"),
    (24, "24 hours"),
    (72, "3 days"),
    (168, "7 days"),
]


class IngestionTokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Say who or what uses it, e.g. 'game server'.")
    apps = forms.ModelMultipleChoiceField(
        queryset=App.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The token may send records for these apps only.",
    )
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires at (UTC, optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, apps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apps"].queryset = apps


class IngestionTokenRotateForm(forms.Form):
    grace_hours = forms.TypedChoiceField(
        choices=GRACE_CHOICES,
        coerce=int,
        initial=24,
        label="Old token keeps working for",
    )

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.cleaned_data["grace_hours"])


class MonitorFilterForm(forms.Form):
    app = forms.ModelChoiceField(queryset=App.objects.all(), required=False, empty_label="All apps")
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "Event id or device id", "type": "search"}),
    )


class ReplayForm(forms.Form):
    delivery = forms.IntegerField(required=False, widget=forms.HiddenInput)
    destination = forms.ChoiceField(
        choices=[("", "All destinations"), *Destination.choices], required=False
    )
    app = forms.ModelChoiceField(queryset=App.objects.all(), required=False)
