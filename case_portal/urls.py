from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog

from offices.views import language_set

from . import views

admin.site.site_header = gettext_lazy("CASE Portal operations")
admin.site.site_title = gettext_lazy("CASE Portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The language switch (every page's frame) and the JavaScript strings of the language:
    # both before login, and exempt from the MFA gate (offices/middleware.py).
    path("i18n/language/", language_set, name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("accounts/signup/", views.signup_closed, name="signup-closed"),
    path("accounts/", include("allauth.urls")),
    path("office/", include("offices.urls")),
    path("", include("dossiers.urls")),
    path("", include("notifications.urls")),
    path("statistics/", include("stats.urls")),
    path("api/", include("case_portal.api.urls")),
    path("ops/login/", views.admin_login, name="admin-login"),
    path("ops/", admin.site.urls),
]

handler400 = "case_portal.views.error_400"
handler403 = "case_portal.views.error_403"
handler404 = "case_portal.views.error_404"
handler500 = "case_portal.views.error_500"
