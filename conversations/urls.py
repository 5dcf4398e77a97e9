from django.urls import path

from conversations.views import checklist, conversations

app_name = "conversations"

urlpatterns = [
    path("", conversations.ConversationListView.as_view(), name="list"),
    path("eerder/", conversations.PastConversationListView.as_view(), name="past"),
    path("nieuw/", conversations.AppointmentCreateView.as_view(), name="create"),
    path("telefoon/", conversations.PhoneCallStartView.as_view(), name="phone_call"),
    path("<int:pk>/", conversations.ConversationDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/verzetten/",
        conversations.RescheduleView.as_view(),
        name="reschedule",
    ),
    path("<int:pk>/annuleren/", conversations.CancelView.as_view(), name="cancel"),
    path("<int:pk>/afloop/", conversations.ConcludeView.as_view(), name="conclude"),
    path(
        "<int:pk>/checklist/",
        checklist.ChecklistStartView.as_view(),
        name="checklist",
    ),
    path(
        "<int:pk>/checklist/toestemming/<int:participant>/",
        checklist.ChecklistStepView.as_view(),
        name="consent",
    ),
    path(
        "<int:pk>/checklist/<slug:slug>/",
        checklist.ChecklistStepView.as_view(),
        name="step",
    ),
    path(
        "<int:pk>/deelnemers/",
        checklist.ParticipantAddView.as_view(),
        name="participant_add",
    ),
    path(
        "<int:pk>/deelnemers/<int:participant>/verwijderen/",
        checklist.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
]
