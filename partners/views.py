"""Dashboard pages of partners: Callbacks panel, per-app partner settings, Adjust S2S Security."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import App
from partners.adapters.base import OutgoingRequest
from partners.errors import DeliveryError
from partners.forms import (
    AdjustAuthForm,
    AdjustConfigForm,
    AdjustEventMapFormSet,
    AdjustTokenCreateForm,
    AppsFlyerConfigForm,
    CallbackForm,
    KochavaConfigForm,
)
from partners.http import send
from partners.models import AdjustAuthToken, AdjustConfig, AppsFlyerConfig, Callback, KochavaConfig
from partners.previews import callback_example_url
from partners.services import (
    adjust_auth_set,
    adjust_token_create,
    adjust_token_delete,
    adjust_token_recover,
    callback_save,
)
from tracking.formerrors import form_add_service_errors

TEST_ANSWER_MAX_CHARS = 2000

# --- Callbacks panel -----------------------------------------------------------------------------


@login_required
@permission_required("partners.view_callback", raise_exception=True)
def callback_list(request):
    return _callback_list_page(request)


def _callback_list_page(request, **extra):
    callbacks = Callback.objects.select_related("template").prefetch_related(
        "view_apps", "click_apps"
    )
    context = {"section": "callbacks", "callbacks": callbacks, **extra}
    return render(request, "partners/callback_list.html", context)


def _callback_form_page(request, form: CallbackForm, *, status=200):
    context = {
        "section": "callbacks",
        "form": form,
        "preview": _preview(form),
        "apps": App.objects.all(),
    }
    return render(request, "partners/callback_form.html", context, status=status)


def _preview(form: CallbackForm) -> str:
    if form.selected_template is None:
        return ""
    return callback_example_url(template=form.selected_template, values=form.typed_values())


def _callback_submit(request, instance: Callback | None):
    form = CallbackForm(request.POST or None, instance=instance)
    if request.method != "POST":
        return _callback_form_page(request, form)
    if form.is_valid():
        callback = form.callback()
        apps = form.cleaned_data["view_apps"] if form.is_view_kind else []
        try:
            callback_save(callback=callback, view_apps=apps)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"Callback “{callback.name}” saved.")
            return redirect("partners:callback_list")
    return _callback_form_page(request, form, status=400)


@login_required
@permission_required("partners.add_callback", raise_exception=True)
def callback_create(request):
    return _callback_submit(request, None)


@login_required
@permission_required("partners.change_callback", raise_exception=True)
def callback_edit(request, pk: int):
    return _callback_submit(request, get_object_or_404(Callback, pk=pk))


def _posted_selection(request) -> dict:
    """What the user has typed so far, as the initial values of a fresh (unbound) form."""
    initial = {key: request.POST.get(key) for key in request.POST}
    initial["view_apps"] = request.POST.getlist("view_apps")
    initial["enabled"] = "enabled" in request.POST
    return initial


@require_POST
@login_required
@permission_required("partners.view_callback", raise_exception=True)
def callback_form_part(request):
    """htmx: the Template dropdown, prompted fields, preview and View column for a selection."""
    form = CallbackForm(initial=_posted_selection(request))
    context = {"form": form, "preview": _preview(form), "apps": App.objects.all()}
    return render(request, "partners/_callback_template_part.html", context)


@require_POST
@login_required
@permission_required("partners.view_callback", raise_exception=True)
def callback_preview(request):
    """htmx: the rendered URL with example values, as the user types."""
    form = CallbackForm(initial=_posted_selection(request))
    return render(request, "partners/_callback_preview.html", {"preview": _preview(form)})


@require_POST
@login_required
@permission_required("partners.change_callback", raise_exception=True)
def callback_send_test(request, pk: int):
    """Send test: fire the callback once, with example values, through the one HTTP sender."""
    callback = get_object_or_404(Callback.objects.select_related("template"), pk=pk)
    url = callback_example_url(template=callback.template, values=callback.values)
    result = {"callback": callback, "url": url}
    try:
        response = send(OutgoingRequest(method="GET", url=url))
    except DeliveryError as error:
        result["error"] = error.message
    else:
        result["status_code"] = response.status_code
        result["answer"] = response.body[:TEST_ANSWER_MAX_CHARS]
    if request.headers.get("HX-Request"):
        return render(request, "partners/_callback_test_result.html", {"result": result})
    # Without JavaScript the button posts a plain form: show the result above the list.
    return _callback_list_page(request, test_result=result)


# --- Partner settings per app --------------------------------------------------------------------

PARTNER_FORMS = {
    "adjust": (AdjustConfig, AdjustConfigForm, "partners.change_adjustconfig"),
    "kochava": (KochavaConfig, KochavaConfigForm, "partners.change_kochavaconfig"),
    "appsflyer": (AppsFlyerConfig, AppsFlyerConfigForm, "partners.change_appsflyerconfig"),
}


def _partner_forms(app: App, data=None, partner: str | None = None) -> dict:
    """One form per partner; only the one being saved is bound to the posted data."""
    forms = {}
    for name, (model, form_class, _) in PARTNER_FORMS.items():
        instance = model.objects.filter(app=app).first() or model(app=app)
        bound = data if name == partner else None
        forms[name] = form_class(bound, instance=instance, prefix=name)
    adjust = forms["adjust"].instance
    forms["event_map"] = AdjustEventMapFormSet(
        data if partner == "adjust" else None,
        instance=adjust,
        prefix="event_map",
    )
    return forms


@login_required
@permission_required("partners.view_adjustconfig", raise_exception=True)
def partner_settings(request, pk: int):
    app = get_object_or_404(App, pk=pk)
    partner = request.POST.get("partner") if request.method == "POST" else None
    if partner is not None and partner not in PARTNER_FORMS:
        partner = None
    forms = _partner_forms(app, request.POST if partner else None, partner)
    status = 200
    if partner:
        if not request.user.has_perm(PARTNER_FORMS[partner][2]):
            raise PermissionDenied
        if _partner_save(forms, partner):
            messages.success(request, f"{partner.capitalize()} settings saved.")
            return redirect("partners:partner_settings", pk=app.pk)
        status = 400
    context = {"section": "apps", "app": app, **forms}
    return render(request, "partners/partner_settings.html", context, status=status)


def _partner_save(forms: dict, partner: str) -> bool:
    form = forms[partner]
    if partner != "adjust":
        if not form.is_valid():
            return False
        form.save()
        return True
    event_map = forms["event_map"]
    # Both validated before anything is written, so a bad event row saves nothing.
    if not (form.is_valid() & event_map.is_valid()):
        return False
    with transaction.atomic():
        config = form.save()
        event_map.instance = config
        event_map.save()
    return True


# --- Adjust S2S Security -------------------------------------------------------------------------


def _security_page(request, app: App, *, status=200, **extra):
    config = AdjustConfig.objects.filter(app=app).first()
    context = {
        "section": "apps",
        "app": app,
        "config": config,
        "tokens": config.auth_tokens.all() if config else [],
        "create_form": extra.pop("create_form", None) or AdjustTokenCreateForm(),
        "auth_form": extra.pop("auth_form", None)
        or AdjustAuthForm(initial={"active": config.auth_active if config else False}),
        **extra,
    }
    return render(request, "partners/adjust_security.html", context, status=status)


@login_required
@permission_required("partners.view_adjustauthtoken", raise_exception=True)
def adjust_security(request, pk: int):
    return _security_page(request, get_object_or_404(App, pk=pk))


@require_POST
@login_required
@permission_required("partners.add_adjustauthtoken", raise_exception=True)
def adjust_token_create_view(request, pk: int):
    """Create Token: the secret is in this response only, never shown again."""
    app = get_object_or_404(App, pk=pk)
    config = get_object_or_404(AdjustConfig, app=app)
    form = AdjustTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = adjust_token_create(config=config, name=form.cleaned_data["name"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return _security_page(request, app, new_token=token, new_secret=secret)
    return _security_page(request, app, create_form=form, status=400)


def _config_token(app_pk: int, token_pk: int) -> AdjustAuthToken:
    return get_object_or_404(
        AdjustAuthToken.objects.select_related("config"), pk=token_pk, config__app_id=app_pk
    )


@require_POST
@login_required
@permission_required("partners.delete_adjustauthtoken", raise_exception=True)
def adjust_token_delete_view(request, pk: int, token_pk: int):
    token = _config_token(pk, token_pk)
    was_active = token.config.auth_active
    adjust_token_delete(token=token)
    messages.success(request, f"Token “{token.name}” deleted. Recover brings it back.")
    if was_active and not token.config.auth_active:
        messages.warning(
            request,
            "That was the only live token, so S2S authentication was switched off: "
            "Adjust now accepts S2S requests without a token.",
        )
    return redirect("partners:adjust_security", pk=pk)


@require_POST
@login_required
@permission_required("partners.change_adjustauthtoken", raise_exception=True)
def adjust_token_recover_view(request, pk: int, token_pk: int):
    token = _config_token(pk, token_pk)
    reactivated = adjust_token_recover(token=token)
    messages.success(request, f"Token “{token.name}” recovered.")
    if reactivated:
        messages.info(
            request,
            "Deleting this token had switched S2S authentication off; it is on again.",
        )
    return redirect("partners:adjust_security", pk=pk)


@require_POST
@login_required
@permission_required("partners.change_adjustconfig", raise_exception=True)
def adjust_auth_toggle(request, pk: int):
    """The Activate S2S authentication toggle: a change takes effect only once confirmed."""
    app = get_object_or_404(App, pk=pk)
    config = get_object_or_404(AdjustConfig, app=app)
    form = AdjustAuthForm(request.POST)
    form.is_valid()  # two booleans: always valid
    active = form.cleaned_data["active"]
    if active == config.auth_active:
        return redirect("partners:adjust_security", pk=pk)
    if not form.cleaned_data["confirm"]:
        return _security_page(request, app, auth_form=form, confirm_active=active)
    try:
        adjust_auth_set(config=config, active=active)
    except ValidationError as error:
        form_add_service_errors(form, error, aliases={"auth_active": "active"})
        return _security_page(request, app, auth_form=form, status=400)
    messages.success(request, f"S2S authentication is now {'ON' if active else 'OFF'}.")
    return redirect("partners:adjust_security", pk=pk)
