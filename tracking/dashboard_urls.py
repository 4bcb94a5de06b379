"""The marketer dashboard's pages, at the site root (the API and the admin have their prefixes)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracking import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/rotate/", views.token_rotate, name="token_rotate"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("monitor/", views.monitor, name="monitor"),
    path("monitor/replay/", views.monitor_replay, name="monitor_replay"),
    path("", include("campaigns.urls")),
    path("", include("partners.urls")),
]
