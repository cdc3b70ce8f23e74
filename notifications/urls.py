from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("watch/", views.watch_list, name="watch-list"),
    path("watch/quick/", views.watch_quick, name="watch-quick"),
    path("watch/<int:watch_id>/", views.watch_edit, name="watch-edit"),
    path("watch/<int:watch_id>/delete/", views.watch_delete, name="watch-delete"),
    path("watch/unsubscribe/<str:token>/", views.watch_unsubscribe, name="watch-unsubscribe"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/settings/", views.preferences, name="settings"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification-open",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:request_id>/", views.request_detail, name="request-detail"),
]
