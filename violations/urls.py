from django.urls import path

from violations import views

app_name = "violations"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("gesignaleerd/", views.FlaggedListView.as_view(), name="flagged"),
    path("melden/<int:conversation>/", views.ReportCreateView.as_view(), name="report"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/besluit/", views.DecideView.as_view(), name="decide"),
    path("<int:pk>/intrekken/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/brief/", views.LetterView.as_view(), name="letter"),
    path("<int:pk>/brief/pdf/", views.LetterPdfView.as_view(), name="letter_pdf"),
    path("berichten/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "berichten/aantal/",
        views.NotificationCountView.as_view(),
        name="notification_count",
    ),
]
