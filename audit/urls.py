from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.TrailView.as_view(), name="trail"),
    path("klant/", views.TrailClientView.as_view(), name="trail_client"),
    path("<int:pk>/", views.EventView.as_view(), name="event"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path(
        "exports/<int:pk>/download/",
        views.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path("controle/", views.VerificationView.as_view(), name="verification"),
    path(
        "controle/starten/",
        views.VerificationRunView.as_view(),
        name="verification_run",
    ),
    path(
        "controle/<int:pk>/",
        views.VerificationJobView.as_view(),
        name="verification_job",
    ),
    path("controle/chain.py", views.CheckerDownloadView.as_view(), name="checker"),
]
