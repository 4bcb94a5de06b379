"""Dashboard pages of apps: list, detail, create/edit, Advanced Settings and the S2S step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView

from campaigns.forms import AdvancedSettingsForm, AppForm, S2SApprovalForm
from campaigns.models import App
from campaigns.services import app_click_callback_set, app_s2s_approve, app_s2s_request
from tracking.access import DashboardPermissionMixin, user_is_admin
from tracking.formerrors import form_add_service_errors


class AppListView(DashboardPermissionMixin, ListView):
    permission_required = "campaigns.view_app"
    model = App
    template_name = "campaigns/app_list.html"
    extra_context = {"section": "apps"}

    def get_queryset(self):
        return App.objects.select_related("click_callback")


class AppCreateView(DashboardPermissionMixin, SuccessMessageMixin, CreateView):
    permission_required = "campaigns.add_app"
    model = App
    form_class = AppForm
    template_name = "campaigns/app_form.html"
    extra_context = {"section": "apps"}
    success_message = "App “%(name)s” saved."

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self):
        return reverse("campaigns:app_detail", args=[self.object.pk])


class AppUpdateView(AppCreateView, UpdateView):
    permission_required = "campaigns.change_app"


def _detail(request, app: App, *, advanced=None, approval=None, status=200):
    context = {
        "section": "apps",
        "app": app,
        "advanced_form": advanced or AdvancedSettingsForm(app=app),
        "approval_form": approval or S2SApprovalForm(),
        "may_approve": user_is_admin(request.user),
        "view_callbacks": app.view_callbacks.select_related("template"),
    }
    return render(request, "campaigns/app_detail.html", context, status=status)


@login_required
@permission_required("campaigns.view_app", raise_exception=True)
def app_detail(request, pk: int):
    return _detail(request, get_object_or_404(App, pk=pk))


@require_POST
@login_required
@permission_required("campaigns.change_app", raise_exception=True)
def app_advanced_save(request, pk: int):
    """Advanced Settings > click-callback dropdown > Save (partners.md section 1)."""
    app = get_object_or_404(App, pk=pk)
    form = AdvancedSettingsForm(request.POST, app=app)
    if form.is_valid():
        try:
            app_click_callback_set(app=app, callback=form.cleaned_data["click_callback"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, "Advanced Settings saved.")
            return redirect("campaigns:app_detail", pk=app.pk)
    return _detail(request, app, advanced=form, status=400)


@require_POST
@login_required
@permission_required("campaigns.change_app", raise_exception=True)
def app_s2s_request_view(request, pk: int):
    app = get_object_or_404(App, pk=pk)
    try:
        app_s2s_request(app=app, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "S2S attribution requested: an Admin approves it.")
    return redirect("campaigns:app_detail", pk=app.pk)


@require_POST
@login_required
def app_s2s_approve_view(request, pk: int):
    if not user_is_admin(request.user):
        raise PermissionDenied
    app = get_object_or_404(App, pk=pk)
    form = S2SApprovalForm(request.POST)
    if form.is_valid():
        try:
            app_s2s_approve(
                app=app,
                user=request.user,
                ground=form.cleaned_data["ground"],
                deposit_amount=form.cleaned_data["deposit_amount"],
            )
        except ValidationError as error:
            form_add_service_errors(
                form,
                error,
                aliases={"s2s_approval_ground": "ground", "s2s_deposit_amount": "deposit_amount"},
            )
        else:
            messages.success(request, "S2S attribution approved.")
            return redirect("campaigns:app_detail", pk=app.pk)
    return _detail(request, app, approval=form, status=400)
