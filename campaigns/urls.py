from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("apps/", views.AppListView.as_view(), name="app_list"),
    path("apps/new/", views.AppCreateView.as_view(), name="app_create"),
    path("apps/<int:pk>/", views.app_detail, name="app_detail"),
    path("apps/<int:pk>/edit/", views.AppUpdateView.as_view(), name="app_edit"),
    path("apps/<int:pk>/advanced/", views.app_advanced_save, name="app_advanced"),
    path("apps/<int:pk>/s2s/request/", views.app_s2s_request_view, name="app_s2s_request"),
    path("apps/<int:pk>/s2s/approve/", views.app_s2s_approve_view, name="app_s2s_approve"),
]
