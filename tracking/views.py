"""Dashboard pages of the tracking app: sign-in, ingestion tokens and the delivery monitor."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.models import App
from tracking.dashboard_selectors import (
    deliveries_failed_recent,
    delivery_status_chart,
    delivery_status_counts,
    events_search,
    ingestion_tokens_visible,
)
from tracking.formerrors import form_add_service_errors
from tracking.forms import (
    IngestionTokenCreateForm,
    IngestionTokenRotateForm,
    MonitorFilterForm,
    ReplayForm,
)
from tracking.login_limits import (
    login_failure_record,
    login_failures_clear,
    login_failures_exceeded,
)
from tracking.models import IngestionToken
from tracking.services.delivery import deliveries_replay
from tracking.services.tokens import (
    ingestion_token_create,
    ingestion_token_revoke,
    ingestion_token_rotate,
)

TOO_MANY_ATTEMPTS = "Too many failed sign-ins. Wait a few minutes, then try again."


class RateLimitedLoginView(auth_views.LoginView):
    """Django's sign-in view, refusing further tries once an IP + username failed too often."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        ip = request.META.get("REMOTE_ADDR", "")
        if login_failures_exceeded(ip=ip, username=username):
            # Not even checked: the password is not tried, the typed username is kept.
            form = self.form_class(request, initial={"username": username})
            context = self.get_context_data(form=form, refusal=TOO_MANY_ATTEMPTS)
            return self.render_to_response(context, status=429)
        form = self.get_form()
        if form.is_valid():
            login_failures_clear(ip=ip, username=username)
            return self.form_valid(form)
        login_failure_record(ip=ip, username=username)
        return self.form_invalid(form)


@login_required
def home(request):
    """Send each role to the first page it may use."""
    user = request.user
    for permission, url_name in (
        ("campaigns.view_app", "campaigns:app_list"),
        ("tracking.view_ingestiontoken", "tokens"),
        ("tracking.view_delivery", "monitor"),
    ):
        if user.has_perm(permission):
            return redirect(url_name)
    raise PermissionDenied


# --- Ingestion tokens ----------------------------------------------------------------------------


def _tokens_page(request, *, status=200, **extra):
    context = {
        "section": "tokens",
        "tokens": ingestion_tokens_visible(user=request.user),
        # Nothing assigns apps to developers, so any app may go on a token (README, Dashboard).
        "create_form": extra.pop("create_form", None)
        or IngestionTokenCreateForm(apps=App.objects.all()),
        "rotate_form": extra.pop("rotate_form", None) or IngestionTokenRotateForm(),
        "now": timezone.now(),
        **extra,
    }
    return render(request, "tracking/tokens.html", context, status=status)


def _visible_token(request, pk: int) -> IngestionToken:
    return get_object_or_404(ingestion_tokens_visible(user=request.user), pk=pk)


@login_required
@permission_required("tracking.view_ingestiontoken", raise_exception=True)
def tokens(request):
    return _tokens_page(request)


@require_POST
@login_required
@permission_required("tracking.add_ingestiontoken", raise_exception=True)
def token_create(request):
    form = IngestionTokenCreateForm(request.POST, apps=App.objects.all())
    if form.is_valid():
        try:
            token, clear = ingestion_token_create(
                name=form.cleaned_data["name"],
                apps=form.cleaned_data["apps"],
                created_by=request.user,
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return _tokens_page(request, new_token=token, new_secret=clear)
    return _tokens_page(request, create_form=form, status=400)


@require_POST
@login_required
@permission_required("tracking.change_ingestiontoken", raise_exception=True)
def token_rotate(request, pk: int):
    token = _visible_token(request, pk)
    form = IngestionTokenRotateForm(request.POST)
    if form.is_valid():
        try:
            new_token, clear = ingestion_token_rotate(
                token=token, grace=form.grace, created_by=request.user
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return _tokens_page(request, new_token=new_token, new_secret=clear, rotated_from=token)
    return _tokens_page(request, rotate_error_for=token.pk, rotate_form=form, status=400)


@require_POST
@login_required
@permission_required("tracking.change_ingestiontoken", raise_exception=True)
def token_revoke(request, pk: int):
    token = _visible_token(request, pk)
    ingestion_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked: it is refused from now on.")
    return redirect("tokens")


# --- Delivery monitor ----------------------------------------------------------------------------


@login_required
@permission_required("tracking.view_delivery", raise_exception=True)
def monitor(request):
    form = MonitorFilterForm(request.GET or None)
    app = query = None
    if form.is_valid():
        app, query = form.cleaned_data["app"], form.cleaned_data["q"]
    counts = delivery_status_counts(app=app)
    context = {
        "section": "monitor",
        "filter_form": form,
        "counts": counts,
        "chart": delivery_status_chart(counts),
        "failures": deliveries_failed_recent(app=app),
        "query": query,
        "results": events_search(query=query) if query else None,
    }
    return render(request, "tracking/monitor.html", context)


@require_POST
@login_required
@permission_required("tracking.change_delivery", raise_exception=True)
def monitor_replay(request):
    """Replay one delivery (its row's button) or every failed one of an app / destination."""
    form = ReplayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing replayed: the request named no known app or destination.")
        return redirect("monitor")
    data = form.cleaned_data
    if data["delivery"]:
        count = deliveries_replay(ids=[data["delivery"]])
    else:
        count = deliveries_replay(app=data["app"], destination=data["destination"] or None)
    noun = "delivery" if count == 1 else "deliveries"
    messages.success(request, f"{count} {noun} queued again: the next sweep sends them.")
    return redirect("monitor")
