"""Dashboard forms of apps: the app itself, its Advanced Settings and the S2S approval step."""

from django import forms

from campaigns.models import App, ApprovalGround
from partners.models import Callback, CallbackKind


class AppForm(forms.ModelForm):
    class Meta:
        model = App
        fields = [
            "name",
            "platform",
            "bundle_id",
            "store_id",
            "attribution_window_days",
            "view_through_window_hours",
        ]
        help_texts = {
            "attribution_window_days": "Follows your attribution partner; at least 7 days.",
            "view_through_window_hours": "How long after a completed view an install counts.",
        }


class AdvancedSettingsForm(forms.Form):
    """App settings > Advanced Settings: the callback fired for every click of the app."""

    click_callback = forms.ModelChoiceField(
        queryset=Callback.objects.none(),
        required=False,
        empty_label="No click callback",
        help_text="Only click callbacks whose template is for this app's platform are offered.",
    )

    def __init__(self, *args, app: App, **kwargs):
        kwargs.setdefault("initial", {"click_callback": app.click_callback_id})
        super().__init__(*args, **kwargs)
        self.fields["click_callback"].queryset = Callback.objects.filter(
            template__kind=CallbackKind.CLICK, template__platform=app.platform
        ).select_related("template")


class S2SApprovalForm(forms.Form):
    ground = forms.ChoiceField(choices=ApprovalGround.choices, widget=forms.RadioSelect)
    deposit_amount = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Deposit (US dollars)",
        help_text="Needed when approving by deposit: at least $5,000.",
    )
