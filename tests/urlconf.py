"""The URLconf as a list of routes, and their paths with team A's records filled in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.passkeys.models import Passkey
from conversations.models import Conversation
from tests.world import World


@dataclass(frozen=True)
class Route:
    """One pattern of the URLconf, with the names of the values its path takes."""

    key: str  # the URL name, or the route of an unnamed pattern
    name: str | None
    route: str
    params: tuple[str, ...]
    callback: Callable[..., Any]


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = "", params: tuple = ()
) -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        names = params + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, route, inner, names)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(name or route, name, route, names, pattern.callback)


ROUTES = {route.key: route for route in walk(get_resolver().url_patterns)}

# Which record a URL's ``pk`` names, by URL name (else the open conversation).
PK_OF: dict[str, Callable[[World], int]] = {
    "audit:event": lambda w: w.a.event.pk,
    "audit:export_job": lambda w: w.a.export_job.pk,
    "audit:export_download": lambda w: w.a.export_job.pk,
    "audit:verification_job": lambda w: w.verification_job.pk,
    "violations:detail": lambda w: w.a.reported.pk,
    "violations:decide": lambda w: w.a.reported.pk,
    "violations:withdraw": lambda w: w.a.confirmed.pk,
    "violations:letter": lambda w: w.a.confirmed.pk,
    "violations:letter_pdf": lambda w: w.a.confirmed.pk,
    "accounts:passkey_remove": lambda w: w.object_of(Passkey).pk,
    "privacy:hold_detail": lambda w: w.hold.pk,
    "privacy:hold_lift_request": lambda w: w.hold.pk,
    "privacy:hold_lift_agree": lambda w: w.hold_asked.pk,
    "privacy:erasure_detail": lambda w: w.erasure.pk,
    "privacy:erasure_approve": lambda w: w.erasure.pk,
    "privacy:erasure_decline": lambda w: w.erasure.pk,
    "privacy:access_detail": lambda w: w.access_export.pk,
    "privacy:access_download": lambda w: w.access_export.pk,
}


def value_of(route: Route, param: str, world: World) -> Any:
    """Return what fills ``param`` in ``route``: team A's record, or a fixed word."""
    if route.name == "admin:view_on_site":
        return {
            "content_type_id": ContentType.objects.get_for_model(Conversation).pk,
            "object_id": world.a.open.pk,
        }[param]
    if param == "object_id":
        return world.object_of(route.callback.model_admin.model).pk  # type: ignore[attr-defined]
    fixed: dict[str, Callable[[], Any]] = {
        "pk": lambda: PK_OF.get(route.key, lambda w: w.a.open.pk)(world),
        "participant": lambda: world.a.participant.pk,
        "conversation": lambda: world.a.open.pk,
        "id": lambda: world.a.employee.pk,  # another user's password
        "slug": lambda: "soort",
        "language": lambda: "nl",
        "file_format": lambda: "pdf",
        "app_label": lambda: "accounts",
        "url": lambda: "nergens/",
    }
    return fixed[param]()


def path_of(route: Route, world: World, **given: Any) -> str:
    """Return the path of ``route``, its values from ``world`` unless ``given``.

    Filled in by hand, not reversed, so that a value the pattern would not
    reverse (a negative id) can be given too.
    """
    values = {param: value_of(route, param, world) for param in route.params}
    values.update(given)
    # Regex groups first: their names look like converters too.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), route.route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
    return "/" + path.replace("^", "").replace("$", "")


@dataclass
class ServerError:
    """An exception a view raised: the server would have answered 500."""

    error: BaseException
    status_code: int = 500

    def __str__(self) -> str:
        frame = self.error.__traceback__
        while frame and frame.tb_next:
            frame = frame.tb_next
        where = (
            f" at {frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}"
            if frame
            else ""
        )
        return f"{type(self.error).__name__}: {self.error}{where}"
