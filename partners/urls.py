from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/new/", views.callback_create, name="callback_create"),
    path("callbacks/form-part/", views.callback_form_part, name="callback_form_part"),
    path("callbacks/preview/", views.callback_preview, name="callback_preview"),
    path("callbacks/<int:pk>/edit/", views.callback_edit, name="callback_edit"),
    path("callbacks/<int:pk>/test/", views.callback_send_test, name="callback_send_test"),
    path("apps/<int:pk>/partners/", views.partner_settings, name="partner_settings"),
    path("apps/<int:pk>/adjust-security/", views.adjust_security, name="adjust_security"),
    path(
        "apps/<int:pk>/adjust-security/tokens/",
        views.adjust_token_create_view,
        name="adjust_token_create",
    ),
    path(
        "apps/<int:pk>/adjust-security/tokens/<int:token_pk>/delete/",
        views.adjust_token_delete_view,
        name="adjust_token_delete",
    ),
    path(
        "apps/<int:pk>/adjust-security/tokens/<int:token_pk>/recover/",
        views.adjust_token_recover_view,
        name="adjust_token_recover",
    ),
    path("apps/<int:pk>/adjust-security/auth/", views.adjust_auth_toggle, name="adjust_auth"),
]
