from django.urls import path, re_path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.ScheduleView.as_view(), name="schedule"),
    path("bewaarplichten/", views.HoldListView.as_view(), name="holds"),
    path("bewaarplichten/nieuw/", views.HoldPlaceView.as_view(), name="hold_place"),
    path(
        "bewaarplichten/<int:pk>/",
        views.HoldDetailView.as_view(),
        name="hold_detail",
    ),
    path(
        "bewaarplichten/<int:pk>/opheffen/",
        views.HoldLiftRequestView.as_view(),
        name="hold_lift_request",
    ),
    path(
        "bewaarplichten/<int:pk>/akkoord/",
        views.HoldLiftAgreeView.as_view(),
        name="hold_lift_agree",
    ),
    path("inzage/", views.AccessListView.as_view(), name="access"),
    path("inzage/nieuw/", views.AccessRequestView.as_view(), name="access_request"),
    path("inzage/<int:pk>/", views.AccessDetailView.as_view(), name="access_detail"),
    re_path(
        r"^inzage/(?P<pk>[0-9]+)/(?P<file_format>pdf|json)/$",
        views.AccessDownloadView.as_view(),
        name="access_download",
    ),
    path("wissen/", views.ErasureListView.as_view(), name="erasures"),
    path("wissen/nieuw/", views.ErasureRequestView.as_view(), name="erasure_request"),
    path("wissen/<int:pk>/", views.ErasureDetailView.as_view(), name="erasure_detail"),
    path(
        "wissen/<int:pk>/akkoord/",
        views.ErasureApproveView.as_view(),
        name="erasure_approve",
    ),
    path(
        "wissen/<int:pk>/afwijzen/",
        views.ErasureDeclineView.as_view(),
        name="erasure_decline",
    ),
]
