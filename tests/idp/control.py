"""The control API through which a test sets the provider's users and its client.

Plain JSON, for the test's handle (``tests.idp.server.IdentityProvider``) only:
every request must carry ``Authorization: Bearer <IDP_CONTROL_TOKEN>``.
"""

import hmac
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tests.idp.claims import services

View = Callable[..., HttpResponse]


class BodyError(Exception):
    """The body is not what the endpoint takes; answered with 400."""


def control_api(*methods: str) -> Callable[[View], View]:
    """Guard a view with the bearer token; answer a bad body with 400, as JSON."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @require_http_methods(list(methods))
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            expected = f"Bearer {settings.CONTROL_TOKEN}"
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return JsonResponse({"error": "bearer token required"}, status=401)
            try:
                return view(request, *args, **kwargs)
            except BodyError as error:
                return JsonResponse({"error": str(error)}, status=400)

        return guarded

    return decorate


def json_body(request: HttpRequest, **fields: type) -> dict[str, Any]:
    """Return the JSON object of the body, checking the type of each named field."""
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise BodyError(f"the body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise BodyError("the body is not a JSON object")
    for name, kind in fields.items():
        if not isinstance(body.get(name), kind):
            raise BodyError(f"{name!r} must be a {kind.__name__}")
    return body


@control_api("PUT")
def user_put(request: HttpRequest, username: str) -> HttpResponse:
    """Create or replace the user ``username``: its password and all its claims."""
    body = json_body(request, password=str, claims=dict)
    services.user_replace(
        username=username, password=body["password"], claims=body["claims"]
    )
    return JsonResponse({"username": username, "claims": body["claims"]})


@control_api("GET")
def user_sessions(request: HttpRequest, username: str) -> HttpResponse:
    """Say how many live sessions at the provider the user ``username`` has."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return JsonResponse({"error": "no such user"}, status=404)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    count = sum(
        1
        for session in live
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    )
    return JsonResponse({"username": username, "sessions": count})


@control_api("PUT")
def client_put(request: HttpRequest) -> HttpResponse:
    """Set the client's redirect URIs and post-logout redirect URIs."""
    body = json_body(request, redirect_uris=list, post_logout_redirect_uris=list)
    try:
        application = services.client_set_uris(
            client_id=settings.CLIENT_ID,
            redirect_uris=body["redirect_uris"],
            post_logout_redirect_uris=body["post_logout_redirect_uris"],
        )
    except ValidationError as error:
        raise BodyError(json.dumps(error.message_dict)) from error
    return JsonResponse(
        {
            "redirect_uris": application.redirect_uris.split(),
            "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
        }
    )
