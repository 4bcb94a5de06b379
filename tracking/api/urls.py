from django.urls import path

from tracking.api import views

app_name = "api"
urlpatterns = [
    path("installs/", views.InstallView.as_view(), name="installs"),
    path("events/", views.InAppEventView.as_view(), name="events"),
    # Any text, so that a malformed id gets the API's JSON 404 rather than the site's HTML one.
    path("events/<str:event_id>/", views.EventDetailView.as_view(), name="event-detail"),
    path("clicks/", views.ClickView.as_view(), name="clicks"),
    path("views/", views.CompletedViewView.as_view(), name="views"),
    path("batch/", views.BatchView.as_view(), name="batch"),
]
