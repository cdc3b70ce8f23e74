from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("report.pdf", views.statistics_pdf, name="statistics-pdf"),
    path("reports/", views.statistics_report_request, name="report-request"),
    path(
        "reports/<int:report_id>/download/",
        views.statistics_report_download,
        name="report-download",
    ),
    path("published.pdf", views.statistics_published, name="published"),
    path("users/", views.office_users, name="office-users"),
    path("users.csv", views.office_users_export, {"ext": "csv"}, name="office-users-csv"),
    path("users.pdf", views.office_users_export, {"ext": "pdf"}, name="office-users-pdf"),
    path("access-log/", views.access_log, name="access-log"),
    path("access-log.csv", views.access_log_csv, name="access-log-csv"),
    path("<slug:table>.csv", views.statistics_csv, name="statistics-csv"),
]
