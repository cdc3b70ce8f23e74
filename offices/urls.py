from django.urls import path

from . import views

app_name = "offices"
urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("users/", views.user_list, name="user-list"),
    path("users/invite/", views.user_invite, name="user-invite"),
    path("users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("users/<int:user_id>/active/", views.user_set_active, name="user-set-active"),
    path("api-keys/", views.api_key_list, name="api-key-list"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("access-policy/", views.access_policy, name="access-policy"),
    path("settings/", views.office_settings, name="office-settings"),
    path("request-contacts/", views.request_contacts, name="request-contacts"),
]
