"""The app's URLs plus one bare view, for ``bench_checklist.py`` only.

The bare view is the yardstick: the same middleware and login as every page, and
one query by primary key. It is never part of the app.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from conversations.models import Conversation
from uwvrec.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest, pk: int) -> HttpResponse:
    status = Conversation.objects.filter(pk=pk).values_list("status", flat=True)
    return HttpResponse(f"<p>{status.first()}</p>")


urlpatterns = [*app_urlpatterns, path("bench/bare/<int:pk>/", bare)]
