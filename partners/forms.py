"""Dashboard forms of partners: callbacks, per-app partner settings and Adjust S2S tokens."""

from django import forms
from django.urls import reverse_lazy

from campaigns.models import App, Platform
from partners.models import (
    AdjustConfig,
    AdjustEventToken,
    AppsFlyerConfig,
    Callback,
    CallbackKind,
    CallbackTemplate,
    KochavaConfig,
)

VALUE_PREFIX = "value_"


def _refresh_on_change(target: str):
    """htmx: re-render the template part of the form when this field changes."""
    return {
        "hx-post": reverse_lazy("partners:callback_form_part"),
        "hx-trigger": "change",
        "hx-target": target,
        "hx-swap": "outerHTML",
        "hx-include": "closest form",
        # Refreshes run one after the other, in order, so the part always ends up showing the
        # last selection, however the answers to quick successive changes are timed.
        "hx-sync": "closest form:queue all",
    }


class CallbackForm(forms.Form):
    """Add New Callback: name, description, a template filtered by kind and platform, the
    template's prompted values, the View column (completed-view callbacks) and OFF/ON."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        choices=CallbackKind.choices,
        widget=forms.Select(attrs=_refresh_on_change("#template-part")),
    )
    platform = forms.ChoiceField(
        choices=Platform.choices,
        widget=forms.Select(attrs=_refresh_on_change("#template-part")),
    )
    template = forms.ModelChoiceField(
        queryset=CallbackTemplate.objects.none(),
        empty_label="Choose a template",
        widget=forms.Select(attrs=_refresh_on_change("#template-part")),
        help_text="Only templates of the chosen kind and platform are offered.",
    )
    view_apps = forms.ModelMultipleChoiceField(
        queryset=App.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="View",
    )
    enabled = forms.BooleanField(
        required=False, label="ON", help_text="A callback that is OFF sends nothing."
    )

    def __init__(self, *args, instance: Callback | None = None, **kwargs):
        self.instance = instance or Callback()
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", self._initial_from(instance))
        super().__init__(*args, **kwargs)
        kind, platform = self._choice("kind"), self._choice("platform")
        self.fields["template"].queryset = CallbackTemplate.objects.filter(
            kind=kind, platform=platform
        )
        self.selected_template = self._selected_template()
        for prompted in self.selected_template.prompted_fields if self.selected_template else []:
            self.fields[VALUE_PREFIX + prompted["name"]] = forms.CharField(
                label=prompted.get("label") or prompted["name"],
                help_text=prompted.get("help", ""),
                widget=forms.TextInput(
                    attrs={
                        "hx-post": reverse_lazy("partners:callback_preview"),
                        "hx-trigger": "input changed delay:250ms",
                        "hx-target": "#preview",
                        "hx-swap": "outerHTML",
                        "hx-include": "closest form",
                    }
                ),
            )

    @staticmethod
    def _initial_from(callback: Callback) -> dict:
        initial = {
            "name": callback.name,
            "description": callback.description,
            "kind": callback.template.kind,
            "platform": callback.template.platform,
            "template": callback.template_id,
            "enabled": callback.enabled,
            "view_apps": list(callback.view_apps.values_list("pk", flat=True)),
        }
        values = callback.values if isinstance(callback.values, dict) else {}
        initial.update({VALUE_PREFIX + k: v for k, v in values.items()})
        return initial

    def _raw(self, name: str):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _choice(self, name: str) -> str:
        field = self.fields[name]
        raw = self._raw(name)
        valid = {value for value, _ in field.choices}
        return raw if raw in valid else field.choices[0][0]

    def _selected_template(self) -> CallbackTemplate | None:
        raw = self._raw("template")
        if not raw:
            return None
        try:
            return self.fields["template"].queryset.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    @property
    def is_view_kind(self) -> bool:
        return self._choice("kind") == CallbackKind.VIEW

    def prompted_fields(self):
        return [self[name] for name in self.fields if name.startswith(VALUE_PREFIX)]

    def typed_values(self) -> dict[str, str]:
        """The prompted values as typed so far (for the live preview), valid or not."""
        if self.selected_template is None:
            return {}
        return {
            name: str(self._raw(VALUE_PREFIX + name) or "").strip()
            for name in self.selected_template.prompted_names
        }

    def selected_view_app_ids(self) -> set[int]:
        if self.is_bound:
            raw = self.data.getlist("view_apps") if hasattr(self.data, "getlist") else []
        else:
            raw = self.initial.get("view_apps") or []
        return {int(pk) for pk in raw if str(pk).isdigit()}

    def clean(self):
        cleaned = super().clean()
        if not self.is_view_kind and cleaned.get("view_apps"):
            self.add_error("view_apps", "Only completed-view callbacks have a View column.")
        return cleaned

    def callback(self) -> Callback:
        """The callback filled from the valid form, not saved yet (partners.services saves it)."""
        callback = self.instance
        data = self.cleaned_data
        callback.name = data["name"]
        callback.description = data["description"]
        callback.template = data["template"]
        callback.enabled = data["enabled"]
        callback.values = {
            name: data[VALUE_PREFIX + name] for name in data["template"].prompted_names
        }
        return callback


class AdjustConfigForm(forms.ModelForm):
    class Meta:
        model = AdjustConfig
        fields = ["app_token", "environment", "http_method"]
        labels = {"http_method": "Method"}


class AdjustEventTokenForm(forms.ModelForm):
    class Meta:
        model = AdjustEventToken
        fields = ["event_name", "event_token", "is_revenue"]
        labels = {"is_revenue": "Revenue"}


AdjustEventMapFormSet = forms.inlineformset_factory(
    AdjustConfig,
    AdjustEventToken,
    form=AdjustEventTokenForm,
    extra=2,
    can_delete=True,
)


class KochavaConfigForm(forms.ModelForm):
    class Meta:
        model = KochavaConfig
        fields = ["kochava_app_id"]
        labels = {"kochava_app_id": "Kochava app id"}


class AppsFlyerConfigForm(forms.ModelForm):
    """The S2S key is never shown again once saved: a blank field keeps the stored one."""

    s2s_key = forms.CharField(
        required=False,
        label="S2S key (dev key)",
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = AppsFlyerConfig
        fields = [
            "appsflyer_app_id",
            "s2s_key",
            "post_install_delay_seconds",
            "click_pid",
            "click_ref_prefix",
        ]
        labels = {
            "appsflyer_app_id": "AppsFlyer app id",
            "click_pid": "Click pid",
            "click_ref_prefix": "Click prefix",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored_key = self.instance.s2s_key if self.instance.pk else ""
        if self._stored_key:
            self.fields["s2s_key"].help_text = "A key is saved (hidden). Leave blank to keep it."
            self.fields["s2s_key"].widget.attrs["placeholder"] = "•••••••• saved"

    def clean_s2s_key(self) -> str:
        return self.cleaned_data["s2s_key"] or self._stored_key

    def save(self, commit=True):
        if self.cleaned_data["s2s_key"] != self._stored_key:
            # A new key may fix what AppsFlyer refused: the stored refusal no longer applies.
            self.instance.credentials_error = ""
        return super().save(commit=commit)


class AdjustTokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name")


class AdjustAuthForm(forms.Form):
    active = forms.BooleanField(required=False, label="Activate S2S authentication")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
